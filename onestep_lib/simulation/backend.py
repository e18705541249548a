"""Array backends of the simulations: :class:`TorchBackend` (CPU or CUDA) and
:class:`NumpyBackend` (CPU), two classes with the same methods.

A backend bundles the array module, the device and the dtype, and offers the few operations
the protocol needs (Gaussian draws from a seeded generator, activations and teacher
functions, a Cholesky solve, transfers to numpy). Everything else is written with ``@``,
``*``, ``+`` and ``.T``, which both array types share. The protocol code never asks which
backend it runs on.

* ``device=None``: CUDA when ``torch.cuda.is_available()``, else the CPU; a string
  (``"cpu"``, ``"cuda:1"``), a device index or a ``torch.device`` overrides it.
* ``dtype=None``: float64 on the CPU, float32 on a GPU; ``"float32"``/``"float64"`` (or the
  torch/numpy dtype) override it.
* Random numbers are always drawn in float64 and then cast, so float32 and float64 runs of
  the same seed on the same device see the same realisation (up to rounding).
* The numpy backend is used when torch is not importable, or when the environment variable
  ``ONESTEP_SIMULATION_BACKEND=numpy`` is set (``=torch`` requires torch). It runs on the
  CPU and draws the same numbers as the torch backend on the CPU (both use numpy's PCG64
  streams), so the two agree to rounding.

Memory estimates live in :mod:`onestep_lib.simulation.memory`.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..activations import Activation

__all__ = [
    "BACKEND_ENV",
    "Backend",
    "NumpyBackend",
    "TorchBackend",
    "resolve_backend",
    "torch_module",
]

#: Name of the environment variable that forces a backend (its value ``"numpy"`` or
#: ``"torch"``).
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
    """Array module + device + dtype of one simulation (base of the two backends).

    ``name`` is ``"torch"`` or ``"numpy"`` (recorded in the results); ``xp`` the module;
    ``device`` a ``torch.device`` (or the string ``"cpu"`` for numpy); ``dtype`` a torch
    dtype or a numpy dtype. Subclasses implement the array operations below.
    """

    xp: Any
    device: Any
    dtype: Any
    name: ClassVar[str] = "base"

    # ---- description ------------------------------------------------------------------
    @property
    def itemsize(self) -> int:
        """Bytes per element of ``dtype``."""
        raise NotImplementedError

    @property
    def dtype_name(self) -> str:
        return "float32" if self.itemsize == 4 else "float64"

    @property
    def device_name(self) -> str:
        return str(self.device)

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def eps(self) -> float:
        return float(np.finfo(np.float32 if self.itemsize == 4 else np.float64).eps)

    def free_device_memory(self) -> int | None:
        """Free bytes on an accelerator, ``None`` for the CPU (the host's memory is read by
        :func:`onestep_lib.simulation.memory.available_memory`)."""
        return None

    def no_grad(self) -> contextlib.AbstractContextManager:
        """A context in which no autograd graph is recorded."""
        return contextlib.nullcontext()

    def synchronize(self) -> None:
        """Wait for queued device work (for timings)."""

    # ---- random numbers ---------------------------------------------------------------
    def generator(self, seed: int) -> Any:
        """A generator seeded with the non-negative integer ``seed``.

        On the CPU (both backends) a ``numpy.random.Generator`` (PCG64, faster than torch's
        CPU sampler here), so the CPU runs of the two backends draw the same numbers.
        """
        return np.random.default_rng(int(seed))

    def randn(self, gen: Any, shape: tuple[int, ...]) -> Any:
        """Standard Gaussians of ``shape``, drawn in float64 and cast to ``dtype``."""
        raise NotImplementedError

    # ---- arrays -------------------------------------------------------------------------
    def asarray(self, values: Any) -> Any:
        """A numpy array (or scalar) as an array of this backend."""
        raise NotImplementedError

    def to_numpy(self, x: Any) -> np.ndarray:
        raise NotImplementedError

    def scalar(self, x: Any) -> float:
        """A 0-d array as a Python float."""
        raise NotImplementedError

    def zeros(self, shape: tuple[int, ...]) -> Any:
        raise NotImplementedError

    def row_norms(self, x: Any) -> Any:
        """Euclidean norms of the rows of a 2-d array (shape ``(rows,)``)."""
        raise NotImplementedError

    def mean_rows(self, x: Any) -> Any:
        """Mean over the last axis of a 2-d array (shape ``(rows,)``)."""
        raise NotImplementedError

    def all_finite(self, x: Any) -> bool:
        """Whether every entry is finite (through the sum: one cheap pass; a sum that
        overflows also flags values too large for the readout)."""
        return math.isfinite(self.scalar(x.sum()))

    # ---- functions ----------------------------------------------------------------------
    def activation(self, act: Activation) -> Callable[[Any], Any]:
        """``σ`` as a function of arrays of this backend (dtype preserved)."""
        raise NotImplementedError

    def derivative(self, act: Activation) -> Callable[[Any], Any]:
        """``σ'`` as a function of arrays of this backend (dtype preserved)."""
        raise NotImplementedError

    def function(self, numpy_fn: Callable[..., Any], torch_fn: Callable[..., Any] | None):
        """An elementwise function of one or more arrays of this backend (dtype of the
        first argument preserved); ``torch_fn`` is used by the torch backend when given."""
        raise NotImplementedError

    # ---- linear algebra -----------------------------------------------------------------
    def add_matmul_(self, acc: Any, a: Any, b: Any) -> None:
        """``acc += a @ b`` in place."""
        raise NotImplementedError

    def add_gram_(self, acc: Any, f: Any) -> None:
        """``acc += fᵀ f`` on the lower triangle (and diagonal) of the square ``acc``; the
        upper triangle may be left as it is (the Cholesky factorisations read only the lower
        triangle)."""
        raise NotImplementedError

    def add_to_diagonal_(self, a: Any, value: float) -> None:
        """``a += value·I`` in place (square ``a``)."""
        raise NotImplementedError

    def cholesky_solve(self, a: Any, b: Any) -> tuple[Any | None, float]:
        """Solve ``a x = b`` for a symmetric positive-definite ``a`` (``m×m``), ``b`` (``m,``).

        Returns ``(x, pivot_ratio)`` with ``pivot_ratio = (min L_jj / max L_jj)²`` of the
        Cholesky factor (an upper bound on the reciprocal condition number), or
        ``(None, 0.0)`` when the factorisation fails (``a`` not positive definite in this
        precision). No inverse is formed.
        """
        raise NotImplementedError


