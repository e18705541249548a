"""Teachers of the simulations: single-index (``y = σ*(z)``) and multi-index
(``y = g(z_1, …, z_k)``) targets.

With ``k`` orthogonal directions ``θ_1, …, θ_k`` of norm ``‖θ_i‖² = d`` (drawn per seed by
:func:`onestep_lib.simulation.data.make_directions`), the projections of an input
``x ~ N(0, I_d)`` are ``z_i = ⟨θ_i, x⟩/√d``, independent standard Gaussians, and the label
is ``y = g(z_1, …, z_k) + √Δ ξ``.

``teacher=`` of the simulation functions accepts

* an activation name (``"tanh"``, ``"he2"``, …) or an
  :class:`~onestep_lib.activations.Activation`: the single-index teacher ``σ*(z_1)``
  (the model of the course);
* a multi-index name from ``TEACHERS`` (``"staircase"``: ``y = z_1 + z_1 z_2``, whose
  second direction a network learns only through the first; Dandi et al. 2023, "How
  two-layer neural networks learn, one (giant) step at a time");
* a :class:`Teacher`, for any other target.

Examples
--------
>>> import numpy as np
>>> t = get_teacher("staircase")
>>> t.k, float(t(np.array([2.0]), np.array([3.0]))[0])
(2, 8.0)
>>> get_teacher("tanh").activation.name
'tanh'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..activations import ACTIVATIONS, Activation
from ..validation import check_integer, check_option

__all__ = ["TEACHERS", "Teacher", "get_teacher", "register_teacher"]


@dataclass(frozen=True)
class Teacher:
    """A target ``y = g(z_1, …, z_k)`` of ``k`` orthogonal directions.

    Parameters
    ----------
    name : str
        Recorded in the results (``result.teacher``).
    k : int
        Number of directions, ``k ≥ 1``.
    fn : callable
        ``g(z_1, …, z_k)``: ``k`` arrays of shape ``(m,)`` (numpy) to an array of shape
        ``(m,)``, elementwise. Written with arithmetic operators it also accepts torch
        tensors.
    torch_fn : callable, optional
        The same function for torch tensors, when ``fn`` uses numpy functions.
    activation : Activation, optional
        Set for a single-index teacher (``k = 1``, ``g = σ*``); the sRF surrogates
        (``model="srf"``, ``"gaussian"``) need it.

    Examples
    --------
    >>> import numpy as np
    >>> t = Teacher("product", 2, lambda z1, z2: z1 * z2)
    >>> t(np.array([2.0]), np.array([-1.5]))
    array([-3.])
    """

    name: str
    k: int
    fn: Callable[..., Any] = field(repr=False)
    torch_fn: Callable[..., Any] | None = field(default=None, repr=False)
    activation: Activation | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"Teacher name must be a non-empty string, got {self.name!r}")
        check_integer("k", self.k, low=1)
        if not callable(self.fn):
            raise TypeError(f"Teacher fn must be callable, got {type(self.fn).__name__}")
        if self.torch_fn is not None and not callable(self.torch_fn):
            raise TypeError(
                f"Teacher torch_fn must be callable, got {type(self.torch_fn).__name__}"
            )
        if self.activation is not None and self.k != 1:
            raise ValueError(f"a single-index Teacher (activation set) has k = 1, got k={self.k}")

    @classmethod
    def single_index(cls, activation: Activation) -> Teacher:
        """The teacher ``y = σ*(z_1)`` of an activation (``k = 1``)."""
        return cls(activation.name, 1, activation.fn, activation.torch, activation)

    def __call__(self, *z: Any) -> Any:
        """``g(z_1, …, z_k)`` on numpy arrays."""
        if len(z) != self.k:
            raise ValueError(f"teacher {self.name!r} takes k={self.k} projections, got {len(z)}")
        return self.fn(*z)


def _staircase(z1: Any, z2: Any) -> Any:
    return z1 + z1 * z2


#: Multi-index teachers by name (activation names give single-index teachers).
TEACHERS: dict[str, Teacher] = {"staircase": Teacher("staircase", 2, _staircase)}


def register_teacher(teacher: Teacher) -> Teacher:
    """Add a teacher to ``TEACHERS`` so that it can be given by name."""
    if not isinstance(teacher, Teacher):
        raise TypeError(f"teacher must be a Teacher, got {type(teacher).__name__}")
    if teacher.name in ACTIVATIONS:
        raise ValueError(f"teacher name {teacher.name!r} is an activation name; choose another")
    TEACHERS[teacher.name] = teacher
    return teacher


def get_teacher(teacher: str | Activation | Teacher, *, name: str = "teacher") -> Teacher:
    """The :class:`Teacher` for a name, an activation or a teacher (returned as it is).

    Raises ``TypeError`` for another type and ``ValueError`` for an unknown name, both
    naming ``name``.
    """
    if isinstance(teacher, Teacher):
        return teacher
    if isinstance(teacher, Activation):
        return Teacher.single_index(teacher)
    if not isinstance(teacher, str):
        raise TypeError(
            f"{name} must be an activation name, a teacher name {sorted(TEACHERS)}, an "
            f"Activation or a Teacher, got {type(teacher).__name__}"
        )
    key = teacher.strip().lower()
    check_option(name, key, sorted(ACTIVATIONS) + sorted(TEACHERS))
    if key in TEACHERS:
        return TEACHERS[key]
    return Teacher.single_index(ACTIVATIONS[key])
