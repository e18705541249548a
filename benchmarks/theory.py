"""Cost of the theory: 30-point learning curves against one 2000×2000 eigh.

Run: ``python benchmarks/theory.py``. Prints the measured times and ratios: the isotropic
asymptotic curve (goal ≤ 0.05 × eigh), the finite mode at d = 2000, and the true-bulk curve
(``bulk="gradient"``, goal ≤ 2 s on 2 cores, its table built from a cold cache each time).
"""

from __future__ import annotations

import time

import numpy as np

from onestep_lib import theory

KW = dict(student="tanh", teacher="sin", eta=3.0, alpha0=20.0, lam=0.1)
STRONG = dict(student="tanh", teacher="tanh", eta=6.0, alpha0=1.0, lam=0.01)


def gradient_curve(alphas, **kw):
    theory.api._gradient_forms.cache_clear()  # measure the table too
    return theory.learning_curve(alphas=alphas, bulk="gradient", **kw)


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
    strong = np.linspace(0.2, 4.0, 30)
    for name, kw in (("strong tanh/tanh", STRONG), ("relu/relu, noise", dict(
            student="relu", teacher="relu", eta=5.0, alpha0=5.0, lam=0.01, noise=0.1))):
        t_grad = best_of(lambda kw=kw: gradient_curve(strong, **kw))
        print(f"true-bulk curve, {name} (30 points, table included): {t_grad:8.3f} s  "
              f"ratio {t_grad / t_eigh:.3f}")


if __name__ == "__main__":
    main()
