"""Results of the simulations: frozen dataclasses with the numbers and their provenance.

* :class:`SimulationResult` — one point (``test_error``, ``test_error_std``, ``per_seed``,
  the same for the training error) with every setting that produced it;
* :class:`SimulationCurve` — the same fields as arrays along ``alphas``;
* :class:`OneStepLayer` — the first layer before and after the step(s), with the overlaps
  of the update with each teacher direction after each step.

Field names are those of the theory's results (``test_error``, ``train_error``, ``student``,
``teacher``, ``eta``, …); the names of earlier releases (``mean``, ``std``, ``train_std``,
``settings``) still work for one release and emit a ``DeprecationWarning``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from ..spike import SpikeParameters

__all__ = ["OneStepLayer", "SimulationCurve", "SimulationResult"]

#: The provenance fields every simulation result records (besides the numbers).
PROVENANCE = (
    "student",
    "teacher",
    "model",
    "eta",
    "alpha0",
    "lam",
    "noise",
    "width_ratio",
    "d",
    "p",
    "n0",
    "n_test",
    "seeds",
    "steps",
    "reuse_batch",
    "device",
    "dtype",
    "backend",
)


def _deprecated(obj: Any, old: str, new: str) -> None:
    warnings.warn(
        f"{type(obj).__name__}.{old} is deprecated and will be removed; use .{new}",
        DeprecationWarning,
        stacklevel=3,
    )


def _eta_text(eta: float | tuple[float, ...]) -> str:
    if isinstance(eta, tuple):
        return "(" + ", ".join(f"{e:g}" for e in eta) + ")"
    return f"{eta:g}"


def _steps_text(steps: int, reuse_batch: bool) -> str:
    if steps == 1 and not reuse_batch:
        return ""
    batch = "one batch reused" if reuse_batch else "fresh batches"
    return f", {steps} step(s) on {batch}"


@dataclass(frozen=True)
class SimulationResult:
    """Test and training errors of simulated runs at one point, over seeds.

    Attributes
    ----------
    test_error : float
        ε_g, the mean over the seeds of the test error against the noiseless target.
    test_error_std : float
        Its spread over the seeds (standard deviation, ddof=1; 0 for one seed).
    per_seed : tuple of float
        The seeds' test errors, in the order of ``seeds``.
    train_error : float
        Mean training error (mean squared residual on the readout samples).
    train_error_std : float
        Its spread over the seeds.
    train_per_seed : tuple of float
        The seeds' training errors.
    student : str
        Name of the student activation.
    teacher : str
        Name of the teacher.
    model : str
        ``"network"``, ``"srf"`` or ``"gaussian"``.
    eta : float or tuple of float
        ``η̃``, or one ``η̃`` per step.
    alpha0 : float
        ``n0/d`` per step.
    alpha : float
        ``n/d``.
    lam : float
        Ridge penalty ``λ``.
    noise : float
        Label-noise variance ``Δ``.
    width_ratio : float
        ``p/d``.
    d : int
        Input dimension.
    p : int
        Width, ``round(width_ratio·d)``.
    n0 : int
        Samples of each step, ``round(alpha0·d)``.
    n : int
        Readout samples, ``round(alpha·d)``.
    n_test : int
        Test samples.
    seeds : tuple of int
        The integer seeds (a Generator seed is recorded as the seeds drawn from it).
    steps : int
        Number of giant steps.
    reuse_batch : bool
        Whether the steps reuse one batch.
    device : str
        Where it ran (``"cpu"``, ``"cuda:0"``, …).
    dtype : str
        Floating-point type.
    backend : str
        ``"torch"`` or ``"numpy"``.

    Notes
    -----
    ``float(result)`` is ``result.test_error``; :meth:`as_dict` gives a plain dict.
    """

    test_error: float
    test_error_std: float
    per_seed: tuple[float, ...]
    train_error: float
    train_error_std: float
    train_per_seed: tuple[float, ...]
    student: str
    teacher: str
    model: str
    eta: float | tuple[float, ...]
    alpha0: float
    alpha: float
    lam: float
    noise: float
    width_ratio: float
    d: int
    p: int
    n0: int
    n: int
    n_test: int
    seeds: tuple[int, ...]
    steps: int
    reuse_batch: bool
    device: str
    dtype: str
    backend: str

    @property
    def stderr(self) -> float:
        """Standard error of the mean over seeds, ``test_error_std/√k``."""
        return self.test_error_std / math.sqrt(len(self.per_seed))

    @property
    def mean(self) -> float:
        """Deprecated name of ``test_error``."""
        _deprecated(self, "mean", "test_error")
        return self.test_error

    @property
    def std(self) -> float:
        """Deprecated name of ``test_error_std``."""
        _deprecated(self, "std", "test_error_std")
        return self.test_error_std

    @property
    def train_std(self) -> float:
        """Deprecated name of ``train_error_std``."""
        _deprecated(self, "train_std", "train_error_std")
        return self.train_error_std

    def __float__(self) -> float:
        return float(self.test_error)

    def as_dict(self) -> dict[str, Any]:
        """All fields as a dict (tuples stay tuples)."""
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.model} {self.student}→{self.teacher}, d={self.d}, p={self.p}, "
            f"α0={self.alpha0:g}, α={self.alpha:g}, η̃={_eta_text(self.eta)}, λ={self.lam:g}, "
            f"Δ={self.noise:g}{_steps_text(self.steps, self.reuse_batch)}: test error "
            f"{self.test_error:.5f} ± {self.test_error_std:.5f} (train {self.train_error:.5f}) "
            f"over {len(self.seeds)} seed(s) [{self.backend} {self.device} {self.dtype}]"
        )


@dataclass(frozen=True, eq=False)
class SimulationCurve:
    """Errors along ``alphas``: the fields of :class:`SimulationResult` as arrays.

    Attributes
    ----------
    alphas : ndarray
        Shape ``(A,)``.
        The grid of α.
    n : ndarray of int
        Shape ``(A,)``.
        Readout samples ``round(α d)``.
    test_error : ndarray
        Shape ``(A,)``.
        Mean test error over the seeds.
    test_error_std : ndarray
        Shape ``(A,)``.
        Its spread (ddof=1; 0 for one seed).
    per_seed : ndarray
        Shape ``(k, A)``.
        Test errors per seed (rows in the order of ``seeds``) and α.
    train_error : ndarray
        Shape ``(A,)``.
        Mean training error over the seeds.
    train_error_std : ndarray
        Shape ``(A,)``.
        Its spread.
    train_per_seed : ndarray
        Shape ``(k, A)``.
        Training errors per seed and α.

    Notes
    -----
    The other fields (``student``, ``teacher``, ``model``, ``eta``, ``alpha0``, ``lam``,
    ``noise``, ``width_ratio``, ``d``, ``p``, ``n0``, ``n_test``, ``seeds``, ``steps``,
    ``reuse_batch``, ``device``, ``dtype``, ``backend``) are those of
    :class:`SimulationResult`.
    """

    alphas: np.ndarray
    n: np.ndarray
    test_error: np.ndarray
    test_error_std: np.ndarray
    per_seed: np.ndarray
    train_error: np.ndarray
    train_error_std: np.ndarray
    train_per_seed: np.ndarray
    student: str
    teacher: str
    model: str
    eta: float | tuple[float, ...]
    alpha0: float
    lam: float
    noise: float
    width_ratio: float
    d: int
    p: int
    n0: int
    n_test: int
    seeds: tuple[int, ...]
    steps: int
    reuse_batch: bool
    device: str
    dtype: str
    backend: str

    @property
    def stderr(self) -> np.ndarray:
        """Standard error of the mean over seeds, ``test_error_std/√k``."""
        return self.test_error_std / math.sqrt(self.per_seed.shape[0])

    @property
    def mean(self) -> np.ndarray:
        """Deprecated name of ``test_error``."""
        _deprecated(self, "mean", "test_error")
        return self.test_error

    @property
    def std(self) -> np.ndarray:
        """Deprecated name of ``test_error_std``."""
        _deprecated(self, "std", "test_error_std")
        return self.test_error_std

    @property
    def train_std(self) -> np.ndarray:
        """Deprecated name of ``train_error_std``."""
        _deprecated(self, "train_std", "train_error_std")
        return self.train_error_std

    @property
    def settings(self) -> dict[str, Any]:
        """Deprecated, the settings are fields (``curve.d``, ``curve.eta``, …)."""
        _deprecated(self, "settings", "<field> (curve.d, curve.eta, …)")
        return {name: getattr(self, name) for name in PROVENANCE}

    def as_dict(self) -> dict[str, Any]:
        """All fields as a dict (arrays stay arrays)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __str__(self) -> str:
        pts = ", ".join(
            f"{a:g}: {m:.4f}" for a, m in zip(self.alphas, self.test_error, strict=True)
        )
        return (
            f"{self.model} {self.student}→{self.teacher}, d={self.d}, α0={self.alpha0:g}, "
            f"η̃={_eta_text(self.eta)}, λ={self.lam:g}{_steps_text(self.steps, self.reuse_batch)}"
            f", {len(self.seeds)} seed(s): ε_g(α) = {pts}"
        )


