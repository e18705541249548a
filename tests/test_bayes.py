"""The Bayes-optimal baseline (theory.bayes): closed forms, thresholds, free entropy, GAMP.

Independent checks: the closed-form fixed point of the linear teacher, the noiseless
invertible limit q = min(α, 1), a brute-force quadrature of the He2 weak-recovery threshold,
the stationarity of the replica free entropy, a direct two-dimensional quadrature of the test
error, an actual Bayes-optimal GAMP run at moderate d, and the one-step theory and the kernel
regime as upper bounds.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

from onestep_lib import theory
from onestep_lib.activations import Activation, get_activation
from onestep_lib.theory import bayes
from onestep_lib.theory.bayes import BayesOptimalCurve, BayesOptimalResult, bayes_optimal_error


def _linear_closed_form(alpha: float, noise: float) -> float:
    """q of the linear teacher: q̂ = α/(Δ + 1 − q), q = q̂/(1 + q̂).

    With s = 1 − q = 1/(1 + q̂): (1 − s)(Δ + s) = α s, i.e. s² + (α + Δ − 1)s − Δ = 0.
    """
    b = alpha + noise - 1.0
    s = 0.5 * (-b + math.sqrt(b * b + 4.0 * noise))
    return 1.0 - s


def _gh(n: int = 100):
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return z, w / math.sqrt(2.0 * math.pi)


# --------------------------------------------------------------------------------------
# Closed forms and limits
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("noise", [0.05, 0.5, 1.0])
def test_linear_teacher_equals_closed_form(noise):
    alphas = np.linspace(0.05, 5.0, 30)
    curve = bayes_optimal_error(teacher="linear", alpha=alphas, noise=noise)
    q = np.array([_linear_closed_form(a, noise) for a in alphas])
    # measured: 1e-10 (the fixed-point tolerance); the issue asks for 1e-6
    assert np.max(np.abs(curve.overlap - q)) < 1e-6
    assert np.max(np.abs(curve.test_error - (1.0 - q))) < 1e-6  # ε = E[z²] − q
    assert np.allclose(curve.q_hat, alphas / (noise + 1.0 - q), rtol=1e-6)
    assert curve.converged.all() and np.all(curve.n_fixed_points == 1)


@pytest.mark.parametrize("teacher", ["linear", "tanh", "erf"])
def test_noiseless_injective_teacher_is_linear(teacher):
    """y = σ*(z) reveals z: Ê = 1/V exactly, q = min(α, 1) and ε = 0 for α ≥ 1."""
    alphas = np.array([0.1, 0.5, 0.9, 1.0, 1.5, 3.0])
    curve = bayes_optimal_error(teacher=teacher, alpha=alphas)
    # erf is numerically flat beyond |u| ≈ 5.5 (σ*' underflows): 5e-8 of the mass
    assert np.max(np.abs(curve.overlap - np.minimum(alphas, 1.0))) < 1e-6
    if teacher == "linear":
        assert np.max(np.abs(curve.test_error - np.maximum(1.0 - alphas, 0.0))) < 1e-6
    assert np.all(curve.test_error[alphas >= 1.0] <= 1e-6)
    ch = bayes._channel(get_activation(teacher), 0.0)
    for V in (0.9, 0.3, 1e-3):
        assert ch.moments(V)[0] * V == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("teacher", ["tanh", "relu", "sin"])
def test_test_error_equals_direct_two_dimensional_quadrature(teacher):
    """ε = E[σ*²] − E[m(ω)²] (Nishimori) against E[(σ*(z) − m(ω))²] computed directly."""
    act = get_activation(teacher)
    r = bayes_optimal_error(teacher=teacher, alpha=0.6, noise=0.1)
    q, V = r.overlap, 1.0 - r.overlap
    # (z, ω) jointly Gaussian: ω = √q a, z = ω + √V b; m(ω) = E_b σ*(ω + √V b).
    # A uniform grid (the trapezoid rule) for b, since ReLU has a kink.
    b = np.linspace(-10, 10, 8001)
    wb = np.exp(-0.5 * b * b) / math.sqrt(2 * math.pi) * (b[1] - b[0])
    a, wa = _gh(80)
    omega = math.sqrt(q) * a
    vals = act.fn(omega[:, None] + math.sqrt(V) * b[None, :])
    m = vals @ wb
    direct = float(wa @ (((vals - m[:, None]) ** 2) @ wb))
    assert r.test_error == pytest.approx(direct, abs=1e-7)


def test_small_noise_tends_to_the_noiseless_channel():
    alphas = np.array([0.5, 2.0])
    # linear: exactly O(Δ): q(0) − q(Δ) = Δα/(1−α) + O(Δ²) (α < 1), Δ/(α−1) + O(Δ²) (α > 1)
    lin = bayes_optimal_error(teacher="linear", alpha=alphas, noise=1e-3).overlap
    assert np.allclose(np.minimum(alphas, 1.0) - lin, [1e-3, 1e-3], rtol=0.01)
    # tanh: the saturated tails make the approach slower, measured ≈ √Δ
    # (q(0) − q(Δ) = 0.057, 0.017 at α = 0.5 and 0.031, 0.0034 at α = 2 for Δ = 1e-2, 1e-3)
    q0 = bayes_optimal_error(teacher="tanh", alpha=alphas).overlap
    d2 = q0 - bayes_optimal_error(teacher="tanh", alpha=alphas, noise=1e-2).overlap
    d3 = q0 - bayes_optimal_error(teacher="tanh", alpha=alphas, noise=1e-3).overlap
    assert np.all(d2 > 0) and np.all(d3 > 0)
    assert np.all(d3 < d2 / 3) and np.all(d3 < 0.02)


# --------------------------------------------------------------------------------------
# The free entropy, fixed points and thresholds
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("teacher", "noise"),
    [("he2", 0.0), ("sin", 0.0), ("relu", 0.0), ("tanh", 0.1), ("relu", 0.01), ("he2", 0.1)],
)
def test_free_entropy_is_stationary(teacher, noise):
    """∂_q Φ = 0 ⇔ q̂ = 2αΨ_out'(q): the two quadratures must satisfy 2 dΨ_out/dq = Ê."""
    ch = bayes._channel(get_activation(teacher), noise)
    for V in (0.7, 0.2, 0.02):
        h = 1e-4 * V
        dpsi_dq = -(ch.moments(V + h)[1] - ch.moments(V - h)[1]) / (2 * h)
        # measured: 1e-8 relative (finite difference included)
        assert 2.0 * dpsi_dq == pytest.approx(ch.moments(V)[0], rel=1e-5)


