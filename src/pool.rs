//! The worker pool every pipeline verb runs on: its threads have the stacks the script
//! sandbox's call-depth limit assumes, whoever calls the library.

use crate::Error;

/// Runs `f` on a worker pool of `threads` threads (`None`: one per core) whose stacks are
/// 16 MiB (`WORKER_STACK_BYTES`), which the sandbox's call-depth limit assumes. Inside
/// such a pool already (a verb called from another, or the CLI's pool), `f` runs where it is.
pub fn in_pool<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T, Error> {
    if std::thread::current().name().is_some_and(|n| n.starts_with(WORKER_PREFIX)) {
        return Ok(f());
    }
    let n = threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .stack_size(crate::script::WORKER_STACK_BYTES)
        .thread_name(|i| format!("{WORKER_PREFIX}{i}"))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {n} threads: {e}")))?;
    Ok(pool.install(f))
}

/// `n` copies of `value`, written by the pool's threads together: each page of a large new
/// vector is a page fault on its first write, which one thread alone would pay for serially.
pub(crate) fn filled<T: Clone + Send + Sync>(value: T, n: usize) -> Vec<T> {
    use rayon::prelude::*;
    rayon::iter::repeat_n(value, n).collect()
}

/// How the pool's threads are named, which is how [`in_pool`] knows it is inside one.
const WORKER_PREFIX: &str = "thesis-";
