"""Bad input: one table per public entry point.

The policy (:mod:`onestep_lib.validation`): a value of the wrong **type** raises ``TypeError``,
a value of the right type outside its domain raises ``ValueError``, and the message names the
parameter. Each row is ``(parameter, value, expected error)``; the expected class is checked
exactly (a ``ValueError`` where a ``TypeError`` is due fails). Cheap: nothing here solves or
simulates more than a toy size.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from onestep_lib import activations, simulation, spectra, spike, theory, widgets
from onestep_lib.simulation import backend as backend_mod
from onestep_lib.simulation import memory as memory_mod
from onestep_lib.theory.traces import FiniteTraces, IsotropicTraces, sample_first_layer
from onestep_lib.validation import check_array, check_bool, check_finite_array, check_seed

NAN, INF = float("nan"), float("inf")
T, V = TypeError, ValueError

#: A cheap valid point of the theory (the anchor of tests/conftest.py at α = 1).
POINT = dict(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, alpha=1.0, lam=0.1)
CURVE = {k: v for k, v in POINT.items() if k != "alpha"}
SIM = dict(POINT, d=40, seeds=1, n_test=40, device="cpu")
SIM_CURVE = {k: v for k, v in SIM.items() if k != "alpha"}
STEP = dict(student="tanh", teacher="tanh", eta=1.0, alpha0=1.0, d=10, device="cpu")


def _raises(error, name, fn):
    """``fn()`` raises exactly ``error`` with a message that names ``name``."""
    with pytest.raises((TypeError, ValueError)) as info:
        fn()
    assert info.type is error, f"{info.type.__name__} instead of {error.__name__}: {info.value}"
    assert re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", str(info.value)), str(info.value)


# --------------------------------------------------------------------------------------
# theory.test_error and theory.learning_curve (the same keywords)
# --------------------------------------------------------------------------------------

THEORY_TABLE = [
    ("alpha", NAN, V),
    ("alpha", -1.0, V),
    ("alpha", 0.0, V),
    ("alpha", "1", T),
    ("alpha", True, T),
    ("alpha", None, T),
    ("lam", -1.0, V),
    ("lam", 0.0, V),
    ("lam", INF, V),
    ("lam", "0.1", T),
    ("eta", INF, V),
    ("eta", -1.0, V),
    ("eta", "1", T),
    ("alpha0", -0.1, V),
    ("alpha0", NAN, V),
    ("alpha0", None, T),
    ("noise", NAN, V),
    ("noise", -1.0, V),
    ("width_ratio", 0.0, V),
    ("width_ratio", INF, V),
    ("width_ratio", "1", T),
    ("student", "tnh", V),
    ("student", None, T),
    ("student", 3, T),
    ("teacher", "sigmoid", V),
    ("teacher", 3, T),
    ("spectrum", "exact", V),
    ("spectrum", 1, T),
    ("bulk", "true", V),
    ("bulk", None, T),
    ("kappa_nodes", 0, V),
    ("kappa_nodes", 2, V),
    ("kappa_nodes", 8.0, T),
    ("tol", 0.0, V),
    ("tol", -1e-3, V),
    ("tol", NAN, V),
    ("max_iter", 0, V),
    ("max_iter", 2.5, T),
    ("damping", 0.0, V),
    ("damping", 1.5, V),
    ("on_fail", "ignore", V),
    ("on_fail", None, T),
    ("verbose", "yes", T),
    ("verbose", 1, T),
    ("student_mean_correction", "no", T),
    ("seed", "abc", T),
    ("seed", 1.5, T),
    ("seed", True, T),
    ("seed", -1, V),
    ("d", -5, V),  # validated even in asymptotic mode, where it is unused
    ("d", 1.5, T),
    ("spike", (1.0, 1.0, 0.5), T),
    ("spike.c", spike.SpikeParameters(-1.0, 1.0, 0.5), V),
    ("spike.r", spike.SpikeParameters(1.0, NAN, 0.5), V),
    ("spike.gamma", spike.SpikeParameters(1.0, 1.0, 1.5), V),
]


def _keyword(name):
    return name.split(".")[0]


@pytest.mark.parametrize(("name", "value", "error"), THEORY_TABLE)
def test_theory_test_error(name, value, error):
    _raises(error, name, lambda: theory.test_error(**(POINT | {_keyword(name): value})))


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [row for row in THEORY_TABLE if row[0] != "alpha"]
    + [
        ("alphas", [1.0, NAN], V),
        ("alphas", [-1.0], V),
        ("alphas", [0.0], V),
        ("alphas", [[1.0, 2.0]], V),
        ("alphas", [], V),
        ("alphas", "abc", T),
        ("alphas", None, T),
        ("alphas", [True, False], T),
        ("alphas", [1.0 + 1j], T),
    ],
)
def test_theory_learning_curve(name, value, error):
    kw = {"alphas": [1.0], **CURVE, _keyword(name): value}
    _raises(error, name, lambda: theory.learning_curve(**kw))


def test_theory_finite_mode_needs_d():
    _raises(V, "d", lambda: theory.test_error(**POINT, spectrum="finite"))
    _raises(V, "d", lambda: theory.test_error(**POINT, spectrum="finite", d=1))


@pytest.mark.parametrize(
    ("name", "kwargs", "error"),
    [
        ("lam", dict(lam=0.1), V),  # optimal_lambda chooses λ
        ("alpha", dict(alpha=None), V),
        ("alpha", dict(alpha=-1.0), V),
        ("lam_bounds", dict(lam_bounds=(1.0,)), V),
        ("lam_bounds[0]", dict(lam_bounds=(-1.0, 1.0)), V),
        ("lam_bounds[1]", dict(lam_bounds=(1.0, 0.1)), V),
        ("lam_bounds[0]", dict(lam_bounds=("a", 1.0)), T),
        ("xatol", dict(xatol=0.0), V),
        ("xatol", dict(xatol=NAN), V),
        ("xatol", dict(xatol="a"), T),
        ("student", dict(student="nope"), V),
        ("eta", dict(eta=-1.0), V),
    ],
)
def test_theory_optimal_lambda(name, kwargs, error):
    kw = {k: v for k, v in POINT.items() if k != "lam"}
    kw.update(kwargs)
    if kw.get("alpha", 0) is None:
        del kw["alpha"]
    _raises(error, name, lambda: theory.optimal_lambda(**kw))


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("result", 3, T),
        ("result", None, T),
        ("kappa", [0.0, NAN], V),
        ("kappa", [INF], V),
        ("kappa", "ab", T),
        ("kappa", [None], T),
    ],
)
def test_theory_learned_function(name, value, error):
    res = theory.test_error(**POINT)
    args = {"result": res, "kappa": [0.0]} | {name: value}
    _raises(error, name, lambda: theory.learned_function(args["result"], args["kappa"]))


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("alpha", NAN, V),
        ("alpha", 0.0, V),
        ("alpha", "1", T),
        ("lam", 0.0, V),
        ("lam", -1.0, V),
        ("lam", None, T),
        ("width_ratio", 0.0, V),
        ("noise", NAN, V),
        ("noise", -0.1, V),
        ("full", "yes", T),
        ("student", "nope", V),
        ("student", 3, T),
        ("teacher", None, T),
    ],
)
def test_theory_rf_test_error(name, value, error):
    kw = dict(student="tanh", teacher="tanh", alpha=1.0, lam=0.1) | {name: value}
    _raises(error, name, lambda: theory.rf_test_error(**kw))


# --------------------------------------------------------------------------------------
# spike
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("student", 3, T),
        ("student", "swish", V),
        ("teacher", None, T),
        ("eta", -1.0, V),
        ("eta", "1", T),
        ("alpha0", NAN, V),
        ("noise", -0.1, V),
        ("student_mean_correction", "no", T),
    ],
)
def test_spike_parameters(name, value, error):
    kw = dict(student="tanh", teacher="tanh", eta=1.0, alpha0=1.0) | {name: value}
    _raises(error, name, lambda: spike.spike_parameters(**kw))


@pytest.mark.parametrize(
    ("name", "call", "error"),
    [
        ("c", lambda: spike.student_conditional("tanh", c=-1.0, r=1.0, kappa=[0.0]), V),
        ("r", lambda: spike.student_conditional("tanh", c=1.0, r=NAN, kappa=[0.0]), V),
        ("kappa", lambda: spike.student_conditional("tanh", c=1.0, r=1.0, kappa=[0.0, NAN]), V),
        ("gamma", lambda: spike.teacher_conditional("tanh", gamma=2.0, kappa=[0.0]), V),
        ("gamma", lambda: spike.teacher_conditional("tanh", gamma=NAN, kappa=[0.0]), V),
        ("kappa", lambda: spike.teacher_conditional("tanh", gamma=0.5, kappa=[INF]), V),
        (
            "params",
            lambda: spike.conditional_coefficients(
                student="tanh", teacher="tanh", params=(1.0, 1.0, 0.5), kappa=[0.0]
            ),
            T,
        ),
        (
            "eta",
            lambda: spike.bulk_covariances(student="relu", teacher="relu", eta=-1.0, alpha0=1.0),
            V,
        ),
    ],
)
def test_spike_helpers(name, call, error):
    _raises(error, name, call)


# --------------------------------------------------------------------------------------
# spectra (and the traces of the theory)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "call", "error"),
    [
        ("width_ratio", lambda: spectra.mp_edges(-1.0), V),
        ("width_ratio", lambda: spectra.mp_edges("1"), T),
        ("c", lambda: spectra.mp_edges(1.0, 0.0), V),
        ("width_ratio", lambda: spectra.mp_atom(NAN), V),
        ("width_ratio", lambda: spectra.mp_density(1.0, -1.0), V),
        ("t", lambda: spectra.mp_density(np.array([1.0, NAN]), 1.0), V),
        ("order", lambda: spectra.mp_quadrature(1.0, 1.0, 0), V),
        ("order", lambda: spectra.mp_quadrature(1.0, 1.0, 1.5), T),
        ("c", lambda: spectra.mp_stieltjes(-1.0, 1.0, -1.0), V),
        ("c", lambda: spectra.mp_stieltjes(-1.0, 1.0, NAN), V),
        ("z", lambda: spectra.mp_stieltjes(NAN, 1.0), V),
        ("z", lambda: spectra.mp_stieltjes(1.0, 1.0), V),  # on the support
        ("z", lambda: spectra.mp_stieltjes(0.0, 0.5), V),  # the atom of φ < 1 is not there,
        ("width_ratio", lambda: spectra.trace_inverse(1.0, 1.0, -1.0), V),  # but 0 is refused
        ("width_ratio", lambda: spectra.trace_inverse(1.0, 1.0, NAN), V),
        ("A", lambda: spectra.trace_inverse(NAN, 1.0, 1.0), V),
        ("A", lambda: spectra.trace_inverse(0.0, 1.0, 1.0), V),
        ("A", lambda: spectra.trace_inverse(-1.0, 1.0, 1.0), V),  # inside the support
        ("A", lambda: spectra.trace_inverse(np.array([1.0, -0.5]), 1.0, 1.0), V),
        ("A", lambda: spectra.trace_inverse("a", 1.0, 1.0), T),
        ("B", lambda: spectra.trace_inverse(1.0, -1.0, 1.0), V),
        ("B", lambda: spectra.trace_inverse(1.0, INF, 1.0), V),
        ("width_ratio", lambda: spectra.trace_t_inverse(1.0, 1.0, -1.0), V),
        ("width_ratio", lambda: spectra.trace_inverse_squared(1.0, 1.0, 0.0), V),
        ("A", lambda: spectra.trace_t_inverse_squared(NAN, 1.0, 1.0), V),
        ("width_ratio", lambda: spectra.trace_t2_inverse_squared(1.0, 1.0, -2.0), V),
        ("width_ratio", lambda: spectra.trace_inverse_product(1.0, 2.0, 1.0, -1.0), V),
        ("A1", lambda: spectra.trace_t_inverse_product_squared(1.0, NAN, 1.0, 1.0), V),
        ("A0", lambda: spectra.trace_inverse_product(0.0, 1.0, 1.0, 1.0), V),
        ("strength", lambda: spectra.spiked_outlier(strength=NAN), V),
        ("strength", lambda: spectra.spiked_outlier(strength=None), T),
        ("r", lambda: spectra.one_step_outlier(c=1.0, r=-1.0, d=10), V),
        ("c", lambda: spectra.one_step_outlier(c=-1.0, r=1.0, d=10), V),
        ("d", lambda: spectra.one_step_outlier(c=1.0, r=1.0, d=10.0), T),
        ("width_ratio", lambda: spectra.one_step_outlier(c=1.0, r=1.0, d=10, width_ratio=-1.0), V),
        ("gamma", lambda: spectra.one_step_outlier(c=1.0, r=1.0, d=10, gamma=NAN), V),
        ("gamma", lambda: spectra.one_step_outlier(c=1.0, r=1.0, d=10, gamma=2.0), V),
        # the traces of the theory (onestep_lib.theory.traces)
        ("c", lambda: IsotropicTraces(c=-1.0, width_ratio=1.0), V),
        ("width_ratio", lambda: IsotropicTraces(c=1.0, width_ratio=0.0), V),
        ("a", lambda: IsotropicTraces(c=1.0, width_ratio=1.0).traces(NAN, 1.0), V),
        ("a", lambda: IsotropicTraces(c=1.0, width_ratio=1.0).traces(-1.0, 1.0), V),
        ("b", lambda: IsotropicTraces(c=1.0, width_ratio=1.0).traces(1.0, -1.0), V),
        ("d", lambda: FiniteTraces.isotropic(c=1.0, d=1.5), T),
        ("c", lambda: FiniteTraces.isotropic(c=0.0, d=10), V),
        ("seed", lambda: FiniteTraces.isotropic(c=1.0, d=10, seed="a"), T),
        ("seed", lambda: FiniteTraces.isotropic(c=1.0, d=10, seed=1.5), T),
        ("seed", lambda: FiniteTraces.isotropic(c=1.0, d=10, seed=-1), V),
        ("width_ratio", lambda: sample_first_layer(d=10, width_ratio=1e-5), V),
    ],
)
def test_spectra(name, call, error):
    _raises(error, name, call)


def test_spectra_accept_the_whole_valid_domain():
    """Off-support shifts right of the spectrum (the outlier's side) and B = 0 are valid, and
    give the values of the closed forms there."""
    phi = 0.5
    tplus = (1 + math.sqrt(phi)) ** 2
    # A < −B t₊: G = ⟨1/(A + Bt)⟩ < 0, between 1/(A + B t₊) and 1/(A + B t₋) (φ < 1: no atom)
    g = spectra.trace_inverse(-2.0 * tplus, 1.0, phi)
    tminus = (1 - math.sqrt(phi)) ** 2
    assert 1.0 / (-tplus) < g < 1.0 / (-2.0 * tplus + tminus)
    assert spectra.trace_inverse(-3.0, 0.0, phi) == pytest.approx(-1 / 3, rel=1e-15)
    both = spectra.trace_inverse(np.array([0.1, 1.0]), 2.0, phi)
    assert both.shape == (2,) and both[0] > both[1] > 0
    # Im g has the sign of Im z; g(z) ≈ −1/z far from the support
    assert spectra.mp_stieltjes(-1.0 + 0.5j, phi).imag > 0
    assert spectra.mp_stieltjes(1e6, phi) == pytest.approx(-1e-6, rel=1e-5)


# --------------------------------------------------------------------------------------
# simulation.test_error, simulation.learning_curve, simulation.one_step
# --------------------------------------------------------------------------------------

SIM_BAD = [
    ("d", 0, V),
    ("d", -5, V),
    ("d", 1, V),
    ("d", 40.0, T),
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
    ("alpha", NAN, V),
    ("alpha", INF, V),
    ("alpha", 1e-4, V),  # n = round(α d) = 0
    ("alpha", "1", T),
    ("alpha0", -0.5, V),
    ("alpha0", 1e-4, V),  # n0 = 0 with α0 > 0
    ("alpha0", None, T),
    ("eta", -1.0, V),
    ("eta", NAN, V),
    ("eta", INF, V),
    ("eta", [1.0, 2.0], V),  # two rates for one step
    ("eta", [-1.0], V),
    ("eta", "1", T),
    ("eta", True, T),
    ("lam", -0.1, V),
    ("lam", NAN, V),
    ("lam", "0.1", T),
    ("noise", -0.5, V),
    ("width_ratio", -1.0, V),
    ("width_ratio", 0.0, V),
    ("width_ratio", 1e-4, V),  # p = 0
    ("student", "softmax", V),
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
    ("device", "gpu", V),
    ("device", "", V),
    ("device", 3.5, T),
    ("dtype", "float16", V),
    ("dtype", int, V),
    ("dtype", 3.5, T),
    ("progress", "yes", T),
    ("progress", 1, T),
]


@pytest.mark.parametrize(("name", "value", "error"), SIM_BAD)
def test_simulation_test_error(name, value, error):
    _raises(error, name, lambda: simulation.test_error(**(SIM | {name: value})))


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        (dict(model="srf", steps=2), "steps"),
        (dict(model="gaussian", reuse_batch=True), "reuse_batch"),
        (dict(model="srf", teacher="staircase"), "teacher"),
        (dict(steps=2, eta=[1.0, 2.0, 3.0]), "eta"),
    ],
)
def test_simulation_surrogates_are_one_step_single_index_models(extra, name):
    _raises(V, name, lambda: simulation.test_error(**(SIM | extra)))


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("alphas", [NAN], V),
        ("alphas", [1.0, -1.0], V),
        ("alphas", [], V),
        ("alphas", [[1.0]], V),
        ("alphas", ["a"], T),
        ("alphas", [True], T),
        ("d", 0, V),
        ("lam", -1.0, V),
        ("seeds", 1.5, T),
        ("progress", "yes", T),
    ],
)
def test_simulation_learning_curve(name, value, error):
    kw = {"alphas": [1.0], **SIM_CURVE, name: value}
    _raises(error, name, lambda: simulation.learning_curve(**kw))


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("eta", NAN, V),
        ("eta", "1", T),
        ("alpha0", -1.0, V),
        ("d", 0, V),
        ("d", 10.0, T),
        ("seed", -3, V),
        ("seed", "a", T),
        ("steps", 0, V),
        ("reuse_batch", "yes", T),
        ("width_ratio", -1.0, V),
        ("noise", -1.0, V),
        ("student", "nope", V),
        ("teacher", 3, T),
        ("device", "xyz", V),
        ("dtype", "float16", V),
    ],
)
def test_simulation_one_step(name, value, error):
    _raises(error, name, lambda: simulation.one_step(**(STEP | {name: value})))


def test_simulation_keywords_only():
    with pytest.raises(TypeError, match="positional"):
        simulation.test_error("tanh", "tanh", 1.0, 2.0, 2.0, 0.1, 100)
    with pytest.raises(TypeError, match="positional"):
        theory.test_error("tanh", "tanh", 1.0, 2.0, 2.0, 0.1)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("d", -1, V),
        ("d", 10.5, T),
        ("model", "x", V),
        ("n", 0, V),
        ("itemsize", 0, V),
        ("rows", 0, V),
    ],
)
def test_simulation_estimate_memory(name, value, error):
    est = dict(d=10, p=10, n0=10, n=10, n_test=10, model="network", itemsize=8, rows=10)
    assert memory_mod.estimate_memory(**est) > 10 * 10 * 8  # W⁰ alone
    _raises(error, name, lambda: memory_mod.estimate_memory(**(est | {name: value})))


def test_simulation_resolve_backend():
    _raises(V, "device", lambda: backend_mod.resolve_backend(device="nonsense"))
    _raises(T, "device", lambda: backend_mod.resolve_backend(device=3.5))


# --------------------------------------------------------------------------------------
# widgets, activations, shared helpers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("alpha0", NAN, V),
        ("student", 3, T),
        ("student", "softplus-typo", V),
        ("teacher", None, T),
        ("n_alpha", 1, V),
        ("n_alpha", 2.5, T),
        ("width_ratio", INF, V),
        ("lam", 0.0, V),
        ("eta", -1.0, V),
        ("noise", "x", T),
    ],
)
def test_widget_check_parameters(name, value, error):
    _raises(error, name, lambda: widgets.check_parameters(**{name: value}))


def test_widget_check_parameters_accepts_activation_objects():
    p = widgets.check_parameters(student=activations.get_activation("erf"))
    assert p["student"].name == "erf"
    _raises(V, "alpha_max", lambda: widgets.check_parameters(alpha_min=2.0, alpha_max=1.0))
    with pytest.raises(TypeError, match="unknown"):
        widgets.check_parameters(foo=1)


@pytest.mark.parametrize(
    ("name", "call", "error"),
    [
        ("degree", lambda: activations.hermite_series("tanh", degree=-1), V),
        ("degree", lambda: activations.hermite_series("tanh", degree=2.5), T),
        ("order", lambda: activations.gaussian_nodes(order=0), V),
        ("order", lambda: activations.gaussian_nodes(order=-3), V),
        ("order", lambda: activations.gaussian_nodes(order=4.0), T),
        ("activation", lambda: activations.get_activation(3), T),
        ("activation", lambda: activations.get_activation("softsign"), V),
        ("student", lambda: activations.get_activation("softsign", name="student"), V),
        ("activation", lambda: activations.register_activation("tanh"), T),
    ],
)
def test_activations(name, call, error):
    _raises(error, name, call)


def test_shared_helpers():
    assert check_bool("flag", np.bool_(True)) is True
    _raises(T, "flag", lambda: check_bool("flag", 1))
    assert check_seed("seed", None) is None and check_seed("seed", np.int64(3)) == 3
    rng = np.random.default_rng(0)
    assert check_seed("seed", rng) is rng
    _raises(T, "seed", lambda: check_seed("seed", True))
    _raises(T, "seed", lambda: check_seed("seed", "1"))
    assert check_finite_array("x", [[1.0, 2.0]]).shape == (1, 2)
    _raises(V, "x", lambda: check_finite_array("x", [1.0, INF]))
    _raises(V, "x", lambda: check_finite_array("x", [1.0, -1.0], low=0.0))
    _raises(T, "x", lambda: check_finite_array("x", [None]))
    assert check_array("x", (1, 2.5)).tolist() == [1.0, 2.5]
    _raises(T, "x", lambda: check_array("x", [None, 1.0]))
    _raises(T, "x", lambda: check_array("x", np.array([True])))
