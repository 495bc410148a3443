//! Dates for scripts: the view date as `as_of` (a `YYYY-MM-DD` string; `e.as_of` inside script
//! functions, which see only their parameters), and `months_between(from, to)` /
//! `days_between(from, to)` over `YYYY`, `YYYY-MM` or `YYYY-MM-DD` strings (a period counts from
//! its first day), so durations are measured from the view rather than a date written in a script.

use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Position};

use super::EntityRef;
use crate::model::Date;

/// The name of the view date in scope.
pub(crate) const AS_OF: &str = "as_of";

/// The view date as scripts see it: its text, or `()` when no fact of the data is dated.
pub(crate) fn as_of_value(view: Option<Date>) -> Dynamic {
    view.map_or(Dynamic::UNIT, |d| Dynamic::from(ImmutableString::from(d.to_string())))
}

fn date(d: &Dynamic, which: &str) -> Result<Date, Box<EvalAltResult>> {
    let text = if d.is_unit() {
        return Err(error(format!("{which} is () (no view date: no fact of the data is dated)")));
    } else {
        d.clone().into_immutable_string().map_err(|t| error(format!("{which} is a {t}, not a date string")))?
    };
    Date::parse(&text).ok_or_else(|| error(format!("{which} `{text}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")))
}

fn error(message: String) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(Dynamic::from(message), Position::NONE))
}

pub(super) fn register(engine: &mut Engine) {
    engine.register_get(AS_OF, |e: &mut EntityRef| as_of_value(e.table.view));
    engine.register_fn("months_between", |from: Dynamic, to: Dynamic| -> Result<i64, Box<EvalAltResult>> {
        Ok(date(&from, "from")?.months_until(date(&to, "to")?))
    });
    engine.register_fn("days_between", |from: Dynamic, to: Dynamic| -> Result<i64, Box<EvalAltResult>> {
        Ok(date(&to, "to")?.days() - date(&from, "from")?.days())
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_and_days_between_dates_of_any_precision() {
        let engine = crate::script::engine(None, &crate::script::Limits::default());
        let eval = |s: &str| engine.eval::<i64>(s).expect(s);
        assert_eq!(eval(r#"months_between("2025-07", "2025-12-31")"#), 5);
        assert_eq!(eval(r#"months_between("2024-04-12", "2024-12-31")"#), 8);
        assert_eq!(eval(r#"days_between("2024-12-31", "2025-01-31")"#), 31);
        assert!(engine.eval::<i64>(r#"months_between((), "2025-01-01")"#).is_err());
        assert!(engine.eval::<i64>(r#"months_between("2025-13", "2025-01-01")"#).is_err());
    }
}
