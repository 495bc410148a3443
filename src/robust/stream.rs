//! Flip points as a stream, for universes of any size: the rows in chunks of [`CHUNK_ROWS`],
//! a window of chunks solved and encoded in parallel (each chunk's points computed on its own,
//! so no points matrix of the whole kind exists), then handed on in table order. Memory is
//! bounded by the window — a few chunks' encoded bytes and one row's records per thread —
//! whatever the number of entities, and the output is the same bytes for any thread count: the
//! chunks are cut by rows, not by threads, and written in order. The buffers of a window are
//! reused by the next, so a long stream allocates nothing per chunk once warm.

use std::sync::mpsc;

use rayon::prelude::*;

use super::flips::{Flip, Scratch, bounds, push_row};
use super::matrix::Matrix;
use crate::evaluate::KindScores;

/// Rows per chunk: large enough that a chunk's work dwarfs its set-up (a chunk of the points
/// matrix, its fixed parts), small enough that a window of them stays a few megabytes.
pub(crate) const CHUNK_ROWS: usize = 1024;

/// Chunks in flight per thread.
const WINDOW_PER_THREAD: usize = 2;

/// Solves the flips of every ranked row of `ks`, chunk by chunk (`chunk_rows` rows each), the
/// ones out of reach left out unless `out_of_reach` ([`Flip::listed`]): `encode` appends each
/// row's records (in factor order, up before down) to its chunk's buffer, in parallel across the chunks of a window; `write` takes the buffers in table order
/// on a thread of its own, while the next window is solved (so a slow disk and the solving
/// overlap). Returns how many chunks there were.
pub(crate) fn stream<B: Send + Default, E: Send>(
    ks: &KindScores,
    chunk_rows: usize,
    out_of_reach: bool,
    encode: impl Fn(&[Flip], &mut B) + Sync,
    mut write: impl FnMut(&mut B) -> Result<(), E> + Send,
) -> Result<usize, E> {
    let rules = &ks.plan.rules;
    let bounds = bounds(rules);
    let n = ks.table.len();
    let chunk_rows = chunk_rows.max(1);
    let chunks = n.div_ceil(chunk_rows);
    let window = (rayon::current_num_threads().max(1) * WINDOW_PER_THREAD).min(chunks.max(1));
    let nc = rules.categories.len();
    let mut scratch: Vec<(Scratch, Vec<Flip>)> = (0..window).map(|_| (Scratch::new(nc), Vec::new())).collect();
    // Windows of encoded chunks go to the writer and come back empty: at most three exist.
    let (full, written) = mpsc::sync_channel::<Vec<B>>(1);
    let (emptied, empty) = mpsc::channel::<Vec<B>>();
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            for mut bufs in written {
                for buf in &mut bufs {
                    write(buf)?;
                }
                // The solver may have finished; then the buffers are simply dropped.
                let _ = emptied.send(bufs);
            }
            Ok(())
        });
        let mut first = 0;
        while first < chunks {
            let last = (first + window).min(chunks);
            let mut bufs = empty.try_recv().unwrap_or_else(|_| (0..window).map(|_| B::default()).collect());
            bufs.resize_with(last - first, B::default);
            scratch[..last - first].par_iter_mut().zip(&mut bufs).with_max_len(1).enumerate().for_each(
                |(i, ((scratch, flips), buf))| {
                    let c = first + i;
                    let m = Matrix::of_rows(ks, &ks.scorers, c * chunk_rows..((c + 1) * chunk_rows).min(n));
                    for row in 0..m.rows() {
                        flips.clear();
                        push_row(rules, &ks.model, &m, &bounds, scratch, row, flips);
                        if !out_of_reach {
                            flips.retain(Flip::listed);
                        }
                        if !flips.is_empty() {
                            encode(flips, buf);
                        }
                    }
                },
            );
            // A writer that failed has hung up: its error is the result.
            if full.send(bufs).is_err() {
                break;
            }
            first = last;
        }
        drop(full);
        match writer.join() {
            Ok(result) => result.map(|()| chunks),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
