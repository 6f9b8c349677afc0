// For the same inputs, the package gives what the `qc` command gives, over
// the fixture corpus (tests/fixtures/ok/*.qc and err/*.qc): request bodies,
// diagnostics (`qc check --format json`), rendered errors, validation and
// decompilation of the compiled bodies, formatting, and the field tables.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import * as qc from "intercom-qc";
import { NOW, fixtures, qc as cli } from "../test-support/cli.mjs";

const ALL = [...fixtures("ok"), ...fixtures("err")];
const name = (path) => `${basename(dirname(path))}/${basename(path, ".qc")}`;
const tmp = mkdtempSync(join(tmpdir(), "intercom-qc-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("expected an exception");
}

function cliCheck(path) {
  const out = cli(["check", "--format", "json", "--now", NOW, "-f", path]);
  assert.ok(out.status === 0 || out.status === 1, out.stderr);
  return JSON.parse(out.stdout);
}

/** The JSON with its first field name misspelt (one letter dropped). */
function misspelt(json) {
  const text = JSON.stringify(JSON.parse(json));
  const at = text.indexOf('"field":"') + '"field":"'.length;
  return text.slice(0, at) + text.slice(at + 1);
}

describe("compile and check, as the qc command", () => {
  const outcomes = new Set();
  for (const path of ALL) {
    test(name(path), () => {
      const text = readFileSync(path, "utf8");
      const out = cli(["--now", NOW, "-f", path]);
      outcomes.add(out.status);
      const expected = cliCheck(path);
      assert.deepEqual(qc.check(text, { now: NOW }), expected);
      const human = text.includes("\0") ? null : cli(["--now", NOW, "--color", "never", "--", text]);
      if (out.status === 0) {
        assert.deepEqual(qc.compile(text, { now: NOW }), JSON.parse(out.stdout));
      } else {
        assert.equal(out.status, 1, out.stderr);
        assert.ok(expected.some((d) => d.severity === "error"));
        const e = thrown(() => qc.compile(text, { now: NOW }));
        assert.ok(e instanceof qc.QueryError, String(e));
        assert.deepEqual(e.diagnostics, expected);
        if (human) assert.equal(e.message, human.stderr);
      }
    });
  }
  test("the corpus has queries that compile and queries that do not", () => {
    assert.deepEqual([...outcomes].sort(), [0, 1]);
  });
});

describe("validate and decompile the compiled bodies, as the qc command", () => {
  ALL.forEach((path, i) => {
    test(name(path), (t) => {
      const extra = i % 5 === 0 ? ["--per-page", "30", "--starting-after", "WzE3MTcyMDAwMDBd"] : [];
      const compiled = cli(["--now", NOW, "-f", path, ...extra]);
      if (compiled.status !== 0) return t.skip("the query does not compile");
      const text = readFileSync(path, "utf8");
      if (extra.length) {
        const body = qc.compile(text, { now: NOW, perPage: 30, startingAfter: "WzE3MTcyMDAwMDBd" });
        assert.deepEqual(body, JSON.parse(compiled.stdout));
      }
      const file = join(tmp, `body-${i}.json`);
      writeFileSync(file, compiled.stdout);
      const validated = cli(["validate", "--format", "json", file]);
      assert.equal(validated.status, 0);
      assert.deepEqual(qc.validate(compiled.stdout), JSON.parse(validated.stdout));
      for (const dates of ["rfc3339", "unix"]) {
        const out = cli(["decompile", "--dates", dates, file]);
        assert.equal(out.status, 0);
        assert.equal(qc.decompile(compiled.stdout, { dates }) + "\n", out.stdout);
        // As an object too, unless it holds integers a JavaScript number cannot.
        if (JSON.stringify(JSON.parse(compiled.stdout)) === compiled.stdout.trim()) {
          assert.equal(qc.decompile(JSON.parse(compiled.stdout), { dates }) + "\n", out.stdout);
        }
      }

      const bad = misspelt(compiled.stdout);
      const invalid = cli(["validate", "--format", "json", "-"], bad);
      assert.equal(invalid.status, 1);
      const expected = JSON.parse(invalid.stdout);
      assert.deepEqual(qc.validate(bad), expected);
      const e = thrown(() => qc.decompile(bad));
      assert.ok(e instanceof qc.QueryError);
      assert.deepEqual(e.diagnostics, expected);
      const human = cli(["decompile", "--color", "never", "-"], bad);
      assert.equal(e.message, human.stderr.replace("─[ stdin:", "─[ request:"));
    });
  });
});

describe("format, as qc fmt", () => {
  for (const path of ALL) {
    test(name(path), () => {
      const text = readFileSync(path, "utf8");
      const out = cli(["fmt", path]);
      if (out.status === 0) {
        assert.equal(qc.format(text) + "\n", out.stdout);
        assert.equal(qc.format(text, { width: 30 }) + "\n", cli(["fmt", "--width", "30", path]).stdout);
      } else {
        assert.equal(out.status, 1);
        const e = thrown(() => qc.format(text));
        assert.ok(e instanceof qc.QueryError);
        assert.deepEqual(e.diagnostics, JSON.parse(cli(["fmt", "--format", "json", path]).stderr));
      }
    });
  }
});

const SCHEMA = {
  type: "list",
  data: [
    { type: "data_attribute", model: "contact", full_name: "custom_attributes.plan", data_type: "string", options: ["free", "pro"] },
    { type: "data_attribute", model: "conversation", full_name: "custom_attributes.score", data_type: "integer" },
  ],
};

describe("targets, time zones and workspace schemas, as the qc command", () => {
  const schemaFile = join(tmp, "attributes.json");
  writeFileSync(schemaFile, JSON.stringify(SCHEMA));
  const cases = [
    ["contacts", "Europe/Paris", "custom_attributes.plan = pro AND created_at = 2024-01-15"],
    ["contacts", "America/New_York", "last_seen_at > now-2d AND role = lead"],
    ["contacts", null, "custom_attributes.plan = prp"],
    ["conversations", "Asia/Tokyo", "custom_attributes.score >= 3 AND created_at < 2024-05-01"],
    ["conversations", null, "custom_attributes.scor = 3"],
    ["tickets", "UTC", "state = submitted"],
  ];
  for (const [target, zone, query] of cases) {
    test(`${target} ${zone ?? "UTC"}: ${query}`, () => {
      const flags = ["--now", NOW, "--target", target, "--schema", schemaFile];
      const options = { now: NOW, target };
      if (zone) {
        flags.push("--timezone", zone);
        options.timezone = zone;
      }
      const out = cli([...flags, "--", query]);
      const checked = JSON.parse(cli(["check", "--format", "json", ...flags, "--", query]).stdout);
      for (const schema of [SCHEMA, JSON.stringify(SCHEMA), [SCHEMA], SCHEMA.data]) {
        assert.deepEqual(qc.check(query, { ...options, schema }), checked);
        if (out.status === 0) {
          assert.deepEqual(qc.compile(query, { ...options, schema }), JSON.parse(out.stdout));
        } else {
          const e = thrown(() => qc.compile(query, { ...options, schema }));
          assert.deepEqual(e.diagnostics, checked);
        }
      }
      const listed = cli(["fields", "--format", "json", "--target", target, "--schema", schemaFile]);
      assert.deepEqual(qc.fields({ target, schema: SCHEMA }), JSON.parse(listed.stdout));
    });
  }
  for (const target of ["conversations", "contacts", "tickets"]) {
    test(`the fields of ${target}`, () => {
      const out = cli(["fields", "--format", "json", "--target", target]);
      assert.deepEqual(qc.fields({ target }), JSON.parse(out.stdout));
    });
  }
});

describe("queries over the API's limits, as the qc command", () => {
  const queries = {
    fold: Array.from({ length: 20 }, (_, i) => `tag_ids = ${i}`).join(" OR "),
    nest: Array.from({ length: 20 }, (_, i) => `(state = open OR statistics.count_reopens > ${i})`).join(" AND "),
  };
  for (const [label, query] of Object.entries(queries)) {
    for (const rewrite of [true, false]) {
      test(`${label}, rewrite: ${rewrite}`, () => {
        const flags = ["--now", NOW, ...(rewrite ? [] : ["--no-rewrite"])];
        const out = cli([...flags, "--", query]);
        const checked = JSON.parse(cli(["check", "--format", "json", ...flags, "--", query]).stdout);
        assert.deepEqual(qc.check(query, { now: NOW, rewrite }), checked);
        if (out.status === 0) {
          assert.deepEqual(qc.compile(query, { now: NOW, rewrite }), JSON.parse(out.stdout));
        } else {
          const e = thrown(() => qc.compile(query, { now: NOW, rewrite }));
          assert.equal(e.message, out.stderr);
        }
      });
    }
  }
});
