// The package's API: arguments, errors and options.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as qc from "intercom-qc";

const NOW = 1_717_200_000; // 2024-06-01T00:00:00Z

test("compile returns the body as an object", () => {
  assert.deepEqual(qc.compile("state = open AND read = false AND conversation_rating.score IN [4, 5]"), {
    query: {
      operator: "AND",
      value: [
        { field: "state", operator: "=", value: "open" },
        { field: "read", operator: "=", value: false },
        { field: "conversation_rating.score", operator: "IN", value: [4, 5] },
      ],
    },
  });
});

test("now as seconds, a Date or RFC 3339 text", () => {
  const expected = qc.compile("created_at > now-1d", { now: NOW });
  assert.equal(expected.query.value, String(NOW - 86400 + 1)); // the API's `>` is inclusive
  for (const now of [NOW, NOW + 0.5, new Date(NOW * 1000), "2024-06-01T00:00:00Z", "2024-06-01T02:00:00+02:00"]) {
    assert.deepEqual(qc.compile("created_at > now-1d", { now }), expected, String(now));
  }
  assert.throws(() => qc.compile("state = open", { now: "yesterday" }), { name: "RangeError", message: /RFC 3339/ });
  assert.throws(() => qc.compile("state = open", { now: 1e20 }), { name: "RangeError", message: /years/ });
  assert.throws(() => qc.compile("state = open", { now: new Date(NaN) }), RangeError);
  assert.throws(() => qc.compile("state = open", { now: true }), TypeError);
});

test("query errors throw QueryError with the diagnostics, rendered like the CLI", () => {
  let error;
  try {
    qc.compile("stat = open");
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof qc.QueryError && error instanceof Error);
  assert.equal(error.name, "QueryError");
  const [d] = error.diagnostics;
  assert.equal(d.code, "E0101");
  assert.deepEqual(d.range, { start: 0, end: 4 });
  assert.deepEqual(d.location, { start: { line: 1, column: 1 }, end: { line: 1, column: 5 } });
  assert.equal(d.help, "did you mean `state`?");
  assert.equal(d.suggestion.replacement, "state");
  assert.match(error.message, /^\[E0101\] Error: unknown field `stat`/);
  assert.match(error.message, /─\[ query:1:1 \]/);
  assert.deepEqual(qc.check("stat = open"), error.diagnostics);
});

test("check lists warnings and errors; empty for a clean query", () => {
  assert.deepEqual(qc.check("state = open"), []);
  const [w] = qc.check('source.body = "need support"');
  assert.equal(w.severity, "warning");
  assert.equal(qc.compile('source.body = "need support"').query.field, "source.body");
});

test("pagination", () => {
  assert.deepEqual(qc.compile("state = open", { perPage: 5, startingAfter: "abc" }).pagination, {
    per_page: 5,
    starting_after: "abc",
  });
  assert.deepEqual(qc.compile("state = open", { startingAfter: "abc" }).pagination, {
    per_page: 20,
    starting_after: "abc",
  });
  assert.deepEqual(qc.compile("state = open", { per_page: 7 }).pagination, { per_page: 7 });
  assert.equal(qc.compile("state = open").pagination, undefined);
  for (const bad of [0, 151, -1, 2.5]) {
    assert.throws(() => qc.compile("state = open", { perPage: bad }), {
      name: "RangeError",
      message: `per_page must be between 1 and 150, got ${bad}`,
    });
  }
  assert.throws(() => qc.compile("state = open", { perPage: "5" }), TypeError);
});

test("bad options", () => {
  assert.throws(() => qc.compile("state = open", { target: "companies" }), {
    name: "RangeError",
    message: "unknown target `companies`; expected conversations, contacts or tickets",
  });
  assert.throws(() => qc.compile("state = open", { timezone: "Mars/Olympus" }), {
    name: "RangeError",
    message: /unknown time zone `Mars\/Olympus`/,
  });
  assert.throws(() => qc.compile("state = open", { schema: { type: "list", data: 5 } }), {
    name: "RangeError",
    message: /^invalid workspace schema:/,
  });
  assert.throws(() => qc.compile("state = open", { perpage: 5 }), { name: "TypeError", message: /unknown option `perpage`/ });
  assert.throws(() => qc.compile("state = open", "contacts"), TypeError);
  assert.throws(() => qc.compile(42), TypeError);
  assert.throws(() => qc.decompile("{}", { dates: "iso" }), RangeError);
  assert.throws(() => qc.format("state = open", { width: -1 }), RangeError);
  // Null and undefined options are the defaults.
  assert.deepEqual(qc.compile("read = true", { target: undefined, timezone: null }), qc.compile("read = true"));
});

const ATTRIBUTES = [
  { model: "contact", full_name: "custom_attributes.plan", data_type: "string", options: ["free", "pro"] },
];
const TICKET_TYPES = {
  type: "ticket_type.list",
  ticket_types: [
    {
      type: "ticket_type",
      id: "7",
      name: "Bug",
      ticket_type_attributes: {
        type: "list",
        data: [{ type: "ticket_type_attribute", id: "17", name: "severity", data_type: "integer" }],
      },
    },
  ],
};

