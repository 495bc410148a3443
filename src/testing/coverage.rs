//! Rule coverage: which factors, scale bands, map values, rating bands, gates and adjustments
//! the cases exercised, per rule set (test stage).
//!
//! A factor counts when a case's entity has an observed value for it; a scale band or map value
//! when that value falls in it; a rating band when a case's total falls in it or the entity ends
//! with it after caps; a gate or adjustment when it fires. Only the case's own entity counts,
//! not the universe it is ranked among.

use crate::evaluate::ledger::FactorState;
use crate::evaluate::{KindScores, Ledger, Status};
use crate::model::RuleBook;
use crate::scale::Part;

/// One thing a case can exercise.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// `factor`, `band`, `value`, `rating`, `gate` or `adjustment`.
    pub what: &'static str,
    /// The factor, gate or adjustment id; the rating label; `factor: range` for a band.
    pub label: String,
    pub hit: bool,
}

/// The items of one rule set.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSetCoverage {
    pub rule_set: String,
    pub items: Vec<Item>,
    /// Whether any case that ran was scored by this rule set.
    pub used: bool,
}

/// Coverage of every rule set of the project.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coverage {
    pub sets: Vec<RuleSetCoverage>,
}

fn item(what: &'static str, label: String) -> Item {
    Item { what, label, hit: false }
}

/// `growth: < 0`, `growth: 0..20`, `growth: ≥ 50`, `sector: tech`.
fn part_label(factor: &str, p: &Part) -> String {
    format!("{factor}: {}", p.label)
}

impl Coverage {
    /// Every item of every rule set, none hit yet.
    pub fn new(book: &RuleBook) -> Coverage {
        let sets = book
            .sets
            .iter()
            .map(|rs| {
                let mut items = Vec::new();
                for f in &rs.factors {
                    items.push(item("factor", f.id.clone()));
                    items.extend(f.scale.kind().parts().into_iter().map(|p| item(p.what, part_label(&f.id, &p))));
                }
                items.extend(rs.ratings.iter().map(|r| item("rating", r.label.clone())));
                items.extend(rs.gates.iter().map(|g| item("gate", g.id.clone())));
                items.extend(rs.adjustments.iter().map(|a| item("adjustment", a.id.clone())));
                RuleSetCoverage { rule_set: rs.name.clone(), items, used: false }
            })
            .collect();
        Coverage { sets }
    }

    /// Marks what one case's entity exercised.
    pub fn record(&mut self, ks: &KindScores, l: &Ledger) {
        let rules = &ks.plan.rules;
        let Some(set) = self.sets.iter_mut().find(|s| s.rule_set == rules.name) else { return };
        set.used = true;
        let mut hit = |what: &str, label: &str| {
            for i in set.items.iter_mut().filter(|i| i.what == what && i.label == label) {
                i.hit = true;
            }
        };
        for (line, f) in l.factors.iter().zip(&rules.factors) {
            if line.state != FactorState::Observed {
                continue;
            }
            hit("factor", &f.id);
            if let Some(p) = f.scale.kind().part_of(&line.raw) {
                hit(p.what, &part_label(&f.id, &p));
            }
        }
        if l.status != Status::NoData {
            for label in l.rating.iter().chain(&l.rating_before_caps) {
                hit("rating", label);
            }
        }
        for g in l.gates.iter().filter(|g| g.fired) {
            hit("gate", &g.id);
        }
        for a in l.adjustments.iter().filter(|a| a.fired) {
            hit("adjustment", &a.id);
        }
    }

    /// Only the rule sets some case that ran was scored by (for a selection of the tests).
    pub fn used_only(mut self) -> Coverage {
        self.sets.retain(|s| s.used);
        self
    }

    pub fn total(&self) -> usize {
        self.sets.iter().map(|s| s.items.len()).sum()
    }

    pub fn hit(&self) -> usize {
        self.sets.iter().flat_map(|s| &s.items).filter(|i| i.hit).count()
    }

    /// Share of items exercised, in percent (100 when there is nothing to exercise).
    pub fn percent(&self) -> f64 {
        if self.total() == 0 { 100.0 } else { 100.0 * self.hit() as f64 / self.total() as f64 }
    }
}
