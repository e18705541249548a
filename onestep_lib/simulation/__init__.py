"""Simulations of the trained network and its surrogates (torch on GPU or CPU; numpy fallback).

Public functions (all hyper-parameters keyword-only; the protocol is that of the notation
chapter, book/notation.ipynb):

* :func:`test_error` — ``ε_g`` at one point over seeds (``model="network" | "srf" | "gaussian"``;
  ``steps=k`` giant steps, ``reuse_batch=True`` for one batch reused by every step);
* :func:`learning_curve` — ``ε_g(α)`` along a grid of α, reusing the first layer per seed;
* :func:`one_step` — the first layer before/after the step(s), the update ``G`` and the
  overlaps of the update with each teacher direction after each step.

Teachers: an activation name or object (single-index), ``"staircase"`` (``z_1 + z_1 z_2``) or
any :class:`Teacher` (multi-index).

Modules (one job each): ``api`` (the functions above), ``results`` (the result dataclasses),
``settings`` (validation, the frozen settings, seeds), ``runner`` (the per-seed runner),
``teachers`` (the teacher API), ``data`` (directions, inputs, labels, seeded streams),
``network`` (giant step, feature maps, ridge readout), ``backend`` (numpy and torch
backends), ``memory`` (chunk sizes, the memory estimate and refusal).
"""

from .api import learning_curve, one_step, test_error
from .backend import Backend, NumpyBackend, TorchBackend, resolve_backend
from .memory import estimate_memory
from .results import OneStepLayer, SimulationCurve, SimulationResult
from .settings import MODELS
from .teachers import TEACHERS, Teacher, get_teacher, register_teacher

__all__ = [
    "MODELS",
    "TEACHERS",
    "Backend",
    "NumpyBackend",
    "OneStepLayer",
    "SimulationCurve",
    "SimulationResult",
    "Teacher",
    "TorchBackend",
    "estimate_memory",
    "get_teacher",
    "learning_curve",
    "one_step",
    "register_teacher",
    "resolve_backend",
    "test_error",
]
