#!/usr/bin/env bash
# Builds the playground over the intercom-qc package and runs the browser
# test in headless Chromium. Run web/setup.sh first on a fresh machine; the
# package's own checks and tests are bindings/js/test.sh (scripts/test runs
# it first, and this script then reuses its build: QC_SKIP_PACKAGE=1).
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"

"$web/build.sh"

# The budget of the module: 920,000 bytes (905,737 when last measured, with
# ORDER BY and the API versions list; 878,564 with the normal-form search of
# the optimiser; 839,955 before it, with
# the field tables of every API version from 2.7 to Preview, the MCP-era
# library and the edge rules; 725,461 before those; 660,000 while the options
# crossed as plain arguments, 652,831 bytes). Issue 24 asks for 450,000: the
# per-version tables are the first place to look (they are generated, and
# versions that share a table share it already).
# Without the `tzdb` feature, time zones come from a table of each zone's
# current rule (src/schema/zones_table.rs, text) instead of the whole IANA
# database. The options cross as JSON text that the library's Settings
# reads (serde_json's parser and serde_path_to_error), and objects cross as
# JSON text for `matches`/`filter` (the same parser). The rest is qc
# itself, jiff (its parsers and error messages), core's formatting and the
# bindings (README, "Performance").
budget=920000
size="$(stat -c %s "$web/dist/qc_wasm_bg.wasm")"
echo "qc_wasm_bg.wasm: $size bytes"
if [ "$size" -ge "$budget" ]; then
  echo "error: the .wasm is over its budget of $budget bytes" >&2
  exit 1
fi

node "$web/test/browser.mjs"
