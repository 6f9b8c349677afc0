// The README's JavaScript example runs, and prints what its comments say.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../test-support/cli.mjs";

function section() {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const m = readme.match(/^## JavaScript\n([\s\S]*?)(?=^## )/m);
  assert.ok(m, "README.md has a `## JavaScript` section");
  return m[1];
}

test("the install and build commands are given", () => {
  assert.match(section(), /npm install && npm run build/);
});

test("the example runs and prints what it says", () => {
  const m = section().match(/^```js\n([\s\S]*?)^```/m);
  assert.ok(m, "the JavaScript section has a ```js block");
  const code = m[1];
  // Short: the section's prose says the rest.
  assert.ok(code.split("\n").filter((l) => l.trim()).length <= 10);
  const expected = [...code.matchAll(/^console\.log\(.*\);\s*\/\/ ?(.*)$/gm)].map((x) => x[1]);
  assert.ok(expected.length > 0);
  // Inside the package, so that "intercom-qc" resolves to itself.
  const file = join(ROOT, "bindings", "js", "test-support", `.readme-${process.pid}.mjs`);
  writeFileSync(file, code);
  try {
    const out = execFileSync(process.execPath, [file], { encoding: "utf8" });
    assert.deepEqual(out.trimEnd().split("\n"), expected);
  } finally {
    rmSync(file, { force: true });
  }
});
