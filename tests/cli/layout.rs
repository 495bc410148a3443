//! The layout the README promises: its "where things live" map names modules and entry points
//! that exist, and the top-level modules import each other one way only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const README: &str = include_str!("../../README.md");

/// The `(module path, entry points)` rows of the README's "Where things live" table.
fn map_rows() -> Vec<(String, Vec<String>)> {
    let start = README.find("### Where things live").expect("a \"Where things live\" section");
    let section = &README[start..];
    let section = &section[..section[4..].find("\n#").map_or(section.len(), |i| i + 4)];
    section
        .lines()
        .filter(|l| l.starts_with("| `src/"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (backticked(cells[0]).remove(0), backticked(cells.last().copied().unwrap_or_default()))
        })
        .collect()
}

fn backticked(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The Rust files at `path`: the file itself, or every file below the directory.
fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).expect("read dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            files.extend(rust_files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            files.push(p);
        }
    }
    files.sort();
    files
}

#[test]
fn the_readme_map_names_modules_and_entry_points_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rows = map_rows();
    assert!(rows.len() >= 15, "the map lists the modules: {rows:?}");
    for (module, entries) in rows {
        let path = root.join(module.trim_end_matches('/'));
        assert!(path.exists(), "the README's map names `{module}`, which does not exist");
        let text: String = rust_files(&path).iter().map(|f| std::fs::read_to_string(f).expect("read")).collect();
        for entry in entries {
            let defined = text.contains(&format!("fn {entry}(")) || text.contains(&format!("fn {entry}<"));
            assert!(defined, "the README's map says `{module}` has `{entry}`; it defines no `fn {entry}`");
        }
    }
}

/// The top-level modules of `src/` each file's non-test code names with `crate::`.
fn top_level_imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = std::fs::read_dir(src)
        .expect("src")
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(|n| n.trim_end_matches(".rs").to_string()))
        .filter(|n| !matches!(n.as_str(), "lib" | "main"))
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(src).into_iter().filter(|f| !is_test_module(f)) {
        let rel = file.strip_prefix(src).expect("under src");
        let from = rel.iter().next().and_then(|c| c.to_str()).unwrap_or_default().trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(&file).expect("read");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines().map(|l| l.split("//").next().unwrap_or_default()) {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + 7..];
                let names: Vec<&str> = match rest.strip_prefix('{') {
                    Some(group) => group.split(',').map(|n| n.trim().split("::").next().unwrap_or_default()).collect(),
                    None => vec![rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or_default()],
                };
                for to in names.into_iter().filter(|n| modules.contains(*n) && *n != from) {
                    edges.entry(from.clone()).or_default().insert(to.to_string());
                }
            }
        }
    }
    edges
}

/// A file its parent declares as `#[cfg(test)] mod name;` (a unit-test module, which may build
/// its fixtures through the pipeline like any user of the crate).
fn is_test_module(file: &Path) -> bool {
    let (Some(dir), Some(stem)) = (file.parent(), file.file_stem().and_then(|s| s.to_str())) else { return false };
    let parent = std::fs::read_to_string(dir.join("mod.rs")).unwrap_or_default();
    parent.contains(&format!("#[cfg(test)]\nmod {stem};"))
}

/// Regression: `check/lints` ↔ `pipeline` ↔ `testing`, `render` as everyone's number
/// formatter, `load` ↔ `check` and `load` ↔ `model` were cycles (design review, §2.6).
#[test]
fn top_level_modules_import_each_other_one_way_only() {
    let edges = top_level_imports(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(edges.get("cli").is_some_and(|e| e.contains("pipeline")), "the scan sees imports: {edges:?}");
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            for next in edges.get(&m).into_iter().flatten() {
                if next == to {
                    return true;
                }
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        false
    };
    let cycles: Vec<(&String, &String)> =
        edges.iter().flat_map(|(a, tos)| tos.iter().map(move |b| (a, b))).filter(|(a, b)| reaches(b, a)).collect();
    assert!(cycles.is_empty(), "imports that close a cycle: {cycles:?}");
}
