// Whether the WebAssembly module is instantiated: at once in Node, after
// `init()` in browsers.
export const state = { ready: false };
