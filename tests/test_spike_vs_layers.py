"""The spike parameters (c, τ, γ) against simulated one-step layers (the spiked-matrix chapter,
book/spiked_matrix.ipynb, and section 1 of book/appendix_derivation.md).

Measured on ``simulation.one_step`` at d = p = 600 (seeds 0 and 1): after removing the top
singular component of the update, the bulk's mean squared row norm is c, its projection on W⁰
is τ, and the top right singular vector's overlap with θ/√d is γ. Spread measured over the two
seeds: c within 1.5%, τ within 1.5%, γ within 0.01 (tanh/sin, relu/tanh, relu/relu, tanh/tanh,
erf/relu); the tolerances below are twice that.
"""

import numpy as np
import pytest

from onestep_lib import simulation
from onestep_lib.spike import spike_parameters


def _top_singular_triplet(g: np.ndarray, tol: float = 1e-13, max_iter: int = 500):
    """``(s, u, v)``, the top singular value and vectors of ``g``, by power iteration on
    ``gᵀg`` started from ``gᵀ1`` (the spike's direction ``1_p vᵀ``): the spike stands far above
    the bulk, so it converges in a few iterations."""
    v = g.T @ np.ones(g.shape[0])
    v /= np.linalg.norm(v)
    s = 0.0
    for _ in range(max_iter):
        u = g @ v
        u /= np.linalg.norm(u)
        w = g.T @ u
        s_new = float(np.linalg.norm(w))
        v = w / s_new
        if abs(s_new - s) <= tol * s_new:
            return s_new, u, v
        s = s_new
    raise AssertionError(f"power iteration did not converge in {max_iter} iterations")


def _measure(student: str, teacher: str, eta: float, alpha0: float, d: int, seed: int):
    layer = simulation.one_step(
        student=student, teacher=teacher, eta=eta, alpha0=alpha0, d=d, seed=seed
    )
    s, u, v = _top_singular_triplet(layer.W1 - layer.W0)
    bulk = layer.W1 - s * np.outer(u, v)
    c = np.sum(bulk**2) / bulk.shape[0]
    tau = np.sum(bulk * layer.W0) / np.sum(layer.W0**2)
    gamma = abs(v @ layer.theta) / np.sqrt(d)
    return c, tau, gamma


def test_power_iteration_is_the_top_singular_triplet():
    rng = np.random.default_rng(0)
    g = rng.standard_normal((60, 40)) / 40 + 0.5 * np.outer(np.ones(60), rng.standard_normal(40))
    s, u, v = _top_singular_triplet(g)
    U, S, Vt = np.linalg.svd(g)
    assert s == pytest.approx(S[0], rel=1e-12)
    assert abs(u @ U[:, 0]) == pytest.approx(1.0, abs=1e-10)
    assert abs(v @ Vt[0]) == pytest.approx(1.0, abs=1e-10)


@pytest.mark.parametrize(
    ("student", "teacher", "eta", "alpha0"),
    [("tanh", "sin", 3.0, 20.0), ("relu", "tanh", 3.0, 20.0), ("tanh", "tanh", 1.0, 2.0)],
)
def test_spike_parameters_match_the_one_step_layer(student, teacher, eta, alpha0):
    params = spike_parameters(student=student, teacher=teacher, eta=eta, alpha0=alpha0)
    c, tau, gamma = _measure(student, teacher, eta, alpha0, d=600, seed=0)
    assert c == pytest.approx(params.c, rel=0.03)
    assert tau == pytest.approx(params.tau, rel=0.03)
    assert gamma == pytest.approx(params.gamma, abs=0.02)


def test_relu_correction_is_needed():
    """Without the student-mean correction c is three times too large for ReLU/tanh."""
    wrong = spike_parameters(
        student="relu", teacher="tanh", eta=3.0, alpha0=20.0, student_mean_correction=False
    )
    c, tau, _ = _measure("relu", "tanh", 3.0, 20.0, d=600, seed=1)
    assert wrong.c > 2.5 * c and tau < 0.6
