//! Hostile files, faults and limits (issue 9): one test per class — thesis never loses a file
//! it did not write, never reads outside the project, never prints raw control characters,
//! never panics on a full standard error, and every limit holds.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::memo::with_zulu;
use crate::{Thesis, project};

const RULES: &str = "tests/fixtures/memo/rules";
const DATA: &str = "tests/fixtures/memo/datasets";

/// `thesis memo --out OUT` on the memo fixture.
fn memo(out: &Path, args: &[&str]) -> crate::Run {
    Thesis::new()
        .args(["--rules", RULES, "--data", DATA, "--as-of", "2025-12-31", "--color", "never"])
        .args(["memo", "--out"])
        .args([out])
        .args(args)
        .run()
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo").success();
    assert!(ok, "mkfifo {}", path.display());
}

/// The id of a process that has ended (so nobody owns its temporary files).
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("spawn true");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

#[test]
fn memo_removes_only_the_files_its_manifest_says_it_wrote() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path();
    with_zulu(out, &[]).success();
    std::fs::write(out.join("company/notes.md"), "a person's notes\n").expect("write");
    std::fs::write(out.join("company/zulu.md"), "edited by hand after thesis wrote it\n").expect("write");
    let check = memo(out, &["--check"]).code(1);
    assert!(check.stderr.contains("company/zulu.html: extra"), "{}", check.stderr);
    assert!(!check.stderr.contains("notes.md"), "{}", check.stderr);
    let run = memo(out, &[]).success();
    assert!(run.stderr.contains("2 removed"), "{}", run.stderr);
    assert!(run.stderr.contains("company/zulu.md: kept: changed since thesis wrote it"), "{}", run.stderr);
    assert!(out.join("company/notes.md").exists() && out.join("company/zulu.md").exists());
    assert!(!out.join("company/zulu.html").exists() && !out.join("company/zulu.json").exists());
    assert!(std::fs::read_to_string(out.join(".thesis-manifest")).expect("manifest").contains("company/alpha.md"));
}

#[test]
fn memo_into_an_unrelated_directory_leaves_its_files_alone() {
    let other = project(&[("company/readme.md", "theirs\n"), ("segment/plan.json", "{}\n"), ("index.html", "x\n")]);
    let run = memo(other.path(), &[]).success();
    assert!(run.stderr.contains("0 removed"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(other.path().join("company/readme.md")).expect("kept"), "theirs\n");
    assert!(other.path().join("segment/plan.json").exists());
}

#[test]
fn memo_refuses_a_kind_directory_that_links_out_of_the_reports_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, elsewhere) = (dir.path().join("reports"), dir.path().join("elsewhere"));
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("keep.md"), "not thesis's\n").expect("write");
    std::os::unix::fs::symlink("../elsewhere", out.join("segment")).expect("symlink");
    let run = memo(&out, &[]).code(2);
    assert!(run.stderr.contains("leads out of"), "{}", run.stderr);
    let names: Vec<_> = std::fs::read_dir(&elsewhere).expect("list").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names, ["keep.md"], "nothing written or removed through the link");
    assert!(!out.join("index.md").exists(), "refused before anything is written");
}

#[test]
fn output_onto_a_pipe_or_a_link_is_written_through_not_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("ranking.pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the pipe"))
    };
    let rank = |target: &Path| {
        Thesis::new()
            .args(["--rules", RULES, "--data", DATA, "rank", "--format", "csv", "--output"])
            .arg(target)
            .run_with_timeout(std::time::Duration::from_secs(60))
    };
    rank(&fifo).success();
    assert!(reader.join().expect("reader").starts_with("rank,"), "the pipe's reader gets the ranking");
    assert!(std::fs::symlink_metadata(&fifo).expect("meta").file_type().is_fifo_like());

    let target = dir.path().join("target.csv");
    let link = dir.path().join("link.csv");
    std::fs::write(&target, "old\n").expect("write");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    rank(&link).success();
    assert!(std::fs::symlink_metadata(&link).expect("meta").file_type().is_symlink(), "the link stays a link");
    assert!(std::fs::read_to_string(&target).expect("read").starts_with("rank,"));
    let run = rank(dir.path());
    assert_eq!(run.code, 2, "a directory is refused: {}", run.stderr);
}

trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_fifo()
    }
}

#[test]
fn temporary_files_of_a_killed_run_are_reported_by_check_and_swept_by_the_next_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path();
    memo(out, &[]).success();
    let leftover = out.join(format!("company/.thesis-tmp-{}-AbC123", dead_pid()));
    std::fs::write(&leftover, "half a memo").expect("write");
    let check = memo(out, &["--check"]).code(1);
    assert!(check.stderr.contains("leftover: a temporary file of an interrupted run"), "{}", check.stderr);
    memo(out, &[]).success();
    assert!(!leftover.exists(), "the next run sweeps it");
    memo(out, &["--check"]).success();
}

#[test]
fn two_memo_runs_at_once_both_succeed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_path_buf();
    with_zulu(&out, &[]).success();
    let spawn = |out: &PathBuf| {
        Command::new(env!("CARGO_BIN_EXE_thesis"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["--rules", RULES, "--data", DATA, "--as-of", "2025-12-31", "memo", "--out"])
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn(&out), spawn(&out));
    for child in [a, b] {
        let done = child.wait_with_output().expect("wait");
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    }
    memo(&out, &["--check"]).success();
}
