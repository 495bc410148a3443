//! `thesis test [PATH|NAME...]`: run the rule tests; print the cases that did not pass (every
//! case with `-v`) and a closing tally.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Common;
use super::output::{to_stdout_as, to_stdout_painted};
use crate::Error;
use crate::diag::Diagnostics;
use crate::render::test_report::{ReportStyle, TestFormat, write_csv, write_report};
use crate::source::SourceMap;

/// What `thesis test` was asked for.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  thesis test                          run every case; print failures and the tally
  thesis test -v                       print every case, passed ones too
  thesis test rules/tests/company.yaml run one file
  thesis test NetEase                  run the cases whose name contains `NetEase`
  thesis test --coverage               list what no case exercised")]
pub(crate) struct TestArgs {
    /// Test files or directories to run, or words a case's name must contain (an argument
    /// that is not an existing path is a name filter). Default: every test file.
    #[arg(value_name = "PATH|NAME")]
    pub targets: Vec<String>,
    /// Print every case, not only those that did not pass.
    #[arg(long, short)]
    pub verbose: bool,
    /// Report the factors, bands, gates and adjustments no case exercised (of the rule sets
    /// the selected cases use, when only some run).
    #[arg(long)]
    pub coverage: bool,
    /// Fail when less than PCT percent of the items are exercised (implies --coverage).
    #[arg(long = "min-coverage", value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
    /// How to print the run: text, or CSV (every case, one line per failed expectation).
    #[arg(long, default_value = "text")]
    pub format: TestFormat,
}

impl TestArgs {
    /// The targets that are paths, and the name filters.
    fn split(&self) -> (Vec<PathBuf>, Vec<String>) {
        let (paths, names): (Vec<&String>, Vec<&String>) =
            self.targets.iter().partition(|t| std::path::Path::new(t.as_str()).exists());
        (paths.into_iter().map(PathBuf::from).collect(), names.into_iter().cloned().collect())
    }
}

pub(super) fn run(common: &Common, args: &TestArgs) -> Result<ExitCode, Error> {
    let sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let mut opts = common.options();
    let (paths, names) = args.split();
    opts.extra = paths.clone();
    let result = crate::pipeline::test(&opts, &paths, &names, &sources, &mut diags);
    common.report(&diags, &sources);
    let (_, run) = result?;
    let coverage = args.coverage || args.min_coverage.is_some();
    let style = ReportStyle { verbose: args.verbose, color: common.stdout_color(), coverage };
    if args.format == TestFormat::Csv {
        to_stdout_as(false, |out| write_csv(out, &run, &sources))?;
    } else if style.color {
        to_stdout_painted(|out| write_report(out, &run, &sources, style))?;
    } else {
        to_stdout_as(true, |out| write_report(out, &run, &sources, style))?;
    }
    let mut ok = run.failed() == 0;
    if let Some(min) = args.min_coverage
        && run.coverage.percent() < min
    {
        crate::say!(
            "thesis: coverage {}% is below --min-coverage {}",
            crate::fmt::fixed(run.coverage.percent(), 1),
            crate::fmt::number(min)
        );
        ok = false;
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// A percentage from 0 to 100; NaN, infinities and anything outside are usage errors.
fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=100.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a percentage from 0 to 100")),
    }
}
