//! serde's deserialization messages, classified (load stage): an unknown key or value, a
//! missing or duplicate key, a wrong type, or a code a checked type smuggled through
//! ([`Problem::from_serde`]); each becomes a diagnostic with its code, a readable message, the
//! span of the key or value it is about and a hint.

use super::{Seg, YamlDoc, YamlPath};
use crate::diag::{Code, Diagnostic, Problem, did_you_mean};

fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// Maps serde's message to a code, a readable message, the right span and a hint.
pub(super) fn classify(message: &str, path: &YamlPath, doc: &YamlDoc) -> Diagnostic {
    if let Some(p) = Problem::from_serde(message) {
        return p.at(doc.span(path));
    }
    let message = message.trim();
    if let Some(rest) = find_after(message, "unknown field `") {
        let quoted = format!("`{rest}");
        let names = backticked(&quoted);
        let (field, expected) = names.split_first().map_or(("", &[][..]), |(f, e)| (*f, e));
        let mut key_path = path.clone();
        if key_path.0.last() != Some(&Seg::Key(field.to_string())) {
            key_path = key_path.at(field);
        }
        let mut d =
            Diagnostic::error(Code::UnknownKey, format!("unknown key `{field}`")).at_opt(doc.key_span(&key_path));
        d = match did_you_mean(field, expected.iter().copied()) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None if !expected.is_empty() => d.hint(format!("expected one of {}", quote_list(expected))),
            None => d.hint("this mapping takes no keys"),
        };
        return d;
    }
    if let Some(rest) = find_after(message, "unknown variant `") {
        let quoted = format!("`{rest}");
        let names = backticked(&quoted);
        let (word, expected) = names.split_first().map_or(("", &[][..]), |(f, e)| (*f, e));
        let mut d = Diagnostic::error(Code::UnknownValue, format!("unknown value `{word}`")).at_opt(doc.span(path));
        d = match did_you_mean(word, expected.iter().copied()) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!("expected one of {}", quote_list(expected))),
        };
        return d;
    }
    if let Some(rest) = find_after(message, "missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return Diagnostic::error(Code::MissingKey, format!("missing key `{field}`"))
            .at_opt(doc.span(path))
            .hint(format!("add `{field}:` here"));
    }
    if find_after(message, "duplicate field `").is_some() {
        return Diagnostic::error(Code::DuplicateKey, strip_location(message).to_string()).at_opt(doc.key_span(path));
    }
    Diagnostic::error(Code::WrongType, humanize_type_error(strip_location(message))).at_opt(doc.span(path))
}

fn find_after<'a>(message: &'a str, needle: &str) -> Option<&'a str> {
    message.find(needle).map(|i| &message[i + needle.len()..])
}

pub(super) fn strip_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