@dataclass(frozen=True)
class NumpyBackend(Backend):
    """numpy arrays on the CPU (``xp`` is :mod:`numpy`, ``device`` the string ``"cpu"``)."""

    name: ClassVar[str] = "numpy"

    @property
    def itemsize(self) -> int:
        return np.dtype(self.dtype).itemsize

    def randn(self, gen: Any, shape: tuple[int, ...]) -> Any:
        return gen.standard_normal(shape).astype(self.dtype, copy=False)

    def asarray(self, values: Any) -> Any:
        return np.asarray(values, dtype=np.float64).astype(self.dtype, copy=False)

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(x)

    def scalar(self, x: Any) -> float:
        return float(x)

    def zeros(self, shape: tuple[int, ...]) -> Any:
        return np.zeros(shape, dtype=self.dtype)

    def row_norms(self, x: Any) -> Any:
        return np.linalg.norm(x, axis=1)

    def mean_rows(self, x: Any) -> Any:
        return x.mean(axis=1)

    def activation(self, act: Activation) -> Callable[[Any], Any]:
        return lambda x: np.asarray(act.fn(x)).astype(x.dtype, copy=False)

    def derivative(self, act: Activation) -> Callable[[Any], Any]:
        return lambda x: np.asarray(act.derivative(x)).astype(x.dtype, copy=False)

    def function(self, numpy_fn, torch_fn=None):
        return lambda *z: np.asarray(numpy_fn(*z)).astype(z[0].dtype, copy=False)

    def add_matmul_(self, acc: Any, a: Any, b: Any) -> None:
        acc += a @ b

    def add_gram_(self, acc: Any, f: Any) -> None:
        # numpy computes f.T @ f with a symmetric rank-k update already
        acc += f.T @ f

    def add_to_diagonal_(self, a: Any, value: float) -> None:
        a[np.diag_indices(a.shape[0])] += value

    def cholesky_solve(self, a: Any, b: Any) -> tuple[Any | None, float]:
        from scipy.linalg import cho_solve

        try:
            factor = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            return None, 0.0
        diag = np.diagonal(factor)
        ratio = float(diag.min() / diag.max()) ** 2
        return cho_solve((factor, True), b, check_finite=False), ratio


