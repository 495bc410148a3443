//! `thesis memo [ID...]`: write the investment memos and their index under the reports
//! directory (each file atomically, unchanged files untouched, stale ones removed), or with
//! `--check` compare what is there with what the rules and data give now.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Common;
use super::output::write_atomic;
use crate::Error;
use crate::diag::Diagnostics;
use crate::memo::layout::{Rendered, owned_files, render};
use crate::memo::templates::Templates;
use crate::memo::{MemoFormat, Selection, build};
use crate::model::Kind;
use crate::source::display_path;

/// The options of `thesis memo`.
#[derive(Debug, clap::Args)]
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
}

pub(super) fn run(common: &Common, args: &MemoArgs) -> Result<ExitCode, Error> {
    let (session, sources) = common.score(&common.options())?;
    let selection = Selection { ids: args.ids.clone(), kinds: args.kinds.clone() };
    let book = build(&session, &selection)?;
    let formats = args.formats();
    let mut diags = Diagnostics::new();
    let templates = Templates::load(args.template_dir().as_deref(), &sources, &mut diags)?;
    let files = render(&book, &formats, &templates, &sources, &mut diags);
    common.report(&diags, &sources);
    if diags.has_errors() {
        return Err(Error::Invalid { errors: diags.error_count() });
    }
    let owned = if selection.wants_index() {
        let kinds: Vec<Kind> =
            session.scores.kinds.iter().map(|k| k.kind()).filter(|k| in_scope(*k, &selection)).collect();
        owned_files(&args.out, true, &kinds, &formats)?
    } else {
        Vec::new()
    };
    if args.check { check(&args.out, &files, &owned) } else { write(&args.out, &files, &owned) }
}

fn in_scope(kind: Kind, selection: &Selection) -> bool {
    selection.kinds.is_empty() || selection.kinds.contains(&kind)
}

/// How a file on disk compares with the fresh rendering.
enum Finding {
    Stale(usize),
    Missing,
    Extra,
}

/// Compares the files under `dir` with the rendering; names every file that differs.
fn check(dir: &Path, files: &[Rendered], owned: &[PathBuf]) -> Result<ExitCode, Error> {
    let findings = findings(dir, files, owned)?;
    let mut err = std::io::stderr().lock();
    for (path, finding) in &findings {
        let what = match finding {
            Finding::Stale(line) => format!("stale: differs from a fresh rendering from line {line}"),
            Finding::Missing => "missing: the rules and data give this memo".to_string(),
            Finding::Extra => "extra: no entity or format of this run gives it".to_string(),
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
fn findings(dir: &Path, files: &[Rendered], owned: &[PathBuf]) -> Result<Vec<(PathBuf, Finding)>, Error> {
    let mut findings = Vec::new();
    for f in files {
        let path = dir.join(&f.path);
        match std::fs::read(&path) {
            Ok(bytes) if bytes == f.text.as_bytes() => {}
            Ok(bytes) => findings.push((path, Finding::Stale(first_difference(&bytes, f.text.as_bytes())))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => findings.push((path, Finding::Missing)),
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    findings.extend(stale_extras(files, owned).map(|p| (dir.join(p), Finding::Extra)));
    findings.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(findings)
}

/// The owned files that the rendering does not give.
fn stale_extras<'a>(files: &[Rendered], owned: &'a [PathBuf]) -> impl Iterator<Item = &'a PathBuf> {
    let given: std::collections::HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    owned.iter().filter(move |p| !given.contains(p.as_path()))
}

/// The 1-based line where two texts first differ.
fn first_difference(old: &[u8], new: &[u8]) -> usize {
    let same = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    1 + new[..same].iter().filter(|&&b| b == b'\n').count()
}

/// Writes each changed file atomically, leaves unchanged ones alone, removes stale ones.
fn write(dir: &Path, files: &[Rendered], owned: &[PathBuf]) -> Result<ExitCode, Error> {
    let (mut written, mut removed) = (0, 0);
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read(&path).is_ok_and(|old| old == f.text.as_bytes()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        write_atomic(&path, |w| w.write_all(f.text.as_bytes()))?;
        written += 1;
    }
    for p in stale_extras(files, owned) {
        let path = dir.join(p);
        std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        removed += 1;
    }
    eprintln!(
        "memos under {}: {written} written, {} unchanged, {removed} removed",
        display_path(dir),
        files.len() - written
    );
    Ok(ExitCode::SUCCESS)
}
