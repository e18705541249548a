"""Marchenko–Pastur law, closed-form traces and the outlier (onestep_lib.spectra), against
quadrature and sampled matrices (the appendix on Marchenko–Pastur averages,
book/appendix_marchenko_pastur.md, derives the closed forms)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.sparse.linalg import svds

from onestep_lib import spectra as S
from onestep_lib.theory.traces import FiniteTraces, IsotropicTraces, sample_first_layer


def _top_singular_triplet(m: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The top singular value and vectors (Lanczos, ``scipy.sparse.linalg.svds``, fixed start):
    the only part of the spectrum these tests read, at a fraction of a full SVD's cost."""
    u, s, vt = svds(m, k=1, random_state=0)
    return float(s[0]), u[:, 0], vt[0]

PHIS = [0.3, 0.5, 2.0, 3.7]


@pytest.mark.parametrize("phi", PHIS + [1.0])
@pytest.mark.parametrize("c", [1.0, 1.7])
def test_mp_mass_and_moments(phi, c):
    lo, hi = S.mp_edges(phi, c)
    dens = lambda t: float(S.mp_density(t, phi, c))  # noqa: E731
    mass = integrate.quad(dens, lo, hi, limit=200)[0]
    mean = integrate.quad(lambda t: t * dens(t), lo, hi, limit=200)[0]
    m2 = integrate.quad(lambda t: t * t * dens(t), lo, hi, limit=200)[0]
    assert mass == pytest.approx(1.0 - S.mp_atom(phi), abs=1e-8)
    assert mean == pytest.approx(c, rel=1e-8)  # the atom sits at 0
    assert m2 == pytest.approx(c * c * (1.0 + phi), rel=1e-8)


@pytest.mark.parametrize("phi", PHIS)
def test_stieltjes_against_quadrature(phi):
    t, w = S.mp_quadrature(phi, 1.3, order=300)
    atom = S.mp_atom(phi)
    for z in [0.7 + 0.3j, -0.5, 40.0, 2.0 - 0.3j]:
        ref = np.sum(w / (t - z)) + atom / (0.0 - z)
        assert abs(S.mp_stieltjes(z, phi, 1.3) - ref) < 1e-10


@pytest.mark.slow
@pytest.mark.parametrize("phi", [0.5, 2.0])
def test_stieltjes_against_sampled_spectrum(phi):
    d = 800
    w0, _, _ = sample_first_layer(d=d, width_ratio=phi, seed=3)
    p = w0.shape[0]
    # the p eigenvalues of W⁰W⁰ᵀ from the smaller Gram matrix (values only), zeros padded
    small = np.linalg.eigvalsh(w0 @ w0.T if p <= d else w0.T @ w0)
    eig = np.concatenate([np.maximum(small, 0.0), np.zeros(p - small.size)])
    for z in [0.7 + 0.3j, -0.5]:
        sampled = np.mean(1.0 / (eig - z))
        # sampled resolvent traces converge like 1/d (measured |diff| ≈ 3e-4 at d = 800)
        assert abs(S.mp_stieltjes(z, phi) - sampled) < 5e-3


TRACES = [
    (S.trace_inverse, lambda t, A, B: 1 / (A + B * t)),
    (S.trace_t_inverse, lambda t, A, B: t / (A + B * t)),
    (S.trace_inverse_squared, lambda t, A, B: 1 / (A + B * t) ** 2),
    (S.trace_t_inverse_squared, lambda t, A, B: t / (A + B * t) ** 2),
    (S.trace_t2_inverse_squared, lambda t, A, B: t * t / (A + B * t) ** 2),
]


@pytest.mark.parametrize("phi", PHIS)
@pytest.mark.parametrize("A,B", [(0.3, 1.2), (1e-3, 2.0), (2.0, 0.0), (0.05, 0.7), (5.0, 1e-9)])
def test_closed_form_traces_against_quadrature(phi, A, B):
    t, w = S.mp_quadrature(phi, order=400)
    atom = S.mp_atom(phi)

    def mp(f):
        return np.sum(w * f(t)) + atom * f(0.0)

    for closed, f in TRACES:
        ref = mp(lambda x, f=f: f(x, A, B))
        assert closed(A, B, phi) == pytest.approx(ref, rel=1e-10, abs=1e-300)
    A1 = A + 0.37
    ref = mp(lambda x: 1 / ((A + B * x) * (A1 + B * x)))
    assert S.trace_inverse_product(A, A1, B, phi) == pytest.approx(ref, rel=1e-10)
    assert S.trace_inverse_product(A1, A, B, phi) == pytest.approx(ref, rel=1e-10)
    ref = mp(lambda x: x / ((A + B * x) * (A1 + B * x) ** 2))
    assert S.trace_t_inverse_product_squared(A, A1, B, phi) == pytest.approx(ref, rel=1e-10)


