"""Benchmark: one network point of the simulation against a plain numpy implementation.

Point: student = teacher = tanh, η̃ = 1, α0 = α = 2, λ = 0.1, d = p = 2000, 5000 test samples
(n0 = n = 4000), one seed. The reference is a straightforward float64 numpy implementation of
the same protocol (book/notation.ipynb): whole arrays, the step as two matrix products, the ridge
solved in the primal (p×p) with ``numpy.linalg.solve``. Both are timed in the same run,
interleaved (one warm-up round, then ``--repeat`` rounds), because the machine's load may
vary: the table prints the best time, best/best-of-numpy and the median of the per-round
ratios (ours/numpy ≤ 1 is the goal). The two draw different random numbers (same protocol,
different seeds), so their test errors differ by the seed-to-seed spread (≈ 5% at d = 2000).

    python benchmarks/simulation.py [--d 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from onestep_lib import simulation


def numpy_reference(
    *, d: int, p: int, n0: int, n: int, n_test: int, eta: float, lam: float, seed: int
) -> float:
    """Test error of one seed, plain float64 numpy (tanh student and teacher)."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(d)
    theta *= math.sqrt(d) / np.linalg.norm(theta)
    w0 = rng.standard_normal((p, d))
    w0 /= np.linalg.norm(w0, axis=1, keepdims=True)
    # one giant step on n0 fresh samples: W1 = W0 + (η̃/n0) (σ'(Z) ⊙ e)ᵀ X0
    x0 = rng.standard_normal((n0, d))
    y0 = np.tanh(x0 @ theta / math.sqrt(d))
    t0 = np.tanh(x0 @ w0.T)
    e = y0 - t0.mean(axis=1)
    w1 = w0 + (eta / n0) * (((1.0 - t0**2) * e[:, None]).T @ x0)
    # ridge readout on n fresh samples, primal p×p
    x = rng.standard_normal((n, d))
    y = np.tanh(x @ theta / math.sqrt(d))
    f = np.tanh(x @ w1.T) / math.sqrt(p)
    a = np.linalg.solve(f.T @ f + lam * np.eye(p), f.T @ y)
    # test error against the noiseless target
    xt = rng.standard_normal((n_test, d))
    yt = np.tanh(xt @ theta / math.sqrt(d))
    return float(np.mean((yt - np.tanh(xt @ w1.T) @ a / math.sqrt(p)) ** 2))


def timed(fn) -> tuple[float, float]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    d = args.d
    point = dict(
        student="tanh",
        teacher="tanh",
        eta=1.0,
        alpha0=2.0,
        alpha=2.0,
        lam=0.1,
        d=d,
        seeds=1,
        n_test=5000,
    )
    runs = {
        ("numpy reference", "cpu", "float64"): lambda: numpy_reference(
            d=d, p=d, n0=2 * d, n=2 * d, n_test=5000, eta=1.0, lam=0.1, seed=0
        )
    }
    configs = [("cpu", "float64"), ("cpu", "float32")]
    try:
        import torch

        if torch.cuda.is_available():
            configs += [("cuda", "float32"), ("cuda", "float64")]
    except ImportError:
        pass
    for device, dtype in configs:
        be = simulation.resolve_backend(device=device, dtype=dtype)

        def run(device=device, dtype=dtype, be=be):
            r = simulation.test_error(**point, device=device, dtype=dtype)
            be.synchronize()
            return r.test_error

        runs[(f"onestep_lib ({be.name})", device, dtype)] = run
    # interleaved repetitions (the first is a warm-up): the machine's load is shared
    times = {key: [] for key in runs}
    values = {}
    for rep in range(args.repeat + 1):
        for key, fn in runs.items():
            t, values[key] = timed(fn)
            if rep > 0:
                times[key].append(t)
    ref = min(times[next(iter(runs))])
    print(
        f"network point d = p = {d}, n0 = n = {2 * d}, n_test = 5000, tanh/tanh, "
        f"η̃ = 1, λ = 0.1; best of {args.repeat} interleaved runs"
    )
    print(
        f"{'implementation':<24}{'device':<8}{'dtype':<9}{'seconds':>9}{'ours/numpy':>12}"
        f"{'median ratio':>14}{'test error':>12}"
    )
    ref_times = np.array(times[next(iter(runs))])
    for key in runs:
        name, device, dtype = key
        best = min(times[key])
        med = float(np.median(np.array(times[key]) / ref_times))
        print(
            f"{name:<24}{device:<8}{dtype:<9}{best:>9.3f}{best / ref:>12.3f}{med:>14.3f}"
            f"{values[key]:>12.5f}"
        )


if __name__ == "__main__":
    main()
