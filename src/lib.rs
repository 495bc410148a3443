//! thesis: an investment-scoring rules engine. The pipeline reads as the modules do:
//! `load` → `check` → `compile` → `evaluate` → `rank` → `render`, and `memo` for documents.
//!
//! The library's API is the pipeline and its products. [`load_project`] reads and checks the
//! rule and dataset files named in [`Options`] into a [`Project`]; [`score`] also compiles and
//! evaluates them into a [`Session`], whose [`Session::rank`] gives a kind's [`Ranking`] and
//! [`Session::ledger`] an entity's [`Ledger`]; [`check`] runs everything `thesis check` does
//! and [`test()`] the rule tests. Problems in the user's files are [`Diagnostic`]s collected in
//! [`Diagnostics`] (render them with the [`SourceMap`] they point into); other failures are an
//! [`Error`]. Every verb runs on a worker pool whose stacks the script sandbox needs
//! ([`in_pool`]).
//!
//! ```
//! // The shipped model: `rules/` and `datasets/` of this repository.
//! let opts = thesis::Options::default();
//! let sources = thesis::SourceMap::new();
//! let mut diags = thesis::Diagnostics::new();
//! let session = thesis::score(&opts, &sources, &mut diags).expect("the shipped model scores");
//! let ranking = session.rank(thesis::Kind::Company).expect("a rule set scores companies");
//! let best = &ranking.ranked[0];
//! let ledger = session.ledger(thesis::Kind::Company, best.row as usize, false).expect("a ledger");
//! assert_eq!(best.rank, 1);
//! assert!((0.0..=100.0).contains(&ledger.score));
//! ```

/// `eprintln!` that cannot panic: a full or closed standard error is ignored (there is nowhere
/// left to report it). `clippy::print_stderr` is denied, so every stderr line goes through here.
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::output::say(format_args!($($t)*)) };
}
pub(crate) use say;

mod check;
mod cli;
mod compile;
mod diag;
mod diff;
mod escape;
mod evaluate;
mod files;
mod fmt;
#[doc(hidden)]
pub mod fuzz;
mod history;
mod load;
mod lsp;
mod memo;
mod model;
mod pipeline;
mod pool;
mod project;
mod rank;
mod render;
mod robust;
mod scale;
mod script;
mod source;
mod testing;
mod watch;

pub use diag::{Code, Diagnostic, Diagnostics, Location, Severity};
pub use evaluate::{Basis, Bounds, Ledger, NotRated, Scores, Status};
pub use load::schema::{Format as SchemaFormat, schema, schema_text};
pub use model::{Column, Dataset, Date, Kind, RuleBook, RuleSet};
pub use pipeline::{check, load_project, score, score_reported, test};
pub use pool::in_pool;
pub use project::{Options, Project, Session, StageHook};
pub use rank::{Ranking, TIE_DECIMALS};
pub use script::Limits;
pub use source::{FileId, SourceMap, Span};
pub use testing::TestRun;

pub(crate) use load::yaml::ypath;

/// Parses this process's arguments and runs the command line: what the `thesis` binary does.
/// A usage error is printed as clap prints it, with control characters from the arguments
/// escaped.
pub fn run_cli() -> std::process::ExitCode {
    cli::main()
}

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
