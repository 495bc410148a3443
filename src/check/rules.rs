//! Checking rule files into a [`RuleBook`]: each file's own soundness (weights, bands, scales),
//! then `extends:` merges, then what needs the merged whole (categories, attributes, ratings).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;

use super::extends::chains;
use super::is_valid_name;
use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::load::Workspace;
use crate::load::rules::{
    Direction, FactorSpec, GateAction as GateActionSpec, GateMissing, InputSpec, MissingSpec, RuleFile, ScaleSpec,
};
use crate::load::values::Parsed;
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::{
    Adjustment, AttrType, Band, Category, Condition, Dataset, Factor, Gate, GateAction, Input, Kind, Missing, Rating,
    RuleBook, RuleSet, Scale,
};
use crate::source::Span;
use crate::ypath;

/// Reason codes listed per entity unless a rule set says otherwise.
pub const DEFAULT_REASON_CODES: usize = 3;

/// A value with the span where it was written.
#[derive(Clone, Debug)]
struct L<T> {
    v: T,
    at: Option<Span>,
}

fn l<T>(v: T, at: Option<Span>) -> L<T> {
    L { v, at }
}

/// A factor as merged along an `extends` chain, each field with where it was written.
#[derive(Clone, Debug)]
struct FactorDraft {
    id: String,
    at: Option<Span>,
    category: Option<L<String>>,
    weight: Option<L<f64>>,
    description: Option<String>,
    input: Option<(L<InputSpec>, PathBuf)>,
    scale: Option<L<Scale>>,
    missing: Option<L<Missing>>,
}

/// A whole rule set as merged along its chain, before the final checks.
#[derive(Clone, Debug, Default)]
struct Draft {
    kind: Option<L<Kind>>,
    missing: Option<L<Missing>>,
    categories: IndexMap<String, L<(f64, Option<String>)>>,
    factors: Vec<FactorDraft>,
    gates: Vec<(Gate, Option<L<String>>)>,
    adjustments: Vec<Adjustment>,
    ratings: Option<(Vec<Rating>, Option<Span>)>,
    reason_codes: Option<usize>,
}

/// Checks every rule file of the workspace against the dataset's declarations.
pub fn check_rules(ws: &Workspace, dataset: &Dataset, diags: &mut Diagnostics) -> RuleBook {
    let mut found = Vec::new();
    let files: Vec<(&YamlDoc, RuleFile)> = ws
        .rule_files
        .iter()
        .filter_map(|doc| match doc.deserialize_at::<RuleFile>(&YamlPath::root()) {
            Ok(f) => Some((doc, f)),
            Err(d) => {
                found.push(d);
                None
            }
        })
        .collect();
    let files = drop_duplicate_names(files, &ws.sources, &mut found);
    let names: Vec<&str> = files.iter().map(|(_, f)| f.rule_set.as_str()).collect();
    let extends: Vec<_> =
        files.iter().map(|(doc, f)| f.extends.as_deref().map(|e| (e, doc.span(&ypath!["extends"])))).collect();
    let chains = chains(&names, &extends, &mut found);
    let own: Vec<Draft> = files.iter().map(|(doc, f)| draft_file(doc, f, &mut found)).collect();
    let mut sets = Vec::new();
    for (i, chain) in chains.iter().enumerate() {
        let Some(chain) = chain else { continue };
        let merged = merge_chain(chain, &own, &files, &mut found);
        let (doc, file) = &files[i];
        if let Some(set) = finish(doc, file, chain, &files, merged, dataset, &mut found) {
            sets.push(Arc::new(set));
        }
    }
    diags.extend(found);
    RuleBook { sets }
}

