//! `thesis diff --base PATH|REV [--head PATH]`: how two versions of the rules score the same data.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Common;
use super::output::to_stdout;
use crate::Error;
use crate::diff::{diff, revision};
use crate::model::Kind;
use crate::project::{Options, Session};
use crate::render::diff::{DiffFormat, write_diff};

/// What `thesis diff` was asked for.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The old rules: a path (file or directory), or a git revision whose `--rules` paths are used.
    #[arg(long, value_name = "PATH|REV")]
    pub base: String,
    /// The new rules (default: the `--rules` paths of the working tree).
    #[arg(long, value_name = "PATH")]
    pub head: Option<PathBuf>,
    /// Which kind to compare.
    #[arg(long, default_value = "company")]
    pub kind: Kind,
    #[arg(long, default_value = "table")]
    pub format: DiffFormat,
}

pub(super) fn run(common: &Common, args: &DiffArgs) -> Result<ExitCode, Error> {
    let opts = common.options();
    let checkout;
    let base_rules = if Path::new(&args.base).exists() {
        vec![PathBuf::from(&args.base)]
    } else {
        checkout = revision::checkout(&args.base, &opts.rules)?;
        checkout.paths.clone()
    };
    let head_rules = args.head.clone().map_or_else(|| opts.rules.clone(), |h| vec![h]);
    let base = score(common, base_rules, &args.base)?;
    let head_label = args.head.as_ref().map_or_else(|| "working tree".to_string(), |h| crate::source::display_path(h));
    let head = score(common, head_rules, &head_label)?;
    let Some(d) = diff(args.kind, (&args.base, &base), (&head_label, &head)) else {
        return Err(Error::Usage(format!("no rule set scores {} in both versions", args.kind)));
    };
    to_stdout(|out| write_diff(out, &d, args.format))?;
    Ok(ExitCode::SUCCESS)
}

fn score(common: &Common, rules: Vec<PathBuf>, label: &str) -> Result<Session, Error> {
    let opts = Options { rules, ..common.options() };
    let scored = crate::pipeline::score_reported(&opts, |diags, sources| {
        if !diags.is_empty() {
            eprintln!("thesis: in the {label} rules:");
        }
        common.report(diags, sources);
    });
    scored.map(|(session, _)| session)
}
