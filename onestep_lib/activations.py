"""Named activations, Gaussian expectations and Hermite coefficients.

Everything in the theory is an expectation over a standard Gaussian ``z ~ N(0, 1)``:
``E[g(z)] = ∫ g(z) φ(z) dz``.  Smooth integrands are handled by a probabilists'
Gauss–Hermite rule; integrands with kinks or jumps (ReLU, its derivative) by a composite
Gauss–Legendre rule on ``[-L, L]`` split at the kinks, so that ReLU moments are exact to
~1e-13 (a plain 19-node Gauss–Hermite rule is ~4% off on them).

Notation (the notation chapter, book/notation.ipynb, and the appendix on Hermite expansions,
book/appendix_hermite.md), for an activation σ:

* ``mu0 = E[σ(z)]``, ``mu1 = E[z σ(z)] = E[σ'(z)]``, ``second_moment = E[σ(z)²]``,
* ``mu_star = sqrt(E[σ²] − mu0² − mu1²)`` (the non-linear part of the classical Gaussian
  equivalence ``σ(Wx) ≈ mu0 + mu1 Wx + mu_star ξ``),
* ``mu2nd = E[σ''(z)] = E[(z² − 1) σ(z)]`` (Stein), ``s2 = Var(σ'(z))``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special

from .validation import check_choice, check_int

__all__ = [
    "Activation",
    "HermiteCoefficients",
    "ACTIVATIONS",
    "get_activation",
    "register_activation",
    "gaussian_nodes",
    "gaussian_expectation",
    "gaussian_moments",
    "hermite_coefficients",
    "hermite_series",
    "is_odd",
    "ODD_TOLERANCE",
]

ArrayFn = Callable[[Any], Any]

#: Half-width of the integration window for kinked integrands: φ(12) ≈ 2e-32.
_WINDOW = 12.0
#: Gauss–Legendre nodes per segment of the composite rule.
_LEGENDRE_NODES = 96
#: Gauss–Hermite nodes for smooth integrands.
_HERMITE_NODES = 120


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative.

    ``fn`` and ``derivative`` act elementwise and must accept numpy arrays; ``torch_fn`` and
    ``torch_derivative`` accept torch tensors (when omitted, ``fn``/``derivative`` are used,
    which works for functions written with arithmetic operators only). ``kinks`` lists the
    points where ``fn`` or ``derivative`` is not smooth (ReLU: ``(0.0,)``); the quadrature
    splits there.

    Examples
    --------
    >>> cube = Activation("cube", lambda x: x**3, lambda x: 3 * x**2)
    >>> cube(2.0), cube.derivative(2.0)
    (8.0, 12.0)
    """

    name: str
    fn: ArrayFn
    derivative: ArrayFn
    torch_fn: ArrayFn | None = field(default=None, repr=False)
    torch_derivative: ArrayFn | None = field(default=None, repr=False)
    kinks: tuple[float, ...] = ()

    def __call__(self, x: Any) -> Any:
        return self.fn(x)

    def torch(self, x: Any) -> Any:
        """Evaluate on a torch tensor."""
        return (self.torch_fn or self.fn)(x)

    def torch_grad(self, x: Any) -> Any:
        """Evaluate the derivative on a torch tensor."""
        return (self.torch_derivative or self.derivative)(x)


def _torch():  # imported lazily: the theory never needs torch
    import torch

    return torch


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)

ACTIVATIONS: dict[str, Activation] = {}


def register_activation(activation: Activation) -> Activation:
    """Add an activation to the registry so that it can be given by name.

    Parameters
    ----------
    activation : Activation
        The activation; its ``name`` becomes the key (an existing entry is replaced).

    Returns
    -------
    Activation
        ``activation`` itself.

    Examples
    --------
    >>> softsign = Activation("softsign_doc", lambda x: x / (1 + abs(x)),
    ...                       lambda x: 1 / (1 + abs(x)) ** 2)
    >>> register_activation(softsign) is get_activation("softsign_doc")
    True
    >>> del ACTIVATIONS["softsign_doc"]
    """
    if not isinstance(activation, Activation):
        raise TypeError(f"activation must be an Activation, got {type(activation).__name__}")
    ACTIVATIONS[activation.name] = activation
    _cached_coefficients.cache_clear()
    return activation


