#!/usr/bin/env bash
# The student edition: the same book without any solution, for handing out problem sets
# (book/teaching.md, "Problem sets: the student edition").
#
#   bash scripts/build_student_edition.sh      # HTML in _build/student/html
#
# scripts/make_student_edition.py copies the book with every solution removed (gated
# solution-start/solution-end blocks with their code cells, and {solution} blocks), sets
# sphinx-exercise's hide_solutions and turns the Binder and Colab buttons off; the copy is then
# built like the book (strict, every notebook executed). Fails if the build fails, if a solution
# admonition survives in the HTML, or if a line of a removed solution appears in a page's text.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=_build/student_src
JB="${JUPYTER_BOOK:-jupyter-book}"
PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

LOG=_build/student_build.log

"$PYTHON" scripts/make_student_edition.py "$SRC"
# _build/student_build keeps the edition's execution cache between runs (its notebooks differ
# from the book's, so the book's cache does not serve them); the pages are read and written
# anew each time (no stale doctree hides a warning).
rm -rf _build/student _build/student_build/_build/html _build/student_build/_build/.doctrees
mkdir -p _build
status=0
"$JB" build "$SRC" --path-output _build/student_build -W -n --keep-going 2>&1 | tee "$LOG" \
  || status=$?
problems=()
[ "$status" -eq 0 ] || problems+=("jupyter-book reported errors or warnings (log: $LOG)")
# Jupyter Book does not fail on a notebook that fails to execute: read the log, as
# scripts/build_book.sh does. A cell that fails here and not in the book uses a solution's result.
if grep -qiE "execution failed|Traceback \(most recent call last\)|CellExecutionError|CellTimeoutError|DeadKernelError" "$LOG"; then
  problems+=("a notebook failed to execute without its solutions (see the lines below)")
  grep -niE "execution failed|CellExecutionError|Error:|\.ipynb" "$LOG" | grep -v IPKernelApp | head -n 20
fi
if [ ! -d _build/student_build/_build/html ]; then
  echo "FAIL: no HTML built (log: $LOG)" >&2
  exit 1
fi
mkdir -p _build/student
mv _build/student_build/_build/html _build/student/html
if grep -rlE 'class="[^"]*solution' _build/student/html --include='*.html' | grep -v genindex; then
  problems+=("solution admonitions left in the student edition (files above)")
fi
"$PYTHON" scripts/make_student_edition.py --check _build/student/html "$SRC" \
  || problems+=("lines of removed solutions found in the student edition (listed above)")
pages=$(find _build/student/html -name '*.html' | wc -l)
if [ "${#problems[@]}" -gt 0 ]; then
  echo "STUDENT EDITION FAILED (HTML in _build/student/html, $pages pages):" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "student edition: _build/student/html/index.html ($pages pages, no solutions)"
