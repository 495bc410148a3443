//! Hover: what a name means now. On a factor, its description, its share of the total, its
//! scale and its live effect across the universe; on an attribute, its declaration, how many
//! entities have it and the sources behind it; on a rating or gate, the entities it applies
//! to; on an entity, its score; on a rule set, what it is.

use std::fmt::Write;

use crate::evaluate::{KindScores, Outcome, factor_outcomes, nominal_shares};
use crate::fmt::number;
use crate::lsp::state::Analysis;
use crate::lsp::symbols::Symbol;
use crate::model::{Kind, RuleSet};

/// Markdown for a symbol, read against the rule set `set` (the one of the file hovered).
pub(crate) fn hover(a: &Analysis, symbol: &Symbol, set: Option<&str>) -> Option<String> {
    let p = a.project.as_ref()?;
    match symbol {
        Symbol::Factor { family, id } => factor(a, set.unwrap_or(family), id),
        Symbol::Attribute { kind, name } => attribute(a, *kind, name),
        Symbol::Rating { family, label } => rating(a, set.unwrap_or(family), label),
        Symbol::Gate { family, id } => gate(a, set.unwrap_or(family), id),
        Symbol::RuleSet(name) => {
            let s = p.book.get(name)?;
            let mut out = format!("**{}** {} · rule set for {}", s.name, s.version, s.kind.plural());
            if let Some(base) = &s.extends {
                let _ = write!(out, ", extends `{base}`");
            }
            let _ = write!(
                out,
                "\n\n{}\n\n{} factors, {} gates, {} ratings",
                s.description.trim(),
                s.factors.len(),
                s.gates.len(),
                s.ratings.len()
            );
            Some(out)
        }
        Symbol::Entity(id) => entity(a, id),
        Symbol::Script(path) => Some(format!("script `{}`", crate::source::display_path(path))),
        Symbol::Function { script, name } => {
            Some(format!("function `{name}` of `{}`", crate::source::display_path(script)))
        }
        Symbol::Source(id) => source(a, id),
    }
}

/// A registry source: its title, publisher, date and address, and how many facts cite it.
fn source(a: &Analysis, id: &str) -> Option<String> {
    let p = a.project.as_ref()?;
    let entry = p.ws.source_files.iter().find_map(|doc| {
        doc.value
            .get("sources")?
            .as_sequence()?
            .iter()
            .find(|s| s.get("id").and_then(|v| v.as_str()) == Some(id))
            .cloned()
    })?;
    let field = |k: &str| entry.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let mut out = format!("**{}** · source `{id}`", field("title").unwrap_or_default());
    for (k, label) in [("publisher", "publisher"), ("published", "published"), ("grade", "grade"), ("url", "url")] {
        if let Some(v) = field(k) {
            let _ = write!(out, "\n- {label}: {v}");
        }
    }
    let cited = a.mentions_of(&Symbol::Source(id.to_string())).iter().filter(|m| !m.declares).count();
    let _ = write!(out, "\n- cited by {}", crate::fmt::count(cited, "fact"));
    Some(out)
}

/// The scores of the kind `set` scores, with `set` chosen.
fn scored(a: &Analysis, set: &RuleSet) -> Option<(std::rc::Rc<crate::project::Session>, usize)> {
    let session = a.session(Some(&set.name))?;
    let i = session.scores.kinds.iter().position(|k| k.plan.rules.name == set.name)?;
    Some((session, i))
}

fn factor(a: &Analysis, set: &str, id: &str) -> Option<String> {
    let p = a.project.as_ref()?;
    let rules = p.book.get(set)?;
    let f = rules.factors.iter().position(|f| f.id == id)?;
    let fac = &rules.factors[f];
    let share = nominal_shares(rules).get(f).copied().unwrap_or(0.0);
    let category = rules.categories.get(fac.category).map_or("", |c| c.name.as_str());
    let mut out = format!("**{}** · factor of `{}` ({category})\n\n", fac.id, rules.name);
    let description = fac.description.trim();
    if !description.is_empty() {
        let _ = writeln!(out, "{description}\n");
    }
    let _ = writeln!(out, "- weight {} in {category}: **{:.1}%** of the total", number(fac.weight), share * 100.0);
    let _ = writeln!(out, "- scale: {}", fac.scale.kind().describe());
    let Some((session, k)) = scored(a, rules) else {
        out.push_str("\n_live effect: not scored (the project has errors)_");
        return Some(out);
    };
    let ks = &session.scores.kinds[k];
    out.push_str(&effect(ks, f));
    Some(out)
}

