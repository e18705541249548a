"""The self-consistent equations: κ-nodes, coefficients, the V-map and the closing solves.

Order parameters (``a`` the readout, ``f = aᵀσ(W¹x)/√p``, ``W`` the bulk, ``Ω = WΠWᵀ``):
``q1 = aᵀΩa/p``, ``q2 = ‖a‖²/p``, ``t = aᵀWv/√(pd)``, ``ψ = aᵀWζ/√(pd)``, ``m = Σa/√p`` and
the susceptibilities ``V1, V2``. Given κ, the predictor is Gaussian with mean
``ĉ(κ) = μ0(κ)m + μ1(κ)κt`` and variance ``q(κ) = μ1²q1 + μ2²q2``; its covariance with the
teacher's ``ζ``-part is ``μ1ψ``, hence (ridge: the training residual is the test-like
residual shrunk by ``1/(1+V)``; Δ only on the labels)::

    R(κ) = hh + ĉ² − 2ĉh − 2μ1ψh1 + q,        ε_g = E_κ[R],
    ε_train = E_κ[(R + Δ)/(1 + V)²]

The conjugates (``V̂1 = α E_κ[μ1²/(1+V)]``, ``V̂2 = α E_κ[μ2²/(1+V)]``, ``t̂``, ``ψ̂``, ``q̂1``,
``q̂2``) and the spectral side::

    V1 = ⟨D/S⟩, V2 = ⟨1/S⟩, t = t̂⟨F/S⟩ + ψ̂⟨K/S⟩, ψ = ψ̂⟨H/S⟩ + t̂⟨K/S⟩,
    q1 = ⟨D N/S²⟩, q2 = ⟨N/S²⟩,   S_j = φλ + V̂1 D_j + V̂2,
    N_j = q̂1 D_j + q̂2 + t̂² F_j + ψ̂² H_j + 2t̂ψ̂ K_j,

with ``⟨·⟩ = (1/d) Σ_{j=1}^{p}`` (every average, at any width ratio φ = p/d) are derived step
by step in the appendix derivation (``book/appendix_derivation.md``). The spectral side is
asked of a traces object (:mod:`onestep_lib.theory.traces`), whatever the bulk.

**Exact elimination.** The ``V``-equations close on ``(V1, V2)`` (a 2-d positive fixed point,
:mod:`onestep_lib.theory.solver`). Given V, ``(m, t)`` solve a 2×2 linear system (the
t-update is affine in t and m; iterating it with damping diverges once ``B⟨F/S⟩ > 3``), ψ is
explicit, and ``(q1, q2)`` solve another 2×2 linear system (q̂ is affine in q).
"""

from __future__ import annotations

import numpy as np

from ..activations import Activation, gaussian_nodes
from ..spike import SpikeParameters, conditional_coefficients
from .traces import SpectralTraces

__all__ = ["KAPPA_NODES", "Equations", "finish"]

#: Gauss–Hermite nodes for the κ-integrals (the coefficients are smooth in κ).
KAPPA_NODES = 64

#: A mean coefficient ``E_κ[μ0(κ)²]`` below this fraction of the feature power counts as zero
#: (an odd student: the readout cannot fit a constant and ``m = 0``).
ZERO_MEAN_FRACTION = 1e-14


class Equations:
    """Everything that does not depend on ``(α, λ, Δ)``: κ-nodes, coefficients, traces.

    Parameters
    ----------
    student, teacher : Activation
    params : SpikeParameters
        ``(c, r, γ)`` of the conditional coefficients.
    width_ratio : float
        ``φ = p/d``.
    traces : object
        Any traces object of :mod:`onestep_lib.theory.traces` (``traces(a, b)`` and
        ``v_traces(a, b)``).
    kappa_nodes : int
        Gauss–Hermite nodes in κ.
    """

    def __init__(
        self,
        *,
        student: Activation,
        teacher: Activation,
        params: SpikeParameters,
        width_ratio: float,
        traces,
        kappa_nodes: int = KAPPA_NODES,
    ):
        self.student, self.teacher, self.params = student, teacher, params
        self.phi = width_ratio
        self.traces = traces
        kappa, w = gaussian_nodes(order=kappa_nodes)
        co = conditional_coefficients(student=student, teacher=teacher, params=params, kappa=kappa)
        self.kappa, self.w = kappa, w
        self.mu0, self.mu1, self.mu2 = co.mu0, co.mu1, co.mu2
        self.h, self.h1, self.hh = co.h, co.h1, co.hh
        self.mu1sq, self.mu2sq = co.mu1**2, co.mu2**2
        scale = float(np.sum(w * (co.mu0**2 + self.mu1sq + self.mu2sq)))
        self.odd_mean = float(np.sum(w * co.mu0**2)) <= ZERO_MEAN_FRACTION * max(scale, 1e-300)

    def v_map(self, V: np.ndarray, alpha: float, lam: float) -> tuple[np.ndarray, float, float]:
        """``(V1, V2) ↦ (⟨D/S⟩, ⟨1/S⟩)`` and the conjugates ``(V̂1, V̂2)`` used."""
        Vk = self.mu1sq * V[0] + self.mu2sq * V[1]
        w1 = self.w / (1.0 + Vk)
        v1h = alpha * float(np.sum(w1 * self.mu1sq))
        v2h = alpha * float(np.sum(w1 * self.mu2sq))
        tr = self.traces.v_traces(self.phi * lam + v2h, v1h)
        return np.array(tr), v1h, v2h


