//! cargo-fuzz target: csv (the body, `thesis::fuzz::csv`, is shared with the stable replay in tests/cli/fuzz.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| thesis::fuzz::csv(data));
