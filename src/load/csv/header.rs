//! CSV headers (load stage): each column's role (`id`, `name`, `kind`, an attribute, a
//! `segment:<id>` / `region:<id>` exposure, `headquarters`, a provenance column such as
//! `source` or its per-attribute override `cite:<attribute>`), resolved once per file into the
//! [`Plan`] every record is read with; undeclared and repeated columns are reported at their
//! place in the header.

use super::MAX_ERRORS;

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::load::provenance::{ProvField, ProvPlan, TableContext};
use crate::model::{AttrId, AttrType, Kind, KindSchema};
use crate::source::FileId;

/// What a column of the file holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ColumnRole {
    Id,
    Name,
    Kind,
    Attribute(String),
    Exposure(Kind, String),
    Headquarters,
    /// A provenance field of the row, or (`<field>:<attribute>`) of one attribute's cell.
    Provenance(ProvField, Option<String>),
}

/// The header, resolved: what each column holds and, per kind, which attribute it fills.
pub(crate) struct Plan {
    pub(crate) file: FileId,
    pub(crate) roles: Vec<ColumnRole>,
    pub(crate) attrs: [Vec<Option<(AttrId, AttrType)>>; 3],
    pub(crate) id: usize,
    pub(crate) name: usize,
    pub(crate) kind: usize,
    /// What the file says about its cells' provenance (`None`: nothing; every cell unsourced).
    pub(crate) prov: Option<ProvPlan>,
}

/// Resolves the header: each column's role, every undeclared or repeated column reported at
/// its place, `None` when the file cannot be read with it.
pub(crate) fn plan_header(
    header: &str,
    file: FileId,
    schemas: &[KindSchema; 3],
    ctx: &TableContext<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Plan> {
    plan_columns(header_fields(header), file, schemas, ctx, errors)
}

/// Resolves named columns (each with the column it is reported at: a character column in a
/// CSV header, the field's place from 1 in a Parquet or Arrow schema) into a [`Plan`].
pub(crate) fn plan_columns(
    fields: Vec<(String, usize)>,
    file: FileId,
    schemas: &[KindSchema; 3],
    ctx: &TableContext<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Plan> {
    let mut roles = Vec::new();
    let mut at = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (name, col) in fields {
        at.push(col);
        let name = name.trim();
        let role = match name {
            "id" => ColumnRole::Id,
            "name" => ColumnRole::Name,
            "kind" => ColumnRole::Kind,
            "headquarters" => ColumnRole::Headquarters,
            _ => match name.split_once(':').map(|(k, t)| (k, Kind::parse(k), t)) {
                Some((_, Some(kind), target)) => ColumnRole::Exposure(kind, target.to_string()),
                Some((f, None, attr)) if let Some(f) = ProvField::parse(f) => {
                    ColumnRole::Provenance(f, Some(attr.to_string()))
                }
                _ => match ProvField::parse(name) {
                    Some(f) => ColumnRole::Provenance(f, None),
                    None => ColumnRole::Attribute(name.to_string()),
                },
            },
        };
        if !seen.insert(role.clone()) {
            errors.push(match role {
                ColumnRole::Provenance(ProvField::Period, _) => {
                    Diagnostic::error(Code::ConflictingDates, format!("column `{name}` gives the period twice"))
                        .at_line_col(file, 1, col)
                        .hint("`as_of` is the old name of `period`: keep one column")
                }
                _ => header_error(file, col, format!("column `{name}` appears twice")),
            });
        }
        if let ColumnRole::Attribute(a) = &role
            && schemas.iter().all(|s| s.get(a).is_none() && !s.failed(a))
        {
            let names = schemas.iter().flat_map(|s| s.names());
            let d = Diagnostic::error(Code::UndeclaredAttribute, format!("column `{a}` is not a declared attribute"))
                .at_line_col(file, 1, col);
            // Suggestions cost a scan of every name: only for the errors that are shown.
            let suggestion = if errors.len() < MAX_ERRORS { did_you_mean(a, names) } else { None };
            errors.push(match suggestion {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint(format!("declare it in a dataset file: `attributes: company: {a}: number`")),
            });
        }
        roles.push(role);
    }
    let find = |r: ColumnRole| roles.iter().position(|x| *x == r);
    let (Some(id), Some(name), Some(kind)) = (find(ColumnRole::Id), find(ColumnRole::Name), find(ColumnRole::Kind))
    else {
        errors.push(
            header_error(file, 1, "the header needs `id`, `name` and `kind` columns".into())
                .hint("start the file with `id,name,kind,` and then one column per attribute"),
        );
        return None;
    };
    let prov = super::super::provenance::plan(&roles, &at, file, schemas, ctx, errors);
    if errors.iter().any(|d| d.is_error()) {
        return None;
    }
    let attrs = Kind::ALL.map(|k| {
        let schema = &schemas[k.index()];
        roles
            .iter()
            .map(|r| match r {
                ColumnRole::Attribute(a) => schema.get(a).map(|id| (id, schema.decl(id).ty)),
                _ => None,
            })
            .collect()
    });
    Some(Plan { file, roles, attrs, id, name, kind, prov })
}

/// The header's names with the column (in characters, from 1) each starts at; a name may be
/// quoted (`"id","name"`, with `""` for a quote inside).
pub(super) fn header_fields(header: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let (mut field, mut start, mut quoted, mut col) = (String::new(), 1, false, 0);
    let mut chars = header.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                col += 1;
                field.push('"');
            }
            '"' if quoted || field.trim().is_empty() => quoted = !quoted,
            ',' if !quoted => {
                out.push((std::mem::take(&mut field), start));
                start = col + 1;
            }
            c => field.push(c),
        }
    }
    out.push((field, start));
    out
}

fn header_error(file: FileId, col: usize, msg: String) -> Diagnostic {
    Diagnostic::error(Code::CsvFormat, msg).at_line_col(file, 1, col)
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_header_names_are_read_with_their_columns() {
        let fields = super::header_fields("\"id\", \"na,me\",\"say \"\"hi\"\"\",kind");
        let names: Vec<(&str, usize)> = fields.iter().map(|(n, c)| (n.trim(), *c)).collect();
        assert_eq!(names, [("id", 1), ("na,me", 6), ("say \"hi\"", 15), ("kind", 28)]);
    }
}
