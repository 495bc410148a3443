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
    for &i in chain {
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
        merge_one(&mut merged, d);
    }
    merged
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
    if d.aggregation.is_some() {
        merged.aggregation = d.aggregation;
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
