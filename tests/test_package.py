"""The package imports light: theory and simulation are reachable as attributes, torch only
when a simulation runs."""

import subprocess
import sys

import pytest

import onestep_lib


def test_submodules_are_attributes():
    assert onestep_lib.theory.test_error is not None
    assert onestep_lib.spectra.mp_edges is not None
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = onestep_lib.nonsense


def test_import_does_not_load_torch_or_ipywidgets():
    code = ("import sys, onestep_lib; onestep_lib.theory; "
            "print('torch' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
