//! Rule-test results as a test runner prints them: the failed cases (every case when verbose)
//! with the expected and actual sides of every failed expectation, coverage, and a closing
//! `N passed, M failed` line. `FAIL` and `ERROR` are red and `ok` green when colour is on.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::encode::csv::Csv;
use super::encode::{Column, Encoder, Value};
use crate::escape::line;
use crate::source::SourceMap;
use crate::testing::{CaseResult, Coverage, TestRun, Verdict};

/// How to print a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TestFormat {
    /// As a test runner prints it: failures (every case with `-v`), coverage, the tally.
    #[default]
    Text,
    /// Every case, one line per failed expectation (one for a case that passed or erred).
    Csv,
}

/// The columns of a run's rows: where the case is, its name and verdict, and per failed
/// expectation what was compared and both sides; a case in error says why.
fn case_columns() -> Vec<Column> {
    ["place", "case", "verdict", "what", "expected", "actual", "error"]
        .iter()
        .map(|n| Column::new(n, None, false))
        .collect()
}

/// One case's rows, in the order of [`case_columns`].
fn case_rows<'a>(r: &'a CaseResult, place: &'a str) -> Vec<Vec<Value<'a>>> {
    let row = |verdict, what, expected, actual, error| {
        [place, r.name.as_str(), verdict, what, expected, actual, error].map(Value::Text).to_vec()
    };
    match &r.verdict {
        Verdict::Passed => vec![row("passed", "", "", "", "")],
        Verdict::Error(why) => vec![row("error", "", "", "", why.as_str())],
        Verdict::Failed(ms) => {
            ms.iter().map(|m| row("failed", m.what.as_str(), m.expected.as_str(), m.actual.as_str(), "")).collect()
        }
    }
}

/// Every case of the run as CSV rows (coverage and the tally are the text report's).
pub(crate) fn write_csv(out: &mut dyn Write, run: &TestRun, sources: &SourceMap) -> io::Result<()> {
    let mut enc = Csv::new(4096);
    enc.header(&case_columns())?;
    for r in &run.results {
        let place = place(r, sources);
        for values in case_rows(r, &place) {
            enc.row(&values)?;
        }
    }
    out.write_all(&enc.into_bytes()?)
}

/// How much of a run to print.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ReportStyle {
    /// Every case, passed ones too (`-v`); otherwise only those that did not pass.
    pub verbose: bool,
    /// ANSI colour on the verdict words.
    pub color: bool,
    /// The items no case exercised.
    pub coverage: bool,
}

/// Writes the report: the cases `style` asks for, coverage if asked, then the tally.
pub(crate) fn write_report(
    out: &mut dyn Write,
    run: &TestRun,
    sources: &SourceMap,
    style: ReportStyle,
) -> io::Result<()> {
    for r in run.results.iter().filter(|r| style.verbose || !passed(r)) {
        write_case(out, r, sources, style.color)?;
    }
    if style.coverage {
        write_coverage(out, &run.coverage)?;
    }
    writeln!(out, "{}", tally(run))
}

/// `180 passed, 3 failed`, and `0 cases matched` when a filter left nothing to run.
fn tally(run: &TestRun) -> String {
    if run.results.is_empty() {
        return "0 passed, 0 failed (no case matched)".to_string();
    }
    format!("{} passed, {} failed", run.passed(), run.failed())
}

/// For watch mode: the failed cases not in `known` (those an earlier run showed are counted,
/// not reprinted), then the tally. Returns every failed case's key, for the next run.
pub(crate) fn write_failures(
    out: &mut dyn Write,
    run: &TestRun,
    sources: &SourceMap,
    known: &BTreeSet<String>,
    color: bool,
) -> io::Result<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    let mut repeated = 0;
    for r in run.results.iter().filter(|r| !passed(r)) {
        let key = format!("{}  {}", place(r, sources), r.name);
        if known.contains(&key) {
            repeated += 1;
        } else {
            write_case(out, r, sources, color)?;
        }
        keys.insert(key);
    }
    if repeated > 0 {
        let cases = if repeated == 1 { "case" } else { "cases" };
        writeln!(out, "({repeated} failing {cases} shown in an earlier run, unchanged)")?;
    }
    writeln!(out, "tests: {}", tally(run))?;
    Ok(keys)
}

fn passed(r: &CaseResult) -> bool {
    matches!(r.verdict, Verdict::Passed)
}

fn place(r: &CaseResult, sources: &SourceMap) -> String {
    let f = sources.get(r.file);
    match r.span {
        Some(s) => format!("{}:{}", f.name, f.line_col(s.start).0),
        None => f.name.clone(),
    }
}

/// The verdict word, padded to 6 columns, coloured when asked.
fn word(text: &str, ansi: &str, color: bool) -> String {
    let padded = format!("{text:6}");
    if color { format!("\x1b[{ansi}m{text}\x1b[0m{}", &padded[text.len()..]) } else { padded }
}

/// One case. Text from the files (names, values) is escaped here, so that the verdict's
/// colour codes can go to a sink that does not escape.
fn write_case(out: &mut dyn Write, r: &CaseResult, sources: &SourceMap, color: bool) -> io::Result<()> {
    let place = place(r, sources);
    let (place, name) = (line(&place), line(&r.name));
    match &r.verdict {
        Verdict::Passed => writeln!(out, "{} {place}  {name}", word("ok", "32", color)),
        Verdict::Error(why) => writeln!(out, "{} {place}  {name}\n       {}", word("ERROR", "1;31", color), line(why)),
        Verdict::Failed(ms) => {
            writeln!(out, "{} {place}  {name}", word("FAIL", "1;31", color))?;
            let width = ms.iter().map(|m| m.what.chars().count()).max().unwrap_or(0);
            for m in ms {
                writeln!(out, "       {:width$}  expected  {}", m.what, line(&m.expected))?;
                writeln!(out, "       {:width$}  actual    {}", "", line(&m.actual))?;
            }
            Ok(())
        }
    }
}

fn write_coverage(out: &mut dyn Write, c: &Coverage) -> io::Result<()> {
    writeln!(out, "coverage: {} of {} items exercised ({}%)", c.hit(), c.total(), crate::fmt::fixed(c.percent(), 1))?;
    for set in &c.sets {
        let hit = set.items.iter().filter(|i| i.hit).count();
        writeln!(out, "  {}: {hit} of {}", line(&set.rule_set), set.items.len())?;
        for i in set.items.iter().filter(|i| !i.hit) {
            writeln!(out, "    not exercised: {:10} {}", i.what, line(&i.label))?;
        }
    }
    Ok(())
}
