//! `thesis memo [ID...]`: write the investment memos and their index under the reports
//! directory (each file atomically, unchanged files untouched, stale ones removed — only those
//! the manifest says thesis wrote), or with `--check` compare what is there with what the
//! rules and data give now.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Common;
use super::output::write_atomic;
use super::reports::{self, Manifest};
use crate::Error;
use crate::diag::Diagnostics;
use crate::memo::layout::{Rendered, render};
use crate::memo::templates::Templates;
use crate::memo::{MemoFormat, Selection, build};
use crate::model::Kind;
use crate::source::display_path;

/// The options of `thesis memo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  thesis memo                      every memo and the index, under reports/
  thesis memo baidu huawei         two memos only
  thesis memo --check              fail if a committed memo is stale (CI)")]
pub(crate) struct MemoArgs {
    /// Entity ids (default: every entity; the index is written only then).
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Only memos of these kinds (repeatable or comma-separated).
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',')]
    pub kinds: Vec<Kind>,
    /// The reports directory.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Formats to write (repeatable or comma-separated; default: all three).
    #[arg(long = "format", value_name = "FORMAT", value_delimiter = ',')]
    pub formats: Vec<MemoFormat>,
    /// Template directory: a file there replaces the built-in template of the same name
    /// (default: DIR/templates when it exists).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write nothing; fail, naming the files, if what is under DIR differs from a fresh run.
    #[arg(long)]
    pub check: bool,
}

impl MemoArgs {
    fn formats(&self) -> Vec<MemoFormat> {
        let mut f = if self.formats.is_empty() { MemoFormat::ALL.to_vec() } else { self.formats.clone() };
        f.sort();
        f.dedup();
        f
    }

    fn template_dir(&self) -> Option<PathBuf> {
        self.templates.clone().or_else(|| Some(self.out.join("templates")).filter(|d| d.is_dir()))
    }

    /// Where template files may lie: inside `--templates DIR` when given, else inside the
    /// reports directory (so `DIR/templates` linked to elsewhere is not read).
    fn template_root(&self, allow_outside: bool) -> crate::files::Root {
        let within = self.templates.as_deref().unwrap_or(&self.out);
        crate::files::Root::of(Some(within), &[], allow_outside)
    }
}

pub(super) fn run(common: &Common, args: &MemoArgs) -> Result<ExitCode, Error> {
    let opts = crate::project::Options { keep_observations: true, ..common.options() };
    let (session, sources) = common.score(&opts)?;
    let selection = Selection { ids: args.ids.clone(), kinds: args.kinds.clone() };
    let book = build(&session, &selection)?;
    let formats = args.formats();
    let mut diags = Diagnostics::new();
    let mut templates = Templates::load(
        args.template_dir().as_deref(),
        &args.template_root(common.allow_outside_root),
        &sources,
        &mut diags,
    )?;
    templates.budget(Kind::ALL.iter().map(|&k| session.project.dataset.table(k).len()).sum());
    let files = render(&book, &formats, &templates, &sources, &mut diags);
    common.report(&diags, &sources);
    if diags.has_errors() {
        return Err(Error::Invalid { errors: diags.error_count() });
    }
    let kinds: Vec<Kind> = session.scores.kinds.iter().map(|k| k.kind()).filter(|k| in_scope(*k, &selection)).collect();
    let scope = Scope { index: selection.wants_index(), kinds, formats };
    if args.check { check(&args.out, &files, &scope) } else { write(&args.out, &files, &scope) }
}

/// The files a run may call its own: with no ids given, the index and every memo of the kinds
/// and formats it writes; with ids, none (it writes some memos and removes nothing).
struct Scope {
    index: bool,
    kinds: Vec<Kind>,
    formats: Vec<MemoFormat>,
}

impl Scope {
    fn covers(&self, rel: &Path) -> bool {
        let format = self.formats.iter().any(|f| rel.extension().is_some_and(|e| e == f.ext()));
        let mut parts = rel.components();
        let kind = match (parts.next(), parts.next()) {
            (Some(_), None) => return self.index && format,
            (Some(k), Some(_)) => Kind::parse(&k.as_os_str().to_string_lossy()),
            _ => None,
        };
        self.index && format && kind.is_some_and(|k| self.kinds.contains(&k))
    }

    /// The manifest's files in scope that this rendering does not give.
    fn extras<'a>(&self, files: &[Rendered], manifest: &'a Manifest) -> Vec<(&'a PathBuf, &'a String)> {
        let given: std::collections::HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
        manifest.files.iter().filter(|(p, _)| self.covers(p) && !given.contains(p.as_path())).collect()
    }
}

fn in_scope(kind: Kind, selection: &Selection) -> bool {
    selection.kinds.is_empty() || selection.kinds.contains(&kind)
}

