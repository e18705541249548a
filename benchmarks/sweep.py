"""Convergence sweep of the asymptotic solver (issue 5): ``python benchmarks/sweep.py [N]``.

Samples ``N`` (default 1000) points of the parameter space with a fixed seed (Latin hypercube,
log-uniform where the range spans decades) plus the corners the issue names, solves
``theory.test_error`` at each, and prints the converged fraction, the failures with their
``ConvergenceError`` residual and hint, the worst iteration counts and the time per point.
Every converged point must have finite, non-negative test and training errors.
``OutsideValidatedDomainWarning`` (non-odd students with η̃ > 0) and ``IsotropicBulkWarning``
(strong steps on small batches) are silenced: the sweep tests the solver, not the surrogate's
domain. ``--bulk NAME`` solves every point with ``bulk=NAME`` (``isotropic``, ``anisotropic``,
``gradient``).
"""

from __future__ import annotations

import itertools
import math
import sys
import time
import warnings

import numpy as np

from onestep_lib import theory
from onestep_lib.validation import ConvergenceError

STUDENTS = ("tanh", "erf", "relu", "sin")
TEACHERS = ("tanh", "relu", "sin", "linear", "he2", "he3")

#: (name, low, high, log-scale)
RANGES = (
    ("alpha", 0.05, 10.0, True),
    ("alpha0", 0.1, 50.0, True),
    ("eta", 0.0, 5.0, False),
    ("lam", 1e-4, 10.0, True),
    ("width_ratio", 0.25, 4.0, True),
    ("noise", 0.0, 1.0, False),
)


def latin_hypercube(n: int, seed: int = 2024) -> list[dict]:
    """``n`` points: one stratum per point along each axis, randomly paired; the
    student/teacher pair cycles through all 24 combinations in a random order."""
    rng = np.random.default_rng(seed)
    cols = {}
    for name, lo, hi, log in RANGES:
        u = (rng.permutation(n) + rng.random(n)) / n
        if log:
            cols[name] = np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        else:
            cols[name] = lo + u * (hi - lo)
    pairs = list(itertools.product(STUDENTS, TEACHERS))
    order = rng.permutation(n) % len(pairs)
    points = []
    for i in range(n):
        pt = {k: float(v[i]) for k, v in cols.items()}
        pt["student"], pt["teacher"] = pairs[order[i]]
        points.append(pt)
    return points


def corners() -> list[dict]:
    """The corners named by the issue, for every student × teacher pair where cheap."""
    pts = []
    base = dict(alpha=1.0, alpha0=5.0, eta=2.0, lam=0.1, width_ratio=1.0, noise=0.0)
    for stu, tea in itertools.product(STUDENTS, TEACHERS):
        b = dict(base, student=stu, teacher=tea)
        pts.append(b | dict(eta=0.0, alpha0=20.0))  # η̃ = 0 with α0 > 0: random features
        pts.append(b | dict(width_ratio=4.0, lam=1e-4))  # p > d, tiny λ
        pts.append(b | dict(width_ratio=4.0, lam=1e-4, eta=5.0, alpha0=0.1, alpha=0.05))
        pts.append(b | dict(noise=1.0, lam=1e-4, alpha=10.0))  # label noise
        pts.append(b | dict(alpha=0.05))  # tiny α
        pts.append(b | dict(alpha=10.0, lam=1e-4))  # large α, tiny λ
        pts.append(b | dict(alpha=1.0 / b["width_ratio"], lam=1e-4))  # interpolation peak n = p
        pts.append(b | dict(eta=5.0, alpha0=50.0, lam=1e-4, width_ratio=0.25, alpha=10.0))
    for stu in STUDENTS:  # He2 teacher (μ1* = 0, γ = 0) across step sizes
        for eta in (0.5, 5.0):
            pts.append(dict(base, student=stu, teacher="he2", eta=eta, lam=1e-4, noise=0.5))
    return pts


def fast_points() -> list[dict]:
    """A subset for the test-suite (~60 points): every corner type on six student × teacher
    pairs each, all He2 corners, and a few Latin-hypercube points."""
    pts = corners()
    per_pair, n_pairs = 8, len(STUDENTS) * len(TEACHERS)
    keep = []
    for i in range(n_pairs):
        block = pts[i * per_pair : (i + 1) * per_pair]
        keep += [block[i % per_pair], block[(i + 4) % per_pair]]
    return keep + pts[n_pairs * per_pair :] + latin_hypercube(6, seed=7)


