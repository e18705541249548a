"""Measured tables shipped with the library (read with :func:`load_domain_map`).

``domain_map.json`` — network simulations against the isotropic and the true-bulk theory over a
grid of ``(η̃, α0)`` for three student/teacher pairs, written by ``benchmarks/domain_map.py``
(d = 1000, 6 seeds a cell, α = 2, λ = 0.01). The chapter "Where the spiked surrogate stops"
draws it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["load_domain_map"]


def load_domain_map() -> list[dict[str, Any]]:
    """The rows of the stored domain map, one ``dict`` a cell.

    Returns
    -------
    list of dict
        Keys: ``student, teacher, eta, alpha0, alpha, lam, d, seeds, network, network_se,
        isotropic, gradient, isotropic_gap, gradient_gap, seconds``.

    Examples
    --------
    >>> rows = load_domain_map()
    >>> {"network", "isotropic", "gradient"} <= set(rows[0])
    True
    """
    text = resources.files(__name__).joinpath("domain_map.json").read_text(encoding="utf-8")
    return json.loads(text)["rows"]
