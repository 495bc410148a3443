//! What the observed part of a score rests on (evaluate stage, read by ledgers): the nominal
//! weight share of factors whose facts cite a source, rest on an analyst's judgment, or are bare
//! values, and the share resting on grade C facts. The three shares add up to the coverage.
//!
//! A factor's basis is its weakest fact's: unsourced if any fact it read is a bare value, else a
//! judgment if any is, else sourced. A roll-up reads scores of rated entities, each with its own
//! ledger, and counts as sourced. Unknown (`None`) when a script factor's facts were not traced.

use serde::Serialize;

use super::ledger::{Evidence, FactorLine, FactorState};

/// Weight shares of the model, each in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Basis {
    /// Observed factors whose facts all cite a source (`source:` or `cite:`).
    pub sourced: f64,
    /// Observed factors resting on an analyst's judgment.
    pub judged: f64,
    /// Observed factors fed by a bare value without a source.
    pub unsourced: f64,
    /// Observed factors resting on a fact graded C (indicative).
    pub grade_c: f64,
}

/// The basis of a ledger's factors, with each factor's nominal share; `None` when a factor's
/// facts are unknown (a script factor not traced).
pub(crate) fn basis(factors: &[FactorLine], nominal: &[f64], rollup: impl Fn(usize) -> bool) -> Option<Basis> {
    let mut b = Basis::default();
    for (f, line) in factors.iter().enumerate() {
        if line.state != FactorState::Observed {
            continue;
        }
        let share = nominal[f];
        let facts: Vec<&Evidence> = line.evidence.iter().filter(|e| !e.withheld && e.value.is_some()).collect();
        if facts.is_empty() {
            if !rollup(f) {
                return None;
            }
            b.sourced += share;
            continue;
        }
        let kinds: Vec<&str> = facts.iter().map(|e| e.basis()).collect();
        match () {
            _ if kinds.contains(&"unsourced") => b.unsourced += share,
            _ if kinds.contains(&"judgment") => b.judged += share,
            _ => b.sourced += share,
        }
        if facts.iter().any(|e| e.provenance.grade.as_deref().is_some_and(|g| g.trim().eq_ignore_ascii_case("C"))) {
            b.grade_c += share;
        }
    }
    Some(b)
}
