"""Teacher, inputs and labels (THEORY.md §1), drawn from seeded streams.

* Teacher direction θ ∈ R^d with ``‖θ‖² = d`` (a Gaussian vector rescaled).
* Inputs ``x ~ N(0, I_d)``; labels ``y = σ*(⟨θ, x⟩/√d) + √Δ ξ``, ``ξ ~ N(0, 1)``.

Every random object of a run comes from its own *stage* stream, a generator on the run's
device seeded from ``(seed, stage)`` through ``numpy.random.SeedSequence``: the teacher, the
initial layer, the step's samples, the spike's direction, the readout's samples, the test
samples and the equivalent model's noise. So the same seed gives the same numbers on the same
device, and the models ``"network"``, ``"srf"`` and ``"gaussian"`` of one seed share θ, W⁰,
the readout samples and the test samples (common random numbers: their differences are
measured with less noise).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..activations import Activation
from .backend import Backend

__all__ = ["STAGES", "stage_generator", "make_teacher", "orthogonal_direction", "sample_batches"]

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


def stage_seed(seed: int, stage: str) -> int:
    """A 63-bit integer seed for the stream ``stage`` of run ``seed``."""
    state = np.random.SeedSequence([int(seed), STAGES[stage]]).generate_state(1, np.uint64)
    return int(state[0]) & (2**63 - 1)


def stage_generator(backend: Backend, seed: int, stage: str) -> Any:
    """The generator of stream ``stage`` of run ``seed`` on the backend's device."""
    return backend.generator(stage_seed(seed, stage))


def make_teacher(backend: Backend, gen: Any, *, d: int) -> Any:
    """θ, shape ``(d,)``, uniform on the sphere of radius √d (``‖θ‖² = d``)."""
    g = backend.randn(gen, (1, d))
    return (g * (math.sqrt(d) / backend.row_norms(g))).reshape(-1)


def orthogonal_direction(backend: Backend, gen: Any, theta: Any, *, d: int) -> Any:
    """ζ ⊥ θ with ``‖ζ‖² = d``, uniform among such vectors, shape ``(d,)``."""
    g = backend.randn(gen, (1, d)).reshape(-1)
    g = g - theta * ((g @ theta) / (theta @ theta))
    return g * (math.sqrt(d) / backend.row_norms(g.reshape(1, -1)).reshape(()))


def sample_batches(
    backend: Backend,
    gen: Any,
    *,
    n: int,
    d: int,
    rows: int,
    theta: Any,
    teacher: Activation,
    noise: float,
) -> Iterator[tuple[Any, Any, Any]]:
    """``n`` fresh samples in chunks of at most ``rows``: yields ``(X, target, y)``.

    ``X`` has shape ``(m, d)``, ``target = σ*(Xθ/√d)`` and ``y = target + √Δ ξ`` shape
    ``(m,)``. Each chunk draws ``X`` and then (if ``Δ > 0``) ``ξ`` from ``gen``, so the
    stream is fixed by ``(n, rows)`` and the seed.
    """
    sigma_star = backend.activation(teacher)
    scale = 1.0 / math.sqrt(d)
    sqrt_noise = math.sqrt(noise)
    for start in range(0, n, rows):
        m = min(rows, n - start)
        x = backend.randn(gen, (m, d))
        target = sigma_star((x @ theta) * scale)
        y = target + sqrt_noise * backend.randn(gen, (m,)) if noise > 0 else target
        yield x, target, y
