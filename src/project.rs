//! The nouns of the pipeline: what to read ([`Options`]), the checked inputs ([`Project`]) and
//! a scored project ([`Session`]). The verbs that make them are in `pipeline`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::compile::Plan;
use crate::diag::Diagnostics;
use crate::evaluate::{Ledger, Scores, evaluate, ledger};
use crate::load::Workspace;
use crate::model::{Dataset, Date, Kind, RuleBook};
use crate::pool::in_pool;
use crate::rank::{Ranking, rank};
use crate::script::Limits;

/// Where the inputs are and how to read them.
#[derive(Clone, Debug)]
pub struct Options {
    /// Rule files or directories.
    pub rules: Vec<PathBuf>,
    /// Dataset files or directories.
    pub data: Vec<PathBuf>,
    /// More files to check along with the rules and data.
    pub extra: Vec<PathBuf>,
    /// Rule sets chosen by name (`--rule-set`), at most one per kind.
    pub rule_sets: Vec<String>,
    /// The view date: leave out facts not yet known on this day (default: the latest
    /// publication in the data).
    pub as_of: Option<Date>,
    /// Keep every observation as written, to view the data at other dates (`thesis history`,
    /// rule tests that pin their own `as_of`).
    pub keep_observations: bool,
    /// The script sandbox's limits.
    pub limits: Limits,
    /// Worker threads (`None`: one per core). Results do not depend on it.
    pub threads: Option<usize>,
    /// The project root (`--root`); by default the deepest directory holding every given path.
    pub root: Option<PathBuf>,
    /// Read files that lead outside the root too (`--allow-outside-root`).
    pub allow_outside_root: bool,
    /// Instead of one root, exactly these directories (the rules of a git revision checked
    /// out in a temporary directory, and the project the data comes from).
    pub root_dirs: Vec<PathBuf>,
    /// Called as each stage ends, with how long it took (`--timings`).
    pub on_stage: Option<StageHook>,
    /// Texts to read instead of the files on disk (an editor's unsaved buffers).
    pub overlay: crate::files::Overlay,
    /// The caller reads only ids, names and results once scored (a ranking as a table, CSV,
    /// Parquet or Arrow): the kernel may free the attribute columns as it scores them, which
    /// lowers the peak memory of a large table. Ledgers, rescoring and `robust` need them kept.
    pub results_only: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            rules: vec![PathBuf::from("rules")],
            data: vec![PathBuf::from("datasets")],
            extra: Vec::new(),
            rule_sets: Vec::new(),
            as_of: None,
            keep_observations: false,
            limits: Limits::default(),
            threads: None,
            root: None,
            allow_outside_root: false,
            root_dirs: Vec::new(),
            on_stage: None,
            overlay: crate::files::Overlay::default(),
            results_only: false,
        }
    }
}

/// A function told the name and duration of each pipeline stage as it ends.
#[derive(Clone)]
pub struct StageHook(Arc<StageFn>);

type StageFn = dyn Fn(&str, Duration) + Send + Sync;

impl StageHook {
    /// A hook calling `f(stage, took)`.
    pub fn new(f: impl Fn(&str, Duration) + Send + Sync + 'static) -> StageHook {
        StageHook(Arc::new(f))
    }

    pub(crate) fn call(&self, stage: &str, took: Duration) {
        (self.0)(stage, took);
    }
}

impl std::fmt::Debug for StageHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StageHook")
    }
}

/// The checked inputs: files, dataset and rule sets.
#[derive(Debug)]
pub struct Project {
    /// The files as loaded.
    pub ws: Workspace,
    /// The checked dataset.
    pub dataset: Dataset,
    /// The checked rule sets.
    pub book: RuleBook,
}

/// A scored project.
#[derive(Debug)]
pub struct Session {
    /// The checked inputs.
    pub project: Project,
    /// The rule sets chosen and compiled, kind by kind.
    pub plan: Plan,
    /// Every entity's score.
    pub scores: Scores,
}

impl Session {
    /// The ranking of one kind, if a rule set scores it.
    pub fn rank(&self, kind: Kind) -> Option<Ranking> {
        self.scores.of(kind).map(rank)
    }

    /// The whole ledger of the entity in `row` of `kind`'s table (what `thesis explain`
    /// prints), if a rule set scores the kind; `trace` adds script traces to its lines.
    pub fn ledger(&self, kind: Kind, row: usize, trace: bool) -> Option<Ledger> {
        let ks = self.scores.of(kind)?;
        (row < ks.table.len()).then(|| ledger(ks, row, &self.scores, &self.project.dataset, trace))
    }

    /// Frees every kind's attribute columns and computed factor inputs once the scores exist,
    /// for a product that reads only ids, names and results (a ranking as a table, CSV,
    /// Parquet or Arrow): at a million rows the raw numbers are most of the memory. Ledgers
    /// (JSON, `explain`, memos), `robust` and rescoring read them: call this only on the way out
    /// of a command that needs none of them. A table also held elsewhere is left as it is.
    pub(crate) fn release_columns(&mut self) {
        let tables = &mut self.project.dataset.tables;
        for ks in &mut self.scores.kinds {
            // The dataset's handle on the table goes first, so the scores hold the only one.
            let i = ks.kind().index();
            tables[i] = std::sync::Arc::new(crate::model::EntityTable::new(ks.kind()));
            if let Some(table) = std::sync::Arc::get_mut(&mut ks.table) {
                table.columns.iter_mut().for_each(crate::model::Column::release);
            }
            tables[i] = std::sync::Arc::clone(&ks.table);
            ks.raw.iter_mut().for_each(crate::evaluate::Raw::release);
        }
    }

    /// Evaluates the compiled plan over the dataset again (what a benchmark of the kernel
    /// times); problems go to `diags`, and `None` means there were errors. It runs on the
    /// worker pool it is called in (see [`crate::pool::in_pool`]), else on a new one.
    pub fn rescore(&self, diags: &mut Diagnostics) -> Option<Scores> {
        let sources = &self.project.ws.sources;
        in_pool(None, || evaluate(&self.plan, &self.project.dataset, sources, diags)).ok().flatten()
    }
}
