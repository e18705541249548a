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
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a sequence of real numbers, got {values!r}") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d sequence, got shape {arr.shape}")
    for v in arr:
        check_real(f"{name} entry", float(v), low=low, low_open=low_open)
    return arr
