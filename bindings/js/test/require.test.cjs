// `require` works, from the package and from the repository root, and gives
// the same instance as `import`.
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const { join } = require("node:path");
const { test } = require("node:test");

const root = join(__dirname, "..", "..", "..");

test("require gives the API", () => {
  const qc = require("intercom-qc");
  assert.deepEqual(qc.compile("state = open"), { query: { field: "state", operator: "=", value: "open" } });
  assert.throws(() => qc.compile("stat = open"), qc.QueryError);
});

test("import and require share one instance", async () => {
  const esm = await import("intercom-qc");
  const cjs = require("intercom-qc");
  assert.equal(esm.QueryError, cjs.QueryError);
  assert.equal(esm.QueryWarning, cjs.QueryWarning);
  assert.equal(esm.filter, cjs.filter);
  assert.equal(esm.compile, cjs.compile);
});

test("node -e \"require('./bindings/js')\" works from the repository root", () => {
  const out = execFileSync(
    process.execPath,
    ["-e", "const qc = require('./bindings/js'); console.log(JSON.stringify(qc.compile('read = true')))"],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(out.trim(), '{"query":{"field":"read","operator":"=","value":true}}');
});

test("import from the repository root works too", () => {
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", "import { format } from './bindings/js/dist/node.mjs'; console.log(format('read=true'))"],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(out.trim(), "read = true");
});
