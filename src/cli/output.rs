//! Where command output goes: standard output (a closed pipe ends quietly), standard error
//! (a full or closed one is never a panic), or a file: a regular one written atomically (a
//! temporary file beside it, then a rename), anything else written to as it is.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;

use crate::Error;
use crate::escape::Escaping;

/// Where command output goes, as one concrete type: every sink is `Write + Send`, so an
/// encoder that needs to own its writer on another thread (Parquet's `ArrowWriter<W: Write +
/// Send>`) takes an `&mut Output` as it is.
pub(crate) struct Output<'f>(BufWriter<Sink<'f>>);

/// The writer under an [`Output`]'s buffer.
enum Sink<'f> {
    /// Standard output as it is (machine formats to a pipe or file).
    Stdout(io::Stdout),
    /// Standard output with control characters from data escaped.
    Escaped(Escaping<io::Stdout>),
    /// A temporary file that will be renamed over the target.
    Temporary(&'f File),
    /// A device, named pipe or link, written to as it is.
    Through(File),
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::Escaped(w) => w.write(buf),
            Sink::Temporary(w) => w.write(buf),
            Sink::Through(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::Escaped(w) => w.write_all(buf),
            Sink::Temporary(w) => w.write_all(buf),
            Sink::Through(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::Escaped(w) => w.flush(),
            Sink::Temporary(w) => w.flush(),
            Sink::Through(w) => w.flush(),
        }
    }
}

/// Output is handed to encoders that need `Write + Send`.
const _: fn() = || {
    fn send<W: Write + Send>() {}
    send::<Output<'_>>();
};

