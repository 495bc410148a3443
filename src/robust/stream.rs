//! Flip points as a stream, for universes of any size: the rows in chunks of [`CHUNK_ROWS`],
//! a window of chunks solved and encoded in parallel (each chunk's points computed on its own,
//! so no points matrix of the whole kind exists), then handed on in table order. Memory is
//! bounded by the window — a few chunks' records and their encoded bytes — whatever the number
//! of entities, and the output is the same bytes for any thread count: the chunks are cut by
//! rows, not by threads, and written in order.

use rayon::prelude::*;

use super::flips::{Flip, Scratch, bounds, push_row};
use super::matrix::Matrix;
use crate::evaluate::KindScores;

/// Rows per chunk: large enough that a chunk's work dwarfs its set-up, small enough that a
/// window of them stays a few megabytes.
pub(crate) const CHUNK_ROWS: usize = 1024;

/// Chunks in flight per thread: one being solved while the other waits to be written.
const WINDOW_PER_THREAD: usize = 2;

/// Solves the flips of every ranked row of `ks` chunk by chunk (`chunk_rows` rows each),
/// encodes each chunk's records with `encode` (in parallel, records in table order), and hands
/// the encoded chunks to `write` in table order. Returns how many chunks there were.
pub(crate) fn stream<T: Send, E>(
    ks: &KindScores,
    chunk_rows: usize,
    encode: impl Fn(&[Flip]) -> T + Sync,
    mut write: impl FnMut(T) -> Result<(), E>,
) -> Result<usize, E> {
    let rules = &ks.plan.rules;
    let bounds = bounds(rules);
    let n = ks.table.len();
    let chunk_rows = chunk_rows.max(1);
    let chunks = n.div_ceil(chunk_rows);
    let window = rayon::current_num_threads().max(1) * WINDOW_PER_THREAD;
    let nc = rules.categories.len();
    let mut first = 0;
    while first < chunks {
        let last = (first + window).min(chunks);
        let encoded: Vec<T> = (first..last)
            .into_par_iter()
            .with_max_len(1)
            .map_init(
                || (Scratch::new(nc), Vec::new()),
                |(scratch, flips), c| {
                    let rows = c * chunk_rows..((c + 1) * chunk_rows).min(n);
                    let m = Matrix::of_rows(ks, &ks.scorers, rows);
                    flips.clear();
                    for row in 0..m.rows() {
                        push_row(rules, &ks.model, &m, &bounds, scratch, row, flips);
                    }
                    encode(flips)
                },
            )
            .collect();
        for t in encoded {
            write(t)?;
        }
        first = last;
    }
    Ok(chunks)
}
