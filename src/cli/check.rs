//! `thesis check [PATH...]`: validate rules, datasets, scripts and rule tests, then lint them;
//! every diagnostic at once.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Common;
use crate::Error;
use crate::diag::{Code, Diagnostics};
use crate::source::SourceMap;

/// What `thesis check` was asked for.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  thesis check                                   every rule, dataset, script and test file
  thesis check --deny warnings --allow W401      what CI runs: warnings fail, but W401
  thesis check --diagnostic-format sarif > thesis.sarif   for code scanning on a pull request
  thesis check --diagnostic-format json | jq .summary")]
pub(crate) struct CheckArgs {
    /// More files or directories to check with the rules and data.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Turn warnings into errors: `warnings` for all, or one code such as W401 (repeatable).
    #[arg(long, value_name = "WHAT", value_parser = parse_deny)]
    pub deny: Vec<Denied>,
    /// Do not report warnings with this code, such as W401 (repeatable).
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    pub allow: Vec<Code>,
}

/// A `--deny` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Denied {
    Warnings,
    Code(Code),
}

fn parse_code(s: &str) -> Result<Code, String> {
    Code::ALL
        .iter()
        .copied()
        .find(|c| c.as_str().eq_ignore_ascii_case(s) || c.slug() == s)
        .ok_or_else(|| format!("`{s}` is not a diagnostic code (see the README's table)"))
}

fn parse_deny(s: &str) -> Result<Denied, String> {
    if s == "warnings" { Ok(Denied::Warnings) } else { parse_code(s).map(Denied::Code) }
}

pub(super) fn run(common: &Common, args: &CheckArgs) -> Result<ExitCode, Error> {
    let sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let mut opts = common.options();
    opts.extra = args.paths.clone();
    let result = crate::pipeline::check(&opts, &sources, &mut diags);
    diags.allow(&args.allow);
    let codes: Vec<Code> =
        args.deny.iter().filter_map(|d| if let Denied::Code(c) = d { Some(*c) } else { None }).collect();
    diags.deny(args.deny.contains(&Denied::Warnings), &codes);
    common.report(&diags, &sources);
    result?;
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    if common.machine_diagnostics() {
        // The summary is inside the document.
        return Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS });
    }
    let (e, w) = (crate::fmt::count(errors, "error"), crate::fmt::count(warnings, "warning"));
    crate::say!("checked {}: {e}, {w}", crate::fmt::count(sources.len(), "file"));
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