/// Points min/median/max over the universe, who it helps and hurts most, who has no data.
fn effect(ks: &KindScores, f: usize) -> String {
    let outcomes = factor_outcomes(ks, f);
    let mut scored: Vec<(f64, usize)> =
        outcomes.iter().enumerate().filter_map(|(r, o)| o.points().map(|p| (p, r))).collect();
    let missing = outcomes.iter().filter(|o| !matches!(o, Outcome::Observed(_))).count();
    let n = ks.table.len();
    let mut out = format!("\n**Live effect** across {n} {}:\n\n", ks.kind().plural());
    if scored.is_empty() {
        let _ = writeln!(out, "- no entity has points for it");
    } else {
        scored.sort_by(|x, y| x.0.total_cmp(&y.0).then(ks.table.id(x.1).cmp(ks.table.id(y.1))));
        let pts: Vec<f64> = scored.iter().map(|s| s.0).collect();
        let median =
            if pts.len() % 2 == 1 { pts[pts.len() / 2] } else { (pts[pts.len() / 2 - 1] + pts[pts.len() / 2]) / 2.0 };
        let _ = writeln!(
            out,
            "- points: min {} · median {} · max {}",
            number(pts[0]),
            number(median),
            number(pts[pts.len() - 1])
        );
        let name = |&(p, r): &(f64, usize)| format!("{} ({})", ks.table.name(r), number(p));
        let top: Vec<String> = scored.iter().rev().take(3).map(name).collect();
        let bottom: Vec<String> = scored.iter().take(3).map(name).collect();
        let _ = writeln!(out, "- helps most: {}", top.join(", "));
        let _ = writeln!(out, "- hurts most: {}", bottom.join(", "));
    }
    let _ = writeln!(out, "- without data: {missing} of {n}");
    out
}

fn attribute(a: &Analysis, kind: Kind, name: &str) -> Option<String> {
    let p = a.project.as_ref()?;
    let schema = p.dataset.schema(kind);
    let id = schema.get(name)?;
    let decl = schema.decl(id);
    let mut out = format!("**{name}** · {} attribute of {}", decl.ty.as_str(), kind.plural());
    if let Some(unit) = &decl.unit {
        let _ = write!(out, ", in {unit}");
    }
    if decl.descriptive {
        out.push_str(" (descriptive)");
    }
    if let Some(d) = &decl.description {
        let _ = write!(out, "\n\n{}", d.trim());
    }
    let table = p.dataset.table(kind);
    let col = table.columns.get(id as usize)?;
    let have = (0..table.len()).filter(|&r| !col.is_missing(r)).count();
    let _ = write!(out, "\n\n- {have} of {} {} have it", table.len(), kind.plural());
    let mut sources: Vec<(usize, String)> = Vec::new();
    for r in 0..table.len() {
        let Some(pr) = table.provenance(r, id) else { continue };
        let cites = pr.cite.iter().map(|c| format!("`{c}`"));
        for src in pr.source.clone().into_iter().chain(cites) {
            match sources.iter_mut().find(|(_, s)| *s == src) {
                Some(entry) => entry.0 += 1,
                None => sources.push((1, src)),
            }
        }
    }
    sources.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    if !sources.is_empty() {
        let _ = write!(out, "\n- sources ({}):", sources.len());
        for (count, src) in sources.iter().take(5) {
            let _ = write!(out, "\n  - {src} ×{count}");
        }
        if sources.len() > 5 {
            let _ = write!(out, "\n  - … {} more", sources.len() - 5);
        }
    }
    Some(out)
}

fn rating(a: &Analysis, set: &str, label: &str) -> Option<String> {
    let p = a.project.as_ref()?;
    let rules = p.book.get(set)?;
    let band = rules.ratings.iter().position(|r| r.label == label)?;
    let r = &rules.ratings[band];
    let mut out = format!("**{label}** · rating of `{}`: scores {}..{}", rules.name, number(r.min), number(r.max));
    if let Some(rec) = &r.recommendation {
        let _ = write!(out, "\n\n{}", rec.trim());
    }
    if let Some((session, k)) = scored(a, rules) {
        let ks = &session.scores.kinds[k];
        let now: Vec<&str> = (0..ks.table.len())
            .filter(|&row| ks.results[row].rating == Some(band as u8))
            .map(|row| ks.table.name(row))
            .collect();
        let _ =
            write!(out, "\n\n**Now** ({}): {}", now.len(), if now.is_empty() { "none".into() } else { now.join(", ") });
    }
    Some(out)
}

fn gate(a: &Analysis, set: &str, id: &str) -> Option<String> {
    let p = a.project.as_ref()?;
    let rules = p.book.get(set)?;
    let g = rules.gates.iter().position(|g| g.id == id)?;
    let gate = &rules.gates[g];
    let mut out = format!("**{id}** · gate of `{}`: `{}`\n\n{}", rules.name, gate.when.source, gate.reason.trim());
    if let Some((session, k)) = scored(a, rules)
        && g < 64
    {
        let ks = &session.scores.kinds[k];
        let now: Vec<&str> = (0..ks.table.len())
            .filter(|&row| ks.masks(row).gates_fired & (1 << g) != 0)
            .map(|row| ks.table.name(row))
            .collect();
        let _ = write!(
            out,
            "\n\n**Fires now** ({}): {}",
            now.len(),
            if now.is_empty() { "none".into() } else { now.join(", ") }
        );
    }
    Some(out)
}

fn entity(a: &Analysis, id: &str) -> Option<String> {
    let p = a.project.as_ref()?;
    let (kind, row) = p.dataset.find(id)?;
    let table = p.dataset.table(kind);
    let mut out = format!("**{}** · {} `{id}`", table.name(row as usize), kind.as_str());
    if let Some(session) = a.session(None)
        && let Some(ks) = session.scores.of(kind)
    {
        let r = &ks.results[row as usize];
        let label =
            r.rating.and_then(|b| ks.plan.rules.ratings.get(b as usize)).map_or("unrated", |b| b.label.as_str());
        let _ = write!(out, "\n\nscore {} · {label} under `{}`", number(r.total), ks.plan.rules.name);
    }
    Some(out)
}
