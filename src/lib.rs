//! thesis: an investment-scoring rules engine. The pipeline reads as the modules do:
//! `load` → `check` → `compile` → `evaluate` → `rank` → `render`, and `memo` for documents.

/// `eprintln!` that cannot panic: a full or closed standard error is ignored (there is nowhere
/// left to report it). `clippy::print_stderr` is denied, so every stderr line goes through here.
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::output::say(format_args!($($t)*)) };
}
pub(crate) use say;

pub mod check;
pub mod cli;
pub mod compile;
pub mod diag;
pub mod diff;
pub mod escape;
pub mod evaluate;
pub mod files;
pub mod fmt;
pub mod load;
pub mod memo;
pub mod model;
pub mod pipeline;
pub mod pool;
pub mod project;
pub mod rank;
pub mod render;
pub mod scale;
pub mod script;
pub mod source;
pub mod testing;
pub mod watch;

use std::path::{Path, PathBuf};

/// Failures that are not problems in the user's files (those are diagnostics).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", source::display_path(path))]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The command was asked for something it cannot do (an unknown id, a bad option, a git
    /// failure); exit code 2.
    #[error("{0}")]
    Usage(String),
    /// The input files have errors; they were reported as diagnostics.
    #[error("{errors} error(s) in the input files")]
    Invalid {
        /// How many errors were reported.
        errors: usize,
    },
}

impl Error {
    /// An I/O failure on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
    }

    /// The documented exit code: 1 for invalid input, 2 for usage or I/O trouble.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid { .. } => 1,
            Error::Io { .. } | Error::Usage(_) => 2,
        }
    }
}
