//! Finding where a merged rule set's parts were written: the file of its `extends` chain that
//! last gave a factor key or the ratings, and the path inside it (for lint locations).

use serde_yaml::Value;

use crate::load::Workspace;
use crate::load::yaml::{YamlDoc, YamlPath, lookup};
use crate::model::RuleSet;
use crate::source::{FileId, Span};
use crate::ypath;

pub(super) fn doc(ws: &Workspace, file: FileId) -> Option<&YamlDoc> {
    ws.rule_files.iter().find(|d| d.file == file)
}

/// The chain's documents, the rule set's own file first.
fn chain<'a>(ws: &'a Workspace, rules: &RuleSet) -> impl Iterator<Item = &'a YamlDoc> {
    rules.files.iter().filter_map(|f| doc(ws, *f)).collect::<Vec<_>>().into_iter()
}

/// The file and path of factor `id`'s `key`, in the nearest file of the chain that gives it.
pub(super) fn factor_key<'a>(
    ws: &'a Workspace,
    rules: &RuleSet,
    id: &str,
    key: &str,
) -> Option<(&'a YamlDoc, YamlPath)> {
    chain(ws, rules).find_map(|d| {
        let items = d.value.get("factors")?.as_sequence()?;
        let i = items.iter().position(|f| f.get("id").and_then(Value::as_str) == Some(id) && f.get(key).is_some())?;
        Some((d, ypath!["factors", i, key]))
    })
}

/// Where the rating band `label` was written (the rule set's name when it uses the defaults).
pub(super) fn rating(ws: &Workspace, rules: &RuleSet, label: &str) -> Option<Span> {
    let found = chain(ws, rules).find_map(|d| {
        let items = d.value.get("ratings")?.as_sequence()?;
        let i = items.iter().position(|r| r.get("label").and_then(Value::as_str) == Some(label));
        Some(d.span(&i.map_or_else(|| ypath!["ratings"], |i| ypath!["ratings", i])))
    });
    found.flatten().or(rules.span)
}

/// The number at `path` in `doc`, if it is one.
pub(super) fn number_at(doc: &YamlDoc, path: &YamlPath) -> Option<f64> {
    lookup(&doc.value, path)?.as_f64()
}
