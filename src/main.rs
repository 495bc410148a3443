//! The `thesis` binary: parse the arguments, run the command, exit with its code.

fn main() -> std::process::ExitCode {
    thesis::run_cli()
}
