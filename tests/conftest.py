"""Parameter sets shared by the tests, as fixtures (each call returns a fresh copy).

* ``reference`` — the published reference case of the feature-learning chapter
  (book/feature_learning.ipynb): tanh student, sin teacher, η̃ = 3, α0 = 20, λ = 0.1, p = d;
  ``reference_curve`` gives its grid of α, the published test errors (5 digits) and the
  library's values (7 digits), and the spike parameters ``(c, r, γ)``;
* ``strong`` — a strong step, tanh/tanh at η̃ = 6, α0 = 1, λ = 0.01 (η̃²/α0 = 36: the
  isotropic bulk is several percent from the true bulk there and warns);
* ``anchor`` — a cheap generic point, tanh/tanh at η̃ = 1, α0 = 2, λ = 0.1.

The dicts hold the keyword arguments of :func:`onestep_lib.theory.test_error` except ``alpha``
(add it: ``theory.test_error(alpha=1.0, **reference)``).
"""

from __future__ import annotations

from types import MappingProxyType

import pytest

REFERENCE = MappingProxyType(dict(student="tanh", teacher="sin", eta=3.0, alpha0=20.0, lam=0.1))
STRONG = MappingProxyType(dict(student="tanh", teacher="tanh", eta=6.0, alpha0=1.0, lam=0.01))
ANCHOR = MappingProxyType(dict(student="tanh", teacher="tanh", eta=1.0, alpha0=2.0, lam=0.1))

REFERENCE_CURVE = MappingProxyType(
    dict(
        alphas=(0.2, 0.9, 1.6, 2.3, 3.0),
        # as published (rounded to 5 decimals)
        published=(0.04848, 0.04250, 0.03731, 0.03430, 0.03252),
        # the library's values, 7 significant digits (pinned at 1e-5 relative)
        library=(0.0484829, 0.0425039, 0.0373113, 0.0343047, 0.0325182),
        # (c, r, γ) of the spike, 5 decimals
        spike=(1.01897, 1.13406, 0.97185),
    )
)


@pytest.fixture
def reference() -> dict:
    """The published reference case (tanh/sin, η̃ = 3, α0 = 20, λ = 0.1)."""
    return dict(REFERENCE)


@pytest.fixture
def reference_curve() -> dict:
    """α grid, published and library test errors, and spike of the reference case."""
    return dict(REFERENCE_CURVE)


@pytest.fixture
def strong() -> dict:
    """A strong step (tanh/tanh, η̃ = 6, α0 = 1, λ = 0.01)."""
    return dict(STRONG)


@pytest.fixture
def anchor() -> dict:
    """A cheap generic point (tanh/tanh, η̃ = 1, α0 = 2, λ = 0.1)."""
    return dict(ANCHOR)