impl<'f> Output<'f> {
    fn new(capacity: usize, sink: Sink<'f>) -> Output<'f> {
        Output(BufWriter::with_capacity(capacity, sink))
    }

    /// Runs `write` against this output and flushes it.
    fn run(mut self, write: impl FnOnce(&mut Output<'f>) -> io::Result<()>) -> io::Result<()> {
        write(&mut self)?;
        self.0.flush()
    }
}

impl Write for Output<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Runs `write` against standard output. A reader that closed the pipe is not an error. On a
/// terminal, control characters from data are escaped ([`crate::escape::Escaping`]).
pub(super) fn to_stdout(write: impl FnOnce(&mut Output<'_>) -> io::Result<()>) -> Result<(), Error> {
    to_stdout_escaped(io::stdout().is_terminal(), write)
}

/// Like [`to_stdout`]; text meant for people (`human`: tables, ledgers, reports) is escaped
/// wherever it goes, machine formats only on a terminal (JSON escapes by itself).
pub(crate) fn to_stdout_as(human: bool, write: impl FnOnce(&mut Output<'_>) -> io::Result<()>) -> Result<(), Error> {
    to_stdout_escaped(human || io::stdout().is_terminal(), write)
}

/// Like [`to_stdout`] for a writer that escapes the data it prints itself and adds its own
/// colour codes (which an escaping sink would show as text).
pub(crate) fn to_stdout_painted(write: impl FnOnce(&mut Output<'_>) -> io::Result<()>) -> Result<(), Error> {
    to_stdout_escaped(false, write)
}

fn to_stdout_escaped(escape: bool, write: impl FnOnce(&mut Output<'_>) -> io::Result<()>) -> Result<(), Error> {
    let sink = if escape { Sink::Escaped(Escaping::new(io::stdout())) } else { Sink::Stdout(io::stdout()) };
    match Output::new(1 << 16, sink).run(write) {
        Ok(()) => Ok(()),
        Err(e) if is_broken_pipe(&e) => Ok(()),
        Err(e) => Err(Error::io(Path::new("<stdout>"), e)),
    }
}

/// How a product's bytes read: text for people (escaped wherever it goes), text for programs,
/// or binary (Parquet, Arrow IPC: never written to a terminal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reads {
    Human,
    Machine,
    Binary,
}

/// Writes a product to `output` (atomically) or, without one, to standard output; `format`
/// names it in the refusal to print binary bytes on a terminal.
pub(crate) fn emit(
    output: Option<&Path>,
    reads: Reads,
    format: &str,
    write: impl FnOnce(&mut Output<'_>) -> io::Result<()>,
) -> Result<(), Error> {
    match output {
        Some(path) => write_output(path, write),
        None if reads == Reads::Binary && io::stdout().is_terminal() => Err(Error::Usage(format!(
            "{format} is a binary format; write it to a file with --output FILE, or redirect standard output"
        ))),
        None => to_stdout_as(reads == Reads::Human, write),
    }
}

/// Writes command output to `path`. A regular file (or a new one) is replaced atomically; a
/// device, a named pipe or a symbolic link is written to as it is (replacing it would leave
/// `/dev/stdout` or a pipe's reader without the output); a directory is refused.
pub(crate) fn write_output(path: &Path, write: impl FnOnce(&mut Output<'_>) -> io::Result<()>) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => {
            Err(Error::Usage(format!("{} is a directory; give a file to write to", crate::source::display_path(path))))
        }
        Ok(meta) if !meta.is_file() => write_through(path, write),
        _ => {
            // What a killed earlier run left beside the target goes first.
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let _ = sweep_temporaries(dir);
            write_atomic(path, write)
        }
    }
}

/// Writes into an existing non-regular file (a device, a pipe, a link) without replacing it.
fn write_through(path: &Path, write: impl FnOnce(&mut Output<'_>) -> io::Result<()>) -> Result<(), Error> {
    let io_err = |e| Error::io(path, e);
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(Error::Usage(format!("{} leads to a directory", crate::source::display_path(path))));
    }
    let file = std::fs::OpenOptions::new().write(true).truncate(true).open(path).map_err(io_err)?;
    match Output::new(8 << 10, Sink::Through(file)).run(write) {
        Ok(()) => Ok(()),
        Err(e) if is_broken_pipe(&e) => Ok(()),
        Err(e) => Err(io_err(e)),
    }
}

/// Writes a file so that readers see either the old content or the new, never a half: the
/// content goes to a temporary file beside it, which is then renamed over it. (The rename is
/// atomic; the file is not forced to disk, which for a 150 MB ranking costs over a second.)
/// The temporary file is named `.thesis-tmp-PID-…`, so that a run killed midway leaves a file
/// a later run recognises ([`stale_temporaries`]) and removes.
pub(super) fn write_atomic(path: &Path, write: impl FnOnce(&mut Output<'_>) -> io::Result<()>) -> Result<(), Error> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io_err = |e| Error::io(path, e);
    let tmp = temporary_beside(path, dir).map_err(io_err)?;
    Output::new(8 << 10, Sink::Temporary(tmp.as_file())).run(write).map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// How every temporary file of thesis starts; the process id follows.
pub(crate) const TEMPORARY_PREFIX: &str = ".thesis-tmp-";

/// A temporary file in `dir` with the permissions the target has, or `rw-r--r--` for a new
/// file (a bare temporary file would be private to its owner).
fn temporary_beside(path: &Path, dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let prefix = format!("{TEMPORARY_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions =
            std::fs::metadata(path).map(|m| m.permissions()).unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        builder.permissions(permissions);
    }
    #[cfg(not(unix))]
    let _ = path;
    builder.tempfile_in(dir)
}

/// The temporary files in `dir` left by thesis runs that no longer run (killed midway).
pub(crate) fn stale_temporaries(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| e.file_name().to_str().and_then(temporary_owner).is_some_and(|pid| !is_running(pid)))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Removes the stale temporary files in `dir`; one already gone (another run) is no error.
pub(crate) fn sweep_temporaries(dir: &Path) -> Result<usize, Error> {
    let mut removed = 0;
    for path in stale_temporaries(dir) {
        match std::fs::remove_file(&path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(removed)
}

/// The process id in a temporary file's name.
fn temporary_owner(name: &str) -> Option<u32> {
    name.strip_prefix(TEMPORARY_PREFIX)?.split('-').next()?.parse().ok()
}

/// Whether a process with this id runs (on Linux, from `/proc`; elsewhere assumed, so that
/// nothing in use is swept).
fn is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

/// Writes one line to standard error. A full or closed standard error cannot be reported
/// anywhere, so it is ignored rather than a panic (which `eprintln!` would be).
/// The line is escaped: a file name or value in it cannot end it or send control sequences.
pub(crate) fn say(args: std::fmt::Arguments<'_>) {
    let text = args.to_string();
    let _ = writeln!(io::stderr().lock(), "{}", crate::escape::line(&text));
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
    use std::io::{self, Write};

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
