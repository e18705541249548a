"""One house style for the book's figures: theory as lines, simulations as points with bars.

Examples
--------
>>> fig, ax = figure()
>>> theory_line(ax, [0, 1], [1, 0], label="theory")            # doctest: +ELLIPSIS
[...]
>>> simulation_points(ax, [0.5], [0.5], [0.1], label="sim")      # doctest: +ELLIPSIS
<...>
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt

__all__ = [
    "STYLE",
    "COLORS",
    "apply_style",
    "figure",
    "theory_line",
    "simulation_points",
    "finish",
]

#: One colour per role, readable in colour-blind palettes (Okabe–Ito).
COLORS = {
    "theory": "#0072B2",
    "network": "#D55E00",
    "srf": "#009E73",
    "gaussian": "#CC79A7",
    "rf": "#7F7F7F",
    "teacher": "#000000",
    "accent": "#E69F00",
}

#: The matplotlib ``rcParams`` of the house style (:func:`apply_style`).
STYLE: dict[str, Any] = {
    "figure.figsize": (6.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.labelsize": 12,
    "axes.titlesize": 12,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
}


def apply_style() -> None:
    """Set the house style (:data:`STYLE`) for every later figure of the session.

    Returns
    -------
    None

    Examples
    --------
    >>> apply_style()
    >>> plt.rcParams["axes.spines.top"]
    False
    """
    plt.rcParams.update(STYLE)


def figure(ncols: int = 1, nrows: int = 1, **kwargs: Any):
    """A styled figure and its axes (``plt.subplots`` with the house size).

    Parameters
    ----------
    ncols, nrows : int
        Grid of axes; the figure grows with it (6 × 4 inches per axes).
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots` (``layout="constrained"`` by default).

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes or numpy.ndarray of Axes)

    Examples
    --------
    >>> fig, axes = figure(ncols=2)
    >>> len(axes), fig.get_size_inches().tolist()
    (2, [12.0, 4.0])
    """
    apply_style()
    w, h = STYLE["figure.figsize"]
    kwargs.setdefault("figsize", (w * ncols if ncols > 1 else w, h * nrows if nrows > 1 else h))
    kwargs.setdefault("layout", "constrained")
    return plt.subplots(nrows, ncols, **kwargs)


def theory_line(ax, x: Sequence[float], y: Sequence[float], *, label: str | None = None,
                role: str = "theory", **kwargs: Any):
    """A theory curve: a solid line in the colour of its role.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x, y : sequence of float
        The curve.
    label : str, optional
        Legend entry.
    role : str
        A key of :data:`COLORS` (``"theory"``, ``"rf"``, …) or any matplotlib colour.
    **kwargs
        Passed to ``ax.plot``.

    Returns
    -------
    list of matplotlib.lines.Line2D

    Examples
    --------
    >>> fig, ax = figure()
    >>> (line,) = theory_line(ax, [0, 1], [1, 0], role="rf")
    >>> line.get_color() == COLORS["rf"]
    True
    """
    kwargs.setdefault("color", COLORS.get(role, role))
    return ax.plot(x, y, label=label, **kwargs)


def simulation_points(ax, x: Sequence[float], mean: Sequence[float],
                      std: Sequence[float] | None = None, *, label: str | None = None,
                      role: str = "network", **kwargs: Any):
    """Simulation results: markers with error bars (one standard deviation over seeds).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x, mean : sequence of float
        The points (e.g. ``curve.alphas`` and ``curve.test_error`` of a simulation).
    std : sequence of float, optional
        Half-lengths of the error bars (e.g. ``curve.test_error_std``); no bars if ``None``.
    label : str, optional
        Legend entry.
    role : str
        A key of :data:`COLORS` (``"network"``, ``"srf"``, ``"gaussian"``, …) or a colour.
    **kwargs
        Passed to ``ax.errorbar`` (``fmt="o"``, ``capsize=3`` by default).

    Returns
    -------
    matplotlib.container.ErrorbarContainer

    Examples
    --------
    >>> fig, ax = figure()
    >>> bars = simulation_points(ax, [0.5, 1.0], [0.3, 0.2], [0.01, 0.02], role="srf")
    >>> bars.lines[0].get_color() == COLORS["srf"]
    True
    """
    kwargs.setdefault("color", COLORS.get(role, role))
    kwargs.setdefault("fmt", "o")
    kwargs.setdefault("capsize", 3)
    return ax.errorbar(x, mean, yerr=std, label=label, **kwargs)


def finish(ax, *, xlabel: str, ylabel: str, title: str | None = None,
           logx: bool = False, logy: bool = False, legend: bool = True) -> None:
    """Axis labels (in the book's notation), scales and legend.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to finish.
    xlabel, ylabel : str
        Axis labels.
    title : str, optional
        Axes title.
    logx, logy : bool
        Logarithmic axes.
    legend : bool
        Draw the legend (when something is labelled).

    Returns
    -------
    None

    Examples
    --------
    >>> fig, ax = figure()
    >>> _ = theory_line(ax, [1, 2], [1, 0.5], label="theory")
    >>> finish(ax, xlabel="α", ylabel="test error", logy=True)
    >>> ax.get_yscale(), ax.get_legend() is not None
    ('log', True)
    """
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend()
