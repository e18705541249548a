#!/usr/bin/env bash
# Strict build of the Jupyter Book, from the repository root.
#
#   scripts/build_book.sh                # jupyter-book build . -W -n --keep-going
#   scripts/build_book.sh "--all"        # extra flags for jupyter-book, as one (quoted) argument
#
# Fails (exit 1) when
#   * jupyter-book exits non-zero (any Sphinx warning, with -W; unresolved references, with -n);
#   * the log reports a notebook execution failure or a Python traceback (Jupyter Book does not
#     turn a failing notebook into a non-zero exit code, so we read the log);
#   * an execution report exists in _build/html/reports (written for each failing notebook).
# The full log is kept in _build/build.log.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
JB="${JUPYTER_BOOK:-jupyter-book}"
EXTRA="${1:-}"
LOG="_build/build.log"
mkdir -p _build
rm -rf _build/html/reports

# shellcheck disable=SC2086  # EXTRA is deliberately split into flags
"$JB" build . -W -n --keep-going $EXTRA 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}

problems=()
[ "$status" -ne 0 ] && problems+=("jupyter-book exited with status $status")

if grep -qiE "execution failed|Traceback \(most recent call last\)|CellExecutionError|CellTimeoutError|DeadKernelError" "$LOG"; then
    problems+=("notebook execution failed (see the matches below)")
    grep -niE "execution failed|Traceback \(most recent call last\)|CellExecutionError|CellTimeoutError|DeadKernelError" "$LOG" | head -n 20
fi

reports=()
if [ -d _build/html/reports ]; then
    while IFS= read -r -d '' f; do reports+=("$f"); done \
        < <(find _build/html/reports -type f \( -name '*.err.log' -o -name '*.log' \) -print0)
fi
if [ "${#reports[@]}" -gt 0 ]; then
    problems+=("${#reports[@]} execution report(s) in _build/html/reports")
    printf '  %s\n' "${reports[@]}"
fi

warnings=$(grep -E "WARNING|ERROR" "$LOG" | grep -cv "IPKernelApp" || true)

echo
if [ "${#problems[@]}" -eq 0 ]; then
    echo "BUILD OK: no warnings, no execution errors. HTML in _build/html/index.html (log: $LOG)"
    exit 0
fi
echo "BUILD FAILED ($warnings warning/error lines in $LOG):"
printf '  - %s\n' "${problems[@]}"
exit 1
