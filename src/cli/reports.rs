//! The reports directory on disk (`thesis memo`): one run at a time (a lock file), the
//! manifest of the files thesis wrote there (the only files it ever removes), and the checks
//! that come before anything is written — no kind directory that is a link out of the
//! directory, no path the file system cannot hold.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::output::{stale_temporaries, sweep_temporaries, write_atomic};
use crate::Error;
use crate::memo::{MemoFormat, sha256_hex};
use crate::model::Kind;
use crate::source::display_path;

/// The manifest's file name under the reports directory.
pub(super) const MANIFEST: &str = ".thesis-manifest";
/// The lock file's name under the reports directory.
const LOCK: &str = ".thesis-lock";
/// Longest file name most file systems take, in bytes.
const MAX_FILE_NAME: usize = 255;
/// Longest path Linux takes, in bytes.
const MAX_PATH: usize = 4095;

/// The files thesis wrote under a reports directory: relative path → SHA-256 of the content.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Manifest {
    pub files: BTreeMap<PathBuf, String>,
}

impl Manifest {
    /// Reads `dir/.thesis-manifest`; none yet is an empty manifest. Lines that do not name a
    /// path thesis could have written (`index.EXT`, `KIND/ID.EXT`) are ignored, so a manifest
    /// edited by hand cannot make thesis remove anything else.
    pub(super) fn read(dir: &Path) -> Result<Manifest, Error> {
        let path = dir.join(MANIFEST);
        let text = match crate::files::read_capped(&path, crate::files::MAX_TEXT_BYTES) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(crate::files::Refusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(crate::files::Refusal::Io(e)) => return Err(Error::io(&path, e)),
            Err(other) => return Err(Error::Usage(format!("{}: {other}", display_path(&path)))),
        };
        let files = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once("  "))
            .filter(|(hash, rel)| hash.len() == 64 && is_memo_path(Path::new(rel)))
            .map(|(hash, rel)| (PathBuf::from(rel), hash.to_string()))
            .collect();
        Ok(Manifest { files })
    }

    /// The manifest as written: a header saying what it is, then `SHA256  PATH` lines, sorted.
    pub(super) fn text(&self) -> String {
        let mut out = String::from(
            "# thesis memo: the files thesis wrote in this directory, with their SHA-256.\n\
             # thesis removes a file only if it is listed here and still has this content.\n",
        );
        for (path, hash) in &self.files {
            out.push_str(&format!("{hash}  {}\n", display_path(path)));
        }
        out
    }

    pub(super) fn write(&self, dir: &Path) -> Result<(), Error> {
        write_atomic(&dir.join(MANIFEST), |w| w.write_all(self.text().as_bytes()))
    }

    pub(super) fn record(&mut self, rel: &Path, text: &str) {
        self.files.insert(rel.to_path_buf(), sha256_hex(text.as_bytes()));
    }
}

/// Whether `rel` is a path a memo run writes: `index.EXT`, or `KIND/ID.EXT` with a valid id.
fn is_memo_path(rel: &Path) -> bool {
    let parts: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str().unwrap_or("/"),
            _ => "/",
        })
        .collect();
    let has_ext = |name: &str, stem_ok: &dyn Fn(&str) -> bool| {
        MemoFormat::ALL.iter().any(|f| name.strip_suffix(&format!(".{}", f.ext())).is_some_and(stem_ok))
    };
    match parts.as_slice() {
        [name] => has_ext(name, &|stem| stem == "index"),
        [kind, name] => Kind::parse(kind).is_some() && has_ext(name, &crate::model::is_valid_name),
        _ => false,
    }
}

/// Holds the reports directory's lock while a run writes there: a second run waits.
pub(super) struct Lock {
    _file: File,
}

/// Creates the reports directory if needed and takes its lock (waiting for another run).
pub(super) fn lock(dir: &Path) -> Result<Lock, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(LOCK);
    refuse_unless_regular(&path)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    file.lock().map_err(|e| Error::io(&path, e))?;
    Ok(Lock { _file: file })
}

