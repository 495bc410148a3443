//! `thesis rank`: score everything, print the ranking of one kind.

use std::path::Path;
use std::process::ExitCode;

use super::Common;
use super::output::{to_stdout_as, write_output};
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
    let (session, _sources) = common.score(&common.options())?;
    let Some(ks) = session.scores.of(kind) else {
        return Err(Error::Usage(format!("no rule set scores {kind}; nothing to rank")));
    };
    let mut clock = super::Timings::new(common.timings);
    let ranking = crate::rank::rank(ks);
    clock.mark("rank");
    let write = |out: &mut super::output::Output<'_>| {
        write_ranking(out, format, ks, &ranking, top, &session.scores, &session.project.dataset)
    };
    match output {
        Some(path) => write_output(path, write)?,
        None if binary(format) && std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            return Err(Error::Usage(format!(
                "{format:?} is a binary format; write it to a file with --output FILE, or redirect standard output"
            )));
        }
        None => to_stdout_as(format == RankFormat::Table, write)?,
    }
    clock.mark("write");
    Ok(ExitCode::SUCCESS)
}

/// Formats whose bytes are not text (never written to a terminal).
fn binary(format: RankFormat) -> bool {
    matches!(format, RankFormat::Parquet | RankFormat::Arrow)
}
