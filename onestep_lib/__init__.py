"""onestep_lib: two-layer networks after one giant gradient step.

Theory (``onestep_lib.theory``, numpy/scipy) and simulation (``onestep_lib.simulation``,
torch on GPU or CPU, or numpy) share the low floor: activations, spectra, the spike parameters
and the input validation. The notation is that of the book's notation chapter
(book/notation.ipynb); the API reference is book/api.md.
"""

from . import activations, spike, validation
from .activations import Activation, get_activation, hermite_coefficients
from .spike import SpikeParameters, spike_parameters
from .validation import ConvergenceError

# The single source of the version: pyproject.toml reads it (dynamic version), CHANGELOG.md
# and CITATION.cff name it (tests/test_package.py checks all three).
__version__ = "0.1.0"

_SUBMODULES = ("theory", "simulation", "spectra", "plotting", "widgets")


def __getattr__(name: str):
    """``onestep_lib.theory`` etc. without importing them (and torch) at ``import onestep_lib``."""
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'onestep_lib' has no attribute {name!r}")


__all__ = [
    "Activation",
    "ConvergenceError",
    "SpikeParameters",
    "activations",
    "get_activation",
    "hermite_coefficients",
    "spike",
    "spike_parameters",
    "validation",
    *_SUBMODULES,
]