def test_traces_at_phi_one():
    # φ = 1: density ∝ t^{-1/2} at 0; adaptive quadrature with the algebraic weight
    for A, B in [(0.3, 1.2), (0.05, 0.7)]:
        for closed, f in TRACES:
            ref = integrate.quad(
                lambda x, f=f, A=A, B=B: f(x, A, B) / (2 * math.pi) * math.sqrt(4.0 - x),
                0.0,
                4.0,
                weight="alg",
                wvar=(-0.5, 0.0),
            )[0]
            assert closed(A, B, 1.0) == pytest.approx(ref, rel=1e-10)


@pytest.mark.parametrize("phi", [0.5, 1.0, pytest.param(2.0, marks=pytest.mark.slow)])
def test_asymptotic_traces_against_sampled_spectrum(phi):
    """All the F/H/D-weighted sums of the solver, sampled vs d → ∞ (F, H carry χ² noise ~1/√d)."""
    c = 1.1
    asym = IsotropicTraces(c=c, width_ratio=phi).traces(0.4, 0.8)
    sums = np.array(
        [
            list(
                vars(
                    FiniteTraces.isotropic(c=c, d=400, width_ratio=phi, seed=s).traces(0.4, 0.8)
                ).values()
            )
            for s in range(16)
        ]
    )
    mean, ref = sums.mean(0), np.array(list(vars(asym).values()))
    d_only = [0, 1, 4, 5, 6]  # inv, d_inv, inv2, d_inv2, dd_inv2: converge like 1/d
    # measured at d = 400: D-only sums within 0.3% of d → ∞; F/H-weighted sums carry χ²₁ noise,
    # per-seed spread 5–13%, so the 16-seed mean is within ~3% (tolerance ≈ 3 standard errors)
    np.testing.assert_allclose(mean[d_only], ref[d_only], rtol=0.01)
    np.testing.assert_allclose(mean, ref, rtol=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("phi", [0.5, 2.0])
@pytest.mark.parametrize("strength", [0.5, 1.6])
def test_spiked_outlier_against_sampled_matrices(phi, strength):
    c, d = 1.2, 800
    pred = S.spiked_outlier(strength=strength, c=c, width_ratio=phi)
    rng = np.random.default_rng(7)
    vals = []
    for seed in range(3):
        w0, v, _ = sample_first_layer(d=d, width_ratio=phi, seed=seed)
        a = rng.standard_normal(w0.shape[0])
        a /= np.linalg.norm(a)
        b = v / math.sqrt(d)
        s, u, vt = _top_singular_triplet(math.sqrt(c) * w0 + strength * np.outer(a, b))
        vals.append((s, (u @ a) ** 2, (vt @ b) ** 2))
    top, left, right = np.mean(vals, axis=0)
    # measured seed spread at d = 800: 0.01 (value), 0.02 (overlaps); subcritical overlaps O(1/d)
    assert top == pytest.approx(pred.value, abs=0.03)
    assert left == pytest.approx(pred.left_overlap, abs=0.05)
    assert right == pytest.approx(pred.right_overlap, abs=0.05)
    assert pred.detached == (strength > pred.threshold)


def test_outlier_threshold_is_mp_edge():
    for phi in [0.5, 1.0, 2.0]:
        pred = S.spiked_outlier(
            strength=S.spiked_outlier(strength=0.0, width_ratio=phi).threshold * 1.0001,
            width_ratio=phi,
        )
        assert pred.value == pytest.approx(1.0 + math.sqrt(phi), rel=1e-3)
        assert pred.left_overlap < 1e-2


@pytest.mark.parametrize("d", [400, pytest.param(1200, marks=pytest.mark.slow)])
def test_one_step_outlier(d):
    c, r, phi = 1.01897, 1.13406, 1.0
    out = S.one_step_outlier(c=c, r=r, d=d, width_ratio=phi, gamma=0.97185)
    w0, v, _ = sample_first_layer(d=d, width_ratio=phi, seed=1)
    p = w0.shape[0]
    W1 = math.sqrt(c) * w0 + r / math.sqrt(d) * np.outer(np.ones(p), v)
    s, u, vt = _top_singular_triplet(W1)
    # ρ = r√p (1 + O(1/d)); the cross term ⟨1/√p, √c W⁰ v/√d⟩ ~ N(0, c/d) shifts it at random
    assert s == pytest.approx(out.singular_value, abs=4.0 * math.sqrt(c / d))
    assert (u.sum() / math.sqrt(p)) ** 2 == pytest.approx(out.left_overlap, abs=3e-3)
    assert (vt @ v / math.sqrt(d)) ** 2 == pytest.approx(out.right_overlap, abs=3e-3)
    assert out.target_overlap == pytest.approx(0.97185**2 * out.right_overlap, rel=1e-12)
    with pytest.warns(DeprecationWarning, match="singular_value"):
        assert out["singular_value"] == out.singular_value


def test_spiked_outlier_deprecated_theta_name():
    with pytest.warns(DeprecationWarning, match="strength"):
        old = S.spiked_outlier(theta=2.0)
    new = S.spiked_outlier(strength=2.0)
    assert old == new and new.value == pytest.approx(2.5, rel=1e-12)
    with pytest.warns(DeprecationWarning, match="strength"):
        assert new.theta == 2.0
    with pytest.raises(TypeError, match="strength"):
        S.spiked_outlier(strength=2.0, theta=2.0)
