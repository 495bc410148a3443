//! Ledgers as text (for people) and JSON (for programs).

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, Table, presets};

use crate::evaluate::ledger::{Evidence, FactorLine};
use crate::evaluate::{Ledger, Status};
use crate::fmt::{RawStyle, fixed, number, percent, raw};

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |v| fixed(v, 2))
}

/// `(source, as of, grade)` of a fact, judgment marked as such.
pub(crate) fn provenance_text(e: &Evidence) -> String {
    let p = &e.provenance;
    let mut parts = Vec::new();
    if let Some(j) = &p.judgment {
        parts.push(format!("analyst judgment: {j}"));
    }
    if let Some(s) = &p.source {
        parts.push(format!("source: {s}"));
    }
    if let Some(d) = &p.as_of {
        parts.push(format!("as of {d}"));
    }
    if let Some(g) = &p.grade {
        parts.push(format!("grade {g}"));
    }
    if e.withheld {
        parts.push("withheld: dated after --as-of".into());
    }
    if let Some(n) = &p.note {
        parts.push(format!("note: {n}"));
    }
    parts.join("; ")
}

/// Writes one ledger as text.
pub(crate) fn write_text(out: &mut dyn Write, l: &Ledger, position: Option<(u32, usize, f64)>) -> io::Result<()> {
    let rs = &l.rule_set;
    let profile = rs.profile.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
    writeln!(out, "{} ({}) · {} · rule set {} {}{profile}", l.name, l.id, l.kind, rs.name, rs.version)?;
    writeln!(
        out,
        "{} · rating {} · {} · coverage {}",
        score_line(l),
        l.rating.as_deref().unwrap_or("none"),
        place_text(position, l),
        percent(l.coverage)
    )?;
    if l.rating != l.rating_before_caps {
        writeln!(out, "rating capped from {} by a gate", l.rating_before_caps.as_deref().unwrap_or("none"))?;
    }
    if let Some(r) = &l.recommendation {
        writeln!(out, "recommendation: {r}")?;
    }
    write_categories(out, l)?;
    write_factors(out, &l.factors)?;
    write_conditions(out, l)?;
    if !l.reason_codes.is_empty() {
        let codes: Vec<String> =
            l.reason_codes.iter().map(|r| format!("{} (−{})", r.factor, fixed(r.lost, 2))).collect();
        writeln!(out, "\nreason codes: {}", codes.join(", "))?;
    }
    if !l.profile.is_empty() {
        writeln!(out, "\nprofile (context, not scored)")?;
        for e in &l.profile {
            writeln!(
                out,
                "    {} = {} ({})",
                e.attribute,
                e.value.as_deref().unwrap_or("missing"),
                provenance_text(e)
            )?;
        }
    }
    Ok(())
}

/// `score S = base B ± adjustments[ ± clamp]`.
fn score_line(l: &Ledger) -> String {
    let adjust: f64 = l.adjustments.iter().filter(|a| a.fired).filter_map(|a| a.points).sum();
    let clamp = if l.clamp == 0.0 { String::new() } else { format!(" {} clamp", signed_term(l.clamp)) };
    format!("score {} = base {} {} adjustments{clamp}", fixed(l.score, 2), fixed(l.base, 2), signed_term(adjust))
}

/// A term of a sum as written after another: `+ 2.00` or `− 2.00`.
fn signed_term(x: f64) -> String {
    if x < 0.0 { format!("− {}", fixed(-x, 2)) } else { format!("+ {}", fixed(x, 2)) }
}

/// Where the entity stands: its rank, or why it has none.
fn place_text(position: Option<(u32, usize, f64)>, l: &Ledger) -> String {
    match (position, l.status) {
        (Some((rank, n, pct)), _) => format!("rank {rank} of {n} (percentile {})", fixed(pct, 1)),
        (None, Status::Excluded(_)) => format!("excluded by gate {}", l.excluded_by.as_deref().unwrap_or("")),
        (None, _) => "not ranked: no factor has a value".to_string(),
    }
}

fn write_categories(out: &mut dyn Write, l: &Ledger) -> io::Result<()> {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_header(["category", "weight", "share", "score", "contribution"]);
    for c in &l.categories {
        t.add_row(vec![
            Cell::new(&c.name),
            right(number(c.weight)),
            right(percent(c.share)),
            right(opt(c.score)),
            right(fixed(c.contribution, 2)),
        ]);
    }
    write!(out, "\n{}", super::table_text(&t))
}

fn write_factors(out: &mut dyn Write, factors: &[FactorLine]) -> io::Result<()> {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_header(["factor", "category", "raw", "points", "weight", "share", "contribution", "lost", "state"]);
    for f in factors {
        t.add_row(vec![
            Cell::new(&f.id),
            Cell::new(&f.category),
            right(raw(&f.raw, RawStyle::Table)),
            right(opt(f.points)),
            right(number(f.weight)),
            right(percent(f.share)),
            right(fixed(f.contribution, 2)),
            right(fixed(f.lost, 2)),
            Cell::new(f.state.word()),
        ]);
    }
    write!(out, "\n{}", super::table_text(&t))?;
    writeln!(out)?;
    for f in factors {
        writeln!(out, "{} — {} [{}; {}]", f.id, f.description, f.input, f.scale)?;
        if let Some(n) = &f.note {
            writeln!(out, "    {n}")?;
        }
        write_evidence(out, &f.evidence)?;
        for r in &f.related {
            writeln!(
                out,
                "    {} {} ({}) weight {}: score {}, {}",
                r.kind,
                r.name,
                r.id,
                number(r.weight),
                opt(r.score),
                r.rating.as_deref().unwrap_or("no rating")
            )?;
        }
    }
    Ok(())
}

/// One line per fact: `attribute = value (provenance)`.
fn write_evidence(out: &mut dyn Write, evidence: &[Evidence]) -> io::Result<()> {
    for e in evidence {
        let value = e.value.as_deref().unwrap_or("missing");
        match provenance_text(e) {
            p if p.is_empty() => writeln!(out, "    {} = {value}", e.attribute)?,
            p => writeln!(out, "    {} = {value} ({p})", e.attribute)?,
        }
    }
    Ok(())
}

fn write_conditions(out: &mut dyn Write, l: &Ledger) -> io::Result<()> {
    if !l.adjustments.is_empty() {
        writeln!(out, "\nadjustments")?;
        for a in &l.adjustments {
            writeln!(out, "  {} {} ({}): {}", a.effect, a.id, a.state.phrase(), a.reason)?;
            write_evidence(out, &a.evidence)?;
        }
    }
    if l.clamp != 0.0 {
        writeln!(out, "  clamp {}: the total is kept within 0..100", fixed(l.clamp, 2))?;
    }
    if !l.gates.is_empty() {
        writeln!(out, "\ngates")?;
        for g in &l.gates {
            writeln!(out, "  {} [{}] ({}): {}", g.id, g.effect, g.state.phrase(), g.reason)?;
            write_evidence(out, &g.evidence)?;
        }
    }
    if !l.flags.is_empty() {
        writeln!(out, "\nflags: {}", l.flags.join(", "))?;
    }
    Ok(())
}
