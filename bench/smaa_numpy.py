"""A numpy SMAA-2 of the shape `bench/robust.sh` times thesis on: 10,000 Dirichlet(1) samples of
4 category weights over 10,000 entities x 40 factors (10 per category), rank = 1 + the number
strictly better, acceptability of ranks 1..10. The timing peer of BENCHMARKS.md (issue 11):
the same arithmetic as thesis's weighted sum with the category weights varying (category scores
once, then one 10,000 x 4 by 4 x 10,000 product per block of samples), on a random points
matrix of that shape -- a cost reference, not an agreement check (that is
tests/fixtures/robust/reference.py). Usage: python3 bench/smaa_numpy.py [samples] [entities].
"""
import sys
import time

import numpy as np

samples = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
factors, categories, ranks = 40, 4, 10
rng = np.random.default_rng(1)
points = rng.uniform(0, 100, size=(n, factors))
fw = rng.uniform(1, 3, size=factors)
cat = np.repeat(np.arange(categories), factors // categories)

t0 = time.perf_counter()
scores = np.stack([(points[:, cat == c] * fw[cat == c]).sum(1) / fw[cat == c].sum() for c in range(categories)], 1)
counts = np.zeros((ranks, n), dtype=np.int64)
block = 250
for start in range(0, samples, block):
    w = rng.dirichlet(np.ones(categories), size=min(block, samples - start))
    totals = w @ scores.T  # (block, n)
    for t in totals:
        top = np.argpartition(-t, ranks)[: ranks + 1]
        # rank = 1 + the number strictly better, for the entities that can reach the first ranks
        kth = np.sort(t[top])[::-1][ranks - 1]
        cand = np.nonzero(t >= kth)[0]
        better = (t[None, :] > t[cand, None]).sum(1)
        keep = better < ranks
        counts[better[keep], cand[keep]] += 1
elapsed = time.perf_counter() - t0
print(f"numpy SMAA-2: {samples} samples x {n} entities x {factors} factors: {elapsed:.2f} s "
      f"(rank-1 acceptability sums to {counts[0].sum() / samples:.4f})")