fn quote_list(items: &[&str]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// "invalid type: string \"x\", expected f64" → "expected a number, found string \"x\"".
fn humanize_type_error(message: &str) -> String {
    let msg = message.rsplit_once(": invalid").map_or(message.to_string(), |(_, m)| format!("invalid{m}"));
    let Some(rest) = msg.strip_prefix("invalid type: ").or_else(|| msg.strip_prefix("invalid value: ")) else {
        return msg;
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return msg;
    };
    format!("expected {}, found {}", readable_expectation(expected), found)
}

fn readable_expectation(expected: &str) -> String {
    match expected {
        "f64" | "f32" | "a number" => "a number".into(),
        "u64" | "u32" | "usize" | "u16" | "u8" => "a whole number".into(),
        "a boolean" | "bool" => "true or false".into(),
        "a string" | "string" => "text".into(),
        "a sequence" => "a list".into(),
        e if e.starts_with("struct ") || e.starts_with("a map") || e == "map" => "a mapping".into(),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::classify;
    use crate::diag::{Code, Diagnostic, Location};
    use crate::load::yaml::{YamlPath, parse};
    use crate::source::SourceMap;

    const TEXT: &str = "factors:\n  - id: growth\n    wieght: 2\n    scale: lineer\n";

    /// `message` classified at `path` of [`TEXT`]: the diagnostic, and the text its span covers.
    fn classified(message: &str, path: YamlPath) -> (Diagnostic, String) {
        let sources = SourceMap::new();
        let file = sources.add(Path::new("t.yaml"), Some(TEXT.into()));
        let doc = parse(file, TEXT, &mut Vec::new()).expect("valid YAML");
        let d = classify(message, &path, &doc);
        let covered = match &d.location {
            Some(Location::Span(s)) => TEXT[s.start..s.end].to_string(),
            _ => String::new(),
        };
        (d, covered)
    }

    #[test]
    fn an_unknown_field_is_e003_at_its_key_with_the_nearest_name() {
        let msg = "factors[0]: unknown field `wieght`, expected one of `id`, `weight`, `scale` at line 3 column 5";
        let (d, at) = classified(msg, crate::ypath!["factors", 0]);
        assert_eq!((d.code, d.message.as_str(), at.as_str()), (Code::UnknownKey, "unknown key `wieght`", "wieght"));
        assert_eq!(d.hints, ["did you mean `weight`?"]);
        let (d, _) = classified("unknown field `zzz`, expected `id` or `weight`", crate::ypath!["factors", 0]);
        assert_eq!(d.hints, ["expected one of `id`, `weight`"]);
        let (d, _) = classified("unknown field `wieght`, there are no fields", crate::ypath!["factors", 0]);
        assert_eq!(d.hints, ["this mapping takes no keys"]);
    }

    #[test]
    fn an_unknown_variant_is_e008_at_its_value() {
        let msg = "unknown variant `lineer`, expected one of `linear`, `bands`";
        let (d, at) = classified(msg, crate::ypath!["factors", 0, "scale"]);
        assert_eq!((d.code, d.message.as_str(), at.as_str()), (Code::UnknownValue, "unknown value `lineer`", "lineer"));
        assert_eq!(d.hints, ["did you mean `linear`?"]);
        let (d, _) =
            classified("unknown variant `zzz`, expected `linear` or `bands`", crate::ypath!["factors", 0, "scale"]);
        assert_eq!(d.hints, ["expected one of `linear`, `bands`"]);
    }

    #[test]
    fn a_missing_field_is_e004_with_the_key_to_add() {
        let (d, at) = classified("missing field `weight`", crate::ypath!["factors", 0]);
        assert_eq!((d.code, d.message.as_str()), (Code::MissingKey, "missing key `weight`"));
        assert!(at.starts_with("id: growth"), "{at}");
        assert_eq!(d.hints, ["add `weight:` here"]);
    }

    #[test]
    fn a_duplicate_field_keeps_serdes_words_without_the_location() {
        let (d, at) = classified("duplicate field `id` at line 2 column 5", crate::ypath!["factors", 0, "id"]);
        assert_eq!((d.code, d.message.as_str(), at.as_str()), (Code::DuplicateKey, "duplicate field `id`", "id"));
    }

    #[test]
    fn a_wrong_type_says_what_was_expected_in_the_files_words() {
        let cases = [
            ("factors[0].wieght: invalid type: string \"x\", expected f64", "expected a number, found string \"x\""),
            (
                "invalid type: integer `2`, expected a boolean at line 3 column 13",
                "expected true or false, found integer `2`",
            ),
            ("invalid type: map, expected a sequence", "expected a list, found map"),
            ("invalid type: sequence, expected struct FactorSpec", "expected a mapping, found sequence"),
            ("invalid value: integer `-1`, expected u32", "expected a whole number, found integer `-1`"),
            ("something else entirely", "something else entirely"),
        ];
        for (message, readable) in cases {
            let (d, at) = classified(message, crate::ypath!["factors", 0, "wieght"]);
            assert_eq!((d.code, d.message.as_str(), at.as_str()), (Code::WrongType, readable, "2"), "{message}");
        }
    }
}
