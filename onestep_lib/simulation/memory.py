"""Memory of a simulation: chunk sizes, the peak estimate, and the refusal of runs that
would not fit.

:func:`estimate_memory` gives the peak bytes of one seed of a run and :func:`check_memory`
refuses (``MemoryError``) a run that would not fit, before anything is allocated, saying how
much it needs and what to reduce.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..validation import check_integer, check_option
from .settings import MODELS

if TYPE_CHECKING:
    from .backend import Backend

__all__ = ["available_memory", "check_memory", "chunk_rows", "estimate_memory"]


def chunk_rows(*, d: int, p: int, backend: Backend) -> int:
    """Samples processed at once.

    A chunk of inputs and its features fit in ~128 MB (CPU) or ~1 GB (GPU), counted in
    float64 so that the chunking (hence the random stream) does not depend on the dtype.

    Parameters
    ----------
    d, p : int
        Input dimension and width.
    backend : Backend
        The run's backend (only whether it is a GPU matters).

    Returns
    -------
    int
        Rows per chunk, between 64 and 65536.

    Examples
    --------
    >>> from onestep_lib.simulation.backend import resolve_backend
    >>> chunk_rows(d=1000, p=1000, backend=resolve_backend(device="cpu"))
    2796
    """
    budget = 2**30 if backend.is_cuda else 2**27
    per_row = 8 * (2 * d + 4 * p)
    return int(max(64, min(65536, budget // per_row)))


def estimate_memory(
    *,
    d: int,
    p: int,
    n0: int,
    n: int,
    n_test: int,
    model: str,
    itemsize: int,
    rows: int,
    cache_test: bool = False,
    host_copies: int = 0,
    layers: int = 0,
) -> int:
    """Peak bytes of one run (one seed), a slight over-estimate.

    Persistent: the teacher directions and v (``2d``, a few more for multi-index teachers
    are negligible), W⁰ and the trained layer (``2pd``; the network also holds the update
    of the current step, ``pd``). Transient, the largest of the three stages: a step (a
    chunk of inputs, its float64 draw and four ``rows×p`` arrays), the readout (Gram matrix,
    its Cholesky factor and a copy, ``3m²`` with ``m = min(n, p)``, plus the ``n×p``
    features when ``n ≤ p``) and the test chunks. ``cache_test`` adds the ``n_test×p`` test
    features kept by a learning curve; ``host_copies`` adds that many ``p×d`` numpy
    copies; ``layers`` that many extra ``p×d`` arrays on the device (the accumulated update
    that :func:`~onestep_lib.simulation.one_step` keeps over several steps).

    Parameters
    ----------
    d, p, n0, n, n_test, rows : int
        Sizes: input dimension, width, step samples, readout samples, test samples, chunk.
    model : str
        One of ``MODELS``.
    itemsize : int
        Bytes per element (4 or 8).
    cache_test : bool
        Whether the test features are kept in memory.
    host_copies, layers : int
        Extra ``p×d`` arrays on the host (float64) and on the device.

    Returns
    -------
    int
        Bytes (10% margin plus 32 MiB of fixed overhead).

    Examples
    --------
    >>> estimate_memory(d=1000, p=1000, n0=2000, n=2000, n_test=10_000, model="network",
    ...                 itemsize=8, rows=1000) // 2**20
    141
    """
    d, p = check_integer("d", d, low=1), check_integer("p", p, low=1)
    n0, n = check_integer("n0", n0, low=0), check_integer("n", n, low=1)
    n_test, rows = check_integer("n_test", n_test, low=1), check_integer("rows", rows, low=1)
    model = check_option("model", model, MODELS)
    itemsize = check_integer("itemsize", itemsize, low=1)
    host_copies = check_integer("host_copies", host_copies, low=0)
    layers = check_integer("layers", layers, low=0)
    rows = max(1, min(rows, max(n0, n, n_test)))
    chunk = rows * d * (itemsize + 8) + 5 * rows * p * itemsize  # inputs, draws, features
    persistent = (2 * d + (2 + layers) * p * d + (p * d if model == "network" else 0)) * itemsize
    step = chunk if (model == "network" and n0 > 0) else 0
    m = min(n, p)
    readout = 3 * m * m * itemsize + (n * p * itemsize if n <= p else 0) + chunk
    test = chunk
    cache = n_test * p * itemsize if cache_test else 0
    host = host_copies * p * d * 8
    total = persistent + max(step, readout, test) + cache + host
    return int(1.1 * total) + 32 * 2**20


def available_memory(backend: Backend) -> int | None:
    """Free bytes on the backend's device (``None`` when unknown).

    GPU: ``torch.cuda.mem_get_info``; CPU: ``MemAvailable`` of ``/proc/meminfo``, else
    ``os.sysconf`` available pages.
    """
    free = backend.free_device_memory()
    if free is not None:
        return free
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(
    required: int, backend: Backend, *, sizes: str, available: int | None = None
) -> None:
    """Raise ``MemoryError`` when ``required`` bytes would not fit on the device.

    ``sizes`` describes the run in the message (``"d=…, p=…, n=…"``); ``available``
    overrides the measured free memory (for tests).
    """
    free = available_memory(backend) if available is None else int(available)
    if free is None or required <= 0.9 * free:
        return
    hint = "reduce d, width_ratio, alpha0 or alpha"
    if backend.itemsize == 8:
        hint += " (or use dtype='float32')"
    raise MemoryError(
        f"this simulation needs about {required / 1e9:.2f} GB on {backend.device_name} "
        f"({sizes}, {backend.dtype_name}) but only {free / 1e9:.2f} GB are available; {hint}"
    )
