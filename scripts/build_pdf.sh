#!/usr/bin/env bash
# A PDF of the whole book, the way `jupyter-book build --builder pdfhtml` makes one (the book as a
# single HTML page, printed by headless Chromium), but with Debian's chromium instead of the
# browser that pyppeteer would download (no download is possible offline).
#
#   bash scripts/build_pdf.sh            # -> _build/pdf/onestep.pdf (A4)
#   PAPER=letter bash scripts/build_pdf.sh
#
# The page is printed by scripts/print_pdf.py (Selenium driving /usr/bin/chromium through
# /usr/bin/chromedriver): the print rules of book/_static/onestep.css wrap code, tables and long
# equations, the script scales down what still cannot be broken, and it counts the display
# equations, code blocks and tables still wider than the printed column. The PDF is always
# written; the script exits 1 when more than PDF_MAX_OVERFLOW (default 0) elements would be cut.
#
# Needs the executed notebooks (run scripts/build_book.sh first: the single page reuses the
# execution cache), chromium, chromium-driver and selenium (installed here when missing, as
# scripts/browser_check.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

JB="${JUPYTER_BOOK:-jupyter-book}"
PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
OUT="_build/pdf/onestep.pdf"
PAPER="${PAPER:-a4}"

# shellcheck source=scripts/_chromium.sh
. scripts/_chromium.sh "build_pdf"

"$JB" build . --builder singlehtml
page=$(find _build/singlehtml -name intro.html -not -path '*/_static/*' | head -n 1)
[ -n "$page" ] || { echo "build_pdf: no single-page HTML in _build/singlehtml" >&2; exit 1; }
# Sphinx writes the single page where the root document lives (book/intro.html) but with links
# relative to the output root (_static/, _images/): print a copy placed at the root.
cp "$page" _build/singlehtml/onestep-print.html

status=0
"$PYTHON" scripts/print_pdf.py _build/singlehtml onestep-print.html "$OUT" --paper "$PAPER" \
    --max-overflow "${PDF_MAX_OVERFLOW:-0}" --keep-going || status=$?
[ -s "$OUT" ] || { echo "build_pdf: Chromium wrote no PDF" >&2; exit 1; }
echo "PDF: $OUT ($(du -h "$OUT" | cut -f1))"
exit "$status"
