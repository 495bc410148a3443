//! Rule-check phase 1: each file on its own, turned into [`Draft`] pieces.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::scale::{bad_points, check_coverage, points_ok, scale};
use super::{Draft, FactorDraft, Located, located};
use crate::check::label::label_problem;
use crate::diag::{Code, Diagnostic};
use crate::fmt::number;
use crate::load::rules::{FactorSpec, GateAction as GateActionSpec, InputSpec, MissingSpec, RuleFile};
use crate::load::values::Parsed;
use crate::load::yaml::{ValueError, YamlDoc, YamlPath, lookup};
use crate::model::{Adjustment, Condition, Gate, GateAction, GateMissing, Missing, Rating};
use crate::source::Span;
use crate::ypath;

/// Checks one file on its own and turns its parts into draft pieces.
pub(super) fn draft_file(doc: &YamlDoc, f: &RuleFile, diags: &mut Vec<Diagnostic>) -> Draft {
    let mut d = Draft {
        kind: f.kind.map(|k| located(k, doc.span(&ypath!["kind"]))),
        missing: f.missing.as_ref().and_then(|m| missing_policy(&m.0, doc, &ypath!["missing"], diags)),
        reason_codes: f.reason_codes,
        aggregation: f.aggregation,
        ..Draft::default()
    };
    for (name, spec) in &f.categories {
        let path = ypath!["categories", name.as_str()];
        match spec {
            Parsed::Ok(c) => {
                if c.weight.0 <= 0.0 {
                    diags.push(non_positive(doc, &path, &format!("category `{name}`"), c.weight.0));
                }
                d.categories.insert(name.clone(), located((c.weight.0, c.description.clone()), doc.key_span(&path)));
            }
            Parsed::Err(e) => {
                let inner = lookup(&doc.value, &path).and_then(crate::load::rules::category_error);
                diags.push(doc.error_diagnostic(&path, inner.as_ref().unwrap_or(e)));
                d.failed.insert(name.clone());
            }
        }
    }
    let dir = doc_dir(doc);
    for (path, spec) in unique_by_id(doc, "factors", &f.factors, "factor", |s| &s.id, &mut d.failed, diags) {
        d.factors.push(draft_factor(doc, &path, spec, &dir, diags));
    }
    draft_conditions(doc, f, &mut d, diags);
    draft_coverage(doc, f, &mut d, diags);
    if let Some(items) = &f.ratings {
        d.ratings = Some((draft_ratings(doc, items, &mut d.failed, diags), doc.key_span(&ypath!["ratings"])));
    }
    d
}

