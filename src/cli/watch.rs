//! `thesis watch`: re-check, re-test and re-rank on every save, until stopped.

use std::process::ExitCode;
use std::time::Duration;

use super::Common;
use crate::Error;
use crate::model::Kind;
use crate::watch::{WatchOptions, watch};

/// What `thesis watch` was asked for.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  thesis watch                     check, test and rank on every save
  thesis watch --clear --top 5     a fresh screen each run, the top five")]
pub(crate) struct WatchArgs {
    /// Which kind to rank.
    #[arg(long, default_value = "company")]
    pub kind: Kind,
    /// How many of the top entities to show.
    #[arg(long, value_name = "N", default_value = "10")]
    pub top: usize,
    /// Wait this many milliseconds after a save for more saves before running.
    #[arg(long, value_name = "MS", default_value = "200")]
    pub debounce: u64,
    /// Clear the screen before each run.
    #[arg(long)]
    pub clear: bool,
}

pub(super) fn run(common: &Common, args: &WatchArgs) -> Result<ExitCode, Error> {
    let w = WatchOptions {
        kind: args.kind,
        top: args.top,
        debounce: Duration::from_millis(args.debounce),
        clear: args.clear,
    };
    let report = |d: &crate::diag::Diagnostics, s: &crate::source::SourceMap| common.report(d, s);
    let stdout = std::io::stdout();
    let mut out = crate::escape::Escaping::new(stdout.lock());
    watch(&common.options(), w, &report, &mut out)?;
    Ok(ExitCode::SUCCESS)
}