def finish(prob: Equations, alpha: float, lam: float, noise: float, V: np.ndarray) -> dict:
    """Everything but V, by exact linear algebra at the fixed point of V.

    Returns the test and training errors and every order parameter, as a ``dict`` of floats.
    """
    w, kap = prob.w, prob.kappa
    mu0, mu1, h, h1, hh = prob.mu0, prob.mu1, prob.h, prob.h1, prob.hh
    Vk = prob.mu1sq * V[0] + prob.mu2sq * V[1]
    w1 = w / (1.0 + Vk)
    w2 = w1 / (1.0 + Vk)
    v1h = alpha * float(np.sum(w1 * prob.mu1sq))
    v2h = alpha * float(np.sum(w1 * prob.mu2sq))
    tr: SpectralTraces = prob.traces.traces(prob.phi * lam + v2h, v1h)
    V1, V2 = tr.d_inv, tr.inv

    # (m, t): a00 m + a01 t = b0 ;  t = F̄ t̂,  t̂ = α (b1 − a01 m − a11 t)
    a00 = float(np.sum(w1 * mu0 * mu0))
    a01 = float(np.sum(w1 * mu0 * mu1 * kap))
    a11 = float(np.sum(w1 * (mu1 * kap) ** 2))
    b0 = float(np.sum(w1 * mu0 * h))
    b1 = float(np.sum(w1 * mu1 * kap * h))
    fbar = alpha * tr.f_inv
    psi_hat = alpha * float(np.sum(w1 * mu1 * h1))
    # cross weights K (zero for the isotropic bulk, exactly: adding 0.0 changes no bit):
    # t = t̂⟨F/S⟩ + ψ̂⟨K/S⟩, ψ = ψ̂⟨H/S⟩ + t̂⟨K/S⟩, N gains 2t̂ψ̂K
    rhs_t = fbar * b1 + psi_hat * tr.k_inv
    if prob.odd_mean:
        m = 0.0
        t = rhs_t / (1.0 + fbar * a11)
    else:
        mat = np.array([[a00, a01], [fbar * a01, 1.0 + fbar * a11]])
        m, t = np.linalg.solve(mat, np.array([b0, rhs_t]))
        m, t = float(m), float(t)
    t_hat = alpha * (b1 - a01 * m - a11 * t)
    psi = psi_hat * tr.h_inv
    psi += t_hat * tr.k_inv

    chat = mu0 * m + mu1 * kap * t
    R0 = hh + chat * chat - 2.0 * chat * h - 2.0 * mu1 * psi * h1
    # q̂ = b + E q ;  q = M q̂ + k   ⇒   (I − M E) q = M b + k
    R0n = R0 + noise
    bvec = alpha * np.array([np.sum(w2 * prob.mu1sq * R0n), np.sum(w2 * prob.mu2sq * R0n)])
    E = alpha * np.array(
        [
            [np.sum(w2 * prob.mu1sq**2), np.sum(w2 * prob.mu1sq * prob.mu2sq)],
            [np.sum(w2 * prob.mu1sq * prob.mu2sq), np.sum(w2 * prob.mu2sq**2)],
        ]
    )
    M = np.array([[tr.dd_inv2, tr.d_inv2], [tr.d_inv2, tr.inv2]])
    k = np.array(
        [
            t_hat**2 * tr.df_inv2 + psi_hat**2 * tr.dh_inv2,
            t_hat**2 * tr.f_inv2 + psi_hat**2 * tr.h_inv2,
        ]
    )
    k += 2.0 * t_hat * psi_hat * np.array([tr.dk_inv2, tr.k_inv2])
    q1, q2 = np.linalg.solve(np.eye(2) - M @ E, M @ bvec + k)
    q1, q2 = float(q1), float(q2)
    q1h, q2h = (bvec + E @ np.array([q1, q2])).tolist()
    qk = prob.mu1sq * q1 + prob.mu2sq * q2
    test = float(np.sum(w * (R0 + qk)))
    train = float(np.sum(w2 * (R0n + qk)))
    return dict(
        test_error=test,
        train_error=train,
        q1=q1,
        q2=q2,
        V1=V1,
        V2=V2,
        t=t,
        psi=psi,
        m=m,
        q1_hat=q1h,
        q2_hat=q2h,
        V1_hat=v1h,
        V2_hat=v2h,
        t_hat=t_hat,
        psi_hat=psi_hat,
    )
