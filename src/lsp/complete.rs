//! Completion from the text as typed (the document need not parse): the keys above the cursor,
//! from the indentation of the lines before it and the braces of its own line, say what is
//! being written — an attribute in `input`, a factor id in a profile or `remove`, a rating in
//! `cap`, an entity in `exposure`, a scale kind or key — and the checked project says what fits.

use lsp_types::{CompletionItem, CompletionItemKind};
use serde_json::Value;

use crate::lsp::state::Analysis;
use crate::model::{Kind, RuleSet};

/// Where the cursor is: the keys that enclose it, outermost first, and whether a value (rather
/// than a key) is being written.
#[derive(Debug, PartialEq)]
pub(crate) struct Context {
    pub keys: Vec<String>,
    pub value: bool,
}

/// The context of byte `at` of `text`.
pub(crate) fn context(text: &str, at: usize) -> Context {
    let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..at];
    let indent = indentation(line);
    let mut keys = ancestors(&text[..line_start], indent);
    let body = line.trim_start();
    let item = body.starts_with("- ") || body == "-";
    let body = body.trim_start_matches("- ").trim_start_matches('-');
    let (line_keys, value) = flow(body);
    keys.extend(line_keys);
    Context { keys, value: value || (item && !body.contains(':')) }
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '-']).len()
}

/// The block keys of the lines above, each less indented than the one below it.
fn ancestors(before: &str, mut indent: usize) -> Vec<String> {
    let mut keys = Vec::new();
    for line in before.lines().rev() {
        let body = line.trim_start_matches([' ', '-']);
        if indent == 0 {
            break;
        }
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let here = indentation(line);
        if here < indent {
            if let Some((key, _)) = body.split_once(':') {
                keys.push(key.trim().trim_matches(['"', '\'']).to_string());
            }
            indent = here;
        }
    }
    keys.reverse();
    keys
}

/// The keys a line opens up to its end (`input: { attribute: ` → `input`, `attribute`), and
/// whether its end is a value position.
fn flow(line: &str) -> (Vec<String>, bool) {
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut last: Option<String> = None;
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for c in line.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            ':' => {
                last = Some(word.trim().to_string());
                word.clear();
            }
            '{' | '[' => {
                stack.push(last.take());
                word.clear();
            }
            '}' | ']' => {
                stack.pop();
                last = None;
                word.clear();
            }
            ',' => {
                word.clear();
                if !matches!(stack.last(), Some(Some(_))) || line.contains('{') {
                    last = None;
                }
            }
            '#' if word.is_empty() || word.ends_with(' ') => break,
            _ => word.push(c),
        }
    }
    let in_list = line.rfind('[') > line.rfind(']') && line.rfind('[') > line.rfind('{');
    let value = last.is_some() || in_list;
    let mut keys: Vec<String> = stack.into_iter().flatten().collect();
    keys.extend(last);
    (keys, value)
}

/// The completions at byte `at` of a file whose text is `text`.
pub(crate) fn complete(a: &Analysis, text: &str, at: usize) -> Vec<CompletionItem> {
    let Some(p) = &a.project else { return Vec::new() };
    let cx = context(text, at);
    let own = top_value(text, "rule_set");
    let base = top_value(text, "extends");
    let set = own.as_deref().and_then(|n| p.book.get(n)).or_else(|| base.as_deref().and_then(|n| p.book.get(n)));
    let base_set = base.as_deref().and_then(|n| p.book.get(n));
    let kind = set.map(|s| s.kind).or_else(|| top_value(text, "kind").and_then(|k| Kind::parse(&k)));
    let keys: Vec<&str> = cx.keys.iter().map(String::as_str).collect();
    let last = keys.last().copied().unwrap_or_default();
    let parent = keys.len().checked_sub(2).map(|i| keys[i]).unwrap_or_default();
    let items = |kind: CompletionItemKind, v: Vec<(String, String)>| {
        v.into_iter().map(|(label, detail)| item(label, detail, kind)).collect::<Vec<_>>()
    };
    match (last, cx.value) {
        ("attribute", true) => items(CompletionItemKind::FIELD, attributes(a, kind)),
        ("cap", true) | ("rating", true) => items(CompletionItemKind::ENUM_MEMBER, ratings(set)),
        ("id", true) if parent == "factors" => items(CompletionItemKind::VALUE, factors(base_set)),
        ("remove", true) => items(CompletionItemKind::VALUE, factors(base_set.or(set))),
        ("points", false) | ("reasons", true) => items(CompletionItemKind::VALUE, factors(set)),
        ("gates" | "flags", true) if keys.contains(&"expect") => items(CompletionItemKind::VALUE, gates(set)),
        ("segment" | "region", false) if parent == "exposure" => {
            items(CompletionItemKind::VALUE, entities(a, if last == "segment" { Kind::Segment } else { Kind::Region }))
        }
        ("headquarters", true) => items(CompletionItemKind::VALUE, entities(a, Kind::Region)),
        ("entity" | "from" | "universe", true) => {
            items(CompletionItemKind::VALUE, entities(a, kind.unwrap_or(Kind::Company)))
        }
        ("extends" | "rule_set", true) => items(
            CompletionItemKind::MODULE,
            p.book.sets.iter().map(|s| (s.name.clone(), s.description.clone())).collect(),
        ),
        ("category", true) => items(
            CompletionItemKind::ENUM_MEMBER,
            set.map(|s| {
                s.categories.iter().map(|c| (c.name.clone(), c.description.clone().unwrap_or_default())).collect()
            })
            .unwrap_or_default(),
        ),
        ("scale", _) => items(CompletionItemKind::KEYWORD, scale_kinds()),
        (k, false) if parent == "scale" || (keys.len() >= 2 && keys[keys.len() - 2] == "scale") => {
            items(CompletionItemKind::PROPERTY, scale_keys(k))
        }
        _ => Vec::new(),
    }
}

