#!/usr/bin/env bash
# The size of the WebAssembly module as the npm package ships it, raw and
# gzipped (`gzip -9`), against the targets, and where its bytes go, by
# crate (the README's Performance table and its byte table):
#
#   benches/wasm-size.sh          # builds the package first (npm run build)
#   NO_BUILD=1 benches/wasm-size.sh   # measures bindings/js/dist as it is
#
# The byte table comes from the same module built with its function names
# kept (QC_WASM_NAMES, bindings/js/build.mjs: the same crate build, the same
# wasm-bindgen and wasm-opt passes, plus -g), read by twiggy (installed with
# cargo when missing), binaryen's wasm-dis (the package's devDependency)
# and benches/wasm_bytes.py. Keeping the names changes wasm-opt's choices a
# little (0.2%), so its total differs slightly from the shipped size.
# Needs what bindings/js/test.sh needs (web/setup.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
js=bindings/js
target=450000
target_gz=200000

[ -d "$js/node_modules" ] || (cd "$js" && npm ci --no-audit --no-fund)
if [ -z "${NO_BUILD:-}" ]; then
  (cd "$js" && npm run --silent build)
fi
module=$js/dist/qc_wasm_bg.wasm
[ -s "$module" ] || { echo "wasm-size: $module is missing: run without NO_BUILD" >&2; exit 1; }
raw=$(wc -c <"$module")
gz=$(gzip -9c "$module" | wc -c)
echo "module: $module"
echo "raw:     $(printf "%'d" "$raw") bytes (target $(printf "%'d" "$target"))"
echo "gzipped: $(printf "%'d" "$gz") bytes (target $(printf "%'d" "$target_gz"))"

command -v twiggy >/dev/null || cargo install twiggy --locked --quiet
named=$(mktemp -d)
trap 'rm -rf "$named"' EXIT
QC_WASM_NAMES="$named" node "$js/build.mjs" >/dev/null
"$js/node_modules/.bin/wasm-dis" "$named/qc_wasm_bg.wasm" -o "$named/module.wat"
twiggy top -n 1000000 -f csv "$named/qc_wasm_bg.wasm" >"$named/top.csv"
echo
echo "where the bytes go (the module with its names kept: $(printf "%'d" "$(wc -c <"$named/qc_wasm_bg.wasm")") bytes, the name section included):"
python3 benches/wasm_bytes.py "$named/qc_wasm_bg.wasm" "$named/module.wat" "$named/top.csv" "${ROWS:-16}"
