"""Marchenko–Pastur law, closed-form spectral traces and the outlier of the one-step layer.

The appendix on Marchenko–Pastur averages (book/appendix_marchenko_pastur.md) derives what is
here; the self-consistent equations use it through :mod:`onestep_lib.theory.traces`.

Notation (book/notation.ipynb). ``W⁰ ∈ R^{p×d}`` has rows uniform on the unit sphere, ``φ = p/d``
(``width_ratio``). The eigenvalues ``t`` of the ``p×p`` matrix ``W⁰ΠW⁰ᵀ`` follow, as
``d → ∞``, the Marchenko–Pastur law of ratio φ:

    dMP(t) = √((t₊ − t)(t − t₋)) / (2π φ t) dt  on  [t₋, t₊],   t± = (1 ± √φ)²,

plus an atom of mass ``1 − 1/φ`` at ``t = 0`` when φ > 1. Its mean is 1 and its second moment
``1 + φ`` (so ``D = c t`` has mean ``c`` and second moment ``c²(1+φ)``).

Closed-form traces. For ``A > 0, B ≥ 0`` write ``G = ⟨1/(A+Bt)⟩``. From the MP equation
``φ z g² + (z − 1 + φ) g + 1 = 0`` for ``g(z) = ⟨1/(t−z)⟩`` at ``z = −A/B`` one gets

    φ A B G² + (A + B(1−φ)) G − 1 = 0,
    G = 2 / (A + B(1−φ) + √((A + B t₊)(A + B t₋)))       (A + B(1−φ) ≥ 0),
    G = (√((A + B t₊)(A + B t₋)) − A − B(1−φ)) / (2φAB)   (otherwise),

both free of cancellation. Everything else follows from ``A G + B⟨t/S⟩ = 1`` and implicit
differentiation of the quadratic in ``A`` and ``B`` (``S = A + Bt``), all terms positive:

    ⟨t/S⟩   = G / (1 + φBG)
    ⟨1/S²⟩  = G² (1 + φBG) / (1 + φABG²)
    ⟨t/S²⟩  = G² / ((1 + φBG)(1 + φABG²))
    ⟨t²/S²⟩ = (⟨t/S²⟩ + φG²) / (1 + φBG)²

and, for two shifts ``S₀ = A₀ + Bt``, ``S₁ = A₁ + Bt`` (``Gᵢ = ⟨1/Sᵢ⟩``),

    ⟨1/(S₀S₁)⟩  = G₀G₁(1 + φBG₁) / (1 + φA₀BG₀G₁)
    ⟨t/(S₀S₁²)⟩ = G₀G₁²(1 + φBG₁) / ((1 + φA₁BG₁²)(1 + φA₀BG₀G₁)²(1 + φBG₀)).

At ``B = 0`` these reduce to the moments ``1/A``, ``1/A²``, ``(1+φ)/A²`` … with no division
by ``B``; at φ > 1 the atom is included (``G ≈ (1−1/φ)/A`` as ``A → 0``).

Examples
--------
At φ = 1, ``⟨1/(1 + t)⟩`` is the golden ratio's inverse ``(√5 − 1)/2``:

>>> round(float(trace_inverse(1.0, 1.0, 1.0)), 12)
0.61803398875
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from .validation import check_finite_array, check_int, check_real

__all__ = [
    "mp_edges",
    "mp_atom",
    "mp_density",
    "mp_stieltjes",
    "mp_quadrature",
    "trace_inverse",
    "trace_t_inverse",
    "trace_inverse_squared",
    "trace_t_inverse_squared",
    "trace_t2_inverse_squared",
    "trace_inverse_product",
    "trace_t_inverse_product_squared",
    "OutlierPrediction",
    "spiked_outlier",
    "OneStepOutlier",
    "one_step_outlier",
]


# --------------------------------------------------------------------------------------
# The Marchenko–Pastur law
# --------------------------------------------------------------------------------------


def mp_edges(width_ratio: float, c: float = 1.0) -> tuple[float, float]:
    """Edges ``c(1 ∓ √φ)²`` of the continuous part of ``c·MP(φ)``.

    Parameters
    ----------
    width_ratio : float
        φ = p/d > 0.
    c : float
        Scale c > 0 (the law of ``c t``).

    Returns
    -------
    (float, float)
        ``(t₋, t₊)``.

    Examples
    --------
    >>> mp_edges(4.0), mp_edges(1.0, c=2.0)
    ((1.0, 9.0), (0.0, 8.0))
    """
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    c = check_real("c", c, low=0.0, low_open=True)
    s = math.sqrt(phi)
    return c * (1.0 - s) ** 2, c * (1.0 + s) ** 2


def mp_atom(width_ratio: float) -> float:
    """Mass ``max(0, 1 − 1/φ)`` of the atom at 0 (p > d: W⁰ΠW⁰ᵀ has rank ≤ d).

    Parameters
    ----------
    width_ratio : float
        φ = p/d > 0.

    Returns
    -------
    float

    Examples
    --------
    >>> mp_atom(2.0), mp_atom(0.5)
    (0.5, 0.0)
    """
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    return max(0.0, 1.0 - 1.0 / phi)


def mp_density(t: np.ndarray | float, width_ratio: float, c: float = 1.0) -> np.ndarray:
    """Density of the continuous part of ``c·MP(φ)`` (integrates to ``1 − atom``).

    Parameters
    ----------
    t : float or array_like
        Points (no NaN); 0 outside ``[t₋, t₊]``.
    width_ratio : float
        φ = p/d > 0.
    c : float
        Scale c > 0.

    Returns
    -------
    numpy.ndarray
        The density, the shape of ``t``.

    Examples
    --------
    >>> mp_density([1.0, 5.0], 1.0).round(6).tolist()  # √(t(4 − t))/(2πt) at φ = 1
    [0.275664, 0.0]
    """
    lo, hi = mp_edges(width_ratio, c)
    t = np.asarray(t, dtype=float)
    if np.any(np.isnan(t)):
        raise ValueError(f"t must not contain NaN, got {t!r}")
    inside = (t > lo) & (t < hi)
    tt = np.where(inside, t, 1.0)
    val = np.sqrt(np.maximum((hi - tt) * (tt - lo), 0.0)) / (2.0 * math.pi * width_ratio * c * tt)
    return np.where(inside, val, 0.0)


def mp_quadrature(width_ratio: float, c: float = 1.0, order: int = 200):
    """Nodes/weights of the continuous part of ``c·MP(φ)`` (for tests and plots).

    Substitution ``t = t₋ + (t₊ − t₋) sin²u`` makes the square-root edges smooth; Gauss–Legendre
    in ``u ∈ [0, π/2]``.

    Parameters
    ----------
    width_ratio : float
        φ = p/d > 0.
    c : float
        Scale c > 0.
    order : int
        Number of nodes, 1 to 100 000.

    Returns
    -------
    t, w : numpy.ndarray, shape (order,)
        Nodes and weights, ``Σ w = 1 − atom``.

    Examples
    --------
    >>> t, w = mp_quadrature(0.5)
    >>> round(float(w.sum()), 12), round(float(w @ t), 12), round(float(w @ t**2), 12)
    (1.0, 1.0, 1.5)
    """
    lo, hi = mp_edges(width_ratio, c)
    order = check_int("order", order, low=1, high=100_000)
    x, wl = np.polynomial.legendre.leggauss(order)
    u = 0.25 * math.pi * (x + 1.0)
    wu = 0.25 * math.pi * wl
    s, co = np.sin(u), np.cos(u)
    t = lo + (hi - lo) * s * s
    # ρ(t) dt = (hi−lo)² sin²u cos²u · 2 / (2π φ c t) du
    w = wu * (hi - lo) ** 2 * s * s * co * co / (math.pi * width_ratio * c * t)
    return t, w


def mp_stieltjes(z: complex | np.ndarray, width_ratio: float, c: float = 1.0) -> np.ndarray:
    """``g(z) = ∫ dMP_c(t)/(t − z)`` (atom included) for ``z`` off the support.

    Solves ``φ c z g² + (z − c(1−φ)) g + 1 = 0`` (the Stieltjes transform of the appendix
    book/appendix_marchenko_pastur.md, with t → t/c) and picks the root with
    ``Im g · Im z > 0`` (``g ~ −1/z`` at infinity on the real axis).

    Parameters
    ----------
    z : complex or array_like
        Finite points off ``[t₋, t₊] ∪ {0}`` (a complex z may have any non-zero imaginary
        part).
    width_ratio : float
        φ = p/d > 0.
    c : float
        Scale c > 0.

    Returns
    -------
    numpy.ndarray of complex
        ``g(z)``, the shape of ``z``.

    Examples
    --------
    >>> round(float(mp_stieltjes(-1.0, 1.0).real), 12)  # = trace_inverse(1, 1, 1)
    0.61803398875
    """
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    c = check_real("c", c, low=0.0, low_open=True)
    z = np.asarray(z, dtype=complex)
    lo, hi = mp_edges(phi, c)
    bad = ~np.isfinite(z) | ((z.imag == 0.0) & (((z.real >= lo) & (z.real <= hi)) | (z.real == 0)))
    if np.any(bad):
        raise ValueError(
            f"z must be finite and off the support [{lo:g}, {hi:g}] ∪ {{0}} of c·MP(φ) "
            f"(complex z: any imaginary part ≠ 0), got {z[bad].ravel()[0]!r}"
        )
    a, b = phi * c * z, z - c * (1.0 - phi)
    disc = np.sqrt(b * b - 4.0 * a + 0j)
    r1 = (-b + disc) / (2.0 * a)
    r2 = (-b - disc) / (2.0 * a)
    # the Stieltjes transform maps C⁺ to C⁺ and behaves like −1/z at infinity
    good1 = np.where(
        np.abs(z.imag) > 0, r1.imag * z.imag > 0, np.abs(r1 + 1.0 / z) < np.abs(r2 + 1.0 / z)
    )
    return np.where(good1, r1, r2)


# --------------------------------------------------------------------------------------
# Closed-form traces ⟨f(t)/(A + Bt)^k⟩ under MP(φ) (atom included)
# --------------------------------------------------------------------------------------


def _root_disc(A, B, phi):
    s = math.sqrt(phi)
    return np.sqrt((A + B * (1.0 + s) ** 2) * (A + B * (1.0 - s) ** 2))


def _check_shifts(width_ratio, B, **shifts):
    """Validate the arguments of the public traces: ``φ > 0``, finite ``B ≥ 0`` and finite
    shifts ``A`` off the spectrum (``A > 0``, or ``A < −B t₊`` right of it; at ``B = 0`` any
    ``A ≠ 0``). Returns ``(φ, B, *shifts)`` as floats/arrays."""
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    B = check_finite_array("B", B, low=0.0)
    tplus = (1.0 + math.sqrt(phi)) ** 2
    out = []
    for name, A in shifts.items():
        A = check_finite_array(name, A)
        on_support = (A <= 0.0) & (A >= -B * tplus)
        if np.any(on_support):
            first = float(np.broadcast_to(A, on_support.shape)[on_support].ravel()[0])
            b = B.item() if B.size == 1 else "(array)"
            raise ValueError(
                f"{name} must be > 0 (or < -B·(1+√φ)² = right of the spectrum, where the "
                f"trace is defined), got {first!r} with B={b!r}, width_ratio={phi:g}"
            )
        out.append(A)
    return (phi, B, *out)


def _trace_inverse(A, B, phi):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    lin = A + B * (1.0 - phi)
    root = _root_disc(A, B, phi)
    with np.errstate(divide="ignore", invalid="ignore"):
        pos_plus = 2.0 / (lin + root)
        pos_minus = (root - lin) / (2.0 * phi * A * B)
        neg = 2.0 / (lin - root)
    out = np.where(lin >= 0.0, pos_plus, pos_minus)
    out = np.where(A < 0.0, neg, out)
    return out[()] if out.ndim == 0 else out


def _trace_inverse_squared(A, B, phi, G):
    return G * G * (1.0 + phi * B * G) / (1.0 + phi * A * B * G * G)


def _trace_t_inverse_squared(A, B, phi, G):
    return G * G / ((1.0 + phi * B * G) * (1.0 + phi * A * B * G * G))


def trace_inverse(A, B, width_ratio: float):
    """``G = ⟨1/(A + Bt)⟩`` under MP(φ) (atom included).

    For ``A > 0, B ≥ 0`` (inside the solver) the stable root of ``φABG² + (A+B(1−φ))G − 1 = 0``;
    for ``A < −B t₊`` (real points right of the spectrum, for the outlier) the negative root.

    Parameters
    ----------
    A : float or array_like
        Shift, off the spectrum: ``A > 0``, or ``A < −B t₊``.
    B : float or array_like
        Slope ``B ≥ 0`` (broadcast against ``A``).
    width_ratio : float
        φ = p/d > 0.

    Returns
    -------
    float or numpy.ndarray
        ``G``, of the broadcast shape of ``A`` and ``B``.

    Raises
    ------
    ValueError
        Shifts on the spectrum (``−B t₊ ≤ A ≤ 0``), negative ``B`` or non-finite values.

    Examples
    --------
    >>> float(trace_inverse(2.0, 0.0, 0.5))  # B = 0: 1/A
    0.5
    """
    phi, B, A = _check_shifts(width_ratio, B, A=A)
    return _trace_inverse(A, B, phi)


def trace_t_inverse(A, B, width_ratio: float, G=None):
    """``⟨t/(A + Bt)⟩ = G/(1 + φBG)``.

    Parameters
    ----------
    A, B, width_ratio
        As in :func:`trace_inverse`.
    G : float or array_like, optional
        ``trace_inverse(A, B, width_ratio)`` if already computed.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(float(trace_t_inverse(1.0, 1.0, 1.0)), 12)  # 1 − ⟨1/(1 + t)⟩
    0.38196601125
    """
    phi, B, A = _check_shifts(width_ratio, B, A=A)
    G = _trace_inverse(A, B, phi) if G is None else G
    return G / (1.0 + phi * B * G)


def trace_inverse_squared(A, B, width_ratio: float, G=None):
    """``⟨1/(A + Bt)²⟩ = G²(1 + φBG)/(1 + φABG²)``.

    Parameters
    ----------
    A, B, width_ratio, G
        As in :func:`trace_t_inverse`.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> float(trace_inverse_squared(2.0, 0.0, 0.5))  # B = 0: 1/A²
    0.25
    """
    phi, B, A = _check_shifts(width_ratio, B, A=A)
    G = _trace_inverse(A, B, phi) if G is None else G
    return _trace_inverse_squared(A, B, phi, G)


def trace_t_inverse_squared(A, B, width_ratio: float, G=None):
    """``⟨t/(A + Bt)²⟩ = G²/((1 + φBG)(1 + φABG²))``.

    Parameters
    ----------
    A, B, width_ratio, G
        As in :func:`trace_t_inverse`.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> float(trace_t_inverse_squared(1.0, 0.0, 0.5))  # B = 0: E[t]/A² = 1
    1.0
    """
    phi, B, A = _check_shifts(width_ratio, B, A=A)
    G = _trace_inverse(A, B, phi) if G is None else G
    return _trace_t_inverse_squared(A, B, phi, G)


def trace_t2_inverse_squared(A, B, width_ratio: float, G=None):
    """``⟨t²/(A + Bt)²⟩ = (⟨t/S²⟩ + φG²)/(1 + φBG)²``.

    Parameters
    ----------
    A, B, width_ratio, G
        As in :func:`trace_t_inverse`.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> float(trace_t2_inverse_squared(1.0, 0.0, 0.5))  # B = 0: E[t²]/A² = 1 + φ
    1.5
    """
    phi, B, A = _check_shifts(width_ratio, B, A=A)
    G = _trace_inverse(A, B, phi) if G is None else G
    t1 = _trace_t_inverse_squared(A, B, phi, G)
    return (t1 + phi * G * G) / (1.0 + phi * B * G) ** 2


def trace_inverse_product(A0, A1, B, width_ratio: float):
    """``⟨1/((A₀ + Bt)(A₁ + Bt))⟩ = G₀G₁(1 + φBG₁)/(1 + φA₀BG₀G₁)`` (symmetric in A₀, A₁).

    Parameters
    ----------
    A0, A1 : float or array_like
        The two shifts, each as ``A`` of :func:`trace_inverse`.
    B, width_ratio
        As in :func:`trace_inverse`.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> float(trace_inverse_product(1.0, 2.0, 0.0, 0.5))  # B = 0: 1/(A₀A₁)
    0.5
    """
    phi, B, A0, A1 = _check_shifts(width_ratio, B, A0=A0, A1=A1)
    G0, G1 = _trace_inverse(A0, B, phi), _trace_inverse(A1, B, phi)
    return G0 * G1 * (1.0 + phi * B * G1) / (1.0 + phi * A0 * B * G0 * G1)


def trace_t_inverse_product_squared(A0, A1, B, width_ratio: float):
    """``⟨t/((A₀ + Bt)(A₁ + Bt)²)⟩`` in closed form (module docstring).

    Parameters
    ----------
    A0, A1, B, width_ratio
        As in :func:`trace_inverse_product`.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> float(trace_t_inverse_product_squared(1.0, 2.0, 0.0, 0.5))  # B = 0: E[t]/(A₀A₁²)
    0.25
    """
    phi, B, A0, A1 = _check_shifts(width_ratio, B, A0=A0, A1=A1)
    G0, G1 = _trace_inverse(A0, B, phi), _trace_inverse(A1, B, phi)
    num = G0 * G1 * G1 * (1.0 + phi * B * G1)
    den = (
        (1.0 + phi * A1 * B * G1 * G1) * (1.0 + phi * A0 * B * G0 * G1) ** 2 * (1.0 + phi * B * G0)
    )
    return num / den


# --------------------------------------------------------------------------------------
# The outlier of a rank-one perturbed rectangular matrix (Benaych-Georges & Nadakuditi)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutlierPrediction:
    """Top singular value of ``X + θ a bᵀ`` (``X = √c W⁰`` p×d, unit ``a ∈ R^p``, ``b ∈ R^d``).

    Attributes
    ----------
    value : float
        The outlier singular value (the bulk edge ``√c(1+√φ)`` below threshold).
    threshold : float
        The critical strength ``s_c = √c φ^{1/4}``.
    left_overlap : float
        ``⟨ũ, a⟩²``, the squared overlap of the top left singular vector with ``a`` (0 below
        threshold).
    right_overlap : float
        ``⟨ṽ, b⟩²``, the same on the right.
    edge : float
        The bulk's top singular value.
    strength : float
        The spike strength ``s = √c ϑ`` (``theta`` is a deprecated alias of this field).
    detached : bool
        ``strength > threshold`` (property).
    """

    value: float
    threshold: float
    left_overlap: float
    right_overlap: float
    edge: float
    strength: float

    @property
    def detached(self) -> bool:
        return self.strength > self.threshold

    @property
    def theta(self) -> float:
        """Deprecated alias of :attr:`strength` (θ is the teacher direction in this book)."""
        warnings.warn("OutlierPrediction.theta is deprecated; use .strength", DeprecationWarning,
                      stacklevel=2)
        return self.strength


def _d_transform(z: float, c: float, phi: float) -> tuple[float, float, float, float]:
    """``φ₁(z) = ⟨z/(z² − λ)⟩_p``, ``φ₂(z) = ⟨z/(z² − λ)⟩_d``, ``D = φ₁φ₂`` and ``D'`` at z > edge.

    ``λ = c t``, ``t ~ MP(φ)`` over the p side; the d side has the same nonzero eigenvalues plus
    ``d − p`` zeros: ``φ₂ = φ φ₁ + (1 − φ)/z``.
    """
    A, B = -z * z, c
    G = float(_trace_inverse(A, B, phi))  # ⟨1/(−z² + ct)⟩ < 0
    G2 = float(_trace_inverse_squared(A, B, phi, G))  # ⟨1/(ct − z²)²⟩
    m = -G  # ⟨1/(z² − λ)⟩
    dm = -2.0 * z * G2  # d/dz ⟨1/(z² − λ)⟩
    phi1 = z * m
    dphi1 = m + z * dm
    phi2 = phi * phi1 + (1.0 - phi) / z
    dphi2 = phi * dphi1 - (1.0 - phi) / (z * z)
    return phi1, phi2, phi1 * phi2, dphi1 * phi2 + phi1 * dphi2


def spiked_outlier(
    *,
    strength: float | None = None,
    c: float = 1.0,
    width_ratio: float = 1.0,
    theta: float | None = None,
) -> OutlierPrediction:
    """BBP transition of ``√c W⁰ + s a bᵀ`` (``s`` = ``strength``) in the limit ``d → ∞``
    (Benaych-Georges & Nadakuditi, *The singular values and vectors of low rank perturbations of
    large rectangular random matrices*, 2012, Thm 2.9–2.10).

    With the D-transform ``D(z) = φ₁(z)φ₂(z)`` of the bulk singular values: the outlier ``ρ``
    solves ``D(ρ) = 1/s²`` when ``s > s_c = D(edge⁺)^{−1/2}``, and
    ``⟨ũ, a⟩² = −2φ₁(ρ)/(s² D'(ρ))``, ``⟨ṽ, b⟩² = −2φ₂(ρ)/(s² D'(ρ))``.
    For MP, ``s_c = √c φ^{1/4}`` (rows of unit norm: ``s_c⁴ = c² φ``). The book writes the
    perturbation in units of the bulk, ``√c ϑ a bᵀ`` (appendix on Marchenko–Pastur, the BBP
    theorem): ``strength = √c ϑ`` and the threshold is ``ϑ > φ^{1/4}``. (θ is the teacher
    direction in this book, never a strength.)

    Parameters
    ----------
    strength : float
        Spike strength ``s = √c ϑ ≥ 0``.
    c : float
        Bulk scale c > 0.
    width_ratio : float
        φ = p/d > 0.
    theta : float, optional
        Deprecated name of ``strength``.

    Returns
    -------
    OutlierPrediction

    Examples
    --------
    Square case (φ = 1, c = 1): ``ρ = s + 1/s`` and squared overlaps ``1 − 1/s²``:

    >>> out = spiked_outlier(strength=2.0)
    >>> round(out.value, 10), round(out.left_overlap, 10), out.detached
    (2.5, 0.75, True)
    >>> spiked_outlier(strength=0.5).value  # below s_c = 1: the bulk edge
    2.0
    """
    if theta is not None:
        if strength is not None:
            raise TypeError("spiked_outlier: give strength= only (theta= is its deprecated name)")
        warnings.warn("spiked_outlier(theta=...) is deprecated; use strength=", DeprecationWarning,
                      stacklevel=2)
        strength = theta
    if strength is None:
        raise TypeError("spiked_outlier: missing the keyword argument 'strength'")
    strength = check_real("strength", strength, low=0.0)
    c = check_real("c", c, low=0.0, low_open=True)
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    edge = math.sqrt(c) * (1.0 + math.sqrt(phi))
    threshold = math.sqrt(c) * phi**0.25
    if strength <= threshold:
        return OutlierPrediction(edge, threshold, 0.0, 0.0, edge, strength)
    target = 1.0 / strength**2
    # D decreases from D(edge) = 1/s_c² to 0 on (edge, ∞); bracket and bisect/secant (brentq)
    from scipy.optimize import brentq

    hi = edge + strength + 1.0
    while _d_transform(hi, c, phi)[2] > target:
        hi *= 2.0
    lo = edge * (1.0 + 1e-15) + 1e-300
    rho = brentq(lambda z: _d_transform(z, c, phi)[2] - target, lo, hi, xtol=1e-15, rtol=1e-15)
    p1, p2, _, dD = _d_transform(rho, c, phi)
    left = -2.0 * p1 / (strength**2 * dD)
    right = -2.0 * p2 / (strength**2 * dD)
    return OutlierPrediction(rho, threshold, left, right, edge, strength)


@dataclass(frozen=True)
class OneStepOutlier:
    """The outlier of a one-step layer (:func:`one_step_outlier`).

    Attributes
    ----------
    singular_value : float
        The top singular value ``ρ``.
    threshold : float
        The BBP threshold ``s_c = √c φ^{1/4}`` (always far below the strength ``s = r√p``).
    left_overlap : float
        Squared overlap of the top left singular vector with ``1_p/√p``.
    right_overlap : float
        Squared overlap of the top right singular vector with ``v/√d``.
    target_overlap : float
        Squared overlap of the top right singular vector with ``θ/√d``: ``γ²·right_overlap``.
    """

    singular_value: float
    threshold: float
    left_overlap: float
    right_overlap: float
    target_overlap: float

    def __getitem__(self, key: str) -> float:
        """Deprecated dictionary access (``one_step_outlier`` returned a dict before)."""
        warnings.warn("one_step_outlier(...)[key] is deprecated; use the attribute "
                      f".{key}", DeprecationWarning, stacklevel=2)
        return getattr(self, key)


def one_step_outlier(
    *, c: float, r: float, d: int, width_ratio: float = 1.0, gamma: float = 1.0
) -> OneStepOutlier:
    """Outlier of the sRF layer ``W¹ = √c W⁰ + (r/√d) 1_p vᵀ`` at dimension ``d``.

    Here ``s a bᵀ`` has ``a = 1_p/√p``, ``b = v/√d`` and ``s = r√p``: in the giant-step scaling
    the spike grows like ``√d`` while the bulk stays O(1), so the outlier is always detached,
    ``ρ = s(1 + O(1/d))`` and the overlaps tend to 1 at rate 1/d. Returns the singular value,
    the squared overlaps of the singular vectors with ``1/√p`` and with ``v/√d``, and the
    squared overlap of the right singular vector with the teacher direction ``θ/√d`` (``γ²``
    times the latter).

    Parameters
    ----------
    c, r : float
        Bulk variance c > 0 and spike strength r ≥ 0 (:func:`onestep_lib.spike.spike_parameters`).
    d : int
        Dimension, ≥ 2 (``p = round(φ d)``).
    width_ratio : float
        φ = p/d > 0.
    gamma : float
        Overlap γ ∈ [−1, 1] of the spike direction with θ.

    Returns
    -------
    OneStepOutlier
        ``singular_value``, ``threshold``, ``left_overlap``, ``right_overlap`` and
        ``target_overlap``.

    Examples
    --------
    >>> out = one_step_outlier(c=1.01897, r=1.13406, d=1000, gamma=0.97185)
    >>> round(out.singular_value, 2), round(out.target_overlap, 3)
    (35.89, 0.944)
    """
    d = check_int("d", d, low=2)
    c = check_real("c", c, low=0.0, low_open=True)
    r = check_real("r", r, low=0.0)
    width_ratio = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    gamma = check_real("gamma", gamma, low=-1.0, high=1.0)
    p = max(1, int(round(width_ratio * d)))
    pred = spiked_outlier(strength=r * math.sqrt(p), c=c, width_ratio=width_ratio)
    return OneStepOutlier(
        singular_value=pred.value,
        threshold=pred.threshold,
        left_overlap=pred.left_overlap,
        right_overlap=pred.right_overlap,
        target_overlap=gamma**2 * pred.right_overlap,
    )


# --------------------------------------------------------------------------------------
# Names that moved to onestep_lib.theory.traces (deprecated here for one release)
# --------------------------------------------------------------------------------------

_MOVED = {
    "SpectralTraces": "SpectralTraces",
    "AsymptoticSpectrum": "IsotropicTraces",
    "AnisotropicSpectrum": "AnisotropicTraces",
    "FiniteSpectrum": "FiniteTraces",
    "sample_first_layer": "sample_first_layer",
}


def __getattr__(name: str):
    if name in _MOVED:

        from .theory import traces

        new = _MOVED[name]
        warnings.warn(
            f"onestep_lib.spectra.{name} is deprecated; use onestep_lib.theory.traces.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        obj = getattr(traces, new)
        if name == "FiniteSpectrum":
            return obj.isotropic
        return obj
    raise AttributeError(f"module 'onestep_lib.spectra' has no attribute {name!r}")
