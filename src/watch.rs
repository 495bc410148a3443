//! Watch mode (`thesis watch`): re-check, re-test and re-rank on every save of a rule, script or
//! dataset file (debounced), showing the diagnostics, or the new top of the ranking and what
//! moved since the last good run. Errors in the files being edited never end it.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::Error;
use crate::diag::Diagnostics;
use crate::model::Kind;
use crate::project::{Options, Session};
use crate::source::SourceMap;

/// What each run shows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WatchOptions {
    pub kind: Kind,
    pub top: usize,
    pub debounce: Duration,
    /// Clear the screen before each run (and so print known test failures in full again).
    pub clear: bool,
}

/// ANSI: cursor home, clear the screen, clear the scrollback.
pub(crate) const CLEAR_SCREEN: &str = "\x1b[H\x1b[2J\x1b[3J";

/// Prints diagnostics (the CLI's chosen format) to standard error.
pub(crate) type Reporter<'a> = &'a dyn Fn(&Diagnostics, &SourceMap);

/// Watches the rule and data paths until the process is stopped.
pub(crate) fn watch(opts: &Options, w: WatchOptions, report: Reporter<'_>, out: &mut dyn Write) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    for p in opts.rules.iter().chain(&opts.data) {
        let (target, mode) = watch_target(p);
        watcher.watch(&target, mode).map_err(|e| Error::Usage(format!("cannot watch {}: {e}", p.display())))?;
    }
    let mut state = State { previous: None, run: 0, known_failures: BTreeSet::new() };
    state.cycle(opts, w, &[], report, out);
    while let Some(changed) = next_changes(&rx, w.debounce) {
        state.cycle(opts, w, &changed, report, out);
    }
    Ok(())
}

/// Waits for a save, then for quiet: the input files written in between (`None` when the
/// watcher stopped).
fn next_changes(rx: &mpsc::Receiver<notify::Result<Event>>, quiet: Duration) -> Option<Vec<PathBuf>> {
    loop {
        let mut changed = written(rx.recv().ok()?);
        while let Ok(more) = rx.recv_timeout(quiet) {
            changed.extend(written(more));
        }
        changed.sort();
        changed.dedup();
        if !changed.is_empty() {
            return Some(changed);
        }
    }
}

/// The input files an event wrote, created, renamed or removed. Opening a file to read it (as
/// every run does) is not a change.
fn written(event: notify::Result<Event>) -> Vec<PathBuf> {
    let Ok(event) = event else { return Vec::new() };
    let writes = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(kind) => !matches!(kind, ModifyKind::Metadata(_)),
        EventKind::Access(kind) => kind == AccessKind::Close(AccessMode::Write),
        EventKind::Any | EventKind::Other => false,
    };
    if !writes {
        return Vec::new();
    }
    event.paths.into_iter().filter(|p| is_input(p)).collect()
}

/// A directory is watched with everything below it; a file through its directory, so that
/// editors that save by renaming a new file over the old are seen too.
fn watch_target(p: &Path) -> (PathBuf, RecursiveMode) {
    if p.is_dir() {
        return (p.to_path_buf(), RecursiveMode::Recursive);
    }
    let parent = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    (parent.to_path_buf(), RecursiveMode::NonRecursive)
}

/// Rule, dataset, test and script files; not editors' swap and backup files.
fn is_input(p: &Path) -> bool {
    let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.') || n.ends_with('~'));
    !hidden && p.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "yaml" | "yml" | "csv" | "rhai"))
}

struct State {
    /// The last run whose files had no errors.
    previous: Option<Session>,
    run: usize,
    /// The failing test cases the last run printed: not printed again while they still fail.
    known_failures: BTreeSet<String>,
}

