"""Public simulation functions: ``test_error``, ``learning_curve``, ``one_step``.

Protocol (book/notation.ipynb), for each seed:

1. teacher directions θ_1, …, θ_k (``‖θ_i‖² = d``, orthogonal; ``k = 1`` for the
   single-index teachers of the course) and W⁰ (``p×d``, unit rows),
   ``p = round(width_ratio·d)``;
2. the first layer: ``"network"``: ``steps`` giant steps, each on ``n0 = round(α0 d)``
   fresh samples (or all on the same batch with ``reuse_batch=True``),
   ``W^t = W^{t−1} + (η̃_t/n0) Σ_μ (σ'(W^{t−1}x_μ) e_μ) x_μᵀ`` with the residual
   ``e = y − f(x; W^{t−1}, a⁰)`` of the network whose readout stays at ``a⁰ = 1_p/√p``;
   ``"srf"``: ``√c W⁰ + (r/√d) 1_p vᵀ`` with ``(c, r, γ)`` of
   :func:`onestep_lib.spike.spike_parameters` and ``v = γθ + ρζ``; ``"gaussian"``: the
   conditional Gaussian-equivalent features of that sRF (both stand for one step on a
   fresh batch of a single-index teacher);
3. ridge readout on ``n = round(α d)`` fresh samples,
   ``â = argmin_a Σ_μ (y_μ − a·φ(x_μ)/√p)² + λ‖a‖²``;
4. test error ``mean (g(z) − â·φ(x)/√p)²`` on ``n_test`` fresh samples (noiseless target),
   training error = mean squared residual on the readout samples (noisy labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..activations import Activation
from ..validation import check_flag
from .results import OneStepLayer, SimulationCurve, SimulationResult
from .runner import (
    initial_state,
    layer_steps,
    prepare,
    run_seeds,
    spike_of,
    update_overlaps,
)
from .settings import build_settings
from .teachers import Teacher

__all__ = ["learning_curve", "one_step", "test_error"]

Seeds = int | Sequence[int]
Seed = int | np.random.Generator


def _spread(values: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (ddof=1; 0 for one value) over ``axis``."""
    ddof = 1 if values.shape[axis] > 1 else 0
    return values.mean(axis), values.std(axis, ddof=ddof)


def test_error(
    *,
    student: str | Activation,
    teacher: str | Activation | Teacher,
    eta: float | Sequence[float],
    alpha0: float,
    alpha: float,
    lam: float,
    d: int,
    noise: float = 0.0,
    width_ratio: float = 1.0,
    model: str = "network",
    steps: int = 1,
    reuse_batch: bool = False,
    seeds: Seeds = 3,
    device: Any = None,
    dtype: Any = None,
    n_test: int = 10_000,
    seed: Seed = 0,
    progress: bool = False,
) -> SimulationResult:
    """Simulated test error ``ε_g`` of the trained network (or a surrogate) over seeds.

    Parameters
    ----------
    student : str or Activation
        The student's activation σ.
    teacher : str, Activation or Teacher
        An activation name or :class:`~onestep_lib.activations.Activation` (single-index
        teacher ``σ*(⟨θ,x⟩/√d)``), a multi-index name such as ``"staircase"``
        (``z_1 + z_1 z_2``), or a :class:`~onestep_lib.simulation.teachers.Teacher`.
    eta : float or sequence of float
        η̃ ≥ 0 (learning rate ``η = η̃ p``), the same for every step or one per step;
        ``eta=0`` or ``alpha0=0`` is random features.
    alpha0 : float
        α0 ≥ 0, samples per step ``n0 = round(α0 d)``.
    alpha : float
        α > 0, readout samples ``n = round(α d)``.
    lam : float
        Ridge penalty λ ≥ 0 (0 only where the Gram matrix is invertible).
    d : int
        Input dimension, ≥ 2.
    noise : float
        Label-noise variance Δ ≥ 0.
    width_ratio : float
        φ > 0, width ``p = round(φ d)``.
    model : {"network", "srf", "gaussian"}
        The trained network, its spiked random-features surrogate, or the conditional
        Gaussian equivalent of that surrogate (the last two: one step, single-index teacher).
    steps : int
        Number k ≥ 1 of giant steps of the first layer (``model="network"`` only).
    reuse_batch : bool
        Whether every step uses the same batch of ``n0`` samples (``model="network"``).
    seeds : int or sequence of int
        Number of independent runs, or the list of their seeds.
    device, dtype
        See :func:`~onestep_lib.simulation.backend.resolve_backend`.
    n_test : int
        Test samples (evaluated in chunks).
    seed : int or numpy.random.Generator
        First seed when ``seeds`` is a count, or a generator the seeds are drawn from
        (see :mod:`onestep_lib.simulation.settings`).
    progress : bool
        Show a ``tqdm`` bar over the seeds.

    Returns
    -------
    SimulationResult
        ``test_error``, ``test_error_std``, ``per_seed``, ``train_error``, … and the
        settings; ``float(result)`` is the test error.

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or value (the message names it).
    MemoryError
        When the run would not fit on the device (before it starts).

    Examples
    --------
    >>> r = test_error(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, alpha=2.0,
    ...                lam=0.1, d=60, seeds=2, n_test=500, device="cpu")
    >>> r.per_seed == test_error(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0,
    ...     alpha=2.0, lam=0.1, d=60, seeds=[0, 1], n_test=500, device="cpu").per_seed
    True
    >>> 0.0 < float(r) < 1.0
    True
    """
    settings = build_settings(
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
        steps=steps,
        reuse_batch=reuse_batch,
        seeds=seeds,
        seed=seed,
        alpha=alpha,
    )
    progress = check_flag("progress", progress)
    be, rows = prepare(settings, device, dtype, n=settings.ns[0])
    tests, trains = run_seeds(settings, be, rows, progress=progress, desc="seeds")
    mean, std = _spread(tests[:, 0])
    train_mean, train_std = _spread(trains[:, 0])
    return SimulationResult(
        test_error=float(mean),
        test_error_std=float(std),
        per_seed=tuple(float(t) for t in tests[:, 0]),
        train_error=float(train_mean),
        train_error_std=float(train_std),
        train_per_seed=tuple(float(t) for t in trains[:, 0]),
        alpha=settings.alphas[0],
        n=settings.ns[0],
        device=be.device_name,
        dtype=be.dtype_name,
        backend=be.name,
        **settings.provenance(),
    )


