//! Number formatting for every stage that prints: shortest round-trip text, fixed decimals,
//! percentages and JSON numbers, all with `-0` printed as `0`. A leaf: it imports nothing
//! from the crate.

use serde_json::Value as Json;

/// `1 error`, `2 errors`: a count and its noun, plural unless the count is one.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Shortest text that reads back as the same number; `-0` prints as `0`, whole numbers
/// without a decimal point.
pub(crate) fn number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return x.to_string();
    }
    let mut buf = ryu::Buffer::new();
    let s = buf.format_finite(x);
    s.strip_suffix(".0").unwrap_or(s).to_string()
}

/// A number for people: as written when short, else rounded to 4 decimals (`56.6667`).
pub(crate) fn short(x: f64) -> String {
    let full = number(x);
    match full.split_once('.') {
        Some((_, decimals)) if decimals.len() > 4 && !full.contains('e') => {
            let rounded = fixed(x, 4);
            rounded.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        _ => full,
    }
}

/// Fixed decimals, with `-0.00` printed as `0.00`.
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') { s[1..].to_string() } else { s }
}

/// A finite number as JSON (with -0 normalised); non-finite values become null.
pub(crate) fn json_number(x: f64) -> Json {
    let x = if x == 0.0 { 0.0 } else { x };
    serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
}

/// `0.923` → `92.3%`.
pub(crate) fn percent(share: f64) -> String {
    format!("{}%", fixed(share * 100.0, 1))
}

/// How a factor's raw value is written: the one difference between tables and prose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawStyle {
    /// Ledger tables (`thesis explain`): numbers to at most 4 decimals ([`short`]), booleans
    /// as `true`/`false`.
    Table,
    /// Memo tables (the `raw` template filter), as the published memos carry them: numbers
    /// rounded half away from zero to 4 decimals (so `55.33125` is `55.3313` here and
    /// `55.3312` in [`RawStyle::Table`]), booleans as `True`/`False` (the template engine's).
    MemoTable,
    /// Memo sentences: numbers in full ([`number`]), booleans as `yes`/`no`.
    Prose,
}

/// A factor's raw value (number, text, boolean or missing) as text; missing is `—`.
pub(crate) fn raw(v: &Json, style: RawStyle) -> String {
    match (v, style) {
        (Json::Null, _) => "—".into(),
        (Json::Number(n), RawStyle::Table) => n.as_f64().map_or_else(|| n.to_string(), short),
        (Json::Number(n), RawStyle::MemoTable) => {
            n.as_f64().map_or_else(|| n.to_string(), |x| number((x * 1e4).round() / 1e4))
        }
        (Json::Number(n), RawStyle::Prose) => n.as_f64().map_or_else(|| n.to_string(), number),
        (Json::String(s), _) => s.clone(),
        (Json::Bool(b), RawStyle::Prose) => (if *b { "yes" } else { "no" }).into(),
        (Json::Bool(b), RawStyle::MemoTable) => (if *b { "True" } else { "False" }).into(),
        (other, _) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{RawStyle, fixed, json_number, number, percent, raw, short};

    #[test]
    fn numbers_print_shortest_without_negative_zero() {
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(12.0), "12");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(55.335, 1), "55.3");
        assert_eq!(json_number(-0.0).to_string(), "0.0");
        assert_eq!(json_number(f64::NAN), serde_json::Value::Null);
    }

    #[test]
    fn short_rounds_long_decimals_only() {
        assert_eq!(short(56.666666666666664), "56.6667");
        assert_eq!(short(12.5), "12.5");
        assert_eq!(short(2.00001), "2");
        assert_eq!(percent(0.923), "92.3%");
    }

    #[test]
    fn raw_values_differ_between_styles_only_in_numbers_and_booleans() {
        let v = |s: &str| serde_json::from_str::<serde_json::Value>(s).expect("json");
        assert_eq!(raw(&v("56.666666666666664"), RawStyle::Table), "56.6667");
        assert_eq!(raw(&v("56.666666666666664"), RawStyle::Prose), "56.666666666666664");
        assert_eq!(raw(&v("true"), RawStyle::Table), "true");
        assert_eq!(raw(&v("true"), RawStyle::MemoTable), "True");
        assert_eq!(raw(&v("55.33125"), RawStyle::MemoTable), "55.3313");
        assert_eq!(raw(&v("55.33125"), RawStyle::Table), "55.3312");
        assert_eq!(raw(&v("false"), RawStyle::Prose), "no");
        for style in [RawStyle::Table, RawStyle::MemoTable, RawStyle::Prose] {
            assert_eq!(raw(&v("null"), style), "—");
            assert_eq!(raw(&v("\"SSE\""), style), "SSE");
        }
    }
}
