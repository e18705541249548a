"""The self-consistent equations of the one-step network (THEORY.md §5), for any width ratio.

Order parameters (``a`` the readout, ``f = aᵀσ(W¹x)/√p``, ``W = √c W⁰``, ``Ω = WΠWᵀ``):
``q1 = aᵀΩa/p``, ``q2 = ‖a‖²/p``, ``t = aᵀWv/√(pd)``, ``ψ = aᵀWζ/√(pd)``, ``m = Σa/√p`` and
the susceptibilities ``V1, V2``. Given κ, the predictor is Gaussian with mean
``ĉ(κ) = μ0(κ)m + μ1(κ)κt`` and variance ``q(κ) = μ1²q1 + μ2²q2``; its covariance with the
teacher's ``ζ``-part is ``μ1ψ``, hence

    R(κ) = hh + ĉ² − 2ĉh − 2μ1ψh1 + q,        ε_g = E_κ[R],
    ε_train = E_κ[(R + Δ)/(1 + V)²]          (ridge: the training residual is the test-like
                                              residual shrunk by 1/(1+V); Δ only on the labels).

**Width ratio φ = p/d.** Write the replica free energy per input dimension ``d``: the loss
term is ``α E_κ[…]`` (n = αd samples), the ridge term is ``λ‖a‖²/d = φλ q2``, and the Gaussian
integral over ``a ∈ R^p`` contributes a sum over the p eigenvalues divided by d. With the
conjugates normalised per d (``V̂1 = α E_κ[μ1²/(1+V)]`` … exactly as in THEORY.md §5) the
saddle point is THEORY.md §5 with

    S_j = φλ + V̂1 D_j + V̂2,     ⟨·⟩ → (1/d) Σ_{j=1}^{p} (= φ × the mean over the p eigenvalues)

for *every* average (V1, V2, q1, q2, t, ψ). At φ = 1 this is the reference. (THEORY.md's
remark that only the F/H averages change is not right as stated: it holds in a convention in
which the penalty is λ‖a‖² with ``f = aᵀσ/√d``; checked against the independent closed form of
``theory.rf`` and against direct simulations at φ = 0.5 and 2.)

**Exact elimination.** The ``V``-equations close on ``(V1, V2)`` (2-d root, Newton on
``log V`` with a damped fixed-point fallback; 100% of a 20 000-point sweep converges in ≤ 10
iterations, ``benchmarks/sweep.py``). Given V, ``(m, t)`` solve a 2×2 linear system (the t-update is
affine in t and m, THEORY.md §5 trap (i)), ψ is explicit, and ``(q1, q2)`` solve another 2×2
linear system (q̂ is affine in q). The stopping rule is on the relative residual of V
(default 1e-12; THEORY.md §5 trap (ii)).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from ..activations import Activation, gaussian_nodes, get_activation, hermite_coefficients
from ..spectra import AnisotropicSpectrum, AsymptoticSpectrum, FiniteSpectrum, SpectralTraces
from ..spike import (
    BulkCovariances,
    SpikeParameters,
    bulk_covariances,
    conditional_coefficients,
    spike_parameters,
)
from ..validation import (
    ConvergenceError,
    check_bool,
    check_choice,
    check_int,
    check_real,
    check_seed,
)

__all__ = [
    "OutsideValidatedDomainWarning",
    "TheoryResult",
    "LearningCurve",
    "test_error",
    "learning_curve",
    "learned_function",
    "optimal_lambda",
]

#: Gauss–Hermite nodes for the κ-integrals (the coefficients are smooth in κ).
KAPPA_NODES = 64


class OutsideValidatedDomainWarning(UserWarning):
    """The sRF theory is used where it has not been validated against the network.

    For a student that is not odd (``E[σ] ≠ 0`` or ``E[σ''] ≠ 0``, e.g. ReLU) and η̃ > 0 the
    one-step layer is not exactly the spiked random-features model. Measured at η̃ = 3,
    α0 = 20, λ = 0.1, d = 1000 (network vs theory with the corrected spike parameters):
    ReLU/tanh within about 1%, ReLU/ReLU 6–17% (theory above the network). With
    ``bulk_anisotropy=True`` (the stretched, anisotropic bulk of
    :func:`~onestep_lib.spike.bulk_covariances`) both are within about 3%, so the warning is
    not raised for a ReLU student in that mode; other non-odd students are not validated.
    """


@dataclass(frozen=True)
class TheoryResult:
    """Fixed point of the self-consistent equations (THEORY.md §5) and its errors."""

    test_error: float
    train_error: float
    q1: float
    q2: float
    V1: float
    V2: float
    t: float
    psi: float
    m: float
    q1_hat: float
    q2_hat: float
    V1_hat: float
    V2_hat: float
    t_hat: float
    psi_hat: float
    converged: bool
    iterations: int
    residual: float
    spike: SpikeParameters
    alpha: float
    lam: float
    width_ratio: float
    noise: float
    spectrum: str
    student: Activation = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "student"}
        out["spike"] = self.spike.as_dict()
        out["student"] = self.student.name
        return out

    def __str__(self) -> str:
        return (
            f"TheoryResult(test_error={self.test_error:.6g}, train_error={self.train_error:.6g}, "
            f"alpha={self.alpha:g}, lam={self.lam:g}, m={self.m:.4g}, t={self.t:.4g}, "
            f"psi={self.psi:.4g}, converged={self.converged}, iterations={self.iterations})"
        )


@dataclass(frozen=True)
class LearningCurve:
    """Arrays along ``alphas`` (same fields as :class:`TheoryResult`, as arrays)."""

    alphas: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray
    q1: np.ndarray
    q2: np.ndarray
    V1: np.ndarray
    V2: np.ndarray
    t: np.ndarray
    psi: np.ndarray
    m: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    results: tuple[TheoryResult, ...] = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "results"}

    def __str__(self) -> str:
        return (
            f"LearningCurve({len(self.alphas)} points, "
            f"alpha {self.alphas[0]:g}..{self.alphas[-1]:g}, "
            f"test_error {self.test_error[0]:.4g}..{self.test_error[-1]:.4g})"
        )


# --------------------------------------------------------------------------------------
# The problem: κ-coefficients and the spectrum, built once
# --------------------------------------------------------------------------------------


class _Problem:
    """Everything that does not depend on (α, λ, Δ): κ-nodes, coefficients, spectrum."""

    def __init__(
        self,
        *,
        student: Activation,
        teacher: Activation,
        params: SpikeParameters,
        width_ratio: float,
        spectrum: str,
        d: int | None,
        seed: Any,
        kappa_nodes: int,
        bulk: BulkCovariances | None = None,
    ):
        self.student, self.teacher, self.params = student, teacher, params
        self.phi = width_ratio
        self.mode = spectrum
        kappa, w = gaussian_nodes(order=kappa_nodes)
        co = conditional_coefficients(student=student, teacher=teacher, params=params, kappa=kappa)
        self.kappa, self.w = kappa, w
        self.mu0, self.mu1, self.mu2 = co.mu0, co.mu1, co.mu2
        self.h, self.h1, self.hh = co.h, co.h1, co.hh
        self.mu1sq, self.mu2sq = co.mu1**2, co.mu2**2
        scale = float(np.sum(w * (co.mu0**2 + self.mu1sq + self.mu2sq)))
        self.odd_mean = float(np.sum(w * co.mu0**2)) <= 1e-14 * max(scale, 1e-300)
        self.bulk = bulk
        if bulk is not None:
            self.spec = AnisotropicSpectrum(
                c=params.c,
                width_ratio=width_ratio,
                sigma_aa=bulk.sigma_aa,
                sigma_zz=bulk.sigma_zz,
                sigma_az=bulk.sigma_az,
            )
        elif spectrum == "asymptotic":
            self.spec = AsymptoticSpectrum(c=params.c, width_ratio=width_ratio)
        else:
            self.spec = FiniteSpectrum(c=params.c, d=d, width_ratio=width_ratio, seed=seed)

    # ---- the closed V-subsystem -------------------------------------------------------
    def v_map(self, V: np.ndarray, alpha: float, lam: float):
        Vk = self.mu1sq * V[0] + self.mu2sq * V[1]
        w1 = self.w / (1.0 + Vk)
        v1h = alpha * float(np.sum(w1 * self.mu1sq))
        v2h = alpha * float(np.sum(w1 * self.mu2sq))
        a = self.phi * lam + v2h
        tr = self._v_traces(a, v1h)
        return np.array(tr), v1h, v2h

    def _v_traces(self, a: float, b: float) -> tuple[float, float]:
        spec = self.spec
        if isinstance(spec, AsymptoticSpectrum):
            from ..spectra import _trace_inverse

            A, B, phi = a, b * spec.c, spec.width_ratio
            G = float(_trace_inverse(A, B, phi))
            return phi * spec.c * G / (1.0 + phi * B * G), phi * G
        inv = 1.0 / (a + b * spec.D)
        return float(spec.D @ inv) / spec.d, float(inv.sum()) / spec.d


def _solve_v(
    prob: _Problem,
    alpha: float,
    lam: float,
    V0: np.ndarray,
    *,
    tol: float,
    max_iter: int,
    damping: float,
    report=None,
):
    """Root of ``V = F(V)`` (2-d, ``V > 0``).

    Newton on ``u = log V`` (the fixed point spans many decades: ``V ~ 1/λ`` at small λ, up
    to ~1e7 in the sweep) with a forward-difference Jacobian and backtracking on the log
    residual ``max|log F(V) − log V|``; when no Newton step reduces it, a damped fixed-point
    step ``V ← (1−damping)V + damping F(V)``. (Newton on V itself stalled at a spurious local
    minimum of the residual for a ReLU student with a large step, c ≈ 385.) The stopping rule
    is on the relative residual ``max|F(V) − V|/(1 + |V|) < tol``. ``report(it, V, res)`` is
    called once per iteration when given (``verbose=True``).
    """
    V = np.maximum(np.asarray(V0, dtype=float), 1e-12)
    res = math.inf

    def log_residual(u):
        FV = prob.v_map(np.exp(u), alpha, lam)[0]
        return np.log(FV) - u, FV

    for it in range(1, max_iter + 1):
        u = np.log(V)
        g, FV = log_residual(u)
        res = float(np.max(np.abs(FV - V) / (1.0 + np.abs(V))))
        if report is not None:
            report(it, V, res)
        if res < tol:
            return V, it, res, True
        merit = float(np.max(np.abs(g)))
        J = np.empty((2, 2))
        for k in range(2):
            uh = u.copy()
            uh[k] += 1e-7
            J[:, k] = (log_residual(uh)[0] - g) / 1e-7
        try:
            step = np.linalg.solve(J, -g)
        except np.linalg.LinAlgError:
            step = None
        newV = None
        if step is not None and np.all(np.isfinite(step)):
            step *= min(1.0, 10.0 / max(float(np.max(np.abs(step))), 1e-300))  # ≤ e^10 per step
            for frac in (1.0, 0.5, 0.25, 0.125):
                cand = u + frac * step
                gc = log_residual(cand)[0]
                if np.all(np.isfinite(gc)) and float(np.max(np.abs(gc))) < merit:
                    newV = np.exp(cand)
                    break
        if newV is None:  # damped fixed-point step
            newV = (1.0 - damping) * V + damping * FV
        V = newV
    return V, max_iter, res, False


def _finish(prob: _Problem, alpha: float, lam: float, noise: float, V: np.ndarray):
    """Everything but V, by exact linear algebra at the fixed point of V."""
    w, kap = prob.w, prob.kappa
    mu0, mu1, h, h1, hh = prob.mu0, prob.mu1, prob.h, prob.h1, prob.hh
    Vk = prob.mu1sq * V[0] + prob.mu2sq * V[1]
    w1 = w / (1.0 + Vk)
    w2 = w1 / (1.0 + Vk)
    v1h = alpha * float(np.sum(w1 * prob.mu1sq))
    v2h = alpha * float(np.sum(w1 * prob.mu2sq))
    tr: SpectralTraces = prob.spec.traces(prob.phi * lam + v2h, v1h)
    V1, V2 = tr.d_inv, tr.inv

    # (m, t): a00 m + a01 t = b0 ;  t = F̄ t̂,  t̂ = α (b1 − a01 m − a11 t)
    a00 = float(np.sum(w1 * mu0 * mu0))
    a01 = float(np.sum(w1 * mu0 * mu1 * kap))
    a11 = float(np.sum(w1 * (mu1 * kap) ** 2))
    b0 = float(np.sum(w1 * mu0 * h))
    b1 = float(np.sum(w1 * mu1 * kap * h))
    fbar = alpha * tr.f_inv
    psi_hat = alpha * float(np.sum(w1 * mu1 * h1))
    # anisotropic bulk: t = t̂⟨F/S⟩ + ψ̂⟨K/S⟩, ψ = ψ̂⟨H/S⟩ + t̂⟨K/S⟩, N gains 2t̂ψ̂K
    aniso = prob.bulk is not None
    rhs_t = fbar * b1 + psi_hat * tr.k_inv if aniso else fbar * b1
    if prob.odd_mean:
        m = 0.0
        t = rhs_t / (1.0 + fbar * a11)
    else:
        mat = np.array([[a00, a01], [fbar * a01, 1.0 + fbar * a11]])
        m, t = np.linalg.solve(mat, np.array([b0, rhs_t]))
        m, t = float(m), float(t)
    t_hat = alpha * (b1 - a01 * m - a11 * t)
    psi = psi_hat * tr.h_inv
    if aniso:
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
    if aniso:
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


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def _is_odd_student(student: Activation) -> bool:
    hs = hermite_coefficients(student)
    return abs(hs.mu0) < 1e-10 and abs(hs.mu2nd) < 1e-10


def _build(
    *,
    student,
    teacher,
    eta,
    alpha0,
    noise=0.0,
    width_ratio=1.0,
    spectrum="asymptotic",
    d=None,
    seed=None,
    student_mean_correction=True,
    kappa_nodes=KAPPA_NODES,
    spike=None,
    bulk_anisotropy=False,
):
    stu = get_activation(student, name="student")
    tea = get_activation(teacher, name="teacher")
    eta = check_real("eta", eta, low=0.0)
    alpha0 = check_real("alpha0", alpha0, low=0.0)
    noise = check_real("noise", noise, low=0.0)
    phi = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    spectrum = check_choice("spectrum", spectrum, ["asymptotic", "finite"])
    kappa_nodes = check_int("kappa_nodes", kappa_nodes, low=4, high=1000)
    student_mean_correction = check_bool("student_mean_correction", student_mean_correction)
    seed = check_seed("seed", seed)
    if spectrum == "finite" and d is None:
        raise ValueError("d must be given (an integer >= 2) when spectrum='finite', got None")
    if d is not None:
        d = check_int("d", d, low=2)
    if spike is None:
        spike = spike_parameters(
            student=stu,
            teacher=tea,
            eta=eta,
            alpha0=alpha0,
            noise=noise,
            student_mean_correction=student_mean_correction,
        )
    elif not isinstance(spike, SpikeParameters):
        raise TypeError(f"spike must be a SpikeParameters, got {type(spike).__name__}")
    else:
        check_real("spike.c", spike.c, low=0.0, low_open=True)
        check_real("spike.r", spike.r, low=0.0)
        check_real("spike.gamma", spike.gamma, low=-1.0, high=1.0)
    bulk = None
    if isinstance(bulk_anisotropy, BulkCovariances):
        bulk = bulk_anisotropy
    else:
        bulk_anisotropy = check_bool("bulk_anisotropy", bulk_anisotropy)
    if bulk is not None or bulk_anisotropy:
        if spectrum != "asymptotic":
            raise ValueError(
                "bulk_anisotropy is only supported with spectrum='asymptotic' (the finite-d "
                f"spectrum samples an isotropic bulk), got spectrum={spectrum!r}"
            )
        if not student_mean_correction:
            raise ValueError(
                "bulk_anisotropy requires student_mean_correction=True (the plane model is "
                "built on the corrected spike parameters)"
            )
        if bulk is None:
            bulk = bulk_covariances(student=stu, teacher=tea, eta=eta, alpha0=alpha0, noise=noise)
    validated_aniso = bulk is not None and stu.name == "relu"
    if eta > 0 and alpha0 > 0 and not _is_odd_student(stu) and not validated_aniso:
        warnings.warn(
            f"student {stu.name!r} is not odd (E[σ] or E[σ''] ≠ 0): the sRF theory at "
            f"eta={eta:g} > 0 is outside its validated domain (measured gaps to the network: "
            "ReLU/tanh about 1%, ReLU/ReLU 6-17% at eta=3, alpha0=20); for a ReLU student "
            "bulk_anisotropy=True meets the network within a few percent",
            OutsideValidatedDomainWarning,
            stacklevel=3,
        )
    prob = _Problem(
        student=stu,
        teacher=tea,
        params=spike,
        width_ratio=phi,
        spectrum=spectrum,
        d=d,
        seed=seed,
        kappa_nodes=kappa_nodes,
        bulk=bulk,
    )
    return prob, noise


def _solve_point(
    prob: _Problem,
    *,
    alpha: float,
    lam: float,
    noise: float,
    V0: np.ndarray | None,
    tol: float,
    max_iter: int,
    damping: float,
    on_fail: str,
    verbose: bool = False,
) -> TheoryResult:
    if V0 is None:
        V0 = np.array([1.0 / (1.0 + lam), 1.0 / (1.0 + lam)])
    report = None
    if verbose:

        def report(it, V, res):
            err = _finish(prob, alpha, lam, noise, V)["test_error"]
            print(
                f"[onestep theory] alpha={alpha:g} lam={lam:g} iteration {it}: "
                f"residual {res:.3e}, test error {err:.8g}",
                flush=True,
            )

    V, its, res, ok = _solve_v(
        prob, alpha, lam, V0, tol=tol, max_iter=max_iter, damping=damping, report=report
    )
    if not ok:
        msg = (
            f"self-consistent equations did not converge in max_iter={max_iter} iterations "
            f"(residual {res:.3g} > tol={tol:g}) at alpha={alpha:g}, lam={lam:g}; "
            "increase max_iter or lam, or pass on_fail='warn' to get the last iterate"
        )
        if on_fail == "raise":
            raise ConvergenceError(msg, residual=res, iterations=its)
        warnings.warn(msg, RuntimeWarning, stacklevel=3)
    out = _finish(prob, alpha, lam, noise, V)
    return TheoryResult(
        **out,
        converged=ok,
        iterations=its,
        residual=res,
        spike=prob.params,
        alpha=alpha,
        lam=lam,
        width_ratio=prob.phi,
        noise=noise,
        spectrum=prob.mode,
        student=prob.student,
    )


def _solver_options(tol, max_iter, damping, on_fail, verbose=False):
    verbose = check_bool("verbose", verbose)
    tol = check_real("tol", tol, low=0.0, low_open=True)
    max_iter = check_int("max_iter", max_iter, low=1)
    damping = check_real("damping", damping, low=0.0, high=1.0, low_open=True)
    on_fail = check_choice("on_fail", on_fail, ["raise", "warn"])
    return dict(tol=tol, max_iter=max_iter, damping=damping, on_fail=on_fail, verbose=verbose)


def test_error(
    *,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    alpha: float,
    lam: float,
    noise: float = 0.0,
    width_ratio: float = 1.0,
    spectrum: str = "asymptotic",
    d: int | None = None,
    seed: int | np.random.Generator | None = None,
    student_mean_correction: bool = True,
    spike: SpikeParameters | None = None,
    kappa_nodes: int = KAPPA_NODES,
    tol: float = 1e-12,
    max_iter: int = 200,
    damping: float = 0.5,
    on_fail: str = "raise",
    verbose: bool = False,
    bulk_anisotropy: bool | BulkCovariances = False,
) -> TheoryResult:
    """Test error of the one-step network, ``d → ∞`` (``spectrum="asymptotic"``) or with the
    spectrum sampled at dimension ``d`` with ``seed`` (``spectrum="finite"``).

    Parameters follow THEORY.md: ``eta = η̃ ≥ 0``, ``alpha0 = n0/d ≥ 0``, ``alpha = n/d > 0``,
    ``lam = λ > 0``, ``noise = Δ ≥ 0`` (label noise in both stages; the test error is
    against the noiseless target), ``width_ratio = φ = p/d > 0``. ``spike`` overrides the
    spike parameters of :func:`onestep_lib.spike.spike_parameters`. ``tol`` is the relative
    residual of the (V1, V2) fixed point; non-convergence in ``max_iter`` iterations raises
    :class:`~onestep_lib.validation.ConvergenceError` (``on_fail="warn"``: warns instead).
    ``verbose=True`` prints one line per solver iteration (iteration, residual, test error at
    the current iterate).

    ``bulk_anisotropy=True`` (``d → ∞`` only; ``spectrum="finite"`` raises ``ValueError``)
    replaces the isotropic bulk ``√c W⁰`` by the one-step bulk with the covariances of
    :func:`onestep_lib.spike.bulk_covariances` along the spike and the target (weights
    ``(F, H, K)``, :class:`~onestep_lib.spectra.AnisotropicSpectrum`); the ``K`` cross terms
    enter ``t = t̂⟨F/S⟩ + ψ̂⟨K/S⟩``, ``ψ = ψ̂⟨H/S⟩ + t̂⟨K/S⟩`` and ``N_j += 2t̂ψ̂K_j``. It is
    what makes the theory right for a non-odd student: ReLU/ReLU at η̃ = 3, α0 = 20,
    λ = 0.1, α ∈ [0.5, 3] is within the simulation spread (d = 1000) where the isotropic bulk
    is 7–18% high; so no ``OutsideValidatedDomainWarning`` is emitted for a ReLU student
    with it (other non-odd students still warn). For odd students ``T = I`` and only the
    anisotropic noise terms ``ν`` remain (kept): Σ is within ~4% of ``(c, c, 0)`` and the
    test error moves by ≤ 0.2%. A :class:`~onestep_lib.spike.BulkCovariances` may be passed
    instead of ``True`` (e.g. measured covariances). Requires
    ``student_mean_correction=True``.

    >>> r = test_error(student="tanh", teacher="sin", eta=3.0, alpha0=20.0, alpha=0.2, lam=0.1)
    >>> round(r.test_error, 5)
    0.04848
    """
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    lam = check_real("lam", lam, low=0.0, low_open=True)
    opts = _solver_options(tol, max_iter, damping, on_fail, verbose)
    prob, noise = _build(
        student=student,
        teacher=teacher,
        eta=eta,
        alpha0=alpha0,
        noise=noise,
        width_ratio=width_ratio,
        spectrum=spectrum,
        d=d,
        seed=seed,
        student_mean_correction=student_mean_correction,
        kappa_nodes=kappa_nodes,
        spike=spike,
        bulk_anisotropy=bulk_anisotropy,
    )
    return _solve_point(prob, alpha=alpha, lam=lam, noise=noise, V0=None, **opts)


def learning_curve(
    *,
    alphas,
    student: str | Activation,
    teacher: str | Activation,
    eta: float,
    alpha0: float,
    lam: float,
    noise: float = 0.0,
    width_ratio: float = 1.0,
    spectrum: str = "asymptotic",
    d: int | None = None,
    seed: int | np.random.Generator | None = None,
    student_mean_correction: bool = True,
    spike: SpikeParameters | None = None,
    kappa_nodes: int = KAPPA_NODES,
    tol: float = 1e-12,
    max_iter: int = 200,
    damping: float = 0.5,
    on_fail: str = "raise",
    verbose: bool = False,
    bulk_anisotropy: bool | BulkCovariances = False,
) -> LearningCurve:
    """:func:`test_error` along ``alphas`` (coefficients and spectrum built once, warm starts;
    ``bulk_anisotropy`` as there)."""
    from ..validation import check_array

    alphas = check_array("alphas", alphas, low=0.0, low_open=True)
    lam = check_real("lam", lam, low=0.0, low_open=True)
    opts = _solver_options(tol, max_iter, damping, on_fail, verbose)
    prob, noise = _build(
        student=student,
        teacher=teacher,
        eta=eta,
        alpha0=alpha0,
        noise=noise,
        width_ratio=width_ratio,
        spectrum=spectrum,
        d=d,
        seed=seed,
        student_mean_correction=student_mean_correction,
        kappa_nodes=kappa_nodes,
        spike=spike,
        bulk_anisotropy=bulk_anisotropy,
    )
    results = []
    V0 = None
    for a in alphas:
        res = _solve_point(prob, alpha=float(a), lam=lam, noise=noise, V0=V0, **opts)
        V0 = np.array([res.V1, res.V2])
        results.append(res)

    def arr(name):
        return np.array([getattr(r, name) for r in results])

    return LearningCurve(
        alphas=alphas,
        test_error=arr("test_error"),
        train_error=arr("train_error"),
        q1=arr("q1"),
        q2=arr("q2"),
        V1=arr("V1"),
        V2=arr("V2"),
        t=arr("t"),
        psi=arr("psi"),
        m=arr("m"),
        converged=arr("converged"),
        iterations=arr("iterations"),
        results=tuple(results),
    )


def learned_function(result: TheoryResult, kappa) -> np.ndarray:
    """The predictor's mean along the spike, ``ĉ(κ) = μ0(κ) m + μ1(κ) κ t`` (THEORY.md §5)."""
    from ..spike import student_conditional
    from ..validation import check_finite_array

    if not isinstance(result, TheoryResult):
        raise TypeError(f"result must be a TheoryResult, got {type(result).__name__}")
    kappa = check_finite_array("kappa", kappa)
    p = result.spike
    mu0, mu1, _ = student_conditional(result.student, c=p.c, r=p.r, kappa=kappa)
    return mu0 * result.m + mu1 * kappa * result.t


