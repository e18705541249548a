"""Every public entry point refuses bad arguments with a ValueError/TypeError naming the
parameter (issue 5, item 1). Cheap: nothing here solves or simulates more than a toy size."""

import math
import re

import numpy as np
import pytest

from onestep_lib import activations, simulation, spectra, spike, theory, widgets
from onestep_lib.simulation import backend as backend_mod
from onestep_lib.validation import (
    check_array,
    check_bool,
    check_finite_array,
    check_seed,
)

NAN, INF = float("nan"), float("inf")
ERRORS = (ValueError, TypeError)

THEORY = dict(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, alpha=1.0, lam=0.1)
CURVE = {k: v for k, v in THEORY.items() if k != "alpha"}
SIM = dict(THEORY, d=40, seeds=1, n_test=40, device="cpu")
SIM_CURVE = {k: v for k, v in SIM.items() if k != "alpha"}


def _raises_naming(name, fn):
    with pytest.raises(ERRORS) as info:
        fn()
    assert re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", str(info.value)), str(info.value)


# --------------------------------------------------------------------------------------
# theory
# --------------------------------------------------------------------------------------

THEORY_BAD = [
    ("alpha", NAN),
    ("alpha", -1.0),
    ("alpha", "1"),
    ("alpha", True),
    ("lam", -1.0),
    ("lam", 0.0),
    ("lam", INF),
    ("eta", INF),
    ("alpha0", -0.1),
    ("noise", NAN),
    ("width_ratio", 0.0),
    ("width_ratio", INF),
    ("student", "tnh"),
    ("student", None),
    ("teacher", 3),
    ("spectrum", "exact"),
    ("kappa_nodes", 0),
    ("kappa_nodes", 8.0),
    ("tol", 0.0),
    ("tol", -1e-3),
    ("tol", NAN),
    ("max_iter", 0),
    ("max_iter", 2.5),
    ("damping", 0.0),
    ("damping", 1.5),
    ("on_fail", "ignore"),
    ("verbose", "yes"),
    ("student_mean_correction", "no"),
    ("seed", "abc"),
    ("seed", 1.5),
    ("seed", -1),
    ("d", -5),  # validated even in asymptotic mode, where it is unused
]


@pytest.mark.parametrize(("name", "value"), THEORY_BAD)
def test_theory_test_error_refuses(name, value):
    _raises_naming(name, lambda: theory.test_error(**(THEORY | {name: value})))


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, v in THEORY_BAD if n != "alpha"])
def test_theory_learning_curve_refuses(name, value):
    _raises_naming(name, lambda: theory.learning_curve(alphas=[1.0], **(CURVE | {name: value})))


@pytest.mark.parametrize(
    "alphas", [[1.0, NAN], [-1.0], [0.0], [[1.0, 2.0]], "abc", [], None, [True, False], [1.0 + 1j]]
)
def test_theory_learning_curve_refuses_alphas(alphas):
    _raises_naming("alphas", lambda: theory.learning_curve(alphas=alphas, **CURVE))


def test_theory_finite_mode_arguments():
    _raises_naming("d", lambda: theory.test_error(**THEORY, spectrum="finite"))
    _raises_naming("d", lambda: theory.test_error(**THEORY, spectrum="finite", d=1.5))
    _raises_naming("d", lambda: theory.test_error(**THEORY, spectrum="finite", d=1))
    _raises_naming("seed", lambda: theory.test_error(**THEORY, spectrum="finite", d=20, seed="a"))
    _raises_naming("seed", lambda: theory.test_error(**THEORY, spectrum="finite", d=20, seed=-2))
    # a Generator is a valid seed
    r = theory.test_error(**THEORY, spectrum="finite", d=20, seed=np.random.default_rng(0))
    assert math.isfinite(r.test_error)


def test_theory_spike_override():
    _raises_naming("spike", lambda: theory.test_error(**THEORY, spike=(1.0, 1.0, 0.5)))
    bad = [
        spike.SpikeParameters(-1.0, 1.0, 0.5),
        spike.SpikeParameters(1.0, NAN, 0.5),
        spike.SpikeParameters(1.0, 1.0, 1.5),
    ]
    for params, name in zip(bad, ["spike.c", "spike.r", "spike.gamma"], strict=True):
        _raises_naming(name, lambda p=params: theory.test_error(**THEORY, spike=p))