/// Refuses a file of thesis's own (the lock) that is there but is not a regular file: a link
/// would make thesis create or open a file elsewhere, a named pipe would block the open.
fn refuse_unless_regular(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() => Err(Error::Usage(format!(
            "{} is not a regular file (a link, a pipe or a device); remove it and run again",
            display_path(path)
        ))),
        _ => Ok(()),
    }
}

/// Refuses, before anything is written, a kind directory that leads out of `dir` (a link to
/// elsewhere), a target that is a directory, and a path too long for the file system.
pub(super) fn check_targets(dir: &Path, targets: &[&Path], kinds: &[Kind]) -> Result<(), Error> {
    let real_dir = std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
    for kind in kinds {
        let sub = dir.join(kind.as_str());
        match std::fs::canonicalize(&sub) {
            Ok(real) if !real.starts_with(&real_dir) || real == real_dir => {
                return Err(Error::Usage(format!(
                    "{} leads out of {} (to {}); thesis neither writes nor removes files through it",
                    display_path(&sub),
                    display_path(dir),
                    display_path(&real)
                )));
            }
            _ => {}
        }
    }
    for rel in targets {
        let path = dir.join(rel);
        let name_len = rel.file_name().map_or(0, |n| n.len());
        if name_len > MAX_FILE_NAME || path.as_os_str().len() > MAX_PATH {
            return Err(Error::Usage(format!(
                "{}: the file name is too long for the file system; nothing was written",
                display_path(&path)
            )));
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {
                return Err(Error::Usage(format!("{} is a directory; nothing was written", display_path(&path))));
            }
            Ok(m) if !m.is_file() && !m.file_type().is_symlink() => {
                return Err(Error::Usage(format!(
                    "{} is not a regular file (a pipe or a device); nothing was written",
                    display_path(&path)
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The temporary files that killed runs left in `dir` and its kind directories.
pub(super) fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut out = stale_temporaries(dir);
    for kind in Kind::ALL {
        out.extend(stale_temporaries(&dir.join(kind.as_str())));
    }
    out
}

/// Removes what [`leftovers`] finds; returns how many.
pub(super) fn sweep(dir: &Path) -> Result<usize, Error> {
    let mut n = sweep_temporaries(dir)?;
    for kind in Kind::ALL {
        n += sweep_temporaries(&dir.join(kind.as_str()))?;
    }
    Ok(n)
}

/// Removes `rel` under `dir` if it is still the regular file with the content the manifest
/// recorded. Returns whether it is gone (removed now, or by someone else); a file changed
/// since is kept, and so is a link (thesis writes regular files only, so a link is not its).
pub(super) fn remove_if_unchanged(dir: &Path, rel: &Path, hash: &str) -> Result<bool, Error> {
    let path = dir.join(rel);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Ok(m) if !m.is_file() => return Ok(false),
        _ => {}
    }
    match crate::files::read_capped(&path, u64::MAX) {
        Ok(bytes) if sha256_hex(&bytes) == hash => match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
            Err(e) => Err(Error::io(&path, e)),
        },
        Err(crate::files::Refusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Manifest, is_memo_path};

    #[test]
    fn only_paths_a_memo_run_writes_can_be_in_the_manifest() {
        assert!(is_memo_path(Path::new("index.md")));
        assert!(is_memo_path(Path::new("company/alpha.json")));
        for bad in ["../x.md", "company/../../x.md", "/etc/x.md", "company/notes.txt", "other/a.md", "company/.a.md"] {
            assert!(!is_memo_path(Path::new(bad)), "{bad}");
        }
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut m = Manifest::default();
        m.record(Path::new("company/a.md"), "text");
        m.record(Path::new("index.json"), "{}");
        m.write(dir.path()).expect("write");
        assert_eq!(Manifest::read(dir.path()).expect("read"), m);
    }
}
