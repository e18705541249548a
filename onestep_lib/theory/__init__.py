"""Exact asymptotics of the one-step network (numpy/scipy only; never imports torch).

* :func:`rf_test_error` — random-features ridge regression in closed form (kernel regime);
* :func:`test_error`, :func:`learning_curve` — the self-consistent equations of THEORY.md §5
  (``spectrum="asymptotic"`` or ``"finite"``), any width ratio;
* :func:`spike_parameters` — (c, r, γ) of the sRF surrogate (from ``onestep_lib.spike``).
"""

from ..spike import SpikeParameters, spike_parameters
from .rf import RFResult, rf_test_error
from .srf import (
    LearningCurve,
    OutsideValidatedDomainWarning,
    TheoryResult,
    learned_function,
    learning_curve,
    optimal_lambda,
    test_error,
)

__all__ = [
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