/// How a file on disk compares with the fresh rendering.
enum Finding {
    Stale(usize),
    Missing,
    Extra,
    Leftover,
}

/// Compares the files under `dir` with the rendering; names every file that differs.
fn check(dir: &Path, files: &[Rendered], scope: &Scope) -> Result<ExitCode, Error> {
    let findings = findings(dir, files, scope)?;
    let mut err = std::io::stderr().lock();
    for (path, finding) in &findings {
        let what = match finding {
            Finding::Stale(line) => format!("stale: differs from a fresh rendering from line {line}"),
            Finding::Missing => "missing: the rules and data give this memo".to_string(),
            Finding::Extra => "extra: no entity or format of this run gives it".to_string(),
            Finding::Leftover => "leftover: a temporary file of an interrupted run (`thesis memo` removes it)".into(),
        };
        let _ = writeln!(err, "{}: {what}", display_path(path));
    }
    if findings.is_empty() {
        let _ = writeln!(err, "{} memo files under {} are up to date", files.len(), display_path(dir));
        return Ok(ExitCode::SUCCESS);
    }
    let (n, total) = (findings.len(), files.len());
    let _ = writeln!(
        err,
        "memo --check: {n} of {total} files differ; run `thesis memo` with the same options to update them"
    );
    Ok(ExitCode::from(1))
}

/// Every file that is stale, missing or extra, sorted by path.
fn findings(dir: &Path, files: &[Rendered], scope: &Scope) -> Result<Vec<(PathBuf, Finding)>, Error> {
    let mut findings = Vec::new();
    for f in files {
        let path = dir.join(&f.path);
        match existing(&path)? {
            Some(bytes) if bytes == f.text.as_bytes() => {}
            Some(bytes) => findings.push((path, Finding::Stale(first_difference(&bytes, f.text.as_bytes())))),
            None => findings.push((path, Finding::Missing)),
        }
    }
    let manifest = Manifest::read(dir)?;
    let extras = scope.extras(files, &manifest).into_iter().map(|(p, _)| dir.join(p)).filter(|p| p.exists());
    findings.extend(extras.map(|p| (p, Finding::Extra)));
    findings.extend(reports::leftovers(dir).into_iter().map(|p| (p, Finding::Leftover)));
    findings.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(findings)
}

/// The content of a file there now: `None` when there is none. Only regular files are read.
fn existing(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match crate::files::read_capped(path, u64::MAX) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(crate::files::Refusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(crate::files::Refusal::Io(e)) => Err(Error::io(path, e)),
        Err(other) => Err(Error::Usage(format!("{}: {other}", display_path(path)))),
    }
}

/// The 1-based line where two texts first differ.
fn first_difference(old: &[u8], new: &[u8]) -> usize {
    let same = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    1 + new[..same].iter().filter(|&&b| b == b'\n').count()
}

/// Writes each changed file atomically, leaves unchanged ones alone, and removes the files the
/// manifest lists that this run no longer gives (if nobody changed them since). One run at a
/// time: a second waits for the lock. Every target is checked before the first is written.
fn write(dir: &Path, files: &[Rendered], scope: &Scope) -> Result<ExitCode, Error> {
    let _lock = reports::lock(dir)?;
    let targets: Vec<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    reports::check_targets(dir, &targets, &Kind::ALL)?;
    reports::sweep(dir)?;
    let mut manifest = Manifest::read(dir)?;
    let (mut written, mut removed, mut kept) = (0, 0, Vec::new());
    for f in files {
        let path = dir.join(&f.path);
        manifest.record(&f.path, &f.text);
        if existing(&path)?.is_some_and(|old| old == f.text.as_bytes()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        write_atomic(&path, |w| w.write_all(f.text.as_bytes()))?;
        written += 1;
    }
    let extras: Vec<(PathBuf, String)> =
        scope.extras(files, &manifest).into_iter().map(|(p, h)| (p.clone(), h.clone())).collect();
    for (rel, hash) in extras {
        let existed = dir.join(&rel).exists();
        if reports::remove_if_unchanged(dir, &rel, &hash)? {
            manifest.files.remove(&rel);
            removed += usize::from(existed);
        } else {
            kept.push(rel);
        }
    }
    manifest.write(dir)?;
    for rel in &kept {
        crate::say!("{}: kept: changed since thesis wrote it, so not removed", display_path(&dir.join(rel)));
    }
    crate::say!(
        "memos under {}: {written} written, {} unchanged, {removed} removed",
        display_path(dir),
        files.len() - written
    );
    if !scope.index && written > 0 {
        crate::say!(
            "note: only the memos named were written; the index and the other memos (ranks, universe size, stamps) may now be stale: run `thesis memo` to update them"
        );
    }
    Ok(ExitCode::SUCCESS)
}
