#!/usr/bin/env bash
# Installs what building and testing the playground and the intercom-qc npm
# package need, skipping what is already there: Debian's Chromium, the wasm32
# target, wasm-bindgen-cli at exactly the version crates/qc-wasm locks, and
# bindings/js/node_modules and web/node_modules (npm ci).
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
lock="$web/../crates/qc-wasm/Cargo.lock"

if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi

rustup target add wasm32-unknown-unknown

version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$lock")"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
  # --locked first; without it when a locked dependency is missing from the
  # registry's index (seen here with webpki-roots).
  cargo install wasm-bindgen-cli --version "$version" --locked ||
    cargo install wasm-bindgen-cli --version "$version"
fi

(cd "$web/../bindings/js" && npm ci --no-audit --no-fund)
cd "$web"
npm ci --no-audit --no-fund
