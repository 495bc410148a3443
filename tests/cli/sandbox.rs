//! Hostile scripts stop with a diagnostic — never a hang, never a stack overflow — in the
//! debug build these tests run, on the evaluation worker threads.

use std::time::{Duration, Instant};

use crate::{Run, Thesis, project};

const DATA: &str = "
attributes:
  company:
    growth: number
entities:
  - { id: a, kind: company, name: A, attributes: { growth: 5 } }
  - { id: b, kind: company, name: B, attributes: { growth: 7 } }
";

const SCRIPTS: &str = r#"
fn spin(e) { let n = 0; loop { n += 1; } }
fn recurse(e) { deeper(0) }
fn deeper(n) { deeper(n + 1) + 1 }
fn text_bomb(e) { let s = "x"; loop { s += s; } }
fn array_bomb(e) { let a = [1]; loop { a += a; } }
fn map_bomb(e) { let m = #{}; let i = 0; loop { m["k" + i] = i; i += 1; } }
fn escape(e) { import "std" as s; 1 }
"#;

fn rules(input: &str) -> String {
    format!(
        "rule_set: hostile\nversion: 1.0.0\ndescription: Hostile.\nkind: company\ncategories: {{ risk: 1 }}\n\
         factors:\n  - id: f\n    category: risk\n    weight: 1\n    description: F\n    input: {input}\n"
    )
}

/// Runs `thesis rank` on a project whose one factor has `input`; fails the test if the
/// process does not finish within a minute (a hang), whatever it prints.
fn run_with(input: &str) -> Run {
    let dir = project(&[("datasets/d.yaml", DATA), ("rules/r.yaml", &rules(input)), ("rules/s.rhai", SCRIPTS)]);
    let start = Instant::now();
    let run = Thesis::new()
        .in_dir(dir.path())
        .args(["--diagnostic-format", "short", "rank"])
        .run_with_timeout(Duration::from_secs(60));
    assert!(start.elapsed() < Duration::from_secs(60), "the script was not stopped");
    run
}

#[track_caller]
fn assert_stopped(run: &Run, code: &str, words: &str) {
    assert_eq!(run.code, 1, "exit code; stderr:\n{}", run.stderr);
    assert!(run.stderr.contains(&format!("error[{code}]")), "expected {code}:\n{}", run.stderr);
    assert!(run.stderr.contains(words), "expected `{words}`:\n{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing is printed when scoring fails:\n{}", run.stdout);
}

#[test]
fn an_endless_loop_hits_the_operation_limit() {
    let run = run_with("{ script: { file: s.rhai, function: spin } }");
    assert_stopped(&run, "E303", "limit of 100000 operations");
    assert!(run.stderr.contains("rules/s.rhai:2:1"), "points at the function:\n{}", run.stderr);
}

#[test]
fn runaway_recursion_hits_the_call_depth_limit_without_overflowing_the_stack() {
    let run = run_with("{ script: { file: s.rhai, function: recurse } }");
    assert_stopped(&run, "E303", "nested deeper than the limit of 32");
}

#[test]
fn a_doubling_string_hits_the_size_limit() {
    let run = run_with("{ script: { file: s.rhai, function: text_bomb } }");
    assert_stopped(&run, "E303", "grew past the sandbox limit");
}

#[test]
fn a_doubling_array_hits_the_size_limit() {
    let run = run_with("{ script: { file: s.rhai, function: array_bomb } }");
    assert_stopped(&run, "E303", "grew past the sandbox limit");
}

#[test]
fn a_growing_map_is_stopped_by_the_operation_limit() {
    let run = run_with("{ script: { file: s.rhai, function: map_bomb } }");
    assert_stopped(&run, "E303", "operations");
}

#[test]
fn scripts_cannot_load_modules() {
    let run = run_with("{ script: { file: s.rhai, function: escape } }");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E30"), "{}", run.stderr);
}

#[test]
fn a_deeply_nested_expression_is_refused_at_compile_time() {
    let expr = format!("{}1{}", "(".repeat(500), ")".repeat(500));
    let run = run_with(&format!("{{ expr: \"{expr}\" }}"));
    assert_stopped(&run, "E301", "Rhai syntax");
}

#[test]
fn eval_is_disabled() {
    let run = run_with("{ expr: 'eval(\"1 + 1\")' }");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E301]"), "{}", run.stderr);
}

#[test]
fn the_operation_limit_can_be_raised_per_run() {
    let dir = project(&[
        ("datasets/d.yaml", DATA),
        ("rules/r.yaml", &rules("{ script: { file: s.rhai, function: count } }")),
        ("rules/s.rhai", "fn count(e) { let n = 0; while n < 20000 { n += 1; } 50.0 }"),
    ]);
    let low = Thesis::new().in_dir(dir.path()).args(["--max-operations", "1000", "rank"]).run();
    assert_eq!(low.code, 1, "{}", low.stderr);
    Thesis::new().in_dir(dir.path()).args(["--max-operations", "1000000", "rank"]).run().success();
}

/// Library callers get the CLI's sandbox: `pipeline::score` runs its stages on its own pool
/// of 16 MiB stacks (not the caller's thread, not rayon's global pool), so runaway recursion
/// is a diagnostic there too, even called from a thread with a small stack.
#[test]
fn a_library_caller_gets_the_same_pool_and_stacks_as_the_cli() {
    use std::sync::{Arc, Mutex};

    use thesis::Diagnostics;
    use thesis::SourceMap;
    use thesis::{Options, StageHook};

    let input = "{ script: { file: s.rhai, function: recurse } }";
    let dir = project(&[("datasets/d.yaml", DATA), ("rules/r.yaml", &rules(input)), ("rules/s.rhai", SCRIPTS)]);
    let threads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&threads);
    let opts = Options {
        rules: vec![dir.path().join("rules")],
        data: vec![dir.path().join("datasets")],
        threads: Some(2),
        on_stage: Some(StageHook::new(move |_, _| {
            let name = std::thread::current().name().unwrap_or_default().to_string();
            seen.lock().expect("lock").push(name);
        })),
        ..Options::default()
    };
    let caller = std::thread::Builder::new().stack_size(256 * 1024).spawn(move || {
        let mut diags = Diagnostics::new();
        let result = thesis::score(&opts, &SourceMap::new(), &mut diags);
        (result.is_err(), diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>())
    });
    let (failed, codes) = caller.expect("spawn").join().expect("the caller's thread did not overflow");
    assert!(failed && codes == ["E303"], "{codes:?}");
    let names = threads.lock().expect("lock").clone();
    assert!(!names.is_empty() && names.iter().all(|n| n.starts_with("thesis-")), "{names:?}");
}
