"""An interactive explorer of the one-step learning curve (ipywidgets, imported lazily).

The explorer draws the exact d → ∞ test error of the network after one giant step,
``theory.learning_curve``, next to the kernel regime (random features at initialisation,
``theory.rf_test_error``), and redraws it when a control changes: student and teacher
activations, η̃, α0, λ, the label-noise variance Δ, the width ratio φ = p/d and the α range.
A button overlays a quick simulation at small ``d`` (points with error bars over seeds).

>>> fig = static_figure(eta=2.0)            # the same figure without widgets  # doctest: +SKIP
>>> explorer = Explorer(eta=2.0)            # in a notebook: the last line of a cell shows it
>>> explorer.set(eta=1.0)                   # drive it programmatically       # doctest: +SKIP
>>> explorer.curve.theory                   # the plotted numbers             # doctest: +SKIP

Only :class:`Explorer` needs ipywidgets; :func:`static_figure`, :func:`compute_curves` and the
rest of ``onestep_lib`` work without it.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import plotting, validation
from .activations import ACTIVATIONS, get_activation
from .theory.api import BULKS
from .validation import ConvergenceError

__all__ = [
    "DEFAULTS",
    "FigureArtists",
    "SIMULATION_DEFAULTS",
    "Curves",
    "SimulationPoints",
    "check_parameters",
    "compute_curves",
    "run_simulation",
    "draw",
    "static_figure",
    "Explorer",
    "explorer",
]

#: The default parameters are the reference case of the feature-learning chapter (tanh
#: student, sin teacher, the published case), with the published isotropic bulk.
DEFAULTS: dict[str, Any] = {
    "student": "tanh",
    "teacher": "sin",
    "eta": 3.0,
    "alpha0": 20.0,
    "lam": 0.1,
    "noise": 0.0,
    "width_ratio": 1.0,
    "alpha_min": 0.2,
    "alpha_max": 3.0,
    "n_alpha": 30,
    "bulk": "isotropic",
    "bayes": True,
}


#: Sizes of the quick simulation behind the "Simulate" button (seconds on a laptop CPU).
SIMULATION_DEFAULTS: dict[str, Any] = {"d": 200, "seeds": 2, "n_points": 5, "model": "network"}

_PARAMETER_NAMES = tuple(DEFAULTS)
_LABELS = {
    "student": r"student $\sigma$",
    "teacher": r"teacher $\sigma_\star$",
    "eta": r"$\tilde\eta$",
    "alpha0": r"$\alpha_0$",
    "lam": r"$\lambda$",
    "noise": r"noise $\Delta$",
    "width_ratio": r"$p/d$",
    "alpha": r"$\alpha$ range",
    "bulk": "bulk",
    "bayes": "Bayes-optimal baseline",
}


def check_parameters(**params: Any) -> dict[str, Any]:
    """Fill in :data:`DEFAULTS` and validate every parameter (``ValueError`` names the culprit)."""
    unknown = set(params) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown explorer parameter(s) {sorted(unknown)}; "
                        f"valid: {list(_PARAMETER_NAMES)}")
    p = {**DEFAULTS, **params}
    for name in ("student", "teacher"):
        if isinstance(p[name], str):
            validation.check_choice(name, p[name], sorted(ACTIVATIONS))
        else:
            get_activation(p[name], name=name)  # an Activation object, else TypeError
    p["eta"] = validation.check_real("eta", p["eta"], low=0.0)
    p["alpha0"] = validation.check_real("alpha0", p["alpha0"], low=0.0, low_open=True)
    p["lam"] = validation.check_real("lam", p["lam"], low=0.0, low_open=True)
    p["noise"] = validation.check_real("noise", p["noise"], low=0.0)
    p["width_ratio"] = validation.check_real("width_ratio", p["width_ratio"], low=0.0,
                                             low_open=True)
    p["alpha_min"] = validation.check_real("alpha_min", p["alpha_min"], low=0.0, low_open=True)
    p["alpha_max"] = validation.check_real("alpha_max", p["alpha_max"], low=p["alpha_min"],
                                           low_open=True)
    p["n_alpha"] = validation.check_int("n_alpha", p["n_alpha"], low=2, high=1000)
    p["bulk"] = validation.check_option("bulk", p["bulk"], BULKS)
    p["bayes"] = validation.check_flag("bayes", p["bayes"])
    return p


def _model_keywords(p: dict[str, Any]) -> dict[str, Any]:
    """The keywords shared by ``theory`` and ``simulation`` (no α, no grid)."""
    return {k: p[k] for k in ("student", "teacher", "eta", "alpha0", "lam", "noise",
                              "width_ratio")}


def _alphas(p: dict[str, Any]) -> np.ndarray:
    return np.linspace(p["alpha_min"], p["alpha_max"], p["n_alpha"])


@dataclass
class Curves:
    """The numbers the explorer plots: α grid, one-step theory ε_g(α), kernel regime ε_g(α).

    ``message`` is empty when the solver converged; otherwise it says why ``theory`` is NaN.
    ``notes`` holds the warnings the theory raised (e.g. outside its validated domain).
    """

    alpha: np.ndarray
    theory: np.ndarray
    rf: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    notes: str = ""
    bayes: np.ndarray | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "theory": self.theory, "rf": self.rf,
                "bayes": self.bayes, "params": dict(self.params), "message": self.message,
                "notes": self.notes}


@dataclass
class SimulationPoints:
    """A quick simulation: ε_g at a few α, mean (``test_error``) and standard deviation over
    seeds (``test_error_std``), the names of the simulation results."""

    alpha: np.ndarray
    test_error: np.ndarray
    test_error_std: np.ndarray
    d: int
    seeds: int
    model: str = "network"

    @property
    def mean(self) -> np.ndarray:
        """Deprecated name of :attr:`test_error`."""
        warnings.warn("SimulationPoints.mean is deprecated; use .test_error",
                      DeprecationWarning, stacklevel=2)
        return self.test_error

    @property
    def std(self) -> np.ndarray:
        """Deprecated name of :attr:`test_error_std`."""
        warnings.warn("SimulationPoints.std is deprecated; use .test_error_std",
                      DeprecationWarning, stacklevel=2)
        return self.test_error_std


def _theory_curve(p: dict[str, Any], alphas: np.ndarray) -> np.ndarray:
    from . import theory

    result = theory.learning_curve(alphas=alphas, bulk=p["bulk"], **_model_keywords(p))
    return np.asarray(result.test_error, dtype=float)


def _rf_curve(p: dict[str, Any], alphas: np.ndarray) -> np.ndarray:
    from . import theory

    kw = {k: p[k] for k in ("student", "teacher", "lam", "width_ratio", "noise")}
    return np.array([theory.rf_test_error(alpha=float(a), **kw).test_error for a in alphas])


def _bayes_curve(p: dict[str, Any], alphas: np.ndarray) -> np.ndarray:
    """Bayes-optimal error with the same total number of samples, ``(α0 + α) d``."""
    from . import theory

    res = theory.bayes_optimal_error(teacher=p["teacher"], alpha=p["alpha0"] + alphas,
                                     noise=p["noise"])
    return np.asarray(res.test_error, dtype=float)


def compute_curves(**params: Any) -> Curves:
    """Theory and kernel-regime curves at ``params`` (see :data:`DEFAULTS`).

    A :class:`~onestep_lib.validation.ConvergenceError` (or a parameter the theory does not
    cover) does not raise: the failing curve is NaN and ``Curves.message`` says why.
    """
    p = check_parameters(**params)
    alphas = _alphas(p)
    messages: list[str] = []
    notes: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            th = _theory_curve(p, alphas)
        seen = set()
        for w in caught:
            text = str(w.message)
            if text not in seen:
                seen.add(text)
                notes.append(f"{w.category.__name__}: {text}")
    except ConvergenceError as exc:
        th = np.full_like(alphas, np.nan)
        messages.append(f"The solver did not converge: {exc}")
    except (ValueError, NotImplementedError) as exc:
        th = np.full_like(alphas, np.nan)
        messages.append(f"No one-step theory at these parameters: {exc}")
    try:
        rf = _rf_curve(p, alphas)
    except (ConvergenceError, ValueError, NotImplementedError) as exc:
        rf = np.full_like(alphas, np.nan)
        messages.append(f"No kernel-regime curve at these parameters: {exc}")
    bayes = None
    if p["bayes"]:
        try:
            bayes = _bayes_curve(p, alphas)
        except (ConvergenceError, ValueError, NotImplementedError) as exc:
            bayes = np.full_like(alphas, np.nan)
            messages.append(f"No Bayes-optimal curve at these parameters: {exc}")
    return Curves(alpha=alphas, theory=th, rf=rf, params=p, message=" ".join(messages),
                  notes=" ".join(notes), bayes=bayes)


def run_simulation(*, d: int = 200, seeds: int = 2, n_points: int = 5, model: str = "network",
                   progress: bool = True, **params: Any) -> SimulationPoints:
    """Simulate ε_g at ``n_points`` values of α across the range (seeds 0..seeds-1).

    Calls :func:`onestep_lib.simulation.learning_curve`, which shows a ``tqdm.auto`` progress
    bar over (seed, α) unless ``progress=False``.
    """
    from . import simulation

    p = check_parameters(**params)
    d = validation.check_int("d", d, low=10)
    seeds = validation.check_int("seeds", seeds, low=1)
    n_points = validation.check_int("n_points", n_points, low=1)
    model = validation.check_choice("model", model, ("network", "srf", "gaussian"))
    alphas = np.linspace(p["alpha_min"], p["alpha_max"], n_points)
    curve = simulation.learning_curve(alphas=alphas, d=d, seeds=seeds, model=model,
                                      progress=progress, **_model_keywords(p))
    return SimulationPoints(alpha=np.asarray(curve.alphas, dtype=float),
                            test_error=np.asarray(curve.test_error, dtype=float),
                            test_error_std=np.asarray(curve.test_error_std, dtype=float),
                            d=d, seeds=seeds,
                            model=model)


def _title(p: dict[str, Any]) -> str:
    return (rf"{p['student']} student, {p['teacher']} teacher: "
            rf"$\tilde\eta={p['eta']:.3g}$, $\alpha_0={p['alpha0']:.3g}$, "
            rf"$\lambda={p['lam']:.3g}$, {p.get('bulk', 'isotropic')} bulk")


class FigureArtists:
    """The matplotlib objects of one explorer figure (updated in place)."""

    def __init__(self, ax):
        self.ax = ax
        (self.theory_line,) = plotting.theory_line(ax, [], [], label="one giant step (theory)",
                                                   role="theory")
        (self.rf_line,) = plotting.theory_line(ax, [], [], label="kernel regime (RF, theory)",
                                               role="rf", linestyle="--")
        (self.bayes_line,) = plotting.theory_line(
            ax, [], [], label="Bayes-optimal, same n0 + n samples", role="teacher",
            linestyle=":")
        self.points = None
        plotting.finish(ax, xlabel=r"$\alpha = n/d$", ylabel=r"test error $\varepsilon_g$")

    def set_curves(self, curves: Curves) -> None:
        self.theory_line.set_data(curves.alpha, curves.theory)
        self.rf_line.set_data(curves.alpha, curves.rf)
        bayes = curves.bayes if curves.bayes is not None else []
        self.bayes_line.set_data(curves.alpha[: len(bayes)], bayes)
        self.bayes_line.set_visible(curves.bayes is not None)
        self.ax.set_title(_title(curves.params), fontsize=10)
        self._rescale()

    def set_points(self, sim: SimulationPoints | None) -> None:
        if self.points is not None:
            self.points.remove()
            self.points = None
        if sim is not None:
            self.points = plotting.simulation_points(
                self.ax, sim.alpha, sim.test_error, sim.test_error_std, role=sim.model,
                label=f"simulation ({sim.model}, d={sim.d}, {sim.seeds} seeds)")
        self.ax.legend()
        self._rescale()

    def _rescale(self) -> None:
        self.ax.relim()
        self.ax.autoscale_view()
        ys = [self.theory_line.get_ydata(), self.rf_line.get_ydata()]
        ys = np.concatenate([np.asarray(y, dtype=float) for y in ys])
        ys = ys[np.isfinite(ys)]
        if ys.size:
            top = float(ys.max())
            if self.points is not None:
                top = max(top, float(np.nanmax(self.points.lines[0].get_ydata())))
            self.ax.set_ylim(0.0, 1.08 * top if top > 0 else 1.0)


def draw(ax, curves: Curves, simulation: SimulationPoints | None = None) -> FigureArtists:
    """Draw ``curves`` (and simulation points) on ``ax`` in the house style."""
    artists = FigureArtists(ax)
    artists.set_curves(curves)
    artists.set_points(simulation)
    if curves.message:
        ax.text(0.02, 0.02, curves.message[:120], transform=ax.transAxes, fontsize=8,
                color="crimson", va="bottom")
    return artists


def static_figure(*, simulate: bool = False, simulation_options: dict | None = None,
                  **params: Any):
    """The explorer's figure at ``params`` without widgets; returns the matplotlib figure.

    With ``simulate=True`` a quick simulation (:data:`SIMULATION_DEFAULTS`, overridable
    through ``simulation_options``) is overlaid.
    """
    curves = compute_curves(**params)
    sim = None
    if simulate:
        sim = run_simulation(**{**SIMULATION_DEFAULTS, **(simulation_options or {})},
                             **curves.params)
    fig, ax = plotting.figure()
    art = draw(ax, curves, sim)
    fig.curves = curves
    fig.artists_ = art
    return fig


def _import_ipywidgets():
    try:
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
        raise ImportError(
            "The interactive explorer needs ipywidgets: `pip install ipywidgets` "
            "(static_figure() works without it)."
        ) from exc
    return ipywidgets


class Explorer:
    """ipywidgets controls, a live learning-curve figure and a "Simulate" button.

    ``Explorer(**defaults)`` accepts any key of :data:`DEFAULTS`. Attributes for programmatic
    use: ``controls`` (name → widget), ``curve`` (:class:`Curves` currently drawn),
    ``simulation`` (:class:`SimulationPoints` or None), ``figure``/``ax``, ``theory_line`` and
    ``rf_line`` (matplotlib lines), ``status`` (an HTML widget with messages), ``widget``
    (the whole box; displaying the explorer displays it). ``set(**params)`` changes controls
    and redraws once; ``simulate()`` does what the button does.
    """

    def __init__(self, *, d: int = SIMULATION_DEFAULTS["d"],
                 seeds: int = SIMULATION_DEFAULTS["seeds"],
                 n_points: int = SIMULATION_DEFAULTS["n_points"], **defaults: Any):
        import matplotlib.pyplot as plt

        w = _import_ipywidgets()
        p = check_parameters(**defaults)
        self.n_alpha = p["n_alpha"]
        self.sim_options = {"d": validation.check_int("d", d, low=10),
                            "seeds": validation.check_int("seeds", seeds, low=1),
                            "n_points": validation.check_int("n_points", n_points, low=1)}
        names = sorted(ACTIVATIONS)
        style = {"description_width": "100px"}
        layout = w.Layout(width="350px")
        common = {"style": style, "layout": layout, "continuous_update": False}

        def log_slider(value, lo, hi, desc):
            lo = min(lo, np.log10(value))
            hi = max(hi, np.log10(value))
            return w.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=0.05,
                                    description=desc, readout_format=".3g", **common)

        self.controls: dict[str, Any] = {
            "student": w.Dropdown(options=names, value=p["student"], description="student σ",
                                  style=style, layout=layout),
            "teacher": w.Dropdown(options=names, value=p["teacher"], description="teacher σ*",
                                  style=style, layout=layout),
            "eta": w.FloatSlider(value=p["eta"], min=0.0, max=max(8.0, p["eta"]), step=0.1,
                                 description="η̃ (step)", **common),
            "alpha0": log_slider(p["alpha0"], -0.5, 2.5, "α0 = n0/d"),
            "lam": log_slider(p["lam"], -4.0, 1.0, "λ (ridge)"),
            "noise": w.FloatSlider(value=p["noise"], min=0.0, max=max(1.0, p["noise"]),
                                   step=0.05, description="noise Δ", **common),
            "width_ratio": w.FloatSlider(value=p["width_ratio"], min=0.25,
                                         max=max(4.0, p["width_ratio"]), step=0.25,
                                         description="width p/d", **common),
            "alpha": w.FloatRangeSlider(value=(p["alpha_min"], p["alpha_max"]), min=0.05,
                                        max=max(10.0, p["alpha_max"]), step=0.05,
                                        description="α range", readout_format=".2f",
                                        **common),
            "bayes": w.Checkbox(value=p["bayes"], description="Bayes-optimal baseline",
                                indent=False),
            "bulk": w.Dropdown(options=list(BULKS), value=p["bulk"], description="theory bulk",
                               tooltip="isotropic: the published sRF; gradient: the true bulk "
                                       "of the step (right where η̃²/α0 is large)",
                               style=style, layout=layout),
        }
        self.button = w.Button(description="Simulate", icon="play",
                               tooltip=f"quick simulation at d={self.sim_options['d']}, "
                                       f"{self.sim_options['seeds']} seeds")
        self.model = w.Dropdown(options=["network", "srf"], value="network",
                                description="simulate", style=style, layout=layout)
        self.status = w.HTML(value="")
        self.output = w.Output()
        self.progress_output = w.Output()

        self.figure, self.ax = plotting.figure()
        plt.close(self.figure)  # shown through self.output only, never by the inline backend
        self._artists = FigureArtists(self.ax)
        self.theory_line = self._artists.theory_line
        self.rf_line = self._artists.rf_line
        self.simulation: SimulationPoints | None = None
        self.curve: Curves | None = None
        self._holding = False

        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.button.on_click(lambda _button: self.simulate())

        # Two columns of controls above the figure: fits the book's text width and a notebook.
        c = self.controls
        columns = w.HBox([
            w.VBox([c["student"], c["teacher"], c["eta"], c["alpha0"]]),
            w.VBox([c["lam"], c["noise"], c["width_ratio"], c["alpha"]]),
        ])
        actions = w.HBox([c["bulk"], c["bayes"], self.model, self.button])
        self.widget = w.VBox([columns, actions, self.progress_output, self.output, self.status])
        self.redraw()

    # -- parameters ---------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        """The current parameters, as accepted by :func:`static_figure`."""
        c = self.controls
        lo, hi = c["alpha"].value
        return {"student": c["student"].value, "teacher": c["teacher"].value,
                "eta": float(c["eta"].value), "alpha0": float(c["alpha0"].value),
                "lam": float(c["lam"].value), "noise": float(c["noise"].value),
                "width_ratio": float(c["width_ratio"].value), "alpha_min": float(lo),
                "alpha_max": float(hi), "n_alpha": self.n_alpha, "bulk": c["bulk"].value,
                "bayes": bool(c["bayes"].value)}

    def set(self, **params: Any) -> Explorer:
        """Change controls programmatically (keys of :data:`DEFAULTS`), redrawing once."""
        check_parameters(**{**self.params, **params})
        self._holding = True
        try:
            for name, value in params.items():
                if name in ("alpha_min", "alpha_max"):
                    lo, hi = self.controls["alpha"].value
                    lo, hi = (value, hi) if name == "alpha_min" else (lo, value)
                    self.controls["alpha"].value = (lo, hi)
                elif name == "n_alpha":
                    self.n_alpha = int(value)
                else:
                    self.controls[name].value = value
        finally:
            self._holding = False
        self.redraw()
        return self

    # -- drawing ------------------------------------------------------------------------
    def _on_change(self, _change=None) -> None:
        if not self._holding:
            self.redraw()

    def redraw(self) -> None:
        """Recompute the curves at the current parameters and redraw (drops stale points)."""
        try:
            curves = compute_curves(**self.params)
        except (ValueError, TypeError) as exc:
            self._message(f"Invalid parameters: {exc}", error=True)
            return
        self.curve = curves
        self.simulation = None
        self._artists.set_curves(curves)
        self._artists.set_points(None)
        if curves.message:
            self._message(curves.message, error=True)
        else:
            i = len(curves.alpha) - 1
            text = (f"At α = {curves.alpha[i]:.3g}: ε<sub>g</sub> = {curves.theory[i]:.4g} after "
                    f"the giant step, {curves.rf[i]:.4g} in the kernel regime")
            if curves.bayes is not None:
                text += f", {curves.bayes[i]:.4g} for the Bayes-optimal estimator"
            text += "."
            if curves.notes:
                text += (' <span style="color:#b35900">Note: '
                         f"{html.escape(curves.notes)}</span>")
            self._message(text)
        self._show()

    def _message(self, text: str, *, error: bool = False) -> None:
        color = "crimson" if error else "inherit"
        safe = text if not error else html.escape(text)
        self.status.value = f'<span style="color:{color}">{safe}</span>'

    def _show(self) -> None:
        """Show the figure in the output widget (only inside an IPython kernel)."""
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # pragma: no cover - ipywidgets depends on IPython
            return
        if get_ipython() is None:  # plain Python (a test): nothing to display into
            return
        with self.output:
            self.output.clear_output(wait=True)
            display(self.figure)

    # -- simulation ---------------------------------------------------------------------
    def simulate(self, **options: Any) -> SimulationPoints | None:
        """Run the quick simulation (what the button does) and overlay its points."""
        opts = {**self.sim_options, "model": self.model.value, **options}
        self.button.disabled = True
        self._message(f"Simulating at d = {opts['d']} with {opts['seeds']} seeds…")
        try:
            with self.progress_output:
                self.progress_output.clear_output()
                sim = run_simulation(**opts, **self.params)
        except ConvergenceError as exc:
            self._message(f"The simulation failed: {exc}", error=True)
            return None
        except (ValueError, NotImplementedError, RuntimeError) as exc:
            self._message(f"The simulation failed: {exc}", error=True)
            return None
        finally:
            self.button.disabled = False
        self.simulation = sim
        self._artists.set_points(sim)
        self._message(f"Simulated {len(sim.alpha)} values of α at d = {sim.d} "
                      f"({sim.seeds} seeds, model {sim.model}); bars: one standard deviation.")
        self._show()
        return sim

    # -- display ------------------------------------------------------------------------
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return f"Explorer({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"


def explorer(**defaults: Any) -> Explorer:
    """Build an :class:`Explorer` (``explorer(eta=2.0)``); display it as a cell's last line."""
    return Explorer(**defaults)
