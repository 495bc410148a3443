//! The writing test: every shipped memo, index and methodology page under `reports/`, in every
//! format (Markdown, HTML and the prose fields of JSON), reads as written text: no doubled
//! punctuation (`..`, `.:`, `;;`, `,,`, `:.`), no empty section, no unreplaced template
//! placeholder, and no table cell longer than [`CELL_LIMIT`] characters. `memo --check` (in CI)
//! keeps `reports/` equal to a fresh rendering, so this tests what the templates write.

use std::path::{Path, PathBuf};

/// The longest table cell, in characters.
const CELL_LIMIT: usize = 240;

fn shipped(ext: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("reports/").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, ext, out);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("reports"), ext, &mut out);
    out.sort();
    out
}

/// The visible prose of a Markdown or HTML text: link targets, tags, code spans and
/// ellipses left out (`../index.md` and `0..100` in code are not punctuation).
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_tag, mut in_code, mut in_target) = (false, false, false);
    let mut prev = ' ';
    for c in text.chars() {
        match c {
            '<' if !in_code => in_tag = true,
            '>' if in_tag => in_tag = false,
            '`' if !in_tag => in_code = !in_code,
            '(' if prev == ']' && !in_code => in_target = true,
            ')' if in_target => in_target = false,
            _ if in_tag || in_code || in_target => {}
            _ => out.push(c),
        }
        prev = c;
    }
    out.replace("...", "…").replace("&amp;", "&")
}

/// The doubled punctuation of a text, with some context each.
fn doubled(text: &str) -> Vec<String> {
    let p = prose(text);
    let mut found = Vec::new();
    for bad in ["..", ".:", ";;", ",,", ":.", ";.", ",.", ". ."] {
        for (i, _) in p.match_indices(bad) {
            let start = (0..=i.saturating_sub(50)).rev().find(|&k| p.is_char_boundary(k)).unwrap_or(0);
            let end = ((i + 30).min(p.len())..=p.len()).find(|&k| p.is_char_boundary(k)).unwrap_or(p.len());
            found.push(format!("`{bad}` in …{}…", &p[start..end]));
        }
    }
    found
}

fn placeholders(text: &str) -> Vec<&'static str> {
    ["{{", "}}", "{%", "%}", "{#", "#}"].into_iter().filter(|p| text.contains(p)).collect()
}

/// Markdown headings followed by nothing but blank lines before the next heading or the end.
fn empty_markdown_sections(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate().filter(|(_, l)| l.starts_with('#')) {
        let next = lines[i + 1..].iter().find(|n| !n.trim().is_empty());
        if next.is_none_or(|n| n.starts_with('#') && n.matches('#').count() <= l.matches('#').count()) {
            out.push(l.to_string());
        }
    }
    out
}

/// HTML headings followed directly by another heading of the same or a higher level, or the end.
fn empty_html_sections(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for level in 1..=3 {
        let open = format!("<h{level}");
        let close = format!("</h{level}>");
        for (i, _) in text.match_indices(&open) {
            let Some(end) = text[i..].find(&close).map(|e| i + e + close.len()) else { continue };
            let rest = text[end..].trim_start();
            let next_heading = (1..=level).any(|l| rest.starts_with(&format!("<h{l}")));
            if next_heading || rest.starts_with("</body>") || rest.starts_with("</section>") && level == 1 {
                out.push(text[i..end].to_string());
            }
        }
    }
    out
}

/// Markdown table cells longer than the limit.
fn long_cells(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for l in text.lines().filter(|l| l.starts_with('|')) {
        let mut cell = String::new();
        let mut escaped = false;
        for c in l.chars() {
            if c == '|' && !escaped {
                if cell.trim().chars().count() > CELL_LIMIT {
                    out.push(cell.trim().chars().take(80).collect::<String>() + "…");
                }
                cell.clear();
            } else {
                cell.push(c);
            }
            escaped = c == '\\';
        }
    }
    out
}

/// The prose fields of a JSON memo: the thesis, its points and the recommendation wording.
fn json_prose(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("summary" | "text" | "wording", serde_json::Value::String(s)) => out.push(s.clone()),
                    _ => json_prose(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_prose(x, out)),
        _ => {}
    }
}

#[test]
fn every_shipped_memo_reads_as_written_text() {
    let mut problems = Vec::new();
    let (md, html, json) = (shipped("md"), shipped("html"), shipped("json"));
    assert!(md.len() >= 30 && html.len() == md.len() && json.len() + 1 == md.len(), "memos under reports/");
    for f in md.iter().chain(&html) {
        let text = std::fs::read_to_string(f).expect("read");
        let name = f.display();
        problems.extend(doubled(&text).into_iter().map(|p| format!("{name}: {p}")));
        problems.extend(placeholders(&text).into_iter().map(|p| format!("{name}: placeholder `{p}`")));
        let empty = if f.extension().is_some_and(|x| x == "md") {
            problems.extend(long_cells(&text).into_iter().map(|c| format!("{name}: cell over {CELL_LIMIT}: {c}")));
            empty_markdown_sections(&text)
        } else {
            empty_html_sections(&text)
        };
        problems.extend(empty.into_iter().map(|h| format!("{name}: empty section {h}")));
    }
    for f in &json {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(f).expect("read")).expect("JSON");
        let mut texts = Vec::new();
        json_prose(&v, &mut texts);
        for t in texts {
            problems.extend(doubled(&t).into_iter().map(|p| format!("{}: {p}", f.display())));
        }
    }
    assert!(problems.is_empty(), "{} writing problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_checks_catch_what_they_name() {
    assert_eq!(doubled("ends here.. Then").len(), 1);
    assert_eq!(doubled("a description.: facts").len(), 1);
    assert!(doubled("[Index](../index.md) and `0..100` and wait...").is_empty());
    assert_eq!(placeholders("hello {{ memo.name }}"), ["{{", "}}"]);
    assert_eq!(empty_markdown_sections("## A\n\n## B\ntext\n"), ["## A"]);
    assert!(empty_markdown_sections("## A\n### sub\ntext\n").is_empty());
    assert_eq!(empty_html_sections("<h2>A</h2>\n<h2>B</h2><p>x</p></body>"), ["<h2>A</h2>"]);
    assert_eq!(long_cells(&format!("| {} | b |", "x".repeat(CELL_LIMIT + 1))).len(), 1);
    assert!(long_cells("| a \\| b | c |").is_empty());
}
