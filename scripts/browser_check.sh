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

# The browser and its driver: Debian's packages (/usr/bin/chromium, /usr/bin/chromedriver), or
# CHROMIUM / CHROMEDRIVER from the environment, or a preinstalled Chrome and chromedriver (GitHub's
# Ubuntu runners have both; Ubuntu's own chromium package is a snap stub that cannot run here).
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
    echo "browser check: no Chromium and chromedriver found (apt-get install chromium chromium-driver)" >&2
    exit 2
fi
export CHROMIUM CHROMEDRIVER
"$CHROMIUM" --version 2>/dev/null || true

if ! "$PYTHON" -c "import selenium" >/dev/null 2>&1; then
    echo "== installing selenium into $("$PYTHON" -c 'import sys; print(sys.prefix)') =="
    "$PYTHON" -m pip install --quiet "selenium>=4.10"
fi

# Selenium must never try to fetch a driver or a browser: both paths are given explicitly.
export SE_OFFLINE=true
shots=()
if [ -n "${SCREENSHOTS:-}" ]; then shots=(--screenshots "$SCREENSHOTS"); fi
exec "$PYTHON" tests/browser_check.py "$HTML_DIR" "${shots[@]}" "$@"
