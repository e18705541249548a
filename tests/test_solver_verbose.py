"""``verbose=True`` prints one line per solver iteration; the default is silent (issue 6 item 3)."""

import re

import pytest

from onestep_lib import theory

KW = dict(student="tanh", teacher="sin", eta=3.0, alpha0=20.0, lam=0.1)
LINE = re.compile(
    r"^\[onestep theory\] alpha=\S+ lam=\S+ iteration (\d+): residual (\S+), test error (\S+)$"
)


def test_verbose_prints_one_line_per_iteration(capsys):
    r = theory.test_error(alpha=0.2, **KW, verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == r.iterations
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [int(m.group(1)) for m in parsed] == list(range(1, r.iterations + 1))
    assert float(parsed[-1].group(2)) < 1e-12
    assert float(parsed[-1].group(3)) == pytest.approx(r.test_error, rel=1e-7)


def test_verbose_learning_curve_and_silence_by_default(capsys):
    c = theory.learning_curve(alphas=[0.2, 0.9], **KW, verbose=True)
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == int(c.iterations.sum())
    assert "alpha=0.2 " in out and "alpha=0.9 " in out
    theory.test_error(alpha=0.2, **KW)
    theory.learning_curve(alphas=[0.2, 0.9], **KW)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
