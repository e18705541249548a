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

find_browser() {
    if [ -z "${CHROMIUM:-}" ]; then
        for c in /usr/bin/chromium "$(command -v google-chrome || true)" \
                 "$(command -v chromium || true)"; do
            if [ -n "$c" ] && [ -x "$c" ]; then CHROMIUM="$c"; break; fi
        done
    fi
    if [ -z "${CHROMEDRIVER:-}" ]; then
        for c in /usr/bin/chromedriver "${CHROMEWEBDRIVER:+$CHROMEWEBDRIVER/chromedriver}" \
                 "$(command -v chromedriver || true)"; do
            if [ -n "$c" ] && [ -x "$c" ]; then CHROMEDRIVER="$c"; break; fi
        done
    fi
}
find_browser
if [ -z "${CHROMIUM:-}" ] || [ -z "${CHROMEDRIVER:-}" ]; then
    echo "== installing chromium and chromium-driver (Debian packages) =="
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
    CHROMIUM="" CHROMEDRIVER=""
    find_browser
fi
if [ -z "${CHROMIUM:-}" ] || [ -z "${CHROMEDRIVER:-}" ]; then
    echo "slides check: no Chromium and chromedriver found (apt-get install chromium chromium-driver)" >&2
    exit 2
fi
export CHROMIUM CHROMEDRIVER

if ! "$PYTHON" -c "import selenium" >/dev/null 2>&1; then
    echo "== installing selenium into $("$PYTHON" -c 'import sys; print(sys.prefix)') =="
    "$PYTHON" -m pip install --quiet "selenium>=4.10"
fi

export SE_OFFLINE=true
shots=()
if [ -n "${SCREENSHOTS:-}" ]; then shots=(--screenshots "$SCREENSHOTS"); fi
exec "$PYTHON" tests/slides_check.py "$SLIDES_DIR" "${shots[@]}"
