#!/usr/bin/env bash
# Tests the Python package: checks its crate (fmt, clippy), installs it with pip, as a user would
# (`pip install ./bindings/python`: maturin builds the abi3 wheel), into a
# virtual environment under target/ that also holds pytest, then runs its
# tests (the API, offsets in code points, the GIL, and parity with the `qc`
# command over the fixture corpus; they use $QC_BIN or target/debug/qc,
# built when missing) and type-checks the stubs against the module.
# PYTHON picks the interpreter (default python3); the venv is created when
# missing, and pip reaches only PyPI (maturin, pytest, mypy).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${QC_PY_VENV:-$root/target/py}"
# One cargo cache for every build of the extension.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/python}"

cargo fmt --manifest-path "$here/Cargo.toml" -- --check
cargo clippy --manifest-path "$here/Cargo.toml" -- -D warnings

if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$py" -m pip install --quiet --disable-pip-version-check pytest mypy
"$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$here"

cd "$here"
"$py" -c 'import intercom_qc; print("intercom_qc", intercom_qc.__version__, "from", intercom_qc.__file__)'
# The stubs agree with the module (stubtest imports the installed package).
"$py" -m mypy.stubtest intercom_qc --ignore-missing-stub
"$py" -m mypy --strict tests/typing_example.py
"$py" -m pytest -q -p no:cacheprovider tests
