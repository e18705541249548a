"""The true bulk of the gradient step (``bulk="gradient"``): model, d → ∞ traces, theory.

* the pencil's resolvent forms against ``(I + τΣ)⁻¹`` of sampled ``Σ = T² + βP₂`` (d = 1500;
  measured deviations ≤ 0.006 on forms of size 0.01–0.9; tolerance 0.015 absolute);
* the row covariance of actual one-step layers (d = 1000) against the model's forms at τ → 0
  (per-neuron variance c within 1%; the spike direction's variance within 10%, the target's
  within 8%: p = 1000 rows give a standard error of about √(2/p) ≈ 4.5% on each);
* limits: ``c`` and ``γ`` equal the spike parameters; large batch → the isotropic theory;
  η̃ = 0 → random features;
* the public strong-step case (tanh/tanh, η̃ = 6, α0 = 1, λ = 0.01, α = 2) against the network:
  the reference simulations (d = 1000–3000, 6 seeds each: 0.305–0.312, 0.299, 0.303) and a
  fresh one at d = 1000;
* the finite-d mode (a sampled step) against the d → ∞ mode;
* warnings and bad input.
"""

import math
import warnings

import numpy as np
import pytest

from onestep_lib import theory
from onestep_lib.activations import get_activation
from onestep_lib.spike import spike_parameters
from onestep_lib.theory.bulk import GradientBulk, gradient_bulk_traces, sample_gradient_bulk

PUBLIC = dict(student="tanh", teacher="tanh", eta=6.0, alpha0=1.0, lam=0.01)


def _sampled_sigma(student, teacher, eta, alpha0, d, noise, seed):
    """Σ = T² + βP₂ built from a sampled batch, with the spike and target directions."""
    model = GradientBulk(student=student, teacher=teacher, eta=eta, alpha0=alpha0, noise=noise)
    rng = np.random.default_rng(seed)
    n0 = int(alpha0 * d)
    x = rng.standard_normal((n0, d))
    e = get_activation(teacher).fn(x[:, 0]) - _student_mean(student)
    e = e + math.sqrt(noise) * rng.standard_normal(n0)
    p1 = x.T @ (e[:, None] * x) / n0
    p2 = x.T @ ((e * e)[:, None] * x) / n0
    t = np.eye(d) + model.eps * p1
    sigma = t @ t + model.beta * p2
    v = x.T @ e / n0
    v /= np.linalg.norm(v)
    th = np.zeros(d)
    th[0] = 1.0
    z = th - (th @ v) * v
    z /= np.linalg.norm(z)
    return model, sigma, v, z


def _student_mean(student):
    from onestep_lib.activations import hermite_coefficients

    return hermite_coefficients(student).mu0


@pytest.mark.slow
@pytest.mark.parametrize(
    "student,teacher,eta,alpha0,noise",
    [("tanh", "tanh", 6.0, 1.0, 0.0), ("relu", "relu", 5.0, 5.0, 0.1)],
)
def test_pencil_forms_match_sampled_covariances(student, teacher, eta, alpha0, noise):
    model, sigma, v, z = _sampled_sigma(student, teacher, eta, alpha0, 1500, noise, seed=5)
    d = sigma.shape[0]
    for tau in (0.1, 1.0, 10.0):
        q = np.linalg.inv(np.eye(d) + tau * sigma)
        sampled = np.array([np.trace(q) / d, v @ q @ v, v @ q @ z, z @ q @ z])
        pred = model._pencil(tau).q
        np.testing.assert_allclose(pred, sampled, atol=0.015)


def test_model_moments_match_actual_one_step_layers():
    kw = dict(student="tanh", teacher="tanh", eta=6.0, alpha0=1.0)
    bulk, v, zeta = sample_gradient_bulk(**kw, d=1000, seed=1)
    d = bulk.shape[1]
    measured = np.array(
        [
            (bulk**2).sum() / bulk.shape[0],
            d * np.mean((bulk @ v / math.sqrt(d)) ** 2),
            d * np.mean((bulk @ zeta / math.sqrt(d)) ** 2),
        ]
    )
    forms = gradient_bulk_traces(**kw).forms(0.0)[0]  # (t, ρ_vv, ρ_vζ, ρ_ζζ) at τ = 0: Σ
    assert measured[0] == pytest.approx(forms[0], rel=0.01)
    assert measured[1] == pytest.approx(forms[1], rel=0.10)
    assert measured[2] == pytest.approx(forms[3], rel=0.08)
    # and the isotropic surrogate is far off along the spike (c ≈ 2.38 against ≈ 6.5)
    assert measured[1] > 2.0 * measured[0]


@pytest.mark.parametrize(
    "student,teacher,eta,alpha0,noise",
    [
        ("tanh", "sin", 3.0, 20.0, 0.0),
        ("relu", "tanh", 4.0, 2.0, 0.2),
        ("erf", "he2", 2.0, 0.5, 0.0),
    ],
)
def test_c_and_gamma_are_the_spike_parameters(student, teacher, eta, alpha0, noise):
    m = GradientBulk(student=student, teacher=teacher, eta=eta, alpha0=alpha0, noise=noise)
    sp = spike_parameters(student=student, teacher=teacher, eta=eta, alpha0=alpha0, noise=noise)
    assert m.c == pytest.approx(sp.c, rel=1e-9)
    assert abs(m.gamma) == pytest.approx(abs(sp.gamma), rel=1e-9, abs=1e-12)
    # the tabulated forms at τ → 0 give (1/d) tr Σ = c
    assert gradient_bulk_traces(
        student=student, teacher=teacher, eta=eta, alpha0=alpha0, noise=noise
    ).c == pytest.approx(sp.c, rel=1e-6)