def optimal_lambda(
    *, lam_bounds: tuple[float, float] = (1e-4, 1e2), xatol: float = 1e-3, **kwargs
) -> tuple[float, TheoryResult]:
    """``λ`` minimising the test error (``scipy.optimize.minimize_scalar`` on ``log λ``).

    ``kwargs`` are those of :func:`test_error` without ``lam`` (``bulk_anisotropy``
    included). Returns ``(λ*, result)``.
    """
    from scipy.optimize import minimize_scalar

    if "lam" in kwargs:
        raise ValueError("optimal_lambda chooses lam; do not pass lam")
    if not isinstance(lam_bounds, tuple | list) or len(lam_bounds) != 2:
        raise ValueError(f"lam_bounds must be a pair (low, high), got {lam_bounds!r}")
    xatol = check_real("xatol", xatol, low=0.0, low_open=True)
    lo = check_real("lam_bounds[0]", lam_bounds[0], low=0.0, low_open=True)
    hi = check_real("lam_bounds[1]", lam_bounds[1], low=lo, low_open=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutsideValidatedDomainWarning)
        res = minimize_scalar(
            lambda x: test_error(lam=math.exp(x), **kwargs).test_error,
            bounds=(math.log(lo), math.log(hi)),
            method="bounded",
            options={"xatol": xatol},
        )
    lam = math.exp(res.x)
    return lam, test_error(lam=lam, **kwargs)
