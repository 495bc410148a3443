//! The methodology and disclosures of a run (memo stage): per kind, the rating bands with their
//! meaning and how many entities fall in each, the category and factor weights with the
//! factors' descriptions and missing-data policies. Rendered as `methodology.EXT`, which every
//! memo and the index link to.

use serde::Serialize;

use crate::evaluate::{KindScores, Status};
use crate::model::{Missing, RuleSet};

/// One rating band and its share of the universe.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Band {
    pub label: String,
    pub min: f64,
    pub max: f64,
    pub recommendation: Option<String>,
    /// Rated entities in the band, and their share of all rated ones (0..1).
    pub count: usize,
    pub share: f64,
}

/// A category's weight and its share of the total.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CategoryWeight {
    pub name: String,
    pub weight: f64,
    pub share: f64,
    pub description: Option<String>,
}

/// A factor's weight, its nominal share of the total, what it measures and what happens
/// without data.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FactorWeight {
    pub id: String,
    pub label: String,
    pub category: String,
    pub weight: f64,
    /// (W꜀/ΣW)·(wᶠ/Σw꜀) with every factor present.
    pub share: f64,
    pub description: String,
    pub missing: String,
}

/// The methodology of one kind's rule set.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Methodology {
    pub bands: Vec<Band>,
    /// Entities not rated (excluded by a gate or without data).
    pub not_rated: usize,
    pub categories: Vec<CategoryWeight>,
    pub factors: Vec<FactorWeight>,
}

pub(super) fn methodology(ks: &KindScores) -> Methodology {
    let rules = &ks.plan.rules;
    let rated: Vec<u8> = ks.results.iter().filter(|r| r.status == Status::Scored).filter_map(|r| r.rating).collect();
    let bands = rules
        .ratings
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let count = rated.iter().filter(|&&r| r as usize == i).count();
            Band {
                label: b.label.clone(),
                min: b.min,
                max: b.max,
                recommendation: b.recommendation.clone(),
                count,
                share: if rated.is_empty() { 0.0 } else { count as f64 / rated.len() as f64 },
            }
        })
        .collect();
    Methodology {
        bands,
        not_rated: ks.results.len() - rated.len(),
        categories: categories(rules),
        factors: factors(rules),
    }
}

fn categories(rules: &RuleSet) -> Vec<CategoryWeight> {
    let total: f64 = rules.categories.iter().map(|c| c.weight).sum();
    rules
        .categories
        .iter()
        .map(|c| CategoryWeight {
            name: c.name.clone(),
            weight: c.weight,
            share: if total > 0.0 { c.weight / total } else { 0.0 },
            description: c.description.clone(),
        })
        .collect()
}

fn factors(rules: &RuleSet) -> Vec<FactorWeight> {
    let total: f64 = rules.categories.iter().map(|c| c.weight).sum();
    let in_category = |c: usize| rules.factors.iter().filter(|f| f.category == c).map(|f| f.weight).sum::<f64>();
    rules
        .factors
        .iter()
        .map(|f| {
            let cw = rules.categories[f.category].weight;
            let within = in_category(f.category);
            let share = if total > 0.0 && within > 0.0 { cw / total * f.weight / within } else { 0.0 };
            FactorWeight {
                id: f.id.clone(),
                label: f.label.clone(),
                category: rules.categories[f.category].name.clone(),
                weight: f.weight,
                share,
                description: f.description.clone(),
                missing: missing_text(f.missing),
            }
        })
        .collect()
}

/// A missing-data policy in words.
fn missing_text(m: Missing) -> String {
    match m {
        Missing::Fail => "the run fails (E401): a value is required".into(),
        Missing::Skip => "left out; its weight goes to the factors with data, and coverage falls".into(),
        Missing::Assume(x) => format!("scored as if the value were {}", crate::fmt::number(x)),
        Missing::Points(p) => format!("given {} points", crate::fmt::number(p)),
    }
}
