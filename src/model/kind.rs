//! The three kinds of entity the engine scores.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A kind of entity. Segments and regions are scored before the companies exposed to them.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs, reason = "docs on the variants would make schemars describe map keys by kind differently")]
pub enum Kind {
    Company,
    Segment,
    Region,
}

impl Kind {
    /// The three kinds, in scoring order's reverse (the order of per-kind arrays).
    pub const ALL: [Kind; 3] = [Kind::Company, Kind::Segment, Kind::Region];

    /// The name as written in files: `company`, `segment`, `region`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Company => "company",
            Kind::Segment => "segment",
            Kind::Region => "region",
        }
    }

    /// The plural for prose: `companies`, `segments`, `regions`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Company => "companies",
            Kind::Segment => "segments",
            Kind::Region => "regions",
        }
    }

    /// Position in per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The kind named `s`, as written in files.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
