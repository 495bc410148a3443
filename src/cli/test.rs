//! `thesis test [PATH...]`: run the rule tests, print a line per case and a closing tally.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Common;
use super::output::to_stdout;
use crate::Error;
use crate::diag::Diagnostics;
use crate::render::test_report::write_report;
use crate::source::SourceMap;

/// What `thesis test` was asked for.
#[derive(Debug, clap::Args)]
pub(crate) struct TestArgs {
    /// Test files or directories to run (default: every test file under --rules and --data).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Report the factors, bands, gates and adjustments no case exercised.
    #[arg(long)]
    pub coverage: bool,
    /// Fail when less than PCT percent of the items are exercised (implies --coverage).
    #[arg(long = "min-coverage", value_name = "PCT")]
    pub min_coverage: Option<f64>,
}

pub(super) fn run(common: &Common, args: &TestArgs) -> Result<ExitCode, Error> {
    let sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let mut opts = common.options();
    opts.extra = args.paths.clone();
    let result = crate::pipeline::test(&opts, &args.paths, &sources, &mut diags);
    common.report(&diags, &sources);
    let (_, run) = result?;
    let coverage = args.coverage || args.min_coverage.is_some();
    to_stdout(|out| write_report(out, &run, &sources, coverage))?;
    let mut ok = run.failed() == 0;
    if let Some(min) = args.min_coverage {
        if run.coverage.percent() < min {
            eprintln!(
                "thesis: coverage {}% is below --min-coverage {}",
                crate::fmt::fixed(run.coverage.percent(), 1),
                crate::fmt::number(min)
            );
            ok = false;
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
