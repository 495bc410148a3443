//! `thesis rank`: score everything, print the ranking of one kind.

use std::path::Path;
use std::process::ExitCode;

use super::Common;
use super::output::{Reads, emit};
use crate::Error;
use crate::model::Kind;
use crate::render::rank::{RankFormat, write_ranking};

pub(super) fn run(
    common: &Common,
    kind: Kind,
    top: Option<usize>,
    format: RankFormat,
    output: Option<&Path>,
) -> Result<ExitCode, Error> {
    // Every format but JSON (which prints ledgers) reads only ids, names and results.
    let results_only = format != RankFormat::Json;
    let (mut session, _sources) = common.score(&crate::project::Options { results_only, ..common.options() })?;
    if results_only {
        session.release_columns();
    }
    let Some(ks) = session.scores.of(kind) else {
        return Err(Error::Usage(format!("no rule set scores {kind}; nothing to rank")));
    };
    let mut clock = super::Timings::new(common.timings);
    let ranking = crate::rank::rank(ks);
    clock.mark("rank");
    let write = |out: &mut super::output::Output<'_>| {
        write_ranking(out, format, ks, &ranking, top, &session.scores, &session.project.dataset)
    };
    let reads = match format {
        RankFormat::Table => Reads::Human,
        RankFormat::Parquet | RankFormat::Arrow => Reads::Binary,
        RankFormat::Json | RankFormat::Csv => Reads::Machine,
    };
    emit(output, reads, &format!("{format:?}"), write)?;
    clock.mark("write");
    Ok(ExitCode::SUCCESS)
}
