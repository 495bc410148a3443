//! The one integration-test binary: runs the real `thesis` CLI on fixture files.

mod columnar;
mod diagnostics;
mod diff;
mod domain;
mod explain;
mod fuzz;
mod hostile;
mod key_figures;
mod layout;
mod lints;
mod long;
mod lsp;
mod mcda;
mod memo;
mod memo_history;
mod pit;
mod properties;
mod rank;
mod readme;
mod robust;
mod rule_tests;
mod sandbox;
mod schema;
mod shell;
mod shipped;
mod sources;
mod trust;
mod watch;
mod wide;
mod writing;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A finished run of the CLI.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 if killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Run {
    /// Asserts exit code 0.
    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(self.code, 0, "expected success; stderr:\n{}", self.stderr);
        self
    }

    /// Asserts this exit code.
    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "exit code; stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

/// Builds a `thesis` command line, run from the package root.
pub struct Thesis {
    cmd: Command,
}

impl Default for Thesis {
    fn default() -> Thesis {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_thesis"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("NO_COLOR").env("COLUMNS", "200");
        Thesis { cmd }
    }
}

impl Thesis {
    /// The `thesis` binary of this build.
    pub fn new() -> Thesis {
        Thesis::default()
    }

    /// Runs in `dir` instead of the package root.
    pub fn in_dir(mut self, dir: &Path) -> Thesis {
        self.cmd.current_dir(dir);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Thesis
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Thesis {
        self.cmd.arg(arg);
        self
    }

    /// Runs to completion.
    pub fn run(mut self) -> Run {
        let out = self.cmd.output().expect("run thesis");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs, killing the process if it outlives `limit` (a hang then fails the test).
    pub fn run_with_timeout(mut self, limit: std::time::Duration) -> Run {
        use std::io::Read;
        let mut child = self
            .cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn thesis");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        let err = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break Some(status);
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        Run {
            code: status.and_then(|s| s.code()).unwrap_or(-1),
            stdout: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        }
    }
}

/// `tests/fixtures/<rel>`, relative to the package root.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new("tests/fixtures").join(rel)
}

/// A scratch project directory with the given files.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}
