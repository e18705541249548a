#!/usr/bin/env bash
# The student edition: the same book without any solution, for handing out problem sets.
#
#   bash scripts/build_student_edition.sh      # HTML in _build/student/html
#
# scripts/make_student_edition.py copies the book with every solution removed (gated
# solution-start/solution-end blocks with their code cells, and {solution} blocks) and sets
# sphinx-exercise's hide_solutions; the copy is then built like the book. Fails if a solution
# survives in the HTML.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=_build/student_src
python scripts/make_student_edition.py "$SRC"
rm -rf _build/student
jupyter-book build "$SRC" --path-output _build/student_build -W -n --keep-going
mkdir -p _build/student
mv _build/student_build/_build/html _build/student/html
rm -rf _build/student_build
if grep -rlE 'class="[^"]*solution' _build/student/html --include='*.html' | grep -v genindex; then
  echo "FAIL: solutions left in the student edition (files above)" >&2
  exit 1
fi
echo "student edition: _build/student/html/index.html ($(find _build/student/html -name '*.html' | wc -l) pages, no solutions)"
