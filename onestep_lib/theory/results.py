"""Result objects of the theory: one point, one curve, and the kernel regime.

Every result that carries a test error calls it ``test_error`` (as the simulation's results do),
records where it comes from (student, teacher, eta, alpha0, alpha, lam, noise, width_ratio,
spectrum, bulk), prints as one readable line, converts to a ``dict`` with ``as_dict()`` and to a
number with ``float()`` (the test error).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from ..activations import Activation
from ..spike import SpikeParameters

__all__ = ["TheoryResult", "LearningCurve", "RFResult"]


@dataclass(frozen=True)
class TheoryResult:
    """Fixed point of the self-consistent equations and its errors.

    Attributes
    ----------
    test_error : float
        ``ε_g = E_κ[R(κ)]``, against the noiseless target.
    train_error : float
        The mean squared residual on the readout samples (labels with their noise).
    q1 : float
        ``aᵀΩa/p``, the readout's power along the bulk (order parameters: the appendix
        derivation; ``*_hat`` fields are their conjugates).
    q2 : float
        ``‖a‖²/p``.
    V1 : float
        Susceptibility ``⟨D/S⟩``.
    V2 : float
        Susceptibility ``⟨1/S⟩``.
    t : float
        ``aᵀWv/√(pd)``, the readout's weight on the spike direction.
    psi : float
        ``aᵀWζ/√(pd)``, its weight on the rest of the target.
    m : float
        ``Σa/√p``, the readout's mean (0 for an odd student).
    converged : bool
        Whether the ``(V1, V2)`` fixed point met the tolerance.
    iterations : int
        Solver iterations.
    residual : float
        Relative residual of the fixed point.
    spike : SpikeParameters
        ``(c, r, γ, …)`` used.
    student_activation : Activation
        The student (``student`` is its name).
    teacher : str
        Name of the teacher activation.
    eta : float
        ``η̃``.
    alpha0 : float
        ``n0/d``.
    alpha : float
        ``n/d``.
    lam : float
        Ridge penalty ``λ``.
    noise : float
        Label-noise variance ``Δ``.
    width_ratio : float
        ``φ = p/d``.
    spectrum : str
        ``"asymptotic"`` or ``"finite"``.
    bulk : str
        ``"isotropic"``, ``"anisotropic"`` or ``"gradient"``.
    d : int or None
        Dimension of the sampled spectrum (``spectrum="finite"``).
    """

    test_error: float
    train_error: float
    q1: float
    q2: float
    V1: float
    V2: float
    t: float
    psi: float
    m: float
    q1_hat: float
    q2_hat: float
    V1_hat: float
    V2_hat: float
    t_hat: float
    psi_hat: float
    converged: bool
    iterations: int
    residual: float
    spike: SpikeParameters
    alpha: float
    lam: float
    width_ratio: float
    noise: float
    spectrum: str
    student_activation: Activation = field(repr=False, compare=False)
    teacher: str = ""
    eta: float = float("nan")
    alpha0: float = float("nan")
    bulk: str = "isotropic"
    d: int | None = None

    @property
    def student(self) -> str:
        """Name of the student activation."""
        return self.student_activation.name

    def as_dict(self) -> dict[str, Any]:
        out = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "student_activation"
        }
        out["spike"] = self.spike.as_dict()
        out["student"] = self.student
        return out

    def __float__(self) -> float:
        return float(self.test_error)

    def __str__(self) -> str:
        return (
            f"TheoryResult(test_error={self.test_error:.6g}, train_error={self.train_error:.6g}, "
            f"{self.student}/{self.teacher}, eta={self.eta:g}, alpha0={self.alpha0:g}, "
            f"alpha={self.alpha:g}, lam={self.lam:g}, bulk={self.bulk}, "
            f"spectrum={self.spectrum}, converged={self.converged}, "
            f"iterations={self.iterations})"
        )


@dataclass(frozen=True)
class LearningCurve:
    """:class:`TheoryResult` fields along ``alphas``, as arrays (plus the points themselves).

    ``alphas``, ``test_error``, ``train_error``, ``q1``, ``q2``, ``V1``, ``V2``, ``t``, ``psi``,
    ``m``, ``converged``, ``iterations``, ``residual`` are arrays of one length; ``results``
    holds the :class:`TheoryResult` of each point (with the provenance).
    """

    alphas: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray
    q1: np.ndarray
    q2: np.ndarray
    V1: np.ndarray
    V2: np.ndarray
    t: np.ndarray
    psi: np.ndarray
    m: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    results: tuple[TheoryResult, ...] = field(repr=False, compare=False)
    residual: np.ndarray | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "results"}

    def __str__(self) -> str:
        r0 = self.results[0]
        return (
            f"LearningCurve({len(self.alphas)} points, {r0.student}/{r0.teacher}, "
            f"bulk={r0.bulk}, alpha {self.alphas[0]:g}..{self.alphas[-1]:g}, "
            f"test_error {self.test_error[0]:.4g}..{self.test_error[-1]:.4g})"
        )


@dataclass(frozen=True)
class RFResult:
    """Random-features ridge regression in closed form (:func:`~onestep_lib.theory.rf_test_error`).

    ``float(result)`` is the test error. ``bias`` and ``variance`` split the excess over the
    floor; ``effective_noise`` is ``σ_eff²``, ``effective_lambda`` the effective regularisation
    ``κ_λ`` and ``df2`` the degrees of freedom (derived in the kernel-regime chapter, section
    "Where the closed form comes from").
    """

    test_error: float
    train_error: float
    bias: float
    variance: float
    effective_noise: float
    effective_lambda: float
    df2: float
    student: str = ""
    teacher: str = ""
    alpha: float = float("nan")
    lam: float = float("nan")
    noise: float = 0.0
    width_ratio: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __float__(self) -> float:
        return float(self.test_error)

    def __str__(self) -> str:
        return (
            f"RFResult(test_error={self.test_error:.6g}, train_error={self.train_error:.6g}, "
            f"bias={self.bias:.4g}, variance={self.variance:.4g}, {self.student}/{self.teacher}, "
            f"alpha={self.alpha:g}, lam={self.lam:g})"
        )
