//! Which way a scale runs: whether a higher raw value is better or worse for an investor.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether a higher raw value is better (the default) or worse for an investor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Higher,
    Lower,
}
