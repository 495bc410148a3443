//! Ledgers as text (for people) and JSON (for programs).

use std::io::{self, Write};

use super::encode::csv::Csv;
use super::encode::table::text_table;
use super::encode::{Column, Encoder, Value};
use crate::evaluate::ledger::{CategoryLine, ConditionState, Evidence, FactorLine};
use crate::evaluate::{Ledger, Status};
use crate::fmt::{fixed, number, percent};

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
    match (&p.period, &p.published) {
        (Some(d), None) => parts.push(format!("as of {d}")),
        (Some(d), Some(p)) => parts.push(format!("period {d}, published {p}")),
        (None, Some(p)) => parts.push(format!("published {p}")),
        (None, None) => {}
    }
    if let Some(g) = &p.grade {
        parts.push(format!("grade {g}"));
    }
    if e.withheld {
        parts.push("withheld: not yet known at the view date".into());
    }
    parts.extend(restated(e));
    parts.extend(later(e));
    if let Some(n) = &p.note {
        parts.push(format!("note: {n}"));
    }
    parts.join("; ")
}

/// `restated 2025-03-14; previously 12`: the earlier figure of the period a value replaced.
pub(crate) fn restated(e: &crate::evaluate::ledger::Evidence) -> Option<String> {
    let p = &e.provenance;
    let o = e.previously.as_ref()?;
    let when = p.published.or(p.period).map(|d| format!(" {d}")).unwrap_or_default();
    Some(format!("restated{when}; previously {}", o.value))
}

/// A fresher observation not yet known at the view date, or a known one scheduled after it.
pub(crate) fn later(e: &crate::evaluate::ledger::Evidence) -> Option<String> {
    let o = e.not_yet_published.as_ref()?;
    let show = |d: Option<crate::model::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    Some(match o.scheduled {
        true => format!("scheduled: {} from {} (known since {})", o.value, show(o.period), show(o.published)),
        false => format!("not yet published at the view date: {} (published {})", o.value, show(o.published)),
    })
}

/// `facts behind the score: 12 sourced, 3 judgments, 2 unsourced (bare values)`: coverage
/// counts data present, this says how much of it cites a source. Each attribute counts once.
fn basis_line(l: &Ledger) -> Option<String> {
    let mut seen = std::collections::BTreeMap::new();
    for e in
        l.factors.iter().filter(|f| f.state == crate::evaluate::ledger::FactorState::Observed).flat_map(|f| &f.evidence)
    {
        if !e.withheld && e.value.is_some() {
            seen.entry(e.attribute.as_str()).or_insert(e.basis());
        }
    }
    if seen.is_empty() {
        return None;
    }
    let count = |b: &str| seen.values().filter(|&&x| x == b).count();
    let (sourced, judged, bare) = (count("sourced"), count("judgment"), count("unsourced"));
    let mut parts = vec![format!("{sourced} sourced"), crate::fmt::count(judged, "judgment")];
    if bare > 0 {
        parts.push(format!("{bare} unsourced (bare values)"));
    }
    let shares = l.basis.map_or(String::new(), |b| {
        format!(
            " · weight sourced {}, judged {}, unsourced {}; on grade C facts {}",
            percent(b.sourced),
            percent(b.judged),
            percent(b.unsourced),
            percent(b.grade_c)
        )
    });
    Some(format!("facts behind the score: {}{shares}", parts.join(", ")))
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
        rating_text(l),
        place_text(position, l),
        percent(l.coverage)
    )?;
    writeln!(out, "{}", bounds_line(l))?;
    if let Some(line) = basis_line(l) {
        writeln!(out, "{line}")?;
    }
    if l.rating != l.rating_before_caps && !matches!(l.status, Status::NotRated(_)) {
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

/// `Neutral (firm)`, `Neutral (provisional)`, `not rated`, or `none`.
fn rating_text(l: &Ledger) -> String {
    match (&l.rating, l.status) {
        (_, Status::NotRated(_)) => match &l.rating_before_caps {
            Some(r) => format!("not rated (the score alone rates {r})"),
            None => "not rated".to_string(),
        },
        (Some(r), _) => format!("{r} ({})", if l.firm { "firm" } else { "provisional" }),
        (None, _) => "none".to_string(),
    }
}

/// `bounds 41.20 – 58.00: ...`: how far the factors without observed data (at the least and
/// most points they can get) and the undetermined adjustments could move the score.
fn bounds_line(l: &Ledger) -> String {
    let (lo, hi) = (fixed(l.bounds.lo, 2), fixed(l.bounds.hi, 2));
    let open: Vec<String> = l
        .factors
        .iter()
        .filter(|f| f.state != crate::evaluate::ledger::FactorState::Observed)
        .map(|f| format!("{} {}–{}", f.id, number(f.points_range[0]), number(f.points_range[1])))
        .collect();
    let undetermined: Vec<&str> = l
        .adjustments
        .iter()
        .filter(|a| matches!(a.state, ConditionState::Undetermined | ConditionState::FiredOnMissing))
        .map(|a| a.id.as_str())
        .collect();
    if open.is_empty() && undetermined.is_empty() {
        return format!("bounds {lo} – {hi}: every factor has observed data");
    }
    let mut parts = Vec::new();
    if !open.is_empty() {
        parts.push(format!("factors without observed data at their least and most points ({})", open.join(", ")));
    }
    if !undetermined.is_empty() {
        parts.push(format!("undetermined adjustments either way ({})", undetermined.join(", ")));
    }
    format!("bounds {lo} – {hi}: {}", parts.join("; "))
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
        (None, Status::NotRated(_)) => {
            format!("not rated ({}): {}", l.not_rated_by.as_deref().unwrap_or(""), l.reason.as_deref().unwrap_or(""))
        }
        (None, _) => "not ranked: no factor has a value".to_string(),
    }
}

