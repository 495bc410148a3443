//! Reading input files safely (every stage reads through here): only regular files, judged
//! from their metadata before they are opened (a named pipe would block the open, a device
//! never ends), size-capped before and during the read (a file that grows while it is read
//! still stops at the cap), and only inside the project root unless the user allows more.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Not a regular file: a directory, a named pipe, a device or a socket (what it is).
    NotRegular(&'static str),
    /// Larger than the cap (bytes seen, at least).
    TooLarge {
        size: u64,
        cap: u64,
    },
    Io(io::Error),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotRegular(what) => write!(f, "not a regular file but {what}; thesis reads only regular files"),
            Refusal::TooLarge { size, cap } => write!(f, "{size} bytes exceeds the {cap} byte limit"),
            Refusal::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Refusal {
        Refusal::Io(e)
    }
}

/// What a non-regular file is, in words.
fn file_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() { "a directory" } else { "not a regular file" }
}

/// Opens a regular file for reading: the type is checked from the metadata first (so a named
/// pipe is never opened), and again on the open handle (in case the path was swapped).
pub(crate) fn open_regular(path: &Path) -> Result<File, Refusal> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Refusal::NotRegular(file_kind(meta.file_type())));
    }
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Refusal::NotRegular(file_kind(meta.file_type())));
    }
    Ok(file)
}

#[cfg(target_os = "linux")]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    /// `O_NONBLOCK` on Linux: a pipe swapped in after the check does not block the open.
    const O_NONBLOCK: i32 = 0o4000;
    std::fs::OpenOptions::new().read(true).custom_flags(O_NONBLOCK).open(path)
}

#[cfg(not(target_os = "linux"))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Reads a whole regular file of at most `cap` bytes.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, Refusal> {
    let file = open_regular(path)?;
    let size = file.metadata()?.len();
    if size > cap {
        return Err(Refusal::TooLarge { size, cap });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(Refusal::TooLarge { size: bytes.len() as u64, cap });
    }
    Ok(bytes)
}

/// The largest text file thesis reads whole (rule files, datasets, scripts, templates).
pub(crate) const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

/// Unsaved texts of files open in an editor (`thesis lsp`), by canonical path: the loader reads
/// a file's text from here instead of the disk. A file is still found by walking the disk and
/// judged against the root before its text is taken, so the overlay widens nothing.
#[derive(Clone, Debug, Default)]
pub struct Overlay(std::sync::Arc<std::collections::HashMap<PathBuf, std::sync::Arc<str>>>);

impl Overlay {
    /// An overlay of these texts, keyed by canonical path.
    pub(crate) fn new(texts: std::collections::HashMap<PathBuf, std::sync::Arc<str>>) -> Overlay {
        Overlay(std::sync::Arc::new(texts))
    }

    /// The unsaved text of `path`, if the editor holds one.
    pub(crate) fn text(&self, path: &Path) -> Option<std::sync::Arc<str>> {
        if self.0.is_empty() {
            return None;
        }
        let real = std::fs::canonicalize(path).ok()?;
        self.0.get(&real).cloned()
    }
}

/// The directories every input must lie in, and whether the user allowed files outside.
#[derive(Clone, Debug, Default)]
pub struct Root {
    /// Canonical; empty when no root could be found (then nothing is refused).
    pub dirs: Vec<PathBuf>,
    pub allow_outside: bool,
}

impl Root {
    /// The explicit `--root`, else the deepest directory holding every given path.
    pub fn of(explicit: Option<&Path>, given: &[PathBuf], allow_outside: bool) -> Root {
        let dir = match explicit {
            Some(d) => std::fs::canonicalize(d).ok(),
            None => common_ancestor(given),
        };
        Root { dirs: dir.into_iter().collect(), allow_outside }
    }

    /// Exactly these directories (for the rules of a git revision, checked out elsewhere).
    pub fn dirs(dirs: &[PathBuf], allow_outside: bool) -> Root {
        Root { dirs: dirs.iter().filter_map(|d| std::fs::canonicalize(d).ok()).collect(), allow_outside }
    }

    /// Whether `path` (resolved through every link) lies inside the root. A path that does
    /// not exist is inside as far as this check goes (reading it will fail on its own).
    pub fn contains(&self, path: &Path) -> bool {
        if self.allow_outside || self.dirs.is_empty() {
            return true;
        }
        let Ok(real) = std::fs::canonicalize(path) else { return true };
        self.dirs.iter().any(|d| real.starts_with(d))
    }

    /// The root as shown in messages: relative to the working directory when inside it.
    pub fn display(&self) -> String {
        let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
        let one = |dir: &PathBuf| match cwd.as_deref().and_then(|c| dir.strip_prefix(c).ok()) {
            Some(rel) if rel.as_os_str().is_empty() => ".".to_string(),
            Some(rel) => crate::source::display_path(rel),
            None => crate::source::display_path(dir),
        };
        if self.dirs.is_empty() { ".".into() } else { self.dirs.iter().map(one).collect::<Vec<_>>().join(" or ") }
    }
}

/// The deepest directory that holds each path as written (a directory itself, a file or a
/// link its parent), resolved through links only once found. A given path that is itself a
/// link (`datasets -> /elsewhere`) does not widen the root to where it leads: its files are
/// judged against the root like any other link's.
fn common_ancestor(given: &[PathBuf]) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let mut dirs = given.iter().filter_map(|p| {
        let written = lexical(&cwd.join(p));
        let is_dir = std::fs::symlink_metadata(&written).ok()?.is_dir();
        if is_dir { Some(written) } else { written.parent().map(Path::to_path_buf) }
    });
    let mut common = dirs.next()?;
    for d in dirs {
        while !d.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    std::fs::canonicalize(common).ok()
}

/// `path` with `.` and `..` taken away by the letter (no link is followed).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Refusal, read_capped};

    #[test]
    fn a_file_over_the_cap_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.yaml");
        std::fs::write(&path, vec![b'a'; 100]).expect("write");
        assert!(matches!(read_capped(&path, 99), Err(Refusal::TooLarge { size: 100, cap: 99 })));
        assert_eq!(read_capped(&path, 100).expect("read").len(), 100);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused() {
        assert!(matches!(read_capped(std::path::Path::new("/dev/zero"), 10), Err(Refusal::NotRegular("a device"))));
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(matches!(read_capped(dir.path(), 10), Err(Refusal::NotRegular("a directory"))));
    }
}