for _act in (
    Activation(
        "tanh",
        np.tanh,
        lambda x: 1.0 / np.cosh(x) ** 2,
        lambda x: _torch().tanh(x),
        lambda x: 1.0 - _torch().tanh(x) ** 2,
    ),
    Activation(
        "relu",
        lambda x: np.maximum(x, 0.0),
        lambda x: (np.asarray(x) > 0).astype(float),
        lambda x: _torch().relu(x),
        lambda x: (x > 0).to(x.dtype),
        kinks=(0.0,),
    ),
    Activation(
        "erf",
        special.erf,
        lambda x: 2.0 / math.sqrt(math.pi) * np.exp(-np.square(x)),
        lambda x: _torch().erf(x),
        lambda x: 2.0 / math.sqrt(math.pi) * _torch().exp(-x * x),
    ),
    Activation(
        "sin",
        np.sin,
        np.cos,
        lambda x: _torch().sin(x),
        lambda x: _torch().cos(x),
    ),
    Activation("linear", lambda x: 1.0 * x, lambda x: 0.0 * x + 1.0),
    Activation("he2", lambda x: x * x - 1.0, lambda x: 2.0 * x),
    Activation("he3", lambda x: x * x * x - 3.0 * x, lambda x: 3.0 * x * x - 3.0),
):
    ACTIVATIONS[_act.name] = _act


def get_activation(activation: str | Activation, *, name: str = "activation") -> Activation:
    """Return the :class:`~onestep_lib.activations.Activation` for a registered name.

    Parameters
    ----------
    activation : str or Activation
        A registered name (case and surrounding spaces ignored), or an
        :class:`~onestep_lib.activations.Activation`, returned as it is.
    name : str
        The parameter name used in error messages (``"student"``, ``"teacher"``).

    Returns
    -------
    Activation

    Raises
    ------
    TypeError
        Neither a string nor an Activation.
    ValueError
        A name that is not registered.

    Examples
    --------
    >>> get_activation(" Tanh ").name
    'tanh'
    >>> get_activation("softplus", name="student")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: student must be one of [...], got 'softplus'
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        key = activation.strip().lower()
        check_choice(name, key, sorted(ACTIVATIONS))
        return ACTIVATIONS[key]
    raise TypeError(
        f"{name} must be an activation name {sorted(ACTIVATIONS)} or an Activation, "
        f"got {type(activation).__name__}"
    )


# --------------------------------------------------------------------------------------
# Quadrature
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _hermite_rule(order: int) -> tuple[np.ndarray, np.ndarray]:
    z, w = np.polynomial.hermite_e.hermegauss(order)
    return z, w / math.sqrt(2.0 * math.pi)


@lru_cache(maxsize=8)
def _legendre_rule(order: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(order)


def gaussian_nodes(
    breakpoints: np.ndarray | None = None, *, order: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``z`` and weights ``w`` with ``E[g(z)] ≈ Σ w g(z)`` over the last axis.

    Parameters
    ----------
    breakpoints : array_like, shape (..., K), optional
        Points where the integrand is not smooth. Without them the rule is Gauss–Hermite;
        with them, a composite Gauss–Legendre rule on ``[-12, 12]`` split at those points,
        exact to ~1e-13 for piecewise-smooth integrands of polynomial growth.
    order : int, optional
        Nodes of the rule (per segment with ``breakpoints``); default 120 (Hermite) or 96
        (Legendre).

    Returns
    -------
    z, w : numpy.ndarray
        Shape ``(order,)``, or ``(..., (K+1)·order)`` with ``breakpoints``.

    Examples
    --------
    >>> z, w = gaussian_nodes(order=10)
    >>> z.shape, round(float(w.sum()), 12), round(float(w @ z**2), 12)
    ((10,), 1.0, 1.0)
    >>> z, w = gaussian_nodes(np.array([0.0]))  # split at 0: 2 × 96 nodes
    >>> z.shape, round(float(w @ (z > 0)), 12)
    ((192,), 0.5)
    """
    if order is not None:
        order = check_int("order", order, low=1, high=100_000)
    if breakpoints is None:
        return _hermite_rule(order or _HERMITE_NODES)
    x, wl = _legendre_rule(order or _LEGENDRE_NODES)
    b = np.sort(np.clip(np.asarray(breakpoints, dtype=float), -_WINDOW, _WINDOW), axis=-1)
    lo = np.full(b.shape[:-1] + (1,), -_WINDOW)
    hi = np.full(b.shape[:-1] + (1,), _WINDOW)
    ends = np.concatenate([lo, b, hi], axis=-1)  # (..., K+2)
    a, c = ends[..., :-1, None], ends[..., 1:, None]  # (..., K+1, 1)
    half = 0.5 * (c - a)
    z = a + half * (x + 1.0)  # (..., K+1, order)
    w = half * wl * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    shape = z.shape[:-2] + (-1,)
    return z.reshape(shape), w.reshape(shape)


