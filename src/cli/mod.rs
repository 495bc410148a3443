//! The command line: arguments (clap), the commands, and where their output goes.

mod check;
mod diff;
mod explain;
mod history;
mod lsp;
mod memo;
pub(crate) mod output;
mod rank;
mod reports;
mod robust;
mod schema;
mod shell;
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
#[command(name = "thesis", version, about, long_about = None, after_help = "Examples:
  thesis check && thesis test && thesis rank
  thesis explain baidu
  thesis diff --base HEAD
  thesis completions bash > ~/.local/share/bash-completion/completions/thesis")]
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
    /// Worker threads, 1 to 256 (default: one per core). Results do not depend on it.
    #[arg(long, value_name = "N", global = true, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// How to print diagnostics (default: human on a terminal, short otherwise).
    #[arg(long = "diagnostic-format", value_name = "FORMAT", global = true)]
    pub diagnostic_format: Option<DiagnosticFormat>,
    /// Colour the output for people (diagnostics in human and short form, test reports):
    /// auto (a terminal without NO_COLOR), always or never. JSON and SARIF are never coloured.
    #[arg(long, value_name = "WHEN", global = true, default_value = "auto")]
    pub color: Color,
    /// Most operations one script evaluation may take (at least 1).
    #[arg(long = "max-operations", value_name = "N", global = true,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_operations: Option<u64>,
    /// Most milliseconds one script evaluation may take (at least 1; default 1000).
    #[arg(long = "max-script-ms", value_name = "MS", global = true,
          value_parser = clap::value_parser!(u64).range(1..=86_400_000))]
    pub max_script_ms: Option<u64>,
    /// The project root: rule, data, script and template files must lie inside it (default:
    /// the deepest directory holding every --rules, --data and checked path).
    #[arg(long, value_name = "DIR", global = true)]
    pub root: Option<PathBuf>,
    /// Read files and follow links that lead outside the project root.
    #[arg(long = "allow-outside-root", global = true)]
    pub allow_outside_root: bool,
    /// Print how long each stage takes to standard error, with the memory in use after it and
    /// the peak so far (Linux).
    #[arg(long, global = true)]
    pub timings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

/// `--as-of` takes a day: a bare `2025` or `2025-06` would compare as earlier than the facts
/// dated in its own period, so it is refused rather than guessed.
/// Most worker threads: each has a 16 MiB stack for the sandbox, and a hundred thousand of
/// them would take minutes to start (or exhaust memory) before any work is done.
const MAX_THREADS: usize = 256;

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!("{s} is not a thread count in 1..={MAX_THREADS}")),
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    let day = s.trim().len() == "YYYY-MM-DD".len();
    match Date::parse(s) {
        Some(d) if day => Ok(d),
        Some(_) => Err(format!("`{s}` is a period, not a day: write YYYY-MM-DD, e.g. {}", first_day(s))),
        None => Err(format!("`{s}` is not a date (YYYY-MM-DD)")),
    }
}

