//! `thesis diff --base PATH|REV [--head PATH]`: how two versions of the rules score the same
//! data. Without `--rule-set`, every rule set of the kind that changed is compared (profiles
//! included), each with the list of what changed in it before the score impact.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Common;
use super::output::to_stdout_as;
use crate::Error;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::diff::rules::{RuleChange, Versions, rule_changes};
use crate::diff::{KindDiff, diff, revision};
use crate::model::{Kind, RuleSet};
use crate::project::{Options, Session};
use crate::render::diff::{DiffFormat, write_diffs};

/// What `thesis diff` was asked for.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  thesis diff --base HEAD                      every rule set changed since the last commit
  thesis diff --base main --format markdown    a table to paste into a pull request
  thesis diff --base ../rules-before --rule-set company-growth")]
pub(crate) struct DiffArgs {
    /// The old rules: a path (file or directory), or a git revision whose `--rules` paths are used
    /// (default: the head's rules, to compare two view dates with `--base-as-of`).
    #[arg(long, value_name = "PATH|REV", required_unless_present = "base_as_of")]
    pub base: Option<String>,
    /// The view date of the old side (default: the head's): with the same rules, what the data
    /// changed between two dates; with `--base REV`, a past rating under the rules of its day.
    #[arg(long = "base-as-of", value_name = "DATE", value_parser = super::parse_date)]
    pub base_as_of: Option<crate::model::Date>,
    /// The new rules (default: the `--rules` paths of the working tree).
    #[arg(long, value_name = "PATH")]
    pub head: Option<PathBuf>,
    /// Which kind to compare.
    #[arg(long, default_value = "company")]
    pub kind: Kind,
    /// How to print the comparison: a table, Markdown (for a review), or JSON (one object; an
    /// array of them when several rule sets changed).
    #[arg(long, default_value = "table")]
    pub format: DiffFormat,
}

/// Both sides, scored with the default rule sets (or `--rule-set`).
struct Sides {
    base: Session,
    head: Session,
    base_label: String,
    head_label: String,
    base_rules: Vec<PathBuf>,
    head_rules: Vec<PathBuf>,
}

pub(super) fn run(common: &Common, args: &DiffArgs) -> Result<ExitCode, Error> {
    let opts = common.options();
    let checkout;
    // The rules of a revision lie in a temporary directory: their scripts may come from there
    // or from the project (the working tree's root), nowhere else.
    let mut base_roots = Vec::new();
    let base_arg = args.base.clone().unwrap_or_default();
    let base_rules = if args.base.is_none() {
        opts.rules.clone()
    } else if Path::new(&base_arg).exists() {
        vec![PathBuf::from(&base_arg)]
    } else {
        checkout = revision::checkout(&base_arg, &opts.rules)?;
        let mut given = opts.rules.clone();
        given.extend(opts.data.iter().cloned());
        base_roots.push(checkout.dir.path().to_path_buf());
        base_roots.extend(crate::files::Root::of(opts.root.as_deref(), &given, false).dirs);
        checkout.paths.clone()
    };
    let head_rules = args.head.clone().map_or_else(|| opts.rules.clone(), |h| vec![h]);
    let head_label = args.head.as_ref().map_or_else(|| "working tree".to_string(), |h| crate::source::display_path(h));
    let base_label = args.base.clone().unwrap_or_else(|| head_label.clone());
    let base_as_of = args.base_as_of.or(common.as_of);
    let score_with = |rule_sets: &[String]| -> Result<Sides, Error> {
        Ok(Sides {
            base: score(common, (base_rules.clone(), base_as_of), &base_roots, rule_sets, &base_label)?,
            head: score(common, (head_rules.clone(), common.as_of), &[], rule_sets, &head_label)?,
            base_label: base_label.clone(),
            head_label: head_label.clone(),
            base_rules: base_rules.clone(),
            head_rules: head_rules.clone(),
        })
    };
    let sides = score_with(&common.rule_sets)?;
    let changed = if common.rule_sets.is_empty() { changed_rule_sets(&sides, args.kind) } else { Vec::new() };
    let mut diffs = Vec::new();
    let mut lints = Diagnostics::new();
    if changed.is_empty() {
        diffs.push(kind_diff(&sides, args.kind, &mut lints)?);
    }
    for name in &changed {
        diffs.push(kind_diff(&score_with(std::slice::from_ref(name))?, args.kind, &mut lints)?);
    }
    common.report(&lints, &sides.head.project.ws.sources);
    to_stdout_as(args.format != DiffFormat::Json, |out| write_diffs(out, &diffs, args.format))?;
    Ok(ExitCode::SUCCESS)
}

