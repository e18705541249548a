"""Make book/figures/intro_result.png, the one figure of the introduction, with onestep_lib.

Setting (the reference case of the feature-learning chapter, book/feature_learning.ipynb):
student tanh, teacher sin, α0 = 20, η̃ = 3, λ = 0.1, p = d.

* lines: the d → ∞ theory of the network after one giant step (``theory.learning_curve``) and
  of random features at initialisation (``theory.rf_test_error``, the kernel regime);
* points: simulations of both at d = 400 (``simulation.learning_curve``; mean ± standard error
  over 6 seeds);
* dashed: E[σ*²] − μ1*², the error of the best linear predictor, below which random features
  cannot go when n, p ∝ d.

Runs in well under a minute on a laptop: ``python book/figures/make_intro_figure.py``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from onestep_lib import plotting, simulation, theory  # noqa: E402
from onestep_lib.activations import hermite_coefficients  # noqa: E402

SETTING = dict(student="tanh", teacher="sin", alpha0=20.0, lam=0.1)
ETA, D, SEEDS = 3.0, 400, 6


def main() -> None:
    alphas = np.linspace(0.2, 3.0, 40)
    alphas_sim = np.array([0.2, 0.9, 1.6, 2.3, 3.0])
    step = theory.learning_curve(alphas=alphas, eta=ETA, **SETTING).test_error
    rf = np.array([theory.rf_test_error(student="tanh", teacher="sin", alpha=a, lam=0.1).test_error
                   for a in alphas])
    sims = {eta: simulation.learning_curve(alphas=alphas_sim, eta=eta, d=D, seeds=SEEDS,
                                           **SETTING)
            for eta in (ETA, 0.0)}
    teacher = hermite_coefficients("sin")
    linear_floor = teacher.second_moment - teacher.mu1**2

    fig, ax = plotting.figure()
    plotting.theory_line(ax, alphas, step, label=r"one giant step ($\tilde\eta = 3$), theory")
    plotting.theory_line(ax, alphas, rf, role="rf",
                         label=r"random features ($\tilde\eta = 0$), theory")
    plotting.simulation_points(ax, alphas_sim, sims[ETA].test_error, sims[ETA].stderr,
                               role="theory", label=f"one giant step, simulation $d = {D}$")
    plotting.simulation_points(ax, alphas_sim, sims[0.0].test_error, sims[0.0].stderr,
                               role="rf", fmt="s", label=f"random features, simulation $d = {D}$")
    ax.axhline(linear_floor, ls="--", color="0.3",
               label=r"best linear predictor $\mathbb{E}[\sigma_\star^2] - \mu_1^{\star 2}$")
    plotting.finish(ax, xlabel=r"readout samples per dimension $\alpha = n/d$",
                    ylabel=r"test error $\varepsilon_g$", logy=True,
                    title=r"tanh student, sin teacher, $\alpha_0 = 20$, $\lambda = 0.1$, $p = d$")
    ax.legend(fontsize=8, loc="center right", bbox_to_anchor=(1.0, 0.55))
    out = Path(__file__).with_name("intro_result.png")
    fig.savefig(out, dpi=130)
    for eta, s in sims.items():
        print(f"eta={eta}: " + ", ".join(f"{m:.4f}±{e:.4f}"
                                         for m, e in zip(s.test_error, s.stderr, strict=True)))
    print(f"theory at the simulated alphas: {np.interp(alphas_sim, alphas, step).round(5)}")
    print(f"linear floor {linear_floor:.4f}; wrote {out}")


if __name__ == "__main__":
    main()
