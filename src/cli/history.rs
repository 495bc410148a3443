//! `thesis history [ID...] (--dates D1,D2,... | --from D --to D --every month|quarter|year)`:
//! score, rank and rating at each view date, the rating changes with their causes, the outlook.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Common;
use super::output::{Reads, emit};
use crate::Error;
use crate::history::{Inputs, MAX_DATES, history, schedule};
use crate::model::{Date, Kind, Row};
use crate::render::history::{HistoryFormat, write_history};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  thesis history --dates 2023-12-31,2024-12-31,2025-12-31
  thesis history zhipu baidu --from 2024-01-01 --to 2025-12-31 --every quarter
  thesis history --kind region --dates 2024-12-31,2025-12-31 --format json")]
pub(crate) struct HistoryArgs {
    /// Entity ids (default: every entity of the kind).
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Which kind.
    #[arg(long, default_value = "company")]
    pub kind: Kind,
    /// The view dates, YYYY-MM-DD, comma-separated.
    #[arg(long, value_name = "D1,D2,...", value_delimiter = ',', value_parser = super::parse_date,
          conflicts_with_all = ["from", "to", "every"], required_unless_present = "from")]
    pub dates: Vec<Date>,
    /// The first view date of a schedule (with --to and --every).
    #[arg(long, value_name = "DATE", value_parser = super::parse_date, requires_all = ["to", "every"])]
    pub from: Option<Date>,
    /// The last view date of a schedule.
    #[arg(long, value_name = "DATE", value_parser = super::parse_date, requires = "from")]
    pub to: Option<Date>,
    /// Month ends between --from and --to, every month, quarter or year.
    #[arg(long, requires = "from")]
    pub every: Option<Every>,
    /// How to print it: a table, JSON, or the long form as CSV, Parquet or Arrow.
    #[arg(long, default_value = "table")]
    pub format: HistoryFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Every {
    Month,
    Quarter,
    Year,
}

pub(super) fn run(common: &Common, args: &HistoryArgs) -> Result<ExitCode, Error> {
    let dates = match (args.from, args.to, args.every) {
        (Some(from), Some(to), Some(every)) if from <= to => schedule(
            from,
            to,
            match every {
                Every::Month => 1,
                Every::Quarter => 3,
                Every::Year => 12,
            },
        ),
        (Some(from), Some(to), _) => return Err(Error::Usage(format!("--from {from} is after --to {to}"))),
        _ => args.dates.clone(),
    };
    if dates.len() > MAX_DATES {
        return Err(Error::Usage(format!("{} view dates; at most {MAX_DATES}", dates.len())));
    }
    let opts = crate::project::Options { keep_observations: true, ..common.options() };
    let (session, sources) = common.score(&opts)?;
    let dataset = &session.project.dataset;
    let mut rows: Vec<Row> = Vec::new();
    for id in &args.ids {
        match dataset.find(id) {
            Some((kind, row)) if kind == args.kind => rows.push(row),
            Some((kind, _)) => return Err(Error::Usage(format!("`{id}` is a {kind}, not a {}", args.kind))),
            None => {
                let hint = dataset.suggest_id(id, &[args.kind]).map(|s| format!(" (did you mean `{s}`?)"));
                return Err(Error::Usage(format!("no entity has id `{id}`{}", hint.unwrap_or_default())));
            }
        }
    }
    if session.scores.of(args.kind).is_none() {
        return Err(Error::Usage(format!("no rule set scores {}", args.kind)));
    }
    let inputs = Inputs { dataset, plan: &session.plan, sources: &session.project.ws.sources };
    let mut diags = crate::diag::Diagnostics::new();
    let threads = opts.threads;
    let h = crate::pool::in_pool(threads, || {
        history(&inputs, args.kind, &dates, (!args.ids.is_empty()).then_some(&rows[..]), &mut diags)
    })?;
    common.report(&diags, &sources);
    let h = h.ok_or(Error::Invalid { errors: diags.error_count().max(1) })?;
    let reads = match args.format {
        HistoryFormat::Table => Reads::Human,
        HistoryFormat::Parquet | HistoryFormat::Arrow => Reads::Binary,
        HistoryFormat::Json | HistoryFormat::Csv => Reads::Machine,
    };
    emit(args.output.as_deref(), reads, &format!("{:?}", args.format), |out| write_history(out, &h, args.format))?;
    Ok(ExitCode::SUCCESS)
}
