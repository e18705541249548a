"""Fast subset of the convergence sweep (benchmarks/sweep.py, issue 5 item 2): every corner
the issue names (η̃ = 0 with α0 > 0, p > d with λ = 1e-4, He2 teacher, label noise, tiny and
large α, the interpolation point n = p) on several student × teacher pairs, plus a few
Latin-hypercube points. Every point must converge to finite, non-negative errors."""

import importlib.util
import io
import math
import warnings
from pathlib import Path

import pytest

from onestep_lib import theory
from onestep_lib.validation import ConvergenceError

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "sweep.py"


@pytest.fixture(scope="module")
def sweep():
    spec = importlib.util.spec_from_file_location("onestep_sweep", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows(sweep):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = [sweep.solve(pt) for pt in sweep.fast_points()]
    # the sweep silences OutsideValidatedDomainWarning itself; nothing else may warn
    assert not caught, [str(w.message) for w in caught]
    return out


def test_fast_subset_covers_the_corners(sweep):
    pts = sweep.fast_points()
    assert 50 <= len(pts) <= 70
    assert any(p["eta"] == 0 and p["alpha0"] > 0 for p in pts)
    assert any(p["width_ratio"] > 1 and p["lam"] == 1e-4 for p in pts)
    assert any(p["teacher"] == "he2" for p in pts)
    assert any(p["noise"] > 0 for p in pts)
    assert any(p["alpha"] <= 0.05 for p in pts) and any(p["alpha"] >= 10 for p in pts)
    assert {p["student"] for p in pts} == set(sweep.STUDENTS)
    assert {p["teacher"] for p in pts} == set(sweep.TEACHERS)


def test_every_point_converges_to_finite_nonnegative_errors(rows, sweep):
    bad = [sweep.describe(r) + f" [{r['status']}]" for r in rows if r["status"] != "ok"]
    assert not bad, bad
    for r in rows:
        assert math.isfinite(r["test_error"]) and r["test_error"] >= 0
        assert math.isfinite(r["train_error"]) and r["train_error"] >= 0
        assert r["residual"] < 1e-12
        assert r["iterations"] <= 20  # measured max 10 over 20 000 points


def test_summary_is_printed_without_warnings(rows, sweep):
    out = io.StringIO()
    sweep.summarise(rows, out=out)
    text = out.getvalue()
    assert "converged (finite, >= 0)" in text and "100.00%" in text
    assert "failures: none" in text
    assert "Warning" not in text


def test_non_convergence_raises_with_residual_and_hint():
    """The failure path the sweep relies on: ConvergenceError carries residual and a hint."""
    kw = dict(
        student="relu", teacher="he3", eta=5.0, alpha0=0.1, alpha=0.05, lam=1e-4, width_ratio=4.0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", theory.OutsideValidatedDomainWarning)
        with pytest.raises(ConvergenceError, match="increase max_iter or lam") as info:
            theory.test_error(**kw, max_iter=2)
        assert info.value.residual > 1e-12 and info.value.iterations == 2
        # the point that defeated the former solver (Newton on V stalled, residual 66)
        r = theory.test_error(**kw)
    assert r.converged and r.iterations <= 20 and math.isfinite(r.test_error)
