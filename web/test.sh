#!/usr/bin/env bash
# Builds the playground over the intercom-qc package and runs the browser
# test in headless Chromium. Run web/setup.sh first on a fresh machine; the
# package's own checks and tests are bindings/js/test.sh (scripts/test runs
# it first, and this script then reuses its build: QC_SKIP_PACKAGE=1).
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"

"$web/build.sh"

# The budget of the module: the bundled time zone database (jiff's
# tzdb-bundle-always, for `--timezone`) is most of it.
size="$(stat -c %s "$web/dist/qc_wasm_bg.wasm")"
echo "qc_wasm_bg.wasm: $size bytes"
if [ "$size" -ge 1000000 ]; then
  echo "error: the .wasm is over 1 MB (1000000 bytes)" >&2
  exit 1
fi

node "$web/test/browser.mjs"
