//! The typed words of a ledger (evaluate stage): how a factor fared, how a condition resolved
//! and what it did. Each serialises to the word ledgers, JSON and memos print, so later stages
//! match on variants instead of comparing strings.

use std::fmt;

use serde::{Serialize, Serializer};

use super::aggregate::Outcome;

/// How a factor fared for one entity: `observed`, `imputed`, `skipped` or `failed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorState {
    /// Points from observed data.
    Observed,
    /// Points from the missing-data policy.
    Imputed,
    /// No value; the policy is `skip`.
    Skipped,
    /// No value; the policy is `fail`.
    Failed,
}

impl FactorState {
    /// The state of an outcome.
    pub fn of(o: Outcome) -> FactorState {
        match o {
            Outcome::Observed(_) => FactorState::Observed,
            Outcome::Imputed(_) => FactorState::Imputed,
            Outcome::Skipped => FactorState::Skipped,
            Outcome::Failed => FactorState::Failed,
        }
    }

    /// `observed`, `imputed`, `skipped` or `failed`.
    pub fn word(self) -> &'static str {
        match self {
            FactorState::Observed => "observed",
            FactorState::Imputed => "imputed",
            FactorState::Skipped => "skipped",
            FactorState::Failed => "failed",
        }
    }
}

impl fmt::Display for FactorState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// How an adjustment or gate resolved for one entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionState {
    /// Its condition held.
    Fired,
    /// Its condition did not hold.
    NotFired,
    /// Its condition read missing data, so it did not fire.
    Undetermined,
    /// It read missing data and its policy is `missing: fire`.
    FiredOnMissing,
}

impl ConditionState {
    /// The state of condition `i` from its kind's fired and undetermined masks.
    pub fn of(fired: u64, unknown: u64, i: usize) -> ConditionState {
        match (fired & (1 << i) != 0, unknown & (1 << i) != 0) {
            (true, false) => ConditionState::Fired,
            (true, true) => ConditionState::FiredOnMissing,
            (false, true) => ConditionState::Undetermined,
            (false, false) => ConditionState::NotFired,
        }
    }

    /// `fired`, `not fired`, `undetermined` or `fired on missing`, for prose.
    pub fn phrase(self) -> &'static str {
        match self {
            ConditionState::Fired => "fired",
            ConditionState::NotFired => "not fired",
            ConditionState::Undetermined => "undetermined",
            ConditionState::FiredOnMissing => "fired on missing",
        }
    }
}

/// What a condition does when it fires: points added (adjustments) or a gate's action.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Printed signed: `+5`, `-2.5`.
    Points(f64),
    /// The gate removes the entity from the ranking.
    Exclude,
    /// The gate marks the entity.
    Flag,
    /// The gate withholds the rating.
    NotRated,
    /// Printed `cap:LABEL`.
    Cap(String),
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Points(p) => write!(f, "{p:+}"),
            Effect::Exclude => f.write_str("exclude"),
            Effect::Flag => f.write_str("flag"),
            Effect::NotRated => f.write_str("not_rated"),
            Effect::Cap(label) => write!(f, "cap:{label}"),
        }
    }
}

impl Serialize for Effect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The ledger's note on a factor without observed data: why it has none, and what its policy did.
pub(super) fn note(
    o: Outcome,
    policy: crate::model::Missing,
    raw: &super::Raw,
    table: &crate::model::EntityTable,
    row: usize,
) -> Option<String> {
    use crate::model::Missing as M;
    let withheld = match raw {
        super::Raw::Attr(a) => table.withheld_at(row, *a).map(|(v, p)| super::ledger::withheld_why(&v, &p, table.view)),
        _ => None,
    };
    let unmapped = match (raw, o) {
        (_, Outcome::Observed(_)) => None,
        (r, _) => match r.view(table) {
            super::factor::View::Text(v) => v[row].as_ref().map(|s| format!("value `{s}` is not in the map")),
            _ => None,
        },
    };
    let why = withheld.or(unmapped).unwrap_or_else(|| "no value".to_string());
    match (o, policy) {
        (Outcome::Observed(_), _) => None,
        (Outcome::Imputed(_), M::Assume(x)) => Some(format!("{why}; assumed {}", crate::fmt::number(x))),
        (Outcome::Imputed(p), _) => Some(format!("{why}; given {} points", crate::fmt::number(p))),
        (Outcome::Skipped, _) => Some(format!("{why}; skipped (its category renormalises)")),
        (Outcome::Failed, _) => Some(format!("{why}; policy is fail")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_effects_serialise_to_the_ledger_words() {
        assert_eq!(json(&FactorState::Imputed), "\"imputed\"");
        assert_eq!(json(&ConditionState::FiredOnMissing), "\"fired_on_missing\"");
        assert_eq!(json(&Effect::Points(5.0)), "\"+5\"");
        assert_eq!(json(&Effect::Points(-2.5)), "\"-2.5\"");
        assert_eq!(json(&Effect::Cap("Neutral".into())), "\"cap:Neutral\"");
        assert_eq!(json(&Effect::Exclude), "\"exclude\"");
    }

    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap_or_default()
    }
}
