#!/usr/bin/env bash
# Real-browser check of the built book (tests/browser_check.py): serves the site on 127.0.0.1,
# opens every page in headless Chromium and checks math, images, links, launch buttons and
# JavaScript errors, and counts the display equations, code blocks and tables wider than their
# column at 1280 px and 900 px. Screenshots go to _build/screenshots (or SCREENSHOTS=DIR).
#
#   bash scripts/browser_check.sh                 # checks _build/html
#   bash scripts/browser_check.sh /path/to/html   # checks another build
#   bash scripts/browser_check.sh _build/html --max-overflow 5 --pages book/intro.html
#                                                 # further options go to tests/browser_check.py
#
# Installs what it needs when missing: Debian's chromium and chromium-driver (apt-get, as root
# or through sudo) and the selenium package into the active Python environment. No browser is
# downloaded by Selenium or Playwright: the driver is /usr/bin/chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."

HTML_DIR="_build/html"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then HTML_DIR="$1"; shift; fi
PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -f "$HTML_DIR/index.html" ]; then
    echo "browser check: no built site in $HTML_DIR (run scripts/build_book.sh first)" >&2
    exit 2
fi

# shellcheck source=scripts/_chromium.sh
. scripts/_chromium.sh "browser check"
shots=()
if [ -n "${SCREENSHOTS:-}" ]; then shots=(--screenshots "$SCREENSHOTS"); fi
exec "$PYTHON" tests/browser_check.py "$HTML_DIR" "${shots[@]}" "$@"
