//! W401 and W402: gates that never or always fire on the data. Each rule set is run over the
//! datasets; a gate never fires when its condition is false for every scored entity of its kind
//! (none undetermined: an entity lacking the data might still trip it), and always fires when it
//! fires for every one of at least two.

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::evaluate::Status;

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for rules in &cx.book.sets {
        let Some(ks) = cx.scores_of(rules) else { continue };
        let scored: Vec<_> =
            (0..ks.results.len()).filter(|&r| ks.results[r].status != Status::NoData).map(|r| ks.masks(r)).collect();
        let n = scored.len();
        let kind = if n == 1 { rules.kind.as_str() } else { rules.kind.plural() };
        for (i, g) in rules.gates.iter().enumerate() {
            let fired = scored.iter().filter(|r| r.gates_fired & (1 << i) != 0).count();
            let unknown = scored.iter().filter(|r| r.gates_unknown & (1 << i) != 0).count();
            let d = if n >= 1 && fired == 0 && unknown == 0 {
                Diagnostic::warning(
                    Code::GateNeverFires,
                    format!("gate `{}` never fires: its condition is false for all {n} {kind} of the data", g.id),
                )
                .hint("check the condition; a gate kept for entities the data does not have yet is fine to --allow")
            } else if n >= 2 && fired == n {
                Diagnostic::warning(
                    Code::GateAlwaysFires,
                    format!("gate `{}` fires for all {n} {kind} of the data", g.id),
                )
                .hint("check the condition (inverted?); a gate that always fires treats every entity alike")
            } else {
                continue;
            };
            out.push(d.at_opt(g.span));
        }
    }
}
