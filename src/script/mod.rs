//! The Rhai sandbox (compile and evaluate stages): one engine configuration with hard limits,
//! the entity exposed to scripts as a registered type, and script errors turned into diagnostics.

pub(crate) mod dates;
mod entity;
mod errors;
mod sort;

pub(crate) use entity::{Cursor, EntityRef};
pub(crate) use errors::{Failure, ScriptOrigin, syntax_diagnostic};

use rhai::packages::Package;
use rhai::{Engine, OptimizationLevel};

use crate::model::KindSchema;

/// Sandbox limits. A script that exceeds one stops with a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Operations per evaluation (one entity, one factor).
    pub operations: u64,
    /// Nested function calls. Worker threads get 16 MiB of stack (`WORKER_STACK_BYTES`), far more
    /// than this depth needs even in debug builds.
    pub call_depth: usize,
    /// Nesting of expressions (top level, inside functions).
    pub expr_depth: (usize, usize),
    /// Bytes of one string a script builds.
    pub string_bytes: usize,
    /// Items of one array a script builds.
    pub array_items: usize,
    /// Entries of one map a script builds.
    pub map_items: usize,
    /// Wall-clock time per evaluation: native string functions can make few operations slow.
    /// The operation limit is the deterministic bound; this one is a backstop, so it sits far
    /// above any real evaluation (100,000 operations take a few milliseconds) and above the
    /// time a thread can lose to preemption on a loaded machine (at 100 ms, a descheduled
    /// thread could turn an ordinary evaluation into an E303).
    pub time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            operations: 100_000,
            call_depth: 32,
            expr_depth: (64, 32),
            string_bytes: 64 * 1024,
            array_items: 10_000,
            map_items: 10_000,
            time: std::time::Duration::from_millis(1000),
        }
    }
}

/// Stack size of evaluation threads: Rhai recurses on the thread's stack.
pub(crate) const WORKER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Rhai's standard library, built once per process: building it takes about a millisecond,
/// and a check of 4,000 profiles makes an engine for each of them, twice.
fn standard_package() -> rhai::Shared<rhai::Module> {
    static PACKAGE: std::sync::OnceLock<rhai::Shared<rhai::Module>> = std::sync::OnceLock::new();
    PACKAGE.get_or_init(|| rhai::packages::StandardPackage::new().as_shared_module()).clone()
}

/// An engine with no I/O, no clock, no `eval`, no module loading, output silenced, the
/// limits set, and the attributes of one kind readable as `e.name`.
pub(crate) fn engine(schema: Option<&KindSchema>, limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(standard_package());
    engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
    engine.set_optimization_level(OptimizationLevel::Simple);
    engine.disable_symbol("eval");
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine.set_strict_variables(true);
    engine.set_max_operations(limits.operations);
    engine.set_max_call_levels(limits.call_depth);
    engine.set_max_expr_depths(limits.expr_depth.0, limits.expr_depth.1);
    engine.set_max_string_size(limits.string_bytes);
    engine.set_max_array_size(limits.array_items);
    engine.set_max_map_size(limits.map_items);
    engine.set_max_modules(0);
    entity::register(&mut engine, schema);
    sort::register(&mut engine);
    dates::register(&mut engine);
    engine
}

/// The wall-clock deadline of the evaluation a worker's engine runs now ([`timed`]).
#[derive(Debug)]
pub(crate) struct Deadline {
    epoch: std::time::Instant,
    /// Nanoseconds after `epoch`; `u64::MAX` when no evaluation is armed.
    until: std::sync::atomic::AtomicU64,
}

impl Deadline {
    /// Starts the clock of one evaluation.
    pub(crate) fn arm(&self, limit: std::time::Duration) {
        let until = self.epoch.elapsed().saturating_add(limit).as_nanos().min(u64::MAX as u128) as u64;
        self.until.store(until, std::sync::atomic::Ordering::Relaxed);
    }

    fn passed(&self) -> bool {
        self.epoch.elapsed().as_nanos() as u64 > self.until.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// What a script stopped by its deadline returns (a termination token).
pub(crate) const DEADLINE_TOKEN: &str = "thesis: time limit";

/// Makes `engine` stop an evaluation that runs past the deadline the returned handle arms
/// (checked every 8 operations, so a slow native function overruns by at most a few calls).
pub(crate) fn timed(engine: &mut Engine) -> std::sync::Arc<Deadline> {
    let deadline = std::sync::Arc::new(Deadline {
        epoch: std::time::Instant::now(),
        until: std::sync::atomic::AtomicU64::new(u64::MAX),
    });
    let d = std::sync::Arc::clone(&deadline);
    engine.on_progress(move |ops| (ops % 8 == 0 && d.passed()).then(|| DEADLINE_TOKEN.into()));
    deadline
}
