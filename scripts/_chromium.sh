# shellcheck shell=bash
# Sourced by the real-browser checks (browser_check.sh, slides_check.sh): finds Chromium and its
# driver, installs what is missing, and exports CHROMIUM, CHROMEDRIVER and SE_OFFLINE.
#
# The browser and its driver: Debian's packages (/usr/bin/chromium, /usr/bin/chromedriver), or
# CHROMIUM / CHROMEDRIVER from the environment, or a preinstalled Chrome and chromedriver (GitHub's
# Ubuntu runners have both; Ubuntu's own chromium package is a snap stub that cannot run here).
# The selenium package goes into the active Python ($PYTHON). No browser is downloaded by
# Selenium or Playwright: the driver path is always given explicitly.
#
#   . scripts/_chromium.sh "browser check"    # the argument names the caller in error messages

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

setup_chromium() {
    local caller="$1"
    find_browser
    if [ -z "${CHROMIUM:-}" ] || [ -z "${CHROMEDRIVER:-}" ]; then
        echo "== installing chromium and chromium-driver (Debian packages) =="
        local sudo=""
        if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver \
            >/dev/null
        CHROMIUM="" CHROMEDRIVER=""
        find_browser
    fi
    if [ -z "${CHROMIUM:-}" ] || [ -z "${CHROMEDRIVER:-}" ]; then
        echo "$caller: no Chromium and chromedriver found" \
             "(apt-get install chromium chromium-driver)" >&2
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
}

setup_chromium "${1:-browser check}"
