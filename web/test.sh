#!/usr/bin/env bash
# Checks the WebAssembly crate (fmt, clippy for wasm32, native unit tests),
# builds the playground and runs the browser test in headless Chromium.
# Run web/setup.sh first on a fresh machine.
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
manifest="$web/../crates/qc-wasm/Cargo.toml"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$web/../target/qc-wasm}"

cargo fmt --manifest-path "$manifest" -- --check
cargo clippy --manifest-path "$manifest" --target wasm32-unknown-unknown -- -D warnings
cargo test --manifest-path "$manifest"
"$web/build.sh"

size="$(stat -c %s "$web/dist/qc_wasm_bg.wasm")"
echo "qc_wasm_bg.wasm: $size bytes"
# The bound keeps the module from growing unnoticed; most of it is the
# bundled time-zone database (see the README's performance section).
if [ "$size" -ge 1000000 ]; then
  echo "error: the .wasm is over 1 MB (1000000 bytes)" >&2
  exit 1
fi

node "$web/test/browser.mjs"
