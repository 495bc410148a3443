//! `thesis explain ID...`: the whole ledger of each entity.

use std::io::Write;
use std::process::ExitCode;

use super::output::to_stdout_as;
use super::{Common, ExplainFormat};
use crate::Error;
use crate::evaluate::ledger;
use crate::render::explain::{write_factor_csv, write_text};

pub(super) fn run(common: &Common, ids: &[String], format: ExplainFormat) -> Result<ExitCode, Error> {
    let opts = crate::project::Options { keep_observations: true, ..common.options() };
    let (session, sources) = common.score(&opts)?;
    let dataset = &session.project.dataset;
    let mut found = Vec::new();
    let mut outlooks = Vec::new();
    let mut rankings = std::collections::HashMap::new();
    for id in ids {
        let Some((kind, row)) = dataset.find(id) else {
            let hint = dataset.suggest_id(id, &crate::model::Kind::ALL).map(|s| format!(" (did you mean `{s}`?)"));
            return Err(Error::Usage(format!("no entity has id `{id}`{}", hint.unwrap_or_default())));
        };
        let Some(ks) = session.scores.of(kind) else {
            return Err(Error::Usage(format!("`{id}` is a {kind}, and no rule set scores {kind}")));
        };
        let ranking = rankings.entry(kind).or_insert_with(|| crate::rank::rank(ks));
        let l = ledger(ks, row as usize, &session.scores, dataset, true);
        let position = ranking.position(row as usize).map(|(rank, pct)| (rank, ranking.ranked.len(), pct));
        found.push((l, position));
        outlooks.push(outlook(&session, kind, row, &sources, common)?);
    }
    to_stdout_as(format == ExplainFormat::Text, |out| match format {
        ExplainFormat::Text => {
            for (i, (l, position)) in found.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_text(out, l, *position)?;
                if let Some(o) = &outlooks[i] {
                    writeln!(out, "\n{}", crate::render::history::outlook_line(o))?;
                }
            }
            Ok(())
        }
        ExplainFormat::Csv => write_factor_csv(out, &found.iter().map(|(l, _)| l).collect::<Vec<_>>()),
        ExplainFormat::Json => {
            let items = found
                .iter()
                .zip(&outlooks)
                .map(|((l, position), o)| {
                    let mut v = serde_json::to_value(l)?;
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("outlook".into(), serde_json::to_value(o)?);
                        obj.insert("rank".into(), position.map_or(serde_json::Value::Null, |p| p.0.into()));
                        obj.insert(
                            "percentile".into(),
                            position.map_or(serde_json::Value::Null, |p| crate::fmt::json_number(p.2)),
                        );
                    }
                    Ok(v)
                })
                .collect::<Result<Vec<serde_json::Value>, serde_json::Error>>()?;
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The entity's outlook at the view date: its score a year before, and the rating once the
/// scheduled facts known at the view date are in effect (see `thesis history`).
fn outlook(
    session: &crate::project::Session,
    kind: crate::model::Kind,
    row: crate::model::Row,
    sources: &crate::source::SourceMap,
    common: &Common,
) -> Result<Option<crate::history::Outlook>, Error> {
    let Some(view) = session.project.dataset.as_of else { return Ok(None) };
    let inputs = crate::history::Inputs {
        dataset: &session.project.dataset,
        plan: &session.plan,
        sources: &session.project.ws.sources,
    };
    let mut diags = crate::diag::Diagnostics::new();
    let dates = [view.month_end_after(-12).min(view), view];
    let h = crate::history::history(&inputs, kind, &dates, Some(&[row]), &mut diags);
    common.report(&diags, sources);
    Ok(h.and_then(|mut h| h.entities.pop()).map(|e| e.outlook))
}