fn drop_duplicate_names<'a>(
    files: Vec<(&'a YamlDoc, RuleFile)>,
    sources: &crate::source::SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(&'a YamlDoc, RuleFile)> {
    let mut kept: Vec<(&YamlDoc, RuleFile)> = Vec::new();
    for (doc, f) in files {
        if let Some((first, _)) = kept.iter().find(|(_, k)| k.rule_set == f.rule_set) {
            let first_name = sources.get(first.file).name.clone();
            diags.push(
                Diagnostic::error(Code::DuplicateRuleId, format!("rule set `{}` is defined twice", f.rule_set))
                    .at_opt(doc.span(&ypath!["rule_set"]))
                    .hint(format!("rule set names are unique; the other is in {first_name}")),
            );
            continue;
        }
        if !is_valid_name(&f.rule_set) {
            diags.push(
                Diagnostic::error(Code::BadName, format!("`{}` cannot name a rule set", f.rule_set))
                    .at_opt(doc.span(&ypath!["rule_set"]))
                    .hint("use letters, digits, `_`, `-` and `.`"),
            );
            continue;
        }
        kept.push((doc, f));
    }
    kept
}

/// Checks one file on its own and turns its parts into draft pieces.
fn draft_file(doc: &YamlDoc, f: &RuleFile, diags: &mut Vec<Diagnostic>) -> Draft {
    let mut d = Draft {
        kind: f.kind.map(|k| l(k, doc.span(&ypath!["kind"]))),
        missing: f.missing.as_ref().and_then(|m| missing_policy(&m.0, doc, &ypath!["missing"], diags)),
        reason_codes: f.reason_codes,
        ..Draft::default()
    };
    for (name, spec) in &f.categories {
        let path = ypath!["categories", name.as_str()];
        match spec {
            Parsed::Ok(c) => {
                if c.weight.0 <= 0.0 {
                    diags.push(non_positive(doc, &path, &format!("category `{name}`"), c.weight.0));
                }
                d.categories.insert(name.clone(), l((c.weight.0, c.description.clone()), doc.key_span(&path)));
            }
            Parsed::Err(e) => diags.push(doc.error_diagnostic(&path, e)),
        }
    }
    let dir = doc_dir(doc);
    let mut seen = Vec::<&str>::new();
    for (i, item) in f.factors.iter().enumerate() {
        let path = ypath!["factors", i];
        match item {
            Parsed::Ok(spec) => {
                if seen.contains(&spec.id.as_str()) {
                    diags.push(duplicate(doc, &path.at("id"), "factor", &spec.id));
                    continue;
                }
                seen.push(&spec.id);
                d.factors.push(draft_factor(doc, &path, spec, &dir, diags));
            }
            Parsed::Err(e) => diags.push(doc.error_diagnostic(&path, e)),
        }
    }
    draft_conditions(doc, f, &mut d, diags);
    if let Some(items) = &f.ratings {
        d.ratings = Some((draft_ratings(doc, items, diags), doc.key_span(&ypath!["ratings"])));
    }
    d
}

fn doc_dir(doc: &YamlDoc) -> PathBuf {
    doc.path.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn non_positive(doc: &YamlDoc, path: &YamlPath, what: &str, w: f64) -> Diagnostic {
    Diagnostic::error(
        Code::NonPositiveWeight,
        format!("{what} has weight {}; weights must be positive", crate::render::number(w)),
    )
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
    if let Some(w) = spec.weight {
        if w.0 <= 0.0 {
            diags.push(non_positive(doc, path, &format!("factor `{}`", spec.id), w.0));
        }
    }
    FactorDraft {
        id: spec.id.clone(),
        at: doc.span(path),
        category: spec.category.clone().map(|c| l(c, doc.span(&path.at("category")))),
        weight: spec.weight.map(|w| l(w.0, doc.span(&path.at("weight")))),
        description: spec.description.clone(),
        input: spec
            .input
            .as_ref()
            .map(|i| (l(i.0.clone(), input_span(doc, &path.at("input"), &i.0)), dir.to_path_buf())),
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

fn points_ok(p: f64) -> bool {
    (0.0..=100.0).contains(&p)
}

fn bad_points(doc: &YamlDoc, path: &YamlPath, p: f64) -> Diagnostic {
    Diagnostic::error(Code::BadScale, format!("{} points is outside 0..100", crate::render::number(p)))
        .at_opt(doc.span(path))
        .hint("points run from 0 (least attractive) to 100 (most attractive)")
}

fn missing_policy(m: &MissingSpec, doc: &YamlDoc, path: &YamlPath, diags: &mut Vec<Diagnostic>) -> Option<L<Missing>> {
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
    Some(l(policy, doc.span(path)))
}

fn scale(s: &ScaleSpec, doc: &YamlDoc, path: &YamlPath, diags: &mut Vec<Diagnostic>) -> Option<L<Scale>> {
    let at = doc.span(path);
    let scale = match s {
        ScaleSpec::Linear { lo, hi, direction } => {
            if lo.0 >= hi.0 {
                diags.push(
                    Diagnostic::error(
                        Code::BadScale,
                        format!("linear scale needs lo < hi; here lo is {} and hi is {}", lo.0, hi.0),
                    )
                    .at_opt(doc.span(&path.at("linear").at("hi")))
                    .hint("for lower-is-better, keep lo < hi and add `direction: lower`"),
                );
                return None;
            }
            Scale::Linear { lo: lo.0, hi: hi.0, direction: *direction }
        }
        ScaleSpec::Bands(items) => Scale::Bands(super_bands(doc, &path.at("bands"), items, diags)?),
        ScaleSpec::Map(map) => {
            if map.is_empty() {
                diags.push(Diagnostic::error(Code::BadScale, "a map scale needs at least one value").at_opt(at));
                return None;
            }
            for (k, p) in map {
                if !points_ok(p.0) {
                    diags.push(bad_points(doc, &path.at("map").at(k.as_str()), p.0));
                    return None;
                }
            }
            Scale::Map(map.iter().map(|(k, p)| (k.clone(), p.0)).collect())
        }
        ScaleSpec::Bool { direction } => Scale::Bool(*direction),
        ScaleSpec::Minmax { direction } => Scale::Minmax(*direction),
        ScaleSpec::Percentile { direction } => Scale::Percentile(*direction),
        ScaleSpec::Zscore { direction, clamp } => {
            if clamp.0 <= 0.0 {
                diags.push(
                    Diagnostic::error(Code::BadScale, "zscore clamp must be positive")
                        .at_opt(doc.span(&path.at("zscore").at("clamp")))
                        .hint("clamp: 3 maps −3σ..+3σ to 0..100"),
                );
                return None;
            }
            Scale::Zscore { direction: *direction, clamp: clamp.0 }
        }
    };
    Some(l(scale, at))
}

/// Bands of a `bands` scale: sorted, touching, each with points in 0..100. The first may
/// omit `min` and the last `max` (open ends).
fn super_bands(
    doc: &YamlDoc,
    path: &YamlPath,
    items: &[Parsed<crate::load::rules::BandSpec>],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Band>> {
    let mut bands = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match item {
            Parsed::Ok(b) => {
                if !points_ok(b.points.0) {
                    diags.push(bad_points(doc, &path.at(i).at("points"), b.points.0));
                    ok = false;
                }
                let min = b.min.map_or(f64::NEG_INFINITY, |m| m.0);
                let max = b.max.map_or(f64::INFINITY, |m| m.0);
                if min >= max {
                    diags.push(
                        Diagnostic::error(Code::BadScale, "a band needs min < max")
                            .at_opt(doc.span(&path.at(i)))
                            .hint("each band covers [min, max)"),
                    );
                    ok = false;
                }
                bands.push((i, Band { min, max, points: b.points.0 }));
            }
            Parsed::Err(e) => {
                diags.push(doc.error_diagnostic(&path.at(i), e));
                ok = false;
            }
        }
    }
    if bands.is_empty() {
        diags.push(Diagnostic::error(Code::BadScale, "a bands scale needs at least one band").at_opt(doc.span(path)));
        return None;
    }
    if !ok {
        return None;
    }
    bands.sort_by(|a, b| a.1.min.total_cmp(&b.1.min));
    let ranges: Vec<(f64, f64, Option<Span>)> =
        bands.iter().map(|(i, b)| (b.min, b.max, doc.span(&path.at(*i)))).collect();
    if !check_coverage(&ranges, f64::NEG_INFINITY, f64::INFINITY, "band", diags) {
        return None;
    }
    Some(bands.into_iter().map(|(_, b)| b).collect())
}

/// Reports overlaps and gaps among sorted [min, max) ranges meant to cover [lo, hi].
fn check_coverage(
    ranges: &[(f64, f64, Option<Span>)],
    lo: f64,
    hi: f64,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    let fmt = |x: f64| {
        if x.is_infinite() {
            if x < 0.0 { "−∞".to_string() } else { "+∞".to_string() }
        } else {
            crate::render::number(x)
        }
    };
    if let Some(first) = ranges.first() {
        if first.0 > lo {
            diags.push(
                Diagnostic::error(Code::BandGap, format!("no {what} covers {} to {}", fmt(lo), fmt(first.0)))
                    .at_opt(first.2)
                    .hint(if lo.is_infinite() {
                        "leave out `min` on the lowest band to make it open-ended".to_string()
                    } else {
                        format!("start the lowest {what} at {}", fmt(lo))
                    }),
            );
            ok = false;
        }
    }
    for pair in ranges.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.0 < a.1 {
            diags.push(
                Diagnostic::error(
                    Code::BandOverlap,
                    format!("{what}s overlap between {} and {}", fmt(b.0), fmt(a.1.min(b.1))),
                )
                .at_opt(b.2)
                .hint(format!("make this {what} start at {}, where the previous one ends", fmt(a.1))),
            );
            ok = false;
        } else if b.0 > a.1 {
            diags.push(
                Diagnostic::error(Code::BandGap, format!("no {what} covers {} to {}", fmt(a.1), fmt(b.0)))
                    .at_opt(b.2)
                    .hint(format!("make this {what} start at {}, where the previous one ends", fmt(a.1))),
            );
            ok = false;
        }
    }
    if let Some(last) = ranges.last() {
        if last.1 < hi {
            diags.push(
                Diagnostic::error(Code::BandGap, format!("no {what} covers {} to {}", fmt(last.1), fmt(hi)))
                    .at_opt(last.2)
                    .hint(if hi.is_infinite() {
                        "leave out `max` on the highest band to make it open-ended".to_string()
                    } else {
                        format!("end the highest {what} at {}", fmt(hi))
                    }),
            );
            ok = false;
        }
    }
    ok
}

fn draft_ratings(
    doc: &YamlDoc,
    items: &[Parsed<crate::load::rules::RatingSpec>],
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
            Parsed::Err(e) => diags.push(doc.error_diagnostic(&path, e)),
        }
    }
    ratings.sort_by(|a, b| a.1.min.total_cmp(&b.1.min));
    let ranges: Vec<_> = ratings.iter().map(|(i, r)| (r.min, r.max, doc.span(&ypath!["ratings", *i]))).collect();
    check_coverage(&ranges, 0.0, 100.0, "rating", diags);
    ratings.into_iter().rev().map(|(_, r)| r).collect()
}

fn draft_conditions(doc: &YamlDoc, f: &RuleFile, d: &mut Draft, diags: &mut Vec<Diagnostic>) {
    let mut seen = Vec::<&str>::new();
    for (i, item) in f.gates.iter().enumerate() {
        let path = ypath!["gates", i];
        match item {
            Parsed::Ok(g) => {
                if seen.contains(&g.id.as_str()) {
                    diags.push(duplicate(doc, &path.at("id"), "gate", &g.id));
                    continue;
                }
                seen.push(&g.id);
                let cap = match &g.action.0 {
                    GateActionSpec::Cap(label) => Some(l(label.clone(), doc.span(&path.at("action")))),
                    _ => None,
                };
                let action = match &g.action.0 {
                    GateActionSpec::Exclude => GateAction::Exclude,
                    GateActionSpec::Flag => GateAction::Flag,
                    GateActionSpec::Cap(_) => GateAction::Cap(usize::MAX),
                };
                d.gates.push((
                    Gate {
                        id: g.id.clone(),
                        when: Condition { source: g.when.clone(), span: doc.span(&path.at("when")) },
                        action,
                        reason: g.reason.clone(),
                        missing: g.missing.unwrap_or_default(),
                        missing_explicit: g.missing.is_some(),
                        span: doc.span(&path),
                    },
                    cap,
                ));
            }
            Parsed::Err(e) => diags.push(doc.error_diagnostic(&path, e)),
        }
    }
    let mut seen = Vec::<&str>::new();
    for (i, item) in f.adjustments.iter().enumerate() {
        let path = ypath!["adjustments", i];
        match item {
            Parsed::Ok(a) => {
                if seen.contains(&a.id.as_str()) {
                    diags.push(duplicate(doc, &path.at("id"), "adjustment", &a.id));
                    continue;
                }
                seen.push(&a.id);
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
            Parsed::Err(e) => diags.push(doc.error_diagnostic(&path, e)),
        }
    }
}

/// Merges the drafts of a chain, base first: later files override by id.
fn merge_chain(chain: &[usize], own: &[Draft], files: &[(&YamlDoc, RuleFile)], diags: &mut Vec<Diagnostic>) -> Draft {
    let mut merged = Draft::default();
    for &i in chain {
        let d = &own[i];
        let (doc, file) = &files[i];
        for (pos, id) in file.remove.iter().enumerate() {
            let before = merged.factors.len() + merged.gates.len() + merged.adjustments.len();
            merged.factors.retain(|f| &f.id != id);
            merged.gates.retain(|(g, _)| &g.id != id);
            merged.adjustments.retain(|a| &a.id != id);
            if before == merged.factors.len() + merged.gates.len() + merged.adjustments.len() {
                let ids = merged.factors.iter().map(|f| f.id.as_str());
                let d = Diagnostic::error(
                    Code::UnknownFactor,
                    format!("`{id}` is not a factor, gate or adjustment of the base rule set"),
                )
                .at_opt(doc.span(&ypath!["remove", pos]));
                diags.push(match did_you_mean(id, ids) {
                    Some(s) => d.hint(format!("did you mean `{s}`?")),
                    None => d.hint("`remove:` lists ids defined by the rule set this one extends"),
                });
            }
        }
        merge_one(&mut merged, d);
    }
    merged
}

fn merge_one(merged: &mut Draft, d: &Draft) {
    if d.kind.is_some() && merged.kind.is_none() {
        merged.kind = d.kind.clone();
    }
    if d.missing.is_some() {
        merged.missing = d.missing.clone();
    }
    for (name, c) in &d.categories {
        merged.categories.insert(name.clone(), c.clone());
    }
    for f in &d.factors {
        match merged.factors.iter_mut().find(|m| m.id == f.id) {
            Some(m) => override_factor(m, f),
            None => merged.factors.push(f.clone()),
        }
    }
    for g in &d.gates {
        match merged.gates.iter_mut().find(|(m, _)| m.id == g.0.id) {
            Some(m) => *m = g.clone(),
            None => merged.gates.push(g.clone()),
        }
    }
    for a in &d.adjustments {
        match merged.adjustments.iter_mut().find(|m| m.id == a.id) {
            Some(m) => *m = a.clone(),
            None => merged.adjustments.push(a.clone()),
        }
    }
    if d.ratings.is_some() {
        merged.ratings = d.ratings.clone();
    }
    if d.reason_codes.is_some() {
        merged.reason_codes = d.reason_codes;
    }
}

fn override_factor(m: &mut FactorDraft, f: &FactorDraft) {
    m.at = f.at.or(m.at);
    if f.category.is_some() {
        m.category = f.category.clone();
    }
    if f.weight.is_some() {
        m.weight = f.weight.clone();
    }
    if f.description.is_some() {
        m.description = f.description.clone();
    }
    if f.input.is_some() {
        m.input = f.input.clone();
    }
    if f.scale.is_some() {
        m.scale = f.scale.clone();
    }
    if f.missing.is_some() {
        m.missing = f.missing.clone();
    }
}

/// The default rating bands when a rule set defines none.
pub fn default_ratings() -> Vec<Rating> {
    vec![
        Rating { label: "Overweight".into(), min: 65.0, max: 100.0, recommendation: None },
        Rating { label: "Neutral".into(), min: 40.0, max: 65.0, recommendation: None },
        Rating { label: "Underweight".into(), min: 0.0, max: 40.0, recommendation: None },
    ]
}

/// Final checks that need the merged rule set, and the [`RuleSet`] itself.
fn finish(
    doc: &YamlDoc,
    file: &RuleFile,
    chain: &[usize],
    files: &[(&YamlDoc, RuleFile)],
    merged: Draft,
    dataset: &Dataset,
    diags: &mut Vec<Diagnostic>,
) -> Option<RuleSet> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let Some(kind) = merged.kind.as_ref().map(|k| k.v) else {
        diags.push(
            Diagnostic::error(
                Code::MissingKey,
                format!("rule set `{}` does not say which kind it scores", file.rule_set),
            )
            .at_opt(doc.span(&YamlPath::root()))
            .hint("add `kind: company` (or segment, region)"),
        );
        return None;
    };
    check_chain_kinds(chain, files, kind, diags);
    if merged.categories.is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyRuleSet, format!("rule set `{}` has no categories", file.rule_set))
                .at_opt(doc.span(&YamlPath::root()))
                .hint("add `categories: {risk: 30, opportunity: 70}` and put each factor in one"),
        );
        return None;
    }
    let categories: Vec<Category> = merged
        .categories
        .iter()
        .map(|(name, c)| Category { name: name.clone(), weight: c.v.0, description: c.v.1.clone(), span: c.at })
        .collect();
    let default_missing = merged.missing.as_ref().map_or(Missing::Fail, |m| m.v);
    let factors: Vec<Factor> = merged
        .factors
        .iter()
        .filter_map(|f| finish_factor(f, kind, &categories, default_missing, dataset, diags))
        .collect();
    if factors.is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyRuleSet, format!("rule set `{}` has no factors", file.rule_set))
                .at_opt(doc.span(&YamlPath::root()))
                .hint("add a `factors:` list"),
        );
    }
    for c in &categories {
        if !merged.factors.iter().any(|f| f.category.as_ref().is_some_and(|x| x.v == c.name)) {
            diags.push(
                Diagnostic::warning(
                    Code::EmptyRuleSet,
                    format!("category `{}` has no factors; it is left out of the total", c.name),
                )
                .at_opt(c.span)
                .hint("add a factor to it, or delete the category"),
            );
        }
    }
    let ratings = merged.ratings.as_ref().map_or_else(default_ratings, |r| r.0.clone());
    let gates = finish_gates(&merged, &ratings, diags);
    check_limits(doc, file, gates.len(), merged.adjustments.len(), ratings.len(), diags);
    if diags.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    Some(RuleSet {
        name: file.rule_set.clone(),
        version: file.version.0.clone(),
        description: file.description.clone(),
        kind,
        extends: file.extends.clone(),
        profile: file.profile.clone(),
        default: file.default.unwrap_or(false),
        files: chain.iter().rev().map(|&i| files[i].0.file).collect(),
        categories,
        factors,
        gates,
        adjustments: merged.adjustments.clone(),
        ratings,
        reason_codes: merged.reason_codes.unwrap_or(DEFAULT_REASON_CODES),
        span: doc.span(&ypath!["rule_set"]),
    })
}

