//! Numbers that cannot go wrong silently (check stage): each number is finite on its own, but
//! sums and ranges made of them can overflow to infinity (two weights of 1.7e308; a linear
//! scale from -1e308 to 1e308), or be too small to divide by (weights of 5e-324), and then
//! score NaN or 0 without a word. Those are E006, at the numbers that overflow.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{RuleBook, RuleSet};
use crate::scale::Scale;

/// Reports every rule set whose weights or linear ranges overflow.
pub(crate) fn check_finite(book: &RuleBook, diags: &mut Diagnostics) {
    for rules in &book.sets {
        check_rule_set(rules, diags);
    }
}

fn check_rule_set(rules: &RuleSet, diags: &mut Diagnostics) {
    let total: f64 = rules.categories.iter().map(|c| c.weight).sum();
    if let Some((how, hint)) = out_of_range(total) {
        diags.push(
            overflow(format!("the category weights of rule set `{}` add up to {how}", rules.name))
                .hint(hint)
                .at_opt(rules.categories.iter().rev().find_map(|c| c.span)),
        );
    }
    for (i, cat) in rules.categories.iter().enumerate() {
        let factors = || rules.factors.iter().filter(move |f| f.category == i);
        if let Some((how, hint)) = out_of_range(factors().map(|f| f.weight).sum::<f64>()) {
            diags.push(
                overflow(format!("the factor weights of category `{}` add up to {how}", cat.name))
                    .hint(hint)
                    .at_opt(factors().next_back().and_then(|f| f.span)),
            );
        }
    }
    for f in &rules.factors {
        if let Scale::Linear(l) = &f.scale
            && !(l.hi - l.lo).is_finite()
        {
            diags.push(
                overflow(format!("the linear scale of factor `{}` spans more than a 64-bit float holds", f.id))
                    .hint(SCALE_DOWN)
                    .at_opt(f.span),
            );
        }
    }
}

/// Why a sum of weights cannot be divided by: too large to hold, or so small (5e-324) that
/// its reciprocal overflows and a factor of 0 points scores NaN.
fn out_of_range(total: f64) -> Option<(&'static str, &'static str)> {
    if !total.is_finite() {
        Some(("more than a 64-bit float holds", SCALE_DOWN))
    } else if total > 0.0 && !(1.0 / total).is_finite() {
        Some(("less than a 64-bit float can divide by", "scale the numbers up: only their ratios and order matter"))
    } else {
        None
    }
}

const SCALE_DOWN: &str = "scale the numbers down: only their ratios and order matter";

fn overflow(message: String) -> Diagnostic {
    Diagnostic::error(Code::BadNumber, message)
}
