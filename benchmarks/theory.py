"""Cost of the theory: a 30-point asymptotic learning curve vs one 2000×2000 eigh, and finite mode.

Run: ``python benchmarks/theory.py``. Prints the measured times and ratios (goal: asymptotic
curve ≤ 0.05 × eigh).
"""

from __future__ import annotations

import time

import numpy as np

from onestep_lib import theory

KW = dict(student="tanh", teacher="sin", eta=3.0, alpha0=20.0, lam=0.1)


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    alphas = np.linspace(0.1, 3.0, 30)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2000, 2000))
    sym = (a + a.T) / 2
    t_eigh = best_of(lambda: np.linalg.eigh(sym), repeat=2)
    t_curve = best_of(lambda: theory.learning_curve(alphas=alphas, **KW))
    lc = theory.learning_curve(alphas=alphas, **KW)
    t_finite = best_of(
        lambda: theory.learning_curve(alphas=alphas, spectrum="finite", d=2000, seed=0, **KW),
        repeat=1,
    )
    print(f"eigh 2000x2000:                   {t_eigh:8.3f} s")
    print(
        f"asymptotic curve (30 points):     {t_curve:8.4f} s  ratio {t_curve / t_eigh:.4f}"
        f"  (mean iterations {lc.iterations.mean():.1f})"
    )
    print(f"finite curve d=2000 (30 points):  {t_finite:8.3f} s  ratio {t_finite / t_eigh:.3f}")


if __name__ == "__main__":
    main()
