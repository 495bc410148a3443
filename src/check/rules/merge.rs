//! Rule-check phase 2: the drafts of an `extends:` chain merged, base first.

use super::{Draft, FactorDraft};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::load::rules::RuleFile;
use crate::load::yaml::YamlDoc;
use crate::ypath;

/// Merges the drafts of a chain, base first: later files override by id.
pub(super) fn merge_chain(
    chain: &[usize],
    own: &[Draft],
    files: &[(&YamlDoc, RuleFile)],
    diags: &mut Vec<Diagnostic>,
) -> Draft {
    let mut merged = Draft::default();
    for (pos_in_chain, &i) in chain.iter().enumerate() {
        let d = &own[i];
        let (doc, file) = &files[i];
        for (pos, id) in file.remove.iter().enumerate() {
            let before = merged.factors.len() + merged.gates.len() + merged.adjustments.len();
            merged.factors.retain(|f| &f.id != id);
            merged.gates.retain(|(g, _)| &g.id != id);
            merged.adjustments.retain(|a| &a.id != id);
            if before == merged.factors.len() + merged.gates.len() + merged.adjustments.len() {
                let ids = merged.factors.iter().map(|f| f.id.as_str());
                let d = Diagnostic::error(
                    Code::UnknownFactor,
                    format!("`{id}` is not a factor, gate or adjustment of the base rule set"),
                )
                .at_opt(doc.span(&ypath!["remove", pos]));
                diags.push(match did_you_mean(id, ids) {
                    Some(s) => d.hint(format!("did you mean `{s}`?")),
                    None => d.hint("`remove:` lists ids defined by the rule set this one extends"),
                });
            }
        }
        if pos_in_chain > 0 {
            let base = &files[chain[pos_in_chain - 1]].1.rule_set;
            let d = without_mistyped_overrides(&merged, d, base, diags);
            merge_one(&mut merged, &d);
        } else {
            merge_one(&mut merged, d);
        }
    }
    merged
}

/// Not a base factor, and written as an override: no `input:`, and either close to a base
/// factor's id or giving none of the keys only a new factor has (category, description).
fn is_mistyped_override(f: &FactorDraft, merged: &Draft) -> bool {
    let new_keys = f.category.is_some() || f.description.is_some();
    let near = did_you_mean(&f.id, merged.factors.iter().map(|m| m.id.as_str())).is_some();
    f.input.is_none() && !merged.factors.iter().any(|m| m.id == f.id) && (near || !new_keys)
}

/// A profile's factor that is not in its base and has no `input:` is an override whose id is
/// misspelt, not a new factor: one E216 that names the base's nearest factor, instead of an
/// E214 for each key a new factor would need. An override of a base factor that failed to
/// load is left out quietly (the base's error says why).
fn without_mistyped_overrides(merged: &Draft, d: &Draft, base: &str, diags: &mut Vec<Diagnostic>) -> Draft {
    let mut kept = d.clone();
    let (overrides, rest): (Vec<FactorDraft>, Vec<FactorDraft>) =
        std::mem::take(&mut kept.factors).into_iter().partition(|f| is_mistyped_override(f, merged));
    kept.factors = rest;
    for f in overrides {
        if !merged.failed.contains(&f.id) {
            let d = Diagnostic::error(Code::UnknownFactor, format!("no factor `{}` in {base} to override", f.id))
                .at_opt(f.id_at.or(f.at));
            diags.push(match did_you_mean(&f.id, merged.factors.iter().map(|m| m.id.as_str())) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint("a new factor needs `input:`, `category:`, `weight:` and `description:`"),
            });
        }
        kept.failed.insert(f.id);
    }
    kept
}

fn merge_one(merged: &mut Draft, d: &Draft) {
    if d.kind.is_some() && merged.kind.is_none() {
        merged.kind = d.kind.clone();
    }
    if d.missing.is_some() {
        merged.missing = d.missing.clone();
    }
    for (name, c) in &d.categories {
        merged.categories.insert(name.clone(), c.clone());
    }
    for f in &d.factors {
        match merged.factors.iter_mut().find(|m| m.id == f.id) {
            Some(m) => override_factor(m, f),
            None => merged.factors.push(f.clone()),
        }
    }
    for g in &d.gates {
        match merged.gates.iter_mut().find(|(m, _)| m.id == g.0.id) {
            Some(m) => *m = g.clone(),
            None => merged.gates.push(g.clone()),
        }
    }
    for a in &d.adjustments {
        match merged.adjustments.iter_mut().find(|m| m.id == a.id) {
            Some(m) => *m = a.clone(),
            None => merged.adjustments.push(a.clone()),
        }
    }
    if d.ratings.is_some() {
        merged.ratings = d.ratings.clone();
    }
    if d.reason_codes.is_some() {
        merged.reason_codes = d.reason_codes;
    }
    merged.failed.extend(d.failed.iter().cloned());
    if d.aggregation.is_some() {
        merged.aggregation = d.aggregation;
    }
    if d.coverage_min.is_some() {
        merged.coverage_min = d.coverage_min.clone();
    }
    for (name, v) in &d.coverage_categories {
        merged.coverage_categories.insert(name.clone(), v.clone());
    }
}

fn override_factor(m: &mut FactorDraft, f: &FactorDraft) {
    m.at = f.at.or(m.at);
    if f.category.is_some() {
        m.category = f.category.clone();
    }
    if f.weight.is_some() {
        m.weight = f.weight.clone();
    }
    if f.description.is_some() {
        m.description = f.description.clone();
    }
    if f.label.is_some() {
        m.label = f.label.clone();
    }
    if f.input.is_some() {
        m.input = f.input.clone();
    }
    if f.scale.is_some() {
        m.scale = f.scale.clone();
    }
    if f.missing.is_some() {
        m.missing = f.missing.clone();
    }
}
