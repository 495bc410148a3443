//! cargo-fuzz target: csv (the body is shared with the stable replay in tests/cli/fuzz.rs).
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::csv(data));
