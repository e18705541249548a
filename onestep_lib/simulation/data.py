"""Teacher directions, inputs and labels, drawn from seeded streams.

* Teacher directions ``θ_1, …, θ_k`` (rows of a ``(k, d)`` array), orthogonal with
  ``‖θ_i‖² = d``: Gaussian vectors orthogonalised in order (Gram–Schmidt) and rescaled, so
  ``θ_1`` is the same vector for every ``k`` (on the CPU, where the draws are made row by
  row from one numpy stream). A single-index teacher has ``k = 1``: ``θ = θ_1``.
* Inputs ``x ~ N(0, I_d)``; labels ``y = g(z_1, …, z_k) + √Δ ξ`` with
  ``z_i = ⟨θ_i, x⟩/√d`` and ``ξ ~ N(0, 1)`` (see :mod:`onestep_lib.simulation.teachers`).

Every random object of a run comes from its own *stage* stream, a generator on the run's
device seeded from ``(seed, stage)`` through ``numpy.random.SeedSequence``: the teacher, the
initial layer, the samples of each step, the spike's direction, the readout's samples, the
test samples and the equivalent model's noise. So the same seed gives the same numbers on
the same device, and the models ``"network"``, ``"srf"`` and ``"gaussian"`` of one seed share
θ, W⁰, the readout samples and the test samples (common random numbers: their differences
are measured with less noise). Step ``t ≥ 2`` draws from the stream ``("step", t)``; step 1
(and every step with ``reuse_batch=True``) from ``"step"``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from .backend import Backend
from .teachers import Teacher

__all__ = [
    "STAGES",
    "make_directions",
    "make_teacher",
    "orthogonal_direction",
    "sample_batches",
    "stage_generator",
    "stage_seed",
]

#: The independent random streams of one run.
STAGES = {
    "teacher": 1,
    "init": 2,
    "step": 3,
    "spike": 4,
    "readout": 5,
    "test": 6,
    "equivalent-readout": 7,
    "equivalent-test": 8,
}


def stage_seed(seed: int, stage: str, index: int | None = None) -> int:
    """A 63-bit integer seed for the stream ``stage`` of run ``seed`` (``index``: the
    ``index``-th stream of that stage, e.g. the samples of step ``index``)."""
    entropy = [int(seed), STAGES[stage]] + ([int(index)] if index is not None else [])
    state = np.random.SeedSequence(entropy).generate_state(1, np.uint64)
    return int(state[0]) & (2**63 - 1)


def stage_generator(backend: Backend, seed: int, stage: str, index: int | None = None) -> Any:
    """The generator of stream ``stage`` (``index``) of run ``seed`` on the backend's device."""
    return backend.generator(stage_seed(seed, stage, index))


def make_directions(backend: Backend, gen: Any, *, d: int, k: int = 1) -> Any:
    """θ_1, …, θ_k as the rows of a ``(k, d)`` array: orthogonal, ``‖θ_i‖² = d``, uniform
    (the first on the sphere of radius √d, each next one among the vectors orthogonal to
    the previous ones)."""
    g = backend.randn(gen, (k, d))
    first = g[:1]
    rows = [first * (math.sqrt(d) / backend.row_norms(first))]
    for i in range(1, k):
        v = g[i : i + 1]
        for q in rows:
            v = v - q * ((v @ q.reshape(-1)) / d)
        rows.append(v * (math.sqrt(d) / backend.row_norms(v)))
    if k == 1:
        return rows[0]
    out = backend.zeros((k, d))
    for i, row in enumerate(rows):
        out[i] = row.reshape(-1)
    return out


def make_teacher(backend: Backend, gen: Any, *, d: int) -> Any:
    """θ, shape ``(d,)``, uniform on the sphere of radius √d (``‖θ‖² = d``): the single
    direction of :func:`make_directions`."""
    return make_directions(backend, gen, d=d, k=1).reshape(-1)


def orthogonal_direction(backend: Backend, gen: Any, theta: Any, *, d: int) -> Any:
    """ζ ⊥ θ with ``‖ζ‖² = d``, uniform among such vectors, shape ``(d,)``."""
    g = backend.randn(gen, (1, d)).reshape(-1)
    g = g - theta * ((g @ theta) / (theta @ theta))
    return g * (math.sqrt(d) / backend.row_norms(g.reshape(1, -1)).reshape(()))


def teacher_labels(backend: Backend, teacher: Teacher) -> Any:
    """``(X, directions) ↦ g(Xθ_1/√d, …, Xθ_k/√d)`` on arrays of the backend, shape ``(m,)``."""
    if teacher.activation is not None:
        sigma_star = backend.activation(teacher.activation)

        def single(x: Any, directions: Any) -> Any:
            theta = directions.reshape(-1)
            return sigma_star((x @ theta) * (1.0 / math.sqrt(theta.shape[0])))

        return single
    g = backend.function(teacher.fn, teacher.torch_fn)

    def multi(x: Any, directions: Any) -> Any:
        z = (x @ directions.T) * (1.0 / math.sqrt(directions.shape[1]))
        return g(*(z[:, i] for i in range(teacher.k)))

    return multi


def sample_batches(
    backend: Backend,
    gen: Any,
    *,
    n: int,
    d: int,
    rows: int,
    directions: Any,
    teacher: Teacher,
    noise: float,
) -> Iterator[tuple[Any, Any, Any]]:
    """``n`` fresh samples in chunks of at most ``rows``: yields ``(X, target, y)``.

    ``X`` has shape ``(m, d)``, ``target = g(Xθ_1/√d, …)`` and ``y = target + √Δ ξ`` shape
    ``(m,)``; ``directions`` is ``(k, d)`` (or ``(d,)`` for ``k = 1``). Each chunk draws
    ``X`` and then (if ``Δ > 0``) ``ξ`` from ``gen``, so the stream is fixed by
    ``(n, rows)`` and the seed.
    """
    label = teacher_labels(backend, teacher)
    sqrt_noise = math.sqrt(noise)
    for start in range(0, n, rows):
        m = min(rows, n - start)
        x = backend.randn(gen, (m, d))
        target = label(x, directions)
        y = target + sqrt_noise * backend.randn(gen, (m,)) if noise > 0 else target
        yield x, target, y