fn first_day(period: &str) -> String {
    match period.trim().len() {
        4 => format!("{}-01-01", period.trim()),
        _ => format!("{}-01", period.trim()),
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Score every entity and print the ranking of one kind.
    #[command(after_help = "Examples:
  thesis rank                                  the companies under the default rule set
  thesis rank --rule-set company-growth --top 5
  thesis rank --as-of 2025-12-31 --format csv > ranking.csv
  thesis rank --kind segment --format json -o segments.json
  thesis rank --format parquet -o ranking.parquet")]
    Rank {
        /// Which kind to rank.
        #[arg(long, default_value = "company")]
        kind: Kind,
        /// Show only the first N ranked entities.
        #[arg(long, value_name = "N")]
        top: Option<usize>,
        /// How to print the ranking: a table, CSV, JSON, Parquet or Arrow (IPC file).
        #[arg(long, default_value = "table")]
        format: RankFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Show where entities' scores come from: every factor, weight, contribution and fact.
    #[command(after_help = "Examples:
  thesis explain baidu
  thesis explain baidu huawei --rule-set company-defensive
  thesis explain tencent --format json")]
    Explain {
        /// Entity ids.
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        /// How to print the explanation: text, JSON (the ledger) or CSV (its factor rows).
        #[arg(long, default_value = "text")]
        format: ExplainFormat,
    },
    /// Write ranked investment memos (Markdown, HTML, JSON) and their index, or check them.
    Memo(memo::MemoArgs),
    /// Validate rule sets, datasets and scripts; report every problem at once.
    Check(check::CheckArgs),
    /// Run the rule tests: cases that score an entity and state what must come out.
    Test(test::TestArgs),
    /// What would change each rating: flip points, one weight at a time, SMAA-2, leave one out.
    Robust(robust::RobustArgs),
    /// Compare how two versions of the rules score the same data, entity by entity.
    Diff(diff::DiffArgs),
    /// Score, rank and rating at several view dates, each rating change with its causes, and the outlook.
    History(history::HistoryArgs),
    /// Re-check, re-test and re-rank on every save of a rule, script or dataset file.
    Watch(watch::WatchArgs),
    /// Serve the Language Server Protocol on stdin/stdout: diagnostics as you type, hover,
    /// definition, references, rename, completion, inlay hints and code lenses.
    #[command(after_help = "Examples:
  thesis lsp                       started by the editor in the project directory
  thesis --rules rules --data datasets lsp")]
    Lsp,
    /// Print the JSON Schema of rule, dataset, test or source-registry files (for editors), or write all four.
    Schema(schema::SchemaArgs),
    /// Print a shell completion script (bash, zsh, fish or powershell).
    #[command(after_help = "Examples:
  thesis completions bash > ~/.local/share/bash-completion/completions/thesis
  thesis completions zsh > ~/.zfunc/_thesis
  thesis completions fish > ~/.config/fish/completions/thesis.fish")]
    Completions {
        /// The shell to complete for.
        shell: shell::Shell,
    },
    /// Print the manual page (roff): `thesis man | man -l -`.
    #[command(after_help = "Examples:
  thesis man | man -l -
  thesis man > ~/.local/share/man/man1/thesis.1")]
    Man,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExplainFormat {
    Text,
    Json,
    /// The factor rows of every entity, one line per entity and factor.
    Csv,
}

impl Common {
    pub(crate) fn options(&self) -> Options {
        let mut o = Options {
            rules: self.rules.clone(),
            data: self.data.clone(),
            extra: Vec::new(),
            rule_sets: self.rule_sets.clone(),
            as_of: self.as_of,
            keep_observations: false,
            limits: Default::default(),
            root: self.root.clone(),
            allow_outside_root: self.allow_outside_root,
            root_dirs: Vec::new(),
            threads: self.threads,
            on_stage: self.timings.then(|| StageHook::new(print_stage)),
            overlay: Default::default(),
            results_only: false,
        };
        if let Some(ops) = self.max_operations {
            o.limits.operations = ops;
        }
        if let Some(ms) = self.max_script_ms {
            o.limits.time = std::time::Duration::from_millis(ms);
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

    /// Diagnostics go out as one document for tools (JSON, SARIF): print nothing beside it.
    pub(crate) fn machine_diagnostics(&self) -> bool {
        self.diagnostic_format().is_machine()
    }

    fn color(&self) -> bool {
        self.color_on(std::io::stderr().is_terminal())
    }

    /// Whether what goes to standard output (test reports, watch) is coloured.
    pub(crate) fn stdout_color(&self) -> bool {
        self.color_on(std::io::stdout().is_terminal())
    }

    fn color_on(&self, terminal: bool) -> bool {
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
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
    let ms = took.as_secs_f64() * 1e3;
    match memory() {
        Some((now, peak)) => crate::say!("thesis: {stage:<16} {ms:>8.1} ms   memory {now:>5} MiB, peak {peak:>5} MiB"),
        None => crate::say!("thesis: {stage:<16} {ms:>8.1} ms"),
    }
}

/// The process's resident memory now and its peak so far, in MiB (Linux's `/proc/self/status`:
/// `VmRSS` and `VmHWM`, in KiB); `None` elsewhere.
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    };
    Some((kb("VmRSS:")? / 1024, kb("VmHWM:")? / 1024))
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
/// Parses the process's arguments and runs them. A usage error is printed like clap prints it,
/// with control characters from the arguments escaped (an argument is data too).
pub(crate) fn main() -> ExitCode {
    use clap::Parser;
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) if e.use_stderr() => {
            let text = e.render().to_string();
            let _ =
                std::io::Write::write_all(&mut std::io::stderr().lock(), crate::escape::escape(&text, true).as_bytes());
            ExitCode::from(e.exit_code().clamp(0, 255) as u8)
        }
        Err(e) => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
    }
}

pub(crate) fn run(cli: Cli) -> ExitCode {
    match crate::pool::in_pool(cli.common.threads, || dispatch(&cli)).and_then(|r| r) {
        Ok(code) => code,
        Err(Error::Invalid { .. }) => ExitCode::from(1),
        Err(e) => {
            crate::say!("thesis: error: {e}");
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
        Command::Robust(args) => robust::run(&cli.common, args),
        Command::History(args) => history::run(&cli.common, args),
        Command::Watch(args) => watch::run(&cli.common, args),
        Command::Lsp => lsp::run(&cli.common),
        Command::Completions { shell } => shell::completions(*shell),
        Command::Man => shell::man(),
    }
}
