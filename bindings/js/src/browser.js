// The entry for browsers and bundlers (dist/browser.mjs): the WebAssembly
// module is fetched and compiled by `await init()`, which every other
// function needs first.
import initWasm from "../pkg/qc_wasm.js";
import { state } from "./state.js";

let loading;

/**
 * Loads the WebAssembly module: from `input` (a URL, a `Response`, bytes or
 * a `WebAssembly.Module`), or by default from `qc_wasm_bg.wasm` beside
 * this file. Resolves when the package is ready; later calls return the
 * same promise.
 */
export function init(input) {
  if (state.ready) return Promise.resolve();
  loading ??= initWasm(input === undefined ? undefined : { module_or_path: input }).then(
    () => {
      state.ready = true;
    },
    (e) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

export * from "./api.js";
