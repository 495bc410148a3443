//! The checked products of the pipeline: kinds, dates, datasets and rule sets (shared nouns).

mod dataset;
mod date;
pub mod exposure;
mod kind;
mod ruleset;
mod unloaded;

pub use dataset::{
    AttrDecl, AttrId, AttrType, Column, Dataset, EntityTable, Exposure, KindSchema, Origin, Provenance, Row, Strings,
};
pub use date::Date;
pub use kind::Kind;
pub use ruleset::{
    Adjustment, Aggregation, Band, Category, Condition, Factor, Gate, GateAction, Input, Missing, Rating, RuleBook,
    RuleSet, Scale,
};
pub use unloaded::Unloaded;
