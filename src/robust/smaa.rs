//! SMAA-2 (Lahdelma & Salminen): weight vectors sampled uniformly on the simplex (one
//! category's factor weights, or the category weights) or within ±x% of the given weights;
//! every entity scored per sample from the points matrix (gates, caps and adjustments held, as
//! their conditions do not read the score); rank acceptability indices (the share of samples
//! in which an entity has rank r, rank = 1 + the number strictly better), central weight
//! vectors and Monte Carlo standard errors.
//!
//! Determinism: sample s draws from its own stream, seeded from (seed, s), and counts are
//! integers summed in any order, so the output is byte-identical for any thread count. Central
//! weights are summed afterwards, in sample order, from the streams again.

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use super::matrix::Matrix;
use super::oat::WeightId;
use crate::evaluate::KindScores;
use crate::evaluate::aggregate::{Model, Sums};

/// Which weights a sample draws, and how.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Sampling {
    pub samples: usize,
    pub seed: u64,
    /// The weights varied: one category's factor weights, or the category weights.
    pub vary: Vec<WeightId>,
    /// `None`: uniform on the simplex (Dirichlet(1)); `Some(x)`: each varied weight uniform in
    /// [w(1 − x), w(1 + x)].
    pub spread: Option<f64>,
    /// How many ranks the acceptability lists (the rest is 1 − their sum).
    pub ranks: usize,
}

/// The SMAA-2 result of a kind, compact: per ranked entity (in table order) its sample counts at
/// ranks 1 to `ranks` and its central weights, in flat arrays (no allocation per entity), read
/// through [`Smaa::entity`].
#[derive(Clone, Debug)]
pub(crate) struct Smaa {
    /// The ranked rows.
    rows: Vec<u32>,
    /// `[i * ranks + rank]`: the samples in which ranked entity `i` has that rank (from 0).
    counts: Vec<u32>,
    /// `[i * varied + w]`: entity `i`'s mean varied weights where it ranks first (NaN if never).
    central: Vec<f64>,
    ranks: usize,
    varied: usize,
    samples: usize,
}

/// One entity's SMAA result, read from a [`Smaa`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Acceptability<'a> {
    pub row: usize,
    counts: &'a [u32],
    samples: f64,
    /// Mean varied weights over the samples where it ranks first (`None` if it never does).
    pub central: Option<&'a [f64]>,
}

/// Equal to the bit (central weights NaN where an entity never ranks first).
impl PartialEq for Smaa {
    fn eq(&self, other: &Smaa) -> bool {
        let bits = |c: &[f64]| c.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        (&self.rows, &self.counts, self.ranks, self.varied, self.samples)
            == (&other.rows, &other.counts, other.ranks, other.varied, other.samples)
            && bits(&self.central) == bits(&other.central)
    }
}

impl Smaa {
    /// How many entities it ranks.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The `i`-th ranked entity's result.
    pub(crate) fn entity(&self, i: usize) -> Acceptability<'_> {
        let central = &self.central[i * self.varied..(i + 1) * self.varied];
        Acceptability {
            row: self.rows[i] as usize,
            counts: &self.counts[i * self.ranks..(i + 1) * self.ranks],
            samples: self.samples as f64,
            central: (!central.first().is_some_and(|x| x.is_nan())).then_some(central),
        }
    }

    /// Every ranked entity's result, in table order.
    pub(crate) fn entities(&self) -> impl Iterator<Item = Acceptability<'_>> {
        (0..self.len()).map(|i| self.entity(i))
    }
}

impl Acceptability<'_> {
    /// Share of samples at rank 1, 2, … (up to `ranks`).
    pub(crate) fn shares(&self) -> impl Iterator<Item = f64> + '_ {
        self.counts.iter().map(|&c| c as f64 / self.samples)
    }

    /// Monte Carlo standard error of each share, √(a(1 − a)/N).
    pub(crate) fn standard_errors(&self) -> impl Iterator<Item = f64> + '_ {
        self.shares().map(|a| (a * (1.0 - a) / self.samples).sqrt())
    }
}