@dataclass(frozen=True, eq=False)
class OneStepLayer:
    """The first layer before and after the giant step(s) (numpy arrays).

    Attributes
    ----------
    W0 : ndarray
        Shape ``(p, d)``.
        The initial layer (unit rows).
    W1 : ndarray
        Shape ``(p, d)``.
        The layer after the last step.
    G : ndarray
        Shape ``(p, d)``.
        The accumulated update ``W1 − W0``, summed step by step (not taken as a
        difference); after one step ``(η̃/n0) Σ_μ (σ'(W⁰x_μ) e_μ) x_μᵀ``.
    theta : ndarray
        Shape ``(d,)``.
        The first teacher direction θ_1, ``‖θ‖² = d``.
    directions : ndarray
        Shape ``(k, d)``.
        All teacher directions (orthogonal, ``‖θ_i‖² = d``).
    overlaps : ndarray
        Shape ``(steps, k)``.
        ``overlaps[t−1, i] = ‖ΔW^t θ̂_i‖/‖ΔW^t‖_op`` with ``ΔW^t = W^t − W⁰`` the update
        accumulated after step ``t`` and ``θ̂_i = θ_i/√d``: in [0, 1], the overlap
        ``|⟨v, θ̂_i⟩|`` of the update's spike direction ``v`` with θ_i (the top right
        singular vector's overlap, up to ``O(1/√d)`` from the bulk); ``O(1/√d)`` for a
        direction the steps have not learned.
    projections : ndarray
        Shape ``(steps, k)``.
        ``‖ΔW^t θ̂_i‖/√p``: the root mean square over neurons of the update's component
        along θ̂_i, i.e. the coefficient of ``z_i`` the steps added to a neuron's
        pre-activation.
    singular_values : ndarray
        Shape ``(steps, k + 1)``: the ``k + 1`` leading singular values of ``ΔW^t`` (a
        spike shows as a value well above the next ones).
    spike : SpikeParameters or None
        The sRF prediction of one step, ``G ≈ (r/√d) 1_p vᵀ + bulk`` with ``⟨v, θ⟩/d = γ``
        (book/spiked_matrix.ipynb); ``None`` for a multi-index teacher.

    Notes
    -----
    The other fields are the settings (``student``, ``teacher``, ``eta``, ``alpha0``,
    ``noise``, ``width_ratio``, ``d``, ``p``, ``n0``, ``steps``, ``reuse_batch``, ``device``,
    ``dtype``, ``backend``, and ``seed``, the integer seed used).
    """

    W0: np.ndarray
    W1: np.ndarray
    G: np.ndarray
    theta: np.ndarray
    directions: np.ndarray
    overlaps: np.ndarray
    projections: np.ndarray
    singular_values: np.ndarray
    spike: SpikeParameters | None
    student: str
    teacher: str
    eta: float | tuple[float, ...]
    alpha0: float
    noise: float
    width_ratio: float
    d: int
    p: int
    n0: int
    steps: int
    reuse_batch: bool
    seed: int
    device: str
    dtype: str
    backend: str

    @property
    def settings(self) -> dict[str, Any]:
        """Deprecated, the settings are fields (``layer.student``, ``layer.d``, …)."""
        _deprecated(self, "settings", "<field> (layer.student, layer.d, …)")
        names = ("student", "teacher", "eta", "alpha0", "noise", "width_ratio", "d", "p", "n0")
        names += ("steps", "reuse_batch", "seed", "device", "dtype", "backend")
        return {name: getattr(self, name) for name in names}

    def as_dict(self) -> dict[str, Any]:
        """All fields as a dict (arrays stay arrays; ``spike`` as its own dict)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["spike"] = None if self.spike is None else self.spike.as_dict()
        return out

    def __str__(self) -> str:
        ov = np.array2string(self.overlaps[-1], precision=3, separator=", ")
        spike = f", {self.spike}" if self.spike is not None else ""
        return (
            f"OneStepLayer({self.student}→{self.teacher}, d={self.d}, p={self.p}, "
            f"n0={self.n0}, η̃={_eta_text(self.eta)}{_steps_text(self.steps, self.reuse_batch)}"
            f", ‖G‖_F={np.linalg.norm(self.G):.4f}, overlaps {ov}{spike})"
        )
