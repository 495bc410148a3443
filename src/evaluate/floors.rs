//! Coverage floors (`coverage: {min: 60, categories: {risk: 50}}`): below them an entity is
//! scored but not rated (evaluate stage; the kernel checks each row that lacks observed data).
//!
//! Overall coverage is the kernel's (the nominal share of the model backed by observed data);
//! a category's is the share of its factor weight backed by observed data. A row whose factors
//! all have observed data meets every floor.

use super::aggregate::Weights;
use super::kernel::NotRated;
use crate::model::RuleSet;

/// Slack for coverage computed in floating point (a floor of 60 is met by 0.6 − 1e-15).
const SLACK: f64 = 1e-9;

/// A rule set's floors, as fractions.
#[derive(Debug)]
pub(crate) struct Floors {
    min: Option<f64>,
    categories: Vec<(usize, f64)>,
}

impl Floors {
    pub(crate) fn new(rules: &RuleSet) -> Floors {
        let c = &rules.coverage;
        Floors {
            min: c.min.map(|m| m / 100.0),
            categories: c.categories.iter().map(|&(i, m)| (i, m / 100.0)).collect(),
        }
    }

    /// Whether the rule set has any floor.
    pub(crate) fn any(&self) -> bool {
        self.min.is_some() || !self.categories.is_empty()
    }

    /// The first floor a row with this coverage and observed weight per category is below.
    #[inline]
    pub(crate) fn check(&self, w: &Weights, coverage: f64, observed: &[f64]) -> Option<NotRated> {
        if self.min.is_some_and(|m| coverage < m - SLACK) {
            return Some(NotRated::Coverage);
        }
        self.categories.iter().find_map(|&(c, m)| {
            let total = w.category_total[c];
            (total > 0.0 && observed[c] / total < m - SLACK).then_some(NotRated::Category(c as u16))
        })
    }
}

/// What keeps an entity from a rating, as `(by, reason)`: the gate's id and reason, or
/// `coverage` (`coverage:<category>`) with the floor it is below.
pub(crate) fn not_rated_by(rules: &RuleSet, why: NotRated, coverage: f64) -> (String, String) {
    use crate::fmt::number;
    match why {
        NotRated::Gate(g) => {
            let gate = &rules.gates[g as usize];
            (gate.id.clone(), gate.reason.clone())
        }
        NotRated::Coverage => (
            "coverage".to_string(),
            format!(
                "insufficient data: {}% of the weight is backed by data, below the floor of {}%",
                crate::fmt::fixed(coverage * 100.0, 1),
                number(rules.coverage.min.unwrap_or(0.0))
            ),
        ),
        NotRated::Category(c) => {
            let name = &rules.categories[c as usize].name;
            let floor = rules.coverage.categories.iter().find(|x| x.0 == c as usize).map_or(0.0, |x| x.1);
            (
                format!("coverage:{name}"),
                format!("insufficient data: category `{name}` is below its coverage floor of {}%", number(floor)),
            )
        }
    }
}
