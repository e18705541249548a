"""pytest configuration shared by the library tests, the doctests and nbval."""

# Files that are not tests: the browser check runs after the book build (scripts/), the Sphinx
# extension and the figure script are imported by their tools, not by pytest.
collect_ignore = ["tests/browser_check.py", "book/_ext", "book/figures", "_build", "benchmarks"]
collect_ignore_glob = ["book/_build/*", ".venv/*", "venv/*"]
