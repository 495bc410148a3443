//! cargo-fuzz target: rhai (the body, `thesis::fuzz::rhai`, is shared with the stable replay in tests/cli/fuzz.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| thesis::fuzz::rhai(data));