test("schemas as text, objects, bare arrays and lists", () => {
  const listed = { type: "list", data: ATTRIBUTES };
  const query = "custom_attributes.plan = pro";
  const expected = qc.compile(query, { target: "contacts", schema: listed });
  for (const schema of [ATTRIBUTES, JSON.stringify(listed), [listed, TICKET_TYPES], [JSON.stringify(listed)]]) {
    assert.deepEqual(qc.compile(query, { target: "contacts", schema }), expected);
  }
  assert.throws(() => qc.compile("custom_attributes.plan = prp", { target: "contacts", schema: ATTRIBUTES }), {
    name: "QueryError",
    message: /did you mean `pro`/,
  });
  const body = qc.compile("severity > 2", { target: "tickets", schema: [listed, TICKET_TYPES] });
  assert.deepEqual(body.query, { field: "ticket_attribute.17", operator: ">", value: 3 });
  const custom = qc.fields({ target: "tickets", schema: TICKET_TYPES }).filter((f) => f.custom);
  assert.deepEqual(custom.map((f) => [f.name, f.alias]), [["ticket_attribute.17", "severity"]]);
});

test("time zones", () => {
  const utc = qc.compile("created_at > 2024-01-15");
  const paris = qc.compile("created_at > 2024-01-15", { timezone: "Europe/Paris" });
  assert.equal(Number(utc.query.value) - Number(paris.query.value), 3600);
});

test("validate", () => {
  const good = { query: { field: "state", operator: "=", value: "open" } };
  assert.deepEqual(qc.validate(good), []);
  assert.deepEqual(qc.validate(JSON.stringify(good)), []);
  const bad = { query: { field: "state", operator: "~", value: "open" } };
  const [d] = qc.validate(bad);
  assert.equal(d.path, "query.operator");
  assert.equal(JSON.stringify(bad).slice(d.range.start, d.range.end), '"~"');
  assert.equal(qc.validate("{")[0].severity, "error");
  assert.ok(qc.validate(good, { target: "contacts" }).length > 0);
  assert.throws(() => qc.validate(42), TypeError);
});

test("decompile", () => {
  const body = {
    query: {
      operator: "AND",
      value: [
        { field: "created_at", operator: ">", value: "1704067200" },
        { field: "state", operator: "=", value: "open" },
      ],
    },
  };
  assert.equal(qc.decompile(body), "created_at >= 2024-01-01T00:00:00Z AND state = open");
  assert.equal(qc.decompile(JSON.stringify(body), { dates: "unix" }), "created_at >= 1704067200 AND state = open");
  assert.throws(() => qc.decompile({ query: { field: "stat", operator: "=", value: "open" } }), (e) => {
    assert.ok(e instanceof qc.QueryError);
    assert.equal(e.diagnostics[0].path, "query.field");
    assert.match(e.message, /─\[ request:1:/);
    return true;
  });
});

test("format", () => {
  assert.equal(qc.format("state=open and(read = 'true'  )"), "state = open AND read = true");
  const long = Array.from({ length: 6 }, (_, i) => `statistics.count_reopens = ${i}`).join(" OR ");
  assert.ok(qc.format(long, { width: 40 }).includes("\n"));
  assert.ok(!qc.format(long, { width: 400 }).includes("\n"));
  assert.throws(() => qc.format("state = open AND ("), qc.QueryError);
});

test("fields", () => {
  const state = qc.fields().find((f) => f.name === "state");
  assert.deepEqual(state, {
    name: "state",
    type: "String",
    operators: ["=", "!=", "IN", "NIN"],
    values: ["open", "closed", "snoozed"],
    doc: state.doc,
    custom: false,
  });
  assert.ok(qc.fields({ target: "contacts" }).some((f) => f.name === "role"));
  assert.throws(() => qc.fields({ target: "companies" }), RangeError);
});

test("completion and hover count UTF-16 units", () => {
  const src = 'source.body ~ "😀" AND state = op';
  const items = qc.complete(src, src.length);
  assert.deepEqual(items.map((c) => c.label), ["open", "closed", "snoozed"]);
  assert.deepEqual([items[0].range.from, items[0].range.to], [src.length - 2, src.length]);
  const at = src.indexOf("state") + 1;
  const h = qc.hover(src, at);
  assert.deepEqual([h.range.from, h.range.to], [at - 1, at + 4]);
  assert.match(h.contents, /\*\*state\*\*/);
  assert.equal(qc.hover("", 5), null);
});

test("init resolves at once in Node, and version names qc's", async () => {
  await qc.init();
  assert.match(qc.version(), /^\d+\.\d+\.\d+/);
});

test("queries over the limits are rewritten, or refused with rewrite: false", () => {
  const query = Array.from({ length: 20 }, (_, i) => `tag_ids = ${i}`).join(" OR ");
  assert.equal(qc.compile(query).query.operator, "IN");
  assert.equal(qc.check(query)[0].severity, "note");
  assert.throws(() => qc.compile(query, { rewrite: false }), qc.QueryError);
  assert.throws(() => qc.compile(query, { rewrite: "no" }), TypeError);
});
