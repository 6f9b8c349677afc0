// Browsers and bundlers: dist/browser.mjs needs `await init()` first, and a
// bundler resolves the package to it (Node's platform to node.cjs).
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, test } from "node:test";
import { build } from "esbuild";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const wasm = join(pkg, "dist", "qc_wasm_bg.wasm");
const tmp = mkdtempSync(join(tmpdir(), "intercom-qc-bundle-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("the browser entry needs init(), then works", async () => {
  const qc = await import(pathToFileURL(join(pkg, "dist", "browser.mjs")).href);
  assert.throws(() => qc.compile("state = open"), /`await init\(\)` first/);
  await qc.init(readFileSync(wasm));
  await qc.init(); // again: the same, ready
  assert.deepEqual(qc.compile("state = open"), { query: { field: "state", operator: "=", value: "open" } });
  assert.throws(() => qc.compile("stat = open"), qc.QueryError);
});

const ENTRY = `
import { init, compile, QueryError } from "intercom-qc";
export async function run(input) {
  await init(input);
  return compile("state = open AND read = false", { perPage: 5 });
}
export { QueryError };
`;

test("a bundler for the browser takes browser.mjs, and the bundle runs", async () => {
  const out = join(tmp, "web.mjs");
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: pkg, loader: "js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    outfile: out,
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.endsWith("dist/browser.mjs")), inputs.join(", "));
  assert.ok(!inputs.some((i) => i.includes("node.")), inputs.join(", "));
  assert.ok(!readFileSync(out, "utf8").includes("node:fs"));
  copyFileSync(wasm, join(tmp, "qc_wasm_bg.wasm"));
  const bundle = await import(pathToFileURL(out).href);
  const body = await bundle.run(readFileSync(join(tmp, "qc_wasm_bg.wasm")));
  assert.deepEqual(body.pagination, { per_page: 5 });
});

test("a bundler for Node takes node.cjs", async () => {
  const out = join(tmp, "server.cjs");
  const result = await build({
    stdin: { contents: 'module.exports = require("intercom-qc");', resolveDir: pkg, loader: "js" },
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile: out,
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.endsWith("dist/node.cjs")), inputs.join(", "));
});
