//! W201: a factor whose weight makes it irrelevant — its nominal share of the total (its
//! category's share times its share of the category, with every factor present) is so small
//! that it can never move a score by a whole point: below 1% for the weighted sum; for the
//! weighted product, (hi/100)^share − (lo/100)^share below 1%, since a factor at 0 points
//! zeroes the product whatever its share.

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::evaluate::{nominal_shares, nominal_swing};

/// Factors that can move a score by less than this share of 100 are irrelevant.
pub(super) const IRRELEVANT_SHARE: f64 = 0.01;

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for rules in &cx.book.sets {
        for (f, share) in rules.factors.iter().zip(nominal_shares(rules)) {
            let (lo, hi) = f.points_bounds();
            if nominal_swing(rules, share, lo, hi) >= IRRELEVANT_SHARE {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    Code::IrrelevantFactor,
                    format!(
                        "factor `{}` carries {}% of rule set `{}`: it can never move a score by a whole point",
                        f.id,
                        crate::fmt::fixed(share * 100.0, 2),
                        rules.name
                    ),
                )
                .at_opt(f.span)
                .hint("raise its weight (or its category's), or remove the factor"),
            );
        }
    }
}
