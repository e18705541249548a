"""The per-seed runner shared by ``test_error``, ``learning_curve`` and ``one_step``.

For each seed (see the protocol in :mod:`onestep_lib.simulation.api`):

1. :func:`initial_state` draws the teacher directions and W⁰;
2. :func:`layer_steps` applies the giant steps of the network (or nothing for the
   surrogates), :func:`feature_map` returns the trained feature map;
3. :func:`run_seeds` fits the ridge readout for each readout size and measures the test
   error on the seed's test samples (computed once per seed and kept when there are
   several readout sizes).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..spike import SpikeParameters, spike_parameters
from .backend import Backend, resolve_backend
from .data import make_directions, orthogonal_direction, sample_batches, stage_generator
from .memory import check_memory, chunk_rows, estimate_memory
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
from .settings import Settings

__all__ = [
    "feature_map",
    "initial_state",
    "layer_steps",
    "prepare",
    "run_seeds",
    "spike_of",
    "update_overlaps",
]


def prepare(
    settings: Settings,
    device: Any,
    dtype: Any,
    *,
    n: int,
    cache_test: bool = False,
    gpu_host_copies: int = 0,
    layers: int = 0,
) -> tuple[Backend, int]:
    """Resolve the backend and refuse (``MemoryError``) a run that would not fit."""
    be = resolve_backend(device=device, dtype=dtype)
    s = settings
    rows = chunk_rows(d=s.d, p=s.p, backend=be)
    need = estimate_memory(
        d=s.d,
        p=s.p,
        n0=s.n0,
        n=n,
        n_test=s.n_test,
        model=s.model,
        itemsize=be.itemsize,
        rows=rows,
        cache_test=cache_test,
        host_copies=gpu_host_copies if be.is_cuda else 0,
        layers=layers,
    )
    check_memory(need, be, sizes=f"d={s.d}, p={s.p}, n0={s.n0}, n={n}, n_test={s.n_test}")
    return be, rows


def initial_state(settings: Settings, be: Backend, seed: int) -> tuple[Any, Any]:
    """The teacher directions (``(k, d)``, ``‖θ_i‖² = d``) and W⁰ (``(p, d)``, unit rows),
    shared by all models."""
    directions = make_directions(
        be, stage_generator(be, seed, "teacher"), d=settings.d, k=settings.teacher.k
    )
    w0 = init_first_layer(be, stage_generator(be, seed, "init"), p=settings.p, d=settings.d)
    return directions, w0


def _step_batches(
    settings: Settings, be: Backend, seed: int, rows: int, directions: Any, step: int
) -> Iterator[tuple[Any, Any, Any]]:
    """The ``n0`` samples of step ``step`` (1-based): stream ``"step"`` for the first step
    and for every step with ``reuse_batch``, else stream ``("step", step)``."""
    index = None if (step == 1 or settings.reuse_batch) else step
    return sample_batches(
        be,
        stage_generator(be, seed, "step", index),
        n=settings.n0,
        d=settings.d,
        rows=rows,
        directions=directions,
        teacher=settings.teacher,
        noise=settings.noise,
    )


def layer_steps(
    settings: Settings,
    be: Backend,
    seed: int,
    rows: int,
    directions: Any,
    w0: Any,
    *,
    track_update: bool = False,
) -> Iterator[tuple[Any, Any | None]]:
    """Apply the ``settings.steps`` giant steps to W⁰; yield ``(W^t, ΔW^t)`` after each.

    ``W^t = W^{t−1} + G_t`` with ``G_t`` of :func:`~onestep_lib.simulation.network.giant_step`
    started from ``W^{t−1}``; a step with η̃ = 0 (or ``n0 = 0``) leaves the layer as it is.
    With ``track_update`` the accumulated update ``ΔW^t = G_1 + … + G_t`` is kept (one more
    ``p×d`` array; ``None`` before the first non-zero step), else ``None`` and the layer is
    updated in place of ``G_t``.
    """
    w, delta = w0, None
    for t, eta in enumerate(settings.etas, start=1):
        if eta != 0.0 and settings.n0 > 0:
            batches = _step_batches(settings, be, seed, rows, directions, t)
            g = giant_step(be, w, batches, student=settings.student, eta=eta, n0=settings.n0)
            if track_update:
                delta = g if delta is None else delta + g
                w = w + g
            else:
                g += w  # W^t = W^{t−1} + G_t, in place
                w = g
        yield w, delta


def spike_of(settings: Settings) -> SpikeParameters:
    """The sRF parameters ``(c, r, γ)`` of one step (single-index teacher)."""
    return spike_parameters(
        student=settings.student,
        teacher=settings.teacher.activation,
        eta=settings.etas[0],
        alpha0=settings.alpha0,
        noise=settings.noise,
    )


def feature_map(settings: Settings, be: Backend, seed: int, rows: int) -> tuple[Any, Any]:
    """The trained feature map of ``settings.model`` for one seed, and the directions."""
    directions, w0 = initial_state(settings, be, seed)
    if settings.model == "network":
        *_, (w, _) = layer_steps(settings, be, seed, rows, directions, w0)
        return LayerFeatures(be, w, settings.student), directions
    theta = directions.reshape(-1)
    zeta = orthogonal_direction(be, stage_generator(be, seed, "spike"), theta, d=settings.d)
    params = spike_of(settings)
    v = spike_direction(theta, zeta, params=params)
    if settings.model == "srf":
        return LayerFeatures(be, spiked_layer(w0, v, params=params), settings.student), directions
    return EquivalentFeatures(be, w0, v, params, settings.student), directions


def _feature_batches(
    settings: Settings,
    be: Backend,
    seed: int,
    features: Any,
    directions: Any,
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
        d=settings.d,
        rows=rows,
        directions=directions,
        teacher=settings.teacher,
        noise=settings.noise,
    ):
        yield features(x, noise_gen), (y if labels else target)


def _check_finite(test: float, train: float, seed: int) -> None:
    if not (math.isfinite(test) and math.isfinite(train)):
        raise FloatingPointError(
            f"seed {seed}: non-finite errors (test {test}, train {train}); the features or the "
            "readout overflowed: reduce eta, use a larger lam or dtype='float64'"
        )


def _progress(total: int, progress: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not progress, desc=desc, leave=False)


def run_seeds(
    settings: Settings, be: Backend, rows: int, *, progress: bool, desc: str
) -> tuple[np.ndarray, np.ndarray]:
    """Test and training errors of every seed and readout size, shape ``(k, A)`` each.

    The test samples of a seed are drawn once: streamed after the readout for one readout
    size, kept in memory (``n_test×p`` features) for several.
    """
    s = settings
    tests = np.empty((len(s.seeds), len(s.ns)))
    trains = np.empty_like(tests)
    cache = len(s.ns) > 1

    def test_batches(seed: int, features: Any, directions: Any):
        return _feature_batches(
            s, be, seed, features, directions, n=s.n_test, rows=rows, stage="test", labels=False
        )

    with be.no_grad(), _progress(tests.size, progress, desc) as bar:
        for i, seed in enumerate(s.seeds):
            features, directions = feature_map(s, be, seed, rows)
            test_set = list(test_batches(seed, features, directions)) if cache else None
            for j, n in enumerate(s.ns):
                readout = ridge_readout(
                    be,
                    _feature_batches(
                        s,
                        be,
                        seed,
                        features,
                        directions,
                        n=n,
                        rows=rows,
                        stage="readout",
                        labels=True,
                    ),
                    n=n,
                    p=s.p,
                    lam=s.lam,
                )
                batches = test_set if cache else test_batches(seed, features, directions)
                tests[i, j] = prediction_mse(be, batches, readout.weights, p=s.p)
                trains[i, j] = readout.train_error
                _check_finite(tests[i, j], trains[i, j], seed)
                bar.update(1)
            del test_set
    return tests, trains


def _leading_singular_values(delta: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` leading singular values of ``delta`` (descending): ARPACK from a fixed
    start vector (deterministic) when ``count`` is small against the matrix, else a full
    SVD."""
    small = min(delta.shape)
    delta = delta.astype(np.float64, copy=False)
    if count < small - 1 and small > 64:
        from scipy.sparse.linalg import svds

        start = np.full(small, 1.0 / math.sqrt(small))
        values = svds(delta, k=count, v0=start, return_singular_vectors=False)
        return np.sort(values)[::-1]
    return np.linalg.svd(delta, compute_uv=False)[:count]


