//! Go to definition, find references and rename, over the mentions of `symbols`: a factor,
//! rating or gate is defined where its family's most basic rule set declares it (a profile's
//! override leads to the base factor), an attribute by its declaration, an entity by its
//! dataset entry, a script function by its `fn`.

use std::collections::HashMap;

use lsp_types::{Location, TextEdit, Url, WorkspaceEdit};

use crate::lsp::state::Analysis;
use crate::lsp::symbols::{Mention, Symbol};
use crate::source::Span;

/// Where `symbol` is defined.
pub(crate) fn definition(a: &Analysis, symbol: &Symbol) -> Option<Location> {
    match symbol {
        Symbol::Script(path) => {
            let uri = crate::lsp::text::uri(path)?;
            Some(Location { uri, range: lsp_types::Range::default() })
        }
        Symbol::Entity(id) => {
            let declared = a.mentions_of(symbol).into_iter().find(|m| m.declares);
            match declared {
                Some(m) => location(a, m.span),
                None => entity_origin(a, id),
            }
        }
        Symbol::Factor { .. } | Symbol::Rating { .. } | Symbol::Gate { .. } => {
            let declared = a.mentions_of(symbol).into_iter().filter(|m| m.declares);
            let most_basic = declared.min_by_key(|m| (depth(a, m), m.span))?;
            location(a, most_basic.span)
        }
        _ => a.mentions_of(symbol).into_iter().find(|m| m.declares).and_then(|m| location(a, m.span)),
    }
}

/// How many `extends:` steps the rule set of a mention's file is from its family's base.
fn depth(a: &Analysis, m: &Mention) -> usize {
    let Some(p) = &a.project else { return 0 };
    let Some(doc) = p.ws.rule_files.iter().find(|d| d.file == m.span.file) else { return usize::MAX };
    let mut at = doc.value.get("rule_set").and_then(|v| v.as_str()).map(str::to_string);
    let mut steps = 0;
    while let Some(name) = at {
        at = p.book.get(&name).and_then(|s| s.extends.clone());
        if at.is_none() || steps > 64 {
            break;
        }
        steps += 1;
    }
    steps
}

/// A dataset entity read from CSV has no YAML mention: its row's line.
fn entity_origin(a: &Analysis, id: &str) -> Option<Location> {
    let p = a.project.as_ref()?;
    let (kind, row) = p.dataset.find(id)?;
    match p.dataset.table(kind).origin(row as usize)? {
        crate::diag::Location::Span(s) => location(a, s),
        crate::diag::Location::LineCol { file, line, .. } => {
            let uri = crate::lsp::text::uri(&a.sources.get(file).path)?;
            let pos = lsp_types::Position { line: line.saturating_sub(1) as u32, character: 0 };
            Some(Location { uri, range: lsp_types::Range { start: pos, end: pos } })
        }
    }
}

/// Every mention of `symbol`, with or without its declarations.
pub(crate) fn references(a: &Analysis, symbol: &Symbol, declarations: bool) -> Vec<Location> {
    a.mentions_of(symbol)
        .into_iter()
        .filter(|m| declarations || !m.declares)
        .filter_map(|m| location(a, m.span))
        .collect()
}

/// The edits that rename a factor everywhere its family mentions it: the base and its
/// profiles (ids, `remove:`), and the rule tests (`points:`, `reasons:`).
pub(crate) fn rename(a: &Analysis, symbol: &Symbol, new: &str) -> Result<WorkspaceEdit, String> {
    let Symbol::Factor { family, id } = symbol else {
        return Err("only factor ids can be renamed".into());
    };
    if !crate::model::is_valid_name(new) {
        return Err(format!(
            "`{new}` is not a valid id: letters, digits, `_`, `-` and `.`, starting with a letter or digit"
        ));
    }
    let taken = Symbol::Factor { family: family.clone(), id: new.to_string() };
    if new != id && !a.mentions_of(&taken).is_empty() {
        return Err(format!("the rule sets of `{family}` already have a factor `{new}`"));
    }
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for m in a.mentions_of(symbol) {
        if let Some(loc) = location(a, m.span) {
            changes.entry(loc.uri).or_default().push(TextEdit { range: loc.range, new_text: new.to_string() });
        }
    }
    Ok(WorkspaceEdit { changes: Some(changes), ..Default::default() })
}

/// The LSP location of a span.
pub(crate) fn location(a: &Analysis, span: Span) -> Option<Location> {
    let file = a.sources.get(span.file);
    let text = file.text.as_deref()?;
    let uri = crate::lsp::text::uri(&file.path)?;
    Some(Location { uri, range: crate::lsp::text::range(text, span.start, span.end) })
}