fn item(label: String, detail: String, kind: CompletionItemKind) -> CompletionItem {
    let detail = detail.lines().next().unwrap_or_default().to_string();
    CompletionItem { label, detail: (!detail.is_empty()).then_some(detail), kind: Some(kind), ..Default::default() }
}

/// A top-level `key: value` of the text, read from the text itself.
fn top_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let v = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = v.split(" #").next().unwrap_or_default().trim().trim_matches(['"', '\'']);
        (!v.is_empty()).then(|| v.to_string())
    })
}

fn attributes(a: &Analysis, kind: Option<Kind>) -> Vec<(String, String)> {
    let Some(p) = &a.project else { return Vec::new() };
    let kinds = kind.map_or(Kind::ALL.to_vec(), |k| vec![k]);
    kinds
        .into_iter()
        .flat_map(|k| {
            p.dataset.schema(k).attrs.iter().filter(|d| !d.descriptive).map(move |d| {
                let unit = d.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
                (
                    d.name.clone(),
                    format!("{} {}{unit}: {}", k.as_str(), d.ty.as_str(), d.description.clone().unwrap_or_default()),
                )
            })
        })
        .collect()
}

fn ratings(set: Option<&std::sync::Arc<RuleSet>>) -> Vec<(String, String)> {
    set.map(|s| s.ratings.iter().map(|r| (r.label.clone(), format!("{}..{}", r.min, r.max))).collect())
        .unwrap_or_default()
}

fn factors(set: Option<&std::sync::Arc<RuleSet>>) -> Vec<(String, String)> {
    set.map(|s| {
        s.factors.iter().map(|f| (f.id.clone(), format!("weight {} · {}", f.weight, f.description.trim()))).collect()
    })
    .unwrap_or_default()
}

fn gates(set: Option<&std::sync::Arc<RuleSet>>) -> Vec<(String, String)> {
    set.map(|s| s.gates.iter().map(|g| (g.id.clone(), g.when.source.clone())).collect()).unwrap_or_default()
}

fn entities(a: &Analysis, kind: Kind) -> Vec<(String, String)> {
    let Some(p) = &a.project else { return Vec::new() };
    let t = p.dataset.table(kind);
    (0..t.len()).map(|r| (t.id(r).to_string(), t.name(r).to_string())).collect()
}

/// The `ScaleSpec` alternatives of the rules schema (the loader's own type): kind → its keys.
fn scale_spec() -> Vec<(String, String, Vec<String>)> {
    let schema = crate::load::schema::schema(crate::load::schema::Format::Rules);
    let Some(Value::Array(alts)) = schema.pointer("/definitions/ScaleSpec/oneOf").cloned() else { return Vec::new() };
    let mut out = Vec::new();
    for alt in alts {
        let description = alt.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
        let Some(props) = alt.get("properties").and_then(Value::as_object) else { continue };
        for (kind, spec) in props {
            let keys = spec
                .get("properties")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            out.push((kind.clone(), description.clone(), keys));
        }
    }
    out
}

fn scale_kinds() -> Vec<(String, String)> {
    scale_spec().into_iter().map(|(k, d, _)| (k, d)).collect()
}

fn scale_keys(kind: &str) -> Vec<(String, String)> {
    scale_spec()
        .into_iter()
        .filter(|(k, _, _)| k == kind)
        .flat_map(|(_, _, keys)| keys)
        .map(|k| (k, String::new()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Context, context};

    fn at_end(text: &str) -> Context {
        context(text, text.len())
    }

    #[test]
    fn the_keys_above_the_cursor_come_from_indentation_and_braces() {
        let text = "factors:\n  - id: a\n    input: { attribute: da";
        assert_eq!(
            at_end(text),
            Context { keys: vec!["factors".into(), "input".into(), "attribute".into()], value: true }
        );
        let text = "gates:\n  - id: g\n    action: { cap: ";
        assert_eq!(at_end(text).keys, ["gates", "action", "cap"]);
        let text = "entities:\n  - id: x\n    exposure:\n      segment: { soc";
        assert_eq!(
            at_end(text),
            Context { keys: vec!["entities".into(), "exposure".into(), "segment".into()], value: false }
        );
        let text = "remove:\n  - ";
        assert_eq!(at_end(text), Context { keys: vec!["remove".into()], value: true });
        let text = "remove: [a, ";
        assert_eq!(at_end(text), Context { keys: vec!["remove".into()], value: true });
        let text = "    scale: { linear: { l";
        assert_eq!(at_end(text), Context { keys: vec!["scale".into(), "linear".into()], value: false });
    }
}
