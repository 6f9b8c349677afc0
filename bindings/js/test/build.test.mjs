// `npm run build` without what it needs: it stops before compiling, with
// one sentence that names the command installing what is missing (never
// a compiler error such as E0463, never a stack trace). The tools are
// stand-ins on a PATH of their own.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const build = join(here, "..", "build.mjs");

/** Runs build.mjs with PATH = a directory holding these shell scripts. */
function buildWith(tools) {
  const dir = mkdtempSync(join(tmpdir(), "qc-build-"));
  try {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    for (const [name, script] of Object.entries(tools(dir))) {
      writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    const env = { ...process.env, PATH: bin };
    delete env.QC_SKIP_CARGO;
    return spawnSync(process.execPath, [build], { env, encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertStopped(result, pattern) {
  assert.equal(result.status, 1, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], pattern);
  assert.match(lines[0], /web\/setup\.sh/);
  assert.doesNotMatch(result.stderr, /E0463|can't find crate|\n\s+at /);
}

test("without Rust, the build says so", () => {
  assertStopped(buildWith(() => ({})), /needs Rust \(cargo and rustc/);
});

test("without the wasm32 target, the build names the command that adds it", () => {
  const result = buildWith((dir) => ({
    rustc: `echo ${dir}/sysroot`,
    cargo: "echo cargo 1.95.0",
  }));
  assertStopped(result, /`rustup target add wasm32-unknown-unknown`/);
});

test("without the locked wasm-bindgen, the build names the command that installs it", () => {
  for (const found of [null, "echo wasm-bindgen 0.1.0"]) {
    const result = buildWith((dir) => {
      mkdirSync(join(dir, "sysroot", "lib", "rustlib", "wasm32-unknown-unknown", "lib"), { recursive: true });
      const tools = { rustc: `echo ${dir}/sysroot`, cargo: "echo cargo 1.95.0" };
      if (found) tools["wasm-bindgen"] = found;
      return tools;
    });
    assertStopped(result, /wasm-bindgen \d+\.\d+\.\d+ is needed .*`cargo install wasm-bindgen-cli --version \d+\.\d+\.\d+ --locked`/);
    assert.match(result.stderr, found ? /found wasm-bindgen 0\.1\.0/ : /none is installed/);
  }
});
