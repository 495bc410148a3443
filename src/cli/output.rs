//! Where command output goes: standard output (a closed pipe ends quietly), or a file written
//! atomically (a temporary file beside it, then a rename).

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::Error;

/// Runs `write` against standard output. A reader that closed the pipe is not an error.
pub(super) fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if is_broken_pipe(&e) => Ok(()),
        Err(e) => Err(Error::io(Path::new("<stdout>"), e)),
    }
}

/// Writes a file so that readers see either the old content or the new, never a half: the
/// content goes to a temporary file beside it, which is then renamed over it. (The rename is
/// atomic; the file is not forced to disk, which for a 150 MB ranking costs over a second.)
pub(super) fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io_err = |e| Error::io(path, e);
    let tmp = temporary_beside(path, dir).map_err(io_err)?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        write(&mut w).map_err(io_err)?;
        w.flush().map_err(io_err)?;
    }
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// A temporary file in `dir` with the permissions the target has, or `rw-r--r--` for a new
/// file (a bare temporary file would be private to its owner).
fn temporary_beside(path: &Path, dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions =
            std::fs::metadata(path).map(|m| m.permissions()).unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        tempfile::Builder::new().permissions(permissions).tempfile_in(dir)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        tempfile::NamedTempFile::new_in(dir)
    }
}

/// Whether an error is a closed pipe, also when wrapped by the CSV or JSON writer.
fn is_broken_pipe(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return true;
    }
    let Some(inner) = e.get_ref() else { return false };
    if let Some(c) = inner.downcast_ref::<csv::Error>() {
        return matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe);
    }
    if let Some(j) = inner.downcast_ref::<serde_json::Error>() {
        return j.io_error_kind() == Some(io::ErrorKind::BrokenPipe);
    }
    inner.downcast_ref::<io::Error>().is_some_and(is_broken_pipe)
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::write_atomic;

    /// The files in `dir`, by name.
    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_write_that_fails_midway_leaves_the_old_file_whole_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("memo.md");
        std::fs::write(&path, "old memo\n").expect("write");
        let result = write_atomic(&path, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(io::Error::other("interrupted"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old memo\n");
        assert_eq!(names(dir.path()), ["memo.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_by_others_and_a_replaced_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ranking.csv");
        write_atomic(&path, |w| w.write_all(b"a\n")).expect("write");
        let mode = |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write_atomic(&path, |w| w.write_all(b"b\n")).expect("write");
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn a_write_that_succeeds_replaces_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("memo.md");
        std::fs::write(&path, "old memo\n").expect("write");
        write_atomic(&path, |w| w.write_all(b"new memo\n")).expect("write atomically");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new memo\n");
        assert_eq!(names(dir.path()), ["memo.md"]);
    }
}