def test_optimal_lambda_and_learned_function():
    kw = {k: v for k, v in THEORY.items() if k != "lam"}
    _raises_naming("lam", lambda: theory.optimal_lambda(**THEORY))
    _raises_naming("lam_bounds", lambda: theory.optimal_lambda(lam_bounds=(1.0,), **kw))
    _raises_naming("lam_bounds[0]", lambda: theory.optimal_lambda(lam_bounds=(-1.0, 1.0), **kw))
    _raises_naming("lam_bounds[1]", lambda: theory.optimal_lambda(lam_bounds=(1.0, 0.1), **kw))
    _raises_naming("xatol", lambda: theory.optimal_lambda(xatol=0.0, **kw))
    _raises_naming("xatol", lambda: theory.optimal_lambda(xatol=NAN, **kw))
    res = theory.test_error(**THEORY)
    _raises_naming("result", lambda: theory.learned_function(3, [0.0]))
    _raises_naming("kappa", lambda: theory.learned_function(res, [0.0, NAN]))
    _raises_naming("kappa", lambda: theory.learned_function(res, "ab"))
    assert theory.learned_function(res, np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("alpha", NAN),
        ("lam", 0.0),
        ("lam", -1.0),
        ("width_ratio", 0.0),
        ("noise", NAN),
        ("full", "yes"),
        ("student", "nope"),
    ],
)
def test_rf_test_error_refuses(name, value):
    kw = dict(student="tanh", teacher="tanh", alpha=1.0, lam=0.1) | {name: value}
    _raises_naming(name, lambda: theory.rf_test_error(**kw))


# --------------------------------------------------------------------------------------
# spike
# --------------------------------------------------------------------------------------


def test_spike_functions_refuse():
    kw = dict(student="tanh", teacher="tanh", eta=1.0, alpha0=1.0)
    _raises_naming("student", lambda: spike.spike_parameters(**(kw | {"student": 3})))
    _raises_naming("eta", lambda: spike.spike_parameters(**(kw | {"eta": -1.0})))
    _raises_naming("alpha0", lambda: spike.spike_parameters(**(kw | {"alpha0": NAN})))
    _raises_naming(
        "student_mean_correction",
        lambda: spike.spike_parameters(**kw, student_mean_correction="no"),
    )
    z = np.zeros(3)
    _raises_naming("c", lambda: spike.student_conditional("tanh", c=-1.0, r=1.0, kappa=z))
    _raises_naming("r", lambda: spike.student_conditional("tanh", c=1.0, r=NAN, kappa=z))
    _raises_naming(
        "kappa", lambda: spike.student_conditional("tanh", c=1.0, r=1.0, kappa=[0.0, NAN])
    )
    _raises_naming("gamma", lambda: spike.teacher_conditional("tanh", gamma=2.0, kappa=z))
    _raises_naming("gamma", lambda: spike.teacher_conditional("tanh", gamma=NAN, kappa=z))
    _raises_naming("kappa", lambda: spike.teacher_conditional("tanh", gamma=0.5, kappa=[INF]))
    _raises_naming(
        "params",
        lambda: spike.conditional_coefficients(
            student="tanh", teacher="tanh", params=(1.0, 1.0, 0.5), kappa=z
        ),
    )


