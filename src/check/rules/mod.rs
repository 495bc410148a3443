//! Checking rule files into a [`RuleBook`], in three phases: each file's own soundness
//! ([`draft`], with its scales in [`scale`]), then `extends:` merges ([`merge`]), then what
//! needs the merged whole ([`finish`]: categories, attributes, ratings).

mod draft;
mod finish;
mod merge;
mod scale;

use std::path::PathBuf;
use std::sync::Arc;

use indexmap::IndexMap;

use super::extends::chains;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::load::Workspace;
use crate::load::rules::{InputSpec, RuleFile};
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::is_valid_name;
use crate::model::{Adjustment, Aggregation, Dataset, Gate, Kind, Missing, Rating, RuleBook, Scale, Unloaded};
use crate::source::Span;
use crate::ypath;

use draft::draft_file;
use finish::finish;
use merge::merge_chain;

/// Reason codes listed per entity unless a rule set says otherwise.
pub(super) const DEFAULT_REASON_CODES: usize = 3;

/// A value with the span where it was written.
#[derive(Clone, Debug)]
struct Located<T> {
    v: T,
    at: Option<Span>,
}

fn located<T>(v: T, at: Option<Span>) -> Located<T> {
    Located { v, at }
}

/// A factor as merged along an `extends` chain, each field with where it was written.
#[derive(Clone, Debug)]
struct FactorDraft {
    id: String,
    at: Option<Span>,
    /// Where the id itself is written.
    id_at: Option<Span>,
    category: Option<Located<String>>,
    weight: Option<Located<f64>>,
    description: Option<String>,
    label: Option<String>,
    input: Option<(Located<InputSpec>, PathBuf)>,
    scale: Option<Located<Scale>>,
    missing: Option<Located<Missing>>,
}

/// A whole rule set as merged along its chain, before the final checks.
#[derive(Clone, Debug, Default)]
struct Draft {
    kind: Option<Located<Kind>>,
    missing: Option<Located<Missing>>,
    categories: IndexMap<String, Located<(f64, Option<String>)>>,
    factors: Vec<FactorDraft>,
    gates: Vec<(Gate, Option<Located<String>>)>,
    adjustments: Vec<Adjustment>,
    ratings: Option<(Vec<Rating>, Option<Span>)>,
    reason_codes: Option<usize>,
    /// Ids (and rating labels, category names) written along the chain that failed to load:
    /// their own errors are reported, so what names them is not reported again.
    failed: std::collections::BTreeSet<String>,
    aggregation: Option<Aggregation>,
    /// The overall coverage floor, and each category's, in percent, with where each is written.
    coverage_min: Option<Located<f64>>,
    coverage_categories: IndexMap<String, Located<f64>>,
}

/// Checks every rule file of the workspace against the dataset's declarations.
pub(crate) fn check_rules(ws: &Workspace, dataset: &Dataset, diags: &mut Diagnostics) -> RuleBook {
    let mut found = Vec::new();
    let mut unloaded = Unloaded {
        rule_sets: ws.unparsed.rule_sets.clone(),
        any_rule_set: ws.unparsed.any_rule_set,
        ..Unloaded::default()
    };
    let files: Vec<(&YamlDoc, RuleFile)> = ws
        .rule_files
        .iter()
        .filter_map(|doc| match doc.deserialize_at::<RuleFile>(&YamlPath::root()) {
            Ok(f) => Some((doc, f)),
            Err(d) => {
                found.push(d);
                match doc.value.get("rule_set").and_then(serde_yaml::Value::as_str) {
                    Some(name) => unloaded.rule_sets.insert(name.to_string()),
                    None => std::mem::replace(&mut unloaded.any_rule_set, true),
                };
                None
            }
        })
        .collect();
    let files = drop_duplicate_names(files, &ws.sources, &mut found);
    let names: Vec<&str> = files.iter().map(|(_, f)| f.rule_set.as_str()).collect();
    let extends: Vec<_> =
        files.iter().map(|(doc, f)| f.extends.as_deref().map(|e| (e, doc.span(&ypath!["extends"])))).collect();
    let chains = chains(&names, &extends, &unloaded, &ws.sources, &mut found);
    let own: Vec<Draft> = files.iter().map(|(doc, f)| draft_file(doc, f, &mut found)).collect();
    let mut sets = Vec::new();
    for (i, chain) in chains.iter().enumerate() {
        let (doc, file) = &files[i];
        let Some(chain) = chain else {
            unloaded.rule_sets.insert(file.rule_set.clone());
            continue;
        };
        let mut merged = merge_chain(chain, &own, &files, &mut found);
        match finish(doc, file, chain, &files, &mut merged, dataset, &mut found) {
            Some(set) => sets.push(Arc::new(set)),
            None => {
                unloaded.rule_sets.insert(file.rule_set.clone());
            }
        }
        for id in &merged.failed {
            unloaded.add_rule(&file.rule_set, id);
        }
    }
    found.retain(|d| !dataset.unloaded.explains(d.code));
    diags.extend(found);
    RuleBook::new(sets, unloaded)
}

fn drop_duplicate_names<'a>(
    files: Vec<(&'a YamlDoc, RuleFile)>,
    sources: &crate::source::SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(&'a YamlDoc, RuleFile)> {
    let mut kept: Vec<(&YamlDoc, RuleFile)> = Vec::new();
    for (doc, f) in files {
        if let Some((first, _)) = kept.iter().find(|(_, k)| k.rule_set == f.rule_set) {
            let first_name = sources.get(first.file).name.clone();
            diags.push(
                Diagnostic::error(Code::DuplicateRuleId, format!("rule set `{}` is defined twice", f.rule_set))
                    .at_opt(doc.span(&ypath!["rule_set"]))
                    .hint(format!("rule set names are unique; the other is in {first_name}")),
            );
            continue;
        }
        if !is_valid_name(&f.rule_set) {
            diags.push(
                Diagnostic::error(Code::BadName, format!("`{}` cannot name a rule set", f.rule_set))
                    .at_opt(doc.span(&ypath!["rule_set"]))
                    .hint("use letters, digits, `_`, `-` and `.`"),
            );
            continue;
        }
        kept.push((doc, f));
    }
    kept
}