def test_large_batch_and_small_step_limits():
    kw = dict(student="tanh", teacher="sin", alpha=1.6, lam=0.1)
    for alpha0 in (2e3, 2e4):
        iso = theory.test_error(eta=3.0, alpha0=alpha0, **kw).test_error
        grad = theory.test_error(eta=3.0, alpha0=alpha0, bulk="gradient", **kw).test_error
        assert grad == pytest.approx(iso, rel=2e-4)
    rf = theory.rf_test_error(student="tanh", teacher="sin", alpha=1.6, lam=0.1).test_error
    assert theory.test_error(eta=0.0, alpha0=1.0, bulk="gradient", **kw).test_error == (
        pytest.approx(rf, rel=1e-10)
    )
    small = theory.test_error(eta=1e-3, alpha0=1.0, bulk="gradient", **kw).test_error
    assert small == pytest.approx(
        theory.test_error(eta=1e-3, alpha0=1.0, **kw).test_error, rel=1e-5
    )


def test_public_case_against_reference_network_simulations():
    """Network at α = 2 (6 seeds each): d = 1000: 0.305–0.312, d = 2000: 0.299, d = 3000: 0.303;
    the isotropic theory says 0.284 (−7%), the true bulk must be within 3%."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", theory.IsotropicBulkWarning)
        iso = theory.test_error(alpha=2.0, **PUBLIC).test_error
    grad = theory.test_error(alpha=2.0, bulk="gradient", **PUBLIC).test_error
    network = np.mean([0.305, 0.312, 0.299, 0.303])  # each ±0.004 (seed spread)
    assert grad == pytest.approx(network, rel=0.03)
    assert all(abs(grad - n) <= 0.03 * n + 2 * 0.004 for n in (0.305, 0.312, 0.299, 0.303))
    assert iso == pytest.approx(0.2842, abs=5e-4) and abs(iso / 0.303 - 1) > 0.05


@pytest.mark.slow
def test_public_case_against_a_fresh_network_simulation():
    from onestep_lib import simulation

    sim = simulation.test_error(alpha=2.0, d=1000, seeds=3, **PUBLIC)
    grad = theory.test_error(alpha=2.0, bulk="gradient", **PUBLIC).test_error
    se = sim.test_error_std / math.sqrt(3)
    assert abs(grad - sim.test_error) <= 0.03 * sim.test_error + 2 * se


def test_finite_mode_samples_the_step_and_agrees_with_the_limit():
    kw = dict(alpha=2.0, bulk="gradient", spectrum="finite", **PUBLIC)
    a = theory.test_error(d=600, seed=0, **kw)
    assert a.test_error == theory.test_error(d=600, seed=0, **kw).test_error  # deterministic
    vals = [theory.test_error(d=600, seed=s, **kw).test_error for s in range(4)]
    vals.append(theory.test_error(d=600, seed=np.random.default_rng(7), **kw).test_error)
    limit = theory.test_error(alpha=2.0, bulk="gradient", **PUBLIC).test_error
    # measured: seed spread ≈ 2% at d = 600; mean within 3% of the limit
    assert np.mean(vals) == pytest.approx(limit, rel=0.04)
    assert a.spectrum == "finite" and a.bulk == "gradient" and a.d == 600


def test_isotropic_theory_warns_where_the_bulk_is_not_isotropic():
    with pytest.warns(theory.IsotropicBulkWarning, match="bulk='gradient'") as rec:
        theory.test_error(alpha=2.0, **PUBLIC)
    msg = str(rec[0].message)
    assert "0.2842" in msg and "0.3088" in msg and "%" in msg
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theory.test_error(student="tanh", teacher="sin", eta=3.0, alpha0=20.0, alpha=1.6, lam=0.1)
        theory.test_error(alpha=2.0, bulk="gradient", **PUBLIC)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(bulk="true"), ValueError, "bulk"),
        (dict(bulk=None), TypeError, "bulk"),
        (dict(bulk="anisotropic", spectrum="finite", d=100), ValueError, "finite"),
        (dict(bulk="gradient", student_mean_correction=False), ValueError, "correction"),
        (dict(bulk="gradient", spectrum="finite"), ValueError, "d must be given"),
    ],
)
def test_bad_bulk_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        theory.test_error(alpha=2.0, **{**PUBLIC, **kwargs})


def test_gradient_bulk_bad_input():
    with pytest.raises(ValueError, match="alpha0"):
        GradientBulk(student="tanh", teacher="tanh", eta=1.0, alpha0=0.0)
    with pytest.raises(ValueError, match="student"):
        GradientBulk(student="nope", teacher="tanh", eta=1.0, alpha0=1.0)
    with pytest.raises(ValueError, match="noise"):
        GradientBulk(student="tanh", teacher="tanh", eta=1.0, alpha0=1.0, noise=-1.0)
