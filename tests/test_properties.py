"""Property tests (hypothesis) for the low floor: quadrature, validation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestep_lib.activations import Activation, gaussian_expectation, gaussian_moments
from onestep_lib.validation import check_int, check_real


def _gaussian_moment(k: int) -> float:
    """E[z^k] for z ~ N(0,1): (k−1)!! for even k, 0 for odd k."""
    return 0.0 if k % 2 else float(math.prod(range(k - 1, 0, -2)))


coefficients = st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=9)


@settings(max_examples=60, deadline=None)
@given(coefficients)
def test_polynomial_expectations_are_exact(coef):
    expected = sum(a * _gaussian_moment(k) for k, a in enumerate(coef))
    got = float(gaussian_expectation(lambda z: np.polynomial.polynomial.polyval(z, coef)))
    assert got == pytest.approx(expected, rel=1e-10, abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(coefficients, st.floats(-2, 2), st.floats(-2, 2))
def test_polynomial_with_kinks_is_exact(coef, bp1, bp2):
    """The composite rule is exact on polynomials wherever the breakpoints fall."""
    expected = sum(a * _gaussian_moment(k) for k, a in enumerate(coef))
    got = float(gaussian_expectation(lambda z: np.polynomial.polynomial.polyval(z, coef),
                                     breakpoints=np.array([bp1, bp2])))
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.floats(-4, 4), st.floats(0.05, 3))
def test_shifted_linear_and_square(shift, scale):
    lin = Activation("lin_test", lambda x: 1.0 * x, lambda x: 0.0 * x + 1.0)
    m0, m1, m2 = gaussian_moments(lin, shift=shift, scale=scale)
    assert (float(m0), float(m1), float(m2)) == pytest.approx(
        (shift, scale, shift**2 + scale**2), abs=1e-10)


def _finite_nonnegative(value) -> bool:
    try:
        return math.isfinite(value) and value >= 0
    except OverflowError:  # an integer beyond the float range
        return False


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=True),
        st.integers(),
        st.just(10**400),
        st.booleans(),
        st.text(max_size=3),
    )
)
def test_check_real_never_lets_nonfinite_through(value):
    """Strings and booleans are the wrong type (TypeError); numbers that are not finite or
    below the bound are wrong values (ValueError); everything else comes back as a float."""
    wrong_type = isinstance(value, str | bool)
    try:
        x = check_real("alpha", value, low=0.0)
    except TypeError as err:
        assert wrong_type and "alpha" in str(err)
    except ValueError as err:
        assert not wrong_type and not _finite_nonnegative(value)
        assert "alpha" in str(err)
    else:
        assert not wrong_type and math.isfinite(x) and x >= 0 and x == value


def test_check_int_refuses_float():
    with pytest.raises(TypeError, match="d must be an integer"):
        check_int("d", 1000.0, low=1)
    with pytest.raises(ValueError, match="d must be an integer >= 1, got 0"):
        check_int("d", 0, low=1)
    assert check_int("d", np.int64(5), low=1) == 5