impl State {
    fn cycle(
        &mut self,
        opts: &Options,
        w: WatchOptions,
        changed: &[PathBuf],
        report: Reporter<'_>,
        out: &mut dyn Write,
    ) {
        self.run += 1;
        if w.clear {
            // Cursor home, clear the screen and the scrollback: each run starts on a blank page.
            // Written past `out`, which escapes control characters from the data.
            let _ = out.flush();
            let _ = std::io::stdout().write_all(CLEAR_SCREEN.as_bytes());
            self.known_failures.clear();
        }
        let _ = writeln!(out, "{}", header(self.run, changed));
        let ok = check(opts, report, out);
        if ok {
            self.test(opts, report, out);
            self.rank(opts, w, report, out);
        } else {
            let _ = writeln!(out, "not ranked: fix the errors above; the last good ranking stands");
        }
        let _ = writeln!(out, "watching for changes (Ctrl-C to stop)");
        let _ = out.flush();
    }

    /// Runs the rule tests, printing the failures not printed by the last run, and the tally.
    fn test(&mut self, opts: &Options, report: Reporter<'_>, out: &mut dyn Write) {
        let sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let result = crate::pipeline::test(opts, &[], &[], &sources, &mut diags);
        report(&diags, &sources);
        if let Ok((_, run)) = result {
            let known = &self.known_failures;
            if let Ok(keys) = crate::render::test_report::write_failures(out, &run, &sources, known, false) {
                self.known_failures = keys;
            }
        }
    }

    fn rank(&mut self, opts: &Options, w: WatchOptions, report: Reporter<'_>, out: &mut dyn Write) {
        let Ok((session, _)) = crate::pipeline::score_reported(opts, report) else { return };
        let Some(ks) = session.scores.of(w.kind) else {
            let _ = writeln!(out, "no rule set scores {}", w.kind);
            return;
        };
        let ranking = crate::rank::rank(ks);
        let mut table = Vec::new();
        let _ = crate::render::rank::write_ranking(
            &mut table,
            crate::render::rank::RankFormat::Table,
            ks,
            &ranking,
            Some(w.top),
            &session.scores,
            &session.project.dataset,
        );
        let _ = out.write_all(&table);
        if let Some(prev) = &self.previous {
            moved(w.kind, prev, &session, out);
        }
        self.previous = Some(session);
    }
}

fn header(run: usize, changed: &[PathBuf]) -> String {
    let what: Vec<String> = changed.iter().map(|p| crate::source::display_path(&relative(p))).collect();
    match what.is_empty() {
        true => format!("== run {run}"),
        false => format!("== run {run} · changed: {}", what.join(", ")),
    }
}

/// Paths relative to the working directory when they are below it (notify reports absolute ones).
fn relative(p: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    cwd.and_then(|d| p.strip_prefix(d).ok().map(Path::to_path_buf)).unwrap_or_else(|| p.to_path_buf())
}

/// Runs `thesis check` (lints included); true when there are no errors.
fn check(opts: &Options, report: Reporter<'_>, out: &mut dyn Write) -> bool {
    let sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let result = crate::pipeline::check(opts, &sources, &mut diags);
    report(&diags, &sources);
    if let Err(e) = &result {
        // Not a problem in a file but reading them (a directory that vanished): say so.
        let _ = writeln!(out, "check: cannot read the inputs: {e}");
        return false;
    }
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    let (e, w) = (crate::fmt::count(errors, "error"), crate::fmt::count(warnings, "warning"));
    let _ = writeln!(out, "check: {e}, {w}");
    result.is_ok() && errors == 0
}

/// What moved since the last good run.
fn moved(kind: Kind, prev: &Session, now: &Session, out: &mut dyn Write) {
    let Some(d) = crate::diff::diff(kind, ("last run", prev), ("this run", now)) else { return };
    if d.changes.is_empty() {
        let _ = writeln!(out, "nothing moved since the last run");
        return;
    }
    let _ = writeln!(out, "moved since the last run:");
    let _ = crate::render::diff::write_diff(out, &d, crate::render::diff::DiffFormat::Table);
}
