//! W403: rules that read data most entities lack. A factor with the `skip` policy that has no
//! value for more than half the entities of its kind (they are scored without it, so their
//! scores are not comparable with the others'), and a gate or adjustment with `missing: skip`
//! whose condition cannot be decided for more than half of them. A rule that states its own
//! `missing: skip` has decided, and is left alone.

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::evaluate::{Status, factor_missing_count};
use crate::model::GateMissing;
use crate::model::Missing;

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for rules in &cx.book.sets {
        let Some(ks) = cx.scores_of(rules) else { continue };
        let n = ks.results.len();
        let kinds = rules.kind.plural();
        for (i, f) in rules.factors.iter().enumerate() {
            let missing = factor_missing_count(ks, i);
            if f.missing != Missing::Skip || f.missing_explicit || 2 * missing <= n {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    Code::SparseData,
                    format!(
                        "factor `{}` has no value to score for {missing} of {n} {kinds}; they are scored without it",
                        f.id
                    ),
                )
                .at_opt(f.span)
                .hint("supply the data; say what missing means with `missing: {points: P}` or `{assume: X}`; or write `missing: skip` on the factor to keep skipping"),
            );
        }
        let scored: Vec<_> =
            (0..ks.results.len()).filter(|&r| ks.results[r].status != Status::NoData).map(|r| ks.masks(r)).collect();
        let conditions = rules.gates.iter().map(|g| (&g.id, g.missing, g.missing_explicit, g.span, "gate", true));
        let conditions = conditions.chain(
            rules.adjustments.iter().map(|a| (&a.id, a.missing, a.missing_explicit, a.span, "adjustment", false)),
        );
        for (i, (id, policy, explicit, span, what, is_gate)) in conditions.enumerate() {
            let bit = if is_gate { i } else { i - rules.gates.len() };
            let unknown = scored
                .iter()
                .filter(|r| (if is_gate { r.gates_unknown } else { r.adjustments_unknown }) & (1 << bit) != 0)
                .count();
            if policy != GateMissing::Skip || explicit || 2 * unknown <= scored.len() {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    Code::SparseData,
                    format!(
                        "{what} `{id}` cannot tell for {unknown} of {} {kinds}: its condition reads data they lack",
                        scored.len()
                    ),
                )
                .at_opt(span)
                .hint(
                    "supply the data, decide with `missing: fire`, or write `missing: skip` on it to keep not firing",
                ),
            );
        }
    }
}
