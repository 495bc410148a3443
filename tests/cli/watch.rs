//! `thesis watch`: a session on a copy of the fixture project sees its first run, then the
//! update after a file is edited, then the diagnostics of a broken save without exiting. Every
//! wait is bounded, so a broken watch fails the test instead of hanging it.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::{fixture, project};

const WAIT: Duration = Duration::from_secs(60);

/// The watch process; killed when the test ends, however it ends.
struct Session {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    seen: String,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Session {
    fn start(dir: &Path) -> Session {
        Session::start_with(dir, &[])
    }

    fn start_with(dir: &Path, extra: &[&str]) -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_thesis"))
            .args(["--diagnostic-format", "short", "watch", "--debounce", "100"])
            .args(extra)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start thesis watch");
        let stdout = lines(child.stdout.take().expect("stdout"));
        let stderr = lines(child.stderr.take().expect("stderr"));
        Session { child, stdout, stderr, seen: String::new() }
    }

    /// Reads standard output until a line containing `needle`; panics after `WAIT`.
    #[track_caller]
    fn until(&mut self, needle: &str) -> String {
        wait_for(&self.stdout, needle, &mut self.seen)
    }
}

#[track_caller]
fn wait_for(rx: &Receiver<String>, needle: &str, seen: &mut String) -> String {
    let deadline = Instant::now() + WAIT;
    let mut read = String::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                read.push_str(&line);
                read.push('\n');
                if line.contains(needle) {
                    seen.push_str(&read);
                    return read;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no `{needle}` within {WAIT:?}; read so far:\n{seen}{read}");
}

/// A fixture file's text.
fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).expect("fixture")
}

/// The `edit` fixture project (its company rules and dataset) in a temporary directory, with its
/// rule tests when `with_tests`.
fn edit_project(with_tests: bool) -> tempfile::TempDir {
    let rules = read("edit/rules/company.yaml");
    let tests = read("edit/rules/tests/co.yaml");
    let data = read("edit/datasets/companies.yaml");
    let mut files = vec![("rules/company.yaml", rules.as_str()), ("datasets/companies.yaml", data.as_str())];
    if with_tests {
        files.push(("rules/tests/co.yaml", tests.as_str()));
    }
    project(&files)
}

#[test]
fn a_saved_edit_reranks_and_a_broken_save_shows_diagnostics_without_exiting() {
    let rules = read("edit/rules/company.yaml");
    let dir = edit_project(true);
    let mut watch = Session::start(dir.path());
    let first = watch.until("watching for changes");
    assert!(first.contains("tests: 4 passed, 0 failed"), "{first}");
    assert!(first.contains("    3  gamma  Gamma  32.00  Underweight"), "{first}");

    let company = dir.path().join("rules/company.yaml");
    std::fs::write(&company, read("edit/rules-v2/company.yaml")).expect("save v2");
    let update = watch.until("watching for changes");
    assert!(update.contains("== run 2 · changed: rules/company.yaml"), "{update}");
    assert!(update.contains("    2  gamma  Gamma  56.00  Neutral"), "{update}");
    assert!(update.contains("Underweight → Neutral: 1 (gamma)"), "{update}");
    assert!(update.contains("tests: 1 passed, 3 failed"), "{update}");

    std::fs::write(&company, rules.replace("  risk: 40", "  risk: forty")).expect("save a broken file");
    let broken = watch.until("watching for changes");
    assert!(broken.contains("not ranked: fix the errors above"), "{broken}");
    let mut errs = String::new();
    wait_for(&watch.stderr, "rules/company.yaml:8:9: error[E002]", &mut errs);
    assert!(watch.child.try_wait().expect("status").is_none(), "watch exited on an error in the files");

    std::fs::write(&company, rules).expect("save the fix");
    let fixed = watch.until("watching for changes");
    assert!(fixed.contains("    3  gamma  Gamma  32.00  Underweight"), "{fixed}");
    assert!(fixed.contains("Neutral → Underweight: 1 (gamma)"), "the last good run is the reference: {fixed}");
}

#[test]
fn a_vanished_rules_directory_is_reported_as_an_io_error_not_as_zero_errors() {
    let dir = edit_project(false);
    let mut watch = Session::start(dir.path());
    watch.until("watching for changes");
    std::fs::remove_dir_all(dir.path().join("rules")).expect("remove rules/");
    let gone = watch.until("watching for changes");
    assert!(gone.contains("check: cannot read the inputs: rules:"), "{gone}");
    assert!(!gone.contains("0 errors"), "{gone}");
}

/// F-21 and the paper cuts of watch: "1 error" (not "1 errors"); failing cases an earlier run
/// printed are counted, not reprinted; `--clear` starts each run on a cleared screen.
#[test]
fn watch_counts_known_failures_says_one_error_and_can_clear() {
    let rules = read("edit/rules/company.yaml");
    let dir = edit_project(true);
    let mut watch = Session::start_with(dir.path(), &["--clear"]);
    let first = watch.until("watching for changes");
    assert!(first.contains("check: 0 errors, 0 warnings"), "{first}");
    let company = dir.path().join("rules/company.yaml");
    let v2 = read("edit/rules-v2/company.yaml");
    std::fs::write(&company, &v2).expect("save v2");
    let failing = watch.until("watching for changes");
    assert!(failing.contains("\x1b[H\x1b[2J"), "--clear clears the screen: {failing:?}");
    assert_eq!(failing.matches("FAIL ").count(), 3, "{failing}");
    std::fs::write(&company, rules.replace("  risk: 40", "  risk: forty")).expect("save a broken file");
    let broken = watch.until("watching for changes");
    assert!(broken.contains("check: 1 error, 0 warnings"), "{broken}");
    drop(watch);

    // Without --clear, the same failures on the next run are counted, not printed again.
    std::fs::write(&company, &v2).expect("save v2");
    let mut watch = Session::start(dir.path());
    let first = watch.until("watching for changes");
    assert_eq!(first.matches("FAIL ").count(), 3, "{first}");
    std::fs::write(&company, format!("{v2}# a comment\n")).expect("save again");
    let again = watch.until("watching for changes");
    assert_eq!(again.matches("FAIL ").count(), 0, "{again}");
    assert!(again.contains("(3 failing cases shown in an earlier run, unchanged)"), "{again}");
    assert!(again.contains("tests: 1 passed, 3 failed"), "{again}");
}
