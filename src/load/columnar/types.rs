//! Which Arrow types each column role and attribute type accepts (E902 for the rest).

use arrow_schema::{DataType, Field};

use super::super::csv::header::{ColumnRole, Plan};
use crate::diag::{Code, Diagnostic};
use crate::load::provenance::ProvField;
use crate::model::{AttrType, Kind, KindSchema};

/// Text: plain, large, view, or dictionary-encoded strings (Polars' categoricals).
pub(crate) fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => true,
        DataType::Dictionary(k, v) => k.is_dictionary_key_type() && matches!(**v, DataType::Utf8 | DataType::LargeUtf8),
        _ => false,
    }
}

/// Numbers: 32- and 64-bit floats and integers of any width.
pub(crate) fn is_number(t: &DataType) -> bool {
    matches!(t, DataType::Float32 | DataType::Float64 | DataType::Null) || t.is_integer()
}

/// Whether a column of type `t` can hold values of an attribute declared `ty`.
fn fits(ty: AttrType, t: &DataType) -> bool {
    match ty {
        AttrType::Number => is_number(t),
        AttrType::Bool => matches!(t, DataType::Boolean | DataType::Null),
        AttrType::Text => is_text(t),
        AttrType::Date => matches!(t, DataType::Date32 | DataType::Date64) || is_text(t),
        AttrType::List => match t {
            DataType::List(f) | DataType::LargeList(f) => is_text(f.data_type()),
            t => is_text(t),
        },
    }
}

/// What a declared type is written as in Arrow, for the hint.
fn expected(ty: AttrType) -> &'static str {
    match ty {
        AttrType::Number => "a float or integer column",
        AttrType::Bool => "a boolean column",
        AttrType::Text => "a string column",
        AttrType::Date => "a date32 column (or strings YYYY, YYYY-MM, YYYY-MM-DD)",
        AttrType::List => "a list of strings (or strings joined by `;`)",
    }
}

/// Checks column `i` of the file against what the plan reads from it.
pub(super) fn check(plan: &Plan, i: usize, field: &Field, schemas: &[KindSchema; 3]) -> Result<(), Diagnostic> {
    let t = field.data_type();
    let name = field.name();
    let bad = |what: String, hint: String| {
        Err(Diagnostic::error(Code::ColumnType, format!("column `{name}` is {t}, but {what}")).hint(hint))
    };
    match &plan.roles[i] {
        ColumnRole::Id | ColumnRole::Name | ColumnRole::Kind | ColumnRole::Headquarters if !is_text(t) => {
            bad(format!("`{name}` holds text"), "write it as a string column".into())
        }
        ColumnRole::Exposure(..) if !is_number(t) => {
            bad("an exposure column holds weights".into(), "write it as a float column".into())
        }
        ColumnRole::Provenance(f, _) if !is_text(t) => {
            let dated = matches!(f, ProvField::Period | ProvField::Published);
            if dated && matches!(t, DataType::Date32 | DataType::Date64) {
                return Ok(());
            }
            let hint =
                if dated { "write it as a date32 column or strings YYYY-MM-DD" } else { "write it as a string column" };
            bad(format!("the provenance column `{}` holds text", f.name()), hint.into())
        }
        ColumnRole::Attribute(_) => {
            for k in Kind::ALL {
                if let Some((attr, ty)) = plan.attrs[k.index()][i]
                    && !schemas[k.index()].is_conflicted(attr)
                    && !fits(ty, t)
                {
                    return bad(
                        format!("attribute `{name}` of {k} is declared {}", ty.as_str()),
                        format!("write it as {}, or change its declaration", expected(ty)),
                    );
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
