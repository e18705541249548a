"""Domain map of the isotropic bulk: network simulations against the theory over (η̃, α0).

``python benchmarks/domain_map.py [--d D] [--seeds S] [--out FILE]``

For each student/teacher pair and each cell of the (η̃, α0) grid it simulates the network
(``onestep_lib.simulation``, ``S`` seeds at dimension ``D``, one readout ratio ``α = 2``,
``λ = 0.01``) and solves the theory with the isotropic bulk (the published spiked
random-features model) and with the true bulk (``bulk="gradient"``). It prints one line a cell
(network mean ± standard error, both theories and their relative gaps) and writes the table to
``FILE`` (JSON, default ``onestep_lib/data/domain_map.json``, shipped with the library),
which the chapter "Where the spiked surrogate stops" draws as heat maps. These simulations are
held back from the theory: nothing in the true-bulk model was fitted to them.

Defaults (``D = 1000``, ``S = 6``): about 20 minutes on 2 CPU cores, a minute on a GPU.
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings
from pathlib import Path

import numpy as np

from onestep_lib import simulation, theory

PAIRS = (("tanh", "tanh"), ("relu", "tanh"), ("tanh", "relu"))
ETAS = (1.0, 2.0, 4.0, 6.0)
ALPHA0S = (0.5, 1.0, 4.0, 20.0)
ALPHA, LAM = 2.0, 0.01


def cell(student: str, teacher: str, eta: float, alpha0: float, d: int, seeds: int) -> dict:
    kw = dict(student=student, teacher=teacher, eta=eta, alpha0=alpha0, alpha=ALPHA, lam=LAM)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        iso = theory.test_error(**kw).test_error
        grad = theory.test_error(**kw, bulk="gradient").test_error
        t0 = time.perf_counter()
        sim = simulation.test_error(**kw, d=d, seeds=seeds)
    se = float(sim.test_error_std) / math.sqrt(seeds)
    net = float(sim.test_error)
    return dict(
        student=student,
        teacher=teacher,
        eta=eta,
        alpha0=alpha0,
        alpha=ALPHA,
        lam=LAM,
        d=d,
        seeds=seeds,
        network=net,
        network_se=se,
        isotropic=iso,
        gradient=grad,
        isotropic_gap=iso / net - 1.0,
        gradient_gap=grad / net - 1.0,
        seconds=time.perf_counter() - t0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--out", default=str(Path("onestep_lib/data/domain_map.json")))
    args = parser.parse_args()
    rows = []
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for student, teacher in PAIRS:
        for eta in ETAS:
            for alpha0 in ALPHA0S:
                r = cell(student, teacher, eta, alpha0, args.d, args.seeds)
                rows.append(r)
                ok = abs(r["gradient"] - r["network"]) <= 0.03 * r["network"] + 2 * r["network_se"]
                print(
                    f"{student}/{teacher} eta={eta:g} alpha0={alpha0:g}: network "
                    f"{r['network']:.4f} ± {r['network_se']:.4f} | isotropic {r['isotropic']:.4f}"
                    f" ({100 * r['isotropic_gap']:+.1f}%) | gradient {r['gradient']:.4f} "
                    f"({100 * r['gradient_gap']:+.1f}%) {'ok' if ok else 'OUTSIDE 3%+2se'} "
                    f"[{r['seconds']:.0f} s]",
                    flush=True,
                )
                out.write_text(json.dumps(dict(rows=rows), indent=1))
    grad_ok = [
        abs(r["gradient"] - r["network"]) <= 0.03 * r["network"] + 2 * r["network_se"] for r in rows
    ]
    iso_bad = [abs(r["isotropic_gap"]) > 0.03 for r in rows]
    print(
        f"\n{len(rows)} cells: gradient within 3% + 2 se in {sum(grad_ok)}; isotropic more than 3% "
        f"off in {sum(iso_bad)}; worst gradient gap "
        f"{100 * max(abs(r['gradient_gap']) for r in rows):.1f}%, worst isotropic gap "
        f"{100 * max(abs(r['isotropic_gap']) for r in rows):.1f}%"
    )
    rel_se = np.median([r["network_se"] / r["network"] for r in rows])
    print(f"median network standard error {100 * rel_se:.2f}%")


if __name__ == "__main__":
    main()
