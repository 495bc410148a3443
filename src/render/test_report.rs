//! Rule-test results as a test runner prints them: a line per case, the expected and actual
//! sides of every failed expectation, coverage, and a closing `N passed, M failed` line.

use std::io::{self, Write};

use crate::source::SourceMap;
use crate::testing::{CaseResult, Coverage, TestRun, Verdict};

/// Writes the whole report; with `coverage`, the items no case exercised too.
pub(crate) fn write_report(out: &mut dyn Write, run: &TestRun, sources: &SourceMap, coverage: bool) -> io::Result<()> {
    for r in &run.results {
        write_case(out, r, sources)?;
    }
    if coverage {
        write_coverage(out, &run.coverage)?;
    }
    writeln!(out, "{} passed, {} failed", run.passed(), run.failed())
}

/// Writes only the cases that did not pass, then the tally (for watch mode).
pub(crate) fn write_failures(out: &mut dyn Write, run: &TestRun, sources: &SourceMap) -> io::Result<()> {
    for r in run.results.iter().filter(|r| !matches!(r.verdict, Verdict::Passed)) {
        write_case(out, r, sources)?;
    }
    writeln!(out, "tests: {} passed, {} failed", run.passed(), run.failed())
}

fn place(r: &CaseResult, sources: &SourceMap) -> String {
    let f = sources.get(r.file);
    match r.span {
        Some(s) => format!("{}:{}", f.name, f.line_col(s.start).0),
        None => f.name.clone(),
    }
}

fn write_case(out: &mut dyn Write, r: &CaseResult, sources: &SourceMap) -> io::Result<()> {
    let place = place(r, sources);
    match &r.verdict {
        Verdict::Passed => writeln!(out, "ok     {place}  {}", r.name),
        Verdict::Error(why) => writeln!(out, "ERROR  {place}  {}\n       {why}", r.name),
        Verdict::Failed(ms) => {
            writeln!(out, "FAIL   {place}  {}", r.name)?;
            let width = ms.iter().map(|m| m.what.chars().count()).max().unwrap_or(0);
            for m in ms {
                writeln!(out, "       {:width$}  expected  {}", m.what, m.expected)?;
                writeln!(out, "       {:width$}  actual    {}", "", m.actual)?;
            }
            Ok(())
        }
    }
}

fn write_coverage(out: &mut dyn Write, c: &Coverage) -> io::Result<()> {
    writeln!(out, "coverage: {} of {} items exercised ({}%)", c.hit(), c.total(), crate::fmt::fixed(c.percent(), 1))?;
    for set in &c.sets {
        let hit = set.items.iter().filter(|i| i.hit).count();
        writeln!(out, "  {}: {hit} of {}", set.rule_set, set.items.len())?;
        for i in set.items.iter().filter(|i| !i.hit) {
            writeln!(out, "    not exercised: {:10} {}", i.what, i.label)?;
        }
    }
    Ok(())
}
