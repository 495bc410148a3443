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

/// `thesis check` of a scratch project `p` (rules under `rules/`, data under `data/`).
fn check_project(p: &Path, extra: &[&str]) -> crate::Run {
    Thesis::new()
        .in_dir(p)
        .args(["--rules", "rules", "--data", "data", "--diagnostic-format", "short", "--color", "never"])
        .args(extra)
        .arg("check")
        .run_with_timeout(std::time::Duration::from_secs(30))
}

const RULE: &str = "rule_set: r\nversion: 1\ndescription: d\nkind: company\ncategories: { c: 1 }\nfactors:\n  - { id: f, category: c, weight: 1, description: d, input: { attribute: x }, missing: skip }\n";
const DATASET: &str =
    "attributes:\n  company: { x: number }\nentities:\n  - { id: a, name: A, kind: company, attributes: { x: 1 } }\n";

fn small_project() -> tempfile::TempDir {
    project(&[("rules/r.yaml", RULE), ("data/d.yaml", DATASET)])
}

#[test]
fn non_regular_and_oversized_files_are_refused_before_they_are_read() {
    let p = small_project();
    mkfifo(&p.path().join("rules/pipe.yaml"));
    std::os::unix::fs::symlink("/dev/zero", p.path().join("data/zero.yaml")).expect("symlink");
    std::fs::create_dir_all(p.path().join("data/dir.yaml")).expect("mkdir");
    let sparse = std::fs::File::create(p.path().join("data/huge.yaml")).expect("create");
    sparse.set_len(3 << 30).expect("a sparse 3 GiB file");
    let run = check_project(p.path(), &["--allow-outside-root"]).code(1);
    assert!(
        run.stderr.contains("rules/pipe.yaml:1:1: error[E009]: not a regular file but a named pipe"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("data/zero.yaml:1:1: error[E009]: not a regular file but a device"), "{}", run.stderr);
    assert!(run.stderr.contains("data/huge.yaml:1:1: error[E007]: 3221225472 bytes exceeds"), "{}", run.stderr);
}

#[test]
fn a_directory_link_loop_is_walked_once_and_linked_files_are_read_once() {
    let p = small_project();
    std::os::unix::fs::symlink(".", p.path().join("rules/loop")).expect("symlink");
    std::os::unix::fs::symlink("r.yaml", p.path().join("rules/again.yaml")).expect("symlink");
    let run = check_project(p.path(), &[]).success();
    assert!(run.stderr.contains("checked 2 files: 0 errors"), "{}", run.stderr);
}

#[test]
fn files_and_links_outside_the_project_root_are_not_read() {
    let secret = project(&[("secret.yaml", "rule_set: [\"hunter2\"\n")]);
    let p = small_project();
    std::os::unix::fs::symlink(secret.path().join("secret.yaml"), p.path().join("rules/s.yaml")).expect("symlink");
    let run = check_project(p.path(), &[]).code(1);
    assert!(run.stderr.contains("rules/s.yaml:1:1: error[E010]"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "nothing of the file is echoed:\n{}", run.stderr);
    std::os::unix::fs::symlink("/", p.path().join("rules/everything")).expect("symlink");
    let run = check_project(p.path(), &[]).code(1);
    assert!(
        run.stderr.contains("rules/everything:1:1: error[E010]"),
        "a directory link out is named once:\n{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("error[E010]").count(), 2, "{}", run.stderr);
    std::fs::remove_file(p.path().join("rules/everything")).expect("rm");
    let allowed = check_project(p.path(), &["--allow-outside-root"]).code(1);
    assert!(allowed.stderr.contains("error[E001]"), "the option reads it: {}", allowed.stderr);
}

#[test]
fn a_template_link_out_of_the_template_directory_is_e010_and_a_binary_file_is_passed_over() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("reports");
    std::fs::create_dir_all(out.join("templates")).expect("mkdir");
    std::fs::write(dir.path().join("secret.txt"), "{{ hunter2").expect("write");
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("templates/memo.md")).expect("symlink");
    std::fs::write(out.join("templates/logo.png"), [0x89, b'P', b'N', b'G', 0xff, 0xfe, 0]).expect("write");
    let run = memo(&out, &[]).code(1);
    assert!(run.stderr.contains("error[E010]"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    std::fs::remove_file(out.join("templates/memo.md")).expect("rm");
    memo(&out, &[]).success();
}

#[test]
fn control_characters_from_data_and_file_names_are_escaped_in_every_output() {
    let data = "attributes:\n  company: { x: number }\nentities:\n  - { id: a, name: \"\\e]0;pwned\\a\\e[2J\", kind: company, attributes: { x: 1 } }\n";
    let p = project(&[("rules/r.yaml", RULE), ("data/d.yaml", data)]);
    let in_p = || Thesis::new().in_dir(p.path()).args(["--rules", "rules", "--data", "data", "--color", "never"]);
    for args in [&["rank"][..], &["explain", "a"], &["rank", "--format", "json"]] {
        let run = in_p().args(args).run().success();
        let raw = format!("{}{}", run.stdout, run.stderr);
        assert!(!raw.contains('\u{1b}') && !raw.contains('\u{7}'), "{args:?} printed raw control characters:\n{raw}");
    }
    let table = in_p().arg("rank").run().success();
    assert!(table.stdout.contains("\\x1b]0;pwned\\x07"), "{}", table.stdout);
    std::fs::write(p.path().join("data/x\n1:1: error[E999]: forged.yaml"), "entities: [\n").expect("write");
    for format in ["short", "human"] {
        let run = in_p().args(["--diagnostic-format", format, "check"]).run().code(1);
        assert!(
            !run.stderr.lines().any(|l| l.starts_with("1:1: error[E999]")),
            "{format} forged a line:\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("x\\n1:1: error[E999]: forged.yaml"), "{}", run.stderr);
    }
}

#[test]
fn a_full_or_closed_standard_error_is_never_a_panic() {
    let p = small_project();
    std::fs::write(p.path().join("data/bad.yaml"), "entities: [\n").expect("write");
    let dir = tempfile::tempdir().expect("temp dir");
    for stderr in ["full", "null"] {
        for args in [&["check"][..], &["rank"], &["test"], &["memo", "--out"], &["nonsense"]] {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_thesis"));
            cmd.current_dir(p.path()).args(["--rules", "rules", "--data", "data"]).args(args);
            if args == ["memo", "--out"] {
                cmd.arg(dir.path());
            }
            let err = match stderr {
                "full" => Stdio::from(std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full")),
                _ => Stdio::null(),
            };
            let status = cmd.stdout(Stdio::null()).stderr(err).status().expect("run");
            assert!(matches!(status.code(), Some(1 | 2)), "{args:?} with a {stderr} stderr: {status:?}");
        }
    }
}

/// A memo run with `templates/memo.md` replaced by `template`.
fn memo_with_template(template: &str) -> crate::Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("reports");
    std::fs::create_dir_all(out.join("templates")).expect("mkdir");
    std::fs::write(out.join("templates/memo.md"), template).expect("write");
    Thesis::new()
        .args(["--rules", RULES, "--data", DATA, "--diagnostic-format", "short", "memo", "--format", "markdown"])
        .args(["--out".as_ref(), out.as_os_str()])
        .run_with_timeout(std::time::Duration::from_secs(60))
}

#[test]
fn templates_stop_at_their_fuel_and_filters_refuse_huge_arguments() {
    let cases = [
        ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", "out of fuel"),
        (
            "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
            "out of fuel",
        ),
        ("\n{{ 1.5 | fixed(4000000000) }}", "4000000000 decimals"),
        ("{{ 1.5 | num(-3000000000) }}", "decimals"),
    ];
    for (template, what) in cases {
        let run = memo_with_template(template);
        assert_eq!(run.code, 1, "{template}: {}", run.stderr);
        assert!(run.stderr.contains("templates/memo.md:") && run.stderr.contains("error[E501]"), "{}", run.stderr);
        assert!(run.stderr.contains(what), "{template}: {}", run.stderr);
    }
}

/// A project whose factor `f` is `fn f(e) { BODY }` in `rules/s.rhai`.
fn script_project(body: &str) -> tempfile::TempDir {
    let rule = "rule_set: r\nversion: 1\ndescription: d\nkind: company\ncategories: { c: 1 }\nfactors:\n  - { id: f, category: c, weight: 1, description: d, input: { script: { file: s.rhai, function: f } } }\n";
    project(&[("rules/r.yaml", rule), ("rules/s.rhai", &format!("fn f(e) {{\n{body}\n}}\n")), ("data/d.yaml", DATASET)])
}

#[test]
fn a_script_is_bounded_in_wall_clock_time_and_zero_operations_is_refused() {
    let slow = "let s = \"\"; s.pad(60000, \"a\"); let n = 0; for i in 0..10000 { n += s.index_of(\"b\"); } n";
    let p = script_project(slow);
    let start = std::time::Instant::now();
    let run = check_project(p.path(), &["--max-script-ms", "50"]).code(1);
    assert!(run.stderr.contains("error[E303]") && run.stderr.contains("50 ms"), "{}", run.stderr);
    assert!(start.elapsed() < std::time::Duration::from_secs(10), "took {:?}", start.elapsed());
    for bad in [["--max-operations", "0"], ["--max-script-ms", "0"]] {
        let run = check_project(p.path(), &bad);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
    }
}

#[test]
fn a_script_of_150_000_functions_is_refused_before_rhai_compiles_it() {
    let p = script_project("1");
    let many: String = (0..150_000).map(|i| format!("fn g{i}(x) {{ x }}\n")).collect();
    std::fs::write(p.path().join("rules/s.rhai"), format!("{many}fn f(e) {{ 1 }}\n")).expect("write");
    let start = std::time::Instant::now();
    let run = check_project(p.path(), &[]).code(1);
    assert!(
        run.stderr.contains("rules/s.rhai:1:1: error[E303]: the script defines 150001 functions"),
        "{}",
        run.stderr
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(10), "took {:?}", start.elapsed());
}

#[test]
fn an_exception_in_a_sort_comparator_is_an_e302() {
    let p = script_project("let a = [3, 1, 2]; a.sort(|x, y| throw \"no\"); a[0]");
    let run = check_project(p.path(), &[]).code(1);
    assert!(run.stderr.contains("error[E302]"), "{}", run.stderr);
}

#[test]
fn a_long_list_attribute_is_the_data_s_size_not_a_script_limit() {
    let items: Vec<String> = (0..20_000).map(|i| format!("t{i}")).collect();
    let data = format!(
        "attributes:\n  company: {{ tags: list }}\nentities:\n  - {{ id: a, name: A, kind: company, attributes: {{ tags: [{}] }} }}\n",
        items.join(", ")
    );
    let rule = RULE.replace("{ attribute: x }", "{ expr: 'e.tags.len()' }").replace(", missing: skip", "");
    let p = project(&[("rules/r.yaml", &rule), ("data/d.yaml", &data)]);
    check_project(p.path(), &[]).success();
}

#[test]
fn a_huge_cell_is_clipped_in_the_table_and_whole_in_csv() {
    let name = "N".repeat(1_000_000);
    let rows: String = (0..20).map(|i| format!("e{i},E{i},company,{i}\n")).collect();
    let p = project(&[
        ("rules/r.yaml", RULE),
        ("data/schema.yaml", "attributes:\n  company: { x: number }\n"),
        ("data/u.csv", &format!("id,name,kind,x\nbig,{name},company,1\n{rows}")),
    ]);
    let rank = |format: &str| {
        Thesis::new()
            .in_dir(p.path())
            .args(["--rules", "rules", "--data", "data", "rank", "--format", format])
            .run()
            .success()
    };
    let table = rank("table");
    assert!(table.stdout.lines().all(|l| l.chars().count() < 400), "a row is as wide as the widest cell");
    assert!(table.stdout.contains("NNN…"), "{}", &table.stdout[..table.stdout.len().min(500)]);
    assert!(rank("csv").stdout.contains(&name));
}

#[test]
fn a_memo_target_that_is_a_pipe_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("reports");
    std::fs::create_dir_all(out.join("segment")).expect("mkdir");
    mkfifo(&out.join("segment/driving.md"));
    let run = Thesis::new()
        .args(["--rules", RULES, "--data", DATA, "memo", "--out"])
        .arg(&out)
        .run_with_timeout(std::time::Duration::from_secs(60))
        .code(2);
    assert!(run.stderr.contains("segment/driving.md is not a regular file"), "{}", run.stderr);
    assert!(!out.join("index.md").exists(), "nothing written");
}

#[test]
fn a_template_directory_linked_out_of_the_reports_directory_is_not_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, elsewhere) = (dir.path().join("reports"), dir.path().join("etc"));
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("shadow"), "root:{% hunter2").expect("write");
    std::os::unix::fs::symlink(&elsewhere, out.join("templates")).expect("symlink");
    let run = memo(&out, &[]).code(1);
    assert!(run.stderr.contains("error[E010]"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}

#[test]
fn a_csv_line_without_end_is_an_e108_not_an_out_of_memory() {
    let p = project(&[
        ("rules/r.yaml", RULE),
        ("data/schema.yaml", "attributes:\n  company: { x: number }\n"),
        ("data/u.csv", "id,name,kind,x\n"),
    ]);
    let csv = std::fs::OpenOptions::new().write(true).open(p.path().join("data/u.csv")).expect("open");
    csv.set_len(300 << 20).expect("a sparse 300 MiB file without newlines");
    let run = check_project(p.path(), &[]).code(1);
    assert!(run.stderr.contains("data/u.csv:2:1: error[E108]: a line longer than 256 MiB"), "{}", run.stderr);
}

#[test]
fn non_finite_or_out_of_range_option_values_are_usage_errors() {
    for value in ["NaN", "inf", "-1", "100.5", "1e400"] {
        let run = Thesis::new().args(["test", "--min-coverage", value]).run();
        assert_eq!(run.code, 2, "--min-coverage {value}: {}", run.stderr);
    }
    Thesis::new().args(["test", "--min-coverage", "0"]).run().success();
    for threads in ["0", "257", "100000", "18446744073709551616", "-1"] {
        let run =
            Thesis::new().args(["--threads", threads, "check"]).run_with_timeout(std::time::Duration::from_secs(30));
        assert_eq!(run.code, 2, "--threads {threads} is refused before threads start: {}", run.stderr);
    }
}

/// `memo --out OUT` on the memo fixture, stopped after a minute (a blocked open must not hang
/// the test run).
fn memo_in_time(out: &Path) -> crate::Run {
    Thesis::new()
        .args(["--rules", RULES, "--data", DATA, "--as-of", "2025-12-31", "--color", "never", "memo", "--out"])
        .arg(out)
        .run_with_timeout(std::time::Duration::from_secs(60))
}

#[test]
fn memo_refuses_a_lock_file_that_is_a_link_or_a_pipe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, elsewhere) = (dir.path().join("reports"), dir.path().join("elsewhere"));
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::os::unix::fs::symlink(elsewhere.join("made.txt"), out.join(".thesis-lock")).expect("symlink");
    let run = memo_in_time(&out).code(2);
    assert!(run.stderr.contains(".thesis-lock is not a regular file"), "{}", run.stderr);
    assert!(!elsewhere.join("made.txt").exists(), "no file is created through the link");
    std::fs::remove_file(out.join(".thesis-lock")).expect("rm");
    mkfifo(&out.join(".thesis-lock"));
    let run = memo_in_time(&out).code(2);
    assert!(run.stderr.contains(".thesis-lock is not a regular file"), "a pipe does not block: {}", run.stderr);
    assert!(!out.join("index.md").exists(), "refused before anything is written");
}

