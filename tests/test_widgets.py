"""The explorer (onestep_lib.widgets) driven programmatically, as a student's clicks would."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from onestep_lib import simulation, theory, widgets
from onestep_lib.validation import ConvergenceError

pytest.importorskip("ipywidgets")

# A tiny simulation: seconds on a laptop CPU.
TINY = {"d": 60, "seeds": 2, "n_points": 3}


def _theory(params: dict) -> np.ndarray:
    alphas = np.linspace(params["alpha_min"], params["alpha_max"], params["n_alpha"])
    return theory.learning_curve(
        alphas=alphas, student=params["student"], teacher=params["teacher"],
        eta=params["eta"], alpha0=params["alpha0"], lam=params["lam"], noise=params["noise"],
        width_ratio=params["width_ratio"],
    ).test_error


@pytest.fixture
def explorer():
    return widgets.Explorer(**TINY)


def test_defaults_draw_the_theory_curve(explorer, reference, reference_curve):
    params = explorer.params
    assert {k: params[k] for k in reference} == reference  # the defaults are the reference case
    np.testing.assert_allclose(explorer.theory_line.get_ydata(), _theory(params), rtol=1e-12)
    np.testing.assert_allclose(explorer.curve.theory, _theory(params), rtol=1e-12)
    rf = [
        theory.rf_test_error(student="tanh", teacher="sin", alpha=a, lam=params["lam"]).test_error
        for a in explorer.curve.alpha
    ]
    np.testing.assert_allclose(explorer.rf_line.get_ydata(), rf, rtol=1e-12)
    # the reference value at α = 0.2 (first grid point)
    assert explorer.curve.alpha[0] == pytest.approx(reference_curve["alphas"][0])
    assert explorer.curve.theory[0] == pytest.approx(reference_curve["library"][0], rel=1e-5)


def test_changing_eta_redraws_and_matches_learning_curve(explorer):
    before = np.array(explorer.theory_line.get_ydata(), dtype=float)
    explorer.controls["eta"].value = 1.5  # what moving the slider does
    after = np.array(explorer.theory_line.get_ydata(), dtype=float)
    assert explorer.params["eta"] == 1.5
    assert np.max(np.abs(after - before)) > 1e-3, "the plotted curve did not change"
    np.testing.assert_allclose(after, _theory(explorer.params), rtol=1e-12)
    np.testing.assert_allclose(explorer.curve.theory, after)
    assert "1.5" in explorer.ax.get_title()
    assert "ε<sub>g</sub>" in explorer.status.value


def test_every_control_feeds_the_theory(explorer):
    explorer.controls["student"].value = "erf"
    explorer.controls["teacher"].value = "tanh"
    explorer.controls["alpha0"].value = 5.0
    explorer.controls["lam"].value = 0.01
    explorer.controls["noise"].value = 0.2
    explorer.controls["alpha"].value = (0.5, 4.0)
    p = explorer.params
    assert (p["student"], p["teacher"], p["alpha_min"], p["alpha_max"]) == ("erf", "tanh", 0.5, 4.0)
    assert p["alpha0"] == pytest.approx(5.0) and p["lam"] == pytest.approx(0.01)
    np.testing.assert_allclose(explorer.theory_line.get_xdata(), np.linspace(0.5, 4.0, 30))
    np.testing.assert_allclose(explorer.theory_line.get_ydata(), _theory(p), rtol=1e-12)


def test_set_redraws_once_and_validates(explorer):
    explorer.set(eta=0.0, lam=0.5)
    # η̃ = 0 is the kernel regime: both curves coincide (to solver precision)
    np.testing.assert_allclose(explorer.curve.theory, explorer.curve.rf, rtol=1e-6)
    with pytest.raises(ValueError, match="lam"):
        explorer.set(lam=-1.0)
    with pytest.raises(ValueError, match="alpha_max"):
        widgets.check_parameters(alpha_min=2.0, alpha_max=1.0)
    with pytest.raises(ValueError, match="student"):
        widgets.check_parameters(student="softplus-typo")
    with pytest.raises(TypeError, match="unknown"):
        widgets.check_parameters(etaa=1.0)


def test_simulate_button_overlays_points(explorer):
    assert explorer.simulation is None and not explorer.ax.containers
    explorer.button.click()  # runs the handler, as a click in the browser does
    sim = explorer.simulation
    assert sim is not None
    assert sim.d == TINY["d"] and sim.seeds == TINY["seeds"] and len(sim.alpha) == 3
    # the points are those of the library's simulation at the explorer's parameters
    p = explorer.params
    keys = ("student", "teacher", "eta", "alpha0", "lam", "noise", "width_ratio")
    ref = simulation.learning_curve(
        alphas=np.linspace(p["alpha_min"], p["alpha_max"], 3),
        d=TINY["d"],
        seeds=TINY["seeds"],
        progress=False,
        **{k: p[k] for k in keys},
    )
    np.testing.assert_allclose(sim.alpha, ref.alphas)
    np.testing.assert_allclose(sim.test_error, ref.test_error, rtol=1e-12)
    np.testing.assert_allclose(sim.test_error_std, ref.test_error_std, rtol=1e-12)
    with pytest.warns(DeprecationWarning, match="test_error"):
        np.testing.assert_array_equal(sim.mean, sim.test_error)
    assert len(explorer.ax.containers) == 1  # one errorbar container on the axes
    points = explorer.ax.containers[0].lines[0]
    np.testing.assert_allclose(points.get_xdata(), sim.alpha)
    np.testing.assert_allclose(points.get_ydata(), sim.test_error)
    assert "Simulated" in explorer.status.value
    assert not explorer.button.disabled
    # a parameter change makes the points stale: they are removed
    explorer.controls["eta"].value = 2.0
    assert explorer.simulation is None and not explorer.ax.containers


def test_convergence_error_becomes_a_message(explorer, monkeypatch):
    def fail(*args, **kwargs):
        raise ConvergenceError("no fixed point after 200 iterations", residual=0.3)

    monkeypatch.setattr(widgets, "_theory_curve", fail)
    explorer.controls["eta"].value = 4.0  # must not raise
    assert "did not converge" in explorer.status.value
    assert "crimson" in explorer.status.value
    assert np.all(np.isnan(explorer.curve.theory))
    assert np.all(np.isfinite(explorer.curve.rf))  # the kernel regime is still drawn


def test_static_figure_matches_the_explorer():
    fig = widgets.static_figure(eta=2.0, alpha_max=2.0, n_alpha=12)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    theory_line = lines["one giant step (theory)"]
    params = widgets.check_parameters(eta=2.0, alpha_max=2.0, n_alpha=12)
    np.testing.assert_allclose(theory_line.get_ydata(), _theory(params), rtol=1e-12)
    assert "kernel regime (RF, theory)" in lines
    assert ax.get_xlabel() and ax.get_ylabel()


def test_run_simulation_progress_bar(capsys):
    kw = dict(TINY, alpha_max=1.0, n_points=2, seeds=1)
    widgets.run_simulation(progress=True, **kw)
    assert "it/s" in capsys.readouterr().err  # a tqdm bar (text fallback outside notebooks)
    widgets.run_simulation(progress=False, **kw)
    assert capsys.readouterr().err == ""


def test_library_imports_without_ipywidgets():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["ipywidgets"] = None  # `import ipywidgets` now raises ImportError
        import onestep_lib
        from onestep_lib import simulation, theory, widgets
        assert "ipywidgets" not in [m for m in sys.modules if sys.modules[m] is not None]
        fig = widgets.static_figure(n_alpha=5)
        labels = [line.get_label() for line in fig.axes[0].get_lines()]
        assert "one giant step (theory)" in labels, labels
        assert "kernel regime (RF, theory)" in labels, labels
        try:
            widgets.Explorer()
        except ImportError as exc:
            assert "pip install ipywidgets" in str(exc)
        else:
            raise AssertionError("Explorer() without ipywidgets should raise ImportError")
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, env={**__import__("os").environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")
