"""Array backend of the simulations: torch (CPU or CUDA) when importable, else numpy.

A :class:`Backend` bundles the array module, the device and the dtype, and offers the few
operations the protocol needs (Gaussian draws from a seeded generator, activations, a
Cholesky solve, transfers to numpy). Everything else is written with ``@``, ``*``, ``+`` and
``.T``, which both array types share.

* ``device=None``: CUDA when ``torch.cuda.is_available()``, else the CPU; a string
  (``"cpu"``, ``"cuda:1"``) or a ``torch.device`` overrides it.
* ``dtype=None``: float64 on the CPU, float32 on a GPU; ``"float32"``/``"float64"`` (or the
  torch/numpy dtype) override it.
* Random numbers are always drawn in float64 and then cast, so float32 and float64 runs of
  the same seed on the same device see the same realisation (up to rounding).
* The numpy fallback is used when torch is not importable, or when the environment variable
  ``ONESTEP_SIMULATION_BACKEND=numpy`` is set (``=torch`` requires torch). It runs on the
  CPU, draws different numbers than torch, and follows the same protocol.

Memory: :func:`estimate_memory` gives the peak bytes of a run and :func:`check_memory`
refuses (``MemoryError``) a run that would not fit, saying how much it needs and what to
reduce.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import Activation
from ..validation import check_choice, check_int

__all__ = [
    "Backend",
    "BACKEND_ENV",
    "available_memory",
    "check_memory",
    "chunk_rows",
    "estimate_memory",
    "resolve_backend",
    "torch_module",
]

#: Environment variable that forces a backend: ``"numpy"`` or ``"torch"``.
BACKEND_ENV = "ONESTEP_SIMULATION_BACKEND"

_DTYPE_NAMES = ("float32", "float64")


def torch_module() -> Any | None:
    """The ``torch`` module, or ``None`` when it is absent or the numpy backend is forced."""
    choice = os.environ.get(BACKEND_ENV, "").strip().lower()
    if choice not in ("", "torch", "numpy"):
        raise ValueError(f"{BACKEND_ENV} must be 'torch', 'numpy' or unset, got {choice!r}")
    if choice == "numpy":
        return None
    try:
        import torch
    except ImportError:
        if choice == "torch":
            raise ImportError(f"{BACKEND_ENV}=torch but torch is not importable") from None
        return None
    return torch


@dataclass(frozen=True)
class Backend:
    """Array module + device + dtype of one simulation.

    ``name`` is ``"torch"`` or ``"numpy"``; ``xp`` the module; ``device`` a ``torch.device``
    (or the string ``"cpu"`` for numpy); ``dtype`` a torch dtype or a numpy dtype.
    """

    name: str
    xp: Any
    device: Any
    dtype: Any

    # ---- description ------------------------------------------------------------------
    @property
    def itemsize(self) -> int:
        """Bytes per element of ``dtype``."""
        if self.name == "torch":
            return self.xp.empty((), dtype=self.dtype).element_size()
        return np.dtype(self.dtype).itemsize

    @property
    def dtype_name(self) -> str:
        return "float32" if self.itemsize == 4 else "float64"

    @property
    def device_name(self) -> str:
        return str(self.device)

    @property
    def is_cuda(self) -> bool:
        return self.name == "torch" and self.device.type == "cuda"

    @property
    def eps(self) -> float:
        return float(np.finfo(np.float32 if self.itemsize == 4 else np.float64).eps)

    # ---- random numbers ---------------------------------------------------------------
    def generator(self, seed: int) -> Any:
        """A generator seeded with the non-negative integer ``seed``.

        On a GPU a ``torch.Generator`` on the device; on the CPU (torch or numpy backend) a
        ``numpy.random.Generator`` (PCG64, faster than torch's CPU sampler here), so the
        CPU runs of the two backends draw the same numbers.
        """
        if self.name == "torch" and self.device.type != "cpu":
            gen = self.xp.Generator(device=self.device)
            gen.manual_seed(int(seed))
            return gen
        return np.random.default_rng(int(seed))

    def randn(self, gen: Any, shape: tuple[int, ...]) -> Any:
        """Standard Gaussians of ``shape``, drawn in float64 and cast to ``dtype``."""
        if isinstance(gen, np.random.Generator):
            draws = gen.standard_normal(shape)
            if self.name == "torch":
                return self.xp.from_numpy(draws).to(self.dtype)
            return draws.astype(self.dtype, copy=False)
        x = self.xp.randn(shape, generator=gen, dtype=self.xp.float64, device=self.device)
        return x.to(self.dtype)

    # ---- arrays -----------------------------------------------------------------------
    def asarray(self, values: Any) -> Any:
        """A numpy array (or scalar) as an array of this backend."""
        arr = np.asarray(values, dtype=np.float64)
        if self.name == "torch":
            return self.xp.as_tensor(arr, device=self.device).to(self.dtype)
        return arr.astype(self.dtype, copy=False)

    def to_numpy(self, x: Any) -> np.ndarray:
        if self.name == "torch":
            return x.detach().cpu().numpy()
        return np.asarray(x)

    def scalar(self, x: Any) -> float:
        """A 0-d array as a Python float."""
        return float(x.item()) if self.name == "torch" else float(x)

    def zeros(self, shape: tuple[int, ...]) -> Any:
        if self.name == "torch":
            return self.xp.zeros(shape, dtype=self.dtype, device=self.device)
        return np.zeros(shape, dtype=self.dtype)

    def eye(self, m: int) -> Any:
        if self.name == "torch":
            return self.xp.eye(m, dtype=self.dtype, device=self.device)
        return np.eye(m, dtype=self.dtype)

    def row_norms(self, x: Any) -> Any:
        """Euclidean norms of the rows of a 2-d array (shape ``(rows,)``)."""
        if self.name == "torch":
            return self.xp.linalg.vector_norm(x, dim=1)
        return np.linalg.norm(x, axis=1)

    def mean_rows(self, x: Any) -> Any:
        """Mean over the last axis of a 2-d array (shape ``(rows,)``)."""
        return x.mean(dim=1) if self.name == "torch" else x.mean(axis=1)

    def all_finite(self, x: Any) -> bool:
        """Whether every entry is finite (through the sum: one cheap pass; a sum that
        overflows also flags values too large for the readout)."""
        return math.isfinite(self.scalar(x.sum()))

    # ---- activations --------------------------------------------------------------------
    def activation(self, act: Activation) -> Callable[[Any], Any]:
        """``σ`` as a function of arrays of this backend (dtype preserved)."""
        if self.name == "torch":
            return act.torch
        return lambda x: np.asarray(act.fn(x)).astype(x.dtype, copy=False)

    def derivative(self, act: Activation) -> Callable[[Any], Any]:
        """``σ'`` as a function of arrays of this backend (dtype preserved)."""
        if self.name == "torch":
            return act.torch_grad
        return lambda x: np.asarray(act.derivative(x)).astype(x.dtype, copy=False)

    # ---- linear algebra -----------------------------------------------------------------
    def add_matmul_(self, acc: Any, a: Any, b: Any) -> None:
        """``acc += a @ b`` in place."""
        if self.name == "torch":
            acc.addmm_(a, b)
        else:
            acc += a @ b

    def add_gram_(self, acc: Any, f: Any) -> None:
        """``acc += fᵀ f`` on the lower triangle (and diagonal) of the square ``acc``.

        numpy computes ``f.T @ f`` with a symmetric rank-k update already; torch has none,
        so the lower triangle is accumulated in column blocks of ~512 (about half the
        flops of the full product). The upper triangle is left as it is: the Cholesky
        factorisations (torch and numpy) read only the lower triangle.
        """
        if self.name != "torch":
            acc += f.T @ f
            return
        cols = f.shape[1]
        k = max(1, round(cols / 512))
        edges = [round(i * cols / k) for i in range(k + 1)]
        for i in range(k):
            fi = f[:, edges[i] : edges[i + 1]].T
            for j in range(i + 1):
                block = acc[edges[i] : edges[i + 1], edges[j] : edges[j + 1]]
                block.addmm_(fi, f[:, edges[j] : edges[j + 1]])

    def add_to_diagonal_(self, a: Any, value: float) -> None:
        """``a += value·I`` in place (square ``a``)."""
        if self.name == "torch":
            a.diagonal().add_(value)
        else:
            a[np.diag_indices(a.shape[0])] += value

    def cholesky_solve(self, a: Any, b: Any) -> tuple[Any | None, float]:
        """Solve ``a x = b`` for a symmetric positive-definite ``a`` (``m×m``), ``b`` (``m,``).

        Returns ``(x, pivot_ratio)`` with ``pivot_ratio = (min L_jj / max L_jj)²`` of the
        Cholesky factor (an upper bound on the reciprocal condition number), or
        ``(None, 0.0)`` when the factorisation fails (``a`` not positive definite in this
        precision). No inverse is formed.
        """
        if self.name == "torch":
            linalg = self.xp.linalg
            factor, info = linalg.cholesky_ex(a)
            if int(info) != 0:
                return None, 0.0
            diag = self.xp.diagonal(factor)
            ratio = float((diag.min() / diag.max()).item()) ** 2
            # Two triangular solves on a row-major copy of the factor: on the CPU, a solve
            # with the column-major factor cholesky_ex returns (or torch.cholesky_solve)
            # measured 100-2000x slower than with a contiguous one (p = 2000).
            factor = factor.contiguous()
            half = linalg.solve_triangular(factor, b.reshape(-1, 1), upper=False)
            return linalg.solve_triangular(factor.mT, half, upper=True).reshape(-1), ratio
        from scipy.linalg import cho_solve

        try:
            factor = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            return None, 0.0
        diag = np.diagonal(factor)
        ratio = float(diag.min() / diag.max()) ** 2
        return cho_solve((factor, True), b, check_finite=False), ratio

    def synchronize(self) -> None:
        """Wait for queued device work (for timings)."""
        if self.is_cuda:
            self.xp.cuda.synchronize(self.device)


def _resolve_dtype_name(dtype: Any, *, torch: Any | None) -> str | None:
    if dtype is None:
        return None
    if isinstance(dtype, str):
        key = dtype.strip().lower()
        aliases = {"float": "float64", "double": "float64", "single": "float32"}
        key = aliases.get(key, key)
        if key in _DTYPE_NAMES:
            return key
    elif torch is not None and isinstance(dtype, torch.dtype):
        if dtype in (torch.float32, torch.float64):
            return "float32" if dtype == torch.float32 else "float64"
    else:
        try:
            npd = np.dtype(dtype)
        except TypeError:
            npd = None
        if npd is not None and npd.name in _DTYPE_NAMES:
            return npd.name
    raise ValueError(
        f"dtype must be None, 'float32' or 'float64' (or the torch dtype), got {dtype!r}"
    )


def resolve_backend(*, device: Any = None, dtype: Any = None) -> Backend:
    """The backend of a run: torch if importable (else numpy), device and dtype resolved.

    Raises ``ValueError`` naming ``device`` or ``dtype`` when they are not usable here.
    """
    torch = torch_module()
    dtype_name = _resolve_dtype_name(dtype, torch=torch)
    if torch is None:
        if device is not None and str(device) != "cpu":
            raise ValueError(
                f"device must be None or 'cpu' with the numpy backend (torch is not "
                f"available), got {device!r}"
            )
        return Backend("numpy", np, "cpu", np.dtype(dtype_name or "float64"))
    if device is None:
        dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        try:
            dev = torch.device(device)
        except (RuntimeError, TypeError, ValueError) as exc:
            raise ValueError(
                f"device must be None, a device string such as 'cpu' or 'cuda:0', or a "
                f"torch.device, got {device!r}"
            ) from exc
        if dev.type == "cuda":
            if not torch.cuda.is_available():
                raise ValueError(f"device {device!r} requested but CUDA is not available here")
            if dev.index is not None and dev.index >= torch.cuda.device_count():
                raise ValueError(
                    f"device {device!r}: only {torch.cuda.device_count()} CUDA device(s) here"
                )
        elif dev.type == "meta":
            raise ValueError(
                f"device {device!r}: the meta device holds no data; use 'cpu' or 'cuda'"
            )
        elif dev.type != "cpu":
            try:
                torch.zeros(1, device=dev)
            except (RuntimeError, AssertionError) as exc:
                raise ValueError(f"device {device!r} is not usable here: {exc}") from exc
    if dtype_name is None:
        dtype_name = "float64" if dev.type == "cpu" else "float32"
    return Backend("torch", torch, dev, getattr(torch, dtype_name))


# --------------------------------------------------------------------------------------
# Sizes and memory
# --------------------------------------------------------------------------------------


def chunk_rows(*, d: int, p: int, backend: Backend) -> int:
    """Samples processed at once: a chunk of inputs and its features fit in ~128 MB (CPU)
    or ~1 GB (GPU), counted in float64 so that the chunking (hence the random stream) does
    not depend on the dtype."""
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
) -> int:
    """Peak bytes of one run (one seed), a slight over-estimate.

    Persistent: θ and v (``2d``), W⁰ and the trained layer (``2pd``; the network also holds
    the accumulated update, ``pd``). Transient, the largest of the three stages:
    the step (a chunk of inputs, its float64 draw and four ``rows×p`` arrays), the readout
    (Gram matrix, its Cholesky factor and a copy, ``3m²`` with ``m = min(n, p)``, plus the ``n×p``
    features when ``n ≤ p``) and the test chunks. ``cache_test`` adds the ``n_test×p`` test
    features kept by a learning curve; ``host_copies`` adds that many ``p×d`` numpy copies.
    """
    d, p = check_int("d", d, low=1), check_int("p", p, low=1)
    n0, n = check_int("n0", n0, low=0), check_int("n", n, low=1)
    n_test, rows = check_int("n_test", n_test, low=1), check_int("rows", rows, low=1)
    itemsize = check_int("itemsize", itemsize, low=1, high=16)
    model = check_choice("model", model, ("network", "srf", "gaussian"))
    host_copies = check_int("host_copies", host_copies, low=0)
    rows = max(1, min(rows, max(n0, n, n_test)))
    chunk = rows * d * (itemsize + 8) + 5 * rows * p * itemsize  # inputs, draws, features
    persistent = (2 * d + 2 * p * d + (p * d if model == "network" else 0)) * itemsize
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
    if backend.is_cuda:
        free, _total = backend.xp.cuda.mem_get_info(backend.device)
        return int(free)
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
