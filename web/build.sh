#!/usr/bin/env bash
# Builds the playground into web/dist: the intercom-qc npm package
# (bindings/js: the WebAssembly module, optimised for size, and its
# bindings; the playground uses it as its one set of wasm bindings) and the
# bundled page.
# Needs: the wasm32-unknown-unknown target and wasm-bindgen-cli at the
# version crates/qc-wasm pins (web/setup.sh); `npm ci` is run in
# bindings/js and web/ when their node_modules are missing.
# QC_SKIP_PACKAGE=1 takes bindings/js/dist as it is (already built).
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
package="$web/../bindings/js"

if [ -z "${QC_SKIP_PACKAGE:-}" ]; then
  (cd "$package" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
fi

cd "$web"
[ -d node_modules/intercom-qc ] || npm ci --no-audit --no-fund
node build.mjs
