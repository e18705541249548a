"""Spectral traces of the one-step layer: the only place the equations meet the spectrum.

The self-consistent equations (the appendix derivation, ``book/appendix_derivation.md``) see
the trained first layer through sums over the ``p`` eigenpairs ``(D_j, u_j)`` of
``Ω = W Π Wᵀ`` (``W`` the bulk of the layer, Π the projector orthogonal to the spike ``v``):

    ⟨f/S^k⟩ = (1/d) Σ_{j=1}^{p} f_j / S_j^k,     S_j = a + b D_j,

with weights ``f ∈ {1, D, D², F, DF, H, DH, K, DK}``, ``F_j = (u_jᵀWv)²``,
``H_j = (u_jᵀWζ)²``, ``K_j = (u_jᵀWv)(u_jᵀWζ)`` (``‖v‖² = ‖ζ‖² = d``, ``ζ ⊥ v`` the rest of
the target). Every class below answers two questions with the same signature:

* ``traces(a, b) -> SpectralTraces`` — all the sums;
* ``v_traces(a, b) -> (⟨D/S⟩, ⟨1/S⟩)`` — the two the ``(V1, V2)`` map needs, cheaply.

The bulks:

* :class:`IsotropicTraces` — ``W = √c W⁰``, ``d → ∞``: Marchenko–Pastur closed forms (the
  published spiked random-features model);
* :class:`AnisotropicTraces` — the same with a ``2×2`` covariance of the columns along
  ``(v, ζ)`` (rank-two Sherman–Morrison);
* :class:`RowCovarianceTraces` — any bulk whose rows are i.i.d. ``N(0, Σ/d)``, ``d → ∞``,
  given ``t(τ) = (1/d) tr Σ(I+τΣ)⁻¹`` and the forms ``ρ_xy(τ) = x̂ᵀΣ(I+τΣ)⁻¹ŷ`` on the
  ``(v, ζ)`` plane; the true bulk of the gradient step (:mod:`onestep_lib.theory.bulk`) is one;
* :class:`FiniteTraces` — an explicit ``W`` (sampled at dimension ``d``): eigendecomposition.

**Row-covariance traces** (derived in the appendix; checked against :class:`IsotropicTraces`
to 1e-12 and against sampled matrices). With ``W = GΣ^{1/2}/√d``, ``G`` i.i.d., and
``m = (1/p) tr S⁻¹``, Silverstein's equation and its anisotropic deterministic equivalent give

    1/m = a + b t(τ),   τ = bφm,
    ⟨1/S⟩ = φm,   ⟨D/S⟩ = φm t(τ),
    ⟨F/S⟩ = φm ρ_vv/(1 − τρ_vv),   ⟨K/S⟩ = φm ρ_vζ/(1 − τρ_vv),
    ⟨H/S⟩ = φm [ρ_ζζ + τρ_vζ²/(1 − τρ_vv)]

(the ``1/(1 − τρ_vv)`` is the projector Π, by Sherman–Morrison), and the ``1/S²`` sums are
``−∂_a`` and the ``D/S²`` sums ``−∂_b`` of these, by implicit differentiation of the first line.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ..spectra import _trace_inverse
from ..validation import check_int, check_real, check_seed

__all__ = [
    "SpectralTraces",
    "IsotropicTraces",
    "AnisotropicTraces",
    "RowCovarianceTraces",
    "PlaneCovariance",
    "FiniteTraces",
    "sample_first_layer",
]


@dataclass(frozen=True)
class SpectralTraces:
    """Sums ``(1/d) Σ_{j=1}^{p} f_j / S_j^k`` with ``S_j = a + b D_j`` (module docstring).

    Names: ``inv = Σ1/S``, ``d_inv = ΣD/S``, ``f_inv = ΣF/S``, ``h_inv = ΣH/S``,
    ``inv2 = Σ1/S²``, ``d_inv2 = ΣD/S²``, ``dd_inv2 = ΣD²/S²``, ``f_inv2 = ΣF/S²``,
    ``df_inv2 = ΣDF/S²``, ``h_inv2 = ΣH/S²``, ``dh_inv2 = ΣDH/S²``, and the cross weights
    ``k_inv = ΣK/S``, ``k_inv2 = ΣK/S²``, ``dk_inv2 = ΣDK/S²`` (zero for the isotropic bulk);
    all normalised by ``d`` (the mean over the p eigenvalues times φ).
    """

    inv: float
    d_inv: float
    f_inv: float
    h_inv: float
    inv2: float
    d_inv2: float
    dd_inv2: float
    f_inv2: float
    df_inv2: float
    h_inv2: float
    dh_inv2: float
    k_inv: float = 0.0
    k_inv2: float = 0.0
    dk_inv2: float = 0.0


# --------------------------------------------------------------------------------------
# Isotropic bulk √c W⁰ (d → ∞)
# --------------------------------------------------------------------------------------


class IsotropicTraces:
    """``d → ∞`` traces of the isotropic bulk ``√c W⁰``: ``D = c t``, ``t ~ MP(φ)``,
    ``F → c``, ``H → D`` (each a χ²₁ weight independent of the eigenvalue); closed forms of
    :mod:`onestep_lib.spectra`.

    Parameters
    ----------
    c : float > 0
        Per-entry variance of the bulk (×d).
    width_ratio : float > 0
        ``φ = p/d``.
    """

    def __init__(self, *, c: float, width_ratio: float):
        self.c = check_real("c", c, low=0.0, low_open=True)
        self.width_ratio = check_real("width_ratio", width_ratio, low=0.0, low_open=True)

    def v_traces(self, a: float, b: float) -> tuple[float, float]:
        """``(⟨D/S⟩, ⟨1/S⟩)``."""
        phi, c = self.width_ratio, self.c
        B = b * c
        G = float(_trace_inverse(a, B, phi))
        return phi * c * G / (1.0 + phi * B * G), phi * G

    def traces(self, a: float, b: float) -> SpectralTraces:
        """All sums for ``S = a + b D`` (``a > 0``, ``b ≥ 0``)."""
        c, phi = self.c, self.width_ratio
        A = check_real("a", a, low=0.0, low_open=True)
        B = check_real("b", b, low=0.0) * c
        G = float(_trace_inverse(A, B, phi))
        U = G / (1.0 + phi * B * G)
        den = 1.0 + phi * A * B * G * G
        S2 = G * G * (1.0 + phi * B * G) / den
        T1 = G * G / ((1.0 + phi * B * G) * den)
        T2 = (T1 + phi * G * G) / (1.0 + phi * B * G) ** 2
        return SpectralTraces(
            inv=phi * G,
            d_inv=phi * c * U,
            f_inv=phi * c * G,
            h_inv=phi * c * U,
            inv2=phi * S2,
            d_inv2=phi * c * T1,
            dd_inv2=phi * c * c * T2,
            f_inv2=phi * c * S2,
            df_inv2=phi * c * c * T1,
            h_inv2=phi * c * T1,
            dh_inv2=phi * c * c * T2,
        )


class AnisotropicTraces(IsotropicTraces):
    """``d → ∞`` traces for a bulk whose columns along ``v̂`` and ``ζ̂`` are anisotropic.

    ``a = Wv̂`` and ``z = Wζ̂`` have per-entry covariance ``[[Σ_aa, Σ_az], [Σ_az, Σ_zz]]/d``
    (:func:`onestep_lib.spike.bulk_covariances`); the rest of ``W`` is isotropic with variance
    ``c`` (MP). ``Ω = WΠWᵀ = Ω₀ + zzᵀ`` (Π removes v̂), the rank-one term leaves the ``D``-traces
    unchanged, and Sherman–Morrison gives, with ``g = ⟨1/S⟩``,
    ``Φ = Σ_zz g/(1 + bΣ_zz g)``, ``κ = Σ_az/Σ_zz``:

        h_inv = Φ,   k_inv = κΦ,   f_inv = κ²Φ + (Σ_aa − Σ_az²/Σ_zz) g

    (``a = κz + a_⊥`` with ``a_⊥`` independent of Ω). The ``1/S²`` sums are ``−∂_a`` and the
    ``D/S²`` sums ``−∂_b`` of these. For ``Σ = (c, c, 0)`` this is :class:`IsotropicTraces`.
    """

    def __init__(
        self,
        *,
        c: float,
        width_ratio: float,
        sigma_aa: float,
        sigma_zz: float,
        sigma_az: float,
    ):
        super().__init__(c=c, width_ratio=width_ratio)
        self.sigma_aa = check_real("sigma_aa", sigma_aa, low=0.0)
        self.sigma_zz = check_real("sigma_zz", sigma_zz, low=0.0, low_open=True)
        self.sigma_az = check_real("sigma_az", sigma_az)
        # the conditional variance of a given z; ≥ 0 for a covariance (clipped for rounding)
        self._kappa = self.sigma_az / self.sigma_zz
        self._perp = max(self.sigma_aa - self.sigma_az**2 / self.sigma_zz, 0.0)

    def traces(self, a: float, b: float) -> SpectralTraces:
        t = super().traces(a, b)
        b = float(b)
        s, ka, sp = self.sigma_zz, self._kappa, self._perp
        g = t.inv
        den = 1.0 + b * s * g
        phi_ = s * g / den
        h2 = s * t.inv2 / (den * den)  # −∂_a Φ
        dh2 = s * (t.d_inv2 + s * g * g) / (den * den)  # −∂_b Φ
        return SpectralTraces(
            inv=t.inv,
            d_inv=t.d_inv,
            f_inv=ka * ka * phi_ + sp * g,
            h_inv=phi_,
            inv2=t.inv2,
            d_inv2=t.d_inv2,
            dd_inv2=t.dd_inv2,
            f_inv2=ka * ka * h2 + sp * t.inv2,
            df_inv2=ka * ka * dh2 + sp * t.d_inv2,
            h_inv2=h2,
            dh_inv2=dh2,
            k_inv=ka * phi_,
            k_inv2=ka * h2,
            dk_inv2=ka * dh2,
        )


# --------------------------------------------------------------------------------------
# Any bulk with i.i.d. rows N(0, Σ/d) (d → ∞)
# --------------------------------------------------------------------------------------

#: ``τ ↦ (t, ρ_vv, ρ_vζ, ρ_ζζ)`` and the same four τ-derivatives.
ResolventForms = Callable[[float], tuple[np.ndarray, np.ndarray]]


class PlaneCovariance:
    """The row covariance ``Σ = c I`` off the ``(v̂, ζ̂)`` plane and ``Σ₂`` on it.

    A closed-form ``ResolventForms`` (``t = c/(1+τc)``, ``ρ = Σ₂(I+τΣ₂)⁻¹``): the isotropic
    and anisotropic bulks written as row covariances; used to test
    :class:`RowCovarianceTraces` against :class:`IsotropicTraces` and
    :class:`AnisotropicTraces`.
    """

    def __init__(self, *, c: float, sigma_vv: float, sigma_zz: float, sigma_vz: float = 0.0):
        self.c = check_real("c", c, low=0.0, low_open=True)
        self.sigma2 = np.array([[sigma_vv, sigma_vz], [sigma_vz, sigma_zz]], dtype=float)

    def __call__(self, tau: float) -> tuple[np.ndarray, np.ndarray]:
        c, s2 = self.c, self.sigma2
        t = c / (1.0 + tau * c)
        dt = -(c * c) / (1.0 + tau * c) ** 2
        inv = np.linalg.inv(np.eye(2) + tau * s2)
        rho = s2 @ inv
        drho = -rho @ rho
        vals = np.array([t, rho[0, 0], rho[0, 1], rho[1, 1]])
        ders = np.array([dt, drho[0, 0], drho[0, 1], drho[1, 1]])
        return vals, ders


class RowCovarianceTraces:
    """``d → ∞`` traces of a bulk with i.i.d. rows ``N(0, Σ/d)`` (module docstring).

    Parameters
    ----------
    forms : callable
        ``forms(τ) -> (values, derivatives)``, each an array ``(t, ρ_vv, ρ_vζ, ρ_ζζ)`` of
        ``t(τ) = (1/d) tr Σ(I+τΣ)⁻¹`` and ``ρ_xy(τ) = x̂ᵀΣ(I+τΣ)⁻¹ŷ``, for ``τ ≥ 0``.
    width_ratio : float > 0
        ``φ = p/d``.
    """

    def __init__(self, *, forms: ResolventForms, width_ratio: float):
        self.forms = forms
        self.width_ratio = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
        self.c = float(forms(0.0)[0][0])

    def _m(self, a: float, b: float) -> tuple[float, float, np.ndarray, np.ndarray]:
        """``m`` from ``1/m = a + b t(bφm)``, with ``τ`` and the forms at ``τ``."""
        phi = self.width_ratio
        if b == 0.0:
            vals, ders = self.forms(0.0)
            return 1.0 / a, 0.0, vals, ders

        def f(m: float) -> float:
            return 1.0 / m - a - b * float(self.forms(b * phi * m)[0][0])

        hi = 1.0 / a
        lo = 1.0 / (a + b * self.c)
        if f(lo) <= 0.0:  # b·t(τ) ≈ b·c over the bracket: m = lo to rounding
            m = lo
        elif f(hi) >= 0.0:  # b·t(τ) below the rounding of a: m = 1/a
            m = hi
        else:
            m = brentq(f, lo, hi, xtol=1e-300, rtol=1e-15, maxiter=200)
        tau = b * phi * m
        vals, ders = self.forms(tau)
        return m, tau, vals, ders

    def v_traces(self, a: float, b: float) -> tuple[float, float]:
        """``(⟨D/S⟩, ⟨1/S⟩)``."""
        phi = self.width_ratio
        m, _, vals, _ = self._m(a, b)
        return phi * m * vals[0], phi * m

    def traces(self, a: float, b: float) -> SpectralTraces:
        """All sums for ``S = a + b D`` (``a > 0``, ``b ≥ 0``)."""
        a = check_real("a", a, low=0.0, low_open=True)
        b = check_real("b", b, low=0.0)
        phi = self.width_ratio
        m, tau, (t, rvv, rvz, rzz), (dt, drvv, drvz, drzz) = self._m(a, b)
        # implicit derivatives of F(m; a, b) = 1/m − a − b t(bφm) = 0
        fm = -1.0 / (m * m) - b * b * phi * dt
        m_a = 1.0 / fm
        m_b = (t + tau * dt) / fm
        tau_a = b * phi * m_a
        tau_b = phi * m + b * phi * m_b
        # the weights as functions of τ, ψ(τ), with their derivatives
        q = 1.0 - tau * rvv  # v̂ᵀ(I+τΣ)⁻¹v̂ > 0
        dq = -rvv - tau * drvv
        psi_f = rvv / q
        dpsi_f = (drvv * q - rvv * dq) / (q * q)
        psi_k = rvz / q
        dpsi_k = (drvz * q - rvz * dq) / (q * q)
        psi_h = rzz + tau * rvz * rvz / q
        dpsi_h = drzz + (rvz * rvz + 2.0 * tau * rvz * drvz) / q - tau * rvz * rvz * dq / (q * q)

        def weight(psi: float, dpsi: float) -> tuple[float, float, float]:
            val = phi * m * psi
            da = phi * (m_a * psi + m * dpsi * tau_a)
            db = phi * (m_b * psi + m * dpsi * tau_b)
            return val, -da, -db

        d_inv, _, dd_inv2 = weight(t, dt)
        f_inv, f_inv2, df_inv2 = weight(psi_f, dpsi_f)
        h_inv, h_inv2, dh_inv2 = weight(psi_h, dpsi_h)
        k_inv, k_inv2, dk_inv2 = weight(psi_k, dpsi_k)
        return SpectralTraces(
            inv=phi * m,
            d_inv=d_inv,
            f_inv=f_inv,
            h_inv=h_inv,
            inv2=-phi * m_a,
            d_inv2=-phi * m_b,
            dd_inv2=dd_inv2,
            f_inv2=f_inv2,
            df_inv2=df_inv2,
            h_inv2=h_inv2,
            dh_inv2=dh_inv2,
            k_inv=k_inv,
            k_inv2=k_inv2,
            dk_inv2=dk_inv2,
        )


# --------------------------------------------------------------------------------------
# An explicit layer at dimension d
# --------------------------------------------------------------------------------------


def sample_first_layer(
    *, d: int, width_ratio: float = 1.0, seed: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(W⁰, v, ζ)``: rows of ``W⁰ ∈ R^{p×d}`` uniform on the unit sphere, ``v`` and ``ζ ⊥ v``
    random with ``‖v‖² = ‖ζ‖² = d``. ``p = round(φ d)``."""
    d = check_int("d", d, low=2)
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    p = int(round(phi * d))
    if p < 1:
        raise ValueError(
            f"width_ratio={phi:g} gives p = round(width_ratio·d) = {p} neurons at d={d}; "
            "width_ratio·d must be at least 0.5"
        )
    seed = check_seed("seed", seed)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    w0 = rng.standard_normal((p, d))
    w0 /= np.linalg.norm(w0, axis=1, keepdims=True)
    v = rng.standard_normal(d)
    v *= math.sqrt(d) / np.linalg.norm(v)
    z = rng.standard_normal(d)
    z -= (z @ v) / d * v
    z *= math.sqrt(d) / np.linalg.norm(z)
    return w0, v, z


