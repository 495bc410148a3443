//! The ledger: where one entity's score comes from — every factor's raw value, points, weight,
//! contribution and evidence; adjustments, gates, reason codes and coverage (evaluate stage,
//! read by `explain`, JSON output and memos).

use serde::Serialize;
use serde_json::Value as Json;

use super::aggregate::Breakdown;
use super::attribution::Attributor;
use super::evidence::{TracedConditions, evidence, profile, trace_conditions, trace_programs, traced_evidence};
use super::factor::{Raw, View};
use super::kernel::Status;
use super::{KindScores, Scores};
use crate::compile::InputPlan;
use crate::model::{Adjustment, AttrId, Category, Condition, Dataset, Factor, Gate, GateAction, Input, Kind, Scale};

pub(crate) use super::evidence::Evidence;
pub(crate) use super::evidence::withheld_why;
use super::states::note;
pub(crate) use super::states::{ConditionState, Effect, FactorState};

#[derive(Clone, Debug, Serialize)]
pub struct RuleSetRef {
    pub name: String,
    pub version: String,
    pub profile: Option<String>,
}

/// A related entity a roll-up reads.
#[derive(Clone, Debug, Serialize)]
pub struct Related {
    /// The entity's id.
    pub id: String,
    /// The entity's display name.
    pub name: String,
    /// The entity's kind.
    pub kind: Kind,
    pub weight: f64,
    pub score: Option<f64>,
    pub rating: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FactorLine {
    pub id: String,
    pub category: String,
    pub description: String,
    /// Two to four words for tables and prose.
    pub label: String,
    pub input: String,
    pub scale: String,
    /// The raw value, as JSON (number, bool, text) or null when missing.
    pub raw: Json,
    /// observed, imputed, skipped or failed.
    pub state: FactorState,
    pub note: Option<String>,
    pub points: Option<f64>,
    /// The least and most points the factor can get: what the bounds give it without observed data.
    pub points_range: [f64; 2],
    pub weight: f64,
    /// Effective share of the total: (W꜀/ΣW)·(wᶠ/Σw꜀) over the factors with points.
    pub share: f64,
    pub contribution: f64,
    /// Points lost below the maximum: share·(100 − points).
    pub lost: f64,
    pub evidence: Vec<Evidence>,
    pub related: Vec<Related>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CategoryLine {
    pub name: String,
    pub weight: f64,
    /// W꜀/ΣW over the categories with points (0 if the category has none).
    pub share: f64,
    pub score: Option<f64>,
    pub contribution: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConditionLine {
    pub id: String,
    pub when: String,
    pub reason: String,
    /// Whether it took effect (points added, action taken).
    pub fired: bool,
    /// fired, not_fired, undetermined (the condition read missing data) or fired_on_missing
    /// (it read missing data and its policy is `missing: fire`).
    pub state: ConditionState,
    /// Points added (adjustments) or action taken (gates): exclude, cap:LABEL, flag.
    pub effect: Effect,
    pub points: Option<f64>,
    /// The facts the condition read (when the ledger is traced, as `explain` and memos do).
    pub evidence: Vec<Evidence>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReasonCode {
    pub factor: String,
    pub lost: f64,
}

/// One entity's full account.
#[derive(Clone, Debug, Serialize)]
pub struct Ledger {
    /// The entity's id.
    pub id: String,
    /// The entity's display name.
    pub name: String,
    /// The entity's kind.
    pub kind: Kind,
    /// The rule set that scored it.
    pub rule_set: RuleSetRef,
    /// Scored, excluded by a gate, or without data (serialized `ranked`, `excluded`, `no_data`).
    pub status: Status,
    /// The total, in [0, 100].
    pub score: f64,
    /// The aggregated factor points, before adjustments and clamping.
    pub base: f64,
    /// The rating band of the total, after any gate's cap.
    pub rating: Option<String>,
    /// The rating band of the total before gates capped it.
    pub rating_before_caps: Option<String>,
    /// The rating's recommendation text, if the rule set gives one.
    pub recommendation: Option<String>,
    /// The weight share of the factors that had a value, in [0, 1].
    pub coverage: f64,
    /// The lowest and highest total if every factor without observed data took its worst and
    /// best points (`evaluate::bounds`).
    pub bounds: super::Bounds,
    /// Whether both bounds fall in the rating's band: the rating is firm, else provisional.
    pub firm: bool,
    /// What the observed part rests on: sourced, judged and unsourced shares of the model, and
    /// the share on grade C facts (`None` when a script factor's facts were not traced).
    pub basis: Option<super::Basis>,
    /// Why a `not_rated` entity has no rating (the gate's reason, or the coverage floor).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What withheld the rating: the gate's id, `coverage` or `coverage:<category>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_rated_by: Option<String>,
    /// One line per category.
    pub categories: Vec<CategoryLine>,
    /// One line per factor: raw value, points, weight, contribution and evidence.
    pub factors: Vec<FactorLine>,
    /// One line per adjustment, fired or not.
    pub adjustments: Vec<ConditionLine>,
    /// Points removed (negative) or added by clamping the total to [0, 100].
    pub clamp: f64,
    /// One line per gate, fired or not.
    pub gates: Vec<ConditionLine>,
    /// The ids of the flag gates that fired.
    pub flags: Vec<String>,
    /// The id of the gate that excluded the entity, if one did.
    pub excluded_by: Option<String>,
    /// The factors that cost the most points, most first.
    pub reason_codes: Vec<ReasonCode>,
    /// Attributes declared `descriptive: true`, or labelled `key_figure:` and read by no factor
    /// of the row, that the entity has: context for readers, not scored.
    pub profile: Vec<Evidence>,
}

/// Builds the ledger of `row`. With `trace`, scripts are re-run to list the attributes they read.
pub(crate) fn ledger(ks: &KindScores, row: usize, scores: &Scores, dataset: &Dataset, trace: bool) -> Ledger {
    let rules = &ks.plan.rules;
    let (table, res) = (&ks.table, &ks.results[row]);
    let mut attributor = Attributor::new(ks);
    let b = attributor.row(row);
    let traced = if trace { trace_programs(ks, row, dataset) } else { vec![Vec::new(); rules.factors.len()] };
    let conditions = if trace { trace_conditions(ks, row, dataset) } else { TracedConditions::default() };
    let factors = factor_lines(ks, row, b, &traced, scores);
    let rating = res.rating.map(|r| &rules.ratings[r as usize]);
    let not_rated = match res.status {
        Status::NotRated(why) => Some(super::not_rated_by(rules, why, res.coverage)),
        _ => None,
    };
    Ledger {
        id: table.id(row).to_string(),
        name: table.name(row).to_string(),
        kind: ks.kind(),
        rule_set: RuleSetRef {
            name: rules.name.clone(),
            version: rules.version.clone(),
            profile: rules.profile.clone(),
        },
        status: res.status,
        score: res.total,
        base: res.base,
        rating: rating.map(|r| r.label.clone()),
        rating_before_caps: rules.rating_of(res.total).map(|r| rules.ratings[r].label.clone()),
        recommendation: rating.and_then(|r| r.recommendation.clone()),
        coverage: res.coverage,
        bounds: res.bounds,
        firm: res.firm,
        basis: super::basis::basis(&factors, &ks.model.weights.full, |f| {
            matches!(ks.plan.inputs[f], InputPlan::Rollup { .. })
        }),
        not_rated_by: not_rated.as_ref().map(|n| n.0.clone()),
        reason: not_rated.map(|n| n.1),
        clamp: clamp(ks, row),
        reason_codes: reason_codes(&factors, rules.reason_codes),
        profile: profile(ks, row, dataset, &factors),
        flags: fired_gates(ks, row).filter(|(_, g)| g.action == GateAction::Flag).map(|(_, g)| g.id.clone()).collect(),
        excluded_by: match res.status {
            Status::Excluded(g) => Some(rules.gates[g as usize].id.clone()),
            _ => None,
        },
        categories: category_lines(ks, b),
        factors,
        adjustments: adjustment_lines(ks, row, &conditions),
        gates: gate_lines(ks, row, &conditions),
    }
}

/// One line per factor, from the entity's breakdown.
fn factor_lines(
    ks: &KindScores,
    row: usize,
    b: &Breakdown,
    traced: &[Vec<AttrId>],
    scores: &Scores,
) -> Vec<FactorLine> {
    let rules = &ks.plan.rules;
    let line = |(f, factor): (usize, &Factor)| {
        let o = b.outcomes[f];
        FactorLine {
            id: factor.id.clone(),
            category: rules.categories[factor.category].name.clone(),
            description: factor.description.clone(),
            label: factor.label.clone(),
            input: describe_input(&factor.input),
            scale: describe_scale(&factor.scale),
            raw: raw_json(&ks.raw[f], &ks.table, row),
            state: FactorState::of(o),
            note: note(o, factor.missing, &ks.raw[f], &ks.table, row),
            points: o.points(),
            points_range: factor.points_bounds().into(),
            weight: factor.weight,
            share: b.share[f],
            contribution: b.contribution[f],
            lost: b.lost[f],
            evidence: evidence(ks, f, row, &traced[f]),
            related: related(ks, f, row, scores),
        }
    };
    rules.factors.iter().enumerate().map(line).collect()
}

/// One line per category, from the entity's breakdown.
fn category_lines(ks: &KindScores, b: &Breakdown) -> Vec<CategoryLine> {
    let line = |(c, cat): (usize, &Category)| CategoryLine {
        name: cat.name.clone(),
        weight: cat.weight,
        share: b.category_share[c],
        score: b.category_score[c],
        contribution: b.category_contribution[c],
    };
    ks.plan.rules.categories.iter().enumerate().map(line).collect()
}

/// The gates that fired for `row`, with their index.
fn fired_gates(ks: &KindScores, row: usize) -> impl Iterator<Item = (usize, &Gate)> {
    let fired = ks.masks(row).gates_fired;
    ks.plan.rules.gates.iter().enumerate().filter(move |(i, _)| fired & (1 << i) != 0)
}

/// Points removed (negative) or added by clamping the total to [0, 100].
fn clamp(ks: &KindScores, row: usize) -> f64 {
    let (res, m) = (&ks.results[row], ks.masks(row));
    let adjustments = ks.plan.rules.adjustments.iter().enumerate();
    let applied: f64 = adjustments.filter(|(i, _)| m.adjustments_applied & (1 << i) != 0).map(|(_, a)| a.points).sum();
    if res.status == Status::NoData { 0.0 } else { res.total - (res.base + applied) }
}

/// What one adjustment or gate line is built from.
struct Rule<'a> {
    id: &'a str,
    when: &'a Condition,
    reason: &'a str,
    effect: Effect,
}

/// Condition `i`'s line; `bits` are the fired and undetermined masks of its kind.
fn condition_line(rule: Rule<'_>, i: usize, bits: (u64, u64), evidence: Vec<Evidence>) -> ConditionLine {
    ConditionLine {
        id: rule.id.to_string(),
        when: rule.when.source.clone(),
        reason: rule.reason.to_string(),
        fired: bits.0 & (1 << i) != 0,
        state: ConditionState::of(bits.0, bits.1, i),
        points: match rule.effect {
            Effect::Points(p) => Some(p),
            _ => None,
        },
        effect: rule.effect,
        evidence,
    }
}

fn adjustment_lines(ks: &KindScores, row: usize, traced: &TracedConditions) -> Vec<ConditionLine> {
    let m = ks.masks(row);
    let bits = (m.adjustments_applied, m.adjustments_unknown);
    let line = |(i, a): (usize, &Adjustment)| {
        let rule = Rule { id: &a.id, when: &a.when, reason: &a.reason, effect: Effect::Points(a.points) };
        condition_line(rule, i, bits, traced_evidence(ks, row, traced.adjustments.get(i)))
    };
    ks.plan.rules.adjustments.iter().enumerate().map(line).collect()
}

fn gate_lines(ks: &KindScores, row: usize, traced: &TracedConditions) -> Vec<ConditionLine> {
    let (rules, m) = (&ks.plan.rules, ks.masks(row));
    let bits = (m.gates_fired, m.gates_unknown);
    let line = |(i, g): (usize, &Gate)| {
        let effect = match g.action {
            GateAction::Exclude => Effect::Exclude,
            GateAction::Flag => Effect::Flag,
            GateAction::NotRated => Effect::NotRated,
            GateAction::Cap(r) => Effect::Cap(rules.ratings[r].label.clone()),
        };
        let rule = Rule { id: &g.id, when: &g.when, reason: &g.reason, effect };
        condition_line(rule, i, bits, traced_evidence(ks, row, traced.gates.get(i)))
    };
    rules.gates.iter().enumerate().map(line).collect()
}

/// The factors that cost the most points below their maximum, ties by factor id.
pub(crate) fn reason_codes(factors: &[FactorLine], k: usize) -> Vec<ReasonCode> {
    let mut v: Vec<&FactorLine> = factors.iter().filter(|f| f.lost > 0.0).collect();
    v.sort_by(|a, b| b.lost.total_cmp(&a.lost).then_with(|| a.id.cmp(&b.id)));
    v.into_iter().take(k).map(|f| ReasonCode { factor: f.id.clone(), lost: f.lost }).collect()
}

fn describe_input(input: &Input) -> String {
    match input {
        Input::Attribute { name, .. } => format!("attribute {name}"),
        Input::Expr(c) => format!("expr {}", c.source.trim()),
        Input::Script { display, function, .. } => format!("script {display}:{function}"),
        Input::Rollup { kind, category: None } => format!("rollup {kind} total"),
        Input::Rollup { kind, category: Some(c) } => format!("rollup {kind} {c}"),
    }
}

pub(crate) fn describe_scale(scale: &Scale) -> String {
    scale.kind().describe()
}

fn raw_json(raw: &Raw, table: &crate::model::EntityTable, row: usize) -> Json {
    match raw {
        Raw::Attr(a) => table.columns[*a as usize].json(row),
        _ => match raw.view(table) {
            View::Number(v) if !v[row].is_nan() => crate::fmt::json_number(v[row]),
            View::Bool(v) => v[row].map_or(Json::Null, Json::Bool),
            View::Text(v) => v[row].as_ref().map_or(Json::Null, |s| Json::String(s.to_string())),
            _ => Json::Null,
        },
    }
}

fn related(ks: &KindScores, f: usize, row: usize, scores: &Scores) -> Vec<Related> {
    let InputPlan::Rollup { kind, .. } = &ks.plan.inputs[f] else {
        return Vec::new();
    };
    let Some(target) = scores.of(*kind) else { return Vec::new() };
    ks.table
        .related(*kind, row)
        .into_iter()
        .map(|(t, w)| {
            let t = t as usize;
            let r = &target.results[t];
            Related {
                id: target.table.id(t).to_string(),
                name: target.table.name(t).to_string(),
                kind: *kind,
                weight: w,
                score: (r.status != Status::NoData).then_some(r.total),
                rating: r.rating.map(|i| target.plan.rules.ratings[i as usize].label.clone()),
            }
        })
        .collect()
}
