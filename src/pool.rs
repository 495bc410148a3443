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

/// Puts back in order a vector appended a piece at a time from its last piece to its first:
/// `pieces` are the pieces' lengths in the order they were appended. Reversing the whole, then
/// each piece, leaves every piece in its place with its items in order; both on the pool's
/// threads.
pub(crate) fn unreverse<T: Send>(v: &mut [T], pieces: &[usize]) {
    use rayon::prelude::*;
    let (front, back) = v.split_at_mut(v.len() / 2);
    let skip = back.len() - front.len();
    let back = &mut back[skip..];
    front.par_iter_mut().zip(back.par_iter_mut().rev()).for_each(|(a, b)| std::mem::swap(a, b));
    // Reversed, the pieces lie in the opposite order of their appending.
    let mut parts = Vec::with_capacity(pieces.len());
    let mut rest = v;
    for &len in pieces.iter().rev() {
        let (part, after) = rest.split_at_mut(len.min(rest.len()));
        parts.push(part);
        rest = after;
    }
    parts.into_par_iter().for_each(|p| p.reverse());
}

/// How the pool's threads are named, which is how [`in_pool`] knows it is inside one.
const WORKER_PREFIX: &str = "thesis-";

#[cfg(test)]
mod tests {
    #[test]
    fn pieces_appended_from_the_last_are_put_back_in_order() {
        // Rows 0..11 in pieces [0..4), [4..8), [8..11), appended last piece first.
        let mut v: Vec<u32> = (8..11).chain(4..8).chain(0..4).collect();
        super::unreverse(&mut v, &[3, 4, 4]);
        assert_eq!(v, (0..11).collect::<Vec<_>>());
        let mut one = vec![1, 2, 3];
        super::unreverse(&mut one, &[3]);
        assert_eq!(one, [1, 2, 3]);
        super::unreverse(&mut Vec::<u8>::new(), &[]);
    }
}
