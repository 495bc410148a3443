//! The bodies of the fuzz targets, shared by the cargo-fuzz binaries (`fuzz/fuzz_targets/*.rs`,
//! `cargo +nightly fuzz run yaml`) and by the stable corpus replay and smoke run in the CLI test
//! binary (`tests/cli/fuzz.rs`). They drive the library's private stages, so they live in it
//! (`src/fuzz.rs`); each must never panic.

pub(crate) use thesis::fuzz::{csv, rhai, yaml};
