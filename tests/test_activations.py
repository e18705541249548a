"""Gaussian expectations and Hermite coefficients against closed forms."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from onestep_lib.activations import (
    ACTIVATIONS,
    ODD_TOLERANCE,
    Activation,
    gaussian_expectation,
    gaussian_moments,
    get_activation,
    hermite_coefficients,
    hermite_series,
    is_odd,
)

SQRT2PI = math.sqrt(2 * math.pi)


def test_relu_closed_forms():
    h = hermite_coefficients("relu")
    assert h.mu0 == pytest.approx(1 / SQRT2PI, abs=1e-12)
    assert h.mu1 == pytest.approx(0.5, abs=1e-12)
    assert h.second_moment == pytest.approx(0.5, abs=1e-12)
    assert h.mu2nd == pytest.approx(1 / SQRT2PI, abs=1e-12)  # E[δ(z)] = φ(0)
    assert h.s2 == pytest.approx(0.25, abs=1e-12)
    assert h.mu_star**2 == pytest.approx(0.5 - 1 / (2 * math.pi) - 0.25, abs=1e-12)


def test_erf_closed_forms():
    h = hermite_coefficients("erf")
    assert h.mu0 == pytest.approx(0.0, abs=1e-14)
    assert h.mu1 == pytest.approx(2 / math.sqrt(3 * math.pi), abs=1e-12)
    assert h.second_moment == pytest.approx(2 / math.pi * math.asin(2 / 3), abs=1e-12)
    # E[erf'(z)^2] = (4/π) E[exp(-2 z^2)] = (4/π)/√5
    assert h.s2 + h.mu1**2 == pytest.approx(4 / math.pi / math.sqrt(5), abs=1e-12)


def test_sin_and_hermite_polynomials():
    h = hermite_coefficients("sin")
    assert h.mu1 == pytest.approx(math.exp(-0.5), abs=1e-12)
    assert h.second_moment == pytest.approx((1 - math.exp(-2)) / 2, abs=1e-12)
    he2, he3 = hermite_coefficients("he2"), hermite_coefficients("he3")
    assert (he2.mu0, he2.mu1, he2.second_moment) == pytest.approx((0, 0, 2), abs=1e-12)
    assert (he3.mu0, he3.mu1, he3.second_moment) == pytest.approx((0, 0, 6), abs=1e-12)
    assert hermite_series("he3", 5) == pytest.approx([0, 0, 0, 6, 0, 0], abs=1e-10)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_parseval_and_stein(name):
    """Σ c_k²/k! = E[σ²] (fast-decaying series) and E[zσ] = E[σ'] (Stein)."""
    h = hermite_coefficients(name)
    coef = hermite_series(name, 30)
    parseval = sum(c**2 / math.factorial(k) for k, c in enumerate(coef))
    assert parseval == pytest.approx(h.second_moment, rel=2e-3)
    act = get_activation(name)
    bp = np.asarray(act.kinks) if act.kinks else None
    dmean = float(gaussian_expectation(lambda z: act.derivative(z), breakpoints=bp))
    assert dmean == pytest.approx(h.mu1, abs=1e-10)


def test_moments_against_scipy_quad_with_shift():
    shifts = np.array([-2.0, -0.3, 0.0, 0.7, 3.0])
    for name in ("relu", "tanh", "sin"):
        act = get_activation(name)
        m0, _, _ = gaussian_moments(name, shift=shifts, scale=1.3)
        for k, a in enumerate(shifts):
            kink = -a / 1.3  # where relu(a + 1.3 z) bends; harmless for smooth ones

            def integrand(z, a=a, act=act):
                return act.fn(a + 1.3 * z) * stats.norm.pdf(z)

            ref0 = sum(integrate.quad(integrand, lo, hi, epsabs=1e-13)[0]
                       for lo, hi in ((-40, kink), (kink, 40)))
            assert m0[k] == pytest.approx(ref0, abs=1e-9)
    # ReLU closed forms: E relu(a+bz) = aΦ(a/b) + bφ(a/b); E z relu = bΦ(a/b)
    m0, m1, m2 = gaussian_moments("relu", shift=shifts, scale=1.3)
    u = shifts / 1.3
    assert m0 == pytest.approx(shifts * stats.norm.cdf(u) + 1.3 * stats.norm.pdf(u), abs=1e-12)
    assert m1 == pytest.approx(1.3 * stats.norm.cdf(u), abs=1e-12)
    assert m2 == pytest.approx((shifts**2 + 1.69) * stats.norm.cdf(u)
                               + shifts * 1.3 * stats.norm.pdf(u), abs=1e-12)


def test_zero_scale_is_pointwise():
    m0, m1, m2 = gaussian_moments("tanh", shift=np.array([0.5, -1.0]), scale=0.0)
    assert m0 == pytest.approx(np.tanh([0.5, -1.0]))
    assert m1 == pytest.approx([0.0, 0.0])
    assert m2 == pytest.approx(np.tanh([0.5, -1.0]) ** 2)


def test_custom_activation():
    cube = Activation("cube", lambda x: x**3, lambda x: 3 * x**2)
    h = hermite_coefficients(cube)
    assert (h.mu1, h.second_moment) == pytest.approx((3.0, 15.0), abs=1e-10)
    assert (h.mu0, h.mu2nd, h.s2) == pytest.approx((0.0, 0.0, 9 * 3 - 9.0), abs=1e-10)


def test_is_odd_is_about_two_gaussian_moments():
    """``is_odd``: E[σ] = 0 and E[σ''] = 0 up to ODD_TOLERANCE·√E[σ²] (what keeps the bulk of
    the step isotropic), not the symmetry itself."""
    assert [is_odd(n) for n in ("tanh", "erf", "sin", "linear", "he3")] == [True] * 5
    assert [is_odd(n) for n in ("relu", "he2")] == [False, False]
    # He4 is even, yet E[He4] = 0 and E[He4''] = 12 E[He2] = 0: it counts as odd
    he4 = Activation("he4_test", lambda x: x**4 - 6 * x**2 + 3, lambda x: 4 * x**3 - 12 * x)
    assert is_odd(he4)
    # a constant offset b gives E[σ] = b: odd below the tolerance, not above it
    scale = math.sqrt(hermite_coefficients("tanh").second_moment)
    for offset, expected in [(0.1 * ODD_TOLERANCE * scale, True), (1e-6, False)]:
        shifted = Activation(f"tanh_plus_{offset:g}", lambda x, b=offset: np.tanh(x) + b,
                             lambda x: 1.0 / np.cosh(x) ** 2)
        assert is_odd(shifted) is expected
