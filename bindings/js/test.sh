#!/usr/bin/env bash
# Tests the npm package: checks the WebAssembly crate (fmt, clippy for
# wasm32, native unit tests), builds the package (`npm run build`) and runs
# `node --test` (the API, require/import, the browser entry and a bundle,
# the TypeScript declarations, the README example, and parity with the `qc`
# command over the fixture corpus, using target/debug/qc, built when
# missing). Installs the npm dependencies when missing; needs the wasm32
# target and wasm-bindgen-cli (web/setup.sh installs them).
# The crate builds in qc-wasm/ under $CARGO_TARGET_DIR (default target/),
# as build.mjs's does: a directory of its own, as it is a workspace of its
# own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
manifest="$root/crates/qc-wasm/Cargo.toml"
wasm_target="${CARGO_TARGET_DIR:-$root/target}/qc-wasm"

cargo fmt --manifest-path "$manifest" -- --check
CARGO_TARGET_DIR="$wasm_target" cargo clippy --manifest-path "$manifest" --target wasm32-unknown-unknown -- -D warnings
CARGO_TARGET_DIR="$wasm_target" cargo test --manifest-path "$manifest"

cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build
node --test
