//! `thesis completions SHELL` and `thesis man`: a completion script for bash, zsh, fish or
//! PowerShell (clap_complete), and the manual page in roff (clap_mangen), both from the same
//! clap definition as the parser, so they never disagree with it.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::Cli;
use super::output::to_stdout;
use crate::Error;

/// A shell `thesis completions` writes a script for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl Shell {
    fn generator(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}

/// Writes the completion script for `shell` to standard output.
pub(super) fn completions(shell: Shell) -> Result<ExitCode, Error> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell.generator(), &mut cmd, "thesis", &mut buf);
    to_stdout(|out| out.write_all(&buf))?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the manual page (section 1, roff) to standard output: `thesis man | man -l -`.
pub(super) fn man() -> Result<ExitCode, Error> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Error::io(std::path::Path::new("<man page>"), e))?;
    to_stdout(|out| out.write_all(&buf))?;
    Ok(ExitCode::SUCCESS)
}