/// Most gates and adjustments a rule set may have (each entity records which fired in 64 bits),
/// and most rating bands (a rating is stored in a byte).
pub const MAX_CONDITIONS: usize = 64;
pub const MAX_RATINGS: usize = 255;

fn check_limits(
    doc: &YamlDoc,
    file: &RuleFile,
    gates: usize,
    adjustments: usize,
    ratings: usize,
    diags: &mut Vec<Diagnostic>,
) {
    for (what, n, max, key) in [
        ("gates", gates, MAX_CONDITIONS, "gates"),
        ("adjustments", adjustments, MAX_CONDITIONS, "adjustments"),
        ("rating bands", ratings, MAX_RATINGS, "ratings"),
    ] {
        if n > max {
            diags.push(
                Diagnostic::error(
                    Code::TooManyRules,
                    format!("rule set `{}` has {n} {what}; at most {max} are allowed", file.rule_set),
                )
                .at_opt(doc.key_span(&ypath![key]))
                .hint("merge conditions that share an action, or split the rule set into profiles"),
            );
        }
    }
}

fn check_chain_kinds(chain: &[usize], files: &[(&YamlDoc, RuleFile)], kind: Kind, diags: &mut Vec<Diagnostic>) {
    for &i in chain {
        let (doc, f) = &files[i];
        if let Some(k) = f.kind {
            if k != kind {
                diags.push(
                    Diagnostic::error(
                        Code::KindMismatch,
                        format!("rule set `{}` scores {k}, but the rule set it extends scores {kind}", f.rule_set),
                    )
                    .at_opt(doc.span(&ypath!["kind"]))
                    .hint("a profile scores the same kind as its base; remove `kind:` or extend another rule set"),
                );
            }
        }
    }
}

