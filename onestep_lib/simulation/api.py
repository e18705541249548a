"""Public simulation functions: ``test_error``, ``learning_curve``, ``one_step``.

Protocol (THEORY.md §1–2), for each seed:

1. θ (``‖θ‖² = d``) and W⁰ (``p×d``, unit rows), ``p = round(width_ratio·d)``;
2. the first layer: ``"network"``: one giant step on ``n0 = round(α0 d)`` fresh samples,
   ``W¹ = W⁰ + (η̃/n0) Σ_μ (σ'(W⁰x_μ) e_μ) x_μᵀ``; ``"srf"``: ``√c W⁰ + (r/√d) 1_p vᵀ``
   with ``(c, r, γ)`` of :func:`onestep_lib.spike.spike_parameters` and ``v = γθ + ρζ``;
   ``"gaussian"``: the conditional Gaussian-equivalent features of that sRF;
3. ridge readout on ``n = round(α d)`` fresh samples,
   ``â = argmin_a Σ_μ (y_μ − a·φ(x_μ)/√p)² + λ‖a‖²``;
4. test error ``mean (σ*(⟨θ,x⟩/√d) − â·φ(x)/√p)²`` on ``n_test`` fresh samples (noiseless
   target), training error = mean squared residual on the readout samples (noisy labels).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..activations import Activation, get_activation
from ..spike import SpikeParameters, spike_parameters
from ..validation import check_array, check_bool, check_choice, check_int, check_real
from .backend import Backend, check_memory, chunk_rows, estimate_memory, resolve_backend
from .data import make_teacher, orthogonal_direction, sample_batches, stage_generator
from .network import (
    EquivalentFeatures,
    LayerFeatures,
    giant_step,
    init_first_layer,
    prediction_mse,
    ridge_readout,
    spike_direction,
    spiked_layer,
)

__all__ = [
    "MODELS",
    "OneStepLayer",
    "SimulationCurve",
    "SimulationResult",
    "learning_curve",
    "one_step",
    "test_error",
]

#: The feature maps behind ``model=``.
MODELS = ("network", "srf", "gaussian")


# --------------------------------------------------------------------------------------
# Settings and validation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Setup:
    """Validated settings of a run (α and n excepted: they vary along a learning curve)."""

    student: Activation
    teacher: Activation
    eta: float
    alpha0: float
    lam: float
    noise: float
    width_ratio: float
    model: str
    d: int
    p: int
    n0: int
    n_test: int


def _sizes(*, d: Any, width_ratio: Any, alpha0: Any) -> tuple[int, float, int, float, int]:
    d = check_int("d", d, low=2)
    width_ratio = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    p = round(width_ratio * d)
    if p < 1:
        raise ValueError(
            f"width_ratio={width_ratio:g} gives p = round(width_ratio·d) = {p} neurons at d={d}; "
            "width_ratio·d must be at least 0.5"
        )
    alpha0 = check_real("alpha0", alpha0, low=0.0)
    n0 = round(alpha0 * d)
    if alpha0 > 0 and n0 < 1:
        raise ValueError(
            f"alpha0={alpha0:g} gives n0 = round(alpha0·d) = 0 step samples at d={d}; "
            "use alpha0 = 0 (no step) or alpha0·d ≥ 0.5"
        )
    return d, width_ratio, p, alpha0, n0


def _readout_size(alpha: Any, d: int, name: str = "alpha") -> tuple[float, int]:
    alpha = check_real(name, alpha, low=0.0, low_open=True)
    n = round(alpha * d)
    if n < 1:
        raise ValueError(
            f"{name}={alpha:g} gives n = round(alpha·d) = 0 readout samples at d={d}; "
            "alpha·d must be at least 0.5"
        )
    return alpha, n


def _setup(*, student, teacher, eta, alpha0, lam, d, noise, width_ratio, model, n_test) -> _Setup:
    stu = get_activation(student, name="student")
    tea = get_activation(teacher, name="teacher")
    eta = check_real("eta", eta, low=0.0)
    lam = check_real("lam", lam, low=0.0)
    noise = check_real("noise", noise, low=0.0)
    model = check_choice("model", model, MODELS)
    d, width_ratio, p, alpha0, n0 = _sizes(d=d, width_ratio=width_ratio, alpha0=alpha0)
    n_test = check_int("n_test", n_test, low=1)
    return _Setup(stu, tea, eta, alpha0, lam, noise, width_ratio, model, d, p, n0, n_test)


def _seed_list(seeds: Any, seed: Any) -> tuple[int, ...]:
    """``seeds`` repetitions starting at ``seed``, or an explicit sequence of seeds."""
    if isinstance(seeds, np.ndarray):
        seeds = seeds.tolist()
    if isinstance(seeds, Sequence) and not isinstance(seeds, str):
        if len(seeds) == 0:
            raise ValueError("seeds must be a positive integer or a non-empty list of seeds")
        return tuple(check_int("seeds entry", s, low=0) for s in seeds)
    count = check_int("seeds", seeds, low=1)
    first = check_int("seed", seed, low=0)
    return tuple(range(first, first + count))


def _spread(values: Sequence[float]) -> tuple[float, float]:
    arr = np.asarray(values, dtype=float)
    std = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    return float(arr.mean()), std


# --------------------------------------------------------------------------------------
# One seed
# --------------------------------------------------------------------------------------


def _teacher_and_init(setup: _Setup, be: Backend, seed: int) -> tuple[Any, Any]:
    """θ (``(d,)``, ``‖θ‖² = d``) and W⁰ (``(p, d)``, unit rows), shared by all models."""
    theta = make_teacher(be, stage_generator(be, seed, "teacher"), d=setup.d)
    w0 = init_first_layer(be, stage_generator(be, seed, "init"), p=setup.p, d=setup.d)
    return theta, w0


def _first_layer(setup: _Setup, be: Backend, seed: int, rows: int) -> tuple[Any, Any, Any]:
    """``(W⁰, θ, update)`` of the network model: the update is ``None`` without a step."""
    d = setup.d
    theta, w0 = _teacher_and_init(setup, be, seed)
    if setup.eta == 0.0 or setup.n0 == 0:
        return w0, theta, None
    batches = sample_batches(
        be,
        stage_generator(be, seed, "step"),
        n=setup.n0,
        d=d,
        rows=rows,
        theta=theta,
        teacher=setup.teacher,
        noise=setup.noise,
    )
    update = giant_step(be, w0, batches, student=setup.student, eta=setup.eta, n0=setup.n0)
    return w0, theta, update


def _spike(setup: _Setup) -> SpikeParameters:
    return spike_parameters(
        student=setup.student,
        teacher=setup.teacher,
        eta=setup.eta,
        alpha0=setup.alpha0,
        noise=setup.noise,
    )


def _feature_map(setup: _Setup, be: Backend, seed: int, rows: int) -> tuple[Any, Any]:
    """The trained feature map of ``setup.model`` for one seed, and θ."""
    if setup.model == "network":
        w0, theta, update = _first_layer(setup, be, seed, rows)
        if update is not None:
            update += w0  # W¹ = W⁰ + G, in place
            w0 = update
        return LayerFeatures(be, w0, setup.student), theta
    theta, w0 = _teacher_and_init(setup, be, seed)
    zeta = orthogonal_direction(be, stage_generator(be, seed, "spike"), theta, d=setup.d)
    params = _spike(setup)
    v = spike_direction(theta, zeta, params=params)
    if setup.model == "srf":
        return LayerFeatures(be, spiked_layer(w0, v, params=params), setup.student), theta
    return EquivalentFeatures(be, w0, v, params, setup.student), theta


def _feature_batches(
    setup: _Setup,
    be: Backend,
    seed: int,
    features: Any,
    theta: Any,
    *,
    n: int,
    rows: int,
    stage: str,
    labels: bool,
) -> Iterator[tuple[Any, Any]]:
    """``(Φ, y)`` (``labels=True``) or ``(Φ, target)`` chunks of ``n`` fresh samples."""
    noise_gen = stage_generator(be, seed, "equivalent-" + stage) if features.needs_noise else None
    for x, target, y in sample_batches(
        be,
        stage_generator(be, seed, stage),
        n=n,
        d=setup.d,
        rows=rows,
        theta=theta,
        teacher=setup.teacher,
        noise=setup.noise,
    ):
        yield features(x, noise_gen), (y if labels else target)


def _check_finite(test: float, train: float, seed: int) -> None:
    if not (math.isfinite(test) and math.isfinite(train)):
        raise FloatingPointError(
            f"seed {seed}: non-finite errors (test {test}, train {train}); the features or the "
            "readout overflowed: reduce eta, use a larger lam or dtype='float64'"
        )


def _prepare(
    setup: _Setup,
    device: Any,
    dtype: Any,
    *,
    n: int,
    cache_test: bool = False,
    gpu_host_copies: int = 0,
) -> tuple[Backend, int]:
    """Resolve the backend and refuse runs that would not fit in memory."""
    be = resolve_backend(device=device, dtype=dtype)
    host_copies = gpu_host_copies if be.is_cuda else 0
    rows = chunk_rows(d=setup.d, p=setup.p, backend=be)
    need = estimate_memory(
        d=setup.d,
        p=setup.p,
        n0=setup.n0,
        n=n,
        n_test=setup.n_test,
        model=setup.model,
        itemsize=be.itemsize,
        rows=rows,
        cache_test=cache_test,
        host_copies=host_copies,
    )
    sizes = f"d={setup.d}, p={setup.p}, n0={setup.n0}, n={n}, n_test={setup.n_test}"
    check_memory(need, be, sizes=sizes)
    return be, rows


def _no_grad(be: Backend):
    if be.name == "torch":
        return be.xp.no_grad()
    import contextlib

    return contextlib.nullcontext()


def _progress(total: int, progress: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not progress, desc=desc, leave=False)


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimulationResult:
    """Test and training errors of simulated runs at one point, over seeds.

    ``mean``/``std``: test error ``ε_g`` over the seeds (std with ddof=1 when there are
    several seeds, 0 otherwise); ``per_seed``: the seeds' test errors; ``train_error``,
    ``train_std``, ``train_per_seed``: the same for the training error. The remaining
    fields record the settings (``p``, ``n0``, ``n`` are the integer sizes used).
    """

    mean: float
    std: float
    per_seed: tuple[float, ...]
    train_error: float
    train_std: float
    train_per_seed: tuple[float, ...]
    student: str
    teacher: str
    model: str
    eta: float
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
    device: str
    dtype: str
    backend: str

    @property
    def stderr(self) -> float:
        """Standard error of the mean over seeds, ``std/√k``."""
        return self.std / math.sqrt(len(self.per_seed))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.model} {self.student}→{self.teacher}, d={self.d}, p={self.p}, "
            f"α0={self.alpha0:g}, α={self.alpha:g}, η̃={self.eta:g}, λ={self.lam:g}, "
            f"Δ={self.noise:g}: test error {self.mean:.5f} ± {self.std:.5f} "
            f"(train {self.train_error:.5f}) over {len(self.seeds)} seed(s) "
            f"[{self.backend} {self.device} {self.dtype}]"
        )


@dataclass(frozen=True, eq=False)
class SimulationCurve:
    """Errors along ``alphas`` (arrays of shape ``(A,)``; ``per_seed`` ``(k, A)``)."""

    alphas: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    per_seed: np.ndarray
    train_error: np.ndarray
    train_std: np.ndarray
    train_per_seed: np.ndarray
    n: np.ndarray
    settings: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "settings"}
        out.update(self.settings)
        return out

    def __str__(self) -> str:
        s = self.settings
        pts = ", ".join(f"{a:g}: {m:.4f}" for a, m in zip(self.alphas, self.mean, strict=True))
        return (
            f"{s['model']} {s['student']}→{s['teacher']}, d={s['d']}, α0={s['alpha0']:g}, "
            f"η̃={s['eta']:g}, λ={s['lam']:g}, {len(s['seeds'])} seed(s): ε_g(α) = {pts}"
        )


@dataclass(frozen=True, eq=False)
class OneStepLayer:
    """The first layer before and after the giant step (numpy arrays).

    ``W0``, ``W1``: ``(p, d)``; ``G = W1 − W0``: the update (the scaled negative gradient,
    ``(η̃/n0) Σ_μ (σ'(W⁰x_μ) e_μ) x_μᵀ``), computed directly (not as a difference);
    ``theta``: ``(d,)`` with ``‖θ‖² = d``; ``spike``: the sRF prediction
    (THEORY.md §3): ``G ≈ (r/√d) 1_p vᵀ + bulk`` with ``⟨v, θ⟩/d = γ``.
    """

    W0: np.ndarray
    W1: np.ndarray
    G: np.ndarray
    theta: np.ndarray
    spike: SpikeParameters
    settings: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "W0": self.W0,
            "W1": self.W1,
            "G": self.G,
            "theta": self.theta,
            "spike": self.spike.as_dict(),
            **self.settings,
        }

    def __str__(self) -> str:
        s = self.settings
        return (
            f"OneStepLayer({s['student']}→{s['teacher']}, d={s['d']}, p={s['p']}, "
            f"n0={s['n0']}, η̃={s['eta']:g}, ‖G‖_F={np.linalg.norm(self.G):.4f}, {self.spike})"
        )


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------


def test_error(
    *,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    alpha: float,
    lam: float,
    d: int,
    noise: float = 0.0,
    width_ratio: float = 1.0,
    model: str = "network",
    seeds: int | Sequence[int] = 3,
    device: Any = None,
    dtype: Any = None,
    n_test: int = 10_000,
    seed: int = 0,
    progress: bool = False,
) -> SimulationResult:
    """Simulated test error ``ε_g`` of the one-step network (or a surrogate) over seeds.

    Parameters
    ----------
    student, teacher : activations σ and σ* (names or :class:`~onestep_lib.activations.Activation`).
    eta : η̃ ≥ 0 (learning rate ``η = η̃ p``); ``eta=0`` or ``alpha0=0`` is random features.
    alpha0 : α0 ≥ 0, step samples ``n0 = round(α0 d)``.
    alpha : α > 0, readout samples ``n = round(α d)``.
    lam : ridge penalty λ ≥ 0 (0 only where the Gram matrix is invertible).
    d : input dimension, integer ≥ 2.
    noise : label-noise variance Δ ≥ 0.
    width_ratio : φ > 0, width ``p = round(φ d)``.
    model : ``"network"`` (one giant step), ``"srf"`` (spiked surrogate) or ``"gaussian"``
        (its conditional Gaussian equivalent).
    seeds : number of independent repetitions (seeds ``seed, seed+1, …``) or a list of seeds.
    device, dtype : see ``onestep_lib.simulation.backend``.
    n_test : test samples (evaluated in chunks).
    seed : first seed when ``seeds`` is a count.
    progress : show a ``tqdm`` bar over the seeds.

    Returns
    -------
    SimulationResult with ``mean``, ``std``, ``per_seed``, ``train_error``, … .

    >>> r = test_error(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, alpha=2.0,
    ...                lam=0.1, d=1000)            # doctest: +SKIP
    >>> round(r.mean, 2)                            # doctest: +SKIP
    0.09
    """
    setup = _setup(
        student=student,
        teacher=teacher,
        eta=eta,
        alpha0=alpha0,
        lam=lam,
        d=d,
        noise=noise,
        width_ratio=width_ratio,
        model=model,
        n_test=n_test,
    )
    alpha, n = _readout_size(alpha, setup.d)
    seed_list = _seed_list(seeds, seed)
    progress = check_bool("progress", progress)
    be, rows = _prepare(setup, device, dtype, n=n)
    tests, trains = [], []
    with _no_grad(be), _progress(len(seed_list), progress, "seeds") as bar:
        for s in seed_list:
            features, theta = _feature_map(setup, be, s, rows)
            readout = ridge_readout(
                be,
                _feature_batches(
                    setup, be, s, features, theta, n=n, rows=rows, stage="readout", labels=True
                ),
                n=n,
                p=setup.p,
                lam=setup.lam,
            )
            test = prediction_mse(
                be,
                _feature_batches(
                    setup,
                    be,
                    s,
                    features,
                    theta,
                    n=setup.n_test,
                    rows=rows,
                    stage="test",
                    labels=False,
                ),
                readout.weights,
                p=setup.p,
            )
            _check_finite(test, readout.train_error, s)
            tests.append(test)
            trains.append(readout.train_error)
            bar.update(1)
    mean, std = _spread(tests)
    train_mean, train_std = _spread(trains)
    return SimulationResult(
        mean=mean,
        std=std,
        per_seed=tuple(tests),
        train_error=train_mean,
        train_std=train_std,
        train_per_seed=tuple(trains),
        student=setup.student.name,
        teacher=setup.teacher.name,
        model=setup.model,
        eta=setup.eta,
        alpha0=setup.alpha0,
        alpha=alpha,
        lam=setup.lam,
        noise=setup.noise,
        width_ratio=setup.width_ratio,
        d=setup.d,
        p=setup.p,
        n0=setup.n0,
        n=n,
        n_test=setup.n_test,
        seeds=seed_list,
        device=be.device_name,
        dtype=be.dtype_name,
        backend=be.name,
    )


def learning_curve(
    *,
    alphas: Sequence[float] | np.ndarray,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    lam: float,
    d: int,
    noise: float = 0.0,
    width_ratio: float = 1.0,
    model: str = "network",
    seeds: int | Sequence[int] = 3,
    device: Any = None,
    dtype: Any = None,
    n_test: int = 10_000,
    seed: int = 0,
    progress: bool = False,
) -> SimulationCurve:
    """Simulated ``ε_g(α)`` for each α of ``alphas`` (same keywords as :func:`test_error`).

    For each seed the first layer (the step does not depend on α) and the test features
    (``n_test×p``, kept in memory) are computed once and reused for every α; each α gets
    ``n = round(α d)`` readout samples from the seed's readout stream. A ``tqdm`` bar runs
    over (seed, α) when ``progress=True``.
    """
    setup = _setup(
        student=student,
        teacher=teacher,
        eta=eta,
        alpha0=alpha0,
        lam=lam,
        d=d,
        noise=noise,
        width_ratio=width_ratio,
        model=model,
        n_test=n_test,
    )
    grid = check_array("alphas", alphas, low=0.0, low_open=True)
    ns = np.array([_readout_size(a, setup.d, "alphas entry")[1] for a in grid], dtype=int)
    seed_list = _seed_list(seeds, seed)
    progress = check_bool("progress", progress)
    be, rows = _prepare(setup, device, dtype, n=int(ns.max()), cache_test=True)
    tests = np.empty((len(seed_list), grid.size))
    trains = np.empty_like(tests)
    with _no_grad(be), _progress(len(seed_list) * grid.size, progress, "(seed, α)") as bar:
        for i, s in enumerate(seed_list):
            features, theta = _feature_map(setup, be, s, rows)
            test_set = list(
                _feature_batches(
                    setup,
                    be,
                    s,
                    features,
                    theta,
                    n=setup.n_test,
                    rows=rows,
                    stage="test",
                    labels=False,
                )
            )
            for j, n in enumerate(ns):
                readout = ridge_readout(
                    be,
                    _feature_batches(
                        setup,
                        be,
                        s,
                        features,
                        theta,
                        n=int(n),
                        rows=rows,
                        stage="readout",
                        labels=True,
                    ),
                    n=int(n),
                    p=setup.p,
                    lam=setup.lam,
                )
                tests[i, j] = prediction_mse(be, test_set, readout.weights, p=setup.p)
                trains[i, j] = readout.train_error
                _check_finite(tests[i, j], trains[i, j], s)
                bar.update(1)
            del test_set
    ddof = 1 if len(seed_list) > 1 else 0
    settings = {
        "student": setup.student.name,
        "teacher": setup.teacher.name,
        "model": setup.model,
        "eta": setup.eta,
        "alpha0": setup.alpha0,
        "lam": setup.lam,
        "noise": setup.noise,
        "width_ratio": setup.width_ratio,
        "d": setup.d,
        "p": setup.p,
        "n0": setup.n0,
        "n_test": setup.n_test,
        "seeds": seed_list,
        "device": be.device_name,
        "dtype": be.dtype_name,
        "backend": be.name,
    }
    return SimulationCurve(
        alphas=grid,
        mean=tests.mean(0),
        std=tests.std(0, ddof=ddof),
        per_seed=tests,
        train_error=trains.mean(0),
        train_std=trains.std(0, ddof=ddof),
        train_per_seed=trains,
        n=ns,
        settings=settings,
    )


def one_step(
    *,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    d: int,
    width_ratio: float = 1.0,
    noise: float = 0.0,
    seed: int = 0,
    device: Any = None,
    dtype: Any = None,
) -> OneStepLayer:
    """The first layer after one giant step (THEORY.md §2), as numpy arrays.

    ``W⁰`` (``p×d``, unit rows), the update ``G = (η̃/n0) Σ_μ (σ'(W⁰x_μ) e_μ) x_μᵀ`` on
    ``n0 = round(α0 d)`` samples with ``e = y − f⁰``, ``W¹ = W⁰ + G``, θ and the sRF
    prediction ``spike = spike_parameters(...)``. The same seed gives the same W⁰, θ and step
    samples as ``test_error(model="network", seeds=[seed])``.
    """
    setup = _setup(
        student=student,
        teacher=teacher,
        eta=eta,
        alpha0=alpha0,
        lam=0.0,
        d=d,
        noise=noise,
        width_ratio=width_ratio,
        model="network",
        n_test=1,
    )
    s = check_int("seed", seed, low=0)
    be, rows = _prepare(setup, device, dtype, n=1, gpu_host_copies=3)
    with _no_grad(be):
        w0, theta, update = _first_layer(setup, be, s, rows)
        g = (
            be.to_numpy(update)
            if update is not None
            else np.zeros(tuple(w0.shape), dtype=be.dtype_name)
        )
        w0 = be.to_numpy(w0)
        theta = be.to_numpy(theta)
    settings = {
        "student": setup.student.name,
        "teacher": setup.teacher.name,
        "eta": setup.eta,
        "alpha0": setup.alpha0,
        "noise": setup.noise,
        "width_ratio": setup.width_ratio,
        "d": setup.d,
        "p": setup.p,
        "n0": setup.n0,
        "seed": s,
        "device": be.device_name,
        "dtype": be.dtype_name,
        "backend": be.name,
    }
    return OneStepLayer(W0=w0, W1=w0 + g, G=g, theta=theta, spike=_spike(setup), settings=settings)
