//! The names the project's files mention, found by walking each parsed document's index of
//! keys and values (and the text of expressions and scripts): what is under the cursor, every
//! reference to it, and where it is declared all come from this one list.

use std::path::{Path, PathBuf};

use crate::load::yaml::{Seg, YamlDoc, YamlPath};
use crate::model::{Kind, RuleBook};
use crate::source::{FileId, SourceMap, Span};

/// Something a file can name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Symbol {
    /// A rule set (`rule_set:`, `extends:`, a test's `rule_set:`).
    RuleSet(String),
    /// A factor of a family of rule sets (a base and the profiles that extend it), by the
    /// family's base rule set.
    Factor { family: String, id: String },
    /// A declared attribute of a kind.
    Attribute { kind: Kind, name: String },
    /// A script file, by its path as the loader names it.
    Script(PathBuf),
    /// A function of a script file.
    Function { script: PathBuf, name: String },
    /// A rating band of a family.
    Rating { family: String, label: String },
    /// A gate of a family.
    Gate { family: String, id: String },
    /// A dataset entity, by id.
    Entity(String),
    /// A source of the registry (`cite:`), by id.
    Source(String),
}

/// One mention of a symbol: where, and whether this is where it is declared.
#[derive(Clone, Debug)]
pub(crate) struct Mention {
    pub span: Span,
    pub symbol: Symbol,
    pub declares: bool,
}

/// What a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Rules,
    Tests,
    Data,
    Sources,
}

/// The base rule set of `name`'s family: `extends:` followed to its end.
pub(crate) fn family(book: &RuleBook, name: &str) -> String {
    let mut at = name.to_string();
    for _ in 0..64 {
        match book.get(&at).and_then(|s| s.extends.clone()) {
            Some(base) => at = base,
            None => break,
        }
    }
    at
}

/// Every mention in one parsed document.
pub(crate) fn mentions(doc: &YamlDoc, role: Role, book: &RuleBook, sources: &SourceMap) -> Vec<Mention> {
    let file = sources.get(doc.file);
    let Some(text) = file.text.clone() else { return Vec::new() };
    let cx = Cx::new(doc, role, book);
    let mut out = Vec::new();
    for (path, key, value) in doc.index.entries() {
        let shape: Vec<&str> = path.0.iter().map(|s| if let Seg::Key(k) = s { k.as_str() } else { "#" }).collect();
        let scalar = |span: Span| crate::load::yaml::lookup(&doc.value, path).and_then(scalar_text).map(|_| span);
        let name_of_key = || match path.0.last() {
            Some(Seg::Key(k)) => Some(k.clone()),
            _ => None,
        };
        let found = match role {
            Role::Rules => cx.in_rules(&shape, path),
            Role::Tests => cx.in_tests(&shape, path),
            Role::Data => cx.in_data(&shape, path),
            Role::Sources => match shape.as_slice() {
                ["sources", "#", "id"] => cx.value(path, true, |v, _| Symbol::Source(v)),
                _ => None,
            },
        };
        match found {
            Some(Found::Value(symbol, declares)) => {
                if let Some(span) = scalar(value) {
                    out.push(Mention { span: unquote(&text, span), symbol, declares });
                }
            }
            Some(Found::Key(make, declares)) => {
                if let (Some(k), Some(span)) = (name_of_key(), key) {
                    out.push(Mention { span: unquote(&text, span), symbol: make(k), declares });
                }
            }
            Some(Found::Expression(kind)) => attributes_in(&text, doc.file, value.range(), kind, &mut out),
            None => {}
        }
    }
    out
}

