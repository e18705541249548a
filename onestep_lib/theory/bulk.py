"""The true bulk of the one-step layer, at ``d → ∞`` and sampled at finite ``d``.

*This model is an extension of the published theory made for this course* (the published
spiked random-features model replaces the bulk by ``√c W⁰``, which matches only its second
moment; the appendix derivation, ``book/appendix_derivation.md``, section "The true bulk of
the gradient", derives what follows, and the chapter "Where the spiked surrogate stops"
checks it against networks).

**The rows, given the batch.** Row ``i`` of the trained layer is
``w_i¹ = w_i⁰ + (η̃/n0) Σ_μ e_μ σ'(⟨w_i⁰, x_μ⟩) x_μ`` with residual ``e = y − b``
(``b = E[σ]``). Write ``σ'(u) = μ1 + E[σ''] u + σ'_⊥(u)``. The constant part builds the spike
(the mean row, along ``v ∝ Xᵀe``); the linear part multiplies each row by
``T = I + ε P₁``, ``ε = η̃E[σ'']``, ``P₁ = Xᵀ diag(e) X/n0``; the rest is, to the order that
matters, noise independent across neurons with variance ``s⊥² = Var σ' − E[σ'']²``. So the
rows of the bulk are i.i.d. given the batch, with covariance ``Σ/d``,

    Σ = T² + β P₂,     β = η̃² s⊥² / α0,     P₂ = Xᵀ diag(e²) X / n0,

and ``(1/d) tr Σ = τ² + η̃² E[e²] Var(σ')/α0 = c`` (the sRF's bulk variance). At large α0
the ``P``'s concentrate on multiples of the identity and Σ → cI: the isotropic sRF; at α0 of
order one they are spread (weighted Wishart matrices of ratio ``1/α0``), and Σ is not.

**Its resolvent, d → ∞** (what :class:`~onestep_lib.theory.traces.RowCovarianceTraces`
needs). ``(I + τΣ)⁻¹`` is the top-left block of the inverse of the linear pencil

    L = A₀ ⊗ I_d + (1/n0) Σ_μ B_μ ⊗ x_μ x_μᵀ,   A₀ = [[1, √τ], [√τ, −1]],
    B_μ = [[τβe_μ², √τ ε e_μ], [√τ ε e_μ, 0]],

a matrix-weighted Wishart matrix. Its normalised block trace ``G = (1/d) tr_d L⁻¹`` (2×2)
solves the matrix Silverstein equation

    G = (A₀ + E[B (I + 𝒢B)⁻¹])⁻¹,     𝒢 = G/α0,

and the quadratic forms along the target ``θ̂`` and the spike ``v = Xᵀe/n0`` follow from a
Schur complement on the ``θ̂`` coordinate (``e`` depends on ``x`` only through ``z = ⟨θ̂,x⟩``):

    S_θ = A₀ + E[z² B(I + 𝒢B)⁻¹],      P = 𝒢(I + B𝒢)⁻¹,
    K_v = (E[ez], 0) − E[z e BP e₁],
    θ̂ᵀQθ̂ = (S_θ⁻¹)₀₀,  θ̂ᵀQv = (S_θ⁻¹K_v)₀,  vᵀQv = K_vᵀS_θ⁻¹K_v + E[e² P₀₀],

with ``‖v‖² = E[ez]² + E[e²]/α0``. Expectations are over ``z ~ N(0,1)`` and the label noise.
Checked against ``(I + τΣ)⁻¹`` of sampled ``Σ`` at d = 1500–2000 (``tests/test_theory_bulk.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from ..activations import Activation, gaussian_nodes, get_activation, hermite_coefficients
from ..validation import check_int, check_real, check_seed
from .traces import RowCovarianceTraces

__all__ = ["GradientBulk", "TabulatedForms", "gradient_bulk_traces", "sample_gradient_bulk"]

#: Gauss nodes in ``z`` for the pencil's expectations, and in the label noise.
_Z_NODES = 96
_NOISE_NODES = 12
#: τ grid of the tabulated forms: log-spaced on [_TAU_MIN, _TAU_MAX]/c, _PER_DECADE a decade
#: (τc is the natural scale: the forms change where τ·Σ is of order one).
_TAU_MIN, _TAU_MAX, _PER_DECADE = 1e-5, 1e8, 16
#: Fixed-point tolerance and iteration cap of the pencil (per τ, warm-started along the grid).
_PENCIL_TOL, _PENCIL_MAX_ITER = 1e-14, 5000


def _inv2(m: np.ndarray) -> np.ndarray:
    """Inverse of a stack of 2×2 matrices ``(..., 2, 2)`` by the adjugate."""
    det = m[..., 0, 0] * m[..., 1, 1] - m[..., 0, 1] * m[..., 1, 0]
    adj = np.empty_like(m)
    adj[..., 0, 0] = m[..., 1, 1]
    adj[..., 1, 1] = m[..., 0, 0]
    adj[..., 0, 1] = -m[..., 0, 1]
    adj[..., 1, 0] = -m[..., 1, 0]
    return adj / det[..., None, None]


@dataclass(frozen=True)
class _PencilPoint:
    """The pencil solved at one τ: Q-forms ``(tr, vv, vζ, ζζ)`` and the block trace G."""

    q: np.ndarray
    G: np.ndarray
    iterations: int


class GradientBulk:
    """The row-covariance model ``Σ = T² + βP₂`` of the true one-step bulk (module docstring).

    Parameters
    ----------
    student, teacher : str or Activation
    eta : float ≥ 0
        ``η̃``.
    alpha0 : float > 0
        ``n0/d``.
    noise : float ≥ 0
        Label noise ``Δ`` of the step's batch.

    Attributes
    ----------
    eps : float
        ``η̃E[σ'']``, the slope of the row multiplier ``T = I + η̃E[σ'']P₁``.
    beta : float
        ``β_Σ = η̃²s⊥²/α0``, the weight of ``P₂`` in ``Σ = T² + β_Σ P₂``.
    gamma : float
        Overlap of the spike ``v ∝ Xᵀe`` with the target, ``E[ez]/‖v‖``.
    c : float
        ``(1/d) tr Σ`` (equals the sRF's ``c``).
    """

    def __init__(
        self,
        *,
        student: str | Activation,
        teacher: str | Activation,
        eta: float,
        alpha0: float,
        noise: float = 0.0,
    ):
        self.student = get_activation(student, name="student")
        self.teacher = get_activation(teacher, name="teacher")
        self.eta = check_real("eta", eta, low=0.0)
        self.alpha0 = check_real("alpha0", alpha0, low=0.0, low_open=True)
        self.noise = check_real("noise", noise, low=0.0)
        hs = hermite_coefficients(self.student)
        self.eps = self.eta * hs.mu2nd
        self.beta = self.eta**2 * max(hs.s2 - hs.mu2nd**2, 0.0) / self.alpha0
        bp = np.asarray(self.teacher.kinks, dtype=float) if self.teacher.kinks else None
        z, w = gaussian_nodes(order=_Z_NODES, breakpoints=bp)
        e = np.asarray(self.teacher.fn(z), dtype=float) - hs.mu0
        if self.noise > 0.0:
            xi, wx = np.polynomial.hermite_e.hermegauss(_NOISE_NODES)
            wx = wx / wx.sum()
            e = (e[:, None] + math.sqrt(self.noise) * xi[None, :]).ravel()
            z = np.repeat(z, _NOISE_NODES)
            w = (w[:, None] * wx[None, :]).ravel()
        self._z, self._w, self._e = z, w, e
        self.mean_ez = float(np.sum(w * e * z))
        self.mean_e2 = float(np.sum(w * e * e))
        self.mean_e = float(np.sum(w * e))
        self.spike_norm = math.sqrt(self.mean_ez**2 + self.mean_e2 / self.alpha0)
        if self.spike_norm == 0.0:
            raise ValueError(
                "the step has no spike (E[e²] = 0): the true bulk is not defined; "
                "use bulk='isotropic'"
            )
        self.gamma = self.mean_ez / self.spike_norm
        tau_lin = 1.0 + self.eps * self.mean_e
        self.c = tau_lin**2 + self.eps**2 * self.mean_e2 / self.alpha0 + self.beta * self.mean_e2

    def relative_spread(self) -> float:
        """Relative spread of the spectrum of ``Σ``, ``√Var(spec Σ)/c``, in closed form.

        To leading order the eigenvalues of ``P₂ = (1/n0)Σ_μ e_μ² x_μx_μᵀ`` spread with variance
        ``E[e⁴]/α0`` and those of ``P₁`` with ``E[e²]/α0``, so
        ``Var(spec Σ) ≈ (β_Σ² E[e⁴] + (η̃E[σ''])² E[e²])/α0``. Zero for the isotropic sRF; the
        library skips the true-bulk check of ``IsotropicBulkWarning`` below 5%.

        Examples
        --------
        >>> round(GradientBulk(student="tanh", teacher="tanh", eta=6.0,
        ...                    alpha0=1.0).relative_spread(), 3)
        0.741
        """
        e4 = float(np.sum(self._w * self._e**4))
        var = (self.beta**2 * e4 + self.eps**2 * self.mean_e2) / self.alpha0
        return math.sqrt(var) / self.c

    # ---- the pencil at one τ ----------------------------------------------------------
    def _sums(self, tau: float | complex, G: np.ndarray) -> np.ndarray:
        """``E[B(I + 𝒢B)⁻¹]`` (2×2) for ``𝒢 = G/α0``, by explicit 2×2 algebra per node
        (real τ for the traces, complex τ for the spectral density)."""
        e, w = self._e, self._w
        b11 = tau * self.beta * e * e
        b12 = np.sqrt(tau) * self.eps * e
        g11, g12, g22 = G[0, 0] / self.alpha0, G[0, 1] / self.alpha0, G[1, 1] / self.alpha0
        m00 = 1.0 + g11 * b11 + g12 * b12
        m01 = g11 * b12
        m10 = g12 * b11 + g22 * b12
        m11 = 1.0 + g12 * b12
        det = m00 * m11 - m01 * m10
        n00 = np.sum(w * (b11 * m11 - b12 * m10) / det)
        n01 = np.sum(w * b12 * m11 / det)
        n11 = np.sum(w * (-b12 * m01) / det)
        return np.array([[n00, n01], [n01, n11]])

    def _map(self, tau: float, x: np.ndarray) -> np.ndarray:
        """One application of ``G ↦ (A₀ + E[B(I + 𝒢B)⁻¹])⁻¹`` on ``x = (G₀₀, G₀₁, G₁₁)``."""
        st = math.sqrt(tau)
        G = np.array([[x[0], x[1]], [x[1], x[2]]])
        a = np.array([[1.0, st], [st, -1.0]]) + self._sums(tau, G)
        det = a[0, 0] * a[1, 1] - a[0, 1] ** 2
        return np.array([a[1, 1], -a[0, 1], a[0, 0]]) / det

    def _solve_pencil(self, tau: float, x0: np.ndarray | None) -> tuple[np.ndarray, int]:
        """Newton on ``x = map(x)`` (finite-difference Jacobian), damped iteration as fallback."""
        x = np.array([1.0 / (1.0 + tau), 0.0, -1.0]) if x0 is None else np.array(x0, float)
        for it in range(1, _PENCIL_MAX_ITER + 1):
            fx = self._map(tau, x)
            r = fx - x
            res = float(np.max(np.abs(r)))
            if res < _PENCIL_TOL * max(1.0, float(np.max(np.abs(x)))):
                return fx, it
            jac = np.empty((3, 3))
            for j in range(3):
                h = 1e-7 * max(1.0, abs(x[j]))
                xh = x.copy()
                xh[j] += h
                jac[:, j] = (self._map(tau, xh) - xh - r) / h
            try:
                step = np.linalg.solve(jac, -r)
            except np.linalg.LinAlgError:
                step = None
            if step is not None and np.all(np.isfinite(step)):
                cand = x + step
                if float(np.max(np.abs(self._map(tau, cand) - cand))) < res:
                    x = cand
                    continue
            x = x + 0.5 * r  # damped fixed-point step
        raise RuntimeError(
            f"the true-bulk pencil did not converge at tau={tau:g} (residual {res:.3g}); "
            "this is a bug worth reporting with the parameters used"
        )

    def _pencil(self, tau: float, G0: np.ndarray | None = None) -> _PencilPoint:
        x, it = self._solve_pencil(tau, None if G0 is None else G0)
        G = np.array([[x[0], x[1]], [x[1], x[2]]])
        z, w, e = self._z, self._w, self._e
        st = math.sqrt(tau)
        a0 = np.array([[1.0, st], [st, -1.0]])
        B = np.zeros((z.size, 2, 2))
        B[:, 0, 0] = tau * self.beta * e * e
        B[:, 0, 1] = B[:, 1, 0] = st * self.eps * e
        eye = np.eye(2)
        g = G / self.alpha0
        inv = _inv2(eye + g @ B)
        N = B @ inv
        P = inv @ g
        BP = B @ P
        s_theta = a0 + np.einsum("k,kij->ij", w * z * z, N)
        k_v = np.array([self.mean_ez, 0.0]) - np.einsum("k,ki->i", w * z * e, BP[:, :, 0])
        si = np.linalg.inv(s_theta)
        q_tt = si[0, 0]
        q_tv = float((si @ k_v)[0]) / self.spike_norm
        q_vv = float(k_v @ si @ k_v + np.sum(w * e * e * P[:, 0, 0])) / self.spike_norm**2
        gam = self.gamma
        rho2 = 1.0 - gam * gam
        if rho2 > 1e-14:
            q_zz = (q_tt - 2.0 * gam * q_tv + gam * gam * q_vv) / rho2
            q_vz = (q_tv - gam * q_vv) / math.sqrt(rho2)
        else:  # the spike is the target: ζ is any direction of the bulk
            q_zz, q_vz = G[0, 0], 0.0
        return _PencilPoint(np.array([G[0, 0], q_vv, q_vz, q_zz]), x, it)

    def resolvent_forms(self, tau: float) -> np.ndarray:
        """``(t, ρ_vv, ρ_vζ, ρ_ζζ)`` at ``τ > 0`` from one pencil solve (no table)."""
        q = self._pencil(check_real("tau", tau, low=0.0, low_open=True)).q
        return np.array([1.0 - q[0], 1.0 - q[1], -q[2], 1.0 - q[3]]) / tau

    # ---- the spectrum of the bulk -----------------------------------------------------
    def _trace_complex(self, tau: complex, G: np.ndarray) -> tuple[complex, np.ndarray]:
        """``(1/d) tr (I + τΣ)⁻¹`` at complex τ (plain, then damped, iteration of the pencil)."""
        st = np.sqrt(complex(tau))
        a0 = np.array([[1.0, st], [st, -1.0]])
        for it in range(_PENCIL_MAX_ITER):
            Gn = np.linalg.inv(a0 + self._sums(complex(tau), G))
            diff = np.max(np.abs(Gn - G))
            G = Gn if it < 50 else 0.5 * (G + Gn)
            if diff < 1e-11:
                break
        return complex(G[0, 0]), G

    def spectral_density(
        self, x, *, width_ratio: float = 1.0, broadening: float = 1e-3
    ) -> np.ndarray:
        """Density of the eigenvalues of ``W Wᵀ`` (``p×p``, ``W`` the bulk), ``d → ∞``.

        The Stieltjes transform ``m(z) = (1/p) tr (WWᵀ − z)⁻¹`` solves
        ``1/m = −z + t(φm)`` with ``t(τ) = (1 − (1/d) tr(I+τΣ)⁻¹)/τ`` from the pencil at complex
        ``τ``; the density is ``Im m(x + iε)/π`` with ``ε = broadening · c``. For ``φ > 1`` an
        atom of mass ``1 − 1/φ`` at 0 is not included in the returned density.

        Parameters
        ----------
        x : array_like
            Points (sorted increasingly for the warm starts), eigenvalues of ``WWᵀ``.
        width_ratio : float > 0
            ``φ = p/d``.
        broadening : float > 0
            Imaginary part of ``z``, relative to ``c``.

        Returns
        -------
        numpy.ndarray
            The density at ``x``.
        """
        from ..validation import check_finite_array

        x = check_finite_array("x", x)
        phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
        eps = check_real("broadening", broadening, low=0.0, low_open=True) * self.c
        out = np.empty(x.shape)
        m = -1.0 / complex(float(x.ravel()[0]) + 1j * eps - self.c)
        G = np.array([[1.0, 0.0], [0.0, -1.0]], dtype=complex)
        for idx, xv in np.ndenumerate(x):
            z = complex(xv, eps)
            for _ in range(2000):
                tau = phi * m
                if abs(tau) < 1e-12:
                    t = self.c
                else:
                    q, G = self._trace_complex(tau, G)
                    t = (1.0 - q) / tau
                m_new = 1.0 / (-z + t)
                if abs(m_new - m) < 1e-9 * max(abs(m), 1.0):
                    m = m_new
                    break
                m = 0.5 * (m + m_new)
            out[idx] = m.imag / math.pi
        return out

    # ---- the table --------------------------------------------------------------------
    def tabulate(self) -> TabulatedForms:
        """Solve the pencil along a log grid of τ (warm starts) and spline the forms."""
        decades = math.log10(_TAU_MAX / _TAU_MIN)
        taus = np.logspace(
            math.log10(_TAU_MIN / self.c),
            math.log10(_TAU_MAX / self.c),
            int(decades * _PER_DECADE) + 1,
        )
        vals = np.empty((taus.size, 4))
        G = None
        for i, tau in enumerate(taus):
            pt = self._pencil(float(tau), G)
            G = pt.G
            q = pt.q
            vals[i] = np.array([1.0 - q[0], 1.0 - q[1], -q[2], 1.0 - q[3]]) / tau
        return TabulatedForms(taus, vals)


class TabulatedForms:
    """``τ ↦ (forms, derivatives)`` by cubic splines of ``ρ(τ)(1 + τ)`` in ``log τ``
    (bounded at both ends); linear below the grid, ``∝ 1/(1+τ)`` above it."""

    def __init__(self, taus: np.ndarray, vals: np.ndarray):
        self.taus = taus
        self._lo, self._hi = float(taus[0]), float(taus[-1])
        self._spline = CubicSpline(np.log(taus), vals * (1.0 + taus)[:, None], axis=0)
        self._dspline = self._spline.derivative()
        v0, d0 = self._eval(self._lo)
        self._at_lo = (v0, d0)

    def _eval(self, tau: float) -> tuple[np.ndarray, np.ndarray]:
        u = math.log(tau)
        f = self._spline(u)
        df = self._dspline(u)
        vals = f / (1.0 + tau)
        ders = df / (tau * (1.0 + tau)) - f / (1.0 + tau) ** 2
        return vals, ders

    def __call__(self, tau: float) -> tuple[np.ndarray, np.ndarray]:
        if tau <= self._lo:
            v0, d0 = self._at_lo
            return v0 + (tau - self._lo) * d0, d0
        if tau >= self._hi:
            f = self._spline(math.log(self._hi))
            return f / (1.0 + tau), -f / (1.0 + tau) ** 2
        return self._eval(tau)


def gradient_bulk_traces(
    *,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    noise: float = 0.0,
    width_ratio: float = 1.0,
) -> RowCovarianceTraces:
    """``d → ∞`` spectral traces of the true one-step bulk (module docstring).

    Returns
    -------
    RowCovarianceTraces
        With the tabulated resolvent forms of :class:`GradientBulk`; ``.c`` is ``(1/d) tr Σ``.

    Examples
    --------
    >>> tr = gradient_bulk_traces(student="tanh", teacher="tanh", eta=6.0, alpha0=1.0)
    >>> round(tr.c, 4)
    2.3843
    """
    model = GradientBulk(student=student, teacher=teacher, eta=eta, alpha0=alpha0, noise=noise)
    return RowCovarianceTraces(forms=model.tabulate(), width_ratio=width_ratio)


def sample_gradient_bulk(
    *,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    d: int,
    noise: float = 0.0,
    width_ratio: float = 1.0,
    seed: int | np.random.Generator | None = None,
    chunk: int = 4096,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One giant step at dimension ``d`` (numpy, no readout): the bulk and its directions.

    Samples ``W⁰`` (rows uniform on the unit sphere), the target ``θ`` (``‖θ‖² = d``) and the
    batch of ``n0 = round(α0 d)`` samples, takes the step of the protocol (readout ``a⁰ = 1/√p``,
    square loss, learning rate ``η̃p``), and splits ``W¹`` into its mean row (the spike) and
    the rest.

    Returns
    -------
    bulk : numpy.ndarray, shape (p, d)
        ``W¹`` minus its mean row.
    v : numpy.ndarray, shape (d,)
        The spike direction (the mean row), ``‖v‖² = d``.
    zeta : numpy.ndarray, shape (d,)
        The part of ``θ`` orthogonal to ``v``, ``‖ζ‖² = d``.
    """
    stu = get_activation(student, name="student")
    tea = get_activation(teacher, name="teacher")
    eta = check_real("eta", eta, low=0.0)
    alpha0 = check_real("alpha0", alpha0, low=0.0, low_open=True)
    noise = check_real("noise", noise, low=0.0)
    d = check_int("d", d, low=2)
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    chunk = check_int("chunk", chunk, low=1)
    seed = check_seed("seed", seed)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    p = max(int(round(phi * d)), 1)
    n0 = max(int(round(alpha0 * d)), 1)
    w0 = rng.standard_normal((p, d))
    w0 /= np.linalg.norm(w0, axis=1, keepdims=True)
    theta = rng.standard_normal(d)
    theta *= math.sqrt(d) / np.linalg.norm(theta)
    grad = np.zeros((p, d))
    for start in range(0, n0, chunk):
        m = min(chunk, n0 - start)
        x = rng.standard_normal((m, d))
        y = tea.fn(x @ theta / math.sqrt(d))
        if noise > 0.0:
            y = y + math.sqrt(noise) * rng.standard_normal(m)
        pre = x @ w0.T
        resid = y - stu.fn(pre).mean(axis=1)  # f⁰(x) = (1/p) Σ_i σ(⟨w_i⁰, x⟩)
        grad += (resid[:, None] * stu.derivative(pre)).T @ x
    w1 = w0 + (eta / n0) * grad
    mean = w1.mean(axis=0)
    bulk = w1 - mean
    v = mean * (math.sqrt(d) / np.linalg.norm(mean))
    that = theta / math.sqrt(d)
    zeta = that - (that @ v / d) * v
    zeta *= math.sqrt(d) / np.linalg.norm(zeta)
    return bulk, v, zeta
