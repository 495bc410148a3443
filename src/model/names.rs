//! The naming rules: what may be an id or attribute name, and which names are taken.

/// Names of attributes and ids: letters, digits, `_`, `-` and `.`; starting with a letter or digit.
pub(crate) fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Attribute names a script reads with `e.name`: must also be Rhai identifiers.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Attribute names taken by the entity itself.
pub(crate) const RESERVED_ATTRIBUTES: &[&str] = &["id", "name", "kind", "headquarters", "exposure", "has", "get"];
