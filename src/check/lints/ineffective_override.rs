//! W204: an `extends` override that changes nothing — a category weight, a factor field, a gate,
//! an adjustment, the ratings, `reason_codes` or `aggregation` that a profile gives exactly as
//! its base has it.

use super::{Cx, locate};
use crate::diag::{Code, Diagnostic};
use crate::load::rules::RuleFile;
use crate::load::values::Parsed;
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::{Factor, Gate, Input, RuleSet};
use crate::ypath;

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for rules in &cx.book.sets {
        let Some(base) = rules.extends.as_deref().and_then(|b| cx.book.get(b)) else { continue };
        let Some(doc) = rules.files.first().and_then(|f| locate::doc(cx.ws, *f)) else { continue };
        let Ok(spec) = doc.deserialize_at::<RuleFile>(&YamlPath::root()) else { continue };
        let cx = Pair { doc, rules, base };
        cx.categories(&spec, out);
        cx.factors(&spec, out);
        cx.conditions(&spec, out);
        cx.ratings(&spec, out);
    }
}

struct Pair<'a> {
    doc: &'a YamlDoc,
    rules: &'a RuleSet,
    base: &'a RuleSet,
}

impl Pair<'_> {
    fn warn(&self, path: YamlPath, what: String, out: &mut Vec<Diagnostic>) {
        out.push(
            Diagnostic::warning(
                Code::IneffectiveOverride,
                format!("{what} is what `{}` already has: this override changes nothing", self.base.name),
            )
            .at_opt(self.doc.span(&path))
            .hint("delete it, or change it to what the profile needs"),
        );
    }

    fn categories(&self, spec: &RuleFile, out: &mut Vec<Diagnostic>) {
        for (name, c) in &spec.categories {
            let (Parsed::Ok(c), Some(b)) = (c, self.base.categories.iter().find(|b| &b.name == name)) else { continue };
            if c.weight.0 == b.weight && c.description.as_ref().is_none_or(|d| Some(d) == b.description.as_ref()) {
                self.warn(
                    ypath!["categories", name.as_str()],
                    format!("category `{name}` with weight {}", b.weight),
                    out,
                );
            }
        }
    }

    fn factors(&self, spec: &RuleFile, out: &mut Vec<Diagnostic>) {
        for (i, f) in spec.factors.iter().enumerate() {
            let Parsed::Ok(f) = f else { continue };
            let (Some(mine), Some(theirs)) = (factor(self.rules, &f.id), factor(self.base, &f.id)) else { continue };
            let given = [
                ("category", f.category.is_some(), self.category_name(mine) == base_category(self.base, theirs)),
                ("weight", f.weight.is_some(), mine.weight == theirs.weight),
                ("description", f.description.is_some(), mine.description == theirs.description),
                ("input", f.input.is_some(), same_input(&mine.input, &theirs.input)),
                ("scale", f.scale.is_some(), mine.scale == theirs.scale),
                ("missing", f.missing.is_some(), mine.missing == theirs.missing),
            ];
            for (key, _, _) in given.iter().filter(|(_, given, same)| *given && *same) {
                self.warn(ypath!["factors", i, *key], format!("the `{key}` of factor `{}`", f.id), out);
            }
        }
    }

    fn category_name<'b>(&'b self, f: &Factor) -> &'b str {
        &self.rules.categories[f.category].name
    }

    fn conditions(&self, spec: &RuleFile, out: &mut Vec<Diagnostic>) {
        for (i, g) in spec.gates.iter().enumerate() {
            let Parsed::Ok(g) = g else { continue };
            let (Some(mine), Some(theirs)) = (gate(self.rules, &g.id), gate(self.base, &g.id)) else { continue };
            if same_gate(self.rules, mine, self.base, theirs) {
                self.warn(ypath!["gates", i], format!("gate `{}`", g.id), out);
            }
        }
        for (i, a) in spec.adjustments.iter().enumerate() {
            let Parsed::Ok(a) = a else { continue };
            let mine = self.rules.adjustments.iter().find(|x| x.id == a.id);
            let theirs = self.base.adjustments.iter().find(|x| x.id == a.id);
            let (Some(m), Some(t)) = (mine, theirs) else { continue };
            if m.when.source == t.when.source && m.points == t.points && m.reason == t.reason && m.missing == t.missing
            {
                self.warn(ypath!["adjustments", i], format!("adjustment `{}`", a.id), out);
            }
        }
    }

    fn ratings(&self, spec: &RuleFile, out: &mut Vec<Diagnostic>) {
        let same = self.rules.ratings.len() == self.base.ratings.len()
            && self.rules.ratings.iter().zip(&self.base.ratings).all(|(a, b)| {
                a.label == b.label && a.min == b.min && a.max == b.max && a.recommendation == b.recommendation
            });
        if spec.ratings.is_some() && same {
            self.warn(ypath!["ratings"], "the rating bands".into(), out);
        }
        if spec.reason_codes.is_some_and(|n| n == self.base.reason_codes) {
            self.warn(ypath!["reason_codes"], format!("`reason_codes: {}`", self.base.reason_codes), out);
        }
        if spec.aggregation.is_some_and(|a| a == self.base.aggregation) {
            self.warn(ypath!["aggregation"], format!("`aggregation: {}`", self.base.aggregation.word()), out);
        }
    }
}

fn factor<'a>(rules: &'a RuleSet, id: &str) -> Option<&'a Factor> {
    rules.factors.iter().find(|f| f.id == id)
}

fn base_category<'a>(rules: &'a RuleSet, f: &Factor) -> &'a str {
    &rules.categories[f.category].name
}

fn gate<'a>(rules: &'a RuleSet, id: &str) -> Option<&'a Gate> {
    rules.gates.iter().find(|g| g.id == id)
}

fn same_gate(ra: &RuleSet, a: &Gate, rb: &RuleSet, b: &Gate) -> bool {
    use crate::model::GateAction::Cap;
    let action = match (&a.action, &b.action) {
        (Cap(x), Cap(y)) => ra.ratings[*x].label == rb.ratings[*y].label,
        (x, y) => x == y,
    };
    action && a.when.source == b.when.source && a.reason == b.reason && a.missing == b.missing
}

fn same_input(a: &Input, b: &Input) -> bool {
    match (a, b) {
        (Input::Attribute { name: x, .. }, Input::Attribute { name: y, .. }) => x == y,
        (Input::Expr(x), Input::Expr(y)) => x.source == y.source,
        (Input::Script { path: p, function: f, .. }, Input::Script { path: q, function: g, .. }) => p == q && f == g,
        (Input::Rollup { kind: k, category: c }, Input::Rollup { kind: l, category: d }) => k == l && c == d,
        _ => false,
    }
}
