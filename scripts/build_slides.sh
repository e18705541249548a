#!/usr/bin/env bash
# Lecture slides: one reveal.js deck per session of the teaching plan (book/teaching.md), selected
# from the executed chapters of the book by scripts/make_slides.py (its docstring has the rules),
# a PDF of each deck, and the browser check of the decks.
#
#   bash scripts/build_slides.sh                      # -> _build/slides/{index,lecture-K}.html, .pdf
#   bash scripts/build_slides.sh --lectures 2 3       # some decks only (arguments of make_slides.py)
#   SLIDES_CHECK=0 bash scripts/build_slides.sh       # without the browser check
#   SLIDES_OUT=DIR SLIDES_CACHE=DIR bash scripts/build_slides.sh   # other folders
#
# Offline: reveal.js (book/_static/reveal) and MathJax (book/_static/mathjax) are copied from the
# repository into _build/slides. The notebooks are executed once (a few minutes each on 2 cores)
# and cached in _build/slides_cache; after `jupyter-book build .` the book's execution cache
# (_build/.jupyter_cache) is used instead. The PDFs are reveal.js' print view
# (lecture-K.html?print-pdf) printed by headless Chromium, like scripts/build_pdf.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
OUT="${SLIDES_OUT:-_build/slides}"
CACHE="${SLIDES_CACHE:-_build/slides_cache}"

echo "== decks =="
"$PYTHON" scripts/make_slides.py --out "$OUT" --cache "$CACHE" "$@"

echo "== PDFs (headless Chromium, reveal.js print view) =="
# shellcheck source=scripts/_chromium.sh
. scripts/_chromium.sh "build_slides"

port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$PYTHON" -m http.server "$port" --bind 127.0.0.1 --directory "$OUT" >/dev/null 2>&1 &
server=$!
profile=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$profile"' EXIT
sleep 1

for page in "$OUT"/lecture-*.html; do
    name=$(basename "$page" .html)
    rm -f "$OUT/$name.pdf"
    # --virtual-time-budget: MathJax typesets and reveal.js lays out the print view first.
    timeout 300 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$profile" --run-all-compositor-stages-before-draw \
        --virtual-time-budget=60000 --no-pdf-header-footer --print-to-pdf="$OUT/$name.pdf" \
        "http://127.0.0.1:$port/$name.html?print-pdf" >/dev/null 2>&1 || true
    if [ ! -s "$OUT/$name.pdf" ]; then
        echo "build_slides: Chromium wrote no PDF for $name" >&2
        exit 1
    fi
    echo "  $OUT/$name.pdf ($(du -h "$OUT/$name.pdf" | cut -f1))"
done
kill "$server" 2>/dev/null || true

if [ "${SLIDES_CHECK:-1}" != "0" ]; then
    echo "== browser check of the decks =="
    bash scripts/slides_check.sh "$OUT"
fi
echo "slides built in $(( $(date +%s) - start )) s: open $OUT/index.html"
