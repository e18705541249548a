"""The validated settings of a simulation, built once per call.

:func:`build_settings` checks every public argument (``TypeError`` for a wrong type,
``ValueError`` for a wrong value, each naming the parameter) and returns one frozen
:class:`Settings`, which the runner, the memory estimate and the results read.

Seeds (``seeds=`` and ``seed=`` of the public functions):

* ``seeds=k`` (an int ≥ 1): ``k`` runs with the seeds ``seed, seed+1, …, seed+k−1``;
* ``seeds=[s1, s2, …]``: exactly those seeds (``seed`` is not used);
* ``seed=`` a ``numpy.random.Generator``: the ``k`` seeds are drawn from it as
  ``seed.integers(0, 2**63 − 1, size=k, endpoint=True)``; the result records those integers,
  so a run can be repeated with ``seeds=result.seeds``. The generator is advanced.

Each integer seed then feeds the per-stage streams of :mod:`onestep_lib.simulation.data`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import Activation, get_activation
from ..validation import check_array, check_flag, check_integer, check_option, check_real
from .teachers import Teacher, get_teacher

__all__ = ["MODELS", "SURROGATES", "Settings", "build_settings", "seed_list"]

#: The feature maps behind ``model=``: the trained network and its two one-step surrogates.
MODELS = ("network", "srf", "gaussian")
#: The models that stand for one step on a fresh batch of a single-index teacher.
SURROGATES = ("srf", "gaussian")


@dataclass(frozen=True)
class Settings:
    """Everything a run needs, validated (sizes as the integers used).

    ``etas`` holds the learning rate η̃ of each of the ``steps`` steps; ``eta`` is the value
    as given (a float, or a tuple when a sequence was given). ``alphas``/``ns`` are the
    readout sizes (one entry for :func:`~onestep_lib.simulation.test_error`, none for
    :func:`~onestep_lib.simulation.one_step`).
    """

    student: Activation
    teacher: Teacher
    model: str
    eta: float | tuple[float, ...]
    etas: tuple[float, ...]
    alpha0: float
    lam: float
    noise: float
    width_ratio: float
    d: int
    p: int
    n0: int
    n_test: int
    steps: int
    reuse_batch: bool
    seeds: tuple[int, ...]
    alphas: tuple[float, ...] = ()
    ns: tuple[int, ...] = ()

    def provenance(self) -> dict[str, Any]:
        """The settings recorded by every result (names, not objects)."""
        return {
            "student": self.student.name,
            "teacher": self.teacher.name,
            "model": self.model,
            "eta": self.eta,
            "alpha0": self.alpha0,
            "lam": self.lam,
            "noise": self.noise,
            "width_ratio": self.width_ratio,
            "d": self.d,
            "p": self.p,
            "n0": self.n0,
            "n_test": self.n_test,
            "seeds": self.seeds,
            "steps": self.steps,
            "reuse_batch": self.reuse_batch,
        }


def _sizes(*, d: Any, width_ratio: Any, alpha0: Any) -> tuple[int, float, int, float, int]:
    d = check_integer("d", d, low=2)
    width_ratio = check_real("width_ratio", width_ratio, low=0.0, low_open=True)
    p = round(width_ratio * d)
    if p < 1:
        raise ValueError(
            f"width_ratio={width_ratio:g} gives p = round(width_ratio·d) = {p} neurons at d={d}; "
            "width_ratio·d must be at least 0.5"
        )
    alpha0 = check_real("alpha0", alpha0, low=0.0)
    n0 = round(alpha0 * d)
    if alpha0 > 0 and n0 < 1:
        raise ValueError(
            f"alpha0={alpha0:g} gives n0 = round(alpha0·d) = 0 step samples at d={d}; "
            "use alpha0 = 0 (no step) or alpha0·d ≥ 0.5"
        )
    return d, width_ratio, p, alpha0, n0


def _readout_size(alpha: Any, d: int, name: str = "alpha") -> tuple[float, int]:
    alpha = check_real(name, alpha, low=0.0, low_open=True)
    n = round(alpha * d)
    if n < 1:
        raise ValueError(
            f"{name}={alpha:g} gives n = round(alpha·d) = 0 readout samples at d={d}; "
            "alpha·d must be at least 0.5"
        )
    return alpha, n


def _learning_rates(eta: Any, steps: int) -> tuple[float | tuple[float, ...], tuple[float, ...]]:
    """``(eta as recorded, η̃ of each step)``: a number for every step or one per step."""
    if isinstance(eta, np.ndarray) and eta.ndim == 0:
        eta = eta.item()
    if isinstance(eta, Sequence | np.ndarray) and not isinstance(eta, str):
        etas = tuple(float(e) for e in check_array("eta", eta, low=0.0))
        if len(etas) != steps:
            raise ValueError(
                f"eta has {len(etas)} entries but steps={steps}: give one learning rate, or "
                "one per step"
            )
        return etas, etas
    value = check_real("eta", eta, low=0.0)
    return value, (value,) * steps


def seed_list(seeds: Any, seed: Any) -> tuple[int, ...]:
    """The integer seeds of a run (see the module docstring for the rules)."""
    if isinstance(seeds, np.random.Generator):
        raise TypeError(
            "seeds must be a number of runs or a list of integer seeds; pass a "
            "numpy.random.Generator as seed= (the seeds are then drawn from it)"
        )
    if isinstance(seeds, np.ndarray):
        if seeds.ndim == 0:
            seeds = seeds.item()
        else:
            seeds = seeds.tolist()
    if isinstance(seeds, Sequence) and not isinstance(seeds, str):
        if len(seeds) == 0:
            raise ValueError("seeds must be a positive integer or a non-empty list of seeds")
        return tuple(check_integer("seeds entry", s, low=0) for s in seeds)
    if not isinstance(seeds, numbers.Integral) or isinstance(seeds, bool):
        raise TypeError(
            f"seeds must be a number of runs (an integer >= 1) or a list of integer seeds, "
            f"got {seeds!r} ({type(seeds).__name__})"
        )
    count = check_integer("seeds", seeds, low=1)
    if isinstance(seed, np.random.Generator):
        drawn = seed.integers(0, 2**63 - 1, size=count, endpoint=True, dtype=np.int64)
        return tuple(int(s) for s in drawn)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an integer >= 0 or a numpy.random.Generator, got {seed!r} "
            f"({type(seed).__name__})"
        )
    first = check_integer("seed", seed, low=0)
    return tuple(range(first, first + count))


def build_settings(
    *,
    student: Any,
    teacher: Any,
    eta: Any,
    alpha0: Any,
    lam: Any,
    d: Any,
    noise: Any,
    width_ratio: Any,
    model: Any,
    n_test: Any,
    steps: Any,
    reuse_batch: Any,
    seeds: Any,
    seed: Any,
    alphas: Any = None,
    alpha: Any = None,
) -> Settings:
    """Validate the arguments of a public function once and return the frozen settings.

    ``alpha`` (one readout size) or ``alphas`` (a grid) may be given; neither for
    :func:`~onestep_lib.simulation.one_step`. ``steps > 1`` or ``reuse_batch=True`` with a
    surrogate model, or a multi-index teacher with a surrogate, raise ``ValueError``.
    """
    stu = get_activation(student, name="student")
    tea = get_teacher(teacher, name="teacher")
    steps = check_integer("steps", steps, low=1)
    reuse_batch = check_flag("reuse_batch", reuse_batch)
    eta, etas = _learning_rates(eta, steps)
    lam = check_real("lam", lam, low=0.0)
    noise = check_real("noise", noise, low=0.0)
    model = check_option("model", model, MODELS)
    if model in SURROGATES:
        if steps > 1 or reuse_batch:
            what = f"steps={steps}" if steps > 1 else "reuse_batch=True"
            raise ValueError(
                f"model={model!r} is the surrogate of one step on a fresh batch; {what} is "
                "defined only for model='network'"
            )
        if tea.activation is None:
            raise ValueError(
                f"model={model!r} is defined for single-index teachers (an activation); "
                f"teacher={tea.name!r} has k={tea.k} directions: use model='network'"
            )
    d, width_ratio, p, alpha0, n0 = _sizes(d=d, width_ratio=width_ratio, alpha0=alpha0)
    n_test = check_integer("n_test", n_test, low=1)
    if alpha is not None:
        a, n = _readout_size(alpha, d)
        grid, ns = (a,), (n,)
    elif alphas is not None:
        arr = check_array("alphas", alphas, low=0.0, low_open=True)
        grid = tuple(float(a) for a in arr)
        ns = tuple(_readout_size(a, d, "alphas entry")[1] for a in grid)
    else:
        grid, ns = (), ()
    if tea.k >= d:
        raise ValueError(f"teacher {tea.name!r} has k={tea.k} directions, more than d={d} allows")
    return Settings(
        student=stu,
        teacher=tea,
        model=model,
        eta=eta,
        etas=etas,
        alpha0=alpha0,
        lam=lam,
        noise=noise,
        width_ratio=width_ratio,
        d=d,
        p=p,
        n0=n0,
        n_test=n_test,
        steps=steps,
        reuse_batch=reuse_batch,
        seeds=seed_list(seeds, seed),
        alphas=grid,
        ns=ns,
    )
