//! Choosing one rule set per kind: `--rule-set`, else the one marked `default: true`, else the
//! only one of its kind (compile stage).

use std::sync::Arc;

use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::model::{Dataset, Input, Kind, RuleBook, RuleSet};

/// The rule set that scores each kind (by kind index), or `None` where no kind needs one.
pub(crate) fn select_rule_sets(
    book: &RuleBook,
    dataset: &Dataset,
    requested: &[String],
    diags: &mut Diagnostics,
) -> [Option<Arc<RuleSet>>; 3] {
    let mut chosen: [Option<Arc<RuleSet>>; 3] = Default::default();
    for name in requested {
        let Some(rs) = book.get(name) else {
            let d = Diagnostic::error(Code::UnknownRuleSet, format!("--rule-set `{name}`: no such rule set"));
            diags.push(match did_you_mean(name, book.sets.iter().map(|s| s.name.as_str())) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint(format!(
                    "rule sets: {}",
                    book.sets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
                )),
            });
            continue;
        };
        if let Some(prev) = &chosen[rs.kind.index()] {
            diags.push(Diagnostic::error(
                Code::RuleSetSelection,
                format!("--rule-set names two rule sets for {}: `{}` and `{}`", rs.kind, prev.name, rs.name),
            ));
            continue;
        }
        chosen[rs.kind.index()] = Some(Arc::clone(rs));
    }
    for kind in Kind::ALL {
        if chosen[kind.index()].is_none() {
            chosen[kind.index()] = default_for(book, kind, dataset, diags);
        }
    }
    check_rollup_targets(&chosen, diags);
    chosen
}

fn default_for(book: &RuleBook, kind: Kind, dataset: &Dataset, diags: &mut Diagnostics) -> Option<Arc<RuleSet>> {
    let all: Vec<&Arc<RuleSet>> = book.of_kind(kind).collect();
    let defaults: Vec<&&Arc<RuleSet>> = all.iter().filter(|s| s.default).collect();
    match (defaults.as_slice(), all.as_slice()) {
        ([one], _) => Some(Arc::clone(one)),
        ([], [one]) => Some(Arc::clone(one)),
        ([], []) => None,
        (many, _) if many.len() > 1 => {
            let names: Vec<&str> = many.iter().map(|s| s.name.as_str()).collect();
            diags.push(
                Diagnostic::error(
                    Code::RuleSetSelection,
                    format!("{} rule sets for {kind} are marked `default: true`: {}", names.len(), names.join(", ")),
                )
                .at_opt(many[1].span)
                .hint("keep `default: true` on one of them"),
            );
            None
        }
        _ => {
            if !dataset.table(kind).is_empty() {
                let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
                diags.push(
                    Diagnostic::error(
                        Code::RuleSetSelection,
                        format!("{} rule sets score {kind} and none is the default: {}", names.len(), names.join(", ")),
                    )
                    .at_opt(all[0].span)
                    .hint("mark one `default: true`, or choose with --rule-set NAME"),
                );
            }
            None
        }
    }
}

fn check_rollup_targets(chosen: &[Option<Arc<RuleSet>>; 3], diags: &mut Diagnostics) {
    for rs in chosen.iter().flatten() {
        for f in &rs.factors {
            if let Input::Rollup { kind, .. } = &f.input
                && chosen[kind.index()].is_none()
            {
                diags.push(
                    Diagnostic::error(
                        Code::RuleSetSelection,
                        format!("factor `{}` rolls up {kind} scores, but no rule set scores {kind}", f.id),
                    )
                    .at_opt(f.span)
                    .hint(format!("add a rule set with `kind: {kind}`")),
                );
            }
        }
    }
}
