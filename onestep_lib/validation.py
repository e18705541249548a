"""One place that checks public arguments and phrases the errors.

The policy, the same for the theory, the simulations and the widgets:

* a value of the wrong **type** (a string where a number is expected, a float where an integer
  is, ``1`` where ``True``/``False`` is) raises ``TypeError``;
* a value of the right type but outside its domain (negative, NaN, infinite, not one of the
  options, an empty sequence) raises ``ValueError``;
* every message names the parameter, the value received and the valid range, e.g.
  ``ValueError: alpha must be a finite number > 0, got -1.0``.

Examples
--------
>>> check_real("alpha", -1.0, low=0.0, low_open=True)
Traceback (most recent call last):
    ...
ValueError: alpha must be a finite number > 0, got -1.0
>>> check_int("d", 1000.0, low=2)
Traceback (most recent call last):
    ...
TypeError: d must be an integer >= 2, got 1000.0 (float)
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
    "check_integer",
    "check_flag",
    "check_option",
]


class ConvergenceError(RuntimeError):
    """A fixed-point solver did not converge.

    Parameters
    ----------
    message : str
        What failed, with a hint (``increase max_iter or lam``, …).
    residual : float
        The relative residual at the last iteration.
    iterations : int
        The number of iterations made.

    Examples
    --------
    >>> err = ConvergenceError("no fixed point", residual=0.3, iterations=200)
    >>> err.residual, err.iterations, str(err)
    (0.3, 200, 'no fixed point')
    """

    def __init__(self, message: str, *, residual: float = math.nan, iterations: int = 0):
        super().__init__(message)
        self.residual = residual
        self.iterations = iterations


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool | np.bool_)


def _describe_range(low, high, low_open, high_open) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    return (" " + " and ".join(parts)) if parts else ""


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A finite real number within ``[low, high]`` (open ends with ``low_open``/``high_open``).

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : object
        Any real number (Python, numpy scalar or 0-d array); not a bool.
    low, high : float, optional
        Bounds (inclusive unless ``low_open``/``high_open``).
    low_open, high_open : bool
        Exclude the bound itself.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        Not a real number (a string, ``None``, a bool, a complex number).
    ValueError
        NaN, infinite or out of range.

    Examples
    --------
    >>> check_real("lam", 0.1, low=0.0, low_open=True)
    0.1
    >>> check_real("lam", "0.1")
    Traceback (most recent call last):
        ...
    TypeError: lam must be a real number, got '0.1' (str)
    """
    if _is_bool(value) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = value.item()
        else:
            raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    rng = _describe_range(low, high, low_open, high_open)
    try:
        x = float(value)
    except OverflowError:  # an integer beyond the float range
        raise ValueError(f"{name} must be a finite number{rng}, got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number{rng}, got {value!r}")
    if low is not None and (x < low or (low_open and x == low)):
        raise ValueError(f"{name} must be a finite number{rng}, got {value!r}")
    if high is not None and (x > high or (high_open and x == high)):
        raise ValueError(f"{name} must be a finite number{rng}, got {value!r}")
    return x


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """An integer within ``[low, high]``; a float, even ``1000.0``, is the wrong type.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : object
        A Python or numpy integer (not a bool).
    low, high : int, optional
        Inclusive bounds.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        Not an integer (a float, a bool, a string, ``None``).
    ValueError
        Out of range.

    Examples
    --------
    >>> check_int("d", np.int64(500), low=2)
    500
    >>> check_int("d", 1, low=2)
    Traceback (most recent call last):
        ...
    ValueError: d must be an integer >= 2, got 1
    """
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise TypeError(
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
    """One of the strings ``choices``.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : object
        The option given.
    choices : iterable of str
        The valid options.

    Returns
    -------
    str
        ``value``.

    Raises
    ------
    TypeError
        ``value`` is not a string.
    ValueError
        A string that is not one of ``choices``.

    Examples
    --------
    >>> check_choice("on_fail", "warn", ["raise", "warn"])
    'warn'
    >>> check_choice("on_fail", "ignore", ["raise", "warn"])
    Traceback (most recent call last):
        ...
    ValueError: on_fail must be one of ['raise', 'warn'], got 'ignore'
    """
    options = list(choices)
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be one of {options} (a string), got {value!r} ({type(value).__name__})"
        )
    if value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_array(
    name: str, values: Any, *, low: float | None = None, low_open: bool = False
) -> np.ndarray:
    """A non-empty 1-d float array of finite values, each ``>= low`` (``> low`` if open).

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    values : array_like
        A scalar or a 1-d sequence of real numbers (no bools, complex numbers, strings or
        ``None``).
    low : float, optional
        Lower bound of every entry.
    low_open : bool
        Exclude the bound itself.

    Returns
    -------
    numpy.ndarray, shape (k,)

    Raises
    ------
    TypeError
        Entries that are not real numbers.
    ValueError
        Empty, more than one dimension, or an entry that is not finite or out of range.

    Examples
    --------
    >>> check_array("alphas", [0.5, 1, 2.0], low=0.0, low_open=True)
    array([0.5, 1. , 2. ])
    >>> check_array("alphas", [1.0, -1.0], low=0.0)
    Traceback (most recent call last):
        ...
    ValueError: alphas entry must be a finite number >= 0, got -1.0
    """
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
    """A float array of any shape whose entries are all finite (and ``>= low``), vectorised.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    values : array_like
        Real numbers, a scalar or an array of any shape.
    low : float, optional
        Inclusive lower bound of every entry.

    Returns
    -------
    numpy.ndarray
        The shape of ``values``.

    Raises
    ------
    TypeError
        Entries that are not real numbers.
    ValueError
        An entry that is not finite or below ``low``.

    Examples
    --------
    >>> check_finite_array("kappa", [[0.0, 1.5]]).shape
    (1, 2)
    >>> check_finite_array("kappa", [0.0, np.inf])
    Traceback (most recent call last):
        ...
    ValueError: kappa must contain only finite numbers, got inf
    """
    arr = _real_array(name, values, "real numbers (a scalar or an array)")
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= arr < low
    if np.any(bad):
        first = float(arr[bad].ravel()[0])
        rng = _describe_range(low, None, False, False)
        raise ValueError(f"{name} must contain only finite numbers{rng}, got {first!r}")
    return arr


