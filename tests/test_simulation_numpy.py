"""Simulations on the numpy backend: protocol, pinned numbers, results, seeds, bad inputs.

Every test here forces the numpy backend, so the file runs (none skipped) in an environment
without torch. The numbers pinned below were computed with the code as it was before the
simulation package was split into modules (same seeds and settings); float64 on the CPU,
tolerance 1e-12 relative (the runs repeat bit for bit on one machine; the margin covers
another BLAS).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pytest

from onestep_lib import simulation
from onestep_lib.activations import get_activation
from onestep_lib.simulation import backend as backend_mod
from onestep_lib.simulation import memory as memory_mod
from onestep_lib.simulation.data import make_directions, sample_batches, stage_generator
from onestep_lib.simulation.network import ridge_readout
from onestep_lib.simulation.teachers import Teacher, get_teacher, register_teacher

TANH = dict(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, alpha=2.0, lam=0.1)
PIN = dict(
    student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, alpha=1.5, lam=0.1, d=100, n_test=1000
)
RTOL = 1e-12


@pytest.fixture(autouse=True)
def numpy_backend(monkeypatch):
    monkeypatch.setenv(backend_mod.BACKEND_ENV, "numpy")


# --------------------------------------------------------------------------------------
# Pinned values: the redesign changed no number
# --------------------------------------------------------------------------------------

PINNED_TEST_ERROR = {
    "network": (
        (0.08944394701722957, 0.08819169955872833),
        (0.030235826304533114, 0.026169496441504406),
    ),
    "srf": (
        (0.08428715524427491, 0.09265316742132419),
        (0.029310879842237084, 0.026425178312481423),
    ),
    "gaussian": (
        (0.08936798788276569, 0.10099386251595704),
        (0.02812621127987973, 0.035512669280358705),
    ),
}


@pytest.mark.parametrize("model", simulation.MODELS)
def test_pinned_test_errors(model):
    r = simulation.test_error(**PIN, model=model, seeds=[0, 7])
    tests, trains = PINNED_TEST_ERROR[model]
    assert r.backend == "numpy"
    np.testing.assert_allclose(r.per_seed, tests, rtol=RTOL)
    np.testing.assert_allclose(r.train_per_seed, trains, rtol=RTOL)


def test_pinned_noisy_narrow_relu_float32_curve_and_one_step():
    r = simulation.test_error(
        student="relu",
        teacher="sin",
        eta=3.0,
        alpha0=1.5,
        alpha=0.7,
        lam=0.05,
        d=90,
        noise=0.3,
        width_ratio=0.5,
        seeds=[3],
        n_test=700,
    )
    np.testing.assert_allclose(r.per_seed, [0.9204934128470167], rtol=RTOL)
    np.testing.assert_allclose(r.train_per_seed, [0.32761742984923803], rtol=RTOL)
    # float32: rounding of the cast draws; 1e-5 covers another BLAS
    r32 = simulation.test_error(**PIN, dtype="float32", seeds=[1])
    np.testing.assert_allclose(r32.per_seed, [0.08357072448730468], rtol=1e-5)
    np.testing.assert_allclose(r32.train_per_seed, [0.03881387710571289], rtol=1e-5)
    curve = simulation.learning_curve(
        alphas=[0.5, 2.5],
        student="erf",
        teacher="tanh",
        eta=2.0,
        alpha0=1.0,
        lam=0.02,
        d=80,
        seeds=2,
        seed=5,
        n_test=600,
    )
    np.testing.assert_allclose(
        curve.per_seed,
        [[0.18763158991810844, 0.15293611551478317], [0.270998208560148, 0.1714710548141733]],
        rtol=RTOL,
    )
    np.testing.assert_allclose(
        curve.train_per_seed,
        [[0.005592312457003287, 0.0484384289234064], [0.009199489647131765, 0.07720720560461039]],
        rtol=RTOL,
    )
    gauss = simulation.learning_curve(
        alphas=[0.5, 2.5],
        student="tanh",
        teacher="tanh",
        eta=2.0,
        alpha0=1.0,
        lam=0.02,
        d=80,
        seeds=[2],
        n_test=600,
        model="gaussian",
    )
    np.testing.assert_allclose(
        gauss.per_seed, [[0.1733519348866776, 0.11967281936089122]], rtol=RTOL
    )
    layer = simulation.one_step(
        student="tanh",
        teacher="sin",
        eta=2.0,
        alpha0=1.5,
        d=60,
        seed=4,
        width_ratio=1.5,
        noise=0.2,
    )
    assert layer.G.sum() == pytest.approx(195.5802047269297, rel=RTOL)
    np.testing.assert_allclose(
        layer.G[0, :3], [-0.14804085892060473, 0.10678197320909116, 0.17017594084587004], rtol=RTOL
    )
    assert np.abs(layer.W1).sum() == pytest.approx(823.9120651664382, rel=RTOL)
    assert layer.theta.sum() == pytest.approx(-0.24146108268365207, rel=RTOL)


def test_steps_one_and_a_reused_single_batch_are_the_default_bit_for_bit():
    kw = dict(PIN, seeds=[0, 7])
    ref = simulation.test_error(**kw)
    assert simulation.test_error(**kw, steps=1).per_seed == ref.per_seed
    assert simulation.test_error(**kw, steps=1, reuse_batch=True).per_seed == ref.per_seed
    assert simulation.test_error(**{**kw, "eta": [1.0]}).per_seed == ref.per_seed
    by_object = simulation.test_error(**{**kw, "teacher": get_activation("tanh")})
    assert by_object.per_seed == ref.per_seed
    one = Teacher.single_index(get_activation("tanh"))
    assert simulation.test_error(**{**kw, "teacher": one}).per_seed == ref.per_seed


# --------------------------------------------------------------------------------------
# The protocol written out in numpy: one step, two steps, a reused batch
# --------------------------------------------------------------------------------------


def _step(w, x, y, eta):
    """One giant step of a tanh student with the readout at a⁰ = 1/√p, written out."""
    z = x @ w.T
    e = y - np.tanh(z).mean(axis=1)  # the current network's residual
    return eta / x.shape[0] * ((1.0 - np.tanh(z) ** 2) * e[:, None]).T @ x


@pytest.mark.parametrize("reuse", [False, True])
def test_two_steps_follow_the_protocol(reuse):
    """W² = W¹ + (η̃₂/n0) Σ_μ (σ'(W¹x_μ) (y_μ − f(x_μ; W¹, a⁰))) x_μᵀ on the samples of the
    stream of step 2 (or the batch of step 1 again with reuse_batch=True)."""
    d, n0, etas = 80, 120, (2.0, 1.5)
    layer = simulation.one_step(
        student="tanh",
        teacher="sin",
        eta=etas,
        alpha0=1.5,
        d=d,
        width_ratio=0.5,
        steps=2,
        reuse_batch=reuse,
        seed=1,
    )
    be = backend_mod.resolve_backend(device="cpu", dtype="float64")
    x1 = be.to_numpy(be.randn(stage_generator(be, 1, "step"), (n0, d)))
    x2 = x1 if reuse else be.to_numpy(be.randn(stage_generator(be, 1, "step", 2), (n0, d)))
    theta = layer.theta
    g1 = _step(layer.W0, x1, np.sin(x1 @ theta / math.sqrt(d)), etas[0])
    g2 = _step(layer.W0 + g1, x2, np.sin(x2 @ theta / math.sqrt(d)), etas[1])
    np.testing.assert_allclose(layer.G, g1 + g2, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.W1, layer.W0 + g1 + g2, rtol=1e-10, atol=1e-12)
    assert layer.W0.shape == (40, 80) and layer.overlaps.shape == (2, 1)
    assert layer.steps == 2 and layer.reuse_batch is reuse and layer.eta == etas
    # the first step is the one-step layer of the same seed
    single = simulation.one_step(
        student="tanh", teacher="sin", eta=2.0, alpha0=1.5, d=d, width_ratio=0.5, seed=1
    )
    np.testing.assert_allclose(single.G, g1, rtol=1e-10, atol=1e-12)


def test_one_step_update_and_shapes():
    kw = dict(student="tanh", teacher="sin", eta=2.0, alpha0=1.5, d=80, width_ratio=0.5)
    a, b = simulation.one_step(**kw, seed=1), simulation.one_step(**kw, seed=1)
    c = simulation.one_step(**kw, seed=2)
    assert np.array_equal(a.G, b.G) and np.array_equal(a.W0, b.W0)
    assert not np.allclose(a.G, c.G)
    assert a.W0.shape == a.G.shape == (40, 80) and a.theta.shape == (80,)
    np.testing.assert_allclose(np.linalg.norm(a.W0, axis=1), 1.0, rtol=1e-12)
    assert np.linalg.norm(a.theta) ** 2 == pytest.approx(80.0, rel=1e-12)
    np.testing.assert_array_equal(a.directions, a.theta[None, :])


def test_no_step_is_random_features():
    """η̃ = 0 (or α0 = 0, or all the η̃ of several steps 0): the layer stays W⁰, and the
    network equals the sRF with c = 1, r = 0 on the same seed (same W⁰ and data)."""
    kw = dict(student="tanh", teacher="tanh", alpha=1.0, lam=0.1, d=100, seeds=1, n_test=1000)
    net = simulation.test_error(**kw, eta=0.0, alpha0=2.0)
    assert simulation.test_error(**kw, eta=1.0, alpha0=0.0).per_seed == net.per_seed
    assert simulation.test_error(**kw, eta=0.0, alpha0=2.0, steps=3).per_seed == net.per_seed
    srf = simulation.test_error(**kw, eta=0.0, alpha0=2.0, model="srf")
    assert net.per_seed[0] == pytest.approx(srf.per_seed[0], rel=1e-10)
    layer = simulation.one_step(student="tanh", teacher="tanh", eta=0.0, alpha0=2.0, d=30)
    assert not layer.G.any() and np.array_equal(layer.W0, layer.W1)
    assert not layer.overlaps.any() and not layer.singular_values.any()


def test_learning_curve_equals_test_error_point_by_point():
    """Same seed streams: a point of the curve equals test_error at that α (rounding), for
    one and for two steps."""
    kw = dict(
        student="tanh",
        teacher="tanh",
        eta=1.0,
        alpha0=2.0,
        lam=0.05,
        d=100,
        seeds=2,
        n_test=1000,
    )
    for steps in (1, 2):
        curve = simulation.learning_curve(alphas=[0.5, 3.0], steps=steps, **kw)
        assert curve.test_error.shape == curve.test_error_std.shape == (2,)
        assert curve.per_seed.shape == (2, 2) and curve.steps == steps
        for j, alpha in enumerate(curve.alphas):
            point = simulation.test_error(alpha=float(alpha), steps=steps, **kw)
            np.testing.assert_allclose(point.per_seed, curve.per_seed[:, j], rtol=1e-10)
            np.testing.assert_allclose(
                point.train_per_seed, curve.train_per_seed[:, j], rtol=1e-8, atol=1e-12
            )
        assert curve.test_error[1] < curve.test_error[0]  # more readout samples, lower error


def test_label_noise_raises_the_training_error_not_the_target():
    kw = dict(TANH, d=150, seeds=2, n_test=3000)
    clean = simulation.test_error(**kw)
    noisy = simulation.test_error(**kw, noise=0.5)
    assert noisy.train_error > clean.train_error + 0.2  # Δ = 0.5 enters the residual
    assert noisy.test_error > clean.test_error  # the readout fits part of the noise


def test_float32_agrees_with_float64():
    """Same draws (made in float64, then cast): measured relative differences ≤ 3e-6 here
    (d = 100, all models, two steps); tolerance 1e-4."""
    for model, steps in (("network", 1), ("network", 2), ("srf", 1), ("gaussian", 1)):
        r64 = simulation.test_error(**PIN, model=model, steps=steps, seeds=1)
        r32 = simulation.test_error(**PIN, model=model, steps=steps, seeds=1, dtype="float32")
        assert (r32.dtype, r64.dtype) == ("float32", "float64")
        assert r32.test_error == pytest.approx(r64.test_error, rel=1e-4)
        assert r32.train_error == pytest.approx(r64.train_error, rel=1e-3)


# --------------------------------------------------------------------------------------
# Seeds: integers, lists, Generators
# --------------------------------------------------------------------------------------


def test_seeds_are_per_seed_and_order_free():
    kw = dict(PIN, d=60, n_test=400)
    a = simulation.test_error(**kw, seeds=[4, 5])
    b = simulation.test_error(**kw, seeds=2, seed=4)
    c = simulation.test_error(**kw, seeds=[5, 4])
    assert a.per_seed == b.per_seed == c.per_seed[::-1] and a.seeds == (4, 5)
    assert a.per_seed[0] != a.per_seed[1]


def test_generator_seed_draws_recorded_integer_seeds():
    kw = dict(PIN, d=60, n_test=400, seeds=2)
    a = simulation.test_error(**kw, seed=np.random.default_rng(11))
    b = simulation.test_error(**kw, seed=np.random.default_rng(11))
    assert a.per_seed == b.per_seed and a.seeds == b.seeds
    expected = np.random.default_rng(11).integers(0, 2**63 - 1, size=2, endpoint=True)
    assert a.seeds == tuple(int(s) for s in expected)
    again = simulation.test_error(**{**kw, "seeds": list(a.seeds)})
    assert again.per_seed == a.per_seed  # the recorded seeds reproduce the run
    rng = np.random.default_rng(11)
    first = simulation.test_error(**kw, seed=rng)
    second = simulation.test_error(**kw, seed=rng)  # the generator advanced
    assert first.per_seed == a.per_seed and set(second.seeds).isdisjoint(first.seeds)
    layer = simulation.one_step(
        student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, d=40, seed=np.random.default_rng(3)
    )
    assert layer.seed == int(np.random.default_rng(3).integers(0, 2**63 - 1, endpoint=True))


# --------------------------------------------------------------------------------------
# Results: fields, conversions, deprecated names
# --------------------------------------------------------------------------------------

PROVENANCE = {
    "student",
    "teacher",
    "model",
    "eta",
    "alpha0",
    "lam",
    "noise",
    "width_ratio",
    "d",
    "p",
    "n0",
    "n_test",
    "seeds",
    "steps",
    "reuse_batch",
    "device",
    "dtype",
    "backend",
}


def test_result_fields_conversions_and_text():
    r = simulation.test_error(**TANH, d=60, seeds=2, n_test=500, progress=True)
    assert set(r.as_dict()) == PROVENANCE | {
        "test_error",
        "test_error_std",
        "per_seed",
        "train_error",
        "train_error_std",
        "train_per_seed",
        "alpha",
        "n",
    }
    assert float(r) == r.test_error == pytest.approx(np.mean(r.per_seed), rel=1e-15)
    assert r.test_error_std == pytest.approx(np.std(r.per_seed, ddof=1), rel=1e-12)
    assert r.train_error_std == pytest.approx(np.std(r.train_per_seed, ddof=1), rel=1e-12)
    assert r.stderr == pytest.approx(r.test_error_std / math.sqrt(2), rel=1e-15)
    assert (r.p, r.n0, r.n, r.steps, r.reuse_batch) == (60, 120, 120, 1, False)
    line = str(r)
    assert "\n" not in line and "test error" in line and "d=60" in line
    two = simulation.test_error(**TANH, d=60, seeds=1, n_test=500, steps=2, reuse_batch=True)
    assert two.test_error_std == 0.0 and two.stderr == 0.0
    assert "2 step(s) on one batch reused" in str(two)
    curve = simulation.learning_curve(
        alphas=[0.5, 2.0],
        **{k: v for k, v in TANH.items() if k not in ("alpha", "eta")},
        d=60,
        seeds=2,
        n_test=500,
        eta=(1.0, 0.5),
        steps=2,
    )
    assert set(curve.as_dict()) == PROVENANCE | {
        "alphas",
        "n",
        "test_error",
        "test_error_std",
        "per_seed",
        "train_error",
        "train_error_std",
        "train_per_seed",
    }
    assert curve.eta == (1.0, 0.5) and "η̃=(1, 0.5)" in str(curve) and "ε_g(α)" in str(curve)
    layer = simulation.one_step(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, d=40)
    assert "OneStepLayer" in str(layer) and layer.as_dict()["d"] == 40
    assert layer.as_dict()["spike"]["gamma"] == layer.spike.gamma


def test_deprecated_names_still_work_and_warn():
    r = simulation.test_error(**TANH, d=60, seeds=2, n_test=500)
    with pytest.warns(DeprecationWarning, match=r"SimulationResult\.mean .*test_error"):
        assert r.mean == r.test_error
    with pytest.warns(DeprecationWarning, match="test_error_std"):
        assert r.std == r.test_error_std
    with pytest.warns(DeprecationWarning, match="train_error_std"):
        assert r.train_std == r.train_error_std
    curve = simulation.learning_curve(
        alphas=[1.0],
        **{k: v for k, v in TANH.items() if k != "alpha"},
        d=60,
        seeds=2,
        n_test=500,
    )
    with pytest.warns(DeprecationWarning, match=r"SimulationCurve\.mean"):
        assert np.array_equal(curve.mean, curve.test_error)
    with pytest.warns(DeprecationWarning):
        assert np.array_equal(curve.std, curve.test_error_std)
    with pytest.warns(DeprecationWarning):
        assert np.array_equal(curve.train_std, curve.train_error_std)
    with pytest.warns(DeprecationWarning):
        assert curve.settings["d"] == 60 and curve.settings["seeds"] == (0, 1)
    layer = simulation.one_step(student="tanh", teacher="sin", eta=1.0, alpha0=2.0, d=40)
    with pytest.warns(DeprecationWarning):
        assert layer.settings["student"] == "tanh" and layer.settings["teacher"] == "sin"
    with pytest.warns(DeprecationWarning, match="moved to onestep_lib.simulation.memory"):
        assert backend_mod.estimate_memory is memory_mod.estimate_memory


# --------------------------------------------------------------------------------------
# Teachers
# --------------------------------------------------------------------------------------


def test_directions_are_orthogonal_and_the_first_is_the_single_index_theta():
    be = backend_mod.resolve_backend(device="cpu", dtype="float64")
    one = make_directions(be, stage_generator(be, 3, "teacher"), d=50, k=1)
    three = make_directions(be, stage_generator(be, 3, "teacher"), d=50, k=3)
    np.testing.assert_allclose(three @ three.T, 50.0 * np.eye(3), atol=1e-10)
    np.testing.assert_allclose(three[0], one[0], rtol=1e-14)


def test_staircase_labels_and_their_second_moment():
    """y = z1 + z1 z2 with z_i = ⟨θ_i, x⟩/√d, written out; E[y²] = E[z1²] E[(1+z2)²] = 2
    (it would be 4 if θ2 = θ1). Monte Carlo on 20000 samples: Var(y²) = 26, so the mean of
    y² spreads by 0.036; tolerance 0.15."""
    be = backend_mod.resolve_backend(device="cpu", dtype="float64")
    d, teacher = 60, get_teacher("staircase")
    dirs = make_directions(be, stage_generator(be, 0, "teacher"), d=d, k=2)
    batches = sample_batches(
        be,
        stage_generator(be, 0, "test"),
        n=20_000,
        d=d,
        rows=4096,
        directions=dirs,
        teacher=teacher,
        noise=0.0,
    )
    x, target, _ = (np.concatenate(parts) for parts in zip(*batches, strict=True))
    z = x @ dirs.T / math.sqrt(d)
    np.testing.assert_allclose(target, z[:, 0] + z[:, 0] * z[:, 1], rtol=1e-12, atol=1e-12)
    assert np.mean(target**2) == pytest.approx(2.0, abs=0.15)


def test_teacher_objects():
    product = Teacher("product_test", 2, lambda z1, z2: z1 * z2)
    assert float(product(np.array([2.0]), np.array([-1.5]))[0]) == -3.0
    with pytest.raises(ValueError, match="k=2"):
        product(np.array([1.0]))
    r = simulation.test_error(**{**TANH, "teacher": product}, d=60, seeds=1, n_test=500)
    assert r.teacher == "product_test" and 0.0 < r.test_error < 2.0
    with pytest.raises(ValueError, match=r"\bk\b"):
        Teacher("bad", 0, lambda z: z)
    with pytest.raises(TypeError, match="callable"):
        Teacher("bad", 1, 3.0)
    with pytest.raises(ValueError, match="activation name"):
        register_teacher(Teacher("tanh", 1, np.tanh))
    assert get_teacher(" Staircase ").k == 2 and get_teacher("he2").activation.name == "he2"


# --------------------------------------------------------------------------------------
# Ridge readout (numpy backend) against numpy's own solvers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "p"), [(37, 60), (90, 25), (40, 40)])
@pytest.mark.parametrize("lam", [0.3, 0.0])
def test_ridge_readout_equals_primal_solution(n, p, lam):
    """Chunked readout (dual n×n when n ≤ p, primal p×p when n > p) vs the primal normal
    equations (λ > 0) or the minimum-norm least squares (λ = 0)."""
    be = backend_mod.resolve_backend(device="cpu", dtype="float64")
    assert be.name == "numpy"
    rng = np.random.default_rng(n + p)
    phi = np.tanh(rng.standard_normal((n, p)) + 0.3)
    y = rng.standard_normal(n)
    chunks = [(phi[i : i + 16], y[i : i + 16]) for i in range(0, n, 16)]
    out = ridge_readout(be, chunks, n=n, p=p, lam=lam)
    f = phi / math.sqrt(p)
    if lam > 0:
        a = np.linalg.solve(f.T @ f + lam * np.eye(p), f.T @ y)
    else:
        a = np.linalg.lstsq(f, y, rcond=None)[0]
    np.testing.assert_allclose(out.weights, a, rtol=1e-8, atol=1e-9 * np.abs(a).max())
    assert out.train_error == pytest.approx(np.mean((y - f @ a) ** 2), rel=1e-7, abs=1e-12)
    assert out.gram == ("dual n×n" if n <= p else "primal p×p")


def test_ridgeless_readout_refuses_a_singular_gram():
    """Linear student with p = 2d > d: features of rank d < p, FᵀF singular at λ = 0."""
    kw = dict(
        student="linear",
        teacher="tanh",
        eta=0.0,
        alpha0=0.0,
        alpha=4.0,
        d=40,
        width_ratio=2.0,
        seeds=1,
        n_test=200,
    )
    with pytest.raises(ValueError, match=r"^lam=0: .*singular"):
        simulation.test_error(**kw, lam=0.0)
    assert math.isfinite(simulation.test_error(**kw, lam=0.1).test_error)


def test_overflow_raises_instead_of_nan():
    """he3 student with a huge step in float32: features overflow; an error, never a NaN."""
    kw = dict(
        student="he3",
        teacher="tanh",
        eta=1e30,
        alpha0=2.0,
        alpha=2.0,
        lam=0.1,
        d=50,
        seeds=1,
        n_test=200,
        dtype="float32",
    )
    with (
        np.errstate(over="ignore", invalid="ignore"),
        pytest.raises((FloatingPointError, ValueError), match="eta|dtype|lam|overflow"),
    ):
        simulation.test_error(**kw)


# --------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------


def test_memory_refusal_message():
    with pytest.raises(
        MemoryError,
        match=r"needs about [\d.]+ GB .* only [\d.]+ GB are "
        r"available; reduce d",
    ):
        simulation.test_error(**TANH, d=300_000, seeds=1)
    be = backend_mod.resolve_backend(device="cpu")
    memory_mod.check_memory(10**6, be, sizes="x", available=10**9)  # fits: silent
    with pytest.raises(MemoryError, match="2.00 GB.*1.00 GB.*float32"):
        memory_mod.check_memory(2 * 10**9, be, sizes="d=…", available=10**9)


def test_memory_estimate_counts_the_big_arrays():
    kw = dict(d=1000, p=1000, n0=2000, n=2000, n_test=10_000, itemsize=8, rows=1000)
    net = memory_mod.estimate_memory(model="network", **kw)
    srf = memory_mod.estimate_memory(model="srf", **kw)
    assert 3 * 8e6 < net < 1.5e8 and srf < net  # W⁰, W¹, update: 3·p·d·8 bytes
    wide = memory_mod.estimate_memory(model="srf", **{**kw, "n": 500})  # dual, stores F
    assert wide > memory_mod.estimate_memory(model="srf", **{**kw, "n": 400})
    cached = memory_mod.estimate_memory(model="srf", cache_test=True, **kw)
    assert cached - srf >= 10_000 * 1000 * 8
    layers = memory_mod.estimate_memory(model="network", layers=1, **kw)
    assert layers - net >= 1000 * 1000 * 8


# --------------------------------------------------------------------------------------
# Bad inputs: TypeError for a wrong type, ValueError for a wrong value, naming it
# --------------------------------------------------------------------------------------

T, V = TypeError, ValueError
BAD = [
    ("d", 0, V),
    ("d", -5, V),
    ("d", 1, V),
    ("d", 1000.0, T),
    ("d", "100", T),
    ("seeds", 0, V),
    ("seeds", -1, V),
    ("seeds", [], V),
    ("seeds", [1, -2], V),
    ("seeds", 1.5, T),
    ("seeds", "3", T),
    ("seeds", [1.0], T),
    ("seeds", True, T),
    ("seeds", np.random.default_rng(0), T),
    ("seed", -1, V),
    ("seed", "3", T),
    ("seed", 1.0, T),
    ("seed", True, T),
    ("alpha", -1.0, V),
    ("alpha", 0.0, V),
    ("alpha", math.nan, V),
    ("alpha", 1e-4, V),
    ("alpha", "1", T),
    ("alpha0", -0.5, V),
    ("alpha0", 1e-4, V),
    ("alpha0", None, T),
    ("eta", -1.0, V),
    ("eta", [1.0, 2.0], V),
    ("eta", [-1.0], V),
    ("eta", math.inf, V),
    ("eta", "1", T),
    ("eta", True, T),
    ("lam", -0.1, V),
    ("noise", -1.0, V),
    ("width_ratio", -1.0, V),
    ("width_ratio", 0.0, V),
    ("width_ratio", 1e-4, V),
    ("student", "nope", V),
    ("student", 3, T),
    ("teacher", "sigmoidal", V),
    ("teacher", 3.0, T),
    ("model", "mlp", V),
    ("model", None, T),
    ("n_test", 0, V),
    ("n_test", 1.5, T),
    ("steps", 0, V),
    ("steps", 1.5, T),
    ("steps", True, T),
    ("reuse_batch", "yes", T),
    ("reuse_batch", 1, T),
    ("device", "tpu", V),
    ("device", 3.5, T),
    ("dtype", "float16", V),
    ("dtype", 3.5, T),
    ("progress", "yes", T),
]


def _names(name):
    return rf"(?<![\w.]){re.escape(name)}(?!\w)"


@pytest.mark.parametrize(("name", "value", "error"), BAD)
def test_bad_inputs_raise_naming_the_parameter(name, value, error):
    kw = dict(TANH, d=100, seeds=1, n_test=100)
    kw[name] = value
    with pytest.raises(error, match=_names(name)):
        simulation.test_error(**kw)


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        (dict(model="srf", steps=2), "steps"),
        (dict(model="gaussian", reuse_batch=True), "reuse_batch"),
        (dict(model="srf", teacher="staircase"), "teacher"),
        (dict(steps=2, eta=[1.0, 2.0, 3.0]), "eta"),
    ],
)
def test_surrogates_are_one_step_single_index_models(extra, name):
    kw = dict(TANH, d=100, seeds=1, n_test=100) | extra
    with pytest.raises(ValueError, match=_names(name)):
        simulation.test_error(**kw)


def test_bad_inputs_of_one_step_and_learning_curve():
    kw = dict(student="tanh", teacher="tanh", eta=1.0, alpha0=1.0)
    with pytest.raises(ValueError, match=r"^d\b"):
        simulation.one_step(**kw, d=0)
    with pytest.raises(ValueError, match=r"^seed\b"):
        simulation.one_step(**kw, d=10, seed=-3)
    with pytest.raises(TypeError, match=r"^seed\b"):
        simulation.one_step(**kw, d=10, seed="a")
    with pytest.raises(ValueError, match=r"\bsteps\b"):
        simulation.one_step(**kw, d=10, steps=0)
    curve = dict(kw, lam=0.1, d=10)
    with pytest.raises(ValueError, match=r"^alphas"):
        simulation.learning_curve(alphas=[1.0, -1.0], **curve)
    with pytest.raises(ValueError, match=r"^alphas"):
        simulation.learning_curve(alphas=[], **curve)
    with pytest.raises(TypeError, match=r"^alphas"):
        simulation.learning_curve(alphas=["a"], **curve)
    with pytest.raises(TypeError):  # keyword-only
        simulation.test_error("tanh", "tanh", 1.0, 2.0, 2.0, 0.1, 100)


# --------------------------------------------------------------------------------------
# Without torch at all
# --------------------------------------------------------------------------------------


def test_works_without_torch():
    """torch made unimportable in a fresh interpreter: the numpy backend is chosen, and the
    functions (several steps and a multi-index teacher included) run."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from onestep_lib import simulation\n"
        "kw = dict(student='tanh', eta=1.0, alpha0=2.0, lam=0.1, d=60, n_test=300)\n"
        "r = simulation.test_error(**kw, teacher='tanh', alpha=2.0, seeds=1)\n"
        "assert r.backend == 'numpy' and r.device == 'cpu' and r.dtype == 'float64', r\n"
        "c = simulation.learning_curve(**kw, teacher='staircase', alphas=[1.0, 2.0], seeds=1,"
        " steps=2)\n"
        "lay = simulation.one_step(student='relu', teacher='staircase', eta=1.0, alpha0=2.0,"
        " d=60, steps=2, reuse_batch=True)\n"
        "assert lay.overlaps.shape == (2, 2) and 'torch' not in sys.modules or"
        " sys.modules['torch'] is None\n"
        "print(r.test_error, c.test_error[1])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    test, curve = (float(v) for v in out.stdout.split())
    assert 0 < test < 1 and 0 < curve < 3
