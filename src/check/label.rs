//! Short names (check stage): a factor's `label` and an attribute's `key_figure` name a thing in
//! tables, the index and prose, so both must be one to four words on one line.

/// The longest label, in words and in characters.
const LABEL_WORDS: usize = 4;
const LABEL_CHARS: usize = 40;

/// Why `label` is not a short name, or `None` when it is.
pub(crate) fn label_problem(label: &str) -> Option<String> {
    let words = label.split_whitespace().count();
    if words == 0 {
        Some("is empty".into())
    } else if label.contains('\n') {
        Some("spans several lines".into())
    } else if words > LABEL_WORDS {
        Some(format!("has {words} words, more than {LABEL_WORDS}"))
    } else if label.chars().count() > LABEL_CHARS {
        Some(format!("is longer than {LABEL_CHARS} characters"))
    } else if label.trim_end().ends_with(['.', ':', ';', ',']) {
        Some("ends in punctuation, which prose around it doubles".into())
    } else {
        None
    }
}