def solve(pt: dict) -> dict:
    """Solve one point; returns a row with the outcome (never raises ConvergenceError)."""
    t0 = time.perf_counter()
    row = dict(pt)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", theory.OutsideValidatedDomainWarning)
            warnings.simplefilter("ignore", theory.IsotropicBulkWarning)
            r = theory.test_error(**pt)
        row.update(
            status="ok",
            test_error=r.test_error,
            train_error=r.train_error,
            iterations=r.iterations,
            residual=r.residual,
        )
        vals = [v for v in r.as_dict().values() if isinstance(v, float)]
        if not all(math.isfinite(v) for v in vals):
            row["status"] = "non-finite"
        elif r.test_error < 0 or r.train_error < 0:
            row["status"] = "negative"
    except ConvergenceError as err:
        row.update(
            status="no-convergence",
            residual=err.residual,
            iterations=err.iterations,
            message=str(err),
        )
    row["seconds"] = time.perf_counter() - t0
    return row


def describe(pt: dict) -> str:
    return (
        f"{pt['student']}->{pt['teacher']} a={pt['alpha']:.3g} a0={pt['alpha0']:.3g} "
        f"eta={pt['eta']:.3g} lam={pt['lam']:.3g} phi={pt['width_ratio']:.3g} "
        f"noise={pt['noise']:.3g}"
    )


def summarise(rows: list[dict], *, out=sys.stdout) -> None:
    n = len(rows)
    ok = [r for r in rows if r["status"] == "ok"]
    bad = [r for r in rows if r["status"] != "ok"]
    its = np.array([r.get("iterations", 0) for r in rows])
    secs = np.array([r["seconds"] for r in rows])
    print(
        f"points: {n}   converged (finite, >= 0): {len(ok)} ({100.0 * len(ok) / n:.2f}%)", file=out
    )
    print(
        f"iterations: median {np.median(its):.0f}, "
        f"99th pct {np.percentile(its, 99):.0f}, max {its.max()}",
        file=out,
    )
    print(
        f"time per point: median {1e3 * np.median(secs):.1f} ms, "
        f"mean {1e3 * secs.mean():.1f} ms, max {1e3 * secs.max():.0f} ms, "
        f"total {secs.sum():.1f} s",
        file=out,
    )
    print("\nby student (converged / total, max iterations):", file=out)
    for stu in STUDENTS:
        sub = [r for r in rows if r["student"] == stu]
        if sub:
            print(
                f"  {stu:6s} {sum(r['status'] == 'ok' for r in sub):4d} / {len(sub):4d}   "
                f"{max(r.get('iterations', 0) for r in sub):4d}",
                file=out,
            )
    print("\nworst iteration counts:", file=out)
    for r in sorted(rows, key=lambda r: -r.get("iterations", 0))[:5]:
        print(f"  {r.get('iterations', 0):4d} it  {describe(r)}  [{r['status']}]", file=out)
    if bad:
        print(f"\nfailures ({len(bad)}):", file=out)
        for r in bad:
            print(
                f"  {r['status']:15s} {describe(r)}  residual={r.get('residual', math.nan):.2e}",
                file=out,
            )
            if "message" in r:
                print(f"      {r['message']}", file=out)
    else:
        print("\nfailures: none", file=out)


def main(n: int = 1000, *, bulk: str = "isotropic") -> list[dict]:
    """Sweep ``n`` Latin-hypercube points plus the corners, every point with ``bulk``."""
    points = corners() + latin_hypercube(n)
    if bulk != "isotropic":
        points = [dict(pt, bulk=bulk) for pt in points]
        print(f"bulk={bulk!r} for every point")
    rows = [solve(pt) for pt in points]
    summarise(rows)
    return rows


if __name__ == "__main__":
    # python benchmarks/sweep.py [N] [--bulk NAME]   (--bulk-anisotropy: --bulk anisotropic)
    argv = sys.argv[1:]
    bulk = "anisotropic" if "--bulk-anisotropy" in argv else "isotropic"
    if "--bulk" in argv:
        bulk = argv[argv.index("--bulk") + 1]
    args = [a for i, a in enumerate(argv) if not a.startswith("--") and argv[i - 1] != "--bulk"]
    main(int(args[0]) if args else 1000, bulk=bulk)
