"""Random-features ridge regression in closed form (the kernel regime, η̃ = 0).

Derivation (Gaussian equivalent model; Mei & Montanari 2019, Hu & Lu 2020), written out step
by step in the kernel-regime chapter, section "Where the closed form comes from". With ``W = W⁰``
(``p×d``, unit rows, ``φ = p/d``) the features are equivalent to

    g = μ0 1_p + μ1 W x + μ* ξ,   ξ ~ N(0, I_p),

and the target ``y = μ0* + μ1* ⟨θ,x⟩/√d + ν + √Δ ξ₀`` (scalar label noise ξ₀) with ν the
non-linear part of the teacher (variance ``μ**² = E[σ*²] − μ0*² − μ1*²``), uncorrelated with
(x, ξ) at this order: it acts as noise. The readout ``f = aᵀg/√p``,
``â = argmin Σ_μ (y_μ − f_μ)² + λ‖a‖²``, is ridge regression on ``b = a/√p`` with per-sample
penalty ``λₙ = λ p/n = λφ/α``.

*Mean.* ``E[ggᵀ]`` has the eigenvalue ``μ0² p → ∞`` along ``1_p``: that direction is not
regularised and fits the mean ``μ0*`` exactly when ``μ0 ≠ 0``; when ``μ0 = 0`` (odd student)
the readout has no way to output a constant: ``μ0*`` then acts as label noise of variance
``μ0*²`` (the design is rotation invariant in sample space) and stays in the test error.

*Centred part.* It is a well-specified linear model in g: ``y_lin = gᵀb* + ξ_eff`` with
``b* = Σ⁻¹ Cov(g, y_lin)``, ``Σ = μ1² WWᵀ + μ*² I``, and ``ξ_eff`` Gaussian, independent of g,
of variance ``σ_eff² = μ1*²(1 − μ1² φ⟨s/e⟩) + μ**² + Δ`` (``s ~ MP(φ)`` the eigenvalues of
``WWᵀ`` over the p side, ``e = μ*² + μ1² s``, since ``θ`` is in generic position:
``b*b*ᵀ → (μ1²μ1*²/d) Σ⁻¹WWᵀΣ⁻¹``). The ridge deterministic equivalent gives, with the effective
regularisation ``κ_λ`` solving ``λₙ = κ_λ (1 − (φ/α)⟨e/(e+κ_λ)⟩)`` and ``df₂ = (φ/α)⟨e²/(e+κ_λ)²⟩``:

    bias     = κ_λ² μ1² μ1*² φ ⟨s/(e (e+κ_λ)²)⟩ / (1 − df₂)
    variance = σ_eff² df₂ / (1 − df₂)
    ε_g      = bias + variance + (σ_eff² − Δ)     (σ_eff² includes μ0*² if μ0 = 0)
    ε_train  = (λₙ/κ_λ)² (bias + variance + σ_eff²)      (Δ included: training labels are noisy)

All traces are the closed forms of :mod:`onestep_lib.spectra`.
"""

from __future__ import annotations

import math
import warnings

from scipy.optimize import brentq

from ..activations import ODD_TOLERANCE, Activation, get_activation, hermite_coefficients
from ..spectra import (
    trace_inverse,
    trace_inverse_squared,
    trace_t2_inverse_squared,
    trace_t_inverse,
    trace_t_inverse_product_squared,
    trace_t_inverse_squared,
)
from ..validation import check_bool, check_real
from .results import RFResult

__all__ = ["rf_test_error"]

def _traces_e(mu_star2: float, mu1sq: float, kappa: float, phi: float):
    """``⟨e/(e+κ)⟩``, ``⟨e²/(e+κ)²⟩`` with ``e = μ*² + μ1² s``, written as sums of positives."""
    A, B = mu_star2, mu1sq
    A1 = A + kappa
    G = trace_inverse(A1, B, phi)
    e1 = A * G + B * trace_t_inverse(A1, B, phi, G)
    e2 = (
        A * A * trace_inverse_squared(A1, B, phi, G)
        + 2.0 * A * B * trace_t_inverse_squared(A1, B, phi, G)
        + B * B * trace_t2_inverse_squared(A1, B, phi, G)
    )
    return float(e1), float(e2)


