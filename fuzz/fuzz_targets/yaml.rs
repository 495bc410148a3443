//! cargo-fuzz target: yaml (the body, `thesis::fuzz::yaml`, is shared with the stable replay in tests/cli/fuzz.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| thesis::fuzz::yaml(data));
