"""One place that checks public arguments and phrases the errors.

Every message names the parameter, the value received and the valid range, e.g.
``ValueError: alpha must be a finite number > 0, got -1.0``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "ConvergenceError",
    "check_real",
    "check_int",
    "check_choice",
    "check_array",
    "check_bool",
    "check_finite_array",
    "check_seed",
]


class ConvergenceError(RuntimeError):
    """A fixed-point solver did not converge; carries the residual and a hint."""

    def __init__(self, message: str, *, residual: float = math.nan, iterations: int = 0):
        super().__init__(message)
        self.residual = residual
        self.iterations = iterations


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool | np.bool_)


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float after checking type, finiteness and range.

    ``low``/``high`` are inclusive bounds unless ``low_open``/``high_open``.
    """
    if _is_bool(value) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        else:
            raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    x = float(value)
    rng = _describe_range(low, high, low_open, high_open)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number{rng}, got {value!r}")
    if low is not None and (x < low or (low_open and x == low)):
        raise ValueError(f"{name} must be a finite number{rng}, got {value!r}")
    if high is not None and (x > high or (high_open and x == high)):
        raise ValueError(f"{name} must be a finite number{rng}, got {value!r}")
    return x


def _describe_range(low, high, low_open, high_open) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    return (" " + " and ".join(parts)) if parts else ""


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int; floats with integral values are refused (``d=1000.0``)."""
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"{name} must be an integer{_describe_range(low, high, False, False)}, "
            f"got {value!r} ({type(value).__name__})"
        )
    x = int(value)
    if (low is not None and x < low) or (high is not None and x > high):
        raise ValueError(
            f"{name} must be an integer{_describe_range(low, high, False, False)}, got {x}"
        )
    return x


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``."""
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_array(
    name: str, values: Any, *, low: float | None = None, low_open: bool = False
) -> np.ndarray:
    """A 1-d float array of finite values (each checked against ``low``)."""
    arr = _real_array(name, values, "a sequence of real numbers")
    arr = np.atleast_1d(arr)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d sequence, got shape {arr.shape}")
    for v in arr:
        check_real(f"{name} entry", float(v), low=low, low_open=low_open)
    return arr


def _real_array(name: str, values: Any, what: str) -> np.ndarray:
    """``values`` as a float array; booleans, complex numbers, strings and ``None`` refused."""
    raw = values if isinstance(values, np.ndarray) else None
    if raw is None:
        try:
            raw = np.asarray(values)
        except (TypeError, ValueError) as exc:  # ragged nesting
            raise TypeError(f"{name} must be {what}, got {values!r}") from exc
    if raw.dtype.kind not in "iuf" and raw.dtype != object:
        raise TypeError(f"{name} must be {what}, got {values!r} (dtype {raw.dtype})")
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be {what}, got {values!r}") from exc
    if raw.dtype == object and any(v is None or _is_bool(v) for v in raw.ravel()):
        raise TypeError(f"{name} must be {what}, got {values!r}")
    return arr


def check_finite_array(name: str, values: Any, *, low: float | None = None) -> np.ndarray:
    """A float array of any shape whose entries are all finite (and ``>= low``), vectorised."""
    arr = _real_array(name, values, "real numbers (a scalar or an array)")
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= arr < low
    if np.any(bad):
        first = arr[bad].ravel()[0]
        rng = _describe_range(low, None, False, False)
        raise ValueError(f"{name} must contain only finite numbers{rng}, got {first!r}")
    return arr


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` as a bool; only ``True``/``False`` (and numpy booleans) are accepted."""
    if not _is_bool(value):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_seed(name: str, value: Any) -> Any:
    """``None``, an integer ``>= 0`` or a :class:`numpy.random.Generator` (returned as given)."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be None, an integer >= 0 or a numpy.random.Generator, "
            f"got {value!r} ({type(value).__name__})"
        )
    return check_int(name, value, low=0)
