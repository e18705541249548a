"""Spike parameters ``(c, r, γ, τ)`` against reference numbers and closed forms (the formulas:
book/spiked_matrix.ipynb and section 1 of the appendix derivation, book/appendix_derivation.md)."""

import math

import numpy as np
import pytest

from onestep_lib.activations import hermite_coefficients
from onestep_lib.spike import conditional_coefficients, spike_parameters


def test_reference_case_tanh_sin(reference, reference_curve):
    kw = {k: v for k, v in reference.items() if k != "lam"}
    p = spike_parameters(**kw)
    assert (p.c, p.r, p.gamma) == pytest.approx(reference_curve["spike"], abs=5e-6)
    assert p.tau == 1.0


@pytest.mark.parametrize("teacher", ["tanh", "relu", "he2"])
def test_odd_student_does_not_need_the_correction(teacher):
    """An odd student has E[σ] = E[σ''] = 0: the student-mean correction changes nothing in
    (c, r, γ, τ), whatever the teacher (only the recorded residual mean E[e] = μ0* differs)."""
    a = spike_parameters(student="erf", teacher=teacher, eta=2.0, alpha0=3.0, noise=0.1)
    b = spike_parameters(
        student="erf",
        teacher=teacher,
        eta=2.0,
        alpha0=3.0,
        noise=0.1,
        student_mean_correction=False,
    )
    assert (a.c, a.r, a.gamma, a.tau) == pytest.approx((b.c, b.r, b.gamma, b.tau), abs=1e-14)
    assert a.residual_mean == pytest.approx(hermite_coefficients(teacher).mu0, abs=1e-14)


def test_relu_student_correction_values():
    """ReLU student, tanh teacher, η̃ = 3, α0 = 20: τ = 1 − η̃ b E[σ''] = 1 − 3/(2π)."""
    p = spike_parameters(student="relu", teacher="tanh", eta=3.0, alpha0=20.0)
    assert p.tau == pytest.approx(1 - 3 / (2 * math.pi), abs=1e-12)  # 0.5225
    mu2t = hermite_coefficients("tanh").second_moment
    e2 = mu2t + 1 / (2 * math.pi)
    assert p.c == pytest.approx(p.tau**2 + 9 * e2 * 0.25 / 20, abs=1e-12)  # ≈ 0.335
    # measured on simulated layers: 0.33 (tests/test_spike_vs_layers.py)
    assert p.c == pytest.approx(0.335, abs=2e-3)


def test_random_features_limit_and_noise():
    p = spike_parameters(student="tanh", teacher="tanh", eta=0.0, alpha0=5.0)
    assert (p.c, p.r) == (1.0, 0.0)
    q = spike_parameters(student="tanh", teacher="tanh", eta=1.0, alpha0=0.0)
    assert (q.c, q.r) == (1.0, 0.0)
    lo = spike_parameters(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0)
    hi = spike_parameters(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, noise=0.5)
    assert hi.gamma < lo.gamma and hi.c > lo.c and hi.r > lo.r


def test_he2_teacher_has_no_alignment():
    """μ1* = μ0* = 0 and E[He2²] = 2: γ = 0, r = η̃ μ1 √(2/α0), c = 1 + 2 η̃² Var(σ')/α0."""
    eta, alpha0 = 1.0, 2.0
    p = spike_parameters(student="tanh", teacher="he2", eta=eta, alpha0=alpha0)
    h = hermite_coefficients("tanh")
    assert p.gamma == pytest.approx(0.0, abs=1e-12)
    assert p.r == pytest.approx(eta * h.mu1 * math.sqrt(2.0 / alpha0), rel=1e-12)
    assert p.c == pytest.approx(1.0 + 2.0 * eta**2 * h.s2 / alpha0, rel=1e-12)


def test_conditional_coefficients_at_initialisation():
    """At r = 0, c = 1 they are the constants of the classical Gaussian equivalence."""
    p = spike_parameters(student="relu", teacher="tanh", eta=0.0, alpha0=1.0)
    k = np.linspace(-2, 2, 5)
    cc = conditional_coefficients(student="relu", teacher="tanh", params=p, kappa=k)
    h = hermite_coefficients("relu")
    assert cc.mu0 == pytest.approx(np.full(5, h.mu0))
    assert cc.mu1 == pytest.approx(np.full(5, h.mu1))
    assert cc.mu2 == pytest.approx(np.full(5, h.mu_star))


def test_conditional_coefficients_monte_carlo():
    """μ0(κ), μ1(κ), μ2(κ) against a Monte-Carlo average of σ(rκ + √c z)."""
    p = spike_parameters(student="tanh", teacher="sin", eta=3.0, alpha0=20.0)
    rng = np.random.default_rng(0)
    z = rng.standard_normal(400_000)
    for kappa in (-1.5, 0.3, 2.0):
        cc = conditional_coefficients(
            student="tanh", teacher="sin", params=p, kappa=np.array([kappa])
        )
        u = np.tanh(p.r * kappa + math.sqrt(p.c) * z)
        # Monte-Carlo standard error ≈ 1e-3 at this size
        assert cc.mu0[0] == pytest.approx(u.mean(), abs=4e-3)
        assert cc.mu1[0] == pytest.approx((z * u).mean() / math.sqrt(p.c), abs=4e-3)
        t = np.sin(p.gamma * kappa + p.rho * z)
        assert cc.h[0] == pytest.approx(t.mean(), abs=4e-3)
