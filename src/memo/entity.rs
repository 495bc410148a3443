//! One entity's memo from its ledger (memo stage): header, thesis, exposure, evidence,
//! coverage and recommendation.

use super::model::{
    Coverage, Exposure, Fact, Gap, GateRef, Linked, MEMO_FORMAT, Memo, Peer, Recommendation, RuleSetInfo, SourceRef,
    Stamp, Thesis,
};
use super::phrase;
use crate::evaluate::Ledger;
use crate::evaluate::Status;
use crate::evaluate::ledger::{Effect, FactorLine, FactorState};
use crate::model::{Kind, KindSchema, RuleSet, Sources};

/// What a memo needs besides the ledger.
pub(super) struct Context<'a> {
    pub rules: &'a RuleSet,
    pub schema: &'a KindSchema,
    /// Rank, number ranked and percentile, when ranked.
    pub position: Option<(u32, usize, f64)>,
    pub stamp: &'a Stamp,
    /// The source registry the facts cite.
    pub sources: &'a Sources,
    pub peers: Vec<Peer>,
    /// The entity's history at the dates the data changes, and its outlook.
    pub history: Option<&'a crate::history::EntityHistory>,
    pub outlook: Option<crate::history::Outlook>,
    pub catalysts: Vec<super::catalysts::Catalyst>,
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
pub(super) fn memo(l: Ledger, cx: Context) -> Memo {
    let cx = &cx;
    let capped_by = fired(&l, |effect| matches!(effect, Effect::Cap(_)));
    let flags = fired(&l, |effect| *effect == Effect::Flag);
    let excluded_by =
        fired(&l, |effect| *effect == Effect::Exclude).into_iter().find(|g| Some(&g.id) == l.excluded_by.as_ref());
    let k = cx.rules.reason_codes.max(1);
    let drivers: Vec<_> = drivers(&l.factors, l.base, k).into_iter().map(|f| phrase::driver(f, cx.schema)).collect();
    let risks: Vec<_> = risks(&l.factors, l.base, k).into_iter().map(|f| phrase::risk(f, cx.schema)).collect();
    let thesis =
        Thesis { summary: phrase::summary(&l, cx.position, &capped_by, &flags, &drivers, &risks), drivers, risks };
    let mut evidence = evidence(&l, cx.schema);
    let mut profile: Vec<Fact> = l.profile.iter().map(|e| fact(e, cx.schema, Vec::new())).collect();
    let sources = number_sources(&l, &mut evidence, &mut profile, cx.sources);
    let key_figures = super::key_figures::key_figures(&evidence, &profile, cx.schema);
    let situation = situation(&l, &capped_by, &flags, &evidence, &profile);
    let band = l.rating.as_ref().and_then(|r| cx.rules.ratings.iter().position(|b| &b.label == r));
    Memo {
        format: MEMO_FORMAT,
        situation,
        wording: None,
        bounds: (l.bounds.lo, l.bounds.hi),
        firm: l.firm,
        not_rated_reason: l.reason.clone(),
        band: band.map(|b| (b, cx.rules.ratings.len())),
        peers: cx.peers.clone(),
        history: cx.history.map(|h| super::history::section(h, cx.rules, cx.sources)),
        outlook: cx.outlook.clone(),
        catalysts: cx.catalysts.clone(),
        key_figures,
        sources,
        path: memo_path(l.kind, &l.id),
        rule_set: rule_set_info(cx.rules),
        rank: cx.position.map(|p| p.0),
        ranked_count: cx.position.map_or(0, |p| p.1),
        percentile: cx.position.map(|p| p.2),
        recommendation: recommendation(&l),
        exposure: exposure(&l.factors),
        evidence,
        profile,
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

/// Drivers and risks split the observed factors at the entity's own base score, so no factor
/// is ever both (README, "Drivers and risks"). A driver scores above the base: it adds more
/// than its fair share, share·points > share·base. Drivers are ordered by that excess,
/// share·(points − base), largest first, ties by id. Points a missing-data policy imputes
/// drive nothing and are no risk either: they are gaps, shown under coverage.
pub(super) fn drivers(factors: &[FactorLine], base: f64, k: usize) -> Vec<&FactorLine> {
    let excess = |f: &FactorLine| f.share * (f.points.unwrap_or(0.0) - base);
    let mut v: Vec<&FactorLine> = factors.iter().filter(|f| observed(f) && excess(f) > 1e-9).collect();
    v.sort_by(|a, b| excess(b).total_cmp(&excess(a)).then_with(|| a.id.cmp(&b.id)));
    v.truncate(k);
    v
}

/// A risk scores at or below the base and costs points below its maximum: ordered by the
/// points lost, share·(100 − points), largest first, ties by id.
pub(super) fn risks(factors: &[FactorLine], base: f64, k: usize) -> Vec<&FactorLine> {
    let mut v: Vec<&FactorLine> =
        factors.iter().filter(|f| observed(f) && f.points.unwrap_or(0.0) <= base + 1e-9 && f.lost > 1e-9).collect();
    v.sort_by(|a, b| b.lost.total_cmp(&a.lost).then_with(|| a.id.cmp(&b.id)));
    v.truncate(k);
    v
}

fn observed(f: &FactorLine) -> bool {
    f.state == FactorState::Observed && f.points.is_some()
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
        published: p.published.map(|d| d.to_string()),
        restated: crate::render::explain::restated(e),
        later: crate::render::explain::later(e),
        refs: Vec::new(),
        factors,
    }
}

/// Numbers every source the facts cite, in the order the evidence (then the profile) first
/// cites it: registry entries by id, inline `source:` texts by their words; sets each fact's
/// `refs`.
fn number_sources(l: &Ledger, evidence: &mut [Fact], profile: &mut [Fact], registry: &Sources) -> Vec<SourceRef> {
    let mut list: Vec<SourceRef> = Vec::new();
    let provenance = |attr: &str| {
        let from_factors = l.factors.iter().flat_map(|f| &f.evidence);
        let from_rules = l.adjustments.iter().chain(&l.gates).flat_map(|c| &c.evidence);
        from_factors.chain(from_rules).chain(&l.profile).find(|e| e.attribute == attr).map(|e| e.provenance.clone())
    };
    for fact in evidence.iter_mut().chain(profile.iter_mut()) {
        let Some(p) = provenance(&fact.attribute) else { continue };
        let mut refs = Vec::new();
        for id in &p.cite {
            let n = match list.iter().find(|s| s.id.as_deref() == Some(id.as_str())) {
                Some(s) => s.n,
                None => {
                    let n = list.len() + 1;
                    let e = registry.get(id);
                    list.push(SourceRef {
                        n,
                        id: Some(id.clone()),
                        title: e.map_or_else(|| id.clone(), |e| e.title.clone()),
                        publisher: e.and_then(|e| e.publisher.clone()),
                        url: e.map(|e| e.url.clone()),
                        published: e.and_then(|e| e.published.map(|d| d.to_string())),
                        grade: e.and_then(|e| e.grade.clone()),
                    });
                    n
                }
            };
            refs.push(n);
        }
        // Beside a citation, `source:` words say which part of the source holds the fact: no
        // second entry of their own.
        if let Some(text) = p.source.as_ref().filter(|_| p.cite.is_empty()) {
            let n = match list.iter().find(|s| s.id.is_none() && &s.title == text) {
                Some(s) => s.n,
                None => {
                    let n = list.len() + 1;
                    list.push(SourceRef {
                        n,
                        id: None,
                        title: text.clone(),
                        publisher: None,
                        url: None,
                        published: None,
                        grade: None,
                    });
                    n
                }
            };
            refs.push(n);
        }
        fact.refs = refs;
    }
    list
}

/// What the recommendation wording turns on: `not_rated` (excluded, or no data), `capped` (a
/// gate holds the rating down), `unlisted` (a fired gate named `unlisted`, or a `listed` fact
/// that is false: no security to buy) or `listed`.
fn situation(l: &Ledger, caps: &[GateRef], flags: &[GateRef], evidence: &[Fact], profile: &[Fact]) -> &'static str {
    let unlisted = flags.iter().any(|f| f.id == "unlisted")
        || evidence.iter().chain(profile).any(|f| f.attribute == "listed" && f.value.as_deref() == Some("false"));
    if l.status != Status::Scored || l.rating.is_none() {
        "not_rated"
    } else if !caps.is_empty() {
        "capped"
    } else if unlisted {
        "unlisted"
    } else {
        "listed"
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