/// A SplitMix64 stream (Steele, Lea & Flood 2014): tiny, fast and splittable by seed, which
/// is all per-sample streams need (no dependency for it).
struct Stream(u64);

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Stream {
    fn of(seed: u64, sample: u64) -> Stream {
        Stream(mix(seed ^ mix(sample.wrapping_add(1).wrapping_mul(GOLDEN))))
    }

    /// Uniform in (0, 1), never 0 or 1.
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        ((mix(self.0) >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }
}

/// The varied weights of sample `s`.
fn draw(ks: &KindScores, sampling: &Sampling, s: usize) -> Vec<f64> {
    let mut rng = Stream::of(sampling.seed, s as u64);
    match sampling.spread {
        None => {
            let e: Vec<f64> = sampling.vary.iter().map(|_| -rng.unit().ln()).collect();
            let sum: f64 = e.iter().sum();
            e.into_iter().map(|x| x / sum).collect()
        }
        Some(x) => sampling.vary.iter().map(|&w| given(ks, w) * (1.0 + x * (2.0 * rng.unit() - 1.0))).collect(),
    }
}

/// A weight as the rule set gives it.
pub(crate) fn given(ks: &KindScores, w: WeightId) -> f64 {
    match w {
        WeightId::Factor(f) => ks.model.weights.factor[f],
        WeightId::Category(c) => ks.model.weights.category_weight[c],
    }
}

/// The model of sample `s`.
fn model_of(ks: &KindScores, sampling: &Sampling, s: usize) -> (Model, Vec<f64>) {
    let v = draw(ks, sampling, s);
    let w = &ks.model.weights;
    let (mut fw, mut cw) = (w.factor.clone(), w.category_weight.clone());
    for (id, x) in sampling.vary.iter().zip(&v) {
        match *id {
            WeightId::Factor(f) => fw[f] = *x,
            WeightId::Category(c) => cw[c] = *x,
        }
    }
    (ks.model.reweighted(&fw, &cw), v)
}

/// Samples scored together: each complete row is read once for all of them.
const BLOCK: usize = 8;

/// One thread's buffers for its run of sample blocks: the totals of a block (`[i * ranked +
/// j]`) and the order of one sample.
struct Tally {
    winners: Vec<(u32, u32)>,
    totals: Vec<f64>,
    order: Vec<(f64, u32)>,
    sums: Sums,
}

/// The SMAA-2 analysis. Memory beyond the points matrix: one block of totals and one order per
/// thread, and the counts of the ranks reported (shared, counted atomically: integers, so the
/// same in any order).
pub(crate) fn smaa(ks: &KindScores, m: &Matrix, sampling: &Sampling) -> Smaa {
    let n = m.rows();
    let k = sampling.ranks;
    let nc = ks.plan.rules.categories.len();
    let ranked: Vec<u32> =
        (0..n).filter(|&r| m.fixed[r].ranked && m.row(r).iter().any(|p| !p.is_nan())).map(|r| r as u32).collect();
    let nr = ranked.len();
    let additive = ks.model.additive();
    let blocks = sampling.samples.div_ceil(BLOCK);
    let counts: Vec<AtomicU32> = (0..k * nr).map(|_| AtomicU32::new(0)).collect();
    let threads = rayon::current_num_threads().clamp(1, blocks.max(1));
    let per = blocks.div_ceil(threads);
    let winners: Vec<Vec<(u32, u32)>> = (0..threads)
        .into_par_iter()
        .map(|t| {
            let mut tally = Tally {
                winners: Vec::new(),
                totals: vec![0.0; BLOCK * nr],
                order: Vec::with_capacity(nr),
                sums: Sums::new(nc),
            };
            for b in t * per..((t + 1) * per).min(blocks) {
                let samples = b * BLOCK..((b + 1) * BLOCK).min(sampling.samples);
                let models: Vec<Model> = samples.clone().map(|s| model_of(ks, sampling, s).0).collect();
                score_block(m, &models, &ranked, additive, &mut tally);
                for (i, s) in samples.enumerate() {
                    count(&mut tally, &counts, nr, i, k, s as u32);
                }
            }
            tally.winners
        })
        .collect();
    let mut winners: Vec<(u32, u32)> = winners.into_iter().flatten().collect();
    winners.sort_unstable();
    let varied = sampling.vary.len();
    Smaa {
        central: central_weights(ks, sampling, &winners, nr),
        rows: ranked,
        counts: counts.into_iter().map(AtomicU32::into_inner).collect(),
        ranks: k,
        varied,
        samples: sampling.samples,
    }
}

/// Totals of every ranked row under each model of a block, into `t.totals[i * ranked + j]`.
/// A complete row under an additive method is Σ nominal share · points, summed in factor
/// order as the aggregation does, for all samples of the block at once.
fn score_block(m: &Matrix, models: &[Model], ranked: &[u32], additive: bool, t: &mut Tally) {
    let n = ranked.len();
    let shares: Vec<&[f64]> = models.iter().map(|model| model.weights.full.as_slice()).collect();
    for (j, &r) in ranked.iter().enumerate() {
        let r = r as usize;
        let adjust = m.fixed[r].adjust;
        if additive && m.complete[r] {
            let p = m.row(r);
            let mut acc = [0.0f64; BLOCK];
            for f in 0..m.nf {
                for (a, s) in acc.iter_mut().zip(&shares) {
                    *a += s[f] * p[f];
                }
            }
            for (i, (a, model)) in acc.iter().zip(models).enumerate() {
                // Below a coverage floor under these weights: not rated, no rank.
                let floored = m.below_floor(model, &mut t.sums, r);
                t.totals[i * n + j] = if floored { f64::NAN } else { (a + adjust).clamp(0.0, 100.0) };
            }
        } else {
            for (i, model) in models.iter().enumerate() {
                t.totals[i * n + j] = m.total(model, &mut t.sums, r).unwrap_or(f64::NAN);
            }
        }
    }
}

/// Adds sample `s` (block position `i`) to the counts: the ranked entities within the first
/// `k` ranks (`n` ranked in all).
fn count(t: &mut Tally, counts: &[AtomicU32], n: usize, i: usize, k: usize, s: u32) {
    let totals = &t.totals[i * n..(i + 1) * n];
    t.order.clear();
    t.order.extend(totals.iter().enumerate().map(|(j, &t)| (t, j as u32)).filter(|(t, _)| !t.is_nan()));
    let by_total = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0);
    if k < t.order.len() {
        // Only the first k ranks count: the k-th best total and everything at least as good.
        t.order.select_nth_unstable_by(k - 1, by_total);
        let kth = t.order[k - 1].0;
        let mut i = k;
        for j in k..t.order.len() {
            if t.order[j].0 >= kth {
                t.order.swap(i, j);
                i += 1;
            }
        }
        t.order.truncate(i);
    }
    t.order.sort_unstable_by(|a, b| by_total(a, b).then(a.1.cmp(&b.1)));
    let mut rank = 0;
    for j in 0..t.order.len() {
        if j == 0 || t.order[j].0 < t.order[j - 1].0 {
            rank = j;
        }
        if rank >= k {
            break;
        }
        let entity = t.order[j].1;
        counts[entity as usize * k + rank].fetch_add(1, Ordering::Relaxed);
        if rank == 0 {
            t.winners.push((s, entity));
        }
    }
}

