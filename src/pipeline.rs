//! The pipeline as one API: load and check a project, compile and evaluate it, rank a kind.

use std::path::PathBuf;

use crate::Error;
use crate::compile::{Plan, compile, compile_all};
use crate::diag::Diagnostics;
use crate::evaluate::{Scores, evaluate};
use crate::load::{Workspace, load};
use crate::model::{Dataset, Date, Kind, RuleBook};
use crate::rank::{Ranking, rank};
use crate::script::Limits;
use crate::source::SourceMap;
use crate::testing::TestRun;

/// Where the inputs are and how to read them.
#[derive(Clone, Debug)]
pub struct Options {
    pub rules: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    /// More files to check along with the rules and data.
    pub extra: Vec<PathBuf>,
    /// Rule sets chosen by name (`--rule-set`), at most one per kind.
    pub rule_sets: Vec<String>,
    /// Leave out facts dated after this day.
    pub as_of: Option<Date>,
    pub limits: Limits,
    /// The project root (`--root`); by default the deepest directory holding every given path.
    pub root: Option<PathBuf>,
    /// Read files that lead outside the root too (`--allow-outside-root`).
    pub allow_outside_root: bool,
    /// Print how long each stage took to standard error (`--timings`).
    pub timings: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            rules: vec![PathBuf::from("rules")],
            data: vec![PathBuf::from("datasets")],
            extra: Vec::new(),
            rule_sets: Vec::new(),
            as_of: None,
            limits: Limits::default(),
            root: None,
            allow_outside_root: false,
            timings: false,
        }
    }
}

/// The checked inputs: files, dataset and rule sets.
#[derive(Debug)]
pub struct Project {
    pub ws: Workspace,
    pub dataset: Dataset,
    pub book: RuleBook,
}

/// A scored project.
#[derive(Debug)]
pub struct Session {
    pub project: Project,
    pub plan: Plan,
    pub scores: Scores,
}

/// Loads and checks every input file; problems go to `diags`.
pub fn load_project(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Project, Error> {
    let mut clock = Timings::new(opts.timings);
    let mut paths = opts.rules.clone();
    paths.extend(opts.data.iter().cloned());
    paths.extend(opts.extra.iter().cloned());
    let root = crate::files::Root::of(opts.root.as_deref(), &paths, opts.allow_outside_root);
    let ws = load(&paths, &root, sources, diags)?;
    clock.mark("load");
    let dataset = crate::check::check_dataset(&ws, opts.as_of, diags);
    clock.mark("check datasets");
    let book = crate::check::check_rules(&ws, &dataset, diags);
    crate::check::check_finite(&book, diags);
    clock.mark("check rules");
    Ok(Project { ws, dataset, book })
}

/// Loads, checks, compiles and scores. Any error in the inputs is `Error::Invalid`.
pub fn score(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Session, Error> {
    let project = load_project(opts, sources, diags)?;
    let invalid = |d: &Diagnostics| Error::Invalid { errors: d.error_count().max(1) };
    if diags.has_errors() {
        return Err(invalid(diags));
    }
    let mut clock = Timings::new(opts.timings);
    let plan = compile(&project.book, &project.dataset, &opts.rule_sets, &project.ws, opts.limits, diags)
        .ok_or_else(|| invalid(diags))?;
    clock.mark("compile");
    let scores = evaluate(&plan, &project.dataset, &project.ws.sources, diags).ok_or_else(|| invalid(diags))?;
    clock.mark("evaluate");
    Ok(Session { project, plan, scores })
}

/// Checks everything `rank` would meet: files, every rule set and script, and a dry run of the
/// chosen rule sets over the data.
pub fn check(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Project, Error> {
    let project = load_project(opts, sources, diags)?;
    let sources = &project.ws.sources;
    compile_all(&project.book, &project.dataset, &project.ws, opts.limits, diags);
    crate::testing::check_tests(&project.ws.test_files, &project.dataset, &project.book, &opts.rule_sets, diags);
    if !diags.has_errors() {
        if let Some(plan) = compile(&project.book, &project.dataset, &opts.rule_sets, &project.ws, opts.limits, diags) {
            evaluate(&plan, &project.dataset, sources, diags);
        }
    }
    if !diags.has_errors() {
        crate::check::lints::run(&project, opts, diags);
    }
    Ok(project)
}

/// Checks the project and runs its rule tests: those under `only` if given, else every test
/// file found with the rules and data; of those, the cases whose name contains one of `names`
/// (all if none). Coverage covers every rule set for a full run, and only the rule sets the
/// cases used for a selection. Errors in the rules or data are `Error::Invalid`.
pub fn test(
    opts: &Options,
    only: &[PathBuf],
    names: &[String],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Result<(Project, TestRun), Error> {
    let project = load_project(opts, sources, diags)?;
    if diags.has_errors() {
        return Err(Error::Invalid { errors: diags.error_count() });
    }
    let docs: Vec<&crate::load::yaml::YamlDoc> = project
        .ws
        .test_files
        .iter()
        .filter(|d| only.is_empty() || only.iter().any(|p| d.path.starts_with(crate::source::normalize_lexically(p))))
        .collect();
    let mut files = crate::testing::check_tests(docs, &project.dataset, &project.book, &opts.rule_sets, diags);
    for f in &mut files {
        f.cases.retain(|(name, _, _)| names.is_empty() || names.iter().any(|n| name.contains(n.as_str())));
    }
    let mut run = crate::testing::run_tests(&project, &files, opts, diags);
    if !only.is_empty() || !names.is_empty() {
        run.coverage = std::mem::take(&mut run.coverage).used_only();
    }
    Ok((project, run))
}

impl Session {
    pub fn rank(&self, kind: Kind) -> Option<Ranking> {
        self.scores.of(kind).map(rank)
    }
}

/// Stage durations for `--timings`, printed to standard error as each stage ends.
pub struct Timings {
    last: Option<std::time::Instant>,
}

impl Timings {
    pub fn new(enabled: bool) -> Timings {
        Timings { last: enabled.then(std::time::Instant::now) }
    }

    pub fn mark(&mut self, stage: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            crate::say!("thesis: {stage:<16} {:>8.1} ms", (now - last).as_secs_f64() * 1e3);
            self.last = Some(now);
        }
    }
}
