#!/usr/bin/env bash
# The quick suite at both ends of the supported range, each in a fresh virtual environment:
#   oldest: the lowest supported Python, pip install -r requirements.txt -c constraints/oldest.txt
#   newest: the highest supported Python, pip install -r requirements.txt
# then the Colab stand-in test (tests/test_colab_standin.py) with the oldest versions.
#
#   scripts/test_version_range.sh [VENV_DIR]          # default VENV_DIR: /tmp/course-venvs
#   OLDEST_PYTHON=python3.10 NEWEST_PYTHON=python3.13 scripts/test_version_range.sh
#
# Prints, for each end, the versions installed, pytest's summary line and the wall time;
# the logs are in VENV_DIR. Exits non-zero if either suite fails. It needs about 25 minutes
# of two CPU cores and 3 GB of disk: do not run it beside a timed run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
VENV_DIR=${1:-/tmp/course-venvs}
OLDEST_PYTHON=${OLDEST_PYTHON:-python3.10}
NEWEST_PYTHON=${NEWEST_PYTHON:-python3.13}
mkdir -p "$VENV_DIR"
status=0

run_end() {  # name python [pip arguments...]
  local name=$1 python=$2
  shift 2
  local venv="$VENV_DIR/$name"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r requirements.txt "$@" > "$VENV_DIR/$name.install.log" 2>&1 || {
    echo "$name: install failed, see $VENV_DIR/$name.install.log"; status=1; return; }
  local start=$SECONDS
  "$venv/bin/python" -m pytest -q -p no:cacheprovider > "$VENV_DIR/$name.pytest.log" 2>&1 || status=1
  echo "== $name ($(( SECONDS - start )) s): $("$venv/bin/python" -c 'import platform, importlib.metadata as m; print("Python", platform.python_version(), *(f"{n} {m.version(n)}" for n in ("tensorflow", "keras", "numpy", "gymnasium", "ale-py")))')"
  tail -n 1 "$VENV_DIR/$name.pytest.log"
}

run_end oldest "$OLDEST_PYTHON" -c constraints/oldest.txt
run_end newest "$NEWEST_PYTHON"

# The Colab path: Colab's versions, no helpers installed, a stand-in google.colab.
"$OLDEST_PYTHON" -m venv "$VENV_DIR/colab" && "$VENV_DIR/colab/bin/pip" install --quiet -c constraints/oldest.txt \
  tensorflow keras numpy matplotlib scikit-learn psutil tqdm > "$VENV_DIR/colab.install.log" 2>&1
COLAB_STANDIN_PYTHON="$VENV_DIR/colab/bin/python" "$VENV_DIR/oldest/bin/python" -m pytest -q -p no:cacheprovider \
  tests/test_colab_standin.py > "$VENV_DIR/colab.pytest.log" 2>&1 || status=1
echo "== Colab stand-in: $(tail -n 1 "$VENV_DIR/colab.pytest.log")"
exit $status