/// Mean varied weights per ranked entity over the samples it wins (`[j * varied + w]`, NaN for
/// one that never wins), summed in sample order.
fn central_weights(ks: &KindScores, sampling: &Sampling, winners: &[(u32, u32)], n: usize) -> Vec<f64> {
    let nv = sampling.vary.len();
    let mut sum = vec![0.0; n * nv];
    let mut wins = vec![0u32; n];
    let mut i = 0;
    while i < winners.len() {
        let s = winners[i].0;
        let v = draw(ks, sampling, s as usize);
        while i < winners.len() && winners[i].0 == s {
            let j = winners[i].1 as usize;
            sum[j * nv..(j + 1) * nv].iter_mut().zip(&v).for_each(|(a, x)| *a += x);
            wins[j] += 1;
            i += 1;
        }
    }
    for (j, &c) in wins.iter().enumerate() {
        for a in &mut sum[j * nv..(j + 1) * nv] {
            *a = if c == 0 { f64::NAN } else { *a / c as f64 };
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_uniform_in_the_open_unit_interval_and_differ_by_sample() {
        let mut a = Stream::of(7, 0);
        let mut b = Stream::of(7, 1);
        let xs: Vec<f64> = (0..10_000).map(|_| a.unit()).collect();
        assert!(xs.iter().all(|x| *x > 0.0 && *x < 1.0));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
        assert_ne!(a.unit(), b.unit());
        assert_eq!(Stream::of(7, 3).unit(), Stream::of(7, 3).unit());
    }
}
