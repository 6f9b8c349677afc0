// For the same inputs, the package gives what the `qc` command gives, over
// the fixture corpus (tests/fixtures/ok/*.qc and err/*.qc): request bodies
// and their warnings, plans, diagnostics (`qc check --format json`, their
// byte ranges turned into UTF-16 units with Buffer), rendered errors and
// warnings, validation and decompilation of the compiled bodies,
// formatting, `qc filter` over generated conversations, and the field
// tables.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import * as qc from "intercom-qc";
import { NOW, conversations, fixtures, inUtf16, qc as cli } from "../test-support/cli.mjs";

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

/** `qc check --format json` of a fixture, ranges in UTF-16 units. */
function cliCheck(path) {
  const out = cli(["check", "--format", "json", "--now", NOW, "-f", path]);
  assert.ok(out.status === 0 || out.status === 1, out.stderr);
  return inUtf16(JSON.parse(out.stdout), readFileSync(path, "utf8"));
}

/** The diagnostics a command printed with `--format json` on stderr, ranges in UTF-16 units of `text`. */
function printed(out, text) {
  const json = out.stderr.trim();
  return json ? inUtf16(JSON.parse(json), text) : [];
}

/** Calls `f(onWarning)`: its result, and the one QueryWarning it handed on (or null). */
function warned(f) {
  const seen = [];
  const value = f((w) => seen.push(w));
  assert.ok(seen.length <= 1, "one warning per call");
  return [value, seen[0] ?? null];
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
        const [body, warning] = warned((onWarning) => qc.compile(text, { now: NOW, onWarning }));
        assert.deepEqual(body, JSON.parse(out.stdout));
        // The warnings and notes, as the command prints them beside the body.
        const json = cli(["--now", NOW, "--format", "json", "-f", path]);
        assert.deepEqual(warning?.diagnostics ?? [], printed(json, text));
        assert.deepEqual(warning?.diagnostics ?? [], expected);
        if (human) assert.equal(warning?.message ?? "", human.stderr);
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
        const body = qc.compile(text, { now: NOW, perPage: 30, startingAfter: "WzE3MTcyMDAwMDBd", onWarning() {} });
        assert.deepEqual(body, JSON.parse(compiled.stdout));
      }
      const file = join(tmp, `body-${i}.json`);
      writeFileSync(file, compiled.stdout);
      const validated = cli(["validate", "--format", "json", file]);
      assert.equal(validated.status, 0);
      assert.deepEqual(qc.validate(compiled.stdout), inUtf16(JSON.parse(validated.stdout), compiled.stdout));
      for (const dates of ["rfc3339", "unix"]) {
        const out = cli(["decompile", "--dates", dates, "--color", "never", "-"], compiled.stdout);
        assert.equal(out.status, 0);
        const [decompiled, warning] = warned((onWarning) => qc.decompile(compiled.stdout, { dates, onWarning }));
        assert.equal(decompiled + "\n", out.stdout);
        // (The command's note that pagination is not part of the text is its own.)
        const shown = out.stderr.replace(/^note: pagination is not part of the query text[^\n]*\n/m, "");
        assert.equal(warning?.message ?? "", shown.replace(/─\[ stdin:/g, "─[ request:"));
        // As an object too, unless it holds integers a JavaScript number cannot.
        if (JSON.stringify(JSON.parse(compiled.stdout)) === compiled.stdout.trim()) {
          assert.equal(qc.decompile(JSON.parse(compiled.stdout), { dates, onWarning() {} }) + "\n", out.stdout);
        }
      }

      const bad = misspelt(compiled.stdout);
      const invalid = cli(["validate", "--format", "json", "-"], bad);
      assert.equal(invalid.status, 1);
      const expected = inUtf16(JSON.parse(invalid.stdout), bad);
      assert.deepEqual(qc.validate(bad), expected);
      const e = thrown(() => qc.decompile(bad));
      assert.ok(e instanceof qc.QueryError);
      assert.deepEqual(e.diagnostics, expected);
      const human = cli(["decompile", "--color", "never", "-"], bad);
      assert.equal(e.message, human.stderr.replace(/─\[ stdin:/g, "─[ request:"));
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
        assert.deepEqual(e.diagnostics, printed(cli(["fmt", "--format", "json", path]), text));
      }
    });
  }
});

describe("plan, as qc plan", () => {
  const outcomes = new Set();
  for (const path of ALL) {
    test(name(path), () => {
      const text = readFileSync(path, "utf8");
      const out = cli(["plan", "--now", NOW, "-f", path]);
      outcomes.add(out.status);
      const json = cli(["plan", "--now", NOW, "--format", "json", "-f", path]);
      if (out.status === 0) {
        const [bodies, warning] = warned((onWarning) => qc.plan(text, { now: NOW, onWarning }));
        assert.deepEqual(bodies, out.stdout.trimEnd().split("\n").map((line) => JSON.parse(line)));
        // After the warnings, a plan of several requests has a note.
        const several = /note: \d+ requests;[^\n]*\n$/;
        assert.equal(several.test(json.stderr), bodies.length > 1);
        assert.deepEqual(warning?.diagnostics ?? [], printed({ stderr: json.stderr.replace(several, "") }, text));
        if (!text.includes("\0")) {
          const human = cli(["plan", "--now", NOW, "--color", "never", "--", text]);
          assert.equal(warning?.message ?? "", human.stderr.replace(several, ""));
        }
      } else {
        assert.equal(out.status, 1, out.stderr);
        const e = thrown(() => qc.plan(text, { now: NOW }));
        assert.ok(e instanceof qc.QueryError, String(e));
        assert.deepEqual(e.diagnostics, printed(json, text));
      }
    });
  }
  test("the corpus has queries that plan and queries that do not", () => {
    assert.deepEqual([...outcomes].sort(), [0, 1]);
  });
});

