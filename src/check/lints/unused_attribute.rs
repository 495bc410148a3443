//! W101: an attribute declared for a kind that no rule set of that kind reads — not as an
//! `attribute:` input, and not by name in any expression, condition or script file its factors
//! call. Kinds that no rule set scores, and attributes declared `descriptive: true` or labelled
//! `key_figure:` (both are for readers), are left alone.

use std::collections::HashSet;

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::model::{Input, Kind, RuleSet};

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for kind in Kind::ALL {
        let sets: Vec<&RuleSet> = cx.book.of_kind(kind).map(|r| &**r).collect();
        if sets.is_empty() {
            continue;
        }
        let mut words = HashSet::new();
        for rules in &sets {
            referenced_words(cx, rules, &mut words);
        }
        for decl in &cx.dataset.schema(kind).attrs {
            if decl.descriptive || decl.key_figure.is_some() || words.contains(decl.name.as_str()) {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    Code::UnusedAttribute,
                    format!("attribute `{}` of {kind} is read by no rule", decl.name),
                )
                .at_opt(decl.span)
                .hint("score it with a factor, gate or adjustment; declare it `descriptive: true` if it is context for readers; or remove it"),
            );
        }
    }
}

/// Every name a rule set may read an attribute by: `attribute:` inputs, and the identifiers and
/// string literals of its Rhai code (an over-approximation, so a reported attribute is unread).
fn referenced_words(cx: &Cx<'_>, rules: &RuleSet, words: &mut HashSet<String>) {
    for f in &rules.factors {
        match &f.input {
            Input::Attribute { name, .. } => {
                words.insert(name.clone());
            }
            Input::Expr(c) => rhai_words(&c.source, words),
            Input::Script { path, .. } => {
                let text = cx.ws.sources.find(path).and_then(|id| cx.ws.sources.get(id).text.clone());
                rhai_words(text.as_deref().unwrap_or_default(), words);
            }
            Input::Rollup { .. } => {}
        }
    }
    for c in rules.gates.iter().map(|g| &g.when).chain(rules.adjustments.iter().map(|a| &a.when)) {
        rhai_words(&c.source, words);
    }
}

/// Identifiers and the contents of string literals in Rhai source.
pub(super) fn rhai_words(src: &str, words: &mut HashSet<String>) {
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for c in src.chars() {
        let in_word = match quote {
            Some(q) if c == q => {
                quote = None;
                false
            }
            Some(_) => true,
            None if c == '"' || c == '`' => {
                quote = Some(c);
                false
            }
            None => c.is_ascii_alphanumeric() || c == '_',
        };
        if in_word {
            word.push(c);
        } else if !word.is_empty() {
            words.insert(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.insert(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_from_identifiers_and_strings() {
        let mut w = HashSet::new();
        rhai_words(r#"e.has("listing") && e["x_y"] > 2 || e.get(`tick`, 0)"#, &mut w);
        for expected in ["e", "has", "listing", "x_y", "get", "tick"] {
            assert!(w.contains(expected), "{expected} in {w:?}");
        }
    }
}
