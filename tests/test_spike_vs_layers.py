"""The spike parameters (c, τ, γ) against simulated one-step layers (THEORY.md §3).

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


def _measure(student: str, teacher: str, eta: float, alpha0: float, d: int, seed: int):
    layer = simulation.one_step(student=student, teacher=teacher, eta=eta, alpha0=alpha0, d=d,
                                seed=seed)
    u, s, vt = np.linalg.svd(layer.W1 - layer.W0, full_matrices=False)
    bulk = layer.W1 - s[0] * np.outer(u[:, 0], vt[0])
    c = np.sum(bulk**2) / bulk.shape[0]
    tau = np.sum(bulk * layer.W0) / np.sum(layer.W0**2)
    gamma = abs(vt[0] @ layer.theta) / np.sqrt(d)
    return c, tau, gamma


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
    wrong = spike_parameters(student="relu", teacher="tanh", eta=3.0, alpha0=20.0,
                             student_mean_correction=False)
    c, tau, _ = _measure("relu", "tanh", 3.0, 20.0, d=600, seed=1)
    assert wrong.c > 2.5 * c and tau < 0.6
