"""Deprecated module: the one-step theory now lives in :mod:`onestep_lib.theory.api` (public
functions), :mod:`~onestep_lib.theory.equations`, :mod:`~onestep_lib.theory.solver`,
:mod:`~onestep_lib.theory.traces` and :mod:`~onestep_lib.theory.results`. Importing names from
here still works for one release, with a ``DeprecationWarning``."""

from __future__ import annotations

import warnings

from . import api as _api
from . import equations as _equations
from . import results as _results

_MOVED = {
    "test_error": _api,
    "learning_curve": _api,
    "learned_function": _api,
    "optimal_lambda": _api,
    "OutsideValidatedDomainWarning": _api,
    "TheoryResult": _results,
    "LearningCurve": _results,
    "KAPPA_NODES": _equations,
}


def __getattr__(name: str):
    if name in _MOVED:
        mod = _MOVED[name]
        warnings.warn(
            f"onestep_lib.theory.srf.{name} is deprecated; use {mod.__name__}.{name} "
            "(or onestep_lib.theory)",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(mod, name)
    raise AttributeError(f"module 'onestep_lib.theory.srf' has no attribute {name!r}")
