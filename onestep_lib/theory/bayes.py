"""The Bayes-optimal test error of the single-index problem (information-theoretic baseline).

The data are those of the course (book/notation.ipynb; the baseline is drawn in
book/feature_learning_beyond.ipynb): ``x ~ N(0, I_d)``,
``y = σ*(z) + √Δ ξ`` with ``z = ⟨θ, x⟩/√d``, ``n = α d`` samples, and a Gaussian prior
``θ ~ N(0, I_d)`` (asymptotically the same as θ uniform on the sphere of radius √d). The
Bayes-optimal estimator uses all ``n`` samples at once; its error is the best any method can
reach with the same data. Its
asymptotics (Barbier, Krzakala, Macris, Miolane, Zdeborová, PNAS 2019) are given by a
one-dimensional state evolution.

**State evolution.** With the output partition function (``V = 1 − q``)

    Z_out(y, ω, V) = ∫ Dz' N(y; σ*(ω + √V z'), Δ),     g_out = ∂_ω log Z_out,

and ``ω ~ N(0, q)``, ``y | ω ~ Z_out(·, ω, V)`` (which is the law of ``y`` given ω when the
true ``z = ω + √V w``):

    q̂ = α E[g_out²] =: α Ê(V),      q = q̂ / (1 + q̂)      (Gaussian prior).

The replica free entropy (per dimension) is

    Φ(q, q̂) = −q q̂/2 + Ψ_prior(q̂) + α Ψ_out(q),
    Ψ_prior(q̂) = (q̂ − log(1 + q̂))/2,     Ψ_out(q) = E_{ω,y}[log Z_out(y, ω, 1 − q)],

and the state evolution is its stationarity condition (``∂_q̂ Φ = 0`` gives the prior update,
``∂_q Φ = 0`` gives ``q̂ = 2α Ψ_out'(q) = α Ê``; the test suite checks ``2Ψ_out' = Ê``
numerically). **Convention:** the Bayes-optimal fixed point is the stable one with the
*largest* free entropy Φ (the smallest free energy ``−Φ``); "lowest free entropy" in loose
wording means the lowest free *energy*.

**All fixed points at once.** Eliminating ``q̂`` gives ``V = 1/(1 + α Ê(V))``, that is

    α = A(V) := (1 − V) / (V Ê(V)),

and ``Ê`` does not depend on α. So the module tabulates ``log A`` once per (teacher, Δ) on a
grid of ``t = log(V/(1 − V))``, reads every fixed point of every α off the table (a cubic
spline), and polishes each one by Newton steps on the exact ``Ê``. A fixed point is stable
when ``A`` decreases with ``V``. The *uninformed* fixed point is the one reached from
``q = 0⁺`` (what approximate message passing reaches from a random start: the largest stable
``V``); the *informed* one is reached from ``q = 1⁻`` (the smallest stable ``V``). At a fixed
point ``q̂ = (1 − V)/V`` and ``Φ = (1 − V)/2 + (log V)/2 + α Ψ_out(V)``.

**Thresholds.** For a teacher with ``E[z | y] = 0`` (even teachers such as He2) ``q = 0`` is a
fixed point, stable while ``α < α_c = 1/E_y[(E[z² | y] − 1)²]``: weak recovery is impossible
below ``α_c`` (``α_c = 1/E[He2²] = 1/2`` for the noiseless He2 teacher). For a noiseless
channel that is locally invertible with probability ``p_inv`` (the mass of the inputs where
σ*' ≠ 0: 1 for tanh, sin, He2, 1/2 for ReLU), ``VÊ(V) → p_inv`` as ``V → 0``, so ``q = 1``
(perfect recovery, test error 0) is a stable fixed point with ``Φ = +∞`` once
``α > 1/p_inv``: with noiseless labels the Bayes-optimal error is exactly zero for
``α > 1/p_inv`` (for an injective teacher such as tanh, ``Ê = 1/V`` and ``q = min(α, 1)``
exactly, as for a linear teacher).

**Test error.** Given the data and a new ``x``, the posterior of ``z_new`` is ``N(ω, 1 − q)``
with ``(z, ω)`` jointly Gaussian, ``E[ω²] = E[zω] = q``; the Bayes-optimal prediction of the
noiseless target is ``m(ω) = E_{z'}[σ*(ω + √(1−q) z')]`` and, since ``E[σ*(z) m(ω)] = E[m²]``
(Nishimori),

    ε_Bayes = E[σ*(z)²] − E_{ω ~ N(0, q)}[m(ω)²].

**Quadrature.** ω ~ N(0, q) by Gauss–Legendre panels, split near the critical points of σ*
(there the posterior hesitates between preimages and the integrand changes over a width
``~√V``). ``Δ > 0``: ``Z_out`` and ``∂_ω Z_out`` on a uniform y-grid (step ``√Δ/2``; the
trapezoid rule is spectrally accurate because ``Z_out`` is a Gaussian smoothing in y), from a
fixed u-grid of Gauss–Legendre panels that resolves the kernel ``N(y; σ*(u), Δ)`` (panel width
``3√Δ/max|σ*'|``, split at kinks; a banded sparse matrix); when the Gaussian ``N(u; ω, V)``
is narrower than the panels, ``u = ω + √V w'`` by Gauss–Hermite (Gauss–Legendre split at
kinks) around each ω instead. The cost grows like ``max|σ*'|/Δ``, so ``0 < Δ < 1e-4`` is
refused (use ``noise=0``). ``Δ = 0``: the exact noiseless channel. σ* is cut into monotone
branches and flat pieces on ``[−7, 7]``; ``Z_out(y)`` is the sum over the preimages ``u_b``
of ``y`` of ``N(u_b; ω, V)/|σ*'(u_b)|``, plus an atom ``P(u ∈ flat piece)`` at the value of
a flat piece (ReLU: ``y = 0``); the expectation over ``u = ω + √V w`` uses Gauss–Legendre
panels split at the critical points and at the preimages of the critical values. There
``Ψ_out`` leaves out the constant ``−E[log|σ*'(u)|]`` (the same at every V, so Φ is defined
up to ``α`` times a constant: comparisons at one α are exact).

**Accuracy** (measured): ``2Ψ_out' = Ê`` to 1e-8 relative; the linear teacher equals its
closed form to 1e-10; quadrature settings doubled move ``Ê`` by < 1e-7 (tanh, sin, ReLU, He2),
by 1e-4 for the noiseless He3 teacher, whose critical values are also taken at regular points
of another branch (an inverse square-root singularity of ``Z_out``). The table assumes that
``Ê`` decreases with ``V`` (more information, larger ``Ê``) to bound where the roots lie.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse
from scipy.interpolate import CubicSpline
from scipy.special import log_ndtr, logsumexp, xlogy

from ..activations import (
    Activation,
    gaussian_moments,
    gaussian_nodes,
    get_activation,
    hermite_coefficients,
)
from ..validation import check_array, check_choice, check_int, check_real

__all__ = ["BayesOptimalCurve", "BayesOptimalResult", "bayes_optimal_error"]

#: Smallest positive label-noise variance accepted (the grid cost grows like 1/Δ).
NOISE_MIN = 1e-4
#: Largest sample ratio accepted.
ALPHA_MAX = 1e6
#: Half-width of the window for u ~ N(0, 1) (P(|u| > 7) = 2.6e-12).
_U = 7.0
#: Gauss–Hermite nodes in w' for u = ω + √V w' when the Gaussian is narrower than the panels.
_LOCAL_NODES = 40
#: Gauss–Legendre order and width (in kernel scales √Δ/max|σ*'|) of the u-panels.
_PANEL_ORDER = 12
_PANEL_WIDTH = 3.0
#: y-grid step and padding, in units of √Δ.
_Y_STEP = 0.5
_Y_PAD = 10.0
#: Gauss–Legendre order per segment of the noiseless outer integral, and fixed breakpoints
#: in w (u = ω + √V w) so that each segment holds a few standard deviations at most.
_SEGMENT_ORDER = 16
_W_BREAKS = np.array([-6.0, -3.0, 0.0, 3.0, 6.0])
#: Gauss–Legendre order per segment of the ω-rule (same fixed breakpoints, in units of √q).
_OMEGA_ORDER = 10
#: Points of the uniform tables of the branch inverses.
_INVERSE_POINTS = 16385
#: Grid of t = log(V/(1−V)) for the table of log A.
_T_MAX = 20.7
_T_STEP = 0.5
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BayesOptimalResult:
    """The Bayes-optimal test error at one sample ratio (see the module docstring).

    ``test_error``: ``E[σ*²] − E[m(ω)²]`` at the chosen fixed point; ``overlap``: ``q`` (the
    squared correlation ``⟨θ̂, θ⟩/d = ‖θ̂‖²/d`` of the posterior mean with θ); ``q_hat``;
    ``free_entropy``: Φ at that point (``+inf`` for noiseless perfect recovery; defined up
    to a constant that is the same for every fixed point at the same α and Δ);
    ``fixed_point``: ``"uninformed"`` (reached from ``q = 0⁺``, what AMP reaches; also when
    the fixed point is unique) or ``"informed"`` (reached from ``q = 1⁻``);
    ``informed_*``/``uninformed_*``: both branches (equal when the fixed point is unique);
    ``n_fixed_points``: number of stable fixed points; ``converged``/``iterations``/
    ``residual``: Newton polish of the chosen point, ``residual = |V − 1/(1 + αÊ(V))|`` with
    ``Ê`` evaluated directly (0 at the exact points ``q = 0`` and ``q = 1``).
    """

    test_error: float
    overlap: float
    q_hat: float
    free_entropy: float
    fixed_point: str
    informed_overlap: float
    informed_test_error: float
    uninformed_overlap: float
    uninformed_test_error: float
    n_fixed_points: int
    converged: bool
    iterations: int
    residual: float
    teacher: str
    alpha: float
    noise: float
    start: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"BayesOptimalResult(test_error={self.test_error:.6g}, overlap={self.overlap:.6g}, "
            f"teacher={self.teacher}, alpha={self.alpha:g}, noise={self.noise:g}, "
            f"fixed_point={self.fixed_point}, n_fixed_points={self.n_fixed_points}, "
            f"converged={self.converged})"
        )

    def __float__(self) -> float:
        return self.test_error


@dataclass(frozen=True)
class BayesOptimalCurve:
    """:class:`BayesOptimalResult` along an array of α (same fields, as arrays)."""

    alphas: np.ndarray
    test_error: np.ndarray
    overlap: np.ndarray
    q_hat: np.ndarray
    free_entropy: np.ndarray
    fixed_point: np.ndarray
    informed_overlap: np.ndarray
    informed_test_error: np.ndarray
    uninformed_overlap: np.ndarray
    uninformed_test_error: np.ndarray
    n_fixed_points: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    residual: np.ndarray
    teacher: str
    noise: float
    start: str
    results: tuple[BayesOptimalResult, ...] = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "results"}

    def __str__(self) -> str:
        return (
            f"BayesOptimalCurve({len(self.alphas)} points, teacher={self.teacher}, "
            f"noise={self.noise:g}, alpha {self.alphas[0]:g}..{self.alphas[-1]:g}, "
            f"test_error {self.test_error[0]:.4g}..{self.test_error[-1]:.4g})"
        )


# --------------------------------------------------------------------------------------
# Output channels: Ê(V) = E[g_out²] and Ψ_out(V) = E[log Z_out]
# --------------------------------------------------------------------------------------


def _gl_panels(a: float, b: float, width: float, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes and weights on [a, b] with panels of width ≤ width."""
    n = max(1, int(math.ceil((b - a) / width)))
    x, w = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(a, b, n + 1)
    lo, hi = edges[:-1, None], edges[1:, None]
    half = 0.5 * (hi - lo)
    return (lo + half * (x + 1.0)).ravel(), (half * w).ravel()