def _he2_threshold_brute_force(noise: float) -> float:
    """α_c = 1/E_y[(E[z² | y] − 1)²] for y = z² − 1 + √Δ ξ, by a plain 2-d trapezoid rule."""
    z = np.linspace(-7.0, 7.0, 14001)
    wz = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) * (z[1] - z[0])
    sd = math.sqrt(noise)
    y = np.arange(-1.0 - 10 * sd, 48.0 + 10 * sd, sd / 4)
    total = 0.0
    for chunk in np.array_split(y, 40):
        k = np.exp(-0.5 * (chunk[:, None] - (z * z - 1.0)[None, :]) ** 2 / noise)
        k /= sd * math.sqrt(2 * math.pi)
        p = k @ wz
        ez2 = (k @ (wz * z * z)) / np.where(p > 0, p, 1.0)
        total += float(np.sum(p * (ez2 - 1.0) ** 2))
    return 1.0 / (total * (y[1] - y[0]))


def test_he2_weak_recovery_threshold():
    he2 = get_activation("he2")
    # noiseless: y = z² − 1 reveals z², E[z² − 1 | y] = y and α_c = 1/E[He2²] = 1/2
    alpha_c = 1.0 / bayes._weak_recovery(bayes._channel(he2, 0.0))
    assert alpha_c == pytest.approx(0.5, abs=1e-6)
    below = bayes_optimal_error(teacher="he2", alpha=np.array([0.1, 0.3, 0.45, 0.49]))
    assert np.all(below.overlap == 0.0) and np.allclose(below.test_error, 2.0)
    above = bayes_optimal_error(teacher="he2", alpha=np.array([0.51, 0.55, 0.7]))
    assert np.all(np.diff(above.overlap) > 0) and above.overlap[0] > 1e-3
    # small noise: the threshold moves up (measured α_c = 0.500024, 0.500227, 0.502095,
    # 0.518066 at Δ = 1e-4, 1e-3, 1e-2, 0.1), and equals a brute-force quadrature
    noise = 0.01
    alpha_c = 1.0 / bayes._weak_recovery(bayes._channel(he2, noise))
    assert alpha_c == pytest.approx(_he2_threshold_brute_force(noise), rel=1e-6)
    assert 0.5 < alpha_c < 0.51
    q = bayes_optimal_error(teacher="he2", alpha=np.array([0.49, 0.5, 0.52, 0.6]), noise=noise)
    assert np.all(q.overlap[:2] == 0.0) and np.all(q.overlap[2:] > 1e-3)


