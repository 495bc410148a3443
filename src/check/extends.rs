//! Resolving `extends:` between rule files: the order to merge them in, unknown bases and cycles
//! (check stage).

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic, did_you_mean};

/// For each rule set (by index), the chain of indices from the root base down to itself, or
/// `None` when its chain is broken (unknown base or cycle; diagnosed here once).
pub(super) fn chains(
    names: &[&str],
    extends: &[Option<(&str, Option<crate::source::Span>)>],
    unloaded: &crate::model::Unloaded,
    sources: &crate::source::SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<Vec<usize>>> {
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut reported_cycle = vec![false; names.len()];
    (0..names.len())
        .map(|start| {
            let mut chain = vec![start];
            let mut at = start;
            while let Some((base, span)) = extends[at] {
                let Some(&next) = index.get(base) else {
                    if at == start && !unloaded.rule_set(base) {
                        let d = Diagnostic::error(Code::UnknownRuleSet, format!("rule set `{base}` does not exist"))
                            .at_opt(span);
                        diags.push(match did_you_mean(base, names.iter().copied()) {
                            Some(s) => d.hint(format!("did you mean `{s}`?")),
                            None => d.hint("`extends:` names another rule set by its `rule_set:` name"),
                        });
                    }
                    return None;
                };
                if chain.contains(&next) {
                    if !reported_cycle[next] {
                        let cycle: Vec<&str> = chain
                            .iter()
                            .skip_while(|&&i| i != next)
                            .map(|&i| names[i])
                            .chain(std::iter::once(names[next]))
                            .collect();
                        for &i in chain.iter().skip_while(|&&i| i != next) {
                            reported_cycle[i] = true;
                        }
                        // The other links of the cycle, each where its `extends:` is written.
                        let others = chain.iter().skip_while(|&&i| i != next).filter(|&&i| i != at);
                        let links: Vec<String> = others
                            .filter_map(|&i| {
                                let (base, span) = extends[i]?;
                                let at = crate::diag::describe_location(&crate::diag::Location::Span(span?), sources);
                                Some(format!("`{}` extends `{base}` at {at}", names[i]))
                            })
                            .collect();
                        let mut d = Diagnostic::error(
                            Code::ExtendsCycle,
                            format!("rule sets extend each other in a cycle: {}", cycle.join(" → ")),
                        )
                        .at_opt(span);
                        if !links.is_empty() {
                            d = d.hint(format!("the other links: {}", links.join("; ")));
                        }
                        diags.push(d.hint("one rule set of the cycle must stand on its own, without `extends:`"));
                    }
                    return None;
                }
                chain.push(next);
                at = next;
            }
            chain.reverse();
            Some(chain)
        })
        .collect()
}
