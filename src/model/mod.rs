//! The checked products of the pipeline: kinds, dates, datasets and rule sets (shared nouns).

mod builder;
mod dataset;
mod date;
pub(crate) mod exposure;
mod kind;
mod names;
mod ruleset;
pub(crate) mod series;
mod sources;
mod strings;
mod unloaded;
mod view;
pub(crate) mod wide;

pub(crate) use crate::scale::{Direction, Scale};
pub(crate) use builder::{RawRelation, TableBuilder};
pub(crate) use dataset::{AttrDecl, AttrId, AttrType, EntityTable, Exposure, KindSchema, Origin, Row};
pub use dataset::{Column, Dataset};
pub use date::Date;
pub use kind::Kind;
pub(crate) use names::{GRADE_HINT, ID_HINT, RESERVED_ATTRIBUTES, is_grade, is_identifier, is_valid_name};
pub(crate) use ruleset::{
    Adjustment, Aggregation, Category, Condition, CoverageFloors, Factor, Gate, GateAction, GateMissing, Input,
    Missing, Rating,
};
pub use ruleset::{RuleBook, RuleSet};
pub(crate) use series::Provenance;
pub(crate) use sources::{SourceEntry, Sources};
pub(crate) use strings::Strings;
pub(crate) use unloaded::Unloaded;
pub(crate) use view::derived_view;
pub(crate) use wide::WideProvenance;
