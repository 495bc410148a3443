//! Check stage: turn loaded documents into a consistent [`Dataset`](crate::model::Dataset)
//! and [`RuleBook`](crate::model::RuleBook), reporting every problem as a located diagnostic.

pub(crate) mod attrs;
mod dataset;
mod extends;
mod finite;
mod label;
pub(crate) mod lints;
mod relations;
mod rules;
mod series;
mod sources;
mod tables;

pub(crate) use dataset::check_dataset;
pub(crate) use finite::check_finite;
pub(crate) use rules::check_rules;
