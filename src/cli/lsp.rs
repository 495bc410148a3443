//! `thesis lsp`: the language server, on standard input and output.

use std::process::ExitCode;

use super::Common;
use crate::Error;

pub(super) fn run(common: &Common) -> Result<ExitCode, Error> {
    crate::lsp::serve(&common.options())?;
    Ok(ExitCode::SUCCESS)
}