#[test]
fn memo_never_removes_a_link_even_when_the_manifest_names_it_with_its_target_s_hash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, elsewhere) = (dir.path().join("reports"), dir.path().join("elsewhere"));
    memo_in_time(&out).success();
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("keep.md"), "theirs\n").expect("write");
    std::os::unix::fs::symlink(elsewhere.join("keep.md"), out.join("company/zz.md")).expect("symlink");
    let mut manifest = std::fs::read_to_string(out.join(".thesis-manifest")).expect("manifest");
    let hash: String = sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(b"theirs\n"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for listed in ["company/zz.md", "../elsewhere/keep.md", "company/../../elsewhere/keep.md", "/etc/hostname"] {
        manifest.push_str(&format!("{hash}  {listed}\n"));
    }
    std::fs::write(out.join(".thesis-manifest"), manifest).expect("write");
    memo_in_time(&out).success();
    assert!(std::fs::symlink_metadata(out.join("company/zz.md")).expect("kept").file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(elsewhere.join("keep.md")).expect("kept"), "theirs\n");
}

#[test]
fn a_given_directory_that_links_out_does_not_widen_the_project_root() {
    let secret = project(&[("d.yaml", "entities:\n  - { id: hunter2, name: [\n")]);
    let p = small_project();
    std::fs::remove_dir_all(p.path().join("data")).expect("rm");
    std::os::unix::fs::symlink(secret.path(), p.path().join("data")).expect("symlink");
    let run = check_project(p.path(), &[]).code(1);
    assert!(run.stderr.contains("data/d.yaml:1:1: error[E010]"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "nothing of the file is echoed:\n{}", run.stderr);
    assert!(run.stderr.contains("1 error,"), "a file not read has no consequences:\n{}", run.stderr);
    let allowed = check_project(p.path(), &["--allow-outside-root"]).code(1);
    assert!(allowed.stderr.contains("error[E001]"), "the option reads it: {}", allowed.stderr);
}

#[test]
fn the_rules_of_a_git_revision_read_no_script_outside_the_project() {
    let secret = project(&[("s.rhai", "fn f(e) { hunter2 ~~ }\n")]);
    let path = secret.path().join("s.rhai");
    let scripted =
        RULE.replace("{ attribute: x }", &format!("{{ script: {{ file: '{}', function: f }} }}", path.display()));
    let p = project(&[("rules/r.yaml", &scripted), ("data/d.yaml", DATASET)]);
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(args)
            .current_dir(p.path())
            .status()
            .expect("git");
        assert!(ok.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    std::fs::write(p.path().join("rules/r.yaml"), RULE).expect("write head");
    let run = Thesis::new()
        .in_dir(p.path())
        .args(["--rules", "rules", "--data", "data", "--diagnostic-format", "short", "diff", "--base", "HEAD"])
        .run();
    assert!(run.stderr.contains("error[E010]"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}

#[test]
fn rank_output_sweeps_the_temporary_files_a_killed_run_left_beside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let leftover = dir.path().join(format!(".thesis-tmp-{}-XyZ789", dead_pid()));
    let someone_elses = dir.path().join(".tmpAbC123");
    std::fs::write(&leftover, "half a ranking").expect("write");
    std::fs::write(&someone_elses, "not thesis's").expect("write");
    Thesis::new()
        .args(["--rules", RULES, "--data", DATA, "rank", "--format", "csv", "--output"])
        .arg(dir.path().join("ranking.csv"))
        .run()
        .success();
    assert!(!leftover.exists() && someone_elses.exists());
}
