#!/usr/bin/env bash
# A PDF of the whole book, the way `jupyter-book build --builder pdfhtml` makes one (the book as a
# single HTML page, printed by headless Chromium), but with Debian's chromium instead of the
# browser that pyppeteer would download (no download is possible offline).
#
#   bash scripts/build_pdf.sh            # -> _build/pdf/onestep.pdf
#
# Needs the executed notebooks (run scripts/build_book.sh first: the single page reuses the
# execution cache) and chromium (installed by scripts/browser_check.sh, or apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

JB="${JUPYTER_BOOK:-jupyter-book}"
PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
OUT="_build/pdf/onestep.pdf"

"$JB" build . --builder singlehtml
page=$(find _build/singlehtml -name intro.html -not -path '*/_static/*' | head -n 1)
[ -n "$page" ] || { echo "build_pdf: no single-page HTML in _build/singlehtml" >&2; exit 1; }
# Sphinx writes the single page where the root document lives (book/intro.html) but with links
# relative to the output root (_static/, _images/): print a copy placed at the root.
cp "$page" _build/singlehtml/onestep-print.html
page=onestep-print.html

port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$PYTHON" -m http.server "$port" --bind 127.0.0.1 --directory _build/singlehtml >/dev/null 2>&1 &
server=$!
profile=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$profile"' EXIT
sleep 1

mkdir -p "$(dirname "$OUT")"
# --virtual-time-budget lets MathJax typeset every formula before the page is printed.
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --run-all-compositor-stages-before-draw --virtual-time-budget=60000 \
    --no-pdf-header-footer --print-to-pdf="$OUT" "http://127.0.0.1:$port/$page" 2>/dev/null
[ -s "$OUT" ] || { echo "build_pdf: Chromium wrote no PDF" >&2; exit 1; }
echo "PDF: $OUT ($(du -h "$OUT" | cut -f1))"