def rf_test_error(
    *,
    student: str | Activation,
    teacher: str | Activation,
    alpha: float,
    lam: float,
    width_ratio: float = 1.0,
    noise: float = 0.0,
    full: bool | None = None,
) -> RFResult:
    """Test error of random-features ridge regression, ``d → ∞`` (module docstring).

    Parameters
    ----------
    student, teacher : str or Activation
        Activations of the network and of the target.
    alpha : float > 0
        ``n/d``, samples of the readout per input dimension.
    lam : float > 0
        Ridge penalty ``λ``.
    width_ratio : float > 0
        ``φ = p/d``.
    noise : float ≥ 0
        Label-noise variance ``Δ`` of the readout samples.
    full : bool, optional
        Deprecated and ignored: the result object always carries the decomposition.

    Returns
    -------
    RFResult
        ``test_error`` (``float(result)`` gives it), training error, bias, variance, ``κ_λ``.

    Examples
    --------
    >>> r = rf_test_error(student="tanh", teacher="tanh", alpha=2.0, lam=0.1)
    >>> round(r.test_error, 4), round(float(r), 4)
    (0.1866, 0.1866)
    """
    stu = get_activation(student, name="student")
    tea = get_activation(teacher, name="teacher")
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    lam = check_real("lam", lam, low=0.0, low_open=True)
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    noise = check_real("noise", noise, low=0.0)
    if full is not None:
        check_bool("full", full)
        warnings.warn(
            "rf_test_error(full=...) is deprecated: it always returns an RFResult "
            "(use .test_error or float() for the number)",
            DeprecationWarning,
            stacklevel=2,
        )
    hs, ht = hermite_coefficients(stu), hermite_coefficients(tea)

    mu1sq = hs.mu1**2
    # a linear student (μ* = 0) is the limit μ*² → 0⁺; keep the traces finite at φ > 1
    mu_star2 = max(hs.mu_star**2, 1e-12 * (mu1sq + 1e-300))
    teacher_nonlinear = max(ht.second_moment - ht.mu0**2 - ht.mu1**2, 0.0)
    lam_n = lam * phi / alpha
    ratio = phi / alpha

    def gap(k: float) -> float:
        e1, _ = _traces_e(mu_star2, mu1sq, k, phi)
        return k * (1.0 - ratio * e1) - lam_n

    mean_e = mu_star2 + mu1sq  # ⟨e⟩ (MP mean 1)
    hi = lam_n + ratio * mean_e + 1e-300
    kappa = brentq(gap, lam_n, hi * (1.0 + 1e-12), xtol=1e-300, rtol=1e-15, maxiter=500)
    _, e2 = _traces_e(mu_star2, mu1sq, kappa, phi)
    df2 = ratio * e2
    explained = mu1sq * phi * float(trace_t_inverse(mu_star2, mu1sq, phi))
    sigma2 = ht.mu1**2 * max(1.0 - explained, 0.0) + teacher_nonlinear + noise
    if abs(hs.mu0) <= ODD_TOLERANCE * math.sqrt(hs.second_moment):
        # odd student: the features have mean 0 and cannot fit the constant μ0*; by the
        # rotation invariance of the design in sample space it acts as label noise of variance
        # μ0*² on the estimator and stays in the test error
        sigma2 += ht.mu0**2
    bias_trace = float(trace_t_inverse_product_squared(mu_star2, mu_star2 + kappa, mu1sq, phi))
    bias = kappa**2 * mu1sq * ht.mu1**2 * phi * bias_trace / (1.0 - df2)
    variance = sigma2 * df2 / (1.0 - df2)
    test = bias + variance + sigma2 - noise
    train = (lam_n / kappa) ** 2 * (bias + variance + sigma2)
    if not math.isfinite(test):  # pragma: no cover - guarded by construction
        raise FloatingPointError(f"rf_test_error produced {test} for alpha={alpha}, lam={lam}")
    return RFResult(
        test,
        train,
        bias,
        variance,
        sigma2,
        kappa,
        df2,
        student=stu.name,
        teacher=tea.name,
        alpha=alpha,
        lam=lam,
        noise=noise,
        width_ratio=phi,
    )
