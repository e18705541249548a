"""Determinism and resources: same seed, same numbers; runs that would not fit are refused
before they start; an interrupted solve leaves nothing behind (caches included).

float32 against float64 is tested with the simulations (tests/test_simulation_numpy.py and
tests/test_simulation_torch.py), not repeated here."""

import math
import re

import numpy as np
import pytest

from onestep_lib import activations, simulation, spike, theory
from onestep_lib.simulation import backend as backend_mod
from onestep_lib.simulation import memory as memory_mod
from onestep_lib.simulation import runner as runner_mod
from onestep_lib.theory.traces import FiniteTraces, IsotropicTraces

POINT = dict(student="tanh", teacher="sin", eta=2.0, alpha0=3.0, lam=0.05, noise=0.1)
SIM = dict(
    student="tanh",
    teacher="sin",
    eta=2.0,
    alpha0=2.0,
    alpha=1.5,
    lam=0.05,
    d=80,
    n_test=500,
    device="cpu",
)


# --------------------------------------------------------------------------------------
# Same seed, same numbers
# --------------------------------------------------------------------------------------


def test_theory_finite_mode_is_deterministic():
    kw = dict(POINT, alpha=1.2, spectrum="finite", d=150)
    a = theory.test_error(**kw, seed=4)
    b = theory.test_error(**kw, seed=4)
    c = theory.test_error(**kw, seed=np.random.default_rng(4))
    d = theory.test_error(**kw, seed=np.random.default_rng(4))
    assert a.as_dict() == b.as_dict()
    assert c.as_dict() == d.as_dict()
    assert theory.test_error(**kw, seed=5).test_error != a.test_error
    curve = dict(kw)
    curve.pop("alpha")
    x = theory.learning_curve(alphas=[0.5, 1.2], **curve, seed=4)
    y = theory.learning_curve(alphas=[0.5, 1.2], **curve, seed=4)
    assert np.array_equal(x.test_error, y.test_error) and np.array_equal(x.q1, y.q1)
    # the asymptotic mode has no randomness at all
    kw_a = dict(POINT, alpha=1.2)
    assert theory.test_error(**kw_a).as_dict() == theory.test_error(**kw_a).as_dict()


def test_simulation_same_seed_same_numbers():
    """Each seed's numbers depend on that seed only (not on the order or the other seeds), and
    the three entry points repeat themselves exactly."""
    a = simulation.test_error(**SIM, model="gaussian", seeds=[3, 4])
    b = simulation.test_error(**SIM, model="gaussian", seeds=[4, 3])
    assert a.per_seed == b.per_seed[::-1]  # per seed, independent of the order
    assert a.train_per_seed == b.train_per_seed[::-1]
    assert a.per_seed[0] != a.per_seed[1]
    kw = {k: v for k, v in SIM.items() if k != "alpha"}
    x = simulation.learning_curve(alphas=[0.5, 1.5], **kw, seeds=1)
    y = simulation.learning_curve(alphas=[0.5, 1.5], **kw, seeds=1)
    assert np.array_equal(x.per_seed, y.per_seed) and np.array_equal(
        x.train_per_seed, y.train_per_seed
    )
    step = dict(student="tanh", teacher="sin", eta=2.0, alpha0=2.0, d=60, device="cpu")
    u, v = simulation.one_step(**step, seed=2), simulation.one_step(**step, seed=2)
    assert np.array_equal(u.W1, v.W1) and np.array_equal(u.theta, v.theta)
    w = simulation.one_step(**step, seed=np.random.default_rng(2))
    z = simulation.one_step(**step, seed=np.random.default_rng(2))
    assert np.array_equal(w.W1, z.W1) and not np.array_equal(w.W1, u.W1)


# --------------------------------------------------------------------------------------
# Memory: refused before it starts, with the size it needs
# --------------------------------------------------------------------------------------


def test_simulation_that_does_not_fit_is_refused_before_it_starts(monkeypatch):
    monkeypatch.setattr(memory_mod, "available_memory", lambda backend: 2 * 10**6)

    def must_not_run(*args, **kwargs):
        raise AssertionError("the simulation started although it does not fit")

    monkeypatch.setattr(runner_mod, "initial_state", must_not_run)
    d, alpha = 200, 1.5
    be = backend_mod.resolve_backend(device="cpu")
    rows = memory_mod.chunk_rows(d=d, p=d, backend=be)
    need = memory_mod.estimate_memory(
        d=d,
        p=d,
        n0=round(2.0 * d),
        n=round(alpha * d),
        n_test=500,
        model="network",
        itemsize=8,
        rows=rows,
    )
    kw = dict(SIM, d=d, alpha=alpha, seeds=1)
    with pytest.raises(MemoryError) as info:
        simulation.test_error(**kw)
    msg = str(info.value)
    assert f"needs about {need / 1e9:.2f} GB" in msg
    assert re.search(r"only 0\.00 GB are available; reduce d", msg)
    assert f"d={d}, p={d}" in msg
    curve = {k: v for k, v in kw.items() if k not in ("alpha", "seeds")}
    with pytest.raises(MemoryError, match="needs about"):
        simulation.learning_curve(alphas=[0.5, 1.0], **curve)
    with pytest.raises(MemoryError, match="needs about"):
        simulation.one_step(student="tanh", teacher="sin", eta=1.0, alpha0=1.0, d=d, device="cpu")


