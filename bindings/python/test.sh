#!/usr/bin/env bash
# Tests the Python package: checks its crate (fmt, clippy), builds the abi3
# wheel with maturin (`maturin build --release`, as scripts/dist does: the
# same build, so that the second is fresh) and installs it with pip into a
# virtual environment under the target directory that also holds maturin,
# pytest and mypy; then runs its tests (the API, offsets in code points, the
# GIL, and parity with the `qc` command over the fixture corpus; they use
# $QC_BIN or target/debug/qc, built when missing) and type-checks the stubs
# against the module.
# PYTHON picks the interpreter (default python3); the venv is created when
# missing (QC_PY_VENV, default py/ under the target directory), and pip
# reaches only PyPI (maturin, pytest, mypy), only for what the venv lacks.
# QC_PY_WHEEL installs that wheel instead of building one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
base="${CARGO_TARGET_DIR:-$root/target}"
venv="${QC_PY_VENV:-$base/py}"
# One cargo cache for every build of the extension: python/ under
# $CARGO_TARGET_DIR (default target/), a directory of its own, as the crate
# is a workspace of its own.
export CARGO_TARGET_DIR="$base/python"

cargo fmt --manifest-path "$here/Cargo.toml" -- --check
cargo clippy --manifest-path "$here/Cargo.toml" -- -D warnings

if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
if ! "$py" -c 'import pytest, mypy' 2> /dev/null || [ ! -x "$venv/bin/maturin" ]; then
  "$py" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$py" -m pip install --quiet --disable-pip-version-check pytest mypy 'maturin>=1.9,<2'
fi

wheel="${QC_PY_WHEEL:-}"
if [ -z "$wheel" ]; then
  wheels="$base/python-wheel"
  rm -rf "$wheels"
  "$venv/bin/maturin" build --release --quiet \
    --manifest-path "$here/Cargo.toml" --out "$wheels"
  wheel="$(ls "$wheels"/intercom_qc-*.whl)"
fi
"$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"

cd "$here"
"$py" -c 'import intercom_qc; print("intercom_qc", intercom_qc.__version__, "from", intercom_qc.__file__)'
# The stubs agree with the module (stubtest imports the installed package).
"$py" -m mypy.stubtest intercom_qc --ignore-missing-stub
"$py" -m mypy --strict tests/typing_example.py
"$py" -m pytest -q -p no:cacheprovider tests
