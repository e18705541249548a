"""Exact asymptotics of the one-step network (numpy/scipy only; never imports torch).

Public functions:

* :func:`test_error`, :func:`learning_curve`, :func:`learned_function`, :func:`optimal_lambda`
  — the self-consistent equations of the one-step network (``bulk="isotropic"``, the
  published spiked random-features model; ``"anisotropic"``; ``"gradient"``, the true bulk of
  the step), ``spectrum="asymptotic"`` or ``"finite"``, any width ratio;
* :func:`rf_test_error` — random-features ridge regression in closed form (kernel regime);
* :func:`spike_parameters` — ``(c, r, γ)`` of the spike (from :mod:`onestep_lib.spike`);
* :func:`bayes_optimal_error` — the Bayes-optimal test error of the single-index problem (state
  evolution), the baseline no method can beat.

Rooms (one job each): ``results`` (result objects), ``traces`` (spectral traces of each bulk),
``bulk`` (the true bulk of the gradient step), ``equations`` (κ-coefficients, the V-map, the
closing solves), ``solver`` (a positive fixed-point solver), ``api`` (the functions above),
``rf`` (the kernel regime), ``bayes`` (the Bayes-optimal baseline).
"""

from ..spike import SpikeParameters, spike_parameters
from .api import (
    BULKS,
    IsotropicBulkWarning,
    OutsideValidatedDomainWarning,
    learned_function,
    learning_curve,
    optimal_lambda,
    test_error,
)
from .bayes import BayesOptimalCurve, BayesOptimalResult, bayes_optimal_error
from .results import LearningCurve, RFResult, TheoryResult
from .rf import rf_test_error

__all__ = [
    "BULKS",
    "BayesOptimalCurve",
    "BayesOptimalResult",
    "bayes_optimal_error",
    "IsotropicBulkWarning",
    "LearningCurve",
    "OutsideValidatedDomainWarning",
    "RFResult",
    "SpikeParameters",
    "TheoryResult",
    "learned_function",
    "learning_curve",
    "optimal_lambda",
    "rf_test_error",
    "spike_parameters",
    "test_error",
]
