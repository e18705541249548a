"""The spiked random-features (sRF) surrogate of the one-step layer.

The spike parameters are derived in the spiked-matrix chapter (book/spiked_matrix.ipynb) and in
section 1 of the appendix derivation (book/appendix_derivation.md); the κ-dependent coefficients
of the conditional Gaussian equivalence in the chapter book/gaussian_universality.ipynb.

After one giant step (``η = η̃ p``) on ``n0 = α0 d`` samples, the first layer behaves like

    W_sRF = √c W⁰ + (r/√d) 1_p vᵀ,     ‖v‖² = d,     ⟨v, θ⟩/d = γ,

so neuron ``i`` sees ``√c ⟨w_i⁰, x⟩ + r κ`` with ``κ = ⟨v, x⟩/√d``.

Derivation (row ``i`` of the step, residual ``e = y − f⁰(x)``):
``w_i¹ = w_i⁰ + (η̃/n0) Σ_μ e_μ σ'(⟨w_i⁰, x_μ⟩) x_μ``. Split ``σ' = μ1 + (σ' − μ1)``:

* the ``μ1`` part is the same for every row: the spike ``η̃ μ1 Xᵀe/n0``, of squared norm
  ``η̃² μ1² (μ1*² + E[e²]/α0)`` and overlap ``γ = μ1*/√(μ1*² + E[e²]/α0)`` with θ/√d;
* the rest has mean ``η̃ E[e] E[σ''] w_i⁰`` along the row itself (Stein's lemma): the
  rows are rescaled by ``τ = 1 + η̃ E[e] E[σ'']``, and a bulk of independent-looking noise
  of squared row norm ``η̃² E[e²] s²/α0`` is added, so ``c = τ² + η̃² E[e²] s²/α0``.

With ``b = E[σ(z)]`` the network output at initialisation is ``f⁰ ≈ b`` (``a⁰ = 1/√p``),
hence ``E[e] = E[σ*] − b`` and ``E[e²] = E[(σ*(z) − b)²] + Δ``. For an odd student
(``b = 0``, ``E[σ''] = 0``) this is the published model: ``τ = 1``, ``E[e²] = E[σ*²] + Δ``.
``student_mean_correction=False`` gives the uncorrected formulas of the reference code.

Examples
--------
>>> p = spike_parameters(student="tanh", teacher="sin", eta=3.0, alpha0=20.0)
>>> print(p)
SpikeParameters(c=1.01897, r=1.13406, gamma=0.97185)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from .activations import (
    Activation,
    gaussian_expectation,
    gaussian_moments,
    get_activation,
    hermite_coefficients,
)
from .validation import check_bool, check_finite_array, check_real

__all__ = [
    "SpikeParameters",
    "ConditionalCoefficients",
    "spike_parameters",
    "BulkCovariances",
    "bulk_covariances",
    "conditional_coefficients",
    "student_conditional",
    "teacher_conditional",
]


@dataclass(frozen=True)
class SpikeParameters:
    """Parameters of the spiked random-features surrogate ``√c W⁰ + (r/√d) 1_p vᵀ``.

    Attributes
    ----------
    c : float
        Bulk variance (per entry, ×d).
    r : float
        Spike strength (``≥ 0``; its sign is carried by ``v``).
    gamma : float
        Overlap of the spike direction with the teacher, ``⟨v, θ⟩/d`` in ``[−1, 1]``.
    tau : float
        Row rescaling of W⁰ by the step (1 for odd students).
    residual_mean : float
        ``E[e]`` of the residual ``e = y − f⁰`` the step sees.
    residual_second_moment : float
        ``E[e²]``.

    Examples
    --------
    >>> p = SpikeParameters(c=1.0, r=0.5, gamma=0.6)
    >>> round(p.rho, 12), p.as_dict()["gamma"]
    (0.8, 0.6)
    """

    c: float
    r: float
    gamma: float
    tau: float = 1.0
    residual_mean: float = 0.0
    residual_second_moment: float = 0.0

    @property
    def rho(self) -> float:
        """``ρ = √(1 − γ²)``: the part of θ orthogonal to the spike."""
        return math.sqrt(max(1.0 - self.gamma**2, 0.0))

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def __str__(self) -> str:
        return f"SpikeParameters(c={self.c:.5f}, r={self.r:.5f}, gamma={self.gamma:.5f})"


def spike_parameters(
    *,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    noise: float = 0.0,
    student_mean_correction: bool = True,
) -> SpikeParameters:
    """``(c, r, γ)`` of the one-step layer, corrected for ``E[σ] ≠ 0`` (module docstring).

    Parameters
    ----------
    student, teacher : str or Activation
        Activation names (``"tanh"``, ``"relu"``, …) or
        :class:`~onestep_lib.activations.Activation` objects.
    eta : float
        η̃ ≥ 0, the learning rate in units of the width (``η = η̃ p``).
    alpha0 : float
        α0 ≥ 0, samples of the first step per dimension (``n0 = α0 d``).
    noise : float
        Label-noise variance Δ ≥ 0.
    student_mean_correction : bool
        Account for ``b = E[σ(z)] ≠ 0`` (no effect for odd students).

    Returns
    -------
    SpikeParameters
        ``c, r, γ, τ`` and the residual moments ``E[e]``, ``E[e²]``.

    Notes
    -----
    ``eta = 0`` or ``alpha0 = 0`` is the network at initialisation: ``c = 1``, ``r = 0``.

    Examples
    --------
    >>> p = spike_parameters(student="tanh", teacher="sin", eta=3.0, alpha0=20.0)
    >>> round(p.c, 5), round(p.r, 5), round(p.gamma, 5)
    (1.01897, 1.13406, 0.97185)
    """
    stu = get_activation(student, name="student")
    tea = get_activation(teacher, name="teacher")
    eta = check_real("eta", eta, low=0.0)
    alpha0 = check_real("alpha0", alpha0, low=0.0)
    noise = check_real("noise", noise, low=0.0)
    student_mean_correction = check_bool("student_mean_correction", student_mean_correction)
    hs, ht = hermite_coefficients(stu), hermite_coefficients(tea)

    b = hs.mu0 if student_mean_correction else 0.0
    mean_e = ht.mu0 - b
    second_e = ht.second_moment - 2.0 * b * ht.mu0 + b * b + noise
    if not student_mean_correction:
        mean_e, second_e = 0.0, ht.second_moment + noise
    if eta == 0.0 or alpha0 == 0.0:
        return SpikeParameters(1.0, 0.0, 0.0, 1.0, mean_e, second_e)

    norm = math.sqrt(ht.mu1**2 + second_e / alpha0)
    gamma = ht.mu1 / norm if norm > 0 else 0.0
    r = eta * hs.mu1 * norm
    tau = 1.0 + eta * mean_e * hs.mu2nd if student_mean_correction else 1.0
    c = tau**2 + eta**2 * second_e * hs.s2 / alpha0
    # γ is an overlap: |γ| ≤ 1 up to rounding; r ≥ 0 by convention (sign goes into v).
    gamma = float(np.clip(gamma, -1.0, 1.0))
    if r < 0:
        r, gamma = -r, -gamma
    return SpikeParameters(c, r, gamma, tau, mean_e, second_e)


@dataclass(frozen=True)
class BulkCovariances:
    """Per-entry covariances (×d) of ``a = W v̂`` and ``z = W ζ̂`` for the bulk ``W`` of the
    one-step layer (spike removed): ``Var(a_i) = sigma_aa/d``, ``Var(z_i) = sigma_zz/d``,
    ``Cov(a_i, z_i) = sigma_az/d``. The isotropic sRF bulk ``√c W⁰`` is ``(c, c, 0)``.

    The remaining fields record the plane model they come from (:func:`bulk_covariances`):
    ``b, eps, eps_prime`` (the matrix ``T``) and the anisotropic noise ``nu_theta, nu_s``.

    Examples
    --------
    >>> bulk_covariances(student="tanh", teacher="tanh", eta=0.0, alpha0=1.0).sigma_aa
    1.0
    """

    sigma_aa: float
    sigma_zz: float
    sigma_az: float
    b: float = 0.0
    eps: float = 0.0
    eps_prime: float = 0.0
    nu_theta: float = 0.0
    nu_s: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def bulk_covariances(
    *,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    noise: float = 0.0,
) -> BulkCovariances:
    """Covariances of the one-step bulk along the spike ``v̂`` and the target's rest ``ζ̂``.

    Parameters
    ----------
    student, teacher : str or Activation
        Activation names or :class:`~onestep_lib.activations.Activation` objects.
    eta : float
        η̃ ≥ 0.
    alpha0 : float
        α0 ≥ 0, samples of the step per dimension.
    noise : float
        Label-noise variance Δ ≥ 0.

    Returns
    -------
    BulkCovariances
        ``Σ_aa, Σ_zz, Σ_az`` and the plane model they come from.

    Notes
    -----

    For a non-odd student (``E[σ''] ≠ 0``, e.g. ReLU) the bulk is not ``√c W⁰``. Row ``i``
    of the step is ``w_i¹ = w_i⁰ + (η̃/n0) Σ_μ e_μ σ'(⟨w_i⁰,x_μ⟩) x_μ`` with the residual
    ``e = σ*(z*) − b + √Δ ξ`` (``b = E[σ]``, ``z* = ⟨θ,x⟩/√d``). Beyond the spike (the μ1
    part, :func:`spike_parameters`), the fluctuation ``σ' − μ1`` is correlated with ``⟨w_i⁰,x⟩``
    (Stein: slope ``E[σ'']``), so the step adds ``η̃E[σ''] W⁰ Ê`` with
    ``Ê = (1/n0) Σ_μ e_μ x_μ x_μᵀ``: the rows are multiplied by ``I + η̃E[σ'']Ê``. On the plane
    spanned by θ̂ and the spike's noise direction δŝ (``v̂ = γθ̂ + ρδŝ``, ``ζ̂ = ρθ̂ − γδŝ``),
    ``E[Ê] = E[e]·I + E[e(z*²−1)] θ̂θ̂ᵀ`` plus the O(1/√α0) sample fluctuation along δŝ, so
    ``W ≈ W⁰T + Ñ`` there, with

        T = [[τ + b, ε], [ε, τ + ε′]],    b = η̃E[σ''] E[e(z*²−1)],
        ε = η̃E[σ''] E[e²z*]/√(α0E[e²]),    ε′ = η̃E[σ''] E[e³]/(α0E[e²]),

    (``τ = 1 + η̃E[σ'']E[e]``), and ``Ñ`` the row noise of variance ``c − τ²`` per direction plus
    anisotropic excesses (η̃² s² E[e²(u·x)²]/α0 along u, ``s² = Var σ'``):

        ν_θ = η̃²s²(E[e²z*²] − E[e²])/α0 − ε²,    ν_s = η̃²s² E[e⁴]/(α0² E[e²]).

    Then, with ``ν = diag(ν_θ, ν_s)`` in the (θ̂, δŝ) basis and the unit vectors
    ``v = (γ, ρ)``, ``ζ = (ρ, −γ)``:

        Σ_aa = ‖Tv‖² + c − τ² + vᵀνv,  Σ_zz = ‖Tζ‖² + c − τ² + ζᵀνζ,  Σ_az = (Tv)ᵀ(Tζ) + vᵀνζ.

    ``(c, τ, γ)`` are those of :func:`spike_parameters` (with the student-mean correction).
    Label noise Δ enters the residual moments: ``E[e²] = E[ẽ²] + Δ``, ``E[e³] = E[ẽ³] +
    3ΔE[ẽ]``, ``E[e⁴] = E[ẽ⁴] + 6ΔE[ẽ²] + 3Δ²``, ``E[e²z*] = E[ẽ²z*]``,
    ``E[e²z*²] = E[ẽ²z*²] + Δ`` (``ẽ = σ* − b``; Gaussian quadrature split at the teacher's
    kinks). Checked against simulated one-step layers at η̃ = 3, α0 = 20, d = 1000 (ReLU/ReLU:
    model (2.45, 1.04, −0.136), measured (2.56 ± 0.09, 0.99 ± 0.03, −0.148 ± 0.015)).

    For an odd student (``E[σ''] = 0``) ``T = I`` and only the ν terms remain: Σ is within a
    few percent of ``(c, c, 0)`` (tanh/sin at η̃ = 3, α0 = 20: (1.030, 1.021, 0.002) vs
    c = 1.019), which moves the test error by ≤ 0.2%. ``eta = 0`` or ``alpha0 = 0`` gives
    ``(1, 1, 0)``.

    Examples
    --------
    >>> s = bulk_covariances(student="relu", teacher="relu", eta=3.0, alpha0=20.0)
    >>> round(s.sigma_aa, 4), round(s.sigma_zz, 4), round(s.sigma_az, 4)
    (2.4545, 1.0435, -0.136)
    """
    stu = get_activation(student, name="student")
    tea = get_activation(teacher, name="teacher")
    eta = check_real("eta", eta, low=0.0)
    alpha0 = check_real("alpha0", alpha0, low=0.0)
    noise = check_real("noise", noise, low=0.0)
    if eta == 0.0 or alpha0 == 0.0:
        return BulkCovariances(1.0, 1.0, 0.0)
    params = spike_parameters(student=stu, teacher=tea, eta=eta, alpha0=alpha0, noise=noise)
    hs, ht = hermite_coefficients(stu), hermite_coefficients(tea)
    bp = np.asarray(tea.kinks, dtype=float) if tea.kinks else None
    b0 = hs.mu0

    def expect(g) -> float:
        return float(gaussian_expectation(lambda z: g(z, tea.fn(z) - b0), breakpoints=bp))

    e1 = expect(lambda z, e: e)
    e2n = expect(lambda z, e: e * e)
    e2 = e2n + noise
    e3 = expect(lambda z, e: e**3) + 3.0 * noise * e1
    e4 = expect(lambda z, e: e**4) + 6.0 * noise * e2n + 3.0 * noise**2
    e2z = expect(lambda z, e: e * e * z)
    e2z2 = expect(lambda z, e: e * e * z * z) + noise

    k = eta * hs.mu2nd
    b = k * ht.mu2nd
    if e2 > 0.0:
        eps = k * e2z / math.sqrt(alpha0 * e2)
        epsp = k * e3 / (alpha0 * e2)
        nu_s = eta**2 * hs.s2 * e4 / (alpha0**2 * e2)
    else:
        eps = epsp = nu_s = 0.0
    nu_t = eta**2 * hs.s2 * (e2z2 - e2) / alpha0 - eps**2
    tau, c, g, rho = params.tau, params.c, params.gamma, params.rho
    T = np.array([[tau + b, eps], [eps, tau + epsp]])
    vv, zz = np.array([g, rho]), np.array([rho, -g])
    Tv, Tz = T @ vv, T @ zz
    nu = np.diag([nu_t, nu_s])
    base = c - tau**2
    s_aa = float(Tv @ Tv + base + vv @ nu @ vv)
    s_zz = float(Tz @ Tz + base + zz @ nu @ zz)
    s_az = float(Tv @ Tz + vv @ nu @ zz)
    return BulkCovariances(s_aa, s_zz, s_az, b, eps, epsp, nu_t, nu_s)


@dataclass(frozen=True)
class ConditionalCoefficients:
    """κ-dependent coefficients of the conditional Gaussian equivalence (the chapter
    book/gaussian_universality.ipynb, section 2 of book/appendix_derivation.md).

    Arrays of the shape of ``kappa``:

    * ``mu0 = E[σ(rκ + √c z)]``, ``mu1 = E[z σ(rκ + √c z)]/√c``,
      ``mu2 = sqrt(E[σ(rκ + √c z)²] − mu0² − c mu1²)`` (student);
    * ``h = E[σ*(γκ + ρz)]``, ``h1 = E[z σ*(γκ + ρz)]``, ``hh = E[σ*(γκ + ρz)²]`` (teacher).
    """

    kappa: np.ndarray
    mu0: np.ndarray
    mu1: np.ndarray
    mu2: np.ndarray
    h: np.ndarray
    h1: np.ndarray
    hh: np.ndarray


def student_conditional(
    student: str | Activation, *, c: float, r: float, kappa: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(μ0(κ), μ1(κ), μ2(κ))`` of the student features ``σ(rκ + √c z)``, ``z ~ N(0, 1)``.

    Parameters
    ----------
    student : str or Activation
        The student activation σ.
    c : float
        Bulk variance ``c ≥ 0``.
    r : float
        Spike strength.
    kappa : array_like
        Points ``κ`` (finite), any shape.

    Returns
    -------
    tuple of numpy.ndarray
        ``μ0(κ) = E[σ]``, ``μ1(κ) = E[z σ]/√c`` (0 when c = 0) and
        ``μ2(κ) = √(E[σ²] − μ0² − c μ1²)``, each the shape of ``kappa``.

    Examples
    --------
    >>> m0, m1, m2 = student_conditional("linear", c=1.0, r=2.0, kappa=[0.0, 1.0])
    >>> m0.round(12).tolist(), m1.round(12).tolist(), m2.round(6).tolist()
    ([0.0, 2.0], [1.0, 1.0], [0.0, 0.0])
    """
    c = check_real("c", c, low=0.0)
    r = check_real("r", r)
    kappa = check_finite_array("kappa", kappa)
    sc = math.sqrt(c)
    m0, m1, m2 = gaussian_moments(student, shift=r * kappa, scale=sc)
    mu1 = m1 / sc if sc > 0 else np.zeros_like(m1)
    mu2 = np.sqrt(np.maximum(m2 - m0**2 - c * mu1**2, 0.0))
    return m0, mu1, mu2


def teacher_conditional(
    teacher: str | Activation, *, gamma: float, kappa: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(h(κ), h1(κ), hh(κ))`` of the teacher ``σ*(γκ + ρz)``, ``ρ = √(1−γ²)``.

    Parameters
    ----------
    teacher : str or Activation
        The teacher activation σ*.
    gamma : float
        Overlap γ in ``[−1, 1]``.
    kappa : array_like
        Points ``κ`` (finite), any shape.

    Returns
    -------
    tuple of numpy.ndarray
        ``h = E[σ*]``, ``h1 = E[z σ*]`` and ``hh = E[σ*²]`` over ``z ~ N(0, 1)``, each the
        shape of ``kappa``.

    Examples
    --------
    >>> h, h1, hh = teacher_conditional("linear", gamma=0.6, kappa=[1.0])
    >>> [round(float(x[0]), 12) for x in (h, h1, hh)]
    [0.6, 0.8, 1.0]
    """
    gamma = check_real("gamma", gamma, low=-1.0, high=1.0)
    kappa = check_finite_array("kappa", kappa)
    rho = math.sqrt(max(1.0 - gamma**2, 0.0))
    return gaussian_moments(teacher, shift=gamma * kappa, scale=rho)


def conditional_coefficients(
    *,
    student: str | Activation,
    teacher: str | Activation,
    params: SpikeParameters,
    kappa: np.ndarray,
) -> ConditionalCoefficients:
    """All κ-dependent coefficients of the conditional Gaussian equivalence at ``kappa``.

    Parameters
    ----------
    student, teacher : str or Activation
        The activations.
    params : SpikeParameters
        ``(c, r, γ)`` of the layer, e.g. from :func:`spike_parameters`.
    kappa : array_like
        Points ``κ`` (finite), any shape.

    Returns
    -------
    ConditionalCoefficients
        :func:`student_conditional` and :func:`teacher_conditional` at ``kappa``.

    Examples
    --------
    >>> p = spike_parameters(student="tanh", teacher="sin", eta=0.0, alpha0=1.0)
    >>> cc = conditional_coefficients(student="tanh", teacher="sin", params=p, kappa=[0.0])
    >>> round(float(cc.mu1[0]), 6) == round(hermite_coefficients("tanh").mu1, 6)
    True
    """
    if not isinstance(params, SpikeParameters):
        raise TypeError(f"params must be a SpikeParameters, got {type(params).__name__}")
    kappa = check_finite_array("kappa", kappa)
    mu0, mu1, mu2 = student_conditional(student, c=params.c, r=params.r, kappa=kappa)
    h, h1, hh = teacher_conditional(teacher, gamma=params.gamma, kappa=kappa)
    return ConditionalCoefficients(kappa, mu0, mu1, mu2, h, h1, hh)