class _Table:
    """Values of ``log A`` on a grid of ``t = log(V/(1 − V))`` and their cubic spline."""

    def __init__(self, t: np.ndarray, log_a: np.ndarray):
        self.t = t
        self.log_a = log_a
        self.spline = CubicSpline(t, log_a)

    def copy(self) -> _Table:
        return _Table(self.t.copy(), self.log_a.copy())

    def add_point(self, t: float, log_a: float) -> None:
        """Insert an exact value (the roots of nearby α in the same call get closer)."""
        if not math.isfinite(log_a) or not self.t[0] < t < self.t[-1]:
            return
        j = int(np.searchsorted(self.t, t))
        if min(t - self.t[j - 1], self.t[j] - t) < 0.02:
            return
        self.t = np.insert(self.t, j, t)
        self.log_a = np.insert(self.log_a, j, log_a)
        self.spline = CubicSpline(self.t, self.log_a)


class _Channel:
    """Common part: the table of ``log A(t)``, built lazily and cached per channel."""

    def __init__(self, act: Activation, noise: float):
        self.act = act
        self.noise = noise
        self._values: dict[int, float] = {}

    def moments(self, V: float) -> tuple[float, float]:  # pragma: no cover - abstract
        raise NotImplementedError

    def log_A(self, t: float) -> tuple[float, float, float]:
        """``(log A, Ê, Ψ_out)`` at ``V = 1/(1 + e^{−t})``."""
        V = 1.0 / (1.0 + math.exp(-t))
        e_hat, psi = self.moments(V)
        # A = (1 − V)/(V Ê) = e^{−t}/Ê
        logA = -t - math.log(e_hat) if e_hat > 0 else math.inf
        return logA, e_hat, psi

    def table(self, t_lo: float, t_hi: float) -> _Table:
        """The table on the lattice ``t = k·_T_STEP`` covering ``[t_lo, t_hi]`` (plus two
        points of margin), computed once per lattice point and cached."""
        k_lo = int(math.floor(t_lo / _T_STEP)) - 2
        k_hi = min(int(math.ceil(t_hi / _T_STEP)) + 2, int(math.ceil(_T_MAX / _T_STEP)))
        ks = range(k_lo, k_hi + 1)
        for k in ks:
            if k not in self._values:
                self._values[k] = min(self.log_A(k * _T_STEP)[0], 1e300)
        return _Table(np.array([k * _T_STEP for k in ks]), np.array([self._values[k] for k in ks]))


