//! W202: a rating band that no total can reach, given the scales.
//!
//! What is proved: each factor's points lie in [lo, hi] — [0, 100] for `linear`, `bool` and the
//! universe-relative scales, the smallest and largest points of a `bands` or `map` scale, widened
//! by a `{points: P}` missing policy. When no factor can be skipped the base is the rule set's
//! aggregation of the nominal shares and points (Σ share·points, or Π points^share for the
//! weighted product), which grows with every factor's points, so it lies between the base of
//! all the lows and that of all the highs; otherwise it is a weighted mean (arithmetic or
//! geometric) of the factors present, so it lies in [min lo, max hi]. Adjustments widen that by the sum of
//! their negative and of their positive points, and the total is clamped to [0, 100]. A band
//! starting above the highest total, or ending at or below the lowest, is unreachable.

use super::{Cx, locate};
use crate::diag::{Code, Diagnostic};
use crate::evaluate::{nominal_base, nominal_shares};
use crate::fmt::number;
use crate::model::{Factor, Missing, RuleSet};
use crate::scale::Expect;

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for rules in &cx.book.sets {
        let (lo, hi) = total_bounds(rules);
        for r in &rules.ratings {
            let above = r.min > hi;
            let below = r.max <= lo && r.max < 100.0;
            if !above && !below {
                continue;
            }
            let why = if above {
                format!("starts at {}, but no total can exceed {}", number(r.min), number(round(hi)))
            } else {
                format!("ends at {}, but no total can fall below {}", number(r.max), number(round(lo)))
            };
            out.push(
                Diagnostic::warning(
                    Code::UnreachableRating,
                    format!("rating `{}` of rule set `{}` {why}", r.label, rules.name),
                )
                .at_opt(locate::rating(cx.ws, rules, &r.label))
                .hint("the best and worst points each factor's scale can give bound the total; move the band or the scales"),
            );
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn min_max(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)))
}

fn can_be_skipped(f: &Factor) -> bool {
    match f.missing {
        Missing::Skip => true,
        Missing::Assume(_) => f.scale.kind().expects() != Expect::Number,
        Missing::Fail | Missing::Points(_) => false,
    }
}

/// Bounds of any entity's total under `rules`.
pub(super) fn total_bounds(rules: &RuleSet) -> (f64, f64) {
    let bounds: Vec<(f64, f64)> = rules.factors.iter().map(Factor::points_bounds).collect();
    let (lo, hi) = if rules.factors.iter().any(can_be_skipped) {
        (min_max(bounds.iter().map(|b| b.0)).0, min_max(bounds.iter().map(|b| b.1)).1)
    } else {
        let shares = nominal_shares(rules);
        let lo = nominal_base(rules, &shares, bounds.iter().map(|b| b.0));
        let hi = nominal_base(rules, &shares, bounds.iter().map(|b| b.1));
        (lo, hi)
    };
    let down: f64 = rules.adjustments.iter().map(|a| a.points.min(0.0)).sum();
    let up: f64 = rules.adjustments.iter().map(|a| a.points.max(0.0)).sum();
    ((lo + down).clamp(0.0, 100.0), (hi + up).clamp(0.0, 100.0))
}
