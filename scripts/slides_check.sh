#!/usr/bin/env bash
# Real-browser check of the lecture decks (tests/slides_check.py): every deck starts, has at least
# 8 slides, its math is rendered, its figures load, no JavaScript error, nothing requested from
# outside the site, one PDF page per slide. Screenshots (a slide with math and one with a
# figure, per deck) go to _build/slides_screenshots (or SCREENSHOTS=DIR).
#
#   bash scripts/slides_check.sh                  # checks _build/slides
#   bash scripts/slides_check.sh /path/to/slides  # another build
#
# Installs what it needs when missing, as scripts/browser_check.sh does: Debian's chromium and
# chromium-driver and the selenium package (no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

SLIDES_DIR="${1:-_build/slides}"
PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -f "$SLIDES_DIR/index.html" ]; then
    echo "slides check: no decks in $SLIDES_DIR (run scripts/build_slides.sh first)" >&2
    exit 2
fi

# shellcheck source=scripts/_chromium.sh
. scripts/_chromium.sh "slides check"
shots=()
if [ -n "${SCREENSHOTS:-}" ]; then shots=(--screenshots "$SCREENSHOTS"); fi
exec "$PYTHON" tests/slides_check.py "$SLIDES_DIR" "${shots[@]}"
