//! The rules as a git revision has them: `git ls-tree` lists the files under each rules path at
//! the revision and `git show` writes each into a temporary directory. No shell: every path is
//! one argument of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// A checkout of some paths at a revision; removed when dropped.
pub(crate) struct Checkout {
    /// The temporary directory, removed when this is dropped.
    pub(crate) dir: tempfile::TempDir,
    /// Each requested path, inside `dir`.
    pub paths: Vec<PathBuf>,
}

/// Writes every file under `paths` as of `rev` into a temporary directory, at the same place
/// relative to the repository's top as in the working tree. A path outside the repository is a
/// usage error (absolute paths and `..` included).
pub(crate) fn checkout(rev: &str, paths: &[PathBuf]) -> Result<Checkout, Error> {
    if rev.starts_with('-') {
        return Err(Error::Usage(format!("`{rev}` is neither a path nor a git revision")));
    }
    let neither = |why: &str| Error::Usage(format!("`--base {rev}` is neither a path nor a git revision ({why})"));
    let top = git(None, &["rev-parse", "--show-toplevel"]).map_err(|_| neither("not inside a git repository"))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    git(Some(&top), &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
        .map_err(|_| neither("no such file, directory, branch, tag or commit"))?;
    let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("<temp dir>"), e))?;
    let mut out = Vec::new();
    for p in paths {
        let rel = in_repository(&top, p)?;
        for file in list(&top, rev, &rel)? {
            let text = git(Some(&top), &["show", &format!("{rev}:{file}")])?;
            let dest = dir.path().join(&file);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&dest, text).map_err(|e| Error::io(&dest, e))?;
        }
        out.push(dir.path().join(&rel));
    }
    Ok(Checkout { dir, paths: out })
}

/// `path` relative to the repository's top, or a usage error if it lies outside.
fn in_repository(top: &Path, path: &Path) -> Result<PathBuf, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(Path::new("."), e))?;
    let absolute = crate::source::normalize_lexically(&cwd.join(path));
    let top = top.canonicalize().unwrap_or_else(|_| top.to_path_buf());
    let absolute = absolute.canonicalize().unwrap_or(absolute);
    absolute
        .strip_prefix(&top)
        .map(Path::to_path_buf)
        .map_err(|_| Error::Usage(format!("`{}` is outside the git repository at {}", path.display(), top.display())))
}

/// Files under `rel` at `rev`, relative to the repository's top. Only plain relative names are
/// kept, so a file can never be written outside the temporary directory.
fn list(top: &Path, rev: &str, rel: &Path) -> Result<Vec<String>, Error> {
    let spec = if rel.as_os_str().is_empty() { ".".to_string() } else { rel.to_string_lossy().into_owned() };
    let listing = git(Some(top), &["ls-tree", "-r", "-z", "--full-name", "--name-only", rev, "--", &spec])?;
    let names: Vec<String> = listing
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .filter(|n| Path::new(n).components().all(|c| matches!(c, std::path::Component::Normal(_))))
        .collect();
    if names.is_empty() {
        return Err(Error::Usage(format!("revision `{rev}` has no files under `{}`", rel.display())));
    }
    Ok(names)
}

fn git(dir: Option<&Path>, args: &[&str]) -> Result<Vec<u8>, Error> {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let out = cmd
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("cannot run git ({e}); give --base a path instead")))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Usage(format!("git {}: {}", args.join(" "), msg.trim())));
    }
    Ok(out.stdout)
}
