#!/usr/bin/env bash
# Installs the MCP client of tests/mcp_official.rs: a virtual environment
# with the official MCP Python SDK and jsonschema, exactly as pinned in
# requirements.txt, at VENV (the first argument; default mcp-client/ under
# $CARGO_TARGET_DIR, else target/). Does nothing when the environment
# already holds those pins (a copy of requirements.txt is kept in it), so
# it is cheap to run before every test run: scripts/test does, and so does
# the test itself when the environment is missing. pip reaches only PyPI.
# PYTHON picks the interpreter (default python3; 3.10 or later, as the SDK
# needs). Prints the environment's python.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${1:-${CARGO_TARGET_DIR:-$root/target}/mcp-client}"
requirements="$here/requirements.txt"
mkdir -p "$(dirname "$venv")"

# One setup at a time (scripts/test and a test run may both ask).
if command -v flock > /dev/null; then
  exec 9> "$venv.lock"
  flock 9
fi

py="$venv/bin/python"
if [ -x "$py" ] && cmp -s "$requirements" "$venv/requirements.txt" \
  && "$py" -c 'import mcp, jsonschema' 2> /dev/null; then
  echo "$py"
  exit 0
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "error: the MCP Python SDK needs Python 3.10 or later; $python is $("$python" --version 2>&1)" >&2
  echo "help: set PYTHON to a newer interpreter" >&2
  exit 1
fi
rm -f "$venv/requirements.txt"
[ -x "$py" ] || "$python" -m venv "$venv"
"$py" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2
cp "$requirements" "$venv/requirements.txt"
echo "$py"
