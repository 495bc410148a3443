//! `array.sort(comparer)` for scripts (evaluate stage), replacing Rhai's own: an exception in
//! the comparer, or a comparer that returns no integer, fails the evaluation (E302) instead
//! of being swallowed and leaving the array half sorted; and the merge sort never panics,
//! whatever order the comparer claims.

use std::cmp::Ordering;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, NativeCallContext, Position};

pub(super) fn register(engine: &mut Engine) {
    engine.register_fn("sort", sort);
}

fn sort(ctx: NativeCallContext, array: &mut Array, comparer: FnPtr) -> Result<(), Box<EvalAltResult>> {
    let items = std::mem::take(array);
    *array = merge_sort(items, &mut |a, b| compare(&ctx, &comparer, a, b))?;
    Ok(())
}

fn compare(
    ctx: &NativeCallContext,
    comparer: &FnPtr,
    a: &Dynamic,
    b: &Dynamic,
) -> Result<Ordering, Box<EvalAltResult>> {
    let v = comparer.call_raw(ctx, None, [a.clone(), b.clone()])?;
    match v.as_int() {
        Ok(i) => Ok(i.cmp(&0)),
        Err(ty) => Err(Box::new(EvalAltResult::ErrorMismatchOutputType(
            "integer".into(),
            format!("{ty} from the sort comparer"),
            Position::NONE,
        ))),
    }
}

type Compare<'a> = dyn FnMut(&Dynamic, &Dynamic) -> Result<Ordering, Box<EvalAltResult>> + 'a;

/// A stable merge sort that stops at the comparer's first error.
fn merge_sort(mut items: Vec<Dynamic>, cmp: &mut Compare<'_>) -> Result<Vec<Dynamic>, Box<EvalAltResult>> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let right = items.split_off(items.len() / 2);
    let (left, right) = (merge_sort(items, cmp)?, merge_sort(right, cmp)?);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        let next = if cmp(a, b)? == Ordering::Greater { r.next() } else { l.next() };
        out.extend(next);
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::script::{Limits, engine};

    #[test]
    fn the_sort_orders_by_the_comparer_and_keeps_its_errors() {
        let e = engine(None, &Limits::default());
        let sorted = e.eval::<i64>("let a = [3, 1, 2, 5, 4]; a.sort(|x, y| x - y); a.reduce(|s, x| s * 10 + x, 0)");
        assert_eq!(sorted.expect("sorted"), 12345);
        let random = e.eval::<i64>("let a = [3, 1, 2, 5, 4, 9, 7]; a.sort(|x, y| 1); a.len()");
        assert_eq!(random.expect("an inconsistent comparer is no panic"), 7);
        assert!(e.eval::<i64>("let a = [2, 1]; a.sort(|x, y| throw \"no\"); 0").is_err());
    }
}