def learning_curve(
    *,
    alphas: Sequence[float] | np.ndarray,
    student: str | Activation,
    teacher: str | Activation | Teacher,
    eta: float | Sequence[float],
    alpha0: float,
    lam: float,
    d: int,
    noise: float = 0.0,
    width_ratio: float = 1.0,
    model: str = "network",
    steps: int = 1,
    reuse_batch: bool = False,
    seeds: Seeds = 3,
    device: Any = None,
    dtype: Any = None,
    n_test: int = 10_000,
    seed: Seed = 0,
    progress: bool = False,
) -> SimulationCurve:
    """Simulated ``ε_g(α)`` for each α of ``alphas``.

    For each seed the first layer (the steps do not depend on α) and the test features
    (``n_test×p``, kept in memory) are computed once and reused for every α; each α gets
    ``n = round(α d)`` readout samples from the seed's readout stream, so a point of the
    curve equals :func:`test_error` at that α with the same seeds.

    Parameters
    ----------
    alphas : sequence of float
        The grid of α > 0.
    student, teacher, eta, alpha0, lam, d, noise, width_ratio, model, steps, reuse_batch,
    seeds, device, dtype, n_test, seed
        As in :func:`test_error`.
    progress : bool
        Show a ``tqdm`` bar over (seed, α).

    Returns
    -------
    SimulationCurve
        ``alphas``, ``test_error`` (shape ``(A,)``), ``test_error_std``, ``per_seed``
        (shape ``(k, A)``), the training errors and the settings.

    Examples
    --------
    >>> c = learning_curve(alphas=[0.5, 2.0], student="tanh", teacher="tanh", eta=1.0,
    ...                    alpha0=2.0, lam=0.1, d=60, seeds=2, n_test=500, device="cpu")
    >>> c.per_seed.shape, bool(c.test_error[1] < c.test_error[0])
    ((2, 2), True)
    """
    settings = build_settings(
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
        steps=steps,
        reuse_batch=reuse_batch,
        seeds=seeds,
        seed=seed,
        alphas=alphas,
    )
    progress = check_flag("progress", progress)
    be, rows = prepare(settings, device, dtype, n=max(settings.ns), cache_test=True)
    tests, trains = run_seeds(settings, be, rows, progress=progress, desc="(seed, α)")
    mean, std = _spread(tests)
    train_mean, train_std = _spread(trains)
    return SimulationCurve(
        alphas=np.asarray(settings.alphas, dtype=float),
        n=np.asarray(settings.ns, dtype=int),
        test_error=mean,
        test_error_std=std,
        per_seed=tests,
        train_error=train_mean,
        train_error_std=train_std,
        train_per_seed=trains,
        device=be.device_name,
        dtype=be.dtype_name,
        backend=be.name,
        **settings.provenance(),
    )


