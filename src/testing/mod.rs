//! Rule tests (`thesis test`): cases written beside the rule sets score one entity and state
//! what must come out. Checked like every other file, run through the real pipeline, compared,
//! and tallied for coverage of factors, bands, gates and adjustments.

mod compare;
pub(crate) mod coverage;
mod resolve;
mod universe;

use std::collections::HashMap;

pub(crate) use compare::Mismatch;
pub(crate) use coverage::Coverage;
pub(crate) use resolve::check_tests;

use crate::check::attrs::Cell;
use crate::compile::{Plan, compile};
use crate::diag::Diagnostics;
use crate::evaluate::{evaluate, ledger};
use crate::load::tests::ExpectSpec;
use crate::model::{AttrId, Kind, Provenance, Row};
use crate::project::Project;
use crate::script::Limits;
use crate::source::{FileId, Span};

/// A checked test file: each case by name, with where it is, and `None` if it has errors.
#[derive(Debug)]
pub(crate) struct TestFile {
    pub file: FileId,
    pub cases: Vec<(String, Option<Span>, Option<Case>)>,
}

/// A checked case, ready to run.
#[derive(Debug)]
pub(crate) struct Case {
    /// The rule set the case names (`None`: the one `rank` would use).
    pub requested: Option<String>,
    pub kind: Kind,
    pub subject: Subject,
    /// Rows of the kind's table to score it among (`None`: every entity of the kind).
    pub universe: Option<Vec<Row>>,
    /// The view date the case pins (`None`: the run's).
    pub as_of: Option<crate::model::Date>,
    pub expect: ExpectSpec,
}

/// The entity a case scores.
#[derive(Debug)]
pub(crate) enum Subject {
    Existing(Row),
    Built(Box<NewEntity>),
}

/// An entity described in a test file.
#[derive(Debug)]
pub(crate) struct NewEntity {
    pub id: String,
    pub name: String,
    /// The dataset entity it starts from.
    pub base: Option<Row>,
    pub values: Vec<(AttrId, Cell, Provenance)>,
    pub exposure: Vec<(Kind, Vec<(Row, f64)>)>,
    pub headquarters: Option<Row>,
    pub span: Option<Span>,
}

/// How one case went.
#[derive(Debug)]
pub enum Verdict {
    Passed,
    Failed(Vec<Mismatch>),
    /// The case has errors (reported as diagnostics), or scoring it failed.
    Error(String),
}

/// One case's result, for the report.
#[derive(Debug)]
pub struct CaseResult {
    pub file: FileId,
    pub span: Option<Span>,
    pub name: String,
    pub verdict: Verdict,
}

/// Every case's result, and what they exercised.
#[derive(Debug, Default)]
pub struct TestRun {
    /// Each case's verdict, in file and case order.
    pub results: Vec<CaseResult>,
    /// Which factors, bands, gates and adjustments the cases exercised.
    pub coverage: Coverage,
}

impl TestRun {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| matches!(r.verdict, Verdict::Passed)).count()
    }

    /// How many cases did not pass.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

/// Runs every case of `files` against the project; `rule_sets` are those chosen by name
/// (`--rule-set`), used for the kinds a case does not choose for.
pub(crate) fn run_tests(
    project: &Project,
    files: &[TestFile],
    rule_sets: &[String],
    limits: Limits,
    diags: &mut Diagnostics,
) -> TestRun {
    let mut run = TestRun { coverage: Coverage::new(&project.book), ..TestRun::default() };
    let mut plans: HashMap<Option<String>, Option<Plan>> = HashMap::new();
    for f in files {
        for (name, span, case) in &f.cases {
            let verdict = match case {
                None => Verdict::Error("the case has errors (see the diagnostics)".into()),
                Some(case) => {
                    let plan = plans
                        .entry(case.requested.clone())
                        .or_insert_with(|| plan_for(project, case, rule_sets, limits, diags));
                    match plan {
                        Some(plan) => run_case(project, plan, case, &mut run.coverage, diags),
                        None => Verdict::Error("its rule sets do not compile (see the diagnostics)".into()),
                    }
                }
            };
            run.results.push(CaseResult { file: f.file, span: *span, name: name.clone(), verdict });
        }
    }
    run
}

/// The case's rule set (if it names one) with the run's `--rule-set` choices for the other kinds.
fn plan_for(
    project: &Project,
    case: &Case,
    rule_sets: &[String],
    limits: Limits,
    diags: &mut Diagnostics,
) -> Option<Plan> {
    let kind_of = |name: &str| project.book.get(name).map(|r| r.kind);
    let mut requested = rule_sets.to_vec();
    if let Some(name) = &case.requested {
        requested.retain(|r| kind_of(r) != kind_of(name));
        requested.push(name.clone());
    }
    compile(&project.book, &project.dataset, &requested, &project.ws, limits, diags)
}

fn run_case(project: &Project, plan: &Plan, case: &Case, coverage: &mut Coverage, diags: &mut Diagnostics) -> Verdict {
    let pinned = case.as_of.filter(|&d| Some(d) != project.dataset.as_of).map(|d| project.dataset.at(d));
    let base = match &pinned {
        None => &project.dataset,
        Some(Some(view)) => view,
        Some(None) => return Verdict::Error("the observations were not kept to view another date".into()),
    };
    let (dataset, row) = universe::case_dataset(base, case);
    let Some(scores) = evaluate(plan, &dataset, &project.ws.sources, diags) else {
        return Verdict::Error("scoring failed (see the diagnostics)".into());
    };
    let Some(ks) = scores.of(case.kind) else {
        return Verdict::Error(format!("no rule set scores {}", case.kind));
    };
    let l = ledger(ks, row, &scores, &dataset, false);
    let ranking = crate::rank::rank(ks);
    coverage.record(ks, &l);
    let table = dataset.table(case.kind);
    let peer = |id: &str| table.find(id).and_then(|r| ranking.position(r as usize)).map(|p| p.0);
    let flips = if case.expect.flips.is_empty() { Vec::new() } else { crate::robust::entity_flips(ks, row) };
    let flip = |factor: &str, dir: &str| flip_of(ks, &flips, factor, dir);
    let place = compare::Place {
        rank: ranking.position(row).map(|p| p.0),
        ranked: ranking.ranked.len(),
        peer: &peer,
        flip: &flip,
    };
    let mismatches = compare::compare(&case.expect, &l, &place);
    if mismatches.is_empty() { Verdict::Passed } else { Verdict::Failed(mismatches) }
}

/// A factor's flip in one direction, or what keeps it from having one.
fn flip_of(
    ks: &crate::evaluate::KindScores,
    flips: &[crate::robust::Flip],
    factor: &str,
    dir: &str,
) -> Result<f64, String> {
    let rules = &ks.plan.rules;
    let found = flips.iter().find(|f| rules.factors[f.factor].id == factor && f.direction.word() == dir);
    match found {
        Some(f) => match (f.points, f.capped_by) {
            (Some(d), _) => Ok(d),
            (None, Some(g)) => Err(format!("none (capped by gate `{}`)", rules.gates[g].id)),
            (None, None) => Err("out of reach (no points of this factor alone move the rating)".into()),
        },
        None if flips.is_empty() => Err("none (not rated, or a condition reads the score)".into()),
        None => Err(format!("none (no band {dir}, or the factor has no points)")),
    }
}
