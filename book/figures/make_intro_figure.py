"""Make book/figures/intro_result.png, the one figure of the introduction.

Setting (THEORY.md §7): student tanh, teacher sin, α0 = 20, η̃ = 3, λ = 0.1, p = d.
* line: the d → ∞ theory of the one-step network (sRF self-consistent equations), the
  reference values of THEORY.md §7;
* points: a direct numpy simulation of THEORY.md §2 at d = 400 (mean ± standard error over
  seeds), for the network after one giant step (η̃ = 3) and at initialisation (η̃ = 0: random
  features, the kernel regime);
* dashed: E[σ*²] − μ1*², the error of the best linear predictor, below which random features
  cannot go in the proportional regime.

Runs in a few seconds on a laptop: `python book/figures/make_intro_figure.py`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ALPHAS = np.array([0.2, 0.9, 1.6, 2.3, 3.0])
THEORY_EPS = np.array([0.04848, 0.04250, 0.03731, 0.03430, 0.03252])  # THEORY.md §7
ALPHA0, ETA, LAM = 20.0, 3.0, 0.1
D, SEEDS, N_TEST = 400, 6, 4000


def simulate(eta: float, alpha: float, seed: int) -> float:
    """Test error of one run of THEORY.md §2 (p = d, no label noise)."""
    rng = np.random.default_rng(seed)
    d = p = D
    theta = rng.standard_normal(d)
    theta *= np.sqrt(d) / np.linalg.norm(theta)
    w = rng.standard_normal((p, d))
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    a0 = np.full(p, 1.0 / np.sqrt(p))

    def target(x):
        return np.sin(x @ theta / np.sqrt(d))

    if eta > 0:  # one giant step with η = η̃ p on n0 = α0 d fresh samples
        x0 = rng.standard_normal((int(ALPHA0 * d), d))
        pre = x0 @ w.T
        resid = target(x0) - np.tanh(pre) @ a0 / np.sqrt(p)
        dsig = 1.0 - np.tanh(pre) ** 2
        # w_i <- w_i + (η̃/n0) Σ_μ e_μ σ'(<w_i,x_μ>) x_μ   (a_i = 1/√p, η = η̃ p)
        w = w + (eta / len(x0)) * (dsig * resid[:, None]).T @ x0

    n = int(alpha * d)
    x = rng.standard_normal((n, d))
    phi = np.tanh(x @ w.T) / np.sqrt(p)
    a_hat = np.linalg.solve(phi.T @ phi + LAM * np.eye(p), phi.T @ target(x))
    xt = rng.standard_normal((N_TEST, d))
    return float(np.mean((target(xt) - np.tanh(xt @ w.T) @ a_hat / np.sqrt(p)) ** 2))


def main() -> None:
    runs = {
        eta: np.array(
            [[simulate(eta, a, 1000 * s + i) for s in range(SEEDS)] for i, a in enumerate(ALPHAS)]
        )
        for eta in (ETA, 0.0)
    }
    # sin teacher: E[sin²z] = (1 − e⁻²)/2, μ1* = E[z sin z] = e^{-1/2}
    linear_floor = (1 - np.exp(-2)) / 2 - np.exp(-1)

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(
        ALPHAS, THEORY_EPS, "-", color="C0", lw=2, label=r"one giant step, theory ($d\to\infty$)"
    )
    series = (
        (ETA, "C0", "o", r"one giant step ($\tilde\eta=3$), simulation"),
        (0.0, "C3", "s", r"random features ($\tilde\eta=0$), simulation"),
    )
    for eta, color, marker, label in series:
        r = runs[eta]
        ax.errorbar(
            ALPHAS,
            r.mean(1),
            yerr=r.std(1, ddof=1) / np.sqrt(SEEDS),
            fmt=marker,
            color=color,
            capsize=3,
            label=label,
        )
    ax.axhline(
        linear_floor,
        ls="--",
        color="0.4",
        label=r"best linear predictor, $\mathbb{E}[\sigma_\star^2]-\mu_1^{\star 2}$",
    )
    ax.set_yscale("log")
    ax.set_xlabel(r"readout samples per dimension $\alpha = n/d$")
    ax.set_ylabel(r"test error $\varepsilon_g$")
    ax.set_title(
        r"tanh student, sin teacher, $\alpha_0=20$, $\lambda=0.1$, $p=d$"
        + f" (simulation $d={D}$)",
        fontsize=10,
    )
    ax.legend(fontsize=8.5, loc="center right", bbox_to_anchor=(1.0, 0.52))
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    out = Path(__file__).with_name("intro_result.png")
    fig.savefig(out, dpi=130)
    for eta, r in runs.items():
        sem = r.std(1, ddof=1) / np.sqrt(SEEDS)
        print(
            f"eta={eta}: "
            + ", ".join(f"{m:.4f}±{e:.4f}" for m, e in zip(r.mean(1), sem, strict=True))
        )
    print(f"linear floor {linear_floor:.4f}; wrote {out}")


if __name__ == "__main__":
    main()