/// The ledger's category rows: name, weight, share, score and contribution.
pub(crate) fn category_columns() -> Vec<Column> {
    vec![
        Column::new("category", Some("category"), false),
        Column::new("weight", Some("weight"), true),
        Column::new("share", Some("share"), true),
        Column::new("score", Some("score"), true),
        Column::new("contribution", Some("contribution"), true),
    ]
}

/// One category's values, in the order of [`category_columns`].
pub(crate) fn category_values(c: &CategoryLine) -> Vec<Value<'_>> {
    vec![
        Value::Text(&c.name),
        Value::Weight(c.weight),
        Value::Share(c.share),
        Value::Number(c.score),
        Value::Score(c.contribution),
    ]
}

/// The ledger's factor rows: what each factor read, scored and weighed, and its state.
pub(crate) fn factor_columns() -> Vec<Column> {
    vec![
        Column::new("factor", Some("factor"), false).whole(),
        Column::new("category", Some("category"), false).whole(),
        Column::new("raw", Some("raw"), true).whole(),
        Column::new("points", Some("points"), true),
        Column::new("weight", Some("weight"), true),
        Column::new("share", Some("share"), true),
        Column::new("contribution", Some("contribution"), true),
        Column::new("lost", Some("lost"), true),
        Column::new("state", Some("state"), false).whole(),
    ]
}

/// One factor's values, in the order of [`factor_columns`].
pub(crate) fn factor_values(f: &FactorLine) -> Vec<Value<'_>> {
    vec![
        Value::Text(&f.id),
        Value::Text(&f.category),
        Value::Raw(&f.raw),
        Value::Number(f.points),
        Value::Weight(f.weight),
        Value::Share(f.share),
        Value::Score(f.contribution),
        Value::Score(f.lost),
        Value::Text(f.state.word()),
    ]
}

/// The factor rows of several ledgers as CSV: the entity's `id` and `kind`, then
/// [`factor_columns`]; one line per entity and factor.
pub(crate) fn write_factor_csv(out: &mut dyn Write, ledgers: &[&Ledger]) -> io::Result<()> {
    let mut columns = vec![Column::new("id", None, false), Column::new("kind", None, false)];
    columns.extend(factor_columns());
    let mut enc = Csv::new(4096);
    enc.header(&columns)?;
    for l in ledgers {
        for f in &l.factors {
            let mut values = vec![Value::Text(&l.id), Value::Text(l.kind.as_str())];
            values.extend(factor_values(f));
            enc.row(&values)?;
        }
    }
    out.write_all(&enc.into_bytes()?)
}

fn write_categories(out: &mut dyn Write, l: &Ledger) -> io::Result<()> {
    let rows: Vec<Vec<Value<'_>>> = l.categories.iter().map(category_values).collect();
    writeln!(out)?;
    out.write_all(&text_table(&category_columns(), &rows, true)?)
}

fn write_factors(out: &mut dyn Write, factors: &[FactorLine]) -> io::Result<()> {
    let rows: Vec<Vec<Value<'_>>> = factors.iter().map(factor_values).collect();
    writeln!(out)?;
    out.write_all(&text_table(&factor_columns(), &rows, true)?)?;
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
