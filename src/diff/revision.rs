//! The rules as a git revision has them: `git ls-tree` lists the files under each rules path at
//! the revision and `git show` writes each into a temporary directory. No shell: every path is
//! one argument of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// A checkout of some paths at a revision; removed when dropped.
pub struct Checkout {
    pub dir: tempfile::TempDir,
    /// Each requested path, inside `dir`.
    pub paths: Vec<PathBuf>,
}

/// Writes every file under `paths` (relative to the working directory) as of `rev`.
pub fn checkout(rev: &str, paths: &[PathBuf]) -> Result<Checkout, Error> {
    if rev.starts_with('-') {
        return Err(Error::Usage(format!("`{rev}` is neither a path nor a git revision")));
    }
    let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("<temp dir>"), e))?;
    let mut out = Vec::new();
    for p in paths {
        for file in list(rev, p)? {
            let text = git(&["show", &format!("{rev}:./{file}")])?;
            let dest = dir.path().join(&file);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&dest, text).map_err(|e| Error::io(&dest, e))?;
        }
        out.push(dir.path().join(p));
    }
    Ok(Checkout { dir, paths: out })
}

/// Files under `path` at `rev`, relative to the working directory.
fn list(rev: &str, path: &Path) -> Result<Vec<String>, Error> {
    let path = path.to_string_lossy();
    let listing = git(&["ls-tree", "-r", "-z", "--name-only", rev, "--", &path])?;
    let names: Vec<String> =
        listing.split(|b| *b == 0).filter(|n| !n.is_empty()).map(|n| String::from_utf8_lossy(n).into_owned()).collect();
    if names.is_empty() {
        return Err(Error::Usage(format!("revision `{rev}` has no files under `{path}`")));
    }
    Ok(names)
}

fn git(args: &[&str]) -> Result<Vec<u8>, Error> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("cannot run git ({e}); give --base a path instead")))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Usage(format!("git {}: {}", args.join(" "), msg.trim())));
    }
    Ok(out.stdout)
}