@dataclass(frozen=True)
class TorchBackend(Backend):
    """torch tensors on a CPU or CUDA device (``xp`` is :mod:`torch`)."""

    name: ClassVar[str] = "torch"

    @property
    def itemsize(self) -> int:
        return self.xp.empty((), dtype=self.dtype).element_size()

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    def free_device_memory(self) -> int | None:
        if not self.is_cuda:
            return None
        free, _total = self.xp.cuda.mem_get_info(self.device)
        return int(free)

    def no_grad(self) -> contextlib.AbstractContextManager:
        return self.xp.no_grad()

    def synchronize(self) -> None:
        if self.is_cuda:
            self.xp.cuda.synchronize(self.device)

    def generator(self, seed: int) -> Any:
        """On a GPU a ``torch.Generator`` on the device; on the CPU a numpy generator (see
        :meth:`Backend.generator`)."""
        if self.device.type != "cpu":
            gen = self.xp.Generator(device=self.device)
            gen.manual_seed(int(seed))
            return gen
        return super().generator(seed)

    def randn(self, gen: Any, shape: tuple[int, ...]) -> Any:
        if isinstance(gen, np.random.Generator):
            return self.xp.from_numpy(gen.standard_normal(shape)).to(self.dtype)
        x = self.xp.randn(shape, generator=gen, dtype=self.xp.float64, device=self.device)
        return x.to(self.dtype)

    def asarray(self, values: Any) -> Any:
        arr = np.asarray(values, dtype=np.float64)
        return self.xp.as_tensor(arr, device=self.device).to(self.dtype)

    def to_numpy(self, x: Any) -> np.ndarray:
        return x.detach().cpu().numpy()

    def scalar(self, x: Any) -> float:
        return float(x.item())

    def zeros(self, shape: tuple[int, ...]) -> Any:
        return self.xp.zeros(shape, dtype=self.dtype, device=self.device)

    def row_norms(self, x: Any) -> Any:
        return self.xp.linalg.vector_norm(x, dim=1)

    def mean_rows(self, x: Any) -> Any:
        return x.mean(dim=1)

    def activation(self, act: Activation) -> Callable[[Any], Any]:
        return act.torch

    def derivative(self, act: Activation) -> Callable[[Any], Any]:
        return act.torch_grad

    def function(self, numpy_fn, torch_fn=None):
        fn = torch_fn or numpy_fn

        def call(*z: Any) -> Any:
            out = fn(*z)
            if not isinstance(out, self.xp.Tensor):
                raise TypeError(
                    f"the function {getattr(fn, '__name__', fn)!r} returned a "
                    f"{type(out).__name__} for torch tensors; write it with arithmetic "
                    "operators, or give the torch version (Teacher torch_fn=...)"
                )
            return out.to(z[0].dtype)

        return call

    def add_matmul_(self, acc: Any, a: Any, b: Any) -> None:
        acc.addmm_(a, b)

    def add_gram_(self, acc: Any, f: Any) -> None:
        # torch has no symmetric rank-k update: the lower triangle is accumulated in column
        # blocks of ~512 (about half the flops of the full product)
        cols = f.shape[1]
        k = max(1, round(cols / 512))
        edges = [round(i * cols / k) for i in range(k + 1)]
        for i in range(k):
            fi = f[:, edges[i] : edges[i + 1]].T
            for j in range(i + 1):
                block = acc[edges[i] : edges[i + 1], edges[j] : edges[j + 1]]
                block.addmm_(fi, f[:, edges[j] : edges[j + 1]])

    def add_to_diagonal_(self, a: Any, value: float) -> None:
        a.diagonal().add_(value)

    def cholesky_solve(self, a: Any, b: Any) -> tuple[Any | None, float]:
        linalg = self.xp.linalg
        factor, info = linalg.cholesky_ex(a)
        if int(info) != 0:
            return None, 0.0
        diag = self.xp.diagonal(factor)
        ratio = float((diag.min() / diag.max()).item()) ** 2
        # Two triangular solves on a row-major copy of the factor: on the CPU, a solve with
        # the column-major factor cholesky_ex returns (or torch.cholesky_solve) measured
        # 100-2000x slower than with a contiguous one (p = 2000).
        factor = factor.contiguous()
        half = linalg.solve_triangular(factor, b.reshape(-1, 1), upper=False)
        return linalg.solve_triangular(factor.mT, half, upper=True).reshape(-1), ratio


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
    elif isinstance(dtype, type | np.dtype):
        if np.dtype(dtype).name in _DTYPE_NAMES:
            return np.dtype(dtype).name
    else:
        raise TypeError(
            f"dtype must be None, a string such as 'float32' or 'float64', or a torch/numpy "
            f"dtype, got {dtype!r} ({type(dtype).__name__})"
        )
    raise ValueError(
        f"dtype must be None, 'float32' or 'float64' (or the torch dtype), got {dtype!r}"
    )