def one_step(
    *,
    student: str | Activation,
    teacher: str | Activation | Teacher,
    eta: float | Sequence[float],
    alpha0: float,
    d: int,
    width_ratio: float = 1.0,
    noise: float = 0.0,
    steps: int = 1,
    reuse_batch: bool = False,
    seed: Seed = 0,
    device: Any = None,
    dtype: Any = None,
) -> OneStepLayer:
    """The first layer after the giant step(s), as numpy arrays, with its overlaps.

    ``W⁰`` (``p×d``, unit rows); ``steps`` giant steps on ``n0 = round(α0 d)`` samples each
    (fresh, or the same batch with ``reuse_batch=True``), the first
    ``G_1 = (η̃/n0) Σ_μ (σ'(W⁰x_μ) e_μ) x_μᵀ`` with ``e = y − f⁰``; ``W1 = W⁰ + G`` with
    ``G = G_1 + … + G_k``. After each step ``t`` the accumulated update ``ΔW^t = W^t − W⁰``
    is compared with each teacher direction: ``OneStepLayer.overlaps``
    (``‖ΔW^t θ̂_i‖/‖ΔW^t‖_op``, the overlap of the update's spike direction with θ_i) and
    ``OneStepLayer.projections`` (the neurons' mean gain along θ̂_i), so that a
    direction learned only at step 2 shows as an overlap at the noise level ``O(1/√d)``
    after step 1 and clearly above it after step 2. The same seed gives the same W⁰, θ
    and step samples as ``test_error(model="network", seeds=[seed])``.

    Parameters
    ----------
    student, teacher, eta, alpha0, d, width_ratio, noise, steps, reuse_batch, device, dtype
        As in :func:`test_error`.
    seed : int or numpy.random.Generator
        The run's seed, or a generator one seed is drawn from.

    Returns
    -------
    OneStepLayer
        ``W0``, ``W1``, ``G``, ``theta``, ``directions``, ``overlaps`` and
        ``projections`` (``(steps, k)``), ``singular_values`` (``(steps, k+1)``), the sRF
        prediction ``spike`` (single-index teachers) and the settings.

    Examples
    --------
    >>> lay = one_step(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, d=200,
    ...                device="cpu")
    >>> lay.G.shape, lay.overlaps.shape, bool(lay.overlaps[0, 0] > 0.7)
    ((200, 200), (1, 1), True)
    """
    settings = build_settings(
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
        steps=steps,
        reuse_batch=reuse_batch,
        seeds=1,
        seed=seed,
    )
    (s,) = settings.seeds
    be, rows = prepare(
        settings, device, dtype, n=1, gpu_host_copies=3, layers=1 if settings.steps > 1 else 0
    )
    k = settings.teacher.k
    overlaps, projections = np.zeros((settings.steps, k)), np.zeros((settings.steps, k))
    values = np.zeros((settings.steps, k + 1))
    with be.no_grad():
        directions, w0 = initial_state(settings, be, s)
        dirs = be.to_numpy(directions).reshape(k, settings.d)
        w, delta = w0, None
        steps = layer_steps(settings, be, s, rows, directions, w0, track_update=True)
        for t, state in enumerate(steps):
            w, delta = state
            update = None if delta is None else be.to_numpy(delta)
            overlaps[t], projections[t], values[t] = update_overlaps(update, dirs)
        g = be.to_numpy(delta) if delta is not None else np.zeros(tuple(w0.shape), be.dtype_name)
        w0_np, w_np = be.to_numpy(w0), be.to_numpy(w)
    spike = spike_of(settings) if settings.teacher.activation is not None else None
    return OneStepLayer(
        W0=w0_np,
        W1=w_np if delta is not None else w0_np.copy(),
        G=g,
        theta=dirs[0].copy(),
        directions=dirs,
        overlaps=overlaps,
        projections=projections,
        singular_values=values,
        spike=spike,
        student=settings.student.name,
        teacher=settings.teacher.name,
        eta=settings.eta,
        alpha0=settings.alpha0,
        noise=settings.noise,
        width_ratio=settings.width_ratio,
        d=settings.d,
        p=settings.p,
        n0=settings.n0,
        steps=settings.steps,
        reuse_batch=settings.reuse_batch,
        seed=s,
        device=be.device_name,
        dtype=be.dtype_name,
        backend=be.name,
    )
