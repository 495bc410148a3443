//! Numbers that cannot go wrong silently (check stage): each number is finite on its own, but
//! sums and ranges made of them can overflow to infinity (two weights of 1.7e308; a linear
//! scale from -1e308 to 1e308) and then score NaN or 0 without a word. Those are E006, at the
//! numbers that overflow.

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
    if !total.is_finite() {
        diags.push(
            overflow(format!(
                "the category weights of rule set `{}` add up to more than a 64-bit float holds",
                rules.name
            ))
            .at_opt(rules.categories.iter().rev().find_map(|c| c.span)),
        );
    }
    for (i, cat) in rules.categories.iter().enumerate() {
        let factors = || rules.factors.iter().filter(move |f| f.category == i);
        if !factors().map(|f| f.weight).sum::<f64>().is_finite() {
            diags.push(
                overflow(format!(
                    "the factor weights of category `{}` add up to more than a 64-bit float holds",
                    cat.name
                ))
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
                    .at_opt(f.span),
            );
        }
    }
}

fn overflow(message: String) -> Diagnostic {
    Diagnostic::error(Code::BadNumber, message).hint("scale the numbers down: only their ratios and order matter")
}
