//! The command line: arguments (clap), the commands, and where their output goes.

mod check;
mod diff;
mod explain;
mod memo;
mod output;
mod rank;
mod schema;
mod test;
mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::Error;
use crate::diag::{DiagnosticFormat, Diagnostics, render_all};
use crate::model::{Date, Kind};
use crate::project::{Options, Session, StageHook};
use crate::render::rank::RankFormat;
use crate::source::SourceMap;

/// Investment-scoring rules engine: scores, ranks and explains entities under YAML rule sets.
#[derive(Debug, Parser)]
#[command(name = "thesis", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct Common {
    /// Rule files or directories (repeatable).
    #[arg(long = "rules", value_name = "PATH", global = true, default_value = "rules")]
    pub rules: Vec<PathBuf>,
    /// Dataset files or directories (repeatable).
    #[arg(long = "data", value_name = "PATH", global = true, default_value = "datasets")]
    pub data: Vec<PathBuf>,
    /// Rule set to use for its kind, by name (repeatable, one per kind).
    #[arg(long = "rule-set", value_name = "NAME", global = true)]
    pub rule_sets: Vec<String>,
    /// Leave out facts dated after this day (YYYY-MM-DD).
    #[arg(long = "as-of", value_name = "DATE", global = true, value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_name = "N", global = true)]
    pub threads: Option<usize>,
    /// How to print diagnostics (default: human on a terminal, short otherwise).
    #[arg(long = "diagnostic-format", value_name = "FORMAT", global = true)]
    pub diagnostic_format: Option<DiagnosticFormat>,
    /// Colour diagnostics: auto, always or never.
    #[arg(long, value_name = "WHEN", global = true, default_value = "auto")]
    pub color: Color,
    /// Most operations one script evaluation may take.
    #[arg(long = "max-operations", value_name = "N", global = true)]
    pub max_operations: Option<u64>,
    /// Print how long each stage takes to standard error.
    #[arg(long, global = true)]
    pub timings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Score every entity and print the ranking of one kind.
    Rank {
        /// Which kind to rank.
        #[arg(long, default_value = "company")]
        kind: Kind,
        /// Show only the first N ranked entities.
        #[arg(long, value_name = "N")]
        top: Option<usize>,
        #[arg(long, default_value = "table")]
        format: RankFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Show where entities' scores come from: every factor, weight, contribution and fact.
    Explain {
        /// Entity ids.
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        #[arg(long, default_value = "text")]
        format: ExplainFormat,
    },
    /// Write ranked investment memos (Markdown, HTML, JSON) and their index, or check them.
    Memo(memo::MemoArgs),
    /// Validate rule sets, datasets and scripts; report every problem at once.
    Check(check::CheckArgs),
    /// Run the rule tests: cases that score an entity and state what must come out.
    Test(test::TestArgs),
    /// Compare how two versions of the rules score the same data, entity by entity.
    Diff(diff::DiffArgs),
    /// Re-check, re-test and re-rank on every save of a rule, script or dataset file.
    Watch(watch::WatchArgs),
    /// Print the JSON Schema of rule, dataset or test files (for editors), or write all three.
    Schema(schema::SchemaArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExplainFormat {
    Text,
    Json,
}

impl Common {
    pub(crate) fn options(&self) -> Options {
        let mut o = Options {
            rules: self.rules.clone(),
            data: self.data.clone(),
            extra: Vec::new(),
            rule_sets: self.rule_sets.clone(),
            as_of: self.as_of,
            limits: Default::default(),
            threads: self.threads,
            on_stage: self.timings.then(|| StageHook::new(print_stage)),
        };
        if let Some(ops) = self.max_operations {
            o.limits.operations = ops;
        }
        o
    }

    fn diagnostic_format(&self) -> DiagnosticFormat {
        self.diagnostic_format.unwrap_or(if std::io::stderr().is_terminal() {
            DiagnosticFormat::Human
        } else {
            DiagnosticFormat::Short
        })
    }

    fn color(&self) -> bool {
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    /// Scores with these options, printing the diagnostics (see [`crate::pipeline::score_reported`]).
    pub(crate) fn score(&self, opts: &Options) -> Result<(Session, SourceMap), Error> {
        crate::pipeline::score_reported(opts, |diags, sources| self.report(diags, sources))
    }

    /// Prints diagnostics to standard error.
    pub(crate) fn report(&self, diags: &Diagnostics, sources: &SourceMap) {
        let mut err = std::io::stderr().lock();
        let _ = render_all(diags, sources, self.diagnostic_format(), self.color(), &mut err);
    }
}

/// Prints one stage's duration for `--timings`.
fn print_stage(stage: &str, took: std::time::Duration) {
    eprintln!("thesis: {stage:<16} {:>8.1} ms", took.as_secs_f64() * 1e3);
}

/// Stage durations of the CLI's own stages (ranking, writing) for `--timings`.
pub(crate) struct Timings {
    last: Option<std::time::Instant>,
}

impl Timings {
    pub(crate) fn new(enabled: bool) -> Timings {
        Timings { last: enabled.then(std::time::Instant::now) }
    }

    pub(crate) fn mark(&mut self, stage: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            print_stage(stage, now - last);
            self.last = Some(now);
        }
    }
}

/// Runs a parsed command line and returns the process exit code. The whole command runs on
/// the library's worker pool, so its own parallel work (ranking, writing) honours `--threads`.
pub(crate) fn run(cli: Cli) -> ExitCode {
    match crate::pool::in_pool(cli.common.threads, || dispatch(&cli)).and_then(|r| r) {
        Ok(code) => code,
        Err(Error::Invalid { .. }) => ExitCode::from(1),
        Err(e) => {
            eprintln!("thesis: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(cli: &Cli) -> Result<ExitCode, Error> {
    match &cli.command {
        Command::Rank { kind, top, format, output } => rank::run(&cli.common, *kind, *top, *format, output.as_deref()),
        Command::Explain { ids, format } => explain::run(&cli.common, ids, *format),
        Command::Memo(args) => memo::run(&cli.common, args),
        Command::Check(args) => check::run(&cli.common, args),
        Command::Test(args) => test::run(&cli.common, args),
        Command::Schema(args) => schema::run(args),
        Command::Diff(args) => diff::run(&cli.common, args),
        Command::Watch(args) => watch::run(&cli.common, args),
    }
}
