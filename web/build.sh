#!/usr/bin/env bash
# Builds the playground into web/dist: the WebAssembly module (release,
# optimised for size), its JavaScript bindings, and the bundled page.
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli at the version
# crates/qc-wasm pins, and `npm ci` in web/ (run here when node_modules is missing).
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
crate="$web/../crates/qc-wasm"
# Under the root's target/ so that a cache of target/ covers it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$web/../target/qc-wasm}"

cargo build --manifest-path "$crate/Cargo.toml" --release --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --out-dir "$web/pkg" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/qc_wasm.wasm"

cd "$web"
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ -x node_modules/.bin/wasm-opt ]; then
  node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    pkg/qc_wasm_bg.wasm -o pkg/qc_wasm_bg.wasm
fi
node build.mjs