def _torch_device(torch: Any, device: Any) -> Any:
    """``device`` as a usable ``torch.device`` (``ValueError``/``TypeError`` naming it)."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if isinstance(device, bool) or not isinstance(device, str | numbers.Integral | torch.device):
        raise TypeError(
            f"device must be None, a device string such as 'cpu' or 'cuda:0', a device index "
            f"or a torch.device, got {device!r} ({type(device).__name__})"
        )
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
        raise ValueError(f"device {device!r}: the meta device holds no data; use 'cpu' or 'cuda'")
    elif dev.type != "cpu":
        try:
            torch.zeros(1, device=dev)
        except (RuntimeError, AssertionError) as exc:
            raise ValueError(f"device {device!r} is not usable here: {exc}") from exc
    return dev


def resolve_backend(*, device: Any = None, dtype: Any = None) -> Backend:
    """The backend of a run: torch if importable (else numpy), device and dtype resolved.

    Parameters
    ----------
    device : None, str, int or torch.device
        ``None`` picks CUDA when available, else the CPU (always the CPU for numpy).
    dtype : None, str, numpy dtype or torch dtype
        ``None`` means float64 on the CPU and float32 on a GPU.

    Returns
    -------
    Backend
        A :class:`TorchBackend` or a :class:`NumpyBackend`.

    Raises ``ValueError`` naming ``device`` or ``dtype`` when they are not usable here, and
    ``TypeError`` when they are of the wrong type.

    Examples
    --------
    >>> resolve_backend(device="cpu", dtype="float64").dtype_name
    'float64'
    """
    torch = torch_module()
    dtype_name = _resolve_dtype_name(dtype, torch=torch)
    if torch is None:
        if isinstance(device, bool) or (
            device is not None
            and not isinstance(device, str | numbers.Integral)
            and not hasattr(device, "type")
        ):
            raise TypeError(
                f"device must be None or 'cpu' with the numpy backend (torch is not "
                f"available), got {device!r} ({type(device).__name__})"
            )
        if device is not None and str(device) != "cpu":
            raise ValueError(
                f"device must be None or 'cpu' with the numpy backend (torch is not "
                f"available), got {device!r}"
            )
        return NumpyBackend(np, "cpu", np.dtype(dtype_name or "float64"))
    dev = _torch_device(torch, device)
    if dtype_name is None:
        dtype_name = "float64" if dev.type == "cpu" else "float32"
    return TorchBackend(torch, dev, getattr(torch, dtype_name))


_MOVED_TO_MEMORY = ("available_memory", "check_memory", "chunk_rows", "estimate_memory")


def __getattr__(name: str) -> Any:
    """Deprecated access to the memory helpers, which moved to ``simulation.memory``."""
    if name in _MOVED_TO_MEMORY:
        warnings.warn(
            f"onestep_lib.simulation.backend.{name} moved to onestep_lib.simulation.memory",
            DeprecationWarning,
            stacklevel=2,
        )
        from . import memory

        return getattr(memory, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
