//! The evidence behind a ledger line: the facts a factor, adjustment or gate read, each with its
//! provenance, what the view date withheld and what it restated; and the traces that re-run
//! scripts and conditions to find which attributes they read.

use serde::Serialize;

use super::KindScores;
use super::kernel::Status;
use super::ledger::FactorLine;
use super::worker::Worker;
use crate::compile::InputPlan;
use crate::model::{AttrId, Dataset, Provenance};

/// A fact behind a factor, with its provenance.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub attribute: String,
    pub value: Option<String>,
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Not yet known at the view date (published after it, or about a later period), so
    /// left out of the score.
    pub withheld: bool,
    /// The earlier publication of the same period this value restated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previously: Option<Other>,
    /// A fresher observation in the data that was not yet known at the view date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_yet_published: Option<Other>,
}

/// Another observation of the same attribute: its value and dates.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Other {
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<crate::model::Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<crate::model::Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Known at the view date but about a period that has not begun (a listing, a deadline).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub scheduled: bool,
}

impl Other {
    fn of((value, p): &(String, std::sync::Arc<Provenance>), view: Option<crate::model::Date>) -> Other {
        let published = crate::model::series::published(p);
        Other {
            value: value.clone(),
            period: crate::model::series::period(p),
            published,
            source: p.source.clone(),
            scheduled: view.is_some_and(|v| published.is_none_or(|d| d <= v)),
        }
    }
}

impl Evidence {
    /// `judgment` (an analyst's call), `sourced`, `unsourced` (a bare value) or `missing`.
    pub fn basis(&self) -> &'static str {
        // A value cites its pages by registry id (`cite:`) or names them in words (`source:`).
        let sourced = self.provenance.source.is_some() || !self.provenance.cite.is_empty();
        match (&self.provenance.judgment, sourced, &self.value) {
            (Some(_), _, _) => "judgment",
            (None, true, _) => "sourced",
            (None, false, None) => "missing",
            (None, false, Some(_)) => "unsourced",
        }
    }
}

/// Why a value is left out at the view date: published after it, or about a later period.
pub(crate) fn withheld_why(value: &str, p: &Provenance, view: Option<crate::model::Date>) -> String {
    use crate::model::series::{period, published};
    let Some(view) = view else { return format!("value {value} is not known at the view date") };
    match (published(p), period(p)) {
        (Some(publ), _) if publ > view => format!("value {value} published {publ}, after the view date {view}"),
        (_, Some(per)) => format!("value {value} is for {per}, which begins after the view date {view}"),
        _ => format!("value {value} is not known at the view date {view}"),
    }
}

fn attribute_evidence(table: &crate::model::EntityTable, schema_name: &str, attr: AttrId, row: usize) -> Evidence {
    let key = (row as u32, attr);
    let value = table.columns[attr as usize].display(row);
    if value.is_none()
        && let Some((v, p)) = table.withheld_at(row, attr)
    {
        return Evidence {
            attribute: schema_name.to_string(),
            value: Some(v),
            provenance: (*p).clone(),
            withheld: true,
            previously: None,
            not_yet_published: None,
        };
    }
    Evidence {
        attribute: schema_name.to_string(),
        value,
        provenance: table.provenance(row, attr).map(|p| (**p).clone()).unwrap_or_default(),
        withheld: false,
        previously: table.superseded.get(&key).map(|o| Other::of(o, None)),
        not_yet_published: table.withheld_at(row, attr).map(|o| Other::of(&o, table.view)),
    }
}

pub(super) fn evidence(ks: &KindScores, f: usize, row: usize, traced: &[AttrId]) -> Vec<Evidence> {
    let table = &ks.table;
    let names = |a: AttrId| ks_attr_name(ks, a);
    match &ks.plan.inputs[f] {
        InputPlan::Attribute(a) => vec![attribute_evidence(table, &names(*a), *a, row)],
        InputPlan::Program(_) => traced.iter().map(|a| attribute_evidence(table, &names(*a), *a, row)).collect(),
        InputPlan::Rollup { .. } => Vec::new(),
    }
}

/// The context attributes of a row that have a value (or one withheld by `--as-of`): the
/// descriptive ones, and the key figures no factor read (a memo lists a key figure whether or
/// not the rules scored it).
pub(super) fn profile(ks: &KindScores, row: usize, dataset: &Dataset, factors: &[FactorLine]) -> Vec<Evidence> {
    let schema = dataset.schema(ks.kind());
    let scored = |name: &str| factors.iter().any(|f| f.evidence.iter().any(|e| e.attribute == name));
    (0..schema.attrs.len() as AttrId)
        .filter(|&a| {
            let d = schema.decl(a);
            d.descriptive || (d.key_figure.is_some() && !scored(&d.name))
        })
        .map(|a| attribute_evidence(&ks.table, &schema.decl(a).name, a, row))
        .filter(|e| e.value.is_some())
        .collect()
}

fn ks_attr_name(ks: &KindScores, a: AttrId) -> String {
    ks.attr_names.get(a as usize).cloned().unwrap_or_else(|| format!("#{a}"))
}

/// Attributes read by each adjustment and gate condition of one entity.
#[derive(Default)]
pub(super) struct TracedConditions {
    pub(super) adjustments: Vec<Vec<AttrId>>,
    pub(super) gates: Vec<Vec<AttrId>>,
}

/// Re-runs the conditions for one entity as scoring ran them (adjustments see the base, gates
/// the total and the rating before caps), recording the attributes they read.
pub(super) fn trace_conditions(ks: &KindScores, row: usize, dataset: &Dataset) -> TracedConditions {
    let (plan, res) = (&ks.plan, &ks.results[row]);
    if res.status == Status::NoData {
        return TracedConditions::default();
    }
    let mut worker = Worker::new(&ks.table, dataset.schema(ks.kind()), &ks.limits, true);
    let mut run = |p: usize, score: f64, rating: &str| {
        let _ = worker.run_condition(&plan.programs[p], row, score, rating);
        worker.take_trace()
    };
    let adjustments = plan.adjustment_programs.iter().map(|&p| run(p, res.base, "")).collect();
    let rating = plan.rules.rating_of(res.total).map_or("", |r| plan.rules.ratings[r].label.as_str());
    let gates = plan.gate_programs.iter().map(|&p| run(p, res.total, rating)).collect();
    TracedConditions { adjustments, gates }
}

pub(super) fn traced_evidence(ks: &KindScores, row: usize, attrs: Option<&Vec<AttrId>>) -> Vec<Evidence> {
    attrs.into_iter().flatten().map(|&a| attribute_evidence(&ks.table, &ks_attr_name(ks, a), a, row)).collect()
}

/// Re-runs each script factor for one entity, recording the attributes it reads.
pub(super) fn trace_programs(ks: &KindScores, row: usize, dataset: &Dataset) -> Vec<Vec<AttrId>> {
    let schema = dataset.schema(ks.kind());
    let mut worker = Worker::new(&ks.table, schema, &ks.limits, true);
    ks.plan
        .inputs
        .iter()
        .map(|input| match input {
            InputPlan::Program(p) => {
                let _ = worker.run(&ks.plan.programs[*p], row);
                worker.take_trace()
            }
            _ => Vec::new(),
        })
        .collect()
}