# --------------------------------------------------------------------------------------
# spectra
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("width_ratio", lambda: spectra.mp_edges(-1.0)),
        ("c", lambda: spectra.mp_edges(1.0, 0.0)),
        ("width_ratio", lambda: spectra.mp_atom(NAN)),
        ("width_ratio", lambda: spectra.mp_density(1.0, -1.0)),
        ("t", lambda: spectra.mp_density(np.array([1.0, NAN]), 1.0)),
        ("order", lambda: spectra.mp_quadrature(1.0, 1.0, 0)),
        ("order", lambda: spectra.mp_quadrature(1.0, 1.0, 1.5)),
        ("c", lambda: spectra.mp_stieltjes(-1.0, 1.0, -1.0)),
        ("c", lambda: spectra.mp_stieltjes(-1.0, 1.0, NAN)),
        ("z", lambda: spectra.mp_stieltjes(NAN, 1.0)),
        ("z", lambda: spectra.mp_stieltjes(1.0, 1.0)),  # on the support
        ("z", lambda: spectra.mp_stieltjes(0.0, 0.5)),
        ("width_ratio", lambda: spectra.trace_inverse(1.0, 1.0, -1.0)),
        ("width_ratio", lambda: spectra.trace_inverse(1.0, 1.0, NAN)),
        ("A", lambda: spectra.trace_inverse(NAN, 1.0, 1.0)),
        ("A", lambda: spectra.trace_inverse(0.0, 1.0, 1.0)),
        ("A", lambda: spectra.trace_inverse(-1.0, 1.0, 1.0)),  # inside the support
        ("A", lambda: spectra.trace_inverse(np.array([1.0, -0.5]), 1.0, 1.0)),
        ("B", lambda: spectra.trace_inverse(1.0, -1.0, 1.0)),
        ("B", lambda: spectra.trace_inverse(1.0, INF, 1.0)),
        ("width_ratio", lambda: spectra.trace_t_inverse(1.0, 1.0, -1.0)),
        ("width_ratio", lambda: spectra.trace_inverse_squared(1.0, 1.0, 0.0)),
        ("A", lambda: spectra.trace_t_inverse_squared(NAN, 1.0, 1.0)),
        ("width_ratio", lambda: spectra.trace_t2_inverse_squared(1.0, 1.0, -2.0)),
        ("width_ratio", lambda: spectra.trace_inverse_product(1.0, 2.0, 1.0, -1.0)),
        ("A1", lambda: spectra.trace_t_inverse_product_squared(1.0, NAN, 1.0, 1.0)),
        ("A0", lambda: spectra.trace_inverse_product(0.0, 1.0, 1.0, 1.0)),
        ("c", lambda: spectra.AsymptoticSpectrum(c=-1.0, width_ratio=1.0)),
        ("width_ratio", lambda: spectra.AsymptoticSpectrum(c=1.0, width_ratio=0.0)),
        ("a", lambda: spectra.AsymptoticSpectrum(c=1.0, width_ratio=1.0).traces(NAN, 1.0)),
        ("a", lambda: spectra.AsymptoticSpectrum(c=1.0, width_ratio=1.0).traces(-1.0, 1.0)),
        ("b", lambda: spectra.AsymptoticSpectrum(c=1.0, width_ratio=1.0).traces(1.0, -1.0)),
        ("d", lambda: spectra.FiniteSpectrum(c=1.0, d=1.5)),
        ("seed", lambda: spectra.FiniteSpectrum(c=1.0, d=10, seed="a")),
        ("seed", lambda: spectra.FiniteSpectrum(c=1.0, d=10, seed=1.5)),
        ("seed", lambda: spectra.FiniteSpectrum(c=1.0, d=10, seed=-1)),
        ("width_ratio", lambda: spectra.sample_first_layer(d=10, width_ratio=1e-5)),
        ("theta", lambda: spectra.spiked_outlier(theta=NAN)),
        ("r", lambda: spectra.one_step_outlier(c=1.0, r=-1.0, d=10)),
        ("c", lambda: spectra.one_step_outlier(c=-1.0, r=1.0, d=10)),
        ("width_ratio", lambda: spectra.one_step_outlier(c=1.0, r=1.0, d=10, width_ratio=-1.0)),
        ("gamma", lambda: spectra.one_step_outlier(c=1.0, r=1.0, d=10, gamma=NAN)),
        ("gamma", lambda: spectra.one_step_outlier(c=1.0, r=1.0, d=10, gamma=2.0)),
    ],
)
def test_spectra_refuse(name, call):
    _raises_naming(name, call)


def test_spectra_still_accept_the_valid_domain():
    """Off-support shifts right of the spectrum (the outlier's side) and B = 0 are valid."""
    phi = 0.5
    tplus = (1 + math.sqrt(phi)) ** 2
    assert spectra.trace_inverse(-2.0 * tplus, 1.0, phi) < 0
    assert spectra.trace_inverse(-3.0, 0.0, phi) == pytest.approx(-1 / 3)
    assert np.all(np.isfinite(spectra.trace_inverse(np.array([0.1, 1.0]), 2.0, phi)))
    assert np.isfinite(spectra.mp_stieltjes(-1.0 + 0.5j, phi))
    assert np.isfinite(spectra.mp_stieltjes(2.0 * tplus, phi))


# --------------------------------------------------------------------------------------
# simulation
# --------------------------------------------------------------------------------------