/// Every mention in a script: the attributes it reads (`e.name`, `e.has("name")`) and the
/// functions it declares.
pub(crate) fn script_mentions(
    file: FileId,
    path: &Path,
    sources: &SourceMap,
    kind_of: &dyn Fn(&str) -> Option<Kind>,
) -> Vec<Mention> {
    let Some(text) = sources.get(file).text.clone() else { return Vec::new() };
    let mut out = Vec::new();
    let mut found = Vec::new();
    attributes_in(&text, file, 0..text.len(), Kind::Company, &mut found);
    for mut m in found {
        if let Symbol::Attribute { name, .. } = &m.symbol
            && let Some(kind) = kind_of(name)
        {
            m.symbol = Symbol::Attribute { kind, name: name.clone() };
            out.push(m);
        }
    }
    let mut at = 0;
    while let Some(i) = text[at..].find("fn ") {
        let start = at + i + 3;
        at = start;
        let before_ok = at - 3 == 0 || !text[..at - 3].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let name: String = text[start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if before_ok && !name.is_empty() && text[start + name.len()..].trim_start().starts_with('(') {
            let span = Span::new(file, start..start + name.len());
            out.push(Mention { span, symbol: Symbol::Function { script: path.to_path_buf(), name }, declares: true });
        }
    }
    out
}

/// `e.name` and `e.has("name")` in `text[range]`, as attributes of `kind`.
fn attributes_in(text: &str, file: FileId, range: std::ops::Range<usize>, kind: Kind, out: &mut Vec<Mention>) {
    let Some(part) = text.get(range.clone()) else { return };
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut at = 0;
    while let Some(i) = part[at..].find("e.") {
        let start = at + i;
        at = start + 2;
        if part[..start].ends_with(|c: char| is_name(c) || c == '.') {
            continue;
        }
        let rest = &part[at..];
        let (name_start, name) = match rest.strip_prefix("has(\"") {
            Some(quoted) => (at + 5, quoted.chars().take_while(|&c| is_name(c)).collect::<String>()),
            None => (at, rest.chars().take_while(|&c| is_name(c)).collect::<String>()),
        };
        if name.is_empty() || (name == "has" && !rest.starts_with("has(\"")) {
            continue;
        }
        let s = range.start + name_start;
        out.push(Mention {
            span: Span::new(file, s..s + name.len()),
            symbol: Symbol::Attribute { kind, name },
            declares: false,
        });
    }
}

/// A span without the quotes of a quoted scalar.
fn unquote(text: &str, span: Span) -> Span {
    let s = text.get(span.range()).unwrap_or_default();
    let quoted =
        s.len() >= 2 && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')));
    if quoted { Span::new(span.file, span.start + 1..span.end - 1) } else { span }
}

fn scalar_text(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What an index entry names: its scalar value, its key, or attributes in an expression.
enum Found {
    Value(Symbol, bool),
    Key(Box<dyn Fn(String) -> Symbol>, bool),
    Expression(Kind),
}

/// What a document's entries are read against: its rule set's family and kind, its folder.
struct Cx<'a> {
    doc: &'a YamlDoc,
    book: &'a RuleBook,
    family: String,
    kind: Kind,
    dir: PathBuf,
}

impl<'a> Cx<'a> {
    fn new(doc: &'a YamlDoc, role: Role, book: &'a RuleBook) -> Cx<'a> {
        let get = |k: &str| doc.value.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let named = match role {
            Role::Rules => get("extends").or_else(|| get("rule_set")),
            Role::Tests => get("rule_set").or_else(|| default_set(book, Kind::Company)),
            Role::Data | Role::Sources => None,
        };
        let family = named.as_deref().map(|n| family(book, n)).unwrap_or_default();
        let kind = get("kind")
            .and_then(|k| Kind::parse(&k))
            .or_else(|| book.get(&family).map(|s| s.kind))
            .unwrap_or(Kind::Company);
        let dir = doc.path.parent().map(Path::to_path_buf).unwrap_or_default();
        Cx { doc, book, family, kind, dir }
    }

    fn str_at(&self, path: &YamlPath) -> Option<String> {
        crate::load::yaml::lookup(&self.doc.value, path).and_then(scalar_text)
    }

    fn value(&self, path: &YamlPath, declares: bool, make: impl FnOnce(String, &Self) -> Symbol) -> Option<Found> {
        self.str_at(path).map(|v| Found::Value(make(v, self), declares))
    }

    fn in_rules(&self, shape: &[&str], path: &YamlPath) -> Option<Found> {
        let fam = self.family.clone();
        match shape {
            ["rule_set"] => self.value(path, true, |v, _| Symbol::RuleSet(v)),
            ["extends"] => self.value(path, false, |v, _| Symbol::RuleSet(v)),
            ["factors", "#", "id"] | ["remove", "#"] => {
                self.value(path, shape[0] == "factors", |id, _| Symbol::Factor { family: fam, id })
            }
            ["factors", "#", "input", "attribute"] => {
                self.value(path, false, |name, cx| Symbol::Attribute { kind: cx.kind, name })
            }
            ["factors", "#", "input", "script", "file"] => {
                self.value(path, false, |f, cx| Symbol::Script(crate::source::normalize_lexically(&cx.dir.join(f))))
            }
            ["factors", "#", "input", "script", "function"] => {
                let mut file = path.clone();
                file.0.pop();
                let script = self.str_at(&file.at("file"))?;
                let script = crate::source::normalize_lexically(&self.dir.join(script));
                self.value(path, false, |name, _| Symbol::Function { script, name })
            }
            ["factors", "#", "input", "expr"] | ["gates", "#", "when"] | ["adjustments", "#", "when"] => {
                Some(Found::Expression(self.kind))
            }
            ["gates", "#", "id"] => self.value(path, true, |id, _| Symbol::Gate { family: fam, id }),
            ["gates", "#", "action", "cap"] => {
                self.value(path, false, |label, _| Symbol::Rating { family: fam, label })
            }
            ["ratings", "#", "label"] => self.value(path, true, |label, _| Symbol::Rating { family: fam, label }),
            _ => None,
        }
    }

    /// The family of the rule set case `i` is scored with.
    fn case_family(&self, path: &YamlPath) -> String {
        match self.str_at(&crate::ypath!["cases", path.0.get(1).cloned().map_or(0, index), "rule_set"]) {
            Some(own) => family(self.book, &own),
            None => self.family.clone(),
        }
    }

    fn in_tests(&self, shape: &[&str], path: &YamlPath) -> Option<Found> {
        match shape {
            ["rule_set"] | ["cases", "#", "rule_set"] => self.value(path, false, |v, _| Symbol::RuleSet(v)),
            ["cases", "#", "entity"]
            | ["cases", "#", "entity", "from"]
            | ["cases", "#", "universe", "#"]
            | ["cases", "#", "expect", "rank", "above" | "below", "#"] => {
                self.value(path, false, |v, _| Symbol::Entity(v))
            }
            ["cases", "#", "expect", "points", _] => {
                let family = self.case_family(path);
                Some(Found::Key(Box::new(move |id| Symbol::Factor { family: family.clone(), id }), false))
            }
            ["cases", "#", "expect", "reasons", "#"] => {
                let family = self.case_family(path);
                self.value(path, false, |id, _| Symbol::Factor { family, id })
            }
            ["cases", "#", "expect", "rating"] => {
                let family = self.case_family(path);
                self.value(path, false, |label, _| Symbol::Rating { family, label })
            }
            ["cases", "#", "expect", "gates" | "flags", "#"] => {
                let family = self.case_family(path);
                self.value(path, false, |id, _| Symbol::Gate { family, id })
            }
            ["cases", "#", "entity", "attributes", _] => {
                let kind = self.book.get(&self.case_family(path)).map_or(self.kind, |s| s.kind);
                Some(Found::Key(Box::new(move |name| Symbol::Attribute { kind, name }), false))
            }
            _ => None,
        }
    }

    fn in_data(&self, shape: &[&str], path: &YamlPath) -> Option<Found> {
        let kind = self.kind;
        match shape {
            ["attributes", k, _] => {
                let kind = Kind::parse(k)?;
                Some(Found::Key(Box::new(move |name| Symbol::Attribute { kind, name }), true))
            }
            ["entities", "#", "id"] => self.value(path, true, |v, _| Symbol::Entity(v)),
            ["entities", "#", "attributes", _] => {
                Some(Found::Key(Box::new(move |name| Symbol::Attribute { kind, name }), false))
            }
            ["entities", "#", "exposure", _, _] => Some(Found::Key(Box::new(Symbol::Entity), false)),
            ["entities", "#", "headquarters"] => self.value(path, false, |v, _| Symbol::Entity(v)),
            ["entities", "#", "attributes", _, "cite"]
            | ["entities", "#", "attributes", _, "cite", "#"]
            | ["entities", "#", "attributes", _, "series", "#", "cite"]
            | ["entities", "#", "attributes", _, "series", "#", "cite", "#"]
            | ["tables", _, "cite"]
            | ["tables", _, "cite", "#"] => self.value(path, false, |v, _| Symbol::Source(v)),
            _ => None,
        }
    }
}

