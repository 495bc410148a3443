//! The kernel over a table it empties as it goes (evaluate stage): for a command that reads
//! only ids, names and results afterwards, rows are scored a segment at a time from the last
//! segment back to the first, and after each the attribute columns are cut back to the rows
//! still to score. The raw numbers and the results are never all held at once: at a million
//! rows of 40 numbers the peak is the columns plus one segment's results, not plus all of them.
//!
//! The results of each segment are appended where the previous ones end (so their memory too
//! is touched a segment at a time) and put back in row order at the end. Segments are whole
//! kernel chunks: every row is scored exactly as in one pass.

use std::sync::Arc;

use rayon::prelude::*;

use super::aggregate::Model;
use super::inputs::CHUNK;
use super::kernel::{EntityScore, Inputs, Masks, Pass, Rows, has_conditions, report};
use super::reasons::Summaries;
use crate::compile::KindPlan;
use crate::diag::Diagnostics;
use crate::model::{EntityTable, KindSchema};
use crate::script::Limits;
use crate::source::SourceMap;

/// Segments a table is scored in (fewer when it has fewer chunks): the results held beside the
/// whole columns are one segment's, an eighth of them.
const SEGMENTS: usize = 8;

/// Rows per segment of a table of `n` rows: whole kernel chunks (so whole blocks).
fn segment_rows(n: usize) -> usize {
    n.div_ceil(SEGMENTS).next_multiple_of(CHUNK).max(CHUNK)
}

/// Whether a stage can be scored by [`score_consuming`]: one without gates or adjustments,
/// whose scripts could fail at a row (a failure is reported at the first failing row of one
/// pass, which segments scored from the last would not find).
pub(super) fn can_consume(stage: &KindPlan) -> bool {
    !has_conditions(stage)
}

/// Scores every entity of a stage like `kernel::score_all`, freeing `table`'s attribute
/// columns as it goes (when nothing else holds the table; else they stay whole).
#[allow(clippy::too_many_arguments)]
pub(super) fn score_consuming(
    stage: &KindPlan,
    table: &mut Arc<EntityTable>,
    schema: &KindSchema,
    inputs: Inputs<'_>,
    model: &Model,
    limits: &Limits,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<(Vec<EntityScore>, Vec<Masks>, Summaries)> {
    debug_assert!(can_consume(stage));
    let n = table.len();
    let rules = &stage.rules;
    let mut results = Vec::with_capacity(n);
    let mut summaries = Summaries::with_capacity(n, rules.reason_codes, rules.categories.len());
    let layout = summaries.clone_layout();
    let (mut chunks, mut pieces) = (Vec::new(), Vec::new());
    let segment = segment_rows(n);
    let mut end = n;
    while end > 0 {
        let start = (end - 1) / segment * segment;
        let at = results.len();
        results.par_extend(rayon::iter::repeat_n(EntityScore::no_data(0.0, None), end - start));
        let (reasons, categories) = summaries.grow(end - start);
        let out = Rows { scores: &mut results[at..], masks: &mut [], reasons, categories };
        let pass = Pass { stage, table, schema, inputs: &inputs, model, limits };
        chunks.extend(pass.score(start..end, &layout, out));
        if let Some(t) = Arc::get_mut(table) {
            t.cut_columns(start);
        }
        pieces.push(end - start);
        end = start;
    }
    crate::pool::unreverse(&mut results, &pieces);
    summaries.restore_order(&pieces);
    report(stage, table, &chunks, sources, diags)?;
    Some((results, Vec::new(), summaries))
}

#[cfg(test)]
mod tests {
    use super::{CHUNK, segment_rows};

    #[test]
    fn segments_are_whole_chunks_and_at_most_eight() {
        for n in [1, CHUNK, CHUNK + 1, 20_000, 1_000_000, 1_000_001] {
            let s = segment_rows(n);
            assert_eq!(s % CHUNK, 0, "{n}");
            assert!(n.div_ceil(s) <= 8, "{n} rows in {} segments", n.div_ceil(s));
        }
        assert_eq!(20_000usize.div_ceil(segment_rows(20_000)), 5, "a small table has several segments too");
    }
}
