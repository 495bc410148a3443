//! Check stage: turn loaded documents into a consistent [`Dataset`](crate::model::Dataset)
//! and [`RuleBook`](crate::model::RuleBook), reporting every problem as a located diagnostic.

pub(crate) mod attrs;
mod dataset;
mod extends;
mod finite;
pub mod lints;
mod relations;
mod rules;

pub use dataset::check_dataset;
pub use finite::check_finite;
pub use rules::check_rules;
