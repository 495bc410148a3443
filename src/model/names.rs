//! The naming rules: what may be an id or attribute name, and which names are taken.

/// The longest id or name: ids become file names (`company/ID.html`), and a file name may
/// have at most 255 bytes on common file systems.
pub(super) const MAX_NAME_LEN: usize = 200;

/// Names of attributes and ids: letters, digits, `_`, `-` and `.`; starting with a letter or
/// digit; at most [`MAX_NAME_LEN`] characters.
pub(crate) fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= MAX_NAME_LEN
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// How to write an id, for the hints of E110.
pub(crate) const ID_HINT: &str =
    "ids use letters, digits, `_`, `-` and `.`, starting with a letter or digit, at most 200 characters";

/// Attribute names a script reads with `e.name`: must also be Rhai identifiers.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A source grade: `A`, `B`, `C`, or a split such as `A/B`.
pub(crate) fn is_grade(g: &str) -> bool {
    let parts: Vec<&str> = g.split('/').collect();
    parts.len() <= 2 && parts.iter().all(|p| matches!(*p, "A" | "B" | "C"))
}

/// How to write a grade, for the hints of E107.
pub(crate) const GRADE_HINT: &str = "A: primary source; B: reputable secondary; C: indicative. `A/B` marks a split";

/// Attribute names taken by the entity itself, and by the provenance columns of table files.
pub(crate) const RESERVED_ATTRIBUTES: &[&str] = &[
    "id",
    "name",
    "kind",
    "headquarters",
    "exposure",
    "has",
    "get",
    "as_of",
    "source",
    "cite",
    "grade",
    "period",
    "published",
    "judgment",
    "note",
];
