//! Checking an attribute's value as written: one sourced value, or a `series:` of dated
//! observations, each converted to the declared type (check stage).

use std::sync::Arc;

use serde_yaml::Value;

use super::attrs::{Cell, convert, split_sourced};
use crate::diag::{Code, Diagnostic};
use crate::load::dataset::SeriesSpec;
use crate::load::yaml::{YamlDoc, YamlPath, from_value};
use crate::model::series::{Observation, period, published};
use crate::model::{AttrDecl, Provenance};

/// What an attribute holds once checked.
pub(crate) enum Written {
    /// One value (possibly missing) with its provenance.
    One(Cell, Provenance),
    /// Dated observations, to resolve at the view date.
    Series(Vec<Observation>),
}

/// Checks the value of one attribute; `None` when it has problems (reported).
pub(crate) fn check_value(
    doc: &YamlDoc,
    path: &YamlPath,
    raw: &Value,
    decl: &AttrDecl,
    diags: &mut Vec<Diagnostic>,
) -> Option<Written> {
    if !raw.as_mapping().is_some_and(|m| m.contains_key("series")) {
        let (value, prov, vpath) = split_sourced(doc, path, raw, diags)?;
        return match convert(&value, decl) {
            Ok(cell) => Some(Written::One(cell, prov)),
            Err(p) => {
                diags.push(p.at(doc.span(&vpath)));
                None
            }
        };
    }
    let spec: SeriesSpec = match from_value(raw.clone()) {
        Ok(s) => s,
        Err(e) => {
            diags.push(doc.error_diagnostic(path, &e));
            return None;
        }
    };
    let before = diags.len();
    let mut obs = Vec::with_capacity(spec.series.len());
    for (i, item) in spec.series.iter().enumerate() {
        let ipath = path.at("series").at(i);
        let Some((value, prov, vpath)) = split_sourced(doc, &ipath, item, diags) else { continue };
        match convert(&value, decl) {
            Ok(cell) => {
                if let Some(d) = repeated(&obs, &prov, &decl.name) {
                    diags.push(d.at_opt(doc.span(&ipath)));
                    continue;
                }
                if let Some(d) = undated(&prov, spec.series.len(), &decl.name) {
                    diags.push(d.at_opt(doc.span(&ipath)));
                }
                obs.push(Observation { cell, prov: Arc::new(prov) });
            }
            Err(p) => diags.push(p.at(doc.span(&vpath))),
        }
    }
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    if obs.len() == 1 {
        let o = obs.remove(0);
        return Some(Written::One(o.cell, Arc::unwrap_or_clone(o.prov)));
    }
    Some(Written::Series(obs))
}

/// Two observations with the same period and publication: which one holds is ambiguous.
fn repeated(obs: &[Observation], prov: &Provenance, attr: &str) -> Option<Diagnostic> {
    let dates = |p: &Provenance| (period(p), published(p));
    obs.iter().any(|o| dates(&o.prov) == dates(prov)).then(|| {
        let show = |d: Option<crate::model::Date>| d.map_or_else(|| "undated".to_string(), |d| d.to_string());
        Diagnostic::error(
            Code::RepeatedObservation,
            format!(
                "`{attr}` has two observations for period {} published {}",
                show(period(prov)),
                show(published(prov))
            ),
        )
        .hint("a restatement gives a later `published:`; otherwise remove one of the two")
    })
}

/// An observation without any date in a series of several: it only fills in before the first dated one.
fn undated(prov: &Provenance, len: usize, attr: &str) -> Option<Diagnostic> {
    (len > 1 && period(prov).is_none()).then(|| {
        Diagnostic::warning(Code::UndatedObservation, format!("an observation of `{attr}` in a series has no date"))
            .hint("give it `period:` (what it describes) or `published:` (when it became known); undated, it loses to every dated observation")
    })
}
