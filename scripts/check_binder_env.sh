#!/usr/bin/env bash
# Check the Binder environment (binder/requirements.txt) as repo2docker builds it: a fresh virtual
# environment, no torch and no CUDA library installed, and every notebook of the book passing
# there (nbval), on the numpy backend of the simulations. Prints the install time and size.
#
# Usage (from anywhere): bash scripts/check_binder_env.sh [VENV]   (default /tmp/binder-venv)
# VENV is deleted and recreated; the script refuses a path that exists and is not a venv.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-/tmp/binder-venv}

if [ -e "$venv" ] && [ ! -f "$venv/pyvenv.cfg" ]; then
  echo "check_binder_env: $venv exists and is not a virtual environment; not deleting it" >&2
  exit 2
fi
rm -rf "$venv"

# The caller's environment (a PYTHONPATH, a forced backend) must not leak into the check; a venv
# made from inside another one is based on the base interpreter, not on the caller's packages.
unset PYTHONPATH ONESTEP_SIMULATION_BACKEND
python3 -m venv "$venv"
# shellcheck disable=SC1091
. "$venv/bin/activate"
python -m pip install --quiet --upgrade pip

echo "== install binder/requirements.txt into $venv =="
start=$(date +%s.%N)
python -m pip install --quiet --no-cache-dir -r binder/requirements.txt
install_s=$(python -c "print(f'{$(date +%s.%N) - $start:.0f}')")

echo "== no torch, no CUDA library =="
if python -c "import torch" 2>/dev/null; then
  echo "FAIL: torch is importable in the Binder environment" >&2
  exit 1
fi
gpu_packages=$(python -m pip list --format=freeze | grep -i -E '^(torch|triton|cupy|jax)|nvidia|cuda' || true)
if [ -n "$gpu_packages" ]; then
  echo "FAIL: GPU packages installed in the Binder environment:" >&2
  echo "$gpu_packages" >&2
  exit 1
fi
site=$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cuda_libs=$(find "$site" -name 'libcu*.so*' -o -name 'libnccl*.so*' -o -name 'libcudnn*.so*')
if [ -n "$cuda_libs" ]; then
  echo "FAIL: CUDA shared libraries in the Binder environment:" >&2
  echo "$cuda_libs" >&2
  exit 1
fi
python - <<'PY'
import onestep_lib
from onestep_lib.simulation.backend import resolve_backend

used = resolve_backend().name
assert used == "numpy", f"the simulations would use the {used} backend"
print(f"onestep_lib {onestep_lib.__version__}: no torch, simulations on the numpy backend")
PY

site_size=$(du -sh "$site" | cut -f1)
venv_size=$(du -sh "$venv" | cut -f1)
packages=$(python -m pip list --format=freeze | wc -l)
echo "Binder environment: $packages packages, site-packages $site_size (venv $venv_size)," \
     "installed in ${install_s} s"

echo "== the library's tests that need no torch (theory, spectra, numpy simulations), none skipped =="
python -m pytest -p no:cacheprovider -q -rs tests/test_theory_*.py tests/test_spectra.py \
  tests/test_spike.py tests/test_activations.py tests/test_simulation_numpy.py tests/test_steps.py \
  onestep_lib/theory onestep_lib/spectra.py onestep_lib/spike.py | tee /tmp/binder-tests.log
if grep -q "skipped" /tmp/binder-tests.log; then
  echo "FAIL: tests were skipped in the environment without torch" >&2
  exit 1
fi

echo "== every notebook of the book (nbval), in the Binder environment =="
start=$(date +%s)
python -m pytest --nbval-lax book/ -p no:cacheprovider
echo "notebooks passed in $(( $(date +%s) - start )) s on the numpy backend"
echo "Binder check: site-packages $site_size, install ${install_s} s, no torch, no CUDA"
