//! W701: a value that feeds a factor and says nowhere where it comes from — no `source:`, no
//! `cite:`, no `judgment:` (see `evaluate::sourcing`). Such a value scores, but backs no
//! coverage and bounds like missing data, so the warning names each one at its place in the
//! dataset file. Unsourced values of a table file (CSV, Parquet, Arrow: a row with no
//! provenance columns filled and no `tables:` declaration) are reported once per file and
//! attribute, at the first such row, with how many rows more.

use std::collections::{BTreeMap, HashSet};

use serde_yaml::Value;

use super::Cx;
use crate::diag::{Code, Diagnostic, Location};
use crate::evaluate::sourcing::{Unsourced, unsourced_reads};
use crate::evaluate::{KindScores, Outcome, factor_outcomes};
use crate::model::{AttrId, Kind};
use crate::source::FileId;
use crate::ypath;

const HINT: &str = "cite it (`cite: <id>` of datasets/sources.yaml, or `source: \"...\"`), or mark an analyst's call with `judgment: \"<rationale>\"`; never invent a source";

/// Unsourced values of streamed files: per (kind, file, attribute), the first row and how many.
type Streamed = BTreeMap<(Kind, FileId, AttrId), (usize, usize, Location, String)>;

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    let mut streamed = Streamed::new();
    for rules in &cx.book.sets {
        let Some(ks) = cx.scores_of(rules) else { continue };
        let schema = cx.dataset.schema(rules.kind);
        for (f, factor) in rules.factors.iter().enumerate() {
            if ks.unsourced[f] == Unsourced::None {
                continue;
            }
            for (row, o) in factor_outcomes(ks, f).into_iter().enumerate() {
                if !matches!(o, Outcome::Observed(_)) || !ks.unsourced[f].at(row) {
                    continue;
                }
                for attr in unsourced_reads(ks, f, row, schema) {
                    if seen.insert((rules.kind, row, attr)) {
                        report(cx, ks, (row, attr), &factor.id, &mut streamed, out);
                    }
                }
            }
        }
    }
    for ((kind, _, attr), (_, more, at, factor)) in streamed {
        let name = &cx.dataset.schema(kind).decl(attr).name;
        let rows = if more > 0 { format!(" (and {more} more rows of the file)") } else { String::new() };
        let mut d = Diagnostic::warning(
            Code::UnsourcedValue,
            format!("the `{name}` values of this file feed factor `{factor}` but cite no source{rows}"),
        )
        .hint("give the rows a `cite` or `source` column (or `judgment`), or `cite:<attribute>` for one column, or declare the file's source under `tables:` in a dataset file; else accept them as unsourced with `--allow W701`");
        d.location = Some(at);
        out.push(d);
    }
}

/// One unsourced value: a warning at its place in a YAML file, or counted for its streamed file.
fn report(
    cx: &Cx<'_>,
    ks: &KindScores,
    (row, attr): (usize, AttrId),
    factor: &str,
    streamed: &mut Streamed,
    out: &mut Vec<Diagnostic>,
) {
    let table = &ks.table;
    let name = ks.attr_names.get(attr as usize).map_or("?", String::as_str);
    match table.origin(row) {
        Some(at @ Location::LineCol { file, .. }) => {
            let e = streamed.entry((ks.kind(), file, attr)).or_insert((row, 0, at, factor.to_string()));
            if e.0 != row {
                e.1 += 1;
            }
        }
        origin => {
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
            out.push(d);
        }
    }
}

/// Where entity `id`'s attribute `name` is written in the YAML file its definition is in.
fn value_span(cx: &Cx<'_>, origin: Option<&Location>, id: &str, name: &str) -> Option<crate::source::Span> {
    let Some(Location::Span(s)) = origin else { return None };
    let doc = cx.ws.data_files.iter().find(|d| d.file == s.file)?;
    let items = doc.value.get("entities")?.as_sequence()?;
    let i = items.iter().position(|e| e.get("id").and_then(Value::as_str) == Some(id))?;
    doc.span(&ypath!["entities", i, "attributes", name])
}