fn finish_factor(
    f: &FactorDraft,
    kind: Kind,
    categories: &[Category],
    default_missing: Missing,
    dataset: &Dataset,
    diags: &mut Vec<Diagnostic>,
) -> Option<Factor> {
    let incomplete = |what: &str, example: &str| {
        Diagnostic::error(Code::IncompleteRule, format!("factor `{}` has no {what}", f.id))
            .at_opt(f.at)
            .hint(format!("add `{what}: {example}`"))
    };
    let (Some(cat), Some(weight), Some((input, dir)), Some(description)) =
        (&f.category, &f.weight, &f.input, &f.description)
    else {
        if f.category.is_none() {
            diags.push(incomplete("category", "risk"));
        }
        if f.weight.is_none() {
            diags.push(incomplete("weight", "1"));
        }
        if f.input.is_none() {
            diags.push(incomplete("input", "{attribute: revenue_growth}"));
        }
        if f.description.is_none() {
            diags.push(incomplete("description", "\"what this factor measures, for memos\""));
        }
        return None;
    };
    let Some(category) = categories.iter().position(|c| c.name == cat.v) else {
        let d = Diagnostic::error(
            Code::UnknownCategory,
            format!("factor `{}` is in category `{}`, which has no weight", f.id, cat.v),
        )
        .at_opt(cat.at);
        diags.push(match did_you_mean(&cat.v, categories.iter().map(|c| c.name.as_str())) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!("add `{}: <weight>` under `categories:`", cat.v)),
        });
        return None;
    };
    let scale =
        f.scale.as_ref().map_or(Scale::Linear { lo: 0.0, hi: 100.0, direction: Direction::Higher }, |s| s.v.clone());
    let input = finish_input(f, input, dir, kind, &scale, dataset, diags)?;
    if let Some(L { v: Missing::Assume(_), at }) = &f.missing {
        if matches!(scale, Scale::Bool(_) | Scale::Map(_)) {
            diags.push(
                Diagnostic::error(
                    Code::BadScale,
                    format!("factor `{}` assumes a number, which its {} scale cannot score", f.id, scale.name()),
                )
                .at_opt(*at)
                .hint("give the points directly: `missing: {points: P}`"),
            );
            return None;
        }
    }
    Some(Factor {
        id: f.id.clone(),
        category,
        weight: weight.v,
        description: description.clone(),
        input,
        scale,
        missing: f.missing.as_ref().map_or(default_missing, |m| m.v),
        missing_explicit: f.missing.is_some(),
        span: f.at,
    })
}

