// Bundles the playground into dist/: index.html, main.js, main.css and the
// WebAssembly module of the intercom-qc package (bindings/js, built first),
// with no reference to anything outside dist/.
import { build } from "esbuild";
import { copyFile, mkdir, rm, stat } from "node:fs/promises";

const here = new URL(".", import.meta.url);
const dist = new URL("dist/", here);

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: { main: new URL("src/main.js", here).pathname },
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  outdir: dist.pathname,
  logLevel: "warning",
});
await copyFile(new URL("index.html", here), new URL("index.html", dist));
await copyFile(
  new URL("node_modules/intercom-qc/dist/qc_wasm_bg.wasm", here),
  new URL("qc_wasm_bg.wasm", dist),
);

for (const file of ["index.html", "main.js", "main.css", "qc_wasm_bg.wasm"]) {
  const { size } = await stat(new URL(file, dist));
  console.log(`dist/${file.padEnd(16)} ${(size / 1024).toFixed(1).padStart(7)} KiB`);
}
