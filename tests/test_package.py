"""The package imports light: theory and simulation are reachable as attributes, torch only
when a simulation runs. Its release metadata agree: one version (``onestep_lib.__version__``),
read by pyproject.toml, named by the installed metadata, CHANGELOG.md and CITATION.cff."""

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

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


# --- Release metadata: one version, named alike by the package, pyproject, changelog, citation ---

ROOT = Path(__file__).resolve().parents[1]


def _released_versions() -> list[tuple[str, str]]:
    """(version, date) of each released section of CHANGELOG.md, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[(\d[^\]]*)\] - (\d{4}-\d{2}-\d{2})\s*$", text, flags=re.MULTILINE)


def _cff_field(name: str) -> str:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(rf"^{name}:\s*\"?([^\"\s]+)\"?\s*$", text, flags=re.MULTILINE)
    assert match, f"CITATION.cff has no top-level {name!r}"
    return match.group(1)


def test_version_is_a_pep440_release():
    assert str(Version(onestep_lib.__version__)) == onestep_lib.__version__
    assert not Version(onestep_lib.__version__).is_devrelease


def test_pyproject_reads_the_version_from_the_package():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in meta["project"], "the version belongs in onestep_lib/__init__.py"
    assert "version" in meta["project"]["dynamic"]
    attr = meta["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "onestep_lib.__version__"


def test_installed_metadata_reports_the_package_version():
    installed = importlib.metadata.version("onestep_lib")
    assert installed == onestep_lib.__version__, (
        f"installed metadata says {installed}, the package {onestep_lib.__version__}: "
        "reinstall with `pip install -e .`"
    )


def test_changelog_names_the_version_as_its_latest_release():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = _released_versions()
    assert released, "CHANGELOG.md has no released section '## [X.Y.Z] - YYYY-MM-DD'"
    assert released[0][0] == onestep_lib.__version__
    versions = [Version(v) for v, _ in released]
    assert versions == sorted(versions, reverse=True), "releases must be listed newest first"
    # Keep a Changelog: an Unreleased section, if any, comes first; every version has a link.
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.MULTILINE)
    assert "Unreleased" not in headings[1:]
    for heading in headings:
        assert re.search(rf"^\[{re.escape(heading)}\]: https://", text, flags=re.MULTILINE)


def test_citation_names_the_released_version_and_date():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0\s*$", text, flags=re.MULTILINE)
    version, date = _released_versions()[0]
    assert _cff_field("version") == onestep_lib.__version__ == version
    assert _cff_field("date-released") == date


def test_licences_are_present_and_named():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    text_licence = (ROOT / "LICENSE-CC-BY-4.0.md").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text_licence
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "LICENSE" in readme and "LICENSE-CC-BY-4.0.md" in readme and "CITATION.cff" in readme
