//! `thesis robust`: what would change each rating, and how much the ranking rests on the
//! weights (flip points, one weight at a time, SMAA-2, leave one out).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Common;
use super::output::{Reads, emit};
use crate::Error;
use crate::diag::Diagnostics;
use crate::model::Kind;
use crate::render::robust::{RobustFormat, write_robust};
use crate::robust::{Analysis, Sampling, Settings, WeightId};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  thesis robust                                    every analysis of the companies
  thesis robust --analyses flips --format csv      flip points only, as CSV
  thesis robust --analyses flips --out-of-reach    every factor's flips, those out of reach too
  thesis robust --analyses smaa --samples 20000 --seed 7 --vary categories
  thesis robust --analyses oat --deltas -0.1,0.1 --format json")]
pub(crate) struct RobustArgs {
    /// Which kind to analyse.
    #[arg(long, default_value = "company")]
    kind: Kind,
    /// The analyses to run (comma-separated; default all).
    #[arg(long, value_delimiter = ',', default_values = ["flips", "weights", "oat", "smaa", "loo"])]
    analyses: Vec<Analysis>,
    /// One-at-a-time changes of each weight, as fractions (comma-separated).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true, default_values = ["-0.5", "-0.2", "0.2", "0.5"],
          value_parser = parse_delta)]
    deltas: Vec<f64>,
    /// SMAA weight samples (1 to 10,000,000).
    #[arg(long, default_value = "10000", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    samples: u64,
    /// SMAA seed: the same seed gives the same output for any thread count.
    #[arg(long, default_value = "1")]
    seed: u64,
    /// The weights SMAA varies: `categories`, or a category's id for its factor weights
    /// (default: the factors of the only category, else the categories).
    #[arg(long, value_name = "WHAT")]
    vary: Option<String>,
    /// Sample each varied weight within ±PCT% of its given value instead of on the simplex.
    #[arg(long, value_name = "PCT", value_parser = parse_spread)]
    spread: Option<f64>,
    /// How many ranks the acceptability lists (default 10, at most the number ranked).
    #[arg(long, value_name = "K", default_value = "10", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    ranks: u64,
    /// List the flips out of reach too (no points of the factor alone, or no weight, move the
    /// rating a band), each with an empty change; by default only the flips that exist are listed.
    #[arg(long)]
    out_of_reach: bool,
    /// How to print the report: a table, JSON, or the long form as CSV, Parquet or Arrow.
    #[arg(long, default_value = "table")]
    format: RobustFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn parse_delta(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(d) if d.is_finite() && d > -1.0 => Ok(d),
        _ => Err(format!("`{s}` is not a change above -1 (a fraction: -0.2 is 20% less)")),
    }
}

fn parse_spread(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if p > 0.0 && p < 100.0 => Ok(p / 100.0),
        _ => Err(format!("`{s}` is not a percentage between 0 and 100 (exclusive)")),
    }
}

pub(super) fn run(common: &Common, args: &RobustArgs) -> Result<ExitCode, Error> {
    let (session, sources) = common.score(&common.options())?;
    let Some(ks) = session.scores.of(args.kind) else {
        return Err(Error::Usage(format!("no rule set scores {}; nothing to analyse", args.kind)));
    };
    let vary = match args.vary.as_deref() {
        None => crate::robust::default_vary(ks),
        Some("categories") => (0..ks.plan.rules.categories.len())
            .filter(|&c| ks.model.weights.category_total[c] > 0.0)
            .map(WeightId::Category)
            .collect(),
        Some(c) => match ks.plan.rules.category(c) {
            Some(c) => crate::robust::factors_of(ks, c),
            None => {
                let names = ks.plan.rules.categories.iter().map(|c| c.name.as_str());
                let hint = crate::diag::did_you_mean(c, names).map(|s| format!(" (did you mean `{s}`?)"));
                return Err(Error::Usage(format!(
                    "`--vary {c}`: the rule set {} has no category `{c}`; name `categories` or a category{}",
                    ks.plan.rules.name,
                    hint.unwrap_or_default()
                )));
            }
        },
    };
    // Rows below a coverage floor may be ranked under other weights (coverage moves with them).
    let rankable = |s: crate::Status| {
        matches!(
            s,
            crate::Status::Scored | crate::Status::NotRated(crate::NotRated::Coverage | crate::NotRated::Category(_))
        )
    };
    let ranked = ks.results.iter().filter(|r| rankable(r.status)).count().max(1);
    let settings = Settings {
        analyses: args.analyses.clone(),
        deltas: args.deltas.clone(),
        out_of_reach: args.out_of_reach,
        sampling: Sampling {
            samples: args.samples as usize,
            seed: args.seed,
            vary,
            spread: args.spread,
            ranks: (args.ranks as usize).min(ranked),
        },
    };
    let mut clock = super::Timings::new(common.timings);
    let report = match crate::robust::analyse(ks, &settings) {
        Ok(r) => r,
        Err(found) => {
            let mut diags = Diagnostics::new();
            found.into_iter().for_each(|d| diags.push(d));
            common.report(&diags, &sources);
            return Err(Error::Invalid { errors: diags.error_count() });
        }
    };
    clock.mark("robust");
    let write = |out: &mut super::output::Output<'_>| write_robust(out, args.format, ks, &report);
    let reads = match args.format {
        RobustFormat::Table => Reads::Human,
        RobustFormat::Parquet | RobustFormat::Arrow => Reads::Binary,
        RobustFormat::Json | RobustFormat::Csv => Reads::Machine,
    };
    emit(args.output.as_deref(), reads, &format!("{:?}", args.format), write)?;
    clock.mark("write");
    Ok(ExitCode::SUCCESS)
}