def test_he2_noiseless_first_order_transition():
    """Noiseless phase retrieval: perfect recovery is Bayes-optimal for α > 1 (Φ = +∞), but
    the uninformed fixed point (what AMP reaches) stays imperfect up to α_alg ≈ 1.128."""
    r = bayes_optimal_error(teacher="he2", alpha=1.05)
    assert r.n_fixed_points == 2 and r.fixed_point == "informed"
    assert r.overlap == 1.0 and r.test_error == 0.0 and r.free_entropy == math.inf
    assert 0.3 < r.uninformed_overlap < 0.9 and r.uninformed_test_error > 0.5
    u = bayes_optimal_error(teacher="he2", alpha=1.05, start="uninformed")
    assert u.overlap == r.uninformed_overlap and u.fixed_point == "uninformed"
    # algorithmic threshold between 1.12 and 1.14 (measured: 1.12 < α_alg < 1.13)
    assert bayes_optimal_error(teacher="he2", alpha=1.12).uninformed_overlap < 0.9
    after = bayes_optimal_error(teacher="he2", alpha=1.14)
    assert after.uninformed_overlap == 1.0 and after.n_fixed_points == 1
    # below α = 1 the perfect-recovery point is unstable: a single fixed point
    assert bayes_optimal_error(teacher="he2", alpha=0.95).n_fixed_points == 1


def test_relu_noiseless_perfect_recovery_needs_twice_the_samples():
    """Half the ReLU labels are 0 (only a sign): p_inv = 1/2 and q = 1 iff α > 2."""
    assert bayes._structure(get_activation("relu")).p_inv == pytest.approx(0.5, abs=1e-12)
    curve = bayes_optimal_error(teacher="relu", alpha=np.array([1.0, 1.9, 2.05, 3.0]))
    assert np.all(curve.overlap[:2] < 0.999) and np.all(curve.overlap[2:] == 1.0)
    assert np.all(curve.test_error[2:] == 0.0)


def test_custom_activation_and_curve_fields():
    absval = Activation("abs_test", np.abs, np.sign, kinks=(0.0,))
    r = bayes_optimal_error(teacher=absval, alpha=0.3)  # even: no weak recovery at α = 0.3
    assert isinstance(r, BayesOptimalResult) and r.overlap == 0.0
    assert r.test_error == pytest.approx(1.0 - 2.0 / math.pi, abs=1e-9)  # Var|z|
    curve = bayes_optimal_error(teacher="tanh", alpha=[0.5, 1.0], noise=0.1)
    assert isinstance(curve, BayesOptimalCurve) and curve.overlap.shape == (2,)
    single = bayes_optimal_error(teacher="tanh", alpha=1.0, noise=0.1)
    assert curve.test_error[1] == pytest.approx(single.test_error, abs=1e-9)
    assert float(single) == single.test_error and "tanh" in str(single)
    assert set(curve.as_dict()) >= {"alphas", "test_error", "overlap", "converged"}
    assert single.as_dict()["alpha"] == 1.0
    assert bayes_optimal_error(teacher="tanh", alpha=0.0).test_error == pytest.approx(
        0.394294, abs=1e-6
    )  # Var(tanh(z))


# --------------------------------------------------------------------------------------
# A lower bound on one giant step and on the kernel regime
# --------------------------------------------------------------------------------------


