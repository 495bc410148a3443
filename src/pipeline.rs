//! The pipeline as one API: load and check a project, compile and evaluate it, check it
//! whole, run its rule tests. Each verb runs on a worker pool with the sandbox's stacks.

use std::path::PathBuf;
use std::time::Instant;

use crate::Error;
use crate::compile::{compile, compile_all};
use crate::diag::Diagnostics;
use crate::evaluate::{evaluate, evaluate_consuming};
use crate::load::load;
use crate::pool::in_pool;
use crate::project::{Options, Project, Session, StageHook};
use crate::source::SourceMap;
use crate::testing::TestRun;

/// Loads and checks every input file; problems go to `diags`.
pub fn load_project(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Project, Error> {
    in_pool(opts.threads, || load_here(opts, sources, diags))?
}

fn load_here(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Project, Error> {
    let mut clock = Clock::new(opts);
    let mut paths = opts.rules.clone();
    paths.extend(opts.data.iter().cloned());
    paths.extend(opts.extra.iter().cloned());
    let root = if opts.root_dirs.is_empty() {
        crate::files::Root::of(opts.root.as_deref(), &paths, opts.allow_outside_root)
    } else {
        crate::files::Root::dirs(&opts.root_dirs, opts.allow_outside_root)
    };
    let ws = load(&paths, &root, &opts.overlay, sources, diags)?;
    clock.mark("load");
    let dataset = crate::check::check_dataset(&ws, opts.as_of, opts.keep_observations, diags);
    clock.mark("check datasets");
    let book = crate::check::check_rules(&ws, &dataset, diags);
    crate::check::check_finite(&book, diags);
    clock.mark("check rules");
    Ok(Project { ws, dataset, book })
}

/// Loads, checks, compiles and scores. Any error in the inputs is `Error::Invalid`.
pub fn score(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Session, Error> {
    in_pool(opts.threads, || score_here(opts, sources, diags))?
}

fn score_here(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Session, Error> {
    let mut project = load_here(opts, sources, diags)?;
    let invalid = |d: &Diagnostics| Error::Invalid { errors: d.error_count().max(1) };
    if diags.has_errors() {
        return Err(invalid(diags));
    }
    let mut clock = Clock::new(opts);
    let plan = compile(&project.book, &project.dataset, &opts.rule_sets, &project.ws, opts.limits, diags)
        .ok_or_else(|| invalid(diags))?;
    clock.mark("compile");
    let sources = &project.ws.sources;
    let scores = match opts.results_only {
        true => evaluate_consuming(&plan, &mut project.dataset, sources, diags),
        false => evaluate(&plan, &project.dataset, sources, diags),
    }
    .ok_or_else(|| invalid(diags))?;
    clock.mark("evaluate");
    Ok(Session { project, plan, scores })
}

/// [`score`] with a fresh source map and diagnostics: hands the diagnostics to `report`
/// (whether or not there are errors), then returns the session with the sources its
/// diagnostics and ledgers point into. The preamble of every command that scores.
pub fn score_reported(
    opts: &Options,
    report: impl FnOnce(&Diagnostics, &SourceMap),
) -> Result<(Session, SourceMap), Error> {
    let sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let session = score(opts, &sources, &mut diags);
    report(&diags, &sources);
    Ok((session?, sources))
}

/// Checks everything `rank` would meet: files, every rule set and script, and a dry run of the
/// chosen rule sets over the data.
pub fn check(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Project, Error> {
    in_pool(opts.threads, || check_here(opts, sources, diags))?
}

fn check_here(opts: &Options, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Project, Error> {
    let project = load_here(opts, sources, diags)?;
    let sources = &project.ws.sources;
    compile_all(&project.book, &project.dataset, &project.ws, opts.limits, diags);
    crate::testing::check_tests(&project.ws.test_files, &project.dataset, &project.book, &opts.rule_sets, diags);
    if !diags.has_errors()
        && let Some(plan) = compile(&project.book, &project.dataset, &opts.rule_sets, &project.ws, opts.limits, diags)
    {
        evaluate(&plan, &project.dataset, sources, diags);
    }
    if !diags.has_errors() {
        crate::check::lints::run(&project, &opts.rule_sets, opts.limits, diags);
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
    in_pool(opts.threads, || test_here(opts, only, names, sources, diags))?
}

fn test_here(
    opts: &Options,
    only: &[PathBuf],
    names: &[String],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Result<(Project, TestRun), Error> {
    // Cases may pin their own view date: keep the observations to resolve them again.
    let opts = &Options { keep_observations: true, ..opts.clone() };
    let project = load_here(opts, sources, diags)?;
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
    let mut run = crate::testing::run_tests(&project, &files, &opts.rule_sets, opts.limits, diags);
    if !only.is_empty() || !names.is_empty() {
        run.coverage = std::mem::take(&mut run.coverage).used_only();
    }
    Ok((project, run))
}

/// Tells [`Options::on_stage`] how long each stage took, if anyone listens.
struct Clock<'a> {
    hook: Option<&'a StageHook>,
    last: Instant,
}

impl Clock<'_> {
    fn new(opts: &Options) -> Clock<'_> {
        Clock { hook: opts.on_stage.as_ref(), last: Instant::now() }
    }

    fn mark(&mut self, stage: &str) {
        if let Some(hook) = self.hook {
            let now = Instant::now();
            hook.call(stage, now - self.last);
            self.last = now;
        }
    }
}
