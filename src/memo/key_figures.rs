//! Key figures for the memo's front page (memo stage): the values of the attributes the
//! dataset declares with a `key_figure:` label (valuation, growth, scale), each with its date
//! and the numbers of its sources. A figure the data lacks is left out, never shown as zero.

use serde::Serialize;

use super::model::Fact;
use super::phrase::with_unit;
use crate::model::KindSchema;

/// One figure as the front page lists it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct KeyFigure {
    /// The declaration's `key_figure:` label.
    pub label: String,
    /// The value with its unit.
    pub value: String,
    /// `restated D; previously V` when the value replaced an earlier figure of its period.
    pub restated: Option<String>,
    /// The period or event date the value describes.
    pub as_of: Option<String>,
    /// Its sources' numbers in the memo's source list.
    pub refs: Vec<usize>,
    /// `sourced`, `judgment` or `unsourced`, as the evidence says.
    pub basis: &'static str,
}

/// The key figures among the memo's facts (scored evidence and context), in the order the
/// dataset declares the attributes; withheld and missing values are not figures.
pub(super) fn key_figures(evidence: &[Fact], profile: &[Fact], schema: &KindSchema) -> Vec<KeyFigure> {
    schema
        .attrs
        .iter()
        .filter_map(|decl| {
            let label = decl.key_figure.as_ref()?;
            let fact = evidence.iter().chain(profile).find(|f| f.attribute == decl.name && !f.withheld)?;
            let value = fact.value.as_deref()?;
            Some(KeyFigure {
                label: label.clone(),
                value: with_unit(value, fact.unit.as_deref()),
                restated: fact.restated.clone(),
                as_of: fact.as_of.clone(),
                refs: fact.refs.clone(),
                basis: fact.basis,
            })
        })
        .collect()
}
