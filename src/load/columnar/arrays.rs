//! Typed readers over Arrow arrays (load): a column's cells as numbers, text, booleans, dates or
//! lists whatever its physical type (any float or integer; plain, large, view or dictionary
//! strings; date32/date64), and as the text a CSV export would hold.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;

use crate::model::Date;

/// A cell reader: the value of a row, `None` when null.
pub(super) type Get<'a, T> = Box<dyn Fn(usize) -> Option<T> + 'a>;

/// Any text, number, boolean or date column's cells as a CSV export spells them (`None` for
/// other types): numbers as their shortest round-trip text, dates as YYYY-MM-DD.
pub(super) fn text_cells(a: &dyn Array) -> Option<Get<'_, String>> {
    let t = a.data_type();
    Some(if super::types::is_text(t) {
        let s = strings(a);
        Box::new(move |i| s(i).map(str::to_string))
    } else if super::types::is_number(t) {
        let n = numbers(a);
        Box::new(move |i| {
            n(i).map(|x| {
                let mut buf = ryu::Buffer::new();
                let s = if x == 0.0 { "0" } else { buf.format(x) };
                s.strip_suffix(".0").unwrap_or(s).to_string()
            })
        })
    } else if matches!(t, DataType::Boolean) {
        let b = booleans(a);
        Box::new(move |i| b(i).map(|b| b.to_string()))
    } else if matches!(t, DataType::Date32 | DataType::Date64) {
        let d = dates(a);
        Box::new(move |i| d(i).map(|d| d.to_string()))
    } else {
        return None;
    })
}

/// Numbers of any float or integer column.
pub(super) fn numbers(a: &dyn Array) -> Get<'_, f64> {
    macro_rules! prim {
        ($t:ty) => {{
            let p = a.as_primitive::<$t>();
            Box::new(move |i| p.is_valid(i).then(|| p.value(i) as f64))
        }};
    }
    match a.data_type() {
        DataType::Float64 => prim!(Float64Type),
        DataType::Float32 => prim!(Float32Type),
        DataType::Int8 => prim!(Int8Type),
        DataType::Int16 => prim!(Int16Type),
        DataType::Int32 => prim!(Int32Type),
        DataType::Int64 => prim!(Int64Type),
        DataType::UInt8 => prim!(UInt8Type),
        DataType::UInt16 => prim!(UInt16Type),
        DataType::UInt32 => prim!(UInt32Type),
        DataType::UInt64 => prim!(UInt64Type),
        _ => Box::new(|_| None),
    }
}

/// Text of a string column: plain, large, view or dictionary-encoded.
pub(super) fn strings(a: &dyn Array) -> Get<'_, &str> {
    match a.data_type() {
        DataType::Utf8 => {
            let s = a.as_string::<i32>();
            Box::new(move |i| s.is_valid(i).then(|| s.value(i)))
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            Box::new(move |i| s.is_valid(i).then(|| s.value(i)))
        }
        DataType::Utf8View => {
            let s = a.as_string_view();
            Box::new(move |i| s.is_valid(i).then(|| s.value(i)))
        }
        DataType::Dictionary(..) => match a.as_any_dictionary_opt() {
            Some(d) => {
                let keys = d.normalized_keys();
                let values = strings(d.values().as_ref());
                Box::new(move |i| if d.keys().is_valid(i) { values(keys[i]) } else { None })
            }
            None => Box::new(|_| None),
        },
        _ => Box::new(|_| None),
    }
}

pub(super) fn booleans(a: &dyn Array) -> Get<'_, bool> {
    match a.as_boolean_opt() {
        Some(b) => Box::new(move |i| b.is_valid(i).then(|| b.value(i))),
        None => Box::new(|_| None),
    }
}

/// Dates of a date32 (days) or date64 (milliseconds) column.
pub(super) fn dates(a: &dyn Array) -> Get<'_, Date> {
    match a.data_type() {
        DataType::Date32 => {
            let p = a.as_primitive::<Date32Type>();
            Box::new(move |i| p.is_valid(i).then(|| from_days(i64::from(p.value(i)))).flatten())
        }
        DataType::Date64 => {
            let p = a.as_primitive::<Date64Type>();
            Box::new(move |i| p.is_valid(i).then(|| from_days(p.value(i).div_euclid(86_400_000))).flatten())
        }
        _ => Box::new(|_| None),
    }
}

/// The calendar date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn from_days(days: i64) -> Option<Date> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::parse(&format!("{y:04}-{m:02}-{d:02}"))
}

/// The words of a list-of-strings cell.
pub(super) fn list(a: &dyn Array, i: usize) -> Option<Arc<[Arc<str>]>> {
    if !a.is_valid(i) {
        return None;
    }
    let items: ArrayRef = match a.data_type() {
        DataType::List(_) => a.as_list::<i32>().value(i),
        DataType::LargeList(_) => a.as_list::<i64>().value(i),
        _ => return None,
    };
    let get = strings(items.as_ref());
    Some((0..items.len()).filter_map(|j| get(j).map(|s| Arc::from(s.trim()))).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_count_from_the_unix_epoch() {
        assert_eq!(super::from_days(0).map(|d| d.to_string()), Some("1970-01-01".into()));
        assert_eq!(super::from_days(20_089).map(|d| d.to_string()), Some("2025-01-01".into()));
        assert_eq!(super::from_days(-1).map(|d| d.to_string()), Some("1969-12-31".into()));
    }
}