describe("matches and filter, as qc filter", () => {
  const objects = conversations(300);
  const file = join(tmp, "conversations.jsonl");
  writeFileSync(file, objects.map((o) => JSON.stringify(o) + "\n").join(""));
  let some = 0;
  for (const path of fixtures("ok")) {
    const text = readFileSync(path, "utf8");
    if (text.includes("\0")) continue;
    test(name(path), () => {
      const out = cli(["filter", "--now", NOW, "--color", "never", "--", text, file]);
      assert.equal(out.status, 0, out.stderr);
      const [hits, warning] = warned((onWarning) => qc.filter(text, objects, { now: NOW, onWarning }));
      assert.deepEqual(hits.map((o) => JSON.stringify(o) + "\n").join(""), out.stdout);
      // The same objects, not copies.
      assert.ok(hits.every((o) => objects.includes(o)));
      // Warnings first, then the tally.
      const tally = new RegExp(`matched ${hits.length} of ${objects.length}[^\n]*\n$`);
      assert.match(out.stderr, tally);
      assert.equal(warning?.message ?? "", out.stderr.replace(tally, ""));
      if (hits.length > 0 && hits.length < objects.length) some += 1;
      for (const o of objects.slice(0, 25)) {
        assert.equal(qc.matches(text, o, { now: NOW, onWarning() {} }), hits.includes(o));
      }
    });
  }
  test("most queries match some conversations and not others", () => {
    assert.ok(some >= 40, String(some));
  });
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
      const checked = inUtf16(JSON.parse(cli(["check", "--format", "json", ...flags, "--", query]).stdout), query);
      for (const schema of [SCHEMA, JSON.stringify(SCHEMA), [SCHEMA], SCHEMA.data]) {
        assert.deepEqual(qc.check(query, { ...options, schema }), checked);
        if (out.status === 0) {
          assert.deepEqual(qc.compile(query, { ...options, schema, onWarning() {} }), JSON.parse(out.stdout));
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

// Each API version's own table and meaning: 2.16 contacts (`owner_id` a
// String, `formatted_phone`), the field a version lacks, Preview contacts
// (seconds in UTC, a real `<=`), Preview tickets (integer assignee ids),
// companies (Preview only) and conversations' `priority` terms in 2.16.
describe("API versions, as the qc command", () => {
  const cases = [
    ["contacts", "2.16", 'owner_id = 123 AND formatted_phone = "+1 555 0100"'],
    ["contacts", "2.15", "formatted_phone = x"],
    ["contacts", "Preview", "created_at > 2024-01-15 AND last_seen_at <= 2024-02-01T10:00:00Z AND email != x"],
    ["contacts", "Preview", "owner_id = 12 AND signed_up_at >= now-7d"],
    ["tickets", "Preview", "admin_assignee_id = 5 AND created_at > now-7d"],
    ["tickets", "2.10", "state = submitted AND created_at > 2024-05-01"],
    ["companies", "Preview", "name ~ acme AND user_count > 3 AND created_at < 2024-05-01"],
    ["conversations", "2.16", "priority = urgent AND statistics.count_reopens > 2"],
    ["conversations", "2.11", "priority = urgent"],
  ];
  const outcomes = new Set();
  for (const [target, apiVersion, query] of cases) {
    test(`${target} ${apiVersion}: ${query}`, () => {
      const flags = ["--now", NOW, "--target", target, "--api-version", apiVersion];
      const options = { now: NOW, target, apiVersion };
      const out = cli([...flags, "--", query]);
      outcomes.add(out.status);
      const checked = inUtf16(JSON.parse(cli(["check", "--format", "json", ...flags, "--", query]).stdout), query);
      assert.deepEqual(qc.check(query, options), checked);
      if (out.status === 0) {
        assert.deepEqual(qc.compile(query, { ...options, onWarning() {} }), JSON.parse(out.stdout));
      } else {
        assert.equal(out.status, 1, out.stderr);
        assert.deepEqual(thrown(() => qc.compile(query, options)).diagnostics, checked);
      }
      const listed = cli(["fields", "--format", "json", "--target", target, "--api-version", apiVersion]);
      assert.deepEqual(qc.fields({ target, apiVersion }), JSON.parse(listed.stdout));
    });
  }
  test("the version cases compile and fail", () => {
    assert.deepEqual([...outcomes].sort(), [0, 1]);
  });
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
          const [body, warning] = warned((onWarning) => qc.compile(query, { now: NOW, rewrite, onWarning }));
          assert.deepEqual(body, JSON.parse(out.stdout));
          assert.equal(warning?.message ?? "", out.stderr);
        } else {
          const e = thrown(() => qc.compile(query, { now: NOW, rewrite }));
          assert.equal(e.message, out.stderr);
        }
      });
    }
  }
});
