//! Compile stage: choose the rule set for each kind, order the kinds by their roll-ups, and
//! compile every Rhai expression and script once, into a [`Plan`] that evaluation runs.

mod programs;
mod select;

pub(crate) use programs::{Program, ScriptCache};
pub(crate) use select::select_rule_sets;

use std::sync::Arc;

use crate::diag::{Code, Diagnostic, Diagnostics, Reported};
use crate::load::Workspace;
use crate::model::{AttrId, Dataset, Input, Kind, RuleBook, RuleSet};
use crate::script::Limits;
use crate::source::SourceMap;

/// Where one factor's raw value comes from, resolved.
#[derive(Clone, Debug)]
pub enum InputPlan {
    Attribute(AttrId),
    Program(usize),
    /// Exposure-weighted total (or category score) of related entities of `kind`.
    Rollup {
        kind: Kind,
        category: Option<usize>,
    },
}

/// One kind's rule set, ready to evaluate.
#[derive(Debug)]
pub struct KindPlan {
    pub kind: Kind,
    pub rules: Arc<RuleSet>,
    pub inputs: Vec<InputPlan>,
    pub programs: Vec<Program>,
    /// Program of each gate, then of each adjustment.
    pub gate_programs: Vec<usize>,
    pub adjustment_programs: Vec<usize>,
}

/// Everything evaluation needs: kinds in the order they must be scored.
#[derive(Debug)]
pub struct Plan {
    pub stages: Vec<Arc<KindPlan>>,
    pub limits: Limits,
}

impl Plan {
    pub fn stage(&self, kind: Kind) -> Option<&Arc<KindPlan>> {
        self.stages.iter().find(|s| s.kind == kind)
    }
}

/// Compiles the chosen rule sets into a plan. `None` if any error was found (they are in
/// `diags`; compiling goes on after the first, to report the others).
pub(crate) fn compile(
    book: &RuleBook,
    dataset: &Dataset,
    requested: &[String],
    ws: &Workspace,
    limits: Limits,
    diags: &mut Diagnostics,
) -> Option<Plan> {
    let sources = &ws.sources;
    let mut selecting = Diagnostics::new();
    let chosen = select_rule_sets(book, dataset, requested, &mut selecting);
    let mut ok = !selecting.has_errors();
    diags.extend(selecting);
    let order = evaluation_order(&chosen, diags)?;
    let mut cache = ScriptCache::new(&ws.root);
    let mut stages = Vec::new();
    for kind in order {
        let Some(rules) = &chosen[kind.index()] else { continue };
        match compile_rule_set(rules, &chosen, dataset, sources, &limits, &mut cache, diags) {
            Some(plan) => stages.push(Arc::new(plan)),
            None => ok = false,
        }
    }
    ok.then_some(Plan { stages, limits })
}

/// Compiles every rule set and script file (for `thesis check`), without choosing.
pub(crate) fn compile_all(book: &RuleBook, dataset: &Dataset, ws: &Workspace, limits: Limits, diags: &mut Diagnostics) {
    let sources = &ws.sources;
    let mut cache = ScriptCache::new(&ws.root);
    for (_, path) in &ws.scripts {
        cache.load(path, None, sources, &limits, diags);
    }
    let chosen: [Option<Arc<RuleSet>>; 3] = Default::default();
    for rules in &book.sets {
        compile_rule_set(rules, &chosen, dataset, sources, &limits, &mut cache, diags);
    }
}

/// The order kinds are scored in: every kind after the kinds it rolls up.
fn evaluation_order(chosen: &[Option<Arc<RuleSet>>; 3], diags: &mut Diagnostics) -> Option<Vec<Kind>> {
    let deps = |k: Kind| -> Vec<(Kind, &crate::model::Factor)> {
        chosen[k.index()].as_ref().map_or_else(Vec::new, |rs| {
            rs.factors
                .iter()
                .filter_map(|f| match &f.input {
                    Input::Rollup { kind, .. } => Some((*kind, f)),
                    _ => None,
                })
                .collect()
        })
    };
    let mut order: Vec<Kind> = Vec::new();
    let mut remaining: Vec<Kind> = Kind::ALL.into_iter().filter(|k| chosen[k.index()].is_some()).collect();
    while !remaining.is_empty() {
        let ready = remaining
            .iter()
            .position(|&k| deps(k).iter().all(|(d, _)| order.contains(d) || chosen[d.index()].is_none()));
        match ready {
            Some(i) => order.push(remaining.remove(i)),
            None => {
                let k = remaining[0];
                let (dep, factor) = deps(k).into_iter().find(|(d, _)| remaining.contains(d))?;
                diags.push(
                    Diagnostic::error(
                        Code::DependencyCycle,
                        format!("{k} scores roll up {dep} scores, which roll up {k} scores: a cycle"),
                    )
                    .at_opt(factor.span)
                    .hint("roll-ups go one way: companies read segments and regions, not back"),
                );
                return None;
            }
        }
    }
    Some(order)
}

