"""The two-layer network (the course's notation chapter, book/notation.ipynb): initialisation,
the giant step, the three feature maps and the ridge readout.

Shapes: ``d`` inputs, ``p`` neurons, a chunk of ``m`` samples. Arrays are those of the run's
:class:`~onestep_lib.simulation.backend.Backend` (torch tensors or numpy arrays).

* Network ``f(x; W, a) = (1/√p) Σ_i a_i σ(⟨w_i, x⟩)``, rows of ``W⁰`` uniform on the unit
  sphere, ``a⁰ = 1_p/√p`` (so ``f⁰(x) = (1/p) Σ_i σ(⟨w_i⁰, x⟩)``).
* One giant step (``η = η̃ p``, square loss over ``n0`` fresh samples):
  ``W¹ = W⁰ + (η̃/n0) Mᵀ X0`` with ``M = σ'(X0 W⁰ᵀ) ⊙ (e 1_pᵀ)``, ``e = y − f⁰(X0)``
  (row by row, ``w_i¹ = w_i⁰ + (η̃/n0) Σ_μ e_μ σ'(⟨w_i⁰, x_μ⟩) x_μ``). Step ``t`` of
  several is the same map applied to ``W^{t−1}`` (with ``e = y − f(X0; W^{t−1}, a⁰)``,
  the readout held at ``a⁰``).
* Ridge readout on ``n`` fresh samples with features ``F = σ(X W¹ᵀ)/√p`` (``n×p``):
  ``â = argmin_a ‖y − F a‖² + λ‖a‖² = (FᵀF + λI)⁻¹ Fᵀy = Fᵀ(FFᵀ + λI)⁻¹ y``,
  solved through the smaller Gram matrix by a Cholesky factorisation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import Activation
from ..spike import SpikeParameters, student_conditional
from .backend import Backend

__all__ = [
    "init_first_layer",
    "giant_step",
    "spike_direction",
    "spiked_layer",
    "LayerFeatures",
    "EquivalentFeatures",
    "Readout",
    "ridge_readout",
    "prediction_mse",
]


def init_first_layer(backend: Backend, gen: Any, *, p: int, d: int) -> Any:
    """W⁰, shape ``(p, d)``: Gaussian rows normalised to unit norm."""
    g = backend.randn(gen, (p, d))
    return g / backend.row_norms(g).reshape(-1, 1)


def giant_step(
    backend: Backend,
    w0: Any,
    batches: Iterable[tuple[Any, Any, Any]],
    *,
    student: Activation,
    eta: float,
    n0: int,
) -> Any:
    """The update ``G = W¹ − W⁰ = (η̃/n0) Σ_μ (σ'(W⁰x_μ) e_μ) x_μᵀ``, shape ``(p, d)``.

    ``w0`` is the layer the step starts from (``W⁰``, or ``W^{t−1}`` for step ``t``);
    ``batches`` yields ``(X0, target, y)`` chunks of the ``n0`` step samples; per chunk
    ``Z = X0 W⁰ᵀ`` (``m×p``), ``e = y − mean_i σ(Z_{·i})`` (the network with the readout
    at ``a⁰ = 1/√p``), and ``G += (σ'(Z) ⊙ e)ᵀ X0``.
    """
    sigma, dsigma = backend.activation(student), backend.derivative(student)
    p, d = w0.shape
    acc = backend.zeros((p, d))
    w0t = w0.T
    for x, _target, y in batches:
        z = x @ w0t
        residual = y - backend.mean_rows(sigma(z))
        backend.add_matmul_(acc, (dsigma(z) * residual.reshape(-1, 1)).T, x)
    acc *= eta / n0
    if not backend.all_finite(acc):
        raise FloatingPointError(
            "the giant step produced non-finite weights (overflow of σ' or of the labels); "
            "reduce eta or use dtype='float64'"
        )
    return acc


def spike_direction(theta: Any, zeta: Any, *, params: SpikeParameters) -> Any:
    """``v = γθ + ρζ`` (shape ``(d,)``): with ζ ⊥ θ and ``‖ζ‖² = ‖θ‖² = d``,
    ``‖v‖² = d`` and ``⟨v, θ⟩/d = γ``."""
    return params.gamma * theta + params.rho * zeta


def spiked_layer(w0: Any, v: Any, *, params: SpikeParameters) -> Any:
    """The sRF layer ``W_sRF = √c W⁰ + (r/√d) 1_p vᵀ``, shape ``(p, d)``."""
    d = w0.shape[1]
    return math.sqrt(params.c) * w0 + (params.r / math.sqrt(d)) * v.reshape(1, -1)


@dataclass(frozen=True)
class LayerFeatures:
    """``σ(X Wᵀ)`` for a first layer ``W`` (``p×d``): the "network" and "srf" models."""

    backend: Backend
    weights: Any
    student: Activation
    needs_noise = False

    def __call__(self, x: Any, gen: Any = None) -> Any:
        return self.backend.activation(self.student)(x @ self.weights.T)


@dataclass(frozen=True)
class EquivalentFeatures:
    """Conditional Gaussian-equivalent features of the sRF, ``m×p`` (the conditional
    Gaussian equivalence of book/gaussian_universality.ipynb and
    book/appendix_derivation.md, section 2):

    ``φ_i(x) = μ0(κ) + μ1(κ) √c ⟨w_i⁰, x⟩ + μ2(κ) ξ_i``,   ``κ = ⟨v, x⟩/√d``,

    with ``ξ_i`` fresh standard Gaussians per sample and neuron and
    ``μ0(κ) = E[σ(rκ + √c z)]``, ``μ1(κ) = E[zσ(rκ + √c z)]/√c``,
    ``μ2(κ)² = E[σ(rκ + √c z)²] − μ0² − c μ1²`` (computed in numpy by
    :func:`onestep_lib.spike.student_conditional` for the chunk's κ values).

    The linear term uses the whole input, ``⟨w_i⁰, x⟩ = ⟨w_i⁰, Πx⟩ + ⟨w_i⁰, v⟩κ/√d``: the
    sRF neuron sees ``√c ⟨w_i⁰, Πx⟩ + (r + √c⟨w_i⁰, v⟩/√d) κ`` and the small per-neuron
    shift of its κ-coefficient, expanded to first order, contributes ``μ1(κ) √c ⟨w_i⁰, v⟩κ/√d``
    (the κ-direction ``W⁰v`` that the theory's ``t`` and ``F_j = (u_jᵀ W v)²`` describe).
    With ``project=True`` the term is ``μ1(κ)√c⟨w_i⁰, Πx⟩`` (the equivalence read
    literally), which drops that direction.
    """

    backend: Backend
    w0: Any
    v: Any
    params: SpikeParameters
    student: Activation
    project: bool = False
    needs_noise = True

    def __call__(self, x: Any, gen: Any = None) -> Any:
        be = self.backend
        d = self.w0.shape[1]
        kappa = (x @ self.v) / math.sqrt(d)  # (m,)
        mu0, mu1, mu2 = student_conditional(
            self.student, c=self.params.c, r=self.params.r, kappa=be.to_numpy(kappa)
        )
        mu0, mu1, mu2 = (
            be.asarray(np.asarray(u, dtype=float)).reshape(-1, 1) for u in (mu0, mu1, mu2)
        )
        if self.project:
            x = x - kappa.reshape(-1, 1) * (self.v.reshape(1, -1) / math.sqrt(d))
        h = (x @ self.w0.T) * math.sqrt(self.params.c)  # (m, p)
        xi = be.randn(gen, tuple(h.shape))
        return mu0 + mu1 * h + mu2 * xi


@dataclass(frozen=True)
class Readout:
    """Ridge readout ``â`` (shape ``(p,)``) and its training error (mean squared residual)."""

    weights: Any
    train_error: float
    gram: str  # "primal p×p" or "dual n×n"


_OVERFLOW = (
    "non-finite features or Gram matrix in the readout: σ(W x) overflowed (a large step "
    "with a fast-growing activation); reduce eta or use dtype='float64'"
)


def _singular_message(lam: float, gram: str, m: int, backend: Backend, ratio: float) -> str:
    if lam == 0.0:
        return (
            f"lam=0: the {gram} Gram matrix ({m}×{m}) of the features is singular to working "
            f"precision ({backend.dtype_name}, pivot ratio {ratio:.1e}); the ridge-less readout "
            "is defined only where it is invertible; use lam > 0"
        )
    return (
        f"the regularised {gram} Gram matrix ({m}×{m}) is not positive definite in "
        f"{backend.dtype_name} (pivot ratio {ratio:.1e}) with lam={lam:g}: the features are "
        "too large or too degenerate for this precision; use dtype='float64' or a larger lam"
    )


def ridge_readout(
    backend: Backend,
    batches: Iterable[tuple[Any, Any]],
    *,
    n: int,
    p: int,
    lam: float,
) -> Readout:
    """Solve ``min_a ‖y − F a‖² + λ‖a‖²`` with ``F = Φ/√p`` through the smaller Gram matrix.

    ``batches`` yields ``(Φ, y)`` chunks (``Φ = σ(XWᵀ)``, shape ``(m, p)``; ``y`` ``(m,)``)
    of the ``n`` readout samples.

    * ``n > p`` (primal): ``A = FᵀF + λI`` (``p×p``) and ``b = Fᵀy`` accumulated over the
      chunks, ``â = A⁻¹b`` by Cholesky; training residual
      ``‖y − Fâ‖² = ‖y‖² − âᵀb − λ‖â‖²`` (exact algebra, since ``Aâ = b``).
    * ``n ≤ p`` (dual): ``K = FFᵀ + λI`` (``n×n``), ``c = K⁻¹y``, ``â = Fᵀc``; the residual is
      ``y − Fâ = λc``.

    ``λ = 0`` is accepted where the Gram matrix is invertible (``n ≠ p`` and non-degenerate
    features): the least-squares solution for ``n > p``, the minimum-norm interpolator for
    ``n < p``. Otherwise ``ValueError`` naming ``lam``.
    """
    be = backend
    scale = 1.0 / math.sqrt(p)
    tiny = 16.0 * be.eps
    if n > p:
        gram, label = be.zeros((p, p)), "primal FᵀF"
        rhs = be.zeros((p, 1))
        yy = 0.0
        for phi, y in batches:
            f = phi * scale
            be.add_gram_(gram, f)  # lower triangle of FᵀF
            be.add_matmul_(rhs, f.T, y.reshape(-1, 1))
            yy += be.scalar(y @ y)
        rhs = rhs.reshape(-1)
        if not (be.all_finite(gram) and be.all_finite(rhs)):
            raise FloatingPointError(_OVERFLOW)
        be.add_to_diagonal_(gram, lam)
        a, ratio = be.cholesky_solve(gram, rhs)
        if a is None or ratio < tiny:
            raise ValueError(_singular_message(lam, label, p, be, ratio))
        train = (yy - be.scalar(a @ rhs) - lam * be.scalar(a @ a)) / n
        return Readout(a, max(train, 0.0), "primal p×p")
    f, y, start = be.zeros((n, p)), be.zeros((n,)), 0
    for phi, y_chunk in batches:
        m = int(phi.shape[0])
        f[start : start + m] = phi * scale
        y[start : start + m] = y_chunk
        start += m
    gram = be.zeros((n, n))
    be.add_gram_(gram, f.T)  # lower triangle of FFᵀ
    if not be.all_finite(gram):
        raise FloatingPointError(_OVERFLOW)
    be.add_to_diagonal_(gram, lam)
    coef, ratio = be.cholesky_solve(gram, y)
    if coef is None or ratio < tiny:
        raise ValueError(_singular_message(lam, "dual FFᵀ", n, be, ratio))
    a = f.T @ coef
    train = lam * lam * be.scalar(coef @ coef) / n
    return Readout(a, train, "dual n×n")


def prediction_mse(
    backend: Backend, batches: Iterable[tuple[Any, Any]], weights: Any, *, p: int
) -> float:
    """``mean_μ (σ*(⟨θ,x_μ⟩/√d) − f(x_μ))²`` over the test chunks ``(Φ, target)``,
    ``f = Φ â/√p``."""
    total, count = 0.0, 0
    scale = 1.0 / math.sqrt(p)
    for phi, target in batches:
        err = target - (phi @ weights) * scale
        total += backend.scalar(err @ err)
        count += int(err.shape[0])
    return total / count