# --------------------------------------------------------------------------------------
# KeyboardInterrupt leaves no state behind
# --------------------------------------------------------------------------------------


def _interrupt_on_call(k, fn):
    """``fn`` wrapped to raise KeyboardInterrupt on its k-th call."""
    count = {"n": 0}

    def wrapped(*args, **kwargs):
        count["n"] += 1
        if count["n"] == k:
            raise KeyboardInterrupt
        return fn(*args, **kwargs)

    return wrapped


def _cache_state():
    return (
        activations._cached_coefficients.cache_info().currsize,
        activations._hermite_rule.cache_info().currsize,
        activations._legendre_rule.cache_info().currsize,
    )


def _caches_are_intact():
    for order in (64, 120):
        z, w = activations._hermite_rule(order)
        z0, w0 = np.polynomial.hermite_e.hermegauss(order)
        assert np.array_equal(z, z0) and np.allclose(w, w0 / math.sqrt(2 * math.pi), rtol=1e-15)
    for name in ("tanh", "relu", "sin", "he2"):
        fresh = activations._cached_coefficients.__wrapped__(activations.get_activation(name))
        assert activations.hermite_coefficients(name) == fresh


def test_interrupted_asymptotic_solve_leaves_no_state(monkeypatch):
    kw = dict(POINT, alpha=1.2)
    ref = theory.test_error(**kw)
    # interrupted inside the third iteration of the (V1, V2) solver
    monkeypatch.setattr(
        IsotropicTraces, "v_traces", _interrupt_on_call(3, IsotropicTraces.v_traces)
    )
    with pytest.raises(KeyboardInterrupt):
        theory.test_error(**kw)
    monkeypatch.undo()
    assert theory.test_error(**kw).as_dict() == ref.as_dict()
    _caches_are_intact()


def test_interrupted_finite_learning_curve_leaves_no_state(monkeypatch):
    kw = dict(POINT, spectrum="finite", d=120, seed=1)
    alphas = [0.4, 0.8, 1.6, 3.2]
    ref = theory.learning_curve(alphas=alphas, **kw)
    # interrupted while the third point's errors are computed
    monkeypatch.setattr(FiniteTraces, "traces", _interrupt_on_call(3, FiniteTraces.traces))
    with pytest.raises(KeyboardInterrupt):
        theory.learning_curve(alphas=alphas, **kw)
    monkeypatch.undo()
    again = theory.learning_curve(alphas=alphas, **kw)
    assert np.array_equal(again.test_error, ref.test_error)
    assert np.array_equal(again.iterations, ref.iterations)


def test_interrupted_coefficients_leave_caches_intact(monkeypatch):
    """An interrupt while the κ-coefficients or the Hermite statistics of a new activation are
    being computed: lru_cache stores nothing for a call that raised."""
    kw = dict(POINT, alpha=1.2)
    ref = theory.test_error(**kw)
    monkeypatch.setattr(spike, "gaussian_moments", _interrupt_on_call(2, spike.gaussian_moments))
    with pytest.raises(KeyboardInterrupt):
        theory.test_error(**kw)
    monkeypatch.undo()
    assert theory.test_error(**kw).as_dict() == ref.as_dict()

    fresh = activations.Activation("cubic_test", lambda x: x**3, lambda x: 3 * x**2)
    before = _cache_state()
    monkeypatch.setattr(
        activations, "gaussian_expectation", _interrupt_on_call(3, activations.gaussian_expectation)
    )
    with pytest.raises(KeyboardInterrupt):
        activations.hermite_coefficients(fresh)
    monkeypatch.undo()
    assert _cache_state()[0] == before[0]  # nothing half-computed was cached
    hc = activations.hermite_coefficients(fresh)
    assert (hc.mu0, hc.mu1, hc.second_moment) == pytest.approx((0.0, 3.0, 15.0), abs=1e-10)
    _caches_are_intact()


def test_interrupted_simulation_leaves_no_state(monkeypatch):
    ref = simulation.test_error(**SIM, model="srf", seeds=2)
    monkeypatch.setattr(
        runner_mod, "ridge_readout", _interrupt_on_call(2, runner_mod.ridge_readout)
    )
    with pytest.raises(KeyboardInterrupt):
        simulation.test_error(**SIM, model="srf", seeds=2)
    monkeypatch.undo()
    assert simulation.test_error(**SIM, model="srf", seeds=2).per_seed == ref.per_seed