def check_bool(name: str, value: Any) -> bool:
    """``True`` or ``False`` (Python or numpy booleans); ``1``, ``"yes"`` are the wrong type.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : object
        The flag given.

    Returns
    -------
    bool

    Raises
    ------
    TypeError
        Anything but a boolean.

    Examples
    --------
    >>> check_bool("verbose", np.bool_(True))
    True
    >>> check_bool("verbose", 1)
    Traceback (most recent call last):
        ...
    TypeError: verbose must be True or False, got 1 (int)
    """
    if not _is_bool(value):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def check_seed(name: str, value: Any) -> Any:
    """``None``, an integer ``>= 0`` or a :class:`numpy.random.Generator` (returned as given).

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : object
        The seed given.

    Returns
    -------
    None, int or numpy.random.Generator

    Raises
    ------
    TypeError
        Not ``None``, an integer or a Generator (a float, a bool, a string).
    ValueError
        A negative integer.

    Examples
    --------
    >>> check_seed("seed", 3), check_seed("seed", None)
    (3, None)
    >>> rng = np.random.default_rng(0)
    >>> check_seed("seed", rng) is rng
    True
    """
    if value is None or isinstance(value, np.random.Generator):
        return value
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be None, an integer >= 0 or a numpy.random.Generator, "
            f"got {value!r} ({type(value).__name__})"
        )
    return check_int(name, value, low=0)


#: Other names of :func:`check_int`, :func:`check_bool` and :func:`check_choice` (the
#: simulation package uses them; they follow the same policy).
check_integer = check_int
check_flag = check_bool
check_option = check_choice