fn doc_dir(doc: &YamlDoc) -> PathBuf {
    doc.path.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn non_positive(doc: &YamlDoc, path: &YamlPath, what: &str, w: f64) -> Diagnostic {
    Diagnostic::error(Code::NonPositiveWeight, format!("{what} has weight {}; weights must be positive", number(w)))
        .at_opt(doc.span(&path.at("weight")))
        .hint("give it a positive weight, or delete it to leave it out")
}

fn duplicate(doc: &YamlDoc, path: &YamlPath, what: &str, id: &str) -> Diagnostic {
    Diagnostic::error(Code::DuplicateRuleId, format!("{what} `{id}` is defined twice in this file"))
        .at_opt(doc.span(path))
        .hint("give each a different id, or merge them")
}

fn draft_factor(
    doc: &YamlDoc,
    path: &YamlPath,
    spec: &FactorSpec,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> FactorDraft {
    if let Some(w) = spec.weight
        && w.0 <= 0.0
    {
        diags.push(non_positive(doc, path, &format!("factor `{}`", spec.id), w.0));
    }
    let label = spec.label.as_ref().filter(|l| match label_problem(l) {
        Some(why) => {
            diags.push(
                Diagnostic::error(Code::BadLabel, format!("the label of factor `{}` {why}", spec.id))
                    .at_opt(doc.span(&path.at("label")))
                    .hint("name the factor in two to four words, such as `label: Compute supply`; the description says the rest"),
            );
            false
        }
        None => true,
    });
    FactorDraft {
        id: spec.id.clone(),
        at: doc.span(path),
        id_at: doc.span(&path.at("id")),
        category: spec.category.clone().map(|c| located(c, doc.span(&path.at("category")))),
        weight: spec.weight.map(|w| located(w.0, doc.span(&path.at("weight")))),
        description: spec.description.clone(),
        label: label.cloned(),
        input: spec
            .input
            .as_ref()
            .map(|i| (located(i.0.clone(), input_span(doc, &path.at("input"), &i.0)), dir.to_path_buf())),
        scale: spec.scale.as_ref().and_then(|s| scale(&s.0, doc, &path.at("scale"), diags)),
        missing: spec.missing.as_ref().and_then(|m| missing_policy(&m.0, doc, &path.at("missing"), diags)),
    }
}

/// The span of an input's own text (the expression or attribute name).
fn input_span(doc: &YamlDoc, path: &YamlPath, input: &InputSpec) -> Option<Span> {
    let key = match input {
        InputSpec::Attribute(_) => "attribute",
        InputSpec::Expr(_) => "expr",
        InputSpec::Script(_) => "script",
        InputSpec::Rollup(_) => "rollup",
    };
    doc.span(&path.at(key))
}

fn missing_policy(
    m: &MissingSpec,
    doc: &YamlDoc,
    path: &YamlPath,
    diags: &mut Vec<Diagnostic>,
) -> Option<Located<Missing>> {
    let policy = match m {
        MissingSpec::Fail => Missing::Fail,
        MissingSpec::Skip => Missing::Skip,
        MissingSpec::Assume(x) => Missing::Assume(x.0),
        MissingSpec::Points(p) => {
            if !points_ok(p.0) {
                diags.push(bad_points(doc, &path.at("points"), p.0));
                return None;
            }
            Missing::Points(p.0)
        }
    };
    Some(located(policy, doc.span(path)))
}

fn draft_ratings(
    doc: &YamlDoc,
    items: &[Parsed<crate::load::rules::RatingSpec>],
    failed: &mut BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Rating> {
    let mut ratings: Vec<(usize, Rating)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = ypath!["ratings", i];
        match item {
            Parsed::Ok(r) => {
                if ratings.iter().any(|(_, x)| x.label == r.label) {
                    diags.push(duplicate(doc, &path.at("label"), "rating", &r.label));
                    continue;
                }
                if !(0.0..=100.0).contains(&r.min.0) || !(0.0..=100.0).contains(&r.max.0) || r.min.0 >= r.max.0 {
                    diags.push(
                        Diagnostic::error(Code::BadScale, format!("rating `{}` needs 0 ≤ min < max ≤ 100", r.label))
                            .at_opt(doc.span(&path))
                            .hint("a rating band covers scores in [min, max); the top band includes 100"),
                    );
                    continue;
                }
                ratings.push((
                    i,
                    Rating {
                        label: r.label.clone(),
                        min: r.min.0,
                        max: r.max.0,
                        recommendation: r.recommendation.clone(),
                    },
                ));
            }
            Parsed::Err(e) => fail(doc, &path, e, "label", failed, diags),
        }
    }
    ratings.sort_by(|a, b| a.1.min.total_cmp(&b.1.min));
    let ranges: Vec<_> = ratings
        .iter()
        .map(|(i, r)| (r.min, r.max, doc.span(&ypath!["ratings", *i, "min"]).or(doc.span(&ypath!["ratings", *i]))))
        .collect();
    if ratings.len() == items.len() {
        // A band left out by its own error leaves a gap that is no second mistake.
        check_coverage(&ranges, 0.0, 100.0, "rating", diags);
    }
    ratings.into_iter().rev().map(|(_, r)| r).collect()
}

/// The coverage floors, each in [0, 100].
fn draft_coverage(doc: &YamlDoc, f: &RuleFile, d: &mut Draft, diags: &mut Vec<Diagnostic>) {
    let Some(c) = &f.coverage else { return };
    let mut floor = |path: YamlPath, v: f64| {
        let at = doc.span(&path);
        if !(0.0..=100.0).contains(&v) {
            diags.push(
                Diagnostic::error(Code::BadCoverageFloor, format!("coverage floor {} is not a percentage", number(v)))
                    .at_opt(at)
                    .hint("write a percentage from 0 to 100 (`min: 60` requires 60% of the weight backed by data)"),
            );
            return None;
        }
        Some(located(v, at))
    };
    if let Some(m) = &c.min {
        d.coverage_min = floor(ypath!["coverage", "min"], m.0);
    }
    for (name, m) in &c.categories {
        if let Some(v) = floor(ypath!["coverage", "categories", name.as_str()], m.0) {
            d.coverage_categories.insert(name.clone(), v);
        }
    }
}

fn draft_conditions(doc: &YamlDoc, f: &RuleFile, d: &mut Draft, diags: &mut Vec<Diagnostic>) {
    for (path, g) in unique_by_id(doc, "gates", &f.gates, "gate", |g| &g.id, &mut d.failed, diags) {
        let cap = match &g.action.0 {
            GateActionSpec::Cap(label) => Some(located(label.clone(), doc.span(&path.at("action")))),
            _ => None,
        };
        let action = match &g.action.0 {
            GateActionSpec::Exclude => GateAction::Exclude,
            GateActionSpec::Flag => GateAction::Flag,
            GateActionSpec::NotRated => GateAction::NotRated,
            GateActionSpec::Cap(_) => GateAction::Cap(usize::MAX),
        };
        let gate = Gate {
            id: g.id.clone(),
            when: Condition { source: g.when.clone(), span: doc.span(&path.at("when")) },
            action,
            reason: g.reason.clone(),
            missing: g.missing.unwrap_or_default(),
            missing_explicit: g.missing.is_some(),
            span: doc.span(&path),
        };
        d.gates.push((gate, cap));
    }
    for (path, a) in unique_by_id(doc, "adjustments", &f.adjustments, "adjustment", |a| &a.id, &mut d.failed, diags) {
        d.adjustments.push(Adjustment {
            id: a.id.clone(),
            when: Condition { source: a.when.clone(), span: doc.span(&path.at("when")) },
            points: a.points.0,
            reason: a.reason.clone(),
            missing: a.missing.unwrap_or(GateMissing::Skip),
            missing_explicit: a.missing.is_some(),
            span: doc.span(&path),
        });
    }
}

/// The items of the list under `key` that parsed, each with its path, the first of each id
/// only; the items that did not parse and the repeated ids are reported.
fn unique_by_id<'a, T>(
    doc: &YamlDoc,
    key: &str,
    items: &'a [Parsed<T>],
    what: &str,
    id: impl Fn(&T) -> &str,
    failed: &mut BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(YamlPath, &'a T)> {
    let mut kept: Vec<(YamlPath, &T)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = ypath![key, i];
        match item {
            Parsed::Ok(x) if kept.iter().any(|(_, k)| id(k) == id(x)) => {
                diags.push(duplicate(doc, &path.at("id"), what, id(x)));
            }
            Parsed::Ok(x) => kept.push((path, x)),
            Parsed::Err(e) => fail(doc, &path, e, "id", failed, diags),
        }
    }
    kept
}

/// An item that did not parse: its error, and its name (read from the YAML) marked failed.
fn fail(
    doc: &YamlDoc,
    path: &YamlPath,
    e: &ValueError,
    key: &str,
    failed: &mut BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    diags.push(doc.error_diagnostic(path, e));
    if let Some(name) = lookup(&doc.value, &path.at(key)).and_then(serde_yaml::Value::as_str) {
        failed.insert(name.to_string());
    }
}
