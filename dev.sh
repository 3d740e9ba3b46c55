#!/usr/bin/env bash
# One entry point for a fresh machine: creates the project-local .venv (once), then runs a job.
#   bash dev.sh demo     set up, then train + evaluate on the embedded phantom data (`hipvq demo`)
#   bash dev.sh test     set up, then run every notebook's tests (nbdev's runner, 2 workers)
#   bash dev.sh docs     set up, then build the docs site into _docs/ and say how to open it (nbdev_docs where the
#                        quarto command exists, else tools/build_docs.py's offline builder; --offline forces it)
#   bash dev.sh setup    only set up
# Extra arguments go to the job, e.g. `bash dev.sh test nbs/04_model.ipynb` or `bash dev.sh demo --epochs 2`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PYTHON=${PYTHON:-python3}
VENV=${HIPVQ_VENV:-.venv}
# torch and torchvision must come as a matching pair; override for another platform or CUDA build.
TORCH_PINS=${HIPVQ_TORCH_PINS:-"torch==2.14.1 torchvision==0.29.1"}

# pip, quiet, without the notes some machines' pip configs print for every missing local index.
pip_install() {
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
    | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
  return "${PIPESTATUS[0]}"
}

setup() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || { echo "dev.sh: Python 3.10+ is needed, $PYTHON is $("$PYTHON" --version 2>&1)" >&2; exit 1; }
  local stamp="$VENV/.hipvq-setup" want
  want=$(cat settings.ini setup.py dev.sh | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  echo "dev.sh: setting up $VENV (first run takes a few minutes: torch is large)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  pip_install $TORCH_PINS
  pip_install -e '.[dev]'
  echo "$want" > "$stamp"
}

job=${1:-setup}; shift || true
setup
# Two cores: two notebooks in parallel, one math thread each (no oversubscription).
case "$job" in
  setup) echo "dev.sh: ready. Activate with: source $VENV/bin/activate" ;;
  demo)  exec "$VENV/bin/hipvq" demo "$@" ;;
  test)  OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1} \
           exec "$VENV/bin/python" tools/test_notebooks.py "$@" ;;
  docs)  OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1} \
           exec "$VENV/bin/python" tools/build_docs.py "$@" ;;
  *)     echo "dev.sh: unknown job '$job' (expected setup, demo, test or docs)" >&2; exit 2 ;;
esac
