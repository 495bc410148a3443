//! Raw factor values: attribute columns as they are, script outputs evaluated in parallel, and
//! roll-ups of scores already computed for other kinds (evaluate stage).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use rhai::Dynamic;

use super::Scores;
use super::attribution::category_scores;
use super::factor::{Raw, View};
use super::sourcing::{self, Unsourced};
use super::worker::Worker;
use crate::compile::{InputPlan, KindPlan, Program};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{EntityTable, Kind, KindSchema};
use crate::scale::{Expect, Scorer, UniverseStats};
use crate::script::{Failure, Limits};
use crate::source::SourceMap;

/// Entities evaluated per parallel task.
pub(super) const CHUNK: usize = 2048;

/// Raw values of every factor of a stage, and which rows of each rest on an unsourced value.
pub(super) fn raw_inputs(
    stage: &KindPlan,
    table: &Arc<EntityTable>,
    schema: &KindSchema,
    done: &Scores,
    limits: &Limits,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<(Vec<Raw>, Vec<Unsourced>)> {
    let programs: Vec<(usize, usize, Expect)> = stage
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(f, input)| match input {
            InputPlan::Program(p) => Some((f, *p, stage.rules.factors[f].scale.kind().expects())),
            _ => None,
        })
        .collect();
    let mut computed = evaluate_programs(stage, table, schema, &programs, limits, sources, diags)?;
    let (raw, unsourced) = stage
        .inputs
        .iter()
        .enumerate()
        .map(|(f, input)| match input {
            InputPlan::Attribute(a) => (Raw::Attr(*a), sourcing::of_attribute(table, *a)),
            InputPlan::Program(_) => {
                computed.remove(&f).unwrap_or_else(|| (Raw::Numbers(vec![f64::NAN; table.len()]), Unsourced::None))
            }
            InputPlan::Rollup { kind, category } => {
                (Raw::Numbers(rollup(table, *kind, *category, done)), Unsourced::None)
            }
        })
        .unzip();
    Some((raw, unsourced))
}

/// Resolves each factor's scale against its observed values.
pub(super) fn scorers(stage: &KindPlan, table: &EntityTable, raw: &[Raw]) -> (Vec<Scorer>, Vec<Option<UniverseStats>>) {
    stage
        .rules
        .factors
        .iter()
        .zip(raw)
        .map(|(f, r)| match r.view(table) {
            View::Number(v) => Scorer::new(&f.scale, &mut v.iter().copied()),
            _ => Scorer::new(&f.scale, &mut std::iter::empty()),
        })
        .unzip()
}

/// Exposure-weighted score of related entities; NaN where there are none.
fn rollup(table: &EntityTable, kind: Kind, category: Option<usize>, done: &Scores) -> Vec<f64> {
    let Some(target) = done.of(kind) else {
        return vec![f64::NAN; table.len()];
    };
    let categories = category.map(|c| category_scores(target, c));
    let values: Vec<f64> = (0..target.table.len())
        .map(|r| match (&categories, target.results[r].status) {
            (_, super::Status::NoData) => f64::NAN,
            (None, _) => target.results[r].total,
            (Some(c), _) => c[r].unwrap_or(f64::NAN),
        })
        .collect();
    (0..table.len())
        .into_par_iter()
        .with_min_len(CHUNK)
        .map(|row| {
            let (mut num, mut den) = (0.0, 0.0);
            for (t, w) in table.related(kind, row) {
                let v = values.get(t as usize).copied().unwrap_or(f64::NAN);
                if !v.is_nan() {
                    num += w * v;
                    den += w;
                }
            }
            if den > 0.0 { num / den } else { f64::NAN }
        })
        .collect()
}

/// Output of one program over one chunk.
enum Out {
    Numbers(Vec<f64>),
    Bools(Vec<Option<bool>>),
    Texts(Vec<Option<Arc<str>>>),
}

struct ChunkOut {
    outs: Vec<Out>,
    /// Per program, per row: whether the value read an unsourced one.
    unsourced: Vec<Vec<bool>>,
    failure: Option<(usize, usize, Failure)>,
}

