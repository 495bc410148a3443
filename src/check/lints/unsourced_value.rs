//! W701: a value that feeds a factor and says nowhere where it comes from — no `source:`, no
//! `cite:`, no `judgment:` (see `evaluate::sourcing`). Such a value scores, but backs no
//! coverage and bounds like missing data, so the warning names each one at its place in the
//! dataset file. Unsourced values of a table file (CSV, Parquet, Arrow: a row with no
//! provenance columns filled and no `tables:` declaration) are reported once per
//! file, at its first such row, naming the attributes and counting the rows.

use std::collections::{BTreeMap, HashMap};

use serde_yaml::Value;

use super::Cx;
use crate::diag::{Code, Diagnostic, Location};
use crate::evaluate::sourcing::{Unsourced, unsourced_reads};
use crate::evaluate::{KindScores, Outcome, factor_outcomes};
use crate::model::{AttrId, Kind};
use crate::source::FileId;
use crate::ypath;

const HINT: &str = "cite it (`cite: <id>` of datasets/sources.yaml, or `source: \"...\"`), or mark an analyst's call with `judgment: \"<rationale>\"`; never invent a source";

/// Unsourced values of one table file: where its first such row is, how many rows have one,
/// and the attributes (each with the first factor it feeds).
struct Streamed {
    at: Location,
    rows: usize,
    attrs: BTreeMap<AttrId, String>,
}

/// Rows of one kind already met, as a bitmap: each (row, attribute) is reported once, and each
/// row of a table file counted once, without a hash entry per value.
struct Met(Vec<u64>);

impl Met {
    fn new(rows: usize) -> Met {
        Met(vec![0; rows.div_ceil(64)])
    }

    /// Marks `row`; true if it was not marked before.
    fn insert(&mut self, row: usize) -> bool {
        let (word, bit) = (row / 64, 1u64 << (row % 64));
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }
}

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let mut met: HashMap<(Kind, AttrId), Met> = HashMap::new();
    let mut rows_met: HashMap<Kind, Met> = HashMap::new();
    let mut streamed: BTreeMap<(Kind, FileId), Streamed> = BTreeMap::new();
    for rules in &cx.book.sets {
        let Some(ks) = cx.scores_of(rules) else { continue };
        let schema = cx.dataset.schema(rules.kind);
        let rows = ks.table.len();
        for (f, factor) in rules.factors.iter().enumerate() {
            if ks.unsourced[f] == Unsourced::None {
                continue;
            }
            for (row, o) in factor_outcomes(ks, f).into_iter().enumerate() {
                if !matches!(o, Outcome::Observed(_)) || !ks.unsourced[f].at(row) {
                    continue;
                }
                for attr in unsourced_reads(ks, f, row, schema) {
                    if !met.entry((rules.kind, attr)).or_insert_with(|| Met::new(rows)).insert(row) {
                        continue;
                    }
                    match ks.table.origin(row) {
                        Some(at @ Location::LineCol { file, .. }) => {
                            let first_time = rows_met.entry(rules.kind).or_insert_with(|| Met::new(rows)).insert(row);
                            let s = streamed.entry((rules.kind, file)).or_insert(Streamed {
                                at: at.clone(),
                                rows: 0,
                                attrs: BTreeMap::new(),
                            });
                            // Factors are walked one after another: keep the earliest row met.
                            if line_of(&at) < line_of(&s.at) {
                                s.at = at;
                            }
                            s.rows += usize::from(first_time);
                            s.attrs.entry(attr).or_insert_with(|| factor.id.clone());
                        }
                        origin => out.push(in_yaml(cx, ks, (row, attr), origin, &factor.id)),
                    }
                }
            }
        }
    }
    out.extend(streamed.into_iter().map(|((kind, _), s)| in_table(cx.dataset.schema(kind), s)));
}

/// The line of a place in a table file.
fn line_of(at: &Location) -> usize {
    match at {
        Location::LineCol { line, .. } => *line,
        _ => 0,
    }
}

/// One warning per table file: its unsourced attributes, the factors they feed, how many rows.
fn in_table(schema: &crate::model::KindSchema, s: Streamed) -> Diagnostic {
    let named: Vec<String> = s
        .attrs
        .iter()
        .take(3)
        .map(|(&attr, factor)| format!("`{}` (factor `{factor}`)", schema.decl(attr).name))
        .collect();
    let more = s.attrs.len().saturating_sub(named.len());
    let more = match more {
        0 => String::new(),
        1 => " and 1 more attribute".to_string(),
        n => format!(" and {n} more attributes"),
    };
    let rows = if s.rows == 1 { "1 row".to_string() } else { format!("{} rows", s.rows) };
    let (feed, cite) = if s.attrs.len() == 1 { ("feeds a factor", "cites") } else { ("feed factors", "cite") };
    let mut d = Diagnostic::warning(
        Code::UnsourcedValue,
        format!("{}{more} in {rows} of this file, the first here, {feed} but {cite} no source", named.join(", ")),
    )
    .hint("give the rows a `cite` or `source` column (or `judgment`), or `cite:<attribute>` for one column, or declare the file's source under `tables:` in a dataset file; else accept them as unsourced with `--allow W701`");
    d.location = Some(s.at);
    d
}

/// One unsourced value of a YAML file: a warning at its place.
fn in_yaml(
    cx: &Cx<'_>,
    ks: &KindScores,
    (row, attr): (usize, AttrId),
    origin: Option<Location>,
    factor: &str,
) -> Diagnostic {
    let table = &ks.table;
    let name = ks.attr_names.get(attr as usize).map_or("?", String::as_str);
    let value = table.columns[attr as usize].display(row).unwrap_or_default();
    let mut d = Diagnostic::warning(
        Code::UnsourcedValue,
        format!(
            "`{}`'s `{name}` ({value}) feeds factor `{factor}` but cites no source and marks no judgment",
            table.id(row)
        ),
    )
    .hint(HINT);
    d.location = value_span(cx, origin.as_ref(), table.id(row), name).map(Location::Span).or(origin);
    d
}

/// Where entity `id`'s attribute `name` is written in the YAML file its definition is in.
fn value_span(cx: &Cx<'_>, origin: Option<&Location>, id: &str, name: &str) -> Option<crate::source::Span> {
    let Some(Location::Span(s)) = origin else { return None };
    let doc = cx.ws.data_files.iter().find(|d| d.file == s.file)?;
    let items = doc.value.get("entities")?.as_sequence()?;
    let i = items.iter().position(|e| e.get("id").and_then(Value::as_str) == Some(id))?;
    doc.span(&ypath!["entities", i, "attributes", name])
}