class _NoisyChannel(_Channel):
    """Δ > 0: y-grid × u-grid quadrature (module docstring)."""

    def __init__(self, act: Activation, noise: float):
        super().__init__(act, noise)
        sd = math.sqrt(noise)
        self.sd = sd
        us = np.linspace(-_U, _U, 20001)
        dmax = float(np.max(np.abs(np.asarray(act.derivative(us), dtype=float))))
        self.dmax = dmax
        self.kscale = sd / max(dmax, 1e-300)
        kinks = sorted(float(k) for k in act.kinks if -_U < k < _U)
        self.kinks = np.asarray(kinks, dtype=float)
        self.boundaries = _structure(act).boundaries
        edges = [-_U, *kinks, _U]
        width = min(_PANEL_WIDTH * self.kscale, 0.5)
        nodes, weights = [], []
        for a, b in zip(edges[:-1], edges[1:], strict=True):
            x, w = _gl_panels(a, b, width, _PANEL_ORDER)
            nodes.append(x)
            weights.append(w)
        self.u = np.concatenate(nodes)
        du = np.concatenate(weights)
        # the largest node spacing of the panels decides when the Gaussian N(u; ω, V) is
        # resolved by the fixed grid
        self.spacing = float(np.max(np.diff(self.u)))
        fu = np.asarray(act.fn(self.u), dtype=float)
        ylo = float(fu.min()) - _Y_PAD * sd
        yhi = float(fu.max()) + _Y_PAD * sd
        ny = int(math.ceil((yhi - ylo) / (_Y_STEP * sd))) + 1
        self.y = np.linspace(ylo, yhi, ny)
        self.dy = float(self.y[1] - self.y[0])
        nu = self.u.size
        # banded (|y − σ*(u)| ≤ 10√Δ) and sparse: fewer operations than a dense product, and
        # single-threaded (a multi-threaded BLAS is slower for these sizes on a busy machine)
        half = int(math.ceil(_Y_PAD * sd / self.dy)) + 1
        centre = np.rint((fu - ylo) / self.dy).astype(int)
        rows = centre[None, :] + np.arange(-half, half + 1)[:, None]
        cols = np.broadcast_to(np.arange(nu)[None, :], rows.shape)
        keep = (rows >= 0) & (rows < ny)
        rows, cols = rows[keep], cols[keep]
        vals = np.exp(-0.5 * (self.y[rows] - fu[cols]) ** 2 / noise) / (sd * _SQRT_2PI) * du[cols]
        self.K = sparse.csr_matrix((vals, (rows, cols)), shape=(ny, nu))

    def _local(self, V: float, omega: np.ndarray, order: int = 2):
        """Z, ∂Z (and ∂²Z) on the y-grid from u = ω + √V w' around each ω (narrow Gaussian)."""
        s = math.sqrt(V)
        if self.kinks.size:
            bp = (self.kinks[None, :] - omega[:, None]) / s
            fixed = np.broadcast_to(_W_BREAKS, (omega.size, _W_BREAKS.size))
            w, wt = gaussian_nodes(np.concatenate([bp, fixed], axis=1), order=_SEGMENT_ORDER)
        else:
            w0, wt0 = gaussian_nodes(order=_LOCAL_NODES)
            w = np.broadcast_to(w0, (omega.size, w0.size))
            wt = np.broadcast_to(wt0, w.shape)
        u = omega[:, None] + s * w  # (Nω, M)
        fu = np.asarray(self.act.fn(u), dtype=float)
        # each ω only reaches the y within 10√Δ of σ*(u) for its nodes u: a window of the
        # y-grid per ω (the sums over y below only need Z where it is not negligible)
        pad = _Y_PAD * self.sd
        ny = self.y.size
        k0 = np.floor((fu.min(axis=1) - pad - self.y[0]) / self.dy).astype(int)
        k1 = np.ceil((fu.max(axis=1) + pad - self.y[0]) / self.dy).astype(int)
        width = int(min(np.max(k1 - k0) + 1, ny))
        k0 = np.clip(k0, 0, ny - width)
        y = self.y[k0[:, None] + np.arange(width)[None, :]]  # (Nω, W)
        ker = np.exp(-0.5 * (y[:, :, None] - fu[:, None, :]) ** 2 / self.noise) / (
            self.sd * _SQRT_2PI
        )  # (Nω, W, M)
        Z = np.einsum("ikm,im->ki", ker, wt)
        Zd = np.einsum("ikm,im->ki", ker, wt * w) / s
        out = [Z, Zd]
        if order > 2:
            out.append(np.einsum("ikm,im->ki", ker, wt * (w * w - 1.0)) / V)
        return out

    def _grid(self, V: float, omega: np.ndarray, order: int = 2):
        """Z, ∂Z (and ∂²Z) on the y-grid from the fixed u-grid (wide Gaussian)."""
        diff = self.u[:, None] - omega[None, :]
        A = np.exp(-0.5 * diff**2 / V) / math.sqrt(2.0 * math.pi * V)  # (Nu, Nω)
        blocks = [A, A * diff / V]
        if order > 2:
            blocks.append(A * (diff**2 - V) / V**2)
        prod = np.asarray(self.K @ np.concatenate(blocks, axis=1))
        return np.split(prod, len(blocks), axis=1)

    def _fields(self, V: float, omega: np.ndarray, order: int = 2):
        if math.sqrt(V) >= 1.5 * self.spacing:
            return self._grid(V, omega, order)
        return self._local(V, omega, order)

    @property
    def e_hat_zero(self) -> float:
        """``Ê`` at ``V = 1e-12`` (≈ ``E[σ*'(ω)²]/Δ``)."""
        if not hasattr(self, "_e0"):
            self._e0 = self.moments(1e-12)[0]
        return self._e0

    def moments(self, V: float) -> tuple[float, float]:
        omega, w_omega = _omega_rule(1.0 - V, V, self.boundaries)
        Z, Zd = self._fields(V, omega)
        g2 = np.divide(Zd * Zd, Z, out=np.zeros_like(Z), where=Z > 1e-300)
        e_hat = float(w_omega @ g2.sum(axis=0)) * self.dy
        psi = float(w_omega @ xlogy(Z, Z).sum(axis=0)) * self.dy
        return e_hat, psi

    def weak_recovery_coefficient(self) -> float:
        """``lim_{q→0} Ê/q = E_y[(∂_ω g_out)²]`` at ``ω = 0, V = 1``."""
        Z, Zd, Zdd = self._fields(1.0, np.zeros(1), order=3)
        Z, Zd, Zdd = Z[:, 0], Zd[:, 0], Zdd[:, 0]
        ok = Z > 1e-300
        dg = np.zeros_like(Z)
        dg[ok] = Zdd[ok] / Z[ok] - (Zd[ok] / Z[ok]) ** 2
        return float(np.sum(Z * dg * dg)) * self.dy


