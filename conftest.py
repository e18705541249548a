"""pytest configuration shared by the library tests, the doctests and nbval."""

# Files that are not tests: the browser check runs after the book build (scripts/), the Sphinx
# extension and the figure script are imported by their tools, not by pytest.
collect_ignore = ["tests/browser_check.py", "book/_ext", "book/figures", "_build", "benchmarks"]
collect_ignore_glob = ["book/_build/*", ".venv/*", "venv/*"]

# Property tests draw their examples from a fixed seed, so that a run is reproducible and CI
# cannot fail by chance on an example no earlier run saw (set HYPOTHESIS_PROFILE=explore to
# search new examples locally).
try:
    import os

    from hypothesis import settings

    settings.register_profile("repeatable", derandomize=True, print_blob=True)
    settings.register_profile("explore", derandomize=False, max_examples=500)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
except ImportError:  # hypothesis is in requirements.txt; the library tests run without it
    pass