def update_overlaps(
    delta: np.ndarray | None, directions: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How much of the update points along each teacher direction.

    Parameters
    ----------
    delta : ndarray, shape (p, d), or None
        The accumulated update ``ΔW = W^t − W⁰`` (``None``: no step taken).
    directions : ndarray, shape (k, d)
        Orthogonal teacher directions, ``‖θ_i‖² = d``; ``θ̂_i = θ_i/√d``.

    Returns
    -------
    overlaps : ndarray, shape (k,)
        ``‖ΔW θ̂_i‖ / ‖ΔW‖_op`` in [0, 1]. For an update that is a rank-one spike
        ``s u vᵀ`` plus a bulk (one giant step; also several steps, whose spikes share the
        left vector ``1_p`` because the readout stays at ``a⁰``) this is the overlap
        ``|⟨v, θ̂_i⟩|`` of the spike's direction with θ_i, up to the bulk's part
        ``‖B θ̂_i‖/s = O(1/√d)``: the noise level of a direction not learned.
    projections : ndarray, shape (k,)
        ``‖ΔW θ̂_i‖/√p``: the root mean square over neurons of the update's component
        along θ̂_i (the coefficient of ``z_i`` the step added to a neuron's
        pre-activation).
    singular_values : ndarray, shape (k + 1,)
        The ``k + 1`` leading singular values of ``ΔW`` (zeros without a step).
    """
    k, d = directions.shape
    if delta is None:
        return np.zeros(k), np.zeros(k), np.zeros(k + 1)
    p = delta.shape[0]
    values = np.zeros(k + 1)
    s = _leading_singular_values(delta, min(k + 1, min(delta.shape)))
    values[: s.size] = s
    along = np.linalg.norm(delta.astype(np.float64) @ directions.T.astype(np.float64), axis=0)
    along /= math.sqrt(d)
    overlaps = along / values[0] if values[0] > 0 else np.zeros(k)
    return overlaps, along / math.sqrt(p), values
