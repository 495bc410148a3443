//! Lints (check stage, after the files are valid): warnings with W-codes about rules that are
//! valid but probably not what the analyst meant. One lint per file, each a
//! `check(cx, out: &mut Vec<Diagnostic>)`. They run only when the files have no errors.

mod gate_firing;
mod ineffective_override;
mod irrelevant_factor;
mod locate;
mod sparse_data;
mod unreachable_band;
mod unreachable_rating;
mod unsourced_value;
mod unused_attribute;

use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics};
use crate::evaluate::{KindScores, Scores};
use crate::load::Workspace;
use crate::model::{Dataset, RuleBook, RuleSet};
use crate::project::Project;
use crate::script::Limits;

/// What the lints read: the checked project, and each rule set evaluated over the data.
pub(crate) struct Cx<'a> {
    pub ws: &'a Workspace,
    pub dataset: &'a Dataset,
    pub book: &'a RuleBook,
    /// Each rule set with the scores of a run that chose it (`None` if it cannot run alone).
    pub evaluated: Vec<(Arc<RuleSet>, Option<Scores>)>,
}

impl Cx<'_> {
    /// The scores of `rules`' own kind under `rules`.
    pub(crate) fn scores_of<'s>(&'s self, rules: &RuleSet) -> Option<&'s KindScores> {
        let (_, scores) = self.evaluated.iter().find(|(r, _)| r.name == rules.name)?;
        scores.as_ref()?.of(rules.kind)
    }
}

/// A lint: reads the context, pushes its warnings.
type Lint = fn(&Cx<'_>, &mut Vec<Diagnostic>);

/// Every lint, in the order they run; a new lint is one line here.
const LINTS: &[Lint] = &[
    unused_attribute::check,
    irrelevant_factor::check,
    unreachable_rating::check,
    unreachable_band::check,
    ineffective_override::check,
    gate_firing::check,
    sparse_data::check,
    unsourced_value::check,
];

/// Runs every lint over a project whose files are valid.
/// `rule_sets` are those chosen by name (`--rule-set`), kept for the other kinds.
pub(crate) fn run(project: &Project, rule_sets: &[String], limits: Limits, diags: &mut Diagnostics) {
    let cx = Cx {
        ws: &project.ws,
        dataset: &project.dataset,
        book: &project.book,
        evaluated: project
            .book
            .sets
            .iter()
            .map(|rs| (Arc::clone(rs), evaluate_with(project, rule_sets, limits, rs)))
            .collect(),
    };
    let mut out = Vec::new();
    for lint in LINTS {
        lint(&cx, &mut out);
    }
    dedupe(&mut out);
    diags.extend(out);
}

/// Scores the data with `rules` chosen for its kind (the defaults for the others).
fn evaluate_with(project: &Project, rule_sets: &[String], limits: Limits, rules: &RuleSet) -> Option<Scores> {
    let mut quiet = Diagnostics::new();
    let mut requested = vec![rules.name.clone()];
    requested.extend(rule_sets.iter().filter(|n| project.book.get(n).is_some_and(|r| r.kind != rules.kind)).cloned());
    let sources = &project.ws.sources;
    let plan = crate::compile::compile(&project.book, &project.dataset, &requested, &project.ws, limits, &mut quiet)?;
    crate::evaluate::evaluate(&plan, &project.dataset, sources, &mut quiet)
}

/// A profile repeats its base's factors and gates at the same place: warn once per place and code.
fn dedupe(out: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    out.retain(|d| d.location.is_none() || seen.insert((d.code, d.location.clone())));
}
