//! `thesis explain ID...`: the whole ledger of each entity.

use std::io::Write;
use std::process::ExitCode;

use super::output::to_stdout_as;
use super::{Common, ExplainFormat};
use crate::Error;
use crate::evaluate::ledger;
use crate::render::explain::{write_factor_csv, write_text};
use crate::render::robust::{flip_json, flip_table, weight_flip_json, weight_flip_table};
use crate::robust::Flip;

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
        let flips = crate::robust::entity_flips(ks, row as usize);
        let weights = crate::robust::entity_weight_flips(ks, row as usize);
        let flips_json: Vec<serde_json::Value> =
            flips.iter().map(|f| flip_json(ks, f)).chain(weights.iter().map(|f| weight_flip_json(ks, f))).collect();
        found.push((l, position, flips_json, (ks, flips, weights)));
        outlooks.push(outlook(&session, kind, row, &sources, common)?);
    }
    to_stdout_as(format == ExplainFormat::Text, |out| match format {
        ExplainFormat::Text => {
            for (i, (l, position, _, (ks, flips, weights))) in found.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_text(out, l, *position)?;
                write_flips(out, ks, flips)?;
                write_weight_flips(out, ks, weights)?;
                if let Some(o) = &outlooks[i] {
                    writeln!(out, "\n{}", crate::render::history::outlook_line(o))?;
                }
            }
            Ok(())
        }
        ExplainFormat::Csv => write_factor_csv(out, &found.iter().map(|(l, ..)| l).collect::<Vec<_>>()),
        ExplainFormat::Json => {
            let items = found
                .iter()
                .zip(&outlooks)
                .map(|((l, position, flips, _), o)| {
                    let mut v = serde_json::to_value(l)?;
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("outlook".into(), serde_json::to_value(o)?);
                        obj.insert("rank".into(), position.map_or(serde_json::Value::Null, |p| p.0.into()));
                        obj.insert(
                            "percentile".into(),
                            position.map_or(serde_json::Value::Null, |p| crate::fmt::json_number(p.2)),
                        );
                        obj.insert("flips".into(), serde_json::Value::Array(flips.clone()));
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

/// The flips that can happen (or that a cap holds), and how many factors cannot flip alone.
fn write_flips(out: &mut dyn Write, ks: &crate::evaluate::KindScores, flips: &[Flip]) -> std::io::Result<()> {
    if flips.is_empty() {
        return Ok(());
    }
    let (shown, unreachable): (Vec<Flip>, Vec<Flip>) =
        flips.iter().cloned().partition(|f| f.points.is_some() || f.capped_by.is_some());
    writeln!(
        out,
        "\nwhat would change the rating (one factor's points at a time, the rest held; `thesis robust` for more)"
    )?;
    if !shown.is_empty() {
        out.write_all(&flip_table(ks, &shown)?)?;
    }
    if !unreachable.is_empty() {
        writeln!(
            out,
            "  {} more factor-direction pairs cannot move the rating a band on their own",
            unreachable.len()
        )?;
    }
    Ok(())
}

/// The weights that alone would move the rating a band (or that a cap holds).
fn write_weight_flips(
    out: &mut dyn Write,
    ks: &crate::evaluate::KindScores,
    flips: &[crate::robust::WeightFlip],
) -> std::io::Result<()> {
    let shown: Vec<_> = flips.iter().filter(|f| f.to.is_some() || f.capped_by.is_some()).cloned().collect();
    if shown.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nwhat one weight would have to be to change the rating (the others held)")?;
    out.write_all(&weight_flip_table(ks, &shown)?)?;
    let more = flips.len() - shown.len();
    if more > 0 {
        writeln!(
            out,
            "  {more} more weight-direction pairs cannot move the rating a band within 0 to 1000 times the weight"
        )?;
    }
    Ok(())
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
    let mut diags = crate::diag::Diagnostics::new();
    let o = crate::history::outlooks(&crate::history::Inputs::of(session), kind, view, Some(&[row]), &mut diags);
    common.report(&diags, sources);
    Ok(o.and_then(|mut o| o.pop()))
}
