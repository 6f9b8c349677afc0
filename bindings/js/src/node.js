// Node's entry (bundled into dist/node.cjs): instantiates the WebAssembly
// module synchronously from the file beside the bundle, so that every
// function works as soon as the package is loaded.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "../pkg/qc_wasm.js";
import { state } from "./state.js";

initSync({ module: readFileSync(join(__dirname, "qc_wasm_bg.wasm")) });
state.ready = true;

/** Resolves at once: in Node the module is ready when the package loads. */
export function init() {
  return Promise.resolve();
}

export * from "./api.js";
