//! A factor's raw values and scale, ready to give each row its [`Outcome`] (evaluate stage):
//! where the raw values are ([`Raw`], [`View`]) and the per-row scoring ([`FactorView`]).

use std::sync::Arc;

use super::aggregate::Outcome;
use crate::model::{AttrId, Column, EntityTable, Missing, RuleSet};
use crate::scale::Scorer;

/// Where a factor's raw values are.
#[derive(Debug)]
pub enum Raw {
    /// An attribute column of the table.
    Attr(AttrId),
    /// Computed numbers (scripts, roll-ups); NaN is missing.
    Numbers(Vec<f64>),
    /// Computed booleans (scripts); `None` is missing.
    Bools(Vec<Option<bool>>),
    /// Computed text (scripts); `None` is missing.
    Texts(Vec<Option<Arc<str>>>),
}

/// A borrowed view of raw values, cheap to index in the scoring loop.
#[derive(Clone, Copy, Debug)]
pub enum View<'a> {
    Number(&'a [f64]),
    Bool(&'a [Option<bool>]),
    Text(&'a [Option<Arc<str>>]),
    /// Date and list attributes are never scored directly (the check stage refuses them).
    None,
}

impl Raw {
    /// Frees computed values (an attribute's live in the table).
    pub(crate) fn release(&mut self) {
        match self {
            Raw::Attr(_) => {}
            Raw::Numbers(v) => *v = Vec::new(),
            Raw::Bools(v) => *v = Vec::new(),
            Raw::Texts(v) => *v = Vec::new(),
        }
    }

    /// The values, borrowed from the table or the computed vector.
    pub fn view<'a>(&'a self, table: &'a EntityTable) -> View<'a> {
        match self {
            Raw::Attr(a) => match &table.columns[*a as usize] {
                Column::Number(v) => View::Number(v),
                Column::Bool(v) => View::Bool(v),
                Column::Text(v) => View::Text(v),
                Column::Date(_) | Column::List(_) => View::None,
            },
            Raw::Numbers(v) => View::Number(v),
            Raw::Bools(v) => View::Bool(v),
            Raw::Texts(v) => View::Text(v),
        }
    }
}

/// A factor ready to score rows.
pub(super) struct FactorView<'a> {
    pub(super) values: View<'a>,
    pub(super) scorer: &'a Scorer,
    pub(super) missing: Missing,
}

impl FactorView<'_> {
    #[inline]
    pub(super) fn outcome(&self, row: usize) -> Outcome {
        let points = match self.values {
            View::Number(v) => {
                let x = v[row];
                if x.is_nan() { None } else { self.scorer.number(x) }
            }
            View::Bool(v) => v[row].and_then(|b| self.scorer.boolean(b)),
            View::Text(v) => v[row].as_deref().and_then(|s| self.scorer.text(s)),
            View::None => None,
        };
        match points {
            Some(p) => Outcome::Observed(p),
            None => self.outcome_of_missing(),
        }
    }

    /// The outcome when the value is missing, by the factor's policy.
    pub(super) fn outcome_of_missing(&self) -> Outcome {
        match self.missing {
            Missing::Skip => Outcome::Skipped,
            Missing::Fail => Outcome::Failed,
            Missing::Points(p) => Outcome::Imputed(p),
            Missing::Assume(x) => self.scorer.number(x).map_or(Outcome::Skipped, Outcome::Imputed),
        }
    }
}

/// Each factor's view over the kind's table.
pub(super) fn views<'a>(
    table: &'a EntityTable,
    raw: &'a [Raw],
    scorers: &'a [Scorer],
    rules: &RuleSet,
) -> Vec<FactorView<'a>> {
    raw.iter()
        .zip(scorers)
        .zip(&rules.factors)
        .map(|((r, s), f)| FactorView { values: r.view(table), scorer: s, missing: f.missing })
        .collect()
}