def gaussian_expectation(
    integrand: Callable[[np.ndarray], np.ndarray],
    *,
    breakpoints: np.ndarray | None = None,
    order: int | None = None,
) -> np.ndarray:
    """``E[integrand(z)]`` for ``z ~ N(0, 1)``, vectorised.

    Parameters
    ----------
    integrand : callable
        Receives nodes of shape ``(..., Q)`` (broadcast against ``breakpoints`` of shape
        ``(..., K)`` when given) and returns values of the same shape.
    breakpoints, order
        As in :func:`gaussian_nodes`.

    Returns
    -------
    numpy.ndarray
        The expectation, of the leading shape ``(...)`` (a 0-d array for a scalar).

    Examples
    --------
    >>> round(float(gaussian_expectation(lambda z: z**4)), 12)
    3.0
    """
    z, w = gaussian_nodes(breakpoints, order=order)
    return np.sum(w * integrand(z), axis=-1)


def gaussian_moments(
    activation: str | Activation,
    shift: np.ndarray | float = 0.0,
    scale: np.ndarray | float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First moments of ``u = σ(shift + scale·z)``, ``z ~ N(0, 1)``, vectorised over ``shift``.

    Parameters
    ----------
    activation : str or Activation
        σ.
    shift, scale : float or array_like
        Broadcast against each other (``scale ≥ 0``).

    Returns
    -------
    tuple of numpy.ndarray
        ``(E[u], E[z u], E[u²])`` with the broadcast shape of ``shift`` and ``scale``;
        ``scale = 0`` gives ``(σ(shift), 0, σ(shift)²)``.

    Examples
    --------
    >>> m0, m1, m2 = gaussian_moments("linear", shift=np.array([0.0, 1.0]), scale=2.0)
    >>> m0.round(12).tolist(), m1.round(12).tolist(), m2.round(12).tolist()
    ([0.0, 1.0], [2.0, 2.0], [4.0, 5.0])
    """
    act = get_activation(activation)
    shift = np.asarray(shift, dtype=float)
    scale = np.asarray(scale, dtype=float)
    shape = np.broadcast_shapes(shift.shape, scale.shape)
    shift = np.broadcast_to(shift, shape)[..., None]
    scale = np.broadcast_to(scale, shape)[..., None]
    if act.kinks:
        safe = np.where(scale > 0, scale, 1.0)
        bp = (np.asarray(act.kinks)[None, :] - shift) / safe  # (..., K)
        bp = np.where(scale > 0, bp, _WINDOW)
        z, w = gaussian_nodes(bp)
    else:
        z, w = gaussian_nodes()
    u = np.asarray(act.fn(shift + scale * z), dtype=float)
    return np.sum(w * u, -1), np.sum(w * z * u, -1), np.sum(w * u * u, -1)


@dataclass(frozen=True)
class HermiteCoefficients:
    """Gaussian statistics of an activation σ (``z ~ N(0, 1)``).

    Attributes
    ----------
    mu0 : float
        ``E[σ]``.
    mu1 : float
        ``E[zσ] = E[σ']``.
    second_moment : float
        ``E[σ²]``.
    mu_star : float
        ``√(E[σ²] − mu0² − mu1²)``, the non-linear part.
    mu2nd : float
        ``E[σ''] = E[(z²−1)σ]``.
    s2 : float
        ``Var(σ') = E[σ'²] − mu1²``.
    """

    mu0: float
    mu1: float
    second_moment: float
    mu_star: float
    mu2nd: float
    s2: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@lru_cache(maxsize=64)
def _cached_coefficients(act: Activation) -> HermiteCoefficients:
    bp = np.asarray(act.kinks, dtype=float) if act.kinks else None

    def expect(g: Callable[[np.ndarray], np.ndarray]) -> float:
        return float(gaussian_expectation(g, breakpoints=bp))

    mu0 = expect(lambda z: act.fn(z))
    mu1 = expect(lambda z: z * act.fn(z))
    second = expect(lambda z: act.fn(z) ** 2)
    mu2nd = expect(lambda z: (z * z - 1.0) * act.fn(z))
    dsq = expect(lambda z: np.asarray(act.derivative(z), dtype=float) ** 2)
    nonlinear = second - mu0**2 - mu1**2
    return HermiteCoefficients(
        mu0=mu0,
        mu1=mu1,
        second_moment=second,
        mu_star=math.sqrt(max(nonlinear, 0.0)),
        mu2nd=mu2nd,
        s2=max(dsq - mu1**2, 0.0),
    )


def hermite_coefficients(activation: str | Activation) -> HermiteCoefficients:
    """The Gaussian statistics ``mu0, mu1, mu_star, …`` of an activation (cached).

    Parameters
    ----------
    activation : str or Activation
        σ.

    Returns
    -------
    HermiteCoefficients

    Examples
    --------
    >>> h = hermite_coefficients("relu")
    >>> round(h.mu1, 12), round(h.second_moment, 12), round(h.s2, 12)
    (0.5, 0.5, 0.25)
    """
    return _cached_coefficients(get_activation(activation))


#: Relative tolerance under which ``E[σ]`` and ``E[σ'']`` count as zero (see :func:`is_odd`).
ODD_TOLERANCE = 1e-10


def is_odd(activation: str | Activation) -> bool:
    """Whether the student is *odd in the sense the theory uses*: ``E[σ(z)] = 0`` and
    ``E[σ''(z)] = 0`` for ``z ~ N(0, 1)``, up to :data:`ODD_TOLERANCE` relative to ``√E[σ²]``.

    These two moments are what decide whether the giant step keeps the isotropic bulk
    (a centred network output at initialisation and no row contraction); the library uses
    this one definition everywhere. Every odd function qualifies, and so does any σ whose
    even part has zero Gaussian mean and zero mean second derivative.

    Parameters
    ----------
    activation : str or Activation
        σ.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_odd("tanh"), is_odd("relu")
    (True, False)
    """
    hs = hermite_coefficients(activation)
    scale = math.sqrt(max(hs.second_moment, 0.0)) or 1.0
    return abs(hs.mu0) <= ODD_TOLERANCE * scale and abs(hs.mu2nd) <= ODD_TOLERANCE * scale


def hermite_series(activation: str | Activation, degree: int = 8) -> np.ndarray:
    """Coefficients ``c_k = E[σ(z) He_k(z)]``, ``k = 0..degree`` (probabilists' Hermite).

    ``σ(z) = Σ_k c_k He_k(z) / k!`` in ``L²(N(0,1))``, and ``E[σ²] = Σ_k c_k² / k!``.

    Parameters
    ----------
    activation : str or Activation
        σ.
    degree : int
        Highest degree, 0 to 200.

    Returns
    -------
    numpy.ndarray, shape (degree + 1,)

    Examples
    --------
    >>> (hermite_series("he3", 4).round(10) + 0.0).tolist()
    [0.0, 0.0, 0.0, 6.0, 0.0]
    """
    act = get_activation(activation)
    degree = check_int("degree", degree, low=0, high=200)
    bp = np.asarray(act.kinks, dtype=float) if act.kinks else None
    out = np.empty(degree + 1)
    for k in range(degree + 1):
        basis = np.zeros(k + 1)
        basis[k] = 1.0
        out[k] = gaussian_expectation(
            lambda z, b=basis: np.polynomial.hermite_e.hermeval(z, b) * act.fn(z),
            breakpoints=bp,
        )
    return out
