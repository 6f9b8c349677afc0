#!/usr/bin/env bash
# Builds the playground over the intercom-qc package and runs the browser
# test in headless Chromium. Run web/setup.sh first on a fresh machine; the
# package's own checks and tests are bindings/js/test.sh (scripts/test runs
# it first, and this script then reuses its build: QC_SKIP_PACKAGE=1).
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"

"$web/build.sh"

# The budget of the module: 880,000 bytes, 1.2% over what it measures
# (869,685, 377,825 gzipped), so that growth shows. It was 905,851 with
# ORDER BY and the API versions list, before the formatter's comments left
# their BTreeMap, talc replaced dlmalloc, the field tables shared their rows
# across versions, one function sorted diagnostics, and wasm-opt got
# --low-memory-unused (878,564 with the normal-form search of the optimiser;
# 839,955 before it, with the field tables of every API version from 2.7 to
# Preview; 725,461 before those; 652,831 while the options crossed as plain
# arguments). Issue 24 asks for 450,000 and 200,000 gzipped: README,
# "Performance", has where the bytes go and why that is not reached
# (qc's own code and tables are 367 KB of it, jiff 150 KB, Rust's core,
# alloc and std 198 KB).
budget=880000
size="$(stat -c %s "$web/dist/qc_wasm_bg.wasm")"
echo "qc_wasm_bg.wasm: $size bytes"
if [ "$size" -ge "$budget" ]; then
  echo "error: the .wasm is over its budget of $budget bytes" >&2
  exit 1
fi

node "$web/test/browser.mjs"
