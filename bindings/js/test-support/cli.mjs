// Shared by the tests: the repository's paths and the `qc` command line,
// which the package's outputs are compared with.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const FIXTURES = join(ROOT, "tests", "fixtures");
/** "Now" of the fixture snapshots (tests/snapshots.rs). */
export const NOW = "2024-06-01T00:00:00Z";

let binary;

/** The `qc` binary: $QC_BIN, or target/debug/qc (built when missing). */
export function qcBinary() {
  if (binary) return binary;
  if (process.env.QC_BIN) return (binary = process.env.QC_BIN);
  binary = join(ROOT, "target", "debug", "qc");
  if (!existsSync(binary)) {
    const built = spawnSync("cargo", ["build", "--quiet", "--bin", "qc"], { cwd: ROOT, stdio: "inherit" });
    if (built.status !== 0) throw new Error("cannot build the qc binary");
  }
  return binary;
}

/** Runs `qc` from the repository root without colour: {status, stdout, stderr}. */
export function qc(args, input) {
  const out = spawnSync(qcBinary(), args, {
    cwd: ROOT,
    input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 64 << 20,
  });
  if (out.error) throw out.error;
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** The fixture files of `kind` (`ok` or `err`), sorted. */
export function fixtures(kind) {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".qc"))
    .sort()
    .map((f) => join(dir, f));
}