SIM_BAD = [
    ("seeds", 0),
    ("seeds", 1.5),
    ("seeds", "3"),
    ("seeds", [-1]),
    ("seed", "3"),
    ("seed", -1),
    ("seed", 1.0),
    ("device", "gpu"),
    ("device", 3.5),
    ("device", ""),
    ("device", "meta"),
    ("dtype", int),
    ("dtype", "float16"),
    ("d", 0),
    ("d", 40.0),
    ("lam", NAN),
    ("lam", -1.0),
    ("alpha", INF),
    ("n_test", 1.5),
    ("width_ratio", 0.0),
    ("model", None),
    ("progress", 1),
    ("eta", NAN),
    ("noise", -0.5),
    ("student", "softmax"),
]


@pytest.mark.parametrize(("name", "value"), SIM_BAD)
def test_simulation_test_error_refuses(name, value):
    if name == "device" and value == "meta":
        pytest.importorskip("torch")
    _raises_naming(name, lambda: simulation.test_error(**(SIM | {name: value})))


@pytest.mark.parametrize("alphas", [[NAN], [-1.0], [], [[1.0]], [True]])
def test_simulation_learning_curve_refuses_alphas(alphas):
    _raises_naming("alphas", lambda: simulation.learning_curve(alphas=alphas, **SIM_CURVE))


def test_simulation_one_step_and_memory_estimate_refuse():
    kw = dict(student="tanh", teacher="tanh", eta=1.0, alpha0=1.0, d=10)
    _raises_naming("eta", lambda: simulation.one_step(**(kw | {"eta": NAN})))
    _raises_naming("device", lambda: simulation.one_step(**kw, device="xyz"))
    _raises_naming("seed", lambda: simulation.one_step(**kw, seed="a"))
    _raises_naming("width_ratio", lambda: simulation.one_step(**kw, width_ratio=-1.0))
    est = dict(d=10, p=10, n0=10, n=10, n_test=10, model="network", itemsize=8, rows=10)
    assert simulation.estimate_memory(**est) > 0
    for name, value in [
        ("d", -1),
        ("d", 10.5),
        ("model", "x"),
        ("n", 0),
        ("itemsize", 0),
        ("rows", 0),
    ]:
        _raises_naming(name, lambda n=name, v=value: simulation.estimate_memory(**(est | {n: v})))
    _raises_naming("device", lambda: backend_mod.resolve_backend(device="nonsense"))


# --------------------------------------------------------------------------------------
# widgets, activations, shared helpers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("alpha0", NAN),
        ("student", 3),
        ("teacher", None),
        ("n_alpha", 1),
        ("width_ratio", INF),
        ("lam", 0.0),
        ("eta", -1.0),
        ("noise", "x"),
    ],
)
def test_widget_check_parameters_refuses(name, value):
    _raises_naming(name, lambda: widgets.check_parameters(**{name: value}))


def test_widget_check_parameters_accepts_activation_objects():
    p = widgets.check_parameters(student=activations.get_activation("erf"))
    assert p["student"].name == "erf"
    _raises_naming("alpha_max", lambda: widgets.check_parameters(alpha_min=2.0, alpha_max=1.0))
    with pytest.raises(TypeError, match="unknown"):
        widgets.check_parameters(foo=1)


def test_activation_helpers_refuse():
    _raises_naming("degree", lambda: activations.hermite_series("tanh", degree=-1))
    _raises_naming("degree", lambda: activations.hermite_series("tanh", degree=2.5))
    _raises_naming("order", lambda: activations.gaussian_nodes(order=0))
    _raises_naming("order", lambda: activations.gaussian_nodes(order=-3))
    _raises_naming("activation", lambda: activations.get_activation(3))


def test_shared_helpers():
    assert check_bool("flag", np.bool_(True)) is True
    _raises_naming("flag", lambda: check_bool("flag", 1))
    assert check_seed("seed", None) is None and check_seed("seed", np.int64(3)) == 3
    rng = np.random.default_rng(0)
    assert check_seed("seed", rng) is rng
    _raises_naming("seed", lambda: check_seed("seed", True))
    _raises_naming("seed", lambda: check_seed("seed", "1"))
    assert check_finite_array("x", [[1.0, 2.0]]).shape == (1, 2)
    _raises_naming("x", lambda: check_finite_array("x", [1.0, INF]))
    _raises_naming("x", lambda: check_finite_array("x", [1.0, -1.0], low=0.0))
    _raises_naming("x", lambda: check_finite_array("x", [None]))
    assert check_array("x", (1, 2.5)).tolist() == [1.0, 2.5]
    _raises_naming("x", lambda: check_array("x", [None, 1.0]))
    _raises_naming("x", lambda: check_array("x", np.array([True])))
