//! Scale kinds: how a raw value becomes points in [0, 100], one file per kind (shared by the
//! check, evaluate, lint and rule-test stages).
//!
//! Each kind is a struct implementing [`ScaleKind`]: what it expects of its input, whether it
//! depends on the universe being scored, the points it can give, how a ledger describes it,
//! its resolution into a [`Scorer`] against the observed values, the parts a rule test can
//! cover, and the raw value that gives a number of points ([`ScaleKind::invert`]). The rule-file
//! spelling is `load::rules::ScaleSpec` (closed, for serde and the schema), checked into a
//! [`Scale`] by `check::rules::scale`.
//!
//! A kind with rules of its own (linear's `lo < hi`, touching bands) checks them in its file,
//! as a `check` that returns the kind or its [`Issue`]s; the check stage only places them.
//!
//! Adding a kind: one file here implementing [`ScaleKind`] (and its `check`, if it has
//! rules), its line in `kinds!` below, its `ScaleSpec` variant and the one-line arm in
//! `check::rules::scale` that calls its `check`; the compiler lists the last two.

mod bands;
mod boolean;
mod direction;
mod linear;
mod map;
mod minmax;
mod percentile;
mod scorer;
mod zscore;

use crate::diag::{Code, Problem};
use crate::fmt::number;

pub(crate) use bands::{Band, BandInput, Bands, band_index, coverage_problems};
pub(crate) use boolean::Bool;
pub(crate) use direction::Direction;
pub(crate) use linear::{Linear, linear_points};
pub(crate) use map::Map;
pub(crate) use minmax::Minmax;
pub(crate) use percentile::Percentile;
pub(crate) use scorer::{DEGENERATE_POINTS, Scorer, UniverseStats};
pub(crate) use zscore::Zscore;

/// One step below a scale's `scale:` key, toward where a problem lies.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step {
    /// A key of a mapping (`linear`, `hi`, a map's value).
    Key(String),
    /// An item of a list (a band).
    Index(usize),
}

/// A problem a kind finds in its spec, and where below the `scale:` key it lies (no steps:
/// the scale itself). The check stage turns the steps into a place in the file; a step the
/// file does not spell (an open band's `min`) falls back to the step above it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Issue {
    /// What is wrong and how to fix it.
    pub(crate) problem: Problem,
    /// Where, below the `scale:` key.
    pub(crate) at: Vec<Step>,
}

impl Issue {
    /// A problem at the keys `at` below the `scale:` key.
    pub(crate) fn at(problem: Problem, at: &[&str]) -> Issue {
        Issue { problem, at: at.iter().map(|k| Step::Key(k.to_string())).collect() }
    }
}

/// Whether a number of points lies in 0..100.
pub(crate) fn points_ok(p: f64) -> bool {
    (0.0..=100.0).contains(&p)
}

/// Points outside 0..100 (a band's, a map value's, a rating's).
pub(crate) fn bad_points(p: f64) -> Problem {
    Problem::new(Code::BadScale, format!("{} points is outside 0..100", number(p)))
        .hint("points run from 0 (least attractive) to 100 (most attractive)")
}

/// What a factor's input must give for its scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A number (every numeric kind).
    Number,
    /// true or false (`bool`).
    Bool,
    /// Text (`map`).
    Text,
}

/// A raw value of a factor, as [`ScaleKind::invert`] gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    /// A number.
    Number(f64),
    /// true or false.
    Bool(bool),
    /// A text value.
    Text(String),
}

/// A part of a scale that a rule test can exercise: a band or a listed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// `band` or `value`.
    pub what: &'static str,
    /// `< 0`, `0..20`, `≥ 50`, `any value`, or the listed text.
    pub label: String,
}

/// One kind of scale (see the module doc).
pub trait ScaleKind {
    /// The word in rule files and messages.
    fn name(&self) -> &'static str;
    /// What the factor's input must give.
    fn expects(&self) -> Expect;
    /// Whether points depend on the other entities being scored (rank reversal possible).
    fn is_relative(&self) -> bool;
    /// The lowest and highest points the scale gives.
    fn bounds(&self) -> (f64, f64);
    /// As a ledger shows it: `linear 0..100, lower is better`.
    fn describe(&self) -> String;
    /// The scale resolved against the observed numbers (NaN = missing), with the universe
    /// statistics relative kinds report.
    fn resolve(&self, values: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>);
    /// The parts a rule test can cover (none for most kinds).
    fn parts(&self) -> Vec<Part> {
        Vec::new()
    }
    /// The part an observed raw value falls in.
    fn part_of(&self, _raw: &serde_json::Value) -> Option<Part> {
        None
    }
    /// A raw value that scores `points`, if one does; `None` for the universe-relative kinds,
    /// whose points depend on the other entities.
    fn invert(&self, points: f64) -> Option<RawValue>;
    /// The only points the scale gives, ascending, when it gives a few (bands, map, bool);
    /// `None` for the continuous kinds.
    fn levels(&self) -> Option<Vec<f64>> {
        None
    }
}

/// Sorted, deduplicated points.
fn ascending(points: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = points.collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Declares [`Scale`], one variant per kind, and its dispatch to [`ScaleKind`].
macro_rules! kinds {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        /// A checked scale: one of the kinds.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Scale {
            $(
                #[doc = concat!("A `", stringify!($variant), "` scale.")]
                $variant($ty)
            ),*
        }

        impl Scale {
            /// The kind's behaviour.
            pub fn kind(&self) -> &dyn ScaleKind {
                match self {
                    $(Scale::$variant(k) => k),*
                }
            }
        }
    };
}

kinds! {
    Linear(Linear),
    Bands(Bands),
    Map(Map),
    Bool(Bool),
    Minmax(Minmax),
    Percentile(Percentile),
    Zscore(Zscore),
}

impl Scale {
    /// The scale of a factor that names none: `linear 0..100`.
    pub fn default_linear() -> Scale {
        Scale::Linear(Linear { lo: 0.0, hi: 100.0, direction: Direction::Higher })
    }

    /// The kind's word: `linear`, `bands`, ...
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Whether points depend on the other entities being scored.
    pub fn is_relative(&self) -> bool {
        self.kind().is_relative()
    }
}

/// `, lower is better` for lower-is-better scales, as ledgers describe them.
fn direction_suffix(d: Direction) -> &'static str {
    if d == Direction::Lower { ", lower is better" } else { "" }
}

/// Sorted observed values (NaN = missing): summation in ascending order, so universe
/// statistics do not depend on entity order.
fn sorted_observed(values: &mut dyn Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    v
}