fn evaluate_programs(
    stage: &KindPlan,
    table: &Arc<EntityTable>,
    schema: &KindSchema,
    programs: &[(usize, usize, Expect)],
    limits: &Limits,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<std::collections::HashMap<usize, (Raw, Unsourced)>> {
    let mut result = std::collections::HashMap::new();
    if programs.is_empty() {
        return Some(result);
    }
    let n = table.len();
    let first_failure = AtomicUsize::new(usize::MAX);
    let chunks: Vec<ChunkOut> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map_init(
            // Reads are traced to tell which values rest on unsourced facts; a table without
            // provenance has nothing but unsourced facts, and is not traced.
            || Worker::new(table, schema, limits, table.has_provenance()),
            |w, c| run_chunk(w, table, stage, programs, c * CHUNK..((c + 1) * CHUNK).min(n), &first_failure),
        )
        .collect();
    let failure = chunks.iter().filter_map(|c| c.failure.as_ref()).min_by_key(|(row, p, _)| (*row, *p));
    if let Some((row, p, failure)) = failure {
        let (_, prog, _) = programs[*p];
        diags.push(failure_diagnostic(&stage.programs[prog], table, *row, failure, sources));
        return None;
    }
    for (i, &(f, _, _)) in programs.iter().enumerate() {
        let mut parts = chunks.iter().map(|c| &c.outs[i]);
        let raw = match parts.next() {
            Some(Out::Numbers(_)) => Raw::Numbers(concat(chunks.iter().map(|c| match &c.outs[i] {
                Out::Numbers(v) => v.as_slice(),
                _ => &[],
            }))),
            Some(Out::Bools(_)) => Raw::Bools(concat(chunks.iter().map(|c| match &c.outs[i] {
                Out::Bools(v) => v.as_slice(),
                _ => &[],
            }))),
            _ => Raw::Texts(concat(chunks.iter().map(|c| match &c.outs[i] {
                Out::Texts(v) => v.as_slice(),
                _ => &[],
            }))),
        };
        let unsourced = Unsourced::from_rows(concat(chunks.iter().map(|c| c.unsourced[i].as_slice())));
        result.insert(f, (raw, unsourced));
    }
    Some(result)
}

fn concat<'a, T: Clone + 'a>(parts: impl Iterator<Item = &'a [T]>) -> Vec<T> {
    let parts: Vec<&[T]> = parts.collect();
    let mut v = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

fn run_chunk(
    w: &mut Worker,
    table: &EntityTable,
    stage: &KindPlan,
    programs: &[(usize, usize, Expect)],
    rows: std::ops::Range<usize>,
    first_failure: &AtomicUsize,
) -> ChunkOut {
    let mut outs: Vec<Out> = programs
        .iter()
        .map(|(_, _, e)| match e {
            Expect::Number => Out::Numbers(Vec::with_capacity(rows.len())),
            Expect::Bool => Out::Bools(Vec::with_capacity(rows.len())),
            Expect::Text => Out::Texts(Vec::with_capacity(rows.len())),
        })
        .collect();
    let mut unsourced = vec![Vec::with_capacity(rows.len()); programs.len()];
    let traced = table.has_provenance();
    if rows.start > first_failure.load(Ordering::Relaxed) {
        return ChunkOut { outs, unsourced, failure: None };
    }
    for row in rows {
        for (i, &(_, prog, expect)) in programs.iter().enumerate() {
            let value = w.run(&stage.programs[prog], row).and_then(|d| convert(d, expect));
            unsourced[i].push(!traced || sourcing::reads_unsourced(table, row, &w.take_trace()));
            let value = match value {
                Ok(v) => v,
                Err(Failure::Missing(_)) => Converted::Missing,
                Err(f) => {
                    first_failure.fetch_min(row, Ordering::Relaxed);
                    return ChunkOut { outs, unsourced, failure: Some((row, i, f)) };
                }
            };
            store(&mut outs[i], value);
        }
    }
    ChunkOut { outs, unsourced, failure: None }
}

/// A program's result, converted to what its factor expects.
pub(super) enum Converted {
    Missing,
    Number(f64),
    Bool(bool),
    Text(Arc<str>),
}

fn store(out: &mut Out, v: Converted) {
    match (out, v) {
        (Out::Numbers(o), Converted::Number(x)) => o.push(x),
        (Out::Numbers(o), _) => o.push(f64::NAN),
        (Out::Bools(o), Converted::Bool(b)) => o.push(Some(b)),
        (Out::Bools(o), _) => o.push(None),
        (Out::Texts(o), Converted::Text(s)) => o.push(Some(s)),
        (Out::Texts(o), _) => o.push(None),
    }
}

fn convert(d: Dynamic, expect: Expect) -> Result<Converted, Failure> {
    if d.is_unit() {
        return Ok(Converted::Missing);
    }
    let wrong = |what: &str| Failure::Error {
        code: Code::ScriptType,
        message: format!("returned {} where {what} was expected", d.type_name()),
        at: None,
    };
    match expect {
        Expect::Number => {
            let x = match (d.as_float(), d.as_int()) {
                (Ok(x), _) => x,
                (_, Ok(i)) => i as f64,
                _ => return Err(wrong("a number")),
            };
            if !x.is_finite() {
                return Err(Failure::Error {
                    code: Code::ScriptType,
                    message: format!("returned {x}, which is not a finite number (a division by zero?)"),
                    at: None,
                });
            }
            Ok(Converted::Number(x))
        }
        Expect::Bool => d.as_bool().map(Converted::Bool).map_err(|_| wrong("true or false")),
        Expect::Text => match d.clone().into_immutable_string() {
            Ok(s) => Ok(Converted::Text(Arc::from(s.as_str()))),
            Err(_) => Err(wrong("text")),
        },
    }
}

/// A script failure as a diagnostic, at the script position, naming the entity.
pub(super) fn failure_diagnostic(
    program: &Program,
    table: &EntityTable,
    row: usize,
    failure: &Failure,
    sources: &SourceMap,
) -> Diagnostic {
    let id = table.id(row);
    let (code, message, at) = match failure {
        Failure::Error { code, message, at } => (*code, message.clone(), *at),
        Failure::Missing(attr) => (Code::MissingData, format!("reads `{attr}`, which is missing"), None),
    };
    let mut d = Diagnostic::error(code, format!("{} failed for `{id}`: {message}", program.label));
    if let Some(origin) = program.origin.script_origin() {
        d = d.at(match at {
            Some((line, col)) => origin.locate(sources, line, col),
            None => origin.locate_function(sources, program.function.as_deref()),
        });
    }
    // Where the entity is defined helps only when its data is what is missing; a script's
    // own failure is fixed in the script.
    if let Some(loc) = table.origin(row).filter(|_| code == Code::MissingData) {
        d = d.hint(format!("`{id}` is defined at {}", crate::diag::describe_location(&loc, sources)));
    }
    match code {
        Code::ScriptLimit => d.hint("scripts run in a sandbox with limits on operations, call depth and sizes"),
        Code::ScriptType => d.hint("return a number (or `()` when the value is unknown)"),
        _ => d,
    }
}
