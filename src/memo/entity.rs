//! One entity's memo from its ledger (memo stage): header, thesis, exposure, evidence,
//! coverage and recommendation.

use super::model::{
    Coverage, Exposure, Fact, Gap, GateRef, Linked, MEMO_FORMAT, Memo, Recommendation, RuleSetInfo, Stamp, Thesis,
};
use super::phrase;
use crate::evaluate::Ledger;
use crate::evaluate::Status;
use crate::evaluate::ledger::{Effect, FactorLine, FactorState};
use crate::model::{Kind, KindSchema, RuleSet};

/// What a memo needs besides the ledger.
pub(super) struct Context<'a> {
    pub rules: &'a RuleSet,
    pub schema: &'a KindSchema,
    /// Rank, number ranked and percentile, when ranked.
    pub position: Option<(u32, usize, f64)>,
    pub stamp: &'a Stamp,
}

/// `kind/id`: where an entity's memo lives under the reports directory, without extension.
pub(super) fn memo_path(kind: Kind, id: &str) -> String {
    format!("{kind}/{id}")
}

pub(super) fn rule_set_info(rules: &RuleSet) -> RuleSetInfo {
    RuleSetInfo {
        name: rules.name.clone(),
        version: rules.version.clone(),
        profile: rules.profile.clone(),
        description: rules.description.clone(),
    }
}

/// Builds the memo of one entity.
pub(super) fn memo(l: Ledger, cx: &Context) -> Memo {
    let capped_by = fired(&l, |effect| matches!(effect, Effect::Cap(_)));
    let flags = fired(&l, |effect| *effect == Effect::Flag);
    let excluded_by =
        fired(&l, |effect| *effect == Effect::Exclude).into_iter().find(|g| Some(&g.id) == l.excluded_by.as_ref());
    let thesis = Thesis {
        summary: phrase::summary(&l, cx.position, &capped_by, &flags),
        drivers: drivers(&l.factors, cx.rules.reason_codes).into_iter().map(|f| phrase::driver(f, cx.schema)).collect(),
        risks: risks(&l).into_iter().map(|f| phrase::risk(f, cx.schema)).collect(),
    };
    Memo {
        format: MEMO_FORMAT,
        path: memo_path(l.kind, &l.id),
        rule_set: rule_set_info(cx.rules),
        rank: cx.position.map(|p| p.0),
        ranked_count: cx.position.map_or(0, |p| p.1),
        percentile: cx.position.map(|p| p.2),
        recommendation: recommendation(&l),
        exposure: exposure(&l.factors),
        evidence: evidence(&l, cx.schema),
        profile: l.profile.iter().map(|e| fact(e, cx.schema, Vec::new())).collect(),
        coverage: coverage(&l),
        stamp: cx.stamp.clone(),
        capped_by,
        excluded_by,
        flags,
        thesis,
        id: l.id,
        name: l.name,
        kind: l.kind,
        status: l.status,
        score: l.score,
        base: l.base,
        rating: l.rating,
        rating_before_caps: l.rating_before_caps,
        categories: l.categories,
        factors: l.factors,
        adjustments: l.adjustments,
        clamp: l.clamp,
        gates: l.gates,
        reason_codes: l.reason_codes,
    }
}

/// Gates that fired with an effect matching `is`.
fn fired(l: &Ledger, is: impl Fn(&Effect) -> bool) -> Vec<GateRef> {
    l.gates
        .iter()
        .filter(|g| g.fired && is(&g.effect))
        .map(|g| GateRef { id: g.id.clone(), reason: g.reason.clone() })
        .collect()
}

/// The factors whose observed data add the most points, largest first, ties by id (points a
/// missing-data policy imputes drive nothing).
pub(super) fn drivers(factors: &[FactorLine], k: usize) -> Vec<&FactorLine> {
    let mut v: Vec<&FactorLine> =
        factors.iter().filter(|f| f.state == FactorState::Observed && f.contribution > 0.0).collect();
    v.sort_by(|a, b| b.contribution.total_cmp(&a.contribution).then_with(|| a.id.cmp(&b.id)));
    v.truncate(k);
    v
}

/// The reason codes' factors, in reason-code order.
pub(super) fn risks(l: &Ledger) -> Vec<&FactorLine> {
    l.reason_codes.iter().filter_map(|r| l.factors.iter().find(|f| f.id == r.factor)).collect()
}

/// The band's wording, for ranked entities only: an excluded entity gets no recommendation.
fn recommendation(l: &Ledger) -> Option<Recommendation> {
    if l.status != Status::Scored {
        return None;
    }
    Some(Recommendation {
        rating: l.rating.clone()?,
        profile: l.rule_set.profile.clone(),
        text: l.recommendation.clone(),
    })
}

fn exposure(factors: &[FactorLine]) -> Vec<Exposure> {
    factors
        .iter()
        .filter_map(|f| {
            let kind = f.related.first()?.kind;
            let entities = f
                .related
                .iter()
                .map(|r| Linked {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    kind: r.kind,
                    weight: r.weight,
                    score: r.score,
                    rating: r.rating.clone(),
                    path: memo_path(r.kind, &r.id),
                })
                .collect();
            Some(Exposure { factor: f.id.clone(), description: f.description.clone(), kind, entities })
        })
        .collect()
}

/// Every fact the factors, adjustments and gates read, once each, in the order they first read
/// them, with the ids of the rules that read it.
fn evidence(l: &Ledger, schema: &KindSchema) -> Vec<Fact> {
    let readers = l.factors.iter().map(|f| (&f.id, &f.evidence));
    let readers = readers.chain(l.adjustments.iter().map(|a| (&a.id, &a.evidence)));
    let readers = readers.chain(l.gates.iter().map(|g| (&g.id, &g.evidence)));
    let mut facts: Vec<Fact> = Vec::new();
    for (id, evidence) in readers {
        for e in evidence {
            match facts.iter_mut().find(|x| x.attribute == e.attribute) {
                Some(known) if !known.factors.contains(id) => known.factors.push(id.clone()),
                Some(_) => {}
                None => facts.push(fact(e, schema, vec![id.clone()])),
            }
        }
    }
    facts
}

/// A fact as memos show it: labelled from its declaration, with its provenance.
fn fact(e: &crate::evaluate::ledger::Evidence, schema: &KindSchema, factors: Vec<String>) -> Fact {
    let (label, unit) = phrase::label_and_unit(&e.attribute, schema);
    let p = &e.provenance;
    Fact {
        description: (label != e.attribute).then_some(label),
        unit,
        value: e.value.clone(),
        basis: basis(e),
        attribute: e.attribute.clone(),
        source: p.source.clone(),
        as_of: p.dated().map(|d| d.to_string()),
        grade: p.grade.clone(),
        judgment: p.judgment.clone(),
        note: p.note.clone(),
        withheld: e.withheld,
        factors,
    }
}

/// `judgment`, `sourced`, `unsourced` (a bare value) or `missing`.
fn basis(e: &crate::evaluate::ledger::Evidence) -> &'static str {
    e.basis()
}

fn coverage(l: &Ledger) -> Coverage {
    let gaps = l
        .factors
        .iter()
        .filter(|f| f.state != FactorState::Observed)
        .map(|f| Gap { factor: f.id.clone(), description: f.description.clone(), state: f.state, note: f.note.clone() })
        .collect();
    Coverage { share: l.coverage, gaps }
}
