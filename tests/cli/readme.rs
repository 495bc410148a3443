//! The README's example project is real: its files live under `examples/readme/`, every
//! `# file:` block of the README is one of them word for word, and running it checks clean,
//! ranks as the README shows and passes its rule tests.

use crate::Thesis;

const README: &str = include_str!("../../README.md");

/// Fenced blocks whose first line is `# file: PATH` or `// file: PATH`, or that follow a
/// `<!-- file: PATH -->` line (formats without comments, such as CSV).
fn example_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut lines = README.lines();
    let mut named: Option<&str> = None;
    while let Some(line) = lines.next() {
        if let Some(path) = line.strip_prefix("<!-- file: ").and_then(|l| l.strip_suffix(" -->")) {
            named = Some(path);
            continue;
        }
        if !line.starts_with("```") || line.len() == 3 {
            named = None;
            continue;
        }
        let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        let Some(first) = body.first() else { continue };
        let path = first.strip_prefix("# file: ").or_else(|| first.strip_prefix("// file: ")).or(named.take());
        if let Some(path) = path {
            files.push((path.trim().to_string(), body.join("\n") + "\n"));
        }
    }
    files
}

/// The `text` block that starts with `$ thesis`: the command and its expected output.
fn example_run() -> (Vec<String>, String) {
    let start = README.find("```text\n$ thesis ").expect("a `$ thesis` example in the README");
    let block = &README[start + 8..];
    let block = &block[..block.find("```").expect("closed block")];
    let (command, output) = block.split_once('\n').expect("command line");
    let args = command.trim_start_matches("$ thesis ").split_whitespace().map(str::to_string).collect();
    (args, output.to_string())
}

/// `--rules` and `--data` of the example project.
const EXAMPLE: [&str; 4] = ["--rules", "examples/readme/rules", "--data", "examples/readme/datasets"];

#[test]
fn every_readme_file_block_is_a_file_of_the_example_project() {
    let files = example_files();
    assert!(files.len() >= 8, "expected the example's dataset, rule, script and test files");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, text) in &files {
        assert!(path.starts_with("examples/readme/"), "{path}: README examples live under examples/readme/");
        let on_disk = std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(&on_disk, text, "{path} differs from its README block");
    }
}

#[test]
fn the_readme_example_checks_clean_and_ranks_as_shown() {
    let check = Thesis::new().args(EXAMPLE).args(["check"]).run().success();
    // The example keeps one bare value to show W701 (its CSV file's rows are sourced by their
    // `source` and `grade` columns): nothing else warns.
    assert!(check.stderr.contains("0 errors, 1 warning"), "{}", check.stderr);
    assert_eq!(check.stderr.matches("warning[W701]").count(), 1, "{}", check.stderr);
    let (args, expected) = example_run();
    let run = Thesis::new().args(&args).run().success();
    assert_eq!(run.stdout, expected);
}

#[test]
fn the_readme_rule_tests_pass() {
    let run = Thesis::new().args(EXAMPLE).args(["test"]).run().success();
    assert_eq!(run.stdout.lines().last(), Some("4 passed, 0 failed"), "{}", run.stdout);
}

#[test]
fn every_diagnostic_code_is_documented_in_the_readme() {
    for code in thesis::Code::ALL {
        let row = format!("| {} | {} |", code.as_str(), code.title());
        assert!(README.contains(&row), "README lacks the row `{row}`");
    }
}