fn finish_input(
    f: &FactorDraft,
    input: &L<InputSpec>,
    dir: &Path,
    kind: Kind,
    scale: &Scale,
    dataset: &Dataset,
    diags: &mut Vec<Diagnostic>,
) -> Option<Input> {
    match &input.v {
        InputSpec::Attribute(name) => {
            let schema = dataset.schema(kind);
            let Some(attr) = schema.get(name) else {
                let d = Diagnostic::error(
                    Code::UnknownAttribute,
                    format!("factor `{}` reads attribute `{name}`, which no dataset declares for {kind}", f.id),
                )
                .at_opt(input.at);
                diags.push(match did_you_mean(name, schema.names()) {
                    Some(s) => d.hint(format!("did you mean `{s}`?")),
                    None => d.hint(format!("declare `{name}` under `attributes: {kind}:` in a dataset file")),
                });
                return None;
            };
            let ty = schema.decl(attr).ty;
            if !scale_fits(scale, ty) && !schema.is_conflicted(attr) {
                diags.push(
                    Diagnostic::error(
                        Code::KindMismatch,
                        format!("attribute `{name}` is {}, which a {} scale cannot score", ty.as_str(), scale.name()),
                    )
                    .at_opt(input.at)
                    .hint(match ty {
                        AttrType::Bool => "use `scale: bool`",
                        AttrType::Text => "use `scale: {map: {value: points}}`",
                        AttrType::Number => "use a linear, bands, minmax, percentile or zscore scale",
                        AttrType::Date | AttrType::List => "compute a number from it with an `expr:` input",
                    }),
                );
                return None;
            }
            Some(Input::Attribute { attr, name: name.clone() })
        }
        InputSpec::Expr(src) => Some(Input::Expr(Condition { source: src.clone(), span: input.at })),
        InputSpec::Script(s) => {
            let path = crate::source::normalize_lexically(&dir.join(&s.file));
            Some(Input::Script {
                display: crate::source::display_path(&path),
                path,
                function: s.function.clone(),
                span: input.at,
            })
        }
        InputSpec::Rollup(r) => {
            if r.kind == kind {
                diags.push(
                    Diagnostic::error(
                        Code::KindMismatch,
                        format!("factor `{}` rolls up {} scores into a {kind}", f.id, r.kind),
                    )
                    .at_opt(input.at)
                    .hint("a roll-up reads the scores of another kind (a company's segments or regions)"),
                );
                return None;
            }
            Some(Input::Rollup { kind: r.kind, category: r.category.clone() })
        }
    }
}

