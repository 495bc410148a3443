//! The exact flip edge on floats: given a rating that moves monotonically with one factor's
//! points, the smallest change of those points — a float `d`, applied as `from + d` the way
//! the scoring applies it — that moves the rating, so that the next float toward no change
//! does not.
//!
//! Two searches over floats in order: first the points `p*` where the rating first moves
//! (galloping from the closed-form estimate, then bisection; each test is a rescoring), then
//! the smallest change `d` for which `from + d` rounds to at least `p*` (bisection; each test
//! is one addition). Stepping `d` one float at a time cannot do the second: when the change is
//! small beside the points, thousands of floats of `d` give the same `from + d`.

use super::flips::Direction;

/// Floats as ordered integers: `a < b` exactly when `key(a) < key(b)` (−0 just below +0).
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

fn float(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// The smallest key in `lo..=hi` where `holds` (monotone: false, then true; true at `hi`),
/// galloping from `guess` and then bisecting.
fn first(lo: u64, hi: u64, guess: u64, mut holds: impl FnMut(u64) -> bool) -> u64 {
    let g = guess.clamp(lo, hi);
    let (mut no, mut yes);
    let mut step = 1u64;
    if holds(g) {
        yes = g;
        loop {
            if yes == lo {
                return lo;
            }
            let c = yes.saturating_sub(step).max(lo);
            if holds(c) {
                yes = c;
                step = step.saturating_mul(2);
            } else {
                no = c;
                break;
            }
        }
    } else {
        no = g;
        loop {
            let c = no.saturating_add(step).min(hi);
            if c == hi || holds(c) {
                yes = c;
                break;
            }
            no = c;
            step = step.saturating_mul(2);
        }
    }
    while yes - no > 1 {
        let mid = no + (yes - no) / 2;
        if holds(mid) {
            yes = mid;
        } else {
            no = mid;
        }
    }
    yes
}

/// The smallest change of points `from` in `lo..=hi` (bounds of the change) that moves the
/// rating in `dir`, where `moved(p)` says whether points `p` move it (monotone in `p`, false at
/// `from`); `estimate` is the closed form's points. `None` when even the far bound does not.
pub(super) fn exact(
    from: f64,
    estimate: f64,
    (lo, hi): (f64, f64),
    dir: Direction,
    mut moved: impl FnMut(f64) -> bool,
) -> Option<f64> {
    if estimate.is_nan() {
        return None;
    }
    // Oriented so that both searches run upward: points and changes negated going down.
    let s = if dir == Direction::Up { 1.0 } else { -1.0 };
    let reach = if dir == Direction::Up { hi } else { -lo };
    // The far end of the points, as the scoring would see it.
    let far = from + s * reach;
    if reach <= 0.0 || !moved(far) {
        return None;
    }
    let guess = (s * estimate).clamp(s * from, s * far);
    let p = first(key(s * from), key(s * far), key(guess), |k| moved(s * float(k)));
    let star = float(p);
    // The smallest (oriented) change whose sum reaches those points.
    let near = (star - s * from).max(0.0);
    let d = first(key(0.0), key(reach), key(near), |k| s * (from + s * float(k)) >= star);
    Some(s * float(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_floats_as_numbers() {
        let xs = [-100.0, -1.5, -f64::MIN_POSITIVE, -0.0, 0.0, 5e-324, 1.0, 1.0f64.next_up(), 99.9];
        for w in xs.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{w:?}");
        }
        for x in xs {
            assert_eq!(float(key(x)).to_bits(), x.to_bits());
        }
    }

    /// A threshold on `from + d`, where `d` is tiny beside `from`: the change found is the
    /// smallest whose sum crosses it, and the next float toward none is not.
    #[test]
    fn the_change_is_the_smallest_float_whose_sum_crosses_the_edge() {
        for (from, edge, dir) in [
            (99.9, 99.900_000_000_01, Direction::Up),
            (50.0, 50.0f64.next_up(), Direction::Up),
            (12.345, 3.21, Direction::Down),
            (60.0, 60.0f64.next_down().next_down(), Direction::Down),
            (0.0, 1e-300, Direction::Up),
        ] {
            let moved = |p: f64| if dir == Direction::Up { p >= edge } else { p <= edge };
            let d = exact(from, edge, (-100.0, 100.0), dir, moved).expect("reachable");
            assert!(moved(from + d), "{from} {edge}: {d}");
            let less = if d > 0.0 { d.next_down() } else { d.next_up() };
            assert!(!moved(from + less), "{from} {edge}: {d} is not the smallest");
            // From a poor estimate too.
            assert_eq!(exact(from, from, (-100.0, 100.0), dir, moved), Some(d));
        }
    }

    #[test]
    fn beyond_the_bounds_is_out_of_reach() {
        assert_eq!(exact(50.0, 120.0, (-50.0, 50.0), Direction::Up, |p| p >= 100.5), None);
        assert_eq!(exact(50.0, f64::NAN, (-50.0, 50.0), Direction::Up, |p| p >= 60.0), None);
        assert_eq!(exact(0.0, -1.0, (0.0, 100.0), Direction::Down, |p| p < 0.0), None);
        // 50 + (50 − one float) rounds to 100 (a tie, to even): that change already does it.
        assert_eq!(exact(50.0, 100.0, (-50.0, 50.0), Direction::Up, |p| p >= 100.0), Some(50.0f64.next_down()));
    }
}
