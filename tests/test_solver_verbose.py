"""``verbose=True`` prints one line per solver iteration; the default is silent."""

import re

import pytest

from onestep_lib import theory

LINE = re.compile(
    r"^\[onestep theory\] alpha=\S+ lam=\S+ iteration (\d+): residual (\S+), test error (\S+)$"
)


def test_verbose_prints_one_line_per_iteration(capsys, reference):
    r = theory.test_error(alpha=0.2, **reference, verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == r.iterations
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [int(m.group(1)) for m in parsed] == list(range(1, r.iterations + 1))
    assert float(parsed[-1].group(2)) < 1e-12
    assert float(parsed[-1].group(3)) == pytest.approx(r.test_error, rel=1e-7)


def test_verbose_learning_curve_and_silence_by_default(capsys, reference):
    c = theory.learning_curve(alphas=[0.2, 0.9], **reference, verbose=True)
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == int(c.iterations.sum())
    assert "alpha=0.2 " in out and "alpha=0.9 " in out
    theory.test_error(alpha=0.2, **reference)
    theory.learning_curve(alphas=[0.2, 0.9], **reference)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
