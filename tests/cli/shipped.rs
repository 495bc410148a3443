//! The README's "shipped model" tables are the CLI's own output: every block that follows a
//! `<!-- thesis: ARGS -->` marker is what `thesis ARGS` prints on the shipped `rules/` and
//! `datasets/`, byte for byte. Regenerate them with
//! `THESIS_BLESS_README=1 cargo test --test cli shipped`.

use crate::Thesis;

const MARK: &str = "<!-- thesis: ";

/// One generated block: the marker's arguments, and the byte range of the fenced block's body.
struct Block {
    args: Vec<String>,
    body: std::ops::Range<usize>,
}

/// The marked blocks of `text`, in order. A marker must be followed by a ```text fence.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = vec![];
    let mut from = 0;
    while let Some(at) = text[from..].find(MARK).map(|i| from + i) {
        let args_end = at + text[at..].find(" -->").expect("a marker ends with -->");
        let args = text[at + MARK.len()..args_end].split_whitespace().map(str::to_string).collect();
        let fence = "```text\n";
        let open = args_end + text[args_end..].find(fence).expect("a ```text block follows the marker");
        let start = open + fence.len();
        let end = start + text[start..].find("```\n").expect("the block is closed");
        out.push(Block { args, body: start..end });
        from = end;
    }
    out
}

/// What `thesis ARGS` prints, as the README shows it (`$ thesis ARGS` then the output).
fn render(args: &[String]) -> String {
    let run = Thesis::new().args(args).run().success();
    format!("$ thesis {}\n{}", args.join(" "), run.stdout)
}

#[test]
fn the_readme_shows_the_shipped_rankings_as_the_cli_prints_them() {
    let path = "README.md";
    let text = std::fs::read_to_string(path).expect("README");
    let found = blocks(&text);
    assert!(found.len() >= 21, "the chapter shows each profile and kind at three dates; found {}", found.len());
    let bless = std::env::var_os("THESIS_BLESS_README").is_some();
    let mut fresh = String::new();
    let mut last = 0;
    let mut stale = vec![];
    for b in &found {
        let now = render(&b.args);
        if text[b.body.clone()] != now {
            stale.push(b.args.join(" "));
        }
        fresh.push_str(&text[last..b.body.start]);
        fresh.push_str(&now);
        last = b.body.end;
    }
    fresh.push_str(&text[last..]);
    if bless {
        std::fs::write(path, fresh).expect("write README");
    } else {
        assert!(
            stale.is_empty(),
            "README blocks differ from the CLI (run THESIS_BLESS_README=1 cargo test --test cli shipped): {stale:?}"
        );
    }
}

#[test]
fn the_readme_weight_example_quotes_its_profile_file() {
    let text = std::fs::read_to_string("README.md").expect("README");
    let file = std::fs::read_to_string("examples/one-weight/leaderboards.yaml").expect("example profile");
    let link = "(examples/one-weight/leaderboards.yaml):";
    let at = text.find(link).expect("the worked example links its profile file");
    let open = at + text[at..].find("```yaml\n").expect("a yaml block follows the link") + "```yaml\n".len();
    let close = open + text[open..].find("```\n").expect("the block is closed");
    for line in text[open..close].lines() {
        assert!(file.lines().any(|l| l == line), "README quotes a line the file lacks: {line:?}");
    }
    let run =
        Thesis::new().args(["test", "--rules", "rules", "--rules", "examples/one-weight/leaderboards.yaml"]).run();
    assert!(run.stdout.contains(" 0 failed"), "the shipped rule tests still pass beside the example: {}", run.stdout);
}

#[test]
fn memo_prose_under_every_company_profile_names_no_command_line_option() {
    let dir = tempfile::tempdir().expect("temp dir");
    for profile in ["company-balanced", "company-defensive", "company-growth", "company-policy-aligned"] {
        let out = dir.path().join(profile);
        Thesis::new()
            .args(["--as-of", "2025-12-31", "memo", "--kind", "company", "--rule-set", profile, "--out"])
            .arg(&out)
            .run()
            .success();
        for entry in std::fs::read_dir(out.join("company")).expect("company memos") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).expect("memo");
                for option in ["--as-of", "--rule-set", "--rules", "--data"] {
                    assert!(!text.contains(option), "{}: research prose names `{option}`", path.display());
                }
            }
        }
    }
}