def test_bayes_is_below_one_step_and_kernel_at_the_same_total_samples():
    """ε_Bayes(α0 + α) ≤ ε_one-step(α0, α) and ≤ ε_RF(α0 + α) on 126 points."""
    alphas = np.array([0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0])
    # (student, η̃, α0): a small and a large step batch for tanh; ReLU (slower theory) at one
    configs = [("tanh", 3.0, 20.0), ("tanh", 0.5, 1.0), ("relu", 3.0, 20.0)]
    n_checked = 0
    with warnings.catch_warnings():
        # the one-step theory flags its own domain (OutsideValidatedDomainWarning for a ReLU
        # student, warnings about the isotropic bulk): all are UserWarnings, irrelevant here
        warnings.simplefilter("ignore", UserWarning)
        for teacher, noise in itertools.product(["tanh", "sin", "relu"], [0.0, 0.1]):
            totals = np.unique(np.concatenate([a0 + alphas for _, _, a0 in configs]))
            bayes_curve = bayes_optimal_error(teacher=teacher, alpha=totals, noise=noise)
            best = dict(zip(totals.tolist(), bayes_curve.test_error, strict=True))
            for student, eta, a0 in configs:
                one = theory.learning_curve(
                    alphas=alphas,
                    student=student,
                    teacher=teacher,
                    eta=eta,
                    alpha0=a0,
                    lam=0.1,
                    noise=noise,
                ).test_error
                for a, eps_one in zip(alphas, one, strict=True):
                    rf = theory.rf_test_error(
                        student=student, teacher=teacher, alpha=a0 + a, lam=0.1, noise=noise
                    )
                    eps_rf = float(getattr(rf, "test_error", rf))
                    eps_bayes = best[float(a0 + a)]
                    assert eps_bayes <= eps_one + 1e-9, (teacher, noise, student, eta, a0, a)
                    assert eps_bayes <= eps_rf + 1e-9, (teacher, noise, student, a0 + a)
                    n_checked += 1
    assert n_checked >= 100


# --------------------------------------------------------------------------------------
# Bayes-optimal GAMP at moderate d
# --------------------------------------------------------------------------------------


def _gamp(teacher: str, alpha: float, noise: float, d: int, seed: int, max_iter: int = 80):
    """Bayes-optimal GAMP (Rangan 2011) for the Gaussian prior, θ on the sphere ‖θ‖² = d.

    Output functions by a plain trapezoid rule on a uniform u-grid (independent of the
    library's quadrature); returns the overlap |⟨θ̂, θ⟩|/d and the test error of the
    posterior-mean predictor, E[(σ*(z) − E[σ*(ω + √V u')])²], with (z, ω) Gaussian at the
    measured overlaps.
    """
    act = get_activation(teacher)
    rng = np.random.default_rng(seed)
    n = int(round(alpha * d))
    theta = rng.standard_normal(d)
    theta *= math.sqrt(d) / np.linalg.norm(theta)
    F = rng.standard_normal((n, d)) / math.sqrt(d)
    y = act.fn(F @ theta) + math.sqrt(noise) * rng.standard_normal(n)
    F2 = F * F
    grid = np.linspace(-8.0, 8.0, 20001)
    h = min(math.sqrt(noise) / np.max(np.abs(act.derivative(grid))) / 2.0, 0.05)
    u = np.arange(-8.0, 8.0 + h / 2, h)
    K = np.exp(-0.5 * (y[:, None] - act.fn(u)[None, :]) ** 2 / noise)
    x = 0.1 * rng.standard_normal(d)  # uninformed start: overlap ~ 1/√d
    v = np.ones(d)
    g = np.zeros(n)
    rows = np.arange(n)[:, None]
    for _ in range(max_iter):
        V = F2 @ v
        omega = F @ x - V * g
        half = int(math.ceil(9.0 * math.sqrt(V.max()) / h)) + 1
        width = min(2 * half + 1, u.size)
        k0 = np.clip(np.rint((omega - u[0]) / h).astype(int) - half, 0, u.size - width)
        idx = k0[:, None] + np.arange(width)[None, :]
        diff = u[idx] - omega[:, None]
        A = K[rows, idx] * np.exp(-0.5 * diff**2 / V[:, None])
        Z = A.sum(1)
        m1 = (A * diff).sum(1) / Z
        m2 = (A * diff * diff).sum(1) / Z
        g = m1 / V
        dg = (m2 - m1**2) / V**2 - 1.0 / V
        a_coef = -(F2.T @ dg)
        x_new = (F.T @ g + a_coef * x) / (1.0 + a_coef)
        v = 1.0 / (1.0 + a_coef)
        change = np.linalg.norm(x_new - x) / np.linalg.norm(x_new)
        x = x_new
        if change < 1e-5:
            break
    m, Q, Vt = abs(x @ theta) / d, x @ x / d, float(np.mean(v))
    z, w = _gh(80)
    omega = math.sqrt(Q) * z
    pred = act.fn(omega[:, None] + math.sqrt(Vt) * z[None, :]) @ w
    zz = (m / Q) * omega[:, None] + math.sqrt(max(1.0 - m * m / Q, 0.0)) * z[None, :]
    err = float(w @ (((act.fn(zz) - pred[:, None]) ** 2) @ w))
    return m, err


