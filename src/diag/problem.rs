//! A problem found before its place is known: a code, a message and perhaps a hint. Pure
//! rules (number parsing, coverage of ranges, exposure weights) return these; the caller,
//! which knows where the value was written, places them with [`Problem::at`].

use super::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// An error-severity diagnostic without a location yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The stable diagnostic code.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub hint: Option<String>,
}

impl Problem {
    /// A problem with a code and a message, and no hint.
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Problem {
        Problem { code, message: message.into(), hint: None }
    }

    /// Adds the hint.
    #[must_use]
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }

    /// The diagnostic, placed at a span (or nowhere, for `None`).
    pub(crate) fn at(self, span: impl Into<Option<Span>>) -> Diagnostic {
        self.diagnostic().at_opt(span.into())
    }

    /// The diagnostic, placed at a line and column of a streamed file.
    pub(crate) fn at_line_col(self, file: FileId, line: usize, col: usize) -> Diagnostic {
        self.diagnostic().at_line_col(file, line, col)
    }

    fn diagnostic(self) -> Diagnostic {
        let d = Diagnostic::error(self.code, self.message);
        match self.hint {
            Some(h) => d.hint(h),
            None => d,
        }
    }

    /// The problem as a serde custom error. Serde carries only strings, so the code travels
    /// marked in-band and [`Problem::from_serde`] reads it back: this pair is the one place a
    /// code is written into a string. (A hint does not survive the trip; none is sent.)
    pub(crate) fn to_serde<E: serde::de::Error>(&self) -> E {
        E::custom(format!("{MARK}{}{MARK}{}", self.code.as_str(), self.message))
    }

    /// The problem marked into a serde message by [`Problem::to_serde`], if there is one
    /// (serde may have put its own words before it).
    pub(crate) fn from_serde(message: &str) -> Option<Problem> {
        let rest = &message[message.find(MARK)?..][MARK.len_utf8()..];
        let (code, text) = rest.split_once(MARK)?;
        let code = Code::ALL.iter().copied().find(|c| c.as_str() == code)?;
        Some(Problem::new(code, text))
    }
}

/// Brackets the code in a serde message (a control character no YAML message contains).
const MARK: char = '\u{1}';

#[cfg(test)]
mod tests {
    use super::Problem;
    use crate::diag::Code;

    #[test]
    fn a_code_survives_the_trip_through_a_serde_message() {
        let p = Problem::new(Code::BadNumber, "infinite numbers are not allowed");
        let e: serde_yaml::Error = p.to_serde();
        let read = Problem::from_serde(&format!("factors[0].weight: {e}"));
        assert_eq!(read, Some(p));
        assert_eq!(Problem::from_serde("invalid type: string"), None);
    }

    #[test]
    fn placing_keeps_code_message_and_hint() {
        let d = Problem::new(Code::BandGap, "no band covers 0 to 1").hint("start at 0").at(None);
        assert_eq!(
            (d.code, d.message.as_str(), d.hints.as_slice()),
            (Code::BandGap, "no band covers 0 to 1", &["start at 0".to_string()][..])
        );
        assert!(d.is_error());
    }
}
