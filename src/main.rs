//! The `thesis` binary: parse the arguments, run the command, exit with its code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    thesis::cli::run(thesis::cli::Cli::parse())
}
