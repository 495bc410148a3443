//! Rank correlations of two score vectors over the same entities: Kendall's tau-b and
//! Spearman's rho (Pearson's correlation of the rank vectors).

/// Kendall's tau-b of `x` and `y`: Σ sign(xᵢ−xⱼ)·sign(yᵢ−yⱼ) / √((n₀−n₁)(n₀−n₂)), where n₀
/// counts the pairs and n₁, n₂ the pairs tied in x and in y (equal to tau-a without ties).
/// `None` when either vector is constant or has fewer than two entries.
pub(crate) fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    use rayon::prelude::*;
    let n = x.len();
    let (s, tx, ty) = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map(|i| {
            let (mut s, mut tx, mut ty) = (0i64, 0i64, 0i64);
            for j in i + 1..n {
                let a = sign(x[i] - x[j]);
                let b = sign(y[i] - y[j]);
                s += a * b;
                tx += i64::from(a == 0);
                ty += i64::from(b == 0);
            }
            (s, tx, ty)
        })
        .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    let pairs = (n * n.saturating_sub(1) / 2) as i64;
    let den = (((pairs - tx) as f64) * ((pairs - ty) as f64)).sqrt();
    (den > 0.0).then(|| s as f64 / den)
}

fn sign(d: f64) -> i64 {
    if d > 0.0 {
        1
    } else if d < 0.0 {
        -1
    } else {
        0
    }
}

/// Pearson's correlation of two rank vectors (population moments, as pymcdm's `spearman`);
/// `None` when either is constant.
pub(crate) fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let cov = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / n;
    let sx = (x.iter().map(|a| (a - mx) * (a - mx)).sum::<f64>() / n).sqrt();
    let sy = (y.iter().map(|b| (b - my) * (b - my)).sum::<f64>() / n).sqrt();
    (sx > 0.0 && sy > 0.0).then(|| cov / (sx * sy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kendall_counts_concordant_minus_discordant_pairs() {
        assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), Some(1.0));
        assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        // One discordant pair of three.
        assert!((kendall_tau_b(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]).expect("defined") - 1.0 / 3.0).abs() < 1e-15);
        // Ties: x has one tied pair, y none: 2 / sqrt(2 · 3).
        assert!(
            (kendall_tau_b(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]).expect("defined") - 2.0 / 6f64.sqrt()).abs() < 1e-15
        );
        assert_eq!(kendall_tau_b(&[1.0, 1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn spearman_is_pearson_on_ranks() {
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 2.0, 3.0, 4.0]).expect("defined") - 1.0).abs() < 1e-15);
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]).expect("defined") + 1.0).abs() < 1e-15);
        assert!((spearman(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]).expect("defined") - 0.5).abs() < 1e-15);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }
}