fn scale_fits(scale: &Scale, ty: AttrType) -> bool {
    match ty {
        AttrType::Number => !matches!(scale, Scale::Bool(_) | Scale::Map(_)),
        AttrType::Bool => matches!(scale, Scale::Bool(_)),
        AttrType::Text => matches!(scale, Scale::Map(_)),
        AttrType::Date | AttrType::List => false,
    }
}

fn finish_gates(merged: &Draft, ratings: &[Rating], diags: &mut Vec<Diagnostic>) -> Vec<Gate> {
    merged
        .gates
        .iter()
        .filter_map(|(g, cap)| {
            let mut g = g.clone();
            if let Some(cap) = cap {
                match ratings.iter().position(|r| r.label == cap.v) {
                    Some(i) => g.action = GateAction::Cap(i),
                    None => {
                        let d = Diagnostic::error(
                            Code::UnknownRating,
                            format!("gate `{}` caps at `{}`, which is not a rating", g.id, cap.v),
                        )
                        .at_opt(cap.at);
                        diags.push(match did_you_mean(&cap.v, ratings.iter().map(|r| r.label.as_str())) {
                            Some(s) => d.hint(format!("did you mean `{s}`?")),
                            None => d.hint(format!(
                                "ratings are {}",
                                ratings.iter().map(|r| format!("`{}`", r.label)).collect::<Vec<_>>().join(", ")
                            )),
                        });
                        return None;
                    }
                }
            }
            Some(g)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::check_coverage;
    use crate::diag::Code;

    fn codes(ranges: &[(f64, f64)], lo: f64, hi: f64) -> Vec<Code> {
        let ranges: Vec<_> = ranges.iter().map(|&(a, b)| (a, b, None)).collect();
        let mut diags = Vec::new();
        check_coverage(&ranges, lo, hi, "band", &mut diags);
        diags.iter().map(|d| d.code).collect()
    }

    #[test]
    fn touching_ranges_cover_the_whole() {
        assert!(codes(&[(0.0, 40.0), (40.0, 65.0), (65.0, 100.0)], 0.0, 100.0).is_empty());
        assert!(codes(&[(f64::NEG_INFINITY, 0.0), (0.0, f64::INFINITY)], f64::NEG_INFINITY, f64::INFINITY).is_empty());
    }

    #[test]
    fn overlaps_and_gaps_are_each_reported() {
        assert_eq!(codes(&[(0.0, 50.0), (40.0, 100.0)], 0.0, 100.0), [Code::BandOverlap]);
        assert_eq!(codes(&[(0.0, 40.0), (45.0, 100.0)], 0.0, 100.0), [Code::BandGap]);
        assert_eq!(codes(&[(10.0, 100.0)], 0.0, 100.0), [Code::BandGap]);
        assert_eq!(codes(&[(0.0, 90.0)], 0.0, 100.0), [Code::BandGap]);
    }
}
