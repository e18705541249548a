"""The spiked random-features (sRF) surrogate of the one-step layer (THEORY.md §3–4).

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
(``b = 0``, ``E[σ''] = 0``) this is exactly THEORY.md §3: ``τ = 1``, ``E[e²] = μ2* + Δ``.
``student_mean_correction=False`` gives the uncorrected formulas of the reference code.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from .activations import Activation, gaussian_moments, get_activation, hermite_coefficients
from .validation import check_bool, check_finite_array, check_real

__all__ = [
    "SpikeParameters",
    "ConditionalCoefficients",
    "spike_parameters",
    "conditional_coefficients",
    "student_conditional",
    "teacher_conditional",
]


@dataclass(frozen=True)
class SpikeParameters:
    """Parameters of the spiked random-features surrogate.

    ``c``: bulk variance; ``r``: spike strength; ``gamma``: overlap of the spike direction v
    with θ (``⟨v,θ⟩/d``); ``tau``: row rescaling of W⁰ by the step (1 for odd students);
    ``residual_mean``/``residual_second_moment``: ``E[e]`` and ``E[e²]`` of the residual
    ``e = y − f⁰`` the step sees.
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
    """``(c, r, γ)`` of the one-step layer (THEORY.md §3), corrected for ``E[σ] ≠ 0``.

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
class ConditionalCoefficients:
    """κ-dependent coefficients of the conditional Gaussian equivalence (THEORY.md §4).

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
    """``(μ0(κ), μ1(κ), μ2(κ))`` of the student features ``σ(rκ + √c z)``."""
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
    """``(h(κ), h1(κ), hh(κ))`` of the teacher ``σ*(γκ + ρz)``, ``ρ = √(1−γ²)``."""
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
    """All κ-dependent coefficients of THEORY.md §4 on the points ``kappa``."""
    if not isinstance(params, SpikeParameters):
        raise TypeError(f"params must be a SpikeParameters, got {type(params).__name__}")
    kappa = check_finite_array("kappa", kappa)
    mu0, mu1, mu2 = student_conditional(student, c=params.c, r=params.r, kappa=kappa)
    h, h1, hh = teacher_conditional(teacher, gamma=params.gamma, kappa=kappa)
    return ConditionalCoefficients(kappa, mu0, mu1, mu2, h, h1, hh)