# (teacher, α, Δ, d, seed-to-seed std of the overlap and of the test error over 6 seeds)
GAMP_CASES = [
    # measured: SE q = 0.4431, ε = 0.2297; GAMP 0.4389 ± 0.0070, 0.2307 ± 0.0032
    ("tanh", 0.5, 0.01, 2000, 0.0070, 0.0032),
    # measured: SE q = 0.7867, ε = 0.0935; GAMP 0.7828 ± 0.0106, 0.0943 ± 0.0048
    ("tanh", 1.0, 0.01, 2000, 0.0106, 0.0048),
    # measured at d = 1000 (5 of 6 seeds; one stalled at q ≈ 0.2 after 80 iterations):
    # SE q = 0.9683, ε = 0.1247; GAMP 0.9659 ± 0.0032, 0.1321 ± 0.0042 (at d = 2000:
    # 0.9695 ± 0.0016, 0.1274 ± 0.0027: the finite-size excess of ε shrinks with d)
    ("he2", 2.0, 0.05, 1000, 0.0032, 0.0042),
]


@pytest.mark.parametrize("case", GAMP_CASES, ids=lambda c: f"{c[0]}-alpha{c[1]}")
def test_gamp_agrees_with_state_evolution(case):
    teacher, alpha, noise, d, sd_q, sd_err = case
    se = bayes_optimal_error(teacher=teacher, alpha=alpha, noise=noise, start="uninformed")
    m, err = _gamp(teacher, alpha, noise, d, seed=0)
    assert abs(m - se.overlap) <= 3 * sd_q, (m, se.overlap)
    assert abs(err - se.test_error) <= 3 * sd_err, (err, se.test_error)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="alpha"):
        bayes_optimal_error(teacher="tanh", alpha=-1.0)
    with pytest.raises(ValueError, match="alpha"):
        bayes_optimal_error(teacher="tanh", alpha=[0.5, -0.1])
    with pytest.raises(ValueError, match="alpha"):
        bayes_optimal_error(teacher="tanh", alpha=math.nan)
    with pytest.raises(ValueError, match="noise"):
        bayes_optimal_error(teacher="tanh", alpha=1.0, noise=-0.1)
    with pytest.raises(ValueError, match="noise"):
        bayes_optimal_error(teacher="tanh", alpha=1.0, noise=1e-6)
    with pytest.raises(ValueError, match="teacher"):
        bayes_optimal_error(teacher="cosh", alpha=1.0)
    with pytest.raises(TypeError, match="teacher"):
        bayes_optimal_error(teacher=3, alpha=1.0)
    with pytest.raises(ValueError, match="start"):
        bayes_optimal_error(teacher="tanh", alpha=1.0, start="random")
    with pytest.raises(TypeError, match="alpha"):
        bayes_optimal_error(teacher="tanh", alpha=True)
    with pytest.raises(TypeError):
        bayes_optimal_error("tanh", 1.0)  # keyword-only