fn index(seg: Seg) -> usize {
    if let Seg::Index(i) = seg { i } else { 0 }
}

/// The rule set `rank` uses for `kind` when none is chosen: the one marked `default: true`,
/// else the only one.
pub(crate) fn default_set(book: &RuleBook, kind: Kind) -> Option<String> {
    let sets: Vec<_> = book.of_kind(kind).collect();
    sets.iter().find(|s| s.default).or(if sets.len() == 1 { sets.first() } else { None }).map(|s| s.name.clone())
}

#[cfg(test)]
mod tests {
    use super::{Role, Symbol, mentions};

    #[test]
    fn a_tables_entry_mentions_the_sources_it_cites() {
        let sources = crate::source::SourceMap::new();
        let text =
            "tables:\n  universe.csv: { cite: [vendor-a, vendor-b], grade: B }\n  more.csv: { cite: vendor-c }\n";
        let id = sources.add(std::path::Path::new("datasets/tables.yaml"), Some(text.into()));
        let doc = crate::load::yaml::parse(id, text, &mut Vec::new()).expect("YAML");
        let mut cited: Vec<String> = mentions(&doc, Role::Data, &Default::default(), &sources)
            .into_iter()
            .filter_map(|m| match m.symbol {
                Symbol::Source(id) => Some(id),
                _ => None,
            })
            .collect();
        cited.sort();
        assert_eq!(cited, ["vendor-a", "vendor-b", "vendor-c"]);
    }
}
