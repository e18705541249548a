"""Every chapter's first code cell installs onestep_lib in Colab, and does nothing elsewhere."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def _repository_url() -> str:
    """``repository.url`` of _config.yml (read without a YAML dependency)."""
    text = (ROOT / "_config.yml").read_text()
    match = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", text, re.M)
    assert match, "_config.yml has no repository.url"
    return match.group(1).strip("'\"")


def _first_code_cell(path: Path) -> dict:
    cells = json.loads(path.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code, f"{path.name} has no code cell"
    return code[0]


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


@pytest.fixture
def fake_pip(monkeypatch):
    """Record subprocess.run calls instead of running pip."""
    calls = []

    def run(args, *a, **kw):
        calls.append((list(args), kw))
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(subprocess, "run", run)
    return calls


def _in_colab(monkeypatch, *, installed: bool) -> None:
    """A fake google.colab module; onestep_lib found or not, as on a fresh Colab runtime."""
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name == "onestep_lib" and not installed:
            return None
        return real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_every_chapter_is_checked():
    assert NOTEBOOKS, "no notebooks in book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_tagged_guard(path):
    cell = _first_code_cell(path)
    src = _source(cell)
    assert "hide-output" in cell.get("metadata", {}).get("tags", []), (
        f"{path.name}: the Colab guard must be tagged hide-output")
    assert '"google.colab" in sys.modules' in src, f"{path.name}: first code cell is not the guard"
    assert "pip" in src and _repository_url() in src
    assert not cell.get("outputs"), f"{path.name}: outputs must be stripped"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_guard_installs_from_the_repository_in_colab(path, monkeypatch, fake_pip):
    _in_colab(monkeypatch, installed=False)
    exec(compile(_source(_first_code_cell(path)), f"{path.name}:guard", "exec"), {})
    assert len(fake_pip) == 1, f"{path.name}: expected one pip call, got {fake_pip}"
    args, kwargs = fake_pip[0]
    assert args[:4] == [sys.executable, "-m", "pip", "install"]
    assert f"git+{_repository_url()}" in args
    assert kwargs.get("check") is True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_guard_does_nothing_outside_colab(path, monkeypatch, fake_pip):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(_source(_first_code_cell(path)), f"{path.name}:guard", "exec"), {})
    assert fake_pip == []
    # and nothing when Colab already has the library (a second run of the notebook)
    _in_colab(monkeypatch, installed=True)
    exec(compile(_source(_first_code_cell(path)), f"{path.name}:guard", "exec"), {})
    assert fake_pip == []
