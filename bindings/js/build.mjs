// Builds the package into dist/ (`npm run build`):
//
// 1. the WebAssembly crate, crates/qc-wasm (release, wasm32-unknown-unknown);
// 2. its bindings with wasm-bindgen (--target web) into pkg/;
// 3. wasm-opt -Oz --converge (binaryen, a devDependency) on the module;
// 4. esbuild: dist/node.cjs (Node, loads the module synchronously on first
//    require), dist/browser.mjs (browsers and bundlers: `await init()`
//    first), and dist/node.mjs, the ESM face of node.cjs, so that `import`
//    and `require` share one instance; the TypeScript declarations.
//
// Needs cargo with the wasm32-unknown-unknown target and wasm-bindgen-cli at
// the version crates/qc-wasm locks (web/setup.sh installs both); when one is
// missing the build stops before compiling, with the command that installs
// it. QC_SKIP_CARGO=1 reuses the last pkg/ (for quick JavaScript-only
// rebuilds). QC_WASM_NAMES=DIR builds the same module with its function
// names kept (wasm-bindgen --keep-debug, wasm-opt -g) into DIR and stops
// there, for benches/wasm-size.sh to say where the bytes go.
import { spawnSync } from "node:child_process";
import { copyFile, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const crate = join(root, "crates", "qc-wasm");
/** A module with its names, for measuring only: it is not packaged. */
const named = process.env.QC_WASM_NAMES;
const pkg = named ?? join(here, "pkg");
const dist = join(here, "dist");
// qc-wasm/ under $CARGO_TARGET_DIR (default the root's target/), so that a
// cache of it covers this build too; a directory of its own, as the crate is
// a workspace of its own (bindings/js/test.sh builds there too).
const targetDir = join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "qc-wasm");

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error) {
    throw new Error(`cannot run ${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed with status ${result.status}`);
  }
}

async function lockedWasmBindgen() {
  const lock = await readFile(join(crate, "Cargo.lock"), "utf8");
  const m = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/);
  return m ? m[1] : null;
}

/**
 * The environment of the crate's build: the caller's rustflags, plus
 * `--remap-path-prefix` for the repository and the crates.io sources, so
 * that the paths in the module's panic locations are short and the same on
 * every machine (`crates/jiff-1.0.2/src/...`, not the builder's home).
 * Passed as CARGO_ENCODED_RUSTFLAGS (one flag per field), which holds
 * paths with spaces and, when set, is what cargo reads instead of RUSTFLAGS.
 */
function buildEnv() {
  const flags = process.env.CARGO_ENCODED_RUSTFLAGS
    ? process.env.CARGO_ENCODED_RUSTFLAGS.split("\x1f")
    : (process.env.RUSTFLAGS ?? "").split(/\s+/).filter(Boolean);
  flags.push(`--remap-path-prefix=${root}=qc`);
  const registry = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "registry", "src");
  if (existsSync(registry)) {
    for (const index of readdirSync(registry)) {
      flags.push(`--remap-path-prefix=${join(registry, index)}=crates`);
    }
  }
  const env = { ...process.env, CARGO_TARGET_DIR: targetDir, CARGO_ENCODED_RUSTFLAGS: flags.join("\x1f") };
  delete env.RUSTFLAGS;
  return env;
}

/** Stops the build with one message, no stack trace. */
function stop(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** What the build needs and is missing, checked before anything is compiled. */
async function checkTools() {
  const setup = "web/setup.sh installs everything the build needs";
  const rustc = spawnSync("rustc", ["--print", "sysroot"], { encoding: "utf8" });
  const cargo = spawnSync("cargo", ["--version"], { encoding: "utf8" });
  if (rustc.error || rustc.status !== 0 || cargo.error || cargo.status !== 0) {
    stop(`building the package needs Rust (cargo and rustc, e.g. installed with rustup); ${setup} once Rust is there`);
  }
  const sysroot = rustc.stdout.trim();
  if (!existsSync(join(sysroot, "lib", "rustlib", "wasm32-unknown-unknown", "lib"))) {
    stop(`the wasm32-unknown-unknown target of Rust is missing: run \`rustup target add wasm32-unknown-unknown\` (${setup})`);
  }
  const want = await lockedWasmBindgen();
  const have = spawnSync("wasm-bindgen", ["--version"], { encoding: "utf8" });
  if (have.error || have.stdout.trim() !== `wasm-bindgen ${want}`) {
    const found = have.error ? "none is installed" : `found ${have.stdout.trim()}`;
    stop(`wasm-bindgen ${want} is needed (${found}): run \`cargo install wasm-bindgen-cli --version ${want} --locked\` (${setup})`);
  }
}

if (!process.env.QC_SKIP_CARGO) {
  await checkTools();
  run("cargo", [
    "build",
    "--manifest-path",
    join(crate, "Cargo.toml"),
    "--release",
    "--target",
    "wasm32-unknown-unknown",
  ], { env: buildEnv() });

  if (!named) {
    await rm(pkg, { recursive: true, force: true });
  }
  run("wasm-bindgen", [
    "--target",
    "web",
    "--no-typescript",
    ...(named ? ["--keep-debug"] : []),
    "--out-dir",
    pkg,
    join(targetDir, "wasm32-unknown-unknown", "release", "qc_wasm.wasm"),
  ]);

  const wasmOpt = join(here, "node_modules", ".bin", "wasm-opt");
  if (existsSync(wasmOpt)) {
    const module = join(pkg, "qc_wasm_bg.wasm");
    // --converge repeats -Oz while it still shrinks the module; the
    // debug and producers sections are not needed at run time.
    // --low-memory-unused folds `load(p + c)`, c under 1,024, into the
    // load's offset (5 KB): the two differ only when p + c wraps past
    // 4 GiB into the first kilobyte, which no Rust pointer does.
    run(wasmOpt, [
      "-Oz",
      "--converge",
      "--low-memory-unused",
      named ? "-g" : "--strip-debug",
      "--strip-producers",
      "--enable-bulk-memory",
      "--enable-nontrapping-float-to-int",
      "--enable-sign-ext",
      "--enable-mutable-globals",
      "--enable-reference-types",
      "--enable-multivalue",
      module,
      "-o",
      module,
    ]);
  } else {
    console.warn("wasm-opt not found (npm install first): the module is not optimised");
  }
}
if (named) {
  process.exit(0);
}

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const common = {
  bundle: true,
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: [join(here, "src", "node.js")],
  outfile: join(dist, "node.cjs"),
  platform: "node",
  format: "cjs",
  // The bindings' default module URL (import.meta.url) is never used in
  // Node: the module is read from beside node.cjs.
  logOverride: { "empty-import-meta": "silent" },
});
await build({
  ...common,
  entryPoints: [join(here, "src", "browser.js")],
  outfile: join(dist, "browser.mjs"),
  platform: "neutral",
  format: "esm",
});
await copyFile(join(here, "src", "node.mjs"), join(dist, "node.mjs"));
await copyFile(join(pkg, "qc_wasm_bg.wasm"), join(dist, "qc_wasm_bg.wasm"));
const types = await readFile(join(here, "src", "index.d.ts"), "utf8");
await writeFile(join(dist, "index.d.ts"), types);
await writeFile(join(dist, "index.d.mts"), types);

for (const file of ["node.cjs", "node.mjs", "browser.mjs", "qc_wasm_bg.wasm"]) {
  const { size } = await stat(join(dist, file));
  console.log(`dist/${file.padEnd(16)} ${(size / 1024).toFixed(1).padStart(7)} KiB`);
}
