"""A fixed-point solver for positive unknowns: ``x = F(x)`` with ``x ∈ (0, ∞)^k``.

The susceptibilities ``(V1, V2)`` of the self-consistent equations are positive and span many
decades (``V ~ 1/λ`` at small ridge, up to about 1e7 over the parameter sweep of
``benchmarks/sweep.py``), so the solver works on ``u = log x``:

* **Newton** on the log residual ``g(u) = log F(eᵘ) − u`` with a forward-difference Jacobian,
  the step capped at ``e^10`` per coordinate, and **backtracking** (fractions 1, ½, ¼, ⅛) on the
  merit ``max|g|``;
* a **damped fixed-point step** ``x ← (1 − damping) x + damping F(x)`` when no Newton step
  lowers the merit (Newton on ``x`` itself stalled at a spurious local minimum of the residual
  for a ReLU student with a large step; the damped step leaves such basins).

The stopping rule is on the relative residual ``max|F(x) − x| / (1 + |x|) < tol``.

The solver knows nothing about the learning problem; it is tested on its own on maps with known
roots (``tests/test_theory_solver.py``), with pinned iteration counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["FixedPointResult", "solve_positive_fixed_point"]

#: Forward-difference step of the Jacobian in log space.
_JACOBIAN_STEP = 1e-7
#: Largest Newton step in log space (a factor e^10 per coordinate).
_MAX_LOG_STEP = 10.0
#: Backtracking fractions of the Newton step.
_BACKTRACK = (1.0, 0.5, 0.25, 0.125)


@dataclass(frozen=True)
class FixedPointResult:
    """Outcome of :func:`solve_positive_fixed_point`.

    Attributes
    ----------
    x : numpy.ndarray
        The last iterate, shape ``(k,)``, all entries positive.
    converged : bool
        Whether the relative residual fell below ``tol``.
    iterations : int
        Map evaluations counted as iterations (one per Newton or damped step, plus the final
        check).
    residual : float
        ``max|F(x) − x| / (1 + |x|)`` at ``x``.
    newton_steps : int
        How many iterations took a Newton step.
    damped_steps : int
        How many iterations took the damped fixed-point step.
    """

    x: np.ndarray
    converged: bool
    iterations: int
    residual: float
    newton_steps: int = 0
    damped_steps: int = 0


def solve_positive_fixed_point(
    fmap: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    *,
    tol: float = 1e-12,
    max_iter: int = 200,
    damping: float = 0.5,
    report: Callable[[int, np.ndarray, float], None] | None = None,
) -> FixedPointResult:
    """Solve ``x = fmap(x)`` for ``x > 0`` (Newton in ``log x`` with a damped fallback).

    Parameters
    ----------
    fmap : callable
        ``fmap(x) -> array`` of the same shape ``(k,)``; must return positive values for
        positive ``x``.
    x0 : array_like, shape (k,)
        Starting point; entries are clipped below at 1e-12.
    tol : float
        Tolerance on the relative residual ``max|F(x) − x| / (1 + |x|)``.
    max_iter : int
        Largest number of iterations.
    damping : float in (0, 1]
        Weight of ``F(x)`` in the fallback step.
    report : callable, optional
        Called as ``report(iteration, x, residual)`` once per iteration.

    Returns
    -------
    FixedPointResult
        The last iterate with its convergence flag; the caller decides whether to raise.

    Examples
    --------
    >>> r = solve_positive_fixed_point(lambda x: np.sqrt(2.0 * x), np.array([1.0]))
    >>> round(float(r.x[0]), 12), r.converged
    (2.0, True)
    """
    x = np.maximum(np.asarray(x0, dtype=float).copy(), 1e-12)
    k = x.size
    res = math.inf
    newton = damped = 0

    def log_residual(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fx = np.asarray(fmap(np.exp(u)), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(fx) - u, fx

    for it in range(1, max_iter + 1):
        u = np.log(x)
        g, fx = log_residual(u)
        res = float(np.max(np.abs(fx - x) / (1.0 + np.abs(x))))
        if report is not None:
            report(it, x, res)
        if res < tol:
            return FixedPointResult(x, True, it, res, newton, damped)
        merit = float(np.max(np.abs(g)))
        jac = np.empty((k, k))
        for j in range(k):
            uh = u.copy()
            uh[j] += _JACOBIAN_STEP
            jac[:, j] = (log_residual(uh)[0] - g) / _JACOBIAN_STEP
        try:
            step = np.linalg.solve(jac, -g)
        except np.linalg.LinAlgError:
            step = None
        new_x = None
        if step is not None and np.all(np.isfinite(step)):
            step *= min(1.0, _MAX_LOG_STEP / max(float(np.max(np.abs(step))), 1e-300))
            for frac in _BACKTRACK:
                cand = u + frac * step
                gc = log_residual(cand)[0]
                if np.all(np.isfinite(gc)) and float(np.max(np.abs(gc))) < merit:
                    new_x = np.exp(cand)
                    newton += 1
                    break
        if new_x is None:
            new_x = (1.0 - damping) * x + damping * fx
            damped += 1
        x = new_x
    return FixedPointResult(x, False, max_iter, res, newton, damped)
