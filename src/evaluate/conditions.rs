//! Gates and adjustments of one entity (evaluate stage): each condition's verdict, its
//! missing-data policy, the points and bounds adjustments add, and the gate actions.

use super::kernel::{Adjusted, EntityScore, Masks, NotRated, Pre, Status, finish, settle};
use super::worker::Worker;
use crate::compile::KindPlan;
use crate::diag::Code;
use crate::model::{GateAction, GateMissing};
use crate::script::Failure;

/// A condition's verdict: fired, not fired, or undetermined (it read missing data).
fn verdict(
    w: &mut Worker,
    stage: &KindPlan,
    p: usize,
    row: usize,
    score: f64,
    rating: &str,
) -> Result<Option<bool>, Failure> {
    match w.run_condition(&stage.programs[p], row, score, rating) {
        Ok(d) if d.is_unit() => Ok(None),
        Ok(d) => d.as_bool().map(Some).map_err(|_| Failure::Error {
            code: Code::ScriptType,
            message: format!("returned {} where true or false was expected", d.type_name()),
            at: None,
        }),
        Err(Failure::Missing(_)) => Ok(None),
        Err(f) => Err(f),
    }
}

fn resolve(v: Option<bool>, policy: GateMissing, label: &str) -> Result<(bool, bool), Failure> {
    match (v, policy) {
        (Some(b), _) => Ok((b, false)),
        (None, GateMissing::Skip) => Ok((false, true)),
        (None, GateMissing::Fire) => Ok((true, true)),
        (None, GateMissing::Fail) => Err(Failure::Error {
            code: Code::MissingData,
            message: format!("{label} reads data the entity lacks, and its policy is `missing: fail`"),
            at: None,
        }),
    }
}

pub(super) fn apply_conditions(
    stage: &KindPlan,
    w: &mut Worker,
    row: usize,
    base: f64,
    coverage: f64,
    pre: Pre,
) -> Result<(EntityScore, Masks), (usize, Failure)> {
    let rules = &stage.rules;
    let (mut adj, mut m) = (Adjusted::default(), Masks::default());
    for (i, (a, &p)) in rules.adjustments.iter().zip(&stage.adjustment_programs).enumerate() {
        let v = verdict(w, stage, p, row, base, "").map_err(|f| (p, f))?;
        let (fired, undetermined) = resolve(v, a.missing, &stage.programs[p].label).map_err(|f| (p, f))?;
        if fired {
            adj.points += a.points;
            m.adjustments_applied |= 1 << i;
        }
        if undetermined {
            m.adjustments_unknown |= 1 << i;
            // Had the data been there, the adjustment could have gone the other way.
            let other = if fired { -a.points } else { a.points };
            adj.undetermined = (adj.undetermined.0 + other.min(0.0), adj.undetermined.1 + other.max(0.0));
        }
    }
    let mut s = finish(rules, base, coverage, pre.range, &adj);
    let label = s.rating.map_or("", |r| rules.ratings[r as usize].label.as_str()).to_string();
    for (i, (g, &p)) in rules.gates.iter().zip(&stage.gate_programs).enumerate() {
        let v = verdict(w, stage, p, row, s.total, &label).map_err(|f| (p, f))?;
        let (fired, undetermined) = resolve(v, g.missing, &stage.programs[p].label).map_err(|f| (p, f))?;
        if undetermined {
            m.gates_unknown |= 1 << i;
        }
        if !fired {
            continue;
        }
        m.gates_fired |= 1 << i;
        match g.action {
            GateAction::Exclude if s.status == Status::Scored => s.status = Status::Excluded(i as u16),
            GateAction::NotRated if s.status == Status::Scored => s.status = Status::NotRated(NotRated::Gate(i as u16)),
            GateAction::Cap(cap) => s.rating = s.rating.map(|r| r.max(cap as u8)),
            _ => {}
        }
    }
    Ok((settle(rules, s, pre.floor, &m), m))
}