/// The rule sets of `kind` on both sides whose content differs, in the head's order.
fn changed_rule_sets(sides: &Sides, kind: Kind) -> Vec<String> {
    let (base, head) = (&sides.base.project, &sides.head.project);
    head.book
        .of_kind(kind)
        .filter_map(|h| {
            let b = base.book.get(&h.name)?;
            let v = Versions {
                base: (b, &base.ws.sources),
                head: (h, &head.ws.sources),
                roots: (&sides.base_rules, &sides.head_rules),
            };
            (!rule_changes(&v).is_empty()).then(|| h.name.clone())
        })
        .collect()
}

/// The score diff of `kind`, with the rule changes of the rule set it scores, and W205 when
/// they are not matched by a new version.
fn kind_diff(sides: &Sides, kind: Kind, lints: &mut Diagnostics) -> Result<KindDiff, Error> {
    let (base, head) = ((sides.base_label.as_str(), &sides.base), (sides.head_label.as_str(), &sides.head));
    let Some(mut d) = diff(kind, base, head) else {
        return Err(Error::Usage(format!("no rule set scores {kind} in both versions")));
    };
    let (b, h) = (rules_of(&sides.base, kind), rules_of(&sides.head, kind));
    if let (Some(b), Some(h)) = (b, h) {
        let v = Versions {
            base: (b, &sides.base.project.ws.sources),
            head: (h, &sides.head.project.ws.sources),
            roots: (&sides.base_rules, &sides.head_rules),
        };
        d.rule_changes = rule_changes(&v);
        lints.extend(version_lint(b, h, &d.rule_changes));
    }
    Ok(d)
}

fn rules_of(s: &Session, kind: Kind) -> Option<&RuleSet> {
    s.scores.of(kind).map(|ks| ks.plan.rules.as_ref())
}

/// W205: the rule set changed between the two versions, but its `version:` did not.
fn version_lint(base: &RuleSet, head: &RuleSet, changes: &[RuleChange]) -> Option<Diagnostic> {
    if changes.is_empty() || base.name != head.name || base.version != head.version {
        return None;
    }
    Some(
        Diagnostic::warning(
            Code::VersionNotBumped,
            format!(
                "rule set `{}` changed ({} change{}) but its version is still {}",
                head.name,
                changes.len(),
                if changes.len() == 1 { "" } else { "s" },
                head.version
            ),
        )
        .at_opt(head.span)
        .hint("raise `version:`, so memos and diffs stamped with it tell the two versions apart"),
    )
}

fn score(
    common: &Common,
    (rules, as_of): (Vec<PathBuf>, Option<crate::model::Date>),
    roots: &[PathBuf],
    rule_sets: &[String],
    label: &str,
) -> Result<Session, Error> {
    let opts = Options { rules, as_of, rule_sets: rule_sets.to_vec(), root_dirs: roots.to_vec(), ..common.options() };
    // Only a side with problems reports, so a clean diff in JSON or SARIF prints one document
    // (its lints), and the document carries its own file names.
    let scored = crate::pipeline::score_reported(&opts, |diags, sources| {
        if diags.is_empty() {
            return;
        }
        if !common.machine_diagnostics() {
            crate::say!("thesis: in the {label} rules:");
        }
        common.report(diags, sources);
    });
    scored.map(|(session, _)| session)
}