def _log_interval(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``log(Φ(hi) − Φ(lo))`` for ``lo < hi``, stable in both tails."""
    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    right = lo > 0  # both in the right tail: use the mirror image
    a = np.where(right, -hi, lo)
    b = np.where(right, -lo, hi)
    la, lb = log_ndtr(a), log_ndtr(b)
    with np.errstate(divide="ignore"):
        return lb + np.log1p(-np.exp(np.minimum(la - lb, 0.0)))


class _Structure:
    """σ* on ``[−7, 7]`` cut into monotone branches and flat pieces, with branch inverses.

    ``boundaries``: critical points, kinks at flat pieces, ends of flat pieces;
    ``breakpoints``: the boundaries and the preimages of the values at the boundaries inside
    other branches (where the number of preimages of ``y`` changes); ``p_inv``: the Gaussian
    mass of the branches.
    """

    def __init__(self, act: Activation):
        self.act = act
        self._inverse: dict[int, tuple[np.ndarray, float, float]] = {}
        us = np.linspace(-_U, _U, 28001)
        d = np.asarray(act.derivative(us), dtype=float)
        scale = float(np.max(np.abs(d))) or 1.0
        sgn = np.where(np.abs(d) <= 1e-12 * scale, 0, np.sign(d)).astype(int)
        kinks = [float(k) for k in act.kinks if -_U < k < _U]
        # runs of constant sign; isolated zeros are critical points, longer runs are flat
        runs: list[list[int]] = []  # [sign, first index, last index]
        for i, s in enumerate(sgn):
            if runs and runs[-1][0] == s:
                runs[-1][2] = i
            else:
                runs.append([int(s), i, i])
        pieces: list[list[Any]] = []  # [kind, sign, first index, last index]
        for s, i0, i1 in runs:
            if s == 0 and i1 == i0 and 0 < i0 < len(us) - 1:
                continue  # an isolated zero of σ*': a boundary, not a piece
            kind = "flat" if s == 0 else "branch"
            if pieces and pieces[-1][0] == kind and pieces[-1][1] == s:
                pieces[-1][3] = i1  # same sign across an isolated zero (e.g. u³)
            else:
                pieces.append([kind, s, i0, i1])
        bounds = [-_U]
        for left, right in zip(pieces[:-1], pieces[1:], strict=True):
            a_i, b_i = left[3], right[2]
            lo, hi = float(us[a_i]), float(us[b_i])
            snap = [k for k in kinks if lo - 1e-12 <= k <= hi + 1e-12]
            if snap:
                bounds.append(snap[0])
            elif b_i - a_i == 2:  # an isolated zero between them
                bounds.append(float(us[a_i + 1]))
            else:
                bounds.append(self._refine(lo, hi, left[1]))
        bounds.append(_U)
        self.branches: list[tuple[float, float, int]] = []
        self.flats: list[tuple[float, float, float]] = []
        self.piece_branch: list[int] = []  # branch index of each piece, −1 for a flat piece
        for piece, a, b in zip(pieces, bounds[:-1], bounds[1:], strict=True):
            if piece[0] == "branch":
                self.piece_branch.append(len(self.branches))
                self.branches.append((a, b, piece[1]))
            else:
                self.piece_branch.append(-1)
                value = float(act.fn(np.array([0.5 * (a + b)]))[0])
                a_ext = -math.inf if a <= -_U else a
                b_ext = math.inf if b >= _U else b
                self.flats.append((a_ext, b_ext, value))
        self.boundaries = np.asarray(bounds[1:-1], dtype=float)
        flat_mass = sum(float(np.exp(_log_interval(a, b))) for a, b, _ in self.flats)
        self.p_inv = max(1.0 - flat_mass, 0.0)
        self.tables = []
        for a, b, s in self.branches:
            ut = np.linspace(a, b, 4097)
            ft = np.asarray(act.fn(ut), dtype=float)
            if s < 0:
                ut, ft = ut[::-1], ft[::-1]
            self.tables.append((ut, ft, float(ft[0]), float(ft[-1])))
        extra = []
        for v in np.asarray(act.fn(self.boundaries), dtype=float):
            for k, (_, _, lo_v, hi_v) in enumerate(self.tables):
                if lo_v < v < hi_v:
                    extra.append(float(self._solve(k, np.array([v]))[0]))
        pts = np.unique(np.round(np.concatenate([self.boundaries, np.asarray(extra)]), 13))
        self.breakpoints = pts[(pts > -_U) & (pts < _U)]
        groups: dict[float, list[tuple[float, float]]] = {}
        for a, b, v in self.flats:
            key = next((k for k in groups if abs(k - v) <= 1e-12 * (1 + abs(v))), v)
            groups.setdefault(key, []).append((a, b))
        self.groups = list(groups.values())

    def _refine(self, lo: float, hi: float, left_sign: int) -> float:
        """The boundary in [lo, hi] where the sign of σ*' changes (bisection)."""
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            dm = float(np.asarray(self.act.derivative(np.array([mid])), dtype=float)[0])
            if np.sign(dm) == left_sign and dm != 0:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)

    def _solve(self, k: int, y: np.ndarray) -> np.ndarray:
        """Preimage of ``y`` on branch ``k``: table bracket + safeguarded Newton (robust)."""
        ut, ft, _, _ = self.tables[k]
        j = np.clip(np.searchsorted(ft, y) - 1, 0, ft.size - 2)
        lo, hi = ut[j], ut[j + 1]
        f_lo, f_hi = ft[j], ft[j + 1]
        span = np.where(f_hi > f_lo, f_hi - f_lo, 1.0)
        u = lo + np.clip((y - f_lo) / span, 0.0, 1.0) * (hi - lo)
        a, b = np.minimum(lo, hi), np.maximum(lo, hi)
        increasing = self.branches[k][2] > 0
        for _ in range(60):
            f = np.asarray(self.act.fn(u), dtype=float) - y
            d = np.asarray(self.act.derivative(u), dtype=float)
            too_large = (f > 0) if increasing else (f < 0)
            b = np.where(too_large, u, b)
            a = np.where(too_large, a, u)
            with np.errstate(divide="ignore", invalid="ignore"):
                un = u - f / d
            bad = ~np.isfinite(un) | (un <= a) | (un >= b)
            un = np.where(bad, 0.5 * (a + b), un)
            done = np.all(np.abs(un - u) <= 1e-15 * (1.0 + np.abs(u)))
            u = un
            if done:
                break
        return u

    def _inverse_table(self, k: int) -> tuple[np.ndarray, float, float]:
        """``u_k`` on a uniform grid of ``τ ∈ [0, 1]``, ``y = lo + (hi − lo)(1 − cos πτ)/2``.

        At an end of the image that is a critical value the inverse behaves like
        ``√(y − y_c)``, which is smooth in τ.
        """
        if k not in self._inverse:
            _, _, lo_v, hi_v = self.tables[k]
            tau = np.linspace(0.0, 1.0, _INVERSE_POINTS)
            yg = lo_v + (hi_v - lo_v) * 0.5 * (1.0 - np.cos(np.pi * tau))
            self._inverse[k] = (self._solve(k, yg), lo_v, hi_v - lo_v)
        return self._inverse[k]

    def invert(self, k: int, y: np.ndarray) -> np.ndarray:
        """Preimage of ``y`` (inside the image) on branch ``k``.

        Linear interpolation in a uniform table of the inverse, then two Newton steps kept
        inside the branch; the few points that are not converged to 1e-13 (next to a
        critical value, where the inverse has a square-root singularity) are solved again
        by the safeguarded solver.
        """
        y = np.asarray(y, dtype=float)
        table, y0, width = self._inverse_table(k)
        a_k, b_k, _ = self.branches[k]
        x = np.arccos(np.clip(1.0 - 2.0 * (y - y0) / width, -1.0, 1.0)) / np.pi
        x = x * (table.size - 1)
        j = np.clip(np.floor(x).astype(int), 0, table.size - 2)
        frac = np.clip(x - j, 0.0, 1.0)
        u = table[j] + frac * (table[j + 1] - table[j])
        for _ in range(2):
            f = np.asarray(self.act.fn(u), dtype=float) - y
            d = np.asarray(self.act.derivative(u), dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                un = u - f / d
            u = np.where(np.isfinite(un), np.clip(un, a_k, b_k), u)
        f = np.asarray(self.act.fn(u), dtype=float) - y
        scale = 1.0 + np.abs(y)
        bad = ~(np.abs(f) <= 1e-13 * scale)
        if np.any(bad):
            u[bad] = self._solve(k, y[bad])
        return u


@lru_cache(maxsize=64)
def _structure(act: Activation) -> _Structure:
    return _Structure(act)


def _omega_rule(q: float, V: float, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for ``ω ~ N(0, q)``.

    Where ω sits near a boundary ``c`` of σ* (a critical point or the end of a flat piece)
    the posterior hesitates between preimages and the integrand changes over a width of
    order ``√V``: the rule is split at ``c`` and ``c ± 3√V``, ``c ± 10√V``, besides fixed
    breakpoints every few standard deviations.
    """
    if q <= 0.0:
        return np.zeros(1), np.ones(1)
    sq, s = math.sqrt(q), math.sqrt(V)
    pts = points[np.abs(points) < 9.0 * sq]
    offsets = np.array([0.0, -3.0, 3.0, -10.0, 10.0]) * s
    bp = ((pts[:, None] + offsets[None, :]).ravel()) / sq
    bp = np.concatenate([bp[np.abs(bp) < 12.0], _W_BREAKS])
    z, w = gaussian_nodes(np.sort(bp), order=_OMEGA_ORDER)
    keep = w > 0
    return sq * z[keep], w[keep]


class _NoiselessChannel(_Channel):
    """Δ = 0: preimages on monotone branches, atoms on flat pieces (module docstring)."""

    def __init__(self, act: Activation):
        super().__init__(act, 0.0)
        self.st = _structure(act)
        self.p_inv = self.st.p_inv

    def _branch_terms(self, V: float, omega: np.ndarray):
        """``E_{u|ω}[g² 1_branch]`` and the V-dependent part of ``E_{u|ω}[log Z 1_branch]``."""
        st = self.st
        s = math.sqrt(V)
        bp = (st.breakpoints[None, :] - omega[:, None]) / s  # (Nω, K)
        fixed = np.broadcast_to(_W_BREAKS, (omega.size, _W_BREAKS.size))
        w, wt = gaussian_nodes(np.concatenate([bp, fixed], axis=1), order=_SEGMENT_ORDER)
        u = omega[:, None] + s * w
        own = np.asarray(st.piece_branch)[np.searchsorted(st.boundaries, u)]
        on_branch = (own >= 0) & (np.abs(u) < _U) & (wt > 0)
        y = np.asarray(self.act.fn(u), dtype=float)
        om = omega[:, None]
        logs, devs = [], []
        own_log = np.zeros(u.shape)
        for k, (_, _, lo_v, hi_v) in enumerate(st.tables):
            mine = (own == k) & on_branch
            a_k, b_k, _ = st.branches[k]
            # a branch farther than 40√V from ω carries a weight below e^{-800}: skip it
            near = (om + 40.0 * s > a_k) & (om - 40.0 * s < b_k)
            inside = on_branch & near & (y > lo_v) & (y < hi_v)
            inside |= mine
            ub = np.where(mine, u, om)
            other = inside & ~mine
            if np.any(other):
                ub[other] = st.invert(k, y[other])
            d = np.maximum(np.abs(np.asarray(self.act.derivative(ub), dtype=float)), 1e-300)
            # log of N(u_b; ω, V)/|σ*'(u_b)| without the constant −log√(2πV)
            lw = np.where(inside, -0.5 * (ub - om) ** 2 / V - np.log(d), -np.inf)
            logs.append(lw)
            devs.append((ub - om) / V)
            own_log = np.where(mine, lw, own_log)
        L = np.where(on_branch[None], np.stack(logs), 0.0)  # (B, Nω, N)
        D = np.stack(devs)
        # log Z = own + log(1 + Σ_other ratio): the ratios are smooth in u where the own
        # weight 1/|σ*'(u)| is not (at critical points); the term −E[log|σ*'(u)|] of Ψ_out
        # does not depend on V (u ~ N(0, 1) marginally) and is left out
        rel = logsumexp(L - own_log[None], axis=0)
        post = np.where(on_branch[None], np.exp(L - (own_log + rel)[None]), 0.0)
        g = np.sum(post * D, axis=0)
        weights = np.where(on_branch, wt, 0.0)
        e = np.sum(weights * g * g, axis=1)
        own_smooth = -0.5 * w * w - _LOG_SQRT_2PI - 0.5 * math.log(V)
        psi = np.sum(weights * np.where(on_branch, own_smooth + rel, 0.0), axis=1)
        return e, psi

    def _flat_terms(self, V: float, omega: np.ndarray):
        """Atoms: ``Z_G = P(u ∈ group)``, exact in u for each ω."""
        s = math.sqrt(V)
        e = np.zeros(omega.size)
        psi = np.zeros(omega.size)
        zero = np.zeros(omega.size)
        for group in self.st.groups:
            logs, dens = [], []
            for a, b in group:
                lo, hi = (a - omega) / s, (b - omega) / s
                logs.append(_log_interval(lo, hi))
                phi_lo = np.exp(-0.5 * lo * lo) / _SQRT_2PI if math.isfinite(a) else zero
                phi_hi = np.exp(-0.5 * hi * hi) / _SQRT_2PI if math.isfinite(b) else zero
                dens.append((phi_lo - phi_hi) / s)
            logZ = logsumexp(np.stack(logs), axis=0)
            Zd = np.sum(np.stack(dens), axis=0)
            ok = np.isfinite(logZ) & (Zd != 0.0)
            with np.errstate(divide="ignore"):
                log_e = 2.0 * np.log(np.abs(Zd)) - np.where(ok, logZ, 0.0)  # Zd²/Z = Z g²
            e += np.where(ok, np.exp(np.minimum(log_e, 700.0)), 0.0)
            fin = np.isfinite(logZ)
            psi += np.where(fin, np.exp(np.where(fin, logZ, 0.0)) * np.where(fin, logZ, 0.0), 0.0)
        return e, psi

    def moments(self, V: float) -> tuple[float, float]:
        omega, w_omega = _omega_rule(1.0 - V, V, self.st.boundaries)
        if self.st.branches:
            e, psi = self._branch_terms(V, omega)
        else:
            e, psi = np.zeros(omega.size), np.zeros(omega.size)
        if self.st.groups:
            e2, psi2 = self._flat_terms(V, omega)
            e, psi = e + e2, psi + psi2
        return float(w_omega @ e), float(w_omega @ psi)

    def weak_recovery_coefficient(self) -> float:
        """``lim_{q→0} Ê/q``: Richardson extrapolation of ``Ê(q)/q`` from ``q = 1e-6, 2e-6``."""
        q = 1e-6
        return 2.0 * self.moments(1.0 - q)[0] / q - self.moments(1.0 - 2.0 * q)[0] / (2.0 * q)


@lru_cache(maxsize=32)
def _channel(act: Activation, noise: float) -> _Channel:
    return _NoiselessChannel(act) if noise == 0.0 else _NoisyChannel(act, noise)


# --------------------------------------------------------------------------------------
# Test error at a given V
# --------------------------------------------------------------------------------------


def _test_error_at(act: Activation, V: float) -> float:
    """``E[σ*²] − E_{ω ~ N(0, 1−V)}[m(ω)²]``, ``m(ω) = E[σ*(ω + √V z')]``."""
    second = hermite_coefficients(act).second_moment
    if V <= 0.0:
        return 0.0
    q = 1.0 - V
    if q <= 0.0:
        return max(second - hermite_coefficients(act).mu0 ** 2, 0.0)
    sq = math.sqrt(q)
    if act.kinks:
        z, w = gaussian_nodes(np.asarray(act.kinks, dtype=float) / sq)
    else:
        z, w = gaussian_nodes()
    m = gaussian_moments(act, shift=sq * z, scale=math.sqrt(V))[0]
    return max(second - float(np.sum(w * m * m)), 0.0)


# --------------------------------------------------------------------------------------
# Fixed points
# --------------------------------------------------------------------------------------


@dataclass
class _Point:
    """A stable fixed point, with the exact ``Ê`` and ``Ψ_out`` where they were evaluated."""

    V: float
    e_hat: float = math.nan
    psi: float = math.nan
    residual: float = 0.0
    iterations: int = 0
    converged: bool = True


def _polish(ch: _Channel, table: _Table, t0: float, alpha: float, tol: float, max_iter: int):
    """Newton on log A(t) = log α with the exact Ê and the spline's slope."""
    log_alpha = math.log(alpha)
    t = t0
    slope_spline = table.spline.derivative()
    logA, e_hat, psi = ch.log_A(t)
    table.add_point(t, logA)
    it = 0
    while True:
        V = 1.0 / (1.0 + math.exp(-t))
        residual = abs(V - 1.0 / (1.0 + alpha * e_hat))
        if residual <= tol or it >= max_iter:
            return V, e_hat, psi, residual, it, residual <= tol
        slope = float(slope_spline(t))
        if slope == 0.0 or not math.isfinite(slope):
            return V, e_hat, psi, residual, it, False
        t = t - (logA - log_alpha) / slope
        it += 1
        logA, e_hat, psi = ch.log_A(t)
        table.add_point(t, logA)


def _table_for(ch: _Channel, alpha_min: float, alpha_max: float) -> _Table:
    """The part of the channel's table where the roots of ``α ∈ [alpha_min, alpha_max]`` lie.

    ``Ê`` decreases with V (less information), so ``A(V) = (1 − V)/(VÊ(V))`` lies between
    ``(1 − V)/(VÊ(0))`` and ``(1 − V)/(VÊ(1))``: a root of ``A = α`` has
    ``V ≥ 1/(1 + αÊ(0))`` and ``q ≥ αÊ(1)/(1 + αÊ(1))``; the table reaches a factor 5
    beyond both. The noiseless table starts at ``V = 1e-9`` (the end ``V → 0`` decides perfect
    recovery), and the table of an even teacher (``Ê(1) = 0``) reaches ``q = 1e-9``.
    """
    t_lo, t_hi = -_T_MAX, _T_MAX
    if isinstance(ch, _NoisyChannel):
        e0 = ch.e_hat_zero
        if e0 > 0 and alpha_max > 0:
            t_lo = math.log(0.2 / (alpha_max * e0))
    e1 = ch.moments(1.0)[0]
    if not _is_even(ch) and e1 > 0 and alpha_min > 0:
        t_hi = min(_T_MAX, math.log(5.0 / (alpha_min * e1)))
    return ch.table(t_lo, max(t_hi, t_lo + 4 * _T_STEP))


def _fixed_points(
    ch: _Channel, table: _Table, alpha: float, tol: float, max_iter: int
) -> list[_Point]:
    """All stable fixed points of ``V = 1/(1 + αÊ(V))``, sorted from ``V = 0`` to ``V = 1``."""
    if alpha == 0.0:
        return [_Point(V=1.0)]
    spline = table.spline
    log_alpha = math.log(alpha)
    slope = spline.derivative()
    points: list[_Point] = []
    # q = 1 end: a noiseless channel has the fixed point V = 0 (perfect recovery), stable
    # when α p_inv > 1 (then VÊ(V) → p_inv and log A → −log p_inv as V → 0)
    if isinstance(ch, _NoiselessChannel) and (
        alpha * ch.p_inv > 1.0 or float(spline(spline.x[0])) < log_alpha
    ):
        points.append(_Point(V=0.0, e_hat=math.inf, psi=-math.inf))
    roots = np.unique(np.round(spline.solve(log_alpha, extrapolate=False), 12))
    for r in roots:
        if not np.isfinite(r) or float(slope(r)) >= 0.0:  # unstable: A increases with V
            continue
        V, e_hat, psi, res, it, ok = _polish(ch, table, float(r), alpha, tol, max_iter)
        points.append(_Point(V=V, e_hat=e_hat, psi=psi, residual=res, iterations=it, converged=ok))
    # q = 0 end: V = 1 is a fixed point when Ê(1) = 0 (no information in the linear part),
    # stable below the weak-recovery threshold α_c = 1/lim(Ê/q)
    if _is_even(ch) and alpha * _weak_recovery(ch) < 1.0:
        points.append(_Point(V=1.0))
    if not points:  # pragma: no cover - guarded by the limits above
        raise RuntimeError(f"no stable fixed point found at alpha={alpha}")
    # the same fixed point found twice (a root of the table next to the exact V = 0 or 1)
    merged: list[_Point] = []
    for p in sorted(points, key=lambda p: (p.V, p.V not in (0.0, 1.0))):
        if merged and abs(p.V - merged[-1].V) <= 1e-6:
            if p.V in (0.0, 1.0):
                merged[-1] = p
            continue
        merged.append(p)
    return merged


@lru_cache(maxsize=64)
def _weak_recovery(ch: _Channel) -> float:
    """``lim_{q→0} Ê/q`` (cached); ``1/`` it is the weak-recovery threshold α_c."""
    return ch.weak_recovery_coefficient()


@lru_cache(maxsize=64)
def _is_even_cached(ch: _Channel) -> bool:
    e_one = ch.moments(1.0)[0]
    e_ref = ch.moments(0.5)[0]
    return abs(e_one) <= 1e-10 * max(abs(e_ref), 1e-300)


def _is_even(ch: _Channel) -> bool:
    """Whether ``Ê(V = 1) = 0``: ``q = 0`` is a fixed point (``E[z | y] = 0``, e.g. He2)."""
    return _is_even_cached(ch)


def _free_entropy(p: _Point, alpha: float, ch: _Channel) -> float:
    """``Φ = (1 − V)/2 + log(V)/2 + α Ψ_out(V)`` at a fixed point."""
    if p.V <= 0.0:
        return math.inf
    psi = p.psi if math.isfinite(p.psi) else ch.moments(p.V)[1]
    return 0.5 * (1.0 - p.V) + 0.5 * math.log(p.V) + alpha * psi


def _solve(
    act: Activation,
    alpha: float,
    noise: float,
    start: str,
    tol: float,
    max_iter: int,
    table: _Table,
) -> BayesOptimalResult:
    ch = _channel(act, noise)
    points = _fixed_points(ch, table, alpha, tol, max_iter)
    informed, uninformed = points[0], points[-1]
    if start == "informed":
        chosen = informed
    elif start == "uninformed":
        chosen = uninformed
    else:
        phis = [_free_entropy(p, alpha, ch) for p in points]
        best = int(np.argmax(phis))
        # ties (a unique fixed point, or equal Φ): prefer the one AMP reaches
        if phis[-1] >= phis[best]:
            best = len(points) - 1
        chosen = points[best]
    phi = _free_entropy(chosen, alpha, ch)
    err = {
        id(p): _test_error_at(act, p.V)
        for p in {id(p): p for p in (informed, uninformed, chosen)}.values()
    }
    V = chosen.V
    q_hat = math.inf if V <= 0.0 else (1.0 - V) / V
    label = "uninformed" if chosen is uninformed else "informed"
    return BayesOptimalResult(
        test_error=err[id(chosen)],
        overlap=1.0 - V,
        q_hat=q_hat,
        free_entropy=phi,
        fixed_point=label,
        informed_overlap=1.0 - informed.V,
        informed_test_error=err[id(informed)],
        uninformed_overlap=1.0 - uninformed.V,
        uninformed_test_error=err[id(uninformed)],
        n_fixed_points=len(points),
        converged=bool(chosen.converged),
        iterations=int(chosen.iterations),
        residual=float(chosen.residual),
        teacher=act.name,
        alpha=alpha,
        noise=noise,
        start=start,
    )


def bayes_optimal_error(
    *,
    teacher: str | Activation,
    alpha: float | np.ndarray,
    noise: float = 0.0,
    start: str = "best",
    tol: float = 1e-10,
    max_iter: int = 20,
) -> BayesOptimalResult | BayesOptimalCurve:
    """Bayes-optimal test error of the single-index problem at sample ratio ``alpha``.

    Solves the state evolution of the Bayes-optimal estimator of θ from ``n = αd`` samples
    ``y = σ*(⟨θ, x⟩/√d) + √Δ ξ`` (Gaussian prior; module docstring) and returns the error of
    the Bayes-optimal predictor of the noiseless target ``σ*(⟨θ, x⟩/√d)``: the best any
    method can do with the same data as ``d → ∞``.

    Parameters
    ----------
    teacher : str or Activation
        σ* (a registered name such as ``"tanh"``, ``"relu"``, ``"he2"``, or an Activation).
    alpha : float or 1-d array of float
        ``α = n/d``, ``0 ≤ α ≤ 1e6``. An array gives a :class:`BayesOptimalCurve`.
    noise : float
        Label-noise variance ``Δ``: ``0`` (the exact noiseless channel) or ``Δ ≥ 1e-4``.
    start : {"best", "uninformed", "informed"}
        Which fixed point to return where several are stable: ``"best"`` the Bayes-optimal
        one (largest free entropy Φ, i.e. smallest free energy; ties go to the uninformed
        one), ``"uninformed"`` the one reached from ``q = 0⁺`` (approximate message passing
        from a random start: the algorithmic error), ``"informed"`` the one reached from
        ``q = 1⁻``. Both are reported in the result either way.
    tol : float
        Tolerance on the fixed-point residual ``|V − 1/(1 + αÊ(V))|``, ``V = 1 − q``.
    max_iter : int
        Newton steps allowed to polish each fixed point read off the table.

    Returns
    -------
    BayesOptimalResult or BayesOptimalCurve
        For a scalar ``alpha``, the result at that point; for an array, arrays of the same
        fields along ``alphas`` (and the per-point results in ``.results``).

    Raises
    ------
    ValueError
        ``alpha`` negative or above 1e6, ``noise`` negative or in ``(0, 1e-4)``, an unknown
        ``teacher`` or ``start``.

    Examples
    --------
    Linear teacher with noise: the closed form ``q̂ = α/(Δ + 1 − q)``, ``q = q̂/(1 + q̂)``.

    >>> r = bayes_optimal_error(teacher="linear", alpha=2.0, noise=0.5)
    >>> round(r.overlap, 6), round(r.test_error, 6)
    (0.719224, 0.280776)

    Noiseless He2 (phase retrieval): no weak recovery below α = 1/2.

    >>> bayes_optimal_error(teacher="he2", alpha=0.4).overlap
    0.0
    """
    act = get_activation(teacher, name="teacher")
    noise = check_real("noise", noise, low=0.0)
    if 0.0 < noise < NOISE_MIN:
        raise ValueError(
            f"noise must be 0 (the exact noiseless channel) or >= {NOISE_MIN:g}, got {noise!r}"
        )
    start = check_choice("start", start, ["best", "uninformed", "informed"])
    tol = check_real("tol", tol, low=0.0, low_open=True)
    max_iter = check_int("max_iter", max_iter, low=0)
    ch = _channel(act, noise)
    if np.ndim(alpha) == 0:
        a = check_real("alpha", alpha, low=0.0, high=ALPHA_MAX)
        return _solve(act, a, noise, start, tol, max_iter, _table_for(ch, a, a))
    alphas = check_array("alpha", alpha, low=0.0)
    if np.any(alphas > ALPHA_MAX):
        raise ValueError(f"alpha entries must be <= {ALPHA_MAX:g}, got {float(alphas.max())!r}")
    # one table for the whole curve: the exact values found while polishing one α are
    # inserted into it and make the next α cheaper (warm start along the curve)
    positive = alphas[alphas > 0]
    a_min = float(positive.min()) if positive.size else 1.0
    table = _table_for(ch, a_min, float(alphas.max()))
    results = tuple(_solve(act, float(a), noise, start, tol, max_iter, table) for a in alphas)

    def arr(name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in results])

    return BayesOptimalCurve(
        alphas=alphas,
        test_error=arr("test_error"),
        overlap=arr("overlap"),
        q_hat=arr("q_hat"),
        free_entropy=arr("free_entropy"),
        fixed_point=arr("fixed_point"),
        informed_overlap=arr("informed_overlap"),
        informed_test_error=arr("informed_test_error"),
        uninformed_overlap=arr("uninformed_overlap"),
        uninformed_test_error=arr("uninformed_test_error"),
        n_fixed_points=arr("n_fixed_points"),
        converged=arr("converged"),
        iterations=arr("iterations"),
        residual=arr("residual"),
        teacher=act.name,
        noise=noise,
        start=start,
        results=results,
    )
