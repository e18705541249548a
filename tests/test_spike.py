"""Spike parameters (THEORY.md §3) against reference numbers and closed forms."""

import math

import numpy as np
import pytest

from onestep_lib.activations import hermite_coefficients
from onestep_lib.spike import conditional_coefficients, spike_parameters


def test_reference_case_tanh_sin():
    p = spike_parameters(student="tanh", teacher="sin", eta=3.0, alpha0=20.0)
    assert (p.c, p.r, p.gamma) == pytest.approx((1.01897, 1.13406, 0.97185), abs=6e-6)
    assert p.tau == 1.0


def test_odd_student_matches_uncorrected_formula():
    for teacher in ("tanh", "relu", "he2"):
        a = spike_parameters(student="erf", teacher=teacher, eta=2.0, alpha0=3.0, noise=0.1)
        b = spike_parameters(student="erf", teacher=teacher, eta=2.0, alpha0=3.0, noise=0.1,
                             student_mean_correction=False)
        if teacher == "tanh":  # odd teacher, odd student: identical
            assert (a.c, a.r, a.gamma) == pytest.approx((b.c, b.r, b.gamma), abs=1e-14)


def test_relu_student_correction_values():
    """ReLU student, tanh teacher, η̃ = 3, α0 = 20: τ = 1 − η̃ b E[σ''] = 1 − 3/(2π)."""
    p = spike_parameters(student="relu", teacher="tanh", eta=3.0, alpha0=20.0)
    assert p.tau == pytest.approx(1 - 3 / (2 * math.pi), abs=1e-12)  # 0.5225
    mu2t = hermite_coefficients("tanh").second_moment
    e2 = mu2t + 1 / (2 * math.pi)
    assert p.c == pytest.approx(p.tau**2 + 9 * e2 * 0.25 / 20, abs=1e-12)  # ≈ 0.335
    assert p.c == pytest.approx(0.335, abs=2e-3)  # THEORY.md §3 measured 0.33


def test_random_features_limit_and_noise():
    p = spike_parameters(student="tanh", teacher="tanh", eta=0.0, alpha0=5.0)
    assert (p.c, p.r) == (1.0, 0.0)
    q = spike_parameters(student="tanh", teacher="tanh", eta=1.0, alpha0=0.0)
    assert (q.c, q.r) == (1.0, 0.0)
    lo = spike_parameters(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0)
    hi = spike_parameters(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, noise=0.5)
    assert hi.gamma < lo.gamma and hi.c > lo.c and hi.r > lo.r


def test_he2_teacher_has_no_alignment():
    p = spike_parameters(student="tanh", teacher="he2", eta=1.0, alpha0=2.0)
    assert p.gamma == pytest.approx(0.0, abs=1e-12)
    assert np.isfinite([p.c, p.r]).all()


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
        cc = conditional_coefficients(student="tanh", teacher="sin", params=p,
                                      kappa=np.array([kappa]))
        u = np.tanh(p.r * kappa + math.sqrt(p.c) * z)
        # Monte-Carlo standard error ≈ 1e-3 at this size
        assert cc.mu0[0] == pytest.approx(u.mean(), abs=4e-3)
        assert cc.mu1[0] == pytest.approx((z * u).mean() / math.sqrt(p.c), abs=4e-3)
        t = np.sin(p.gamma * kappa + p.rho * z)
        assert cc.h[0] == pytest.approx(t.mean(), abs=4e-3)


def test_bad_inputs():
    with pytest.raises(ValueError, match="eta"):
        spike_parameters(student="tanh", teacher="tanh", eta=-1.0, alpha0=1.0)
    with pytest.raises(ValueError, match="alpha0"):
        spike_parameters(student="tanh", teacher="tanh", eta=1.0, alpha0=float("nan"))
    with pytest.raises(ValueError, match="noise"):
        spike_parameters(student="tanh", teacher="tanh", eta=1.0, alpha0=1.0, noise=-0.1)
    with pytest.raises(ValueError, match="student"):
        spike_parameters(student="swish", teacher="tanh", eta=1.0, alpha0=1.0)
