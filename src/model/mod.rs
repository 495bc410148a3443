//! The checked products of the pipeline: kinds, dates, datasets and rule sets (shared nouns).

mod builder;
mod dataset;
mod date;
pub mod exposure;
mod kind;
mod names;
mod ruleset;
mod unloaded;

pub use crate::scale::{Band, Direction, Scale};
pub use builder::{RawRelation, TableBuilder};
pub use dataset::{
    AttrDecl, AttrId, AttrType, Column, Dataset, EntityTable, Exposure, KindSchema, Origin, Provenance, Row, Strings,
};
pub use date::Date;
pub use kind::Kind;
pub use names::{ID_HINT, MAX_NAME_LEN, RESERVED_ATTRIBUTES, is_identifier, is_valid_name};
pub use ruleset::{
    Adjustment, Aggregation, Category, Condition, Factor, Gate, GateAction, GateMissing, Input, Missing, Rating,
    RuleBook, RuleSet,
};
pub use unloaded::Unloaded;
