"""The positive fixed-point solver on its own: toy maps with known roots, pinned iterations.

The iteration counts are pinned: a change of the algorithm (step cap, backtracking, stopping
rule) shows up here before it shows up as a slower or different physics solve.
"""

import math

import numpy as np
import pytest

from onestep_lib.theory.solver import FixedPointResult, solve_positive_fixed_point


@pytest.mark.parametrize(
    "fmap,x0,root,iterations,newton,damped",
    [
        # x = √(2x): root 2
        (lambda x: np.sqrt(2.0 * x), [1.0], [2.0], 3, 2, 0),
        # x1 = 3√x2, x2 = 4/x1: x1³ = 36
        (
            lambda x: np.array([3.0 * np.sqrt(x[1]), 4.0 / x[0]]),
            [1.0, 1.0],
            [36.0 ** (1 / 3), 4.0 / 36.0 ** (1 / 3)],
            3,
            2,
            0,
        ),
        # a root seven decades away (the log-space step cap at work)
        (lambda x: 1e7 * (x / 1e7) ** 0.3, [1.0], [1e7], 4, 3, 0),
        # a singular Jacobian at the start: the damped fallback takes over, then Newton
        (lambda x: x * np.exp(-(x - 2.0) * x / 10.0), [1.0], [2.0], 8, 5, 2),
    ],
)
def test_known_roots_with_pinned_iterations(fmap, x0, root, iterations, newton, damped):
    r = solve_positive_fixed_point(fmap, np.array(x0), tol=1e-12)
    assert isinstance(r, FixedPointResult) and r.converged
    np.testing.assert_allclose(r.x, root, rtol=1e-10)
    assert (r.iterations, r.newton_steps, r.damped_steps) == (iterations, newton, damped)
    assert r.residual < 1e-12


def test_no_root_is_reported_not_raised():
    r = solve_positive_fixed_point(lambda x: 2.0 * x, np.array([1.0]), max_iter=20)
    assert not r.converged and r.iterations == 20
    assert r.residual == pytest.approx(1.0, rel=1e-6)


def test_report_is_called_once_per_iteration():
    seen = []
    r = solve_positive_fixed_point(
        lambda x: np.sqrt(2.0 * x), np.array([1.0]), report=lambda it, x, res: seen.append(it)
    )
    assert seen == list(range(1, r.iterations + 1))


def test_stopping_rule_is_the_relative_residual():
    loose = solve_positive_fixed_point(lambda x: np.sqrt(2.0 * x), np.array([1.0]), tol=1e-3)
    tight = solve_positive_fixed_point(lambda x: np.sqrt(2.0 * x), np.array([1.0]), tol=1e-14)
    assert loose.iterations < tight.iterations
    assert abs(loose.x[0] - 2.0) / 3.0 < 1e-2 and math.isclose(tight.x[0], 2.0, rel_tol=1e-14)
