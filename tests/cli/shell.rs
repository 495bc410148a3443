//! The shell: completion scripts for four shells and the manual page, generated from the same
//! clap definition as the parser; `--help` shows examples.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::Thesis;

/// The subcommands every completion script and the man page must know.
const COMMANDS: [&str; 10] =
    ["rank", "explain", "memo", "check", "test", "diff", "watch", "schema", "completions", "man"];

#[test]
fn completions_cover_every_command_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = Thesis::new().args(["completions", shell]).run().success();
        for cmd in COMMANDS {
            assert!(run.stdout.contains(cmd), "{shell} completion lacks `{cmd}`");
        }
        assert!(run.stdout.contains("diagnostic-format"), "{shell} completion lacks the global options");
    }
}

/// The bash script is valid bash, and completing `thesis ch` offers `check`.
#[test]
fn the_bash_completion_runs_in_bash() {
    let script = Thesis::new().args(["completions", "bash"]).run().success().stdout;
    let probe = format!(
        "{script}\nCOMP_WORDS=(thesis ch); COMP_CWORD=1; COMP_LINE='thesis ch'; COMP_POINT=9\n_thesis thesis ch thesis\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    );
    let mut child = Command::new("bash")
        .arg("--norc")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash");
    child.stdin.take().expect("stdin").write_all(probe.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l == "check"), "{stdout}");
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let run = Thesis::new().args(["man"]).run().success();
    assert!(run.stdout.contains(".TH thesis 1"), "{}", &run.stdout[..200.min(run.stdout.len())]);
    assert!(run.stdout.contains(".SH SUBCOMMANDS"), "no subcommand section");
    for cmd in COMMANDS {
        assert!(run.stdout.contains(&format!("thesis\\-{cmd}")), "man page lacks `{cmd}`");
    }
    // groff renders it without a warning, where groff is installed.
    if let Ok(mut child) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        child.stdin.take().expect("stdin").write_all(run.stdout.as_bytes()).expect("write");
        let out = child.wait_with_output().expect("groff runs");
        assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("investment"), "rendered page");
    }
}

/// Every command's `--help` ends with examples.
#[test]
fn every_command_has_examples_in_its_help() {
    for cmd in COMMANDS {
        let run = Thesis::new().args([cmd, "--help"]).run().success();
        assert!(run.stdout.contains("Examples:\n  thesis "), "`thesis {cmd} --help` has no examples:\n{}", run.stdout);
    }
}
