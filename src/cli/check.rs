//! `thesis check [PATH...]`: validate rules, datasets and scripts, with every diagnostic at once.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Common;
use crate::Error;
use crate::diag::Diagnostics;
use crate::source::SourceMap;

pub fn run(common: &Common, paths: &[PathBuf]) -> Result<ExitCode, Error> {
    let sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let mut opts = common.options();
    opts.extra = paths.to_vec();
    let result = crate::pipeline::check(&opts, &sources, &mut diags);
    common.report(&diags, &sources);
    result?;
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    eprintln!(
        "checked {} files: {} error{}, {} warning{}",
        sources.len(),
        errors,
        if errors == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" }
    );
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
