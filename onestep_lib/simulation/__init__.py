"""Simulations of the one-step network and its surrogates (torch on GPU or CPU; numpy fallback).

Public functions (all hyper-parameters keyword-only; THEORY.md §1–4 for the protocol):

* :func:`test_error` — ``ε_g`` at one point over seeds (``model="network" | "srf" | "gaussian"``);
* :func:`learning_curve` — ``ε_g(α)`` along a grid of α, reusing the first layer per seed;
* :func:`one_step` — the first layer before/after the giant step and the update ``G``.

Modules: ``backend`` (torch/numpy, device, dtype, memory), ``data`` (teacher,
inputs, labels, seeded streams), ``network`` (step, feature maps, ridge readout),
``api`` (the functions above).
"""

from .api import (
    MODELS,
    OneStepLayer,
    SimulationCurve,
    SimulationResult,
    learning_curve,
    one_step,
    test_error,
)
from .backend import Backend, estimate_memory, resolve_backend

__all__ = [
    "MODELS",
    "Backend",
    "OneStepLayer",
    "SimulationCurve",
    "SimulationResult",
    "estimate_memory",
    "learning_curve",
    "one_step",
    "resolve_backend",
    "test_error",
]