class FiniteTraces:
    """Traces of an explicit bulk ``W ∈ R^{p×d}`` with spike direction ``v`` and target rest
    ``ζ``: eigenpairs ``(D_j, u_j)`` of ``Ω = WΠWᵀ``, ``F_j = (u_jᵀWv)²``,
    ``H_j = (u_jᵀWζ)²`` and, with ``cross=True``, ``K_j = (u_jᵀWv)(u_jᵀWζ)``. Sums are over
    the ``p`` eigenvalues divided by ``d``.

    Build it with :meth:`isotropic` (``√c W⁰``, the finite-d version of
    :class:`IsotropicTraces`) or from any layer, e.g. the sampled true bulk of
    :func:`onestep_lib.theory.bulk.sample_gradient_bulk`.
    """

    def __init__(self, *, w: np.ndarray, v: np.ndarray, zeta: np.ndarray, cross: bool = True):
        w = np.asarray(w, dtype=float)
        p, d = w.shape
        self.d = d
        self.width_ratio = p / d
        wpi = w - np.outer(w @ v, v) / d  # W Π
        D, U = np.linalg.eigh(wpi @ wpi.T)
        self.D = np.maximum(D, 0.0)
        a, z = U.T @ (w @ v), U.T @ (w @ zeta)
        self.F = a * a
        self.H = z * z
        self.K = a * z if cross else np.zeros_like(a)

    @classmethod
    def isotropic(
        cls,
        *,
        c: float,
        d: int,
        width_ratio: float = 1.0,
        seed: int | np.random.Generator | None = None,
    ) -> FiniteTraces:
        """The isotropic bulk ``√c W⁰`` sampled at dimension ``d`` (cross weights left out:
        they vanish as ``d → ∞`` and the published finite-d numbers do not carry them)."""
        c = check_real("c", c, low=0.0, low_open=True)
        w0, v, zeta = sample_first_layer(d=d, width_ratio=width_ratio, seed=seed)
        return cls(w=math.sqrt(c) * w0, v=v, zeta=zeta, cross=False)

    def v_traces(self, a: float, b: float) -> tuple[float, float]:
        """``(⟨D/S⟩, ⟨1/S⟩)``."""
        inv = 1.0 / (a + b * self.D)
        return float(self.D @ inv) / self.d, float(inv.sum()) / self.d

    def traces(self, a: float, b: float) -> SpectralTraces:
        """All sums for ``S = a + b D``."""
        D, F, H, K = self.D, self.F, self.H, self.K
        inv = 1.0 / (a + b * D)
        inv2 = inv * inv
        n = self.d
        return SpectralTraces(
            inv=inv.sum() / n,
            d_inv=(D * inv).sum() / n,
            f_inv=(F * inv).sum() / n,
            h_inv=(H * inv).sum() / n,
            inv2=inv2.sum() / n,
            d_inv2=(D * inv2).sum() / n,
            dd_inv2=(D * D * inv2).sum() / n,
            f_inv2=(F * inv2).sum() / n,
            df_inv2=(D * F * inv2).sum() / n,
            h_inv2=(H * inv2).sum() / n,
            dh_inv2=(D * H * inv2).sum() / n,
            k_inv=(K * inv).sum() / n,
            k_inv2=(K * inv2).sum() / n,
            dk_inv2=(D * K * inv2).sum() / n,
        )