/// One rule set's plan: a program per computed input, gate and adjustment. `None` if any
/// of them failed to compile (the errors are in `diags`).
fn compile_rule_set(
    rules: &Arc<RuleSet>,
    chosen: &[Option<Arc<RuleSet>>; 3],
    dataset: &Dataset,
    sources: &SourceMap,
    limits: &Limits,
    cache: &mut ScriptCache,
    diags: &mut Diagnostics,
) -> Option<KindPlan> {
    let engine = crate::script::engine(Some(dataset.schema(rules.kind)), limits);
    let mut programs = Vec::new();
    let mut inputs = Vec::new();
    let mut ok = true;
    for f in &rules.factors {
        let label = || format!("factor `{}`", f.id);
        let program = match &f.input {
            Input::Attribute { attr, .. } => {
                inputs.push(InputPlan::Attribute(*attr));
                continue;
            }
            Input::Rollup { kind, category } => {
                let category = rollup_category(f, *kind, category.as_deref(), chosen, diags).ok()?;
                inputs.push(InputPlan::Rollup { kind: *kind, category });
                continue;
            }
            Input::Expr(cond) => Program::inline(&engine, cond, false, label(), sources, diags),
            Input::Script { path, function, span, .. } => {
                cache.program(path, function, *span, label(), sources, limits, diags)
            }
        };
        match program {
            Some(p) => inputs.push(InputPlan::Program(push(&mut programs, p))),
            None => ok = false,
        }
    }
    let gates = rules.gates.iter().map(|g| (&g.when, format!("gate `{}`", g.id)));
    let gate_programs = compile_conditions(&engine, gates, &mut programs, &mut ok, sources, diags);
    let adjustments = rules.adjustments.iter().map(|a| (&a.when, format!("adjustment `{}`", a.id)));
    let adjustment_programs = compile_conditions(&engine, adjustments, &mut programs, &mut ok, sources, diags);
    ok.then(|| KindPlan {
        kind: rules.kind,
        rules: Arc::clone(rules),
        inputs,
        programs,
        gate_programs,
        adjustment_programs,
    })
}

/// Compiles conditions (`when:` of gates or adjustments) into `programs`, returning the
/// index of each; clears `ok` if one fails.
fn compile_conditions<'a>(
    engine: &rhai::Engine,
    conditions: impl Iterator<Item = (&'a crate::model::Condition, String)>,
    programs: &mut Vec<Program>,
    ok: &mut bool,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Vec<usize> {
    let mut indices = Vec::new();
    for (when, label) in conditions {
        match Program::inline(engine, when, true, label, sources, diags) {
            Some(p) => indices.push(push(programs, p)),
            None => *ok = false,
        }
    }
    indices
}

/// Appends a program and returns its index.
fn push(programs: &mut Vec<Program>, p: Program) -> usize {
    programs.push(p);
    programs.len() - 1
}

/// Resolves `rollup: {category: ...}` against the rule set chosen for the rolled-up kind.
fn rollup_category(
    f: &crate::model::Factor,
    kind: Kind,
    category: Option<&str>,
    chosen: &[Option<Arc<RuleSet>>; 3],
    diags: &mut Diagnostics,
) -> Result<Option<usize>, Reported> {
    let Some(name) = category else { return Ok(None) };
    let Some(target) = &chosen[kind.index()] else {
        return Ok(None);
    };
    match target.category(name) {
        Some(i) => Ok(Some(i)),
        None => {
            let d = Diagnostic::error(
                Code::UnknownCategory,
                format!("factor `{}` rolls up category `{name}`, which rule set `{}` does not have", f.id, target.name),
            )
            .at_opt(f.span);
            diags.push(match crate::diag::did_you_mean(name, target.categories.iter().map(|c| c.name.as_str())) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint("leave out `category:` to roll up the total score"),
            });
            Err(Reported)
        }
    }
}
