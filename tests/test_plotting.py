import matplotlib

matplotlib.use("Agg")

from onestep_lib import plotting  # noqa: E402


def test_house_style_figure():
    fig, ax = plotting.figure()
    (line,) = plotting.theory_line(ax, [0, 1, 2], [3, 2, 1], label="theory")
    bars = plotting.simulation_points(ax, [1], [2.1], [0.1], label="network", role="network")
    plotting.finish(ax, xlabel=r"$\alpha$", ylabel=r"$\varepsilon_g$", logy=True)
    assert line.get_color() == plotting.COLORS["theory"]
    assert bars.lines[0].get_color() == plotting.COLORS["network"]
    assert ax.get_yscale() == "log" and ax.get_legend() is not None
    assert ax.get_xlabel() == r"$\alpha$"
