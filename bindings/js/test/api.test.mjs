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
  assert.throws(() => qc.compile("state = open", { now: new Date(NaN) }), { name: "RangeError", message: /invalid Date/ });
  assert.throws(() => qc.compile("state = open", { now: NaN }), { name: "RangeError", message: /finite/ });
  assert.throws(() => qc.compile("state = open", { now: true }), { name: "TypeError", message: /^now: / });
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
  let warning;
  assert.equal(qc.compile('source.body = "need support"', { onWarning: (x) => (warning = x) }).query.field, "source.body");
  assert.deepEqual(warning.diagnostics, [w]);
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
  assert.throws(() => qc.compile("state = open", { perPage: "5" }), { name: "TypeError", message: /^perPage: / });
});

test("bad options: TypeError for a wrong key or type, RangeError for a value not allowed", () => {
  assert.throws(() => qc.compile("state = open", { target: "people" }), {
    name: "RangeError",
    message: "unknown target `people`; expected conversations, contacts, tickets or companies",
  });
  assert.throws(() => qc.compile("state = open", { target: "companies" }), {
    name: "RangeError",
    message: "companies search is not in API version 2.11; it is in version Preview only",
  });
  assert.throws(() => qc.compile("state = open", { timezone: "Mars/Olympus" }), {
    name: "RangeError",
    message: /unknown time zone `Mars\/Olympus`/,
  });
  assert.throws(() => qc.compile("state = open", { schema: { type: "list", data: 5 } }), {
    name: "RangeError",
    message: /^invalid workspace schema/,
  });
  assert.throws(() => qc.compile("state = open", { perpage: 5 }), {
    name: "TypeError",
    message: /^perpage: unknown field `perpage`, expected one of .*`perPage`/,
  });
  assert.throws(() => qc.compile("state = open", "contacts"), {
    name: "TypeError",
    message: "options must be an object, not a string",
  });
  assert.throws(() => qc.compile("state = open", [1]), { name: "TypeError", message: "options must be an object, not an array" });
  assert.throws(() => qc.compile("state = open", () => 1), { name: "TypeError", message: "options must be an object, not a function" });
  assert.throws(() => qc.compile("state = open", { target: () => "contacts" }), TypeError);
  assert.throws(() => qc.compile("state = open", { perPage: 5n }), TypeError);
  assert.throws(() => qc.compile(42), { name: "TypeError", message: /^compile: the text must be a string/ });
  assert.throws(() => qc.decompile("{}", { dates: "iso" }), { name: "TypeError", message: /unknown variant `iso`/ });
  assert.throws(() => qc.format("state = open", { width: -1 }), { name: "TypeError", message: /^width: / });
  assert.throws(() => qc.compile("state = open", { onWarning: "log" }), TypeError);
  // Null and undefined options are the defaults.
  assert.deepEqual(qc.compile("read = true", { target: undefined, timezone: null }), qc.compile("read = true"));
  assert.deepEqual(qc.compile("read = true", null), qc.compile("read = true"));
  // Every function reads the same options.
  for (const f of [() => qc.fields({ target: 5 }), () => qc.hover("read", 1, { rewrite: 1 }), () => qc.filter("read = true", [], { now: [] })]) {
    assert.throws(f, TypeError);
  }
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
  assert.throws(() => qc.fields({ target: "people" }), RangeError);
  assert.ok(qc.fields({ target: "companies", apiVersion: "Preview" }).some((r) => r.name === "name"));
});

test("plan", () => {
  assert.deepEqual(qc.plan("state = open"), [qc.compile("state = open")]);
  // Neither its CNF (an OR of 17) nor its DNF (16 ANDs and a filter) fits: a plan of 2.
  const ids = Array.from({ length: 16 }, (_, i) => `id ~ ${i + 1}`).join(" OR ");
  const query = `tag_ids = 7 OR (created_at > 1 AND (${ids}))`;
  assert.throws(() => qc.compile(query), { name: "QueryError", message: /qc plan/ });
  const bodies = qc.plan(query, { perPage: 5 });
  assert.equal(bodies.length, 2);
  for (const body of bodies) assert.deepEqual(body.pagination, { per_page: 5 });
  assert.throws(() => qc.plan(query, { maxRequests: 1 }), { name: "RangeError", message: /cannot plan/ });
  assert.throws(() => qc.plan("stat = open"), qc.QueryError);
});

test("completion and hover count UTF-16 units", () => {
  assert.throws(() => qc.complete("state", -1), RangeError);
  assert.throws(() => qc.hover("state", "1"), TypeError);
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

test("warnings and notes of a query that compiles go to onWarning, once per call", () => {
  const seen = [];
  const onWarning = (w) => seen.push(w);
  const query = "state = open AND state = closed";
  const body = qc.compile(query, { onWarning });
  assert.equal(body.query.operator, "AND");
  assert.equal(seen.length, 1);
  const [w] = seen;
  assert.ok(w instanceof qc.QueryWarning && w instanceof Error);
  assert.equal(w.name, "QueryWarning");
  assert.deepEqual(w.diagnostics.map((d) => [d.code, d.severity]), [["W0401", "warning"]]);
  assert.deepEqual(w.diagnostics, qc.check(query));
  assert.match(w.message, /^\[W0401\] Warning: these comparisons contradict each other/);
  assert.match(w.message, /─\[ query:1:/);

  seen.length = 0;
  qc.plan(query, { onWarning });
  assert.equal(qc.matches(query, { state: "open" }, { onWarning }), false);
  assert.deepEqual(qc.filter(query, [{ state: "open" }], { onWarning }), []);
  assert.deepEqual(seen.map((w) => w.diagnostics[0].code), ["W0401", "W0401", "W0401"]);

  // A rewrite is a note; a clean query calls nothing.
  seen.length = 0;
  qc.compile(Array.from({ length: 20 }, (_, i) => `tag_ids = ${i}`).join(" OR "), { onWarning });
  assert.deepEqual(seen.map((w) => w.diagnostics.map((d) => d.severity)), [["note"]]);
  seen.length = 0;
  qc.compile("state = open", { onWarning });
  qc.check("state = open AND state = closed", { onWarning });
  assert.deepEqual(seen, []);
});

test("decompile hands W0301 to onWarning", () => {
  // Two nested AND groups of 10: the text merges them into one of 20,
  // which does not compile back to the same request.
  const filters = (field) => Array.from({ length: 10 }, (_, i) => ({ field, operator: "=", value: String(i) }));
  const body = { query: { operator: "AND", value: [...filters("id"), { operator: "AND", value: filters("tag_ids") }] } };
  const seen = [];
  const text = qc.decompile(body, { onWarning: (w) => seen.push(w) });
  assert.match(text, /^id = 0 AND id = 1/);
  assert.equal(seen.length, 1);
  const codes = seen[0].diagnostics.map((d) => d.code);
  assert.ok(codes.includes("W0301"), codes.join(", "));
  assert.match(seen[0].message, /the decompiled text does not compile back to this request/);
  assert.match(seen[0].message, /─\[ request:1:1 \]/);
  // A body that round-trips calls nothing.
  seen.length = 0;
  qc.decompile({ query: { field: "state", operator: "=", value: "open" } }, { onWarning: (w) => seen.push(w) });
  assert.deepEqual(seen, []);
});

test("without onWarning, Node gets a process warning", async () => {
  const query = "state = snoozed AND state = closed";
  const warned = new Promise((resolve) => {
    const listener = (w) => {
      if (w.name === "QueryWarning" && w.message.includes(query)) {
        process.off("warning", listener);
        resolve(w);
      }
    };
    process.on("warning", listener);
  });
  qc.compile(query);
  const w = await warned;
  assert.ok(w instanceof qc.QueryWarning);
  assert.equal(w.diagnostics[0].code, "W0401");
});

test("matches and filter run the query on objects, as qc filter", () => {
  const open = { id: 1, state: "open", read: false, tag_ids: ["3"], statistics: { count_reopens: 2 } };
  const closed = { id: 2, state: "closed", read: false, tag_ids: [], statistics: { count_reopens: 0 } };
  const snoozed = { id: 3, state: "snoozed", read: true, title: "日本 😀" };
  assert.equal(qc.matches("state = open", open), true);
  assert.equal(qc.matches("state = open", closed), false);
  assert.equal(qc.matches("statistics.count_reopens > 1 AND tag_ids = 3", open), true);
  const items = [open, closed, snoozed];
  assert.deepEqual(qc.filter("read = false", items), [open, closed]);
  // The same objects, not copies; any iterable.
  assert.equal(qc.filter("state = snoozed", items)[0], snoozed);
  assert.deepEqual(qc.filter("state != closed", new Set(items)), [open, snoozed]);
  assert.deepEqual(qc.filter("state = open", (function* () { yield* items; })()), [open]);
  assert.deepEqual(qc.filter("state = open", []), []);
  // Relative dates follow `now`.
  const recent = { created_at: 1717200000 - 3600 };
  assert.equal(qc.matches("created_at > now-1d", recent, { now: 1717200000 }), true);
  assert.equal(qc.matches("created_at > now-1d", recent, { now: new Date((1717200000 + 2 * 86400) * 1000) }), false);
  // Errors.
  assert.throws(() => qc.matches("stat = open", open), qc.QueryError);
  assert.throws(() => qc.filter("stat = open", items), qc.QueryError);
  for (const bad of [null, 5, "x", [open]]) {
    assert.throws(() => qc.matches("state = open", bad), { name: "TypeError", message: /^matches: expected an object/ });
  }
  assert.throws(() => qc.filter("state = open", [open, 5]), { name: "TypeError", message: /^filter: expected an object/ });
  assert.throws(() => qc.filter("state = open", 5), TypeError);
  assert.throws(() => qc.matches("state = open", { n: 1n }), TypeError);
  // Queries over the API's limits run as they are.
  const many = Array.from({ length: 40 }, (_, i) => `(state = open AND statistics.count_reopens = ${i})`).join(" OR ");
  assert.deepEqual(qc.filter(many, items), [open]);
});

test("filter compiles the query once", () => {
  const query = Array.from({ length: 300 }, (_, i) => `source.subject ~ word${i}`).join(" OR ") + " OR state = closed";
  const N = 5000;
  const items = Array.from({ length: N }, (_, i) => ({ id: i, state: i % 3 ? "open" : "closed" }));
  // (check compiles the query as compile does; it is too long for one request)
  qc.check(query); // warm up
  let start = performance.now();
  for (let i = 0; i < 10; i++) qc.check(query);
  const compileTime = (performance.now() - start) / 10;
  start = performance.now();
  const hits = qc.filter(query, items);
  const elapsed = performance.now() - start;
  assert.equal(hits.length, Math.ceil(N / 3));
  // Compiling for each item would take N compiles.
  assert.ok(elapsed < (N * compileTime) / 10, `${elapsed} ms for ${N} items; one compile ${compileTime} ms`);
});

test("apiVersions lists each version and the targets it searches", () => {
  const listed = qc.apiVersions();
  assert.deepEqual(
    listed.map((v) => v.version),
    ["2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "Preview"],
  );
  assert.deepEqual(listed.filter((v) => v.default).map((v) => v.version), ["2.11"]);
  const byName = Object.fromEntries(listed.map((v) => [v.version, v.targets]));
  // No tickets search before 2.10; companies search in Preview only.
  assert.deepEqual(byName["2.9"], ["conversations", "contacts"]);
  assert.deepEqual(byName["2.10"], ["conversations", "contacts", "tickets"]);
  assert.deepEqual(byName.Preview, ["conversations", "contacts", "tickets", "companies"]);
  for (const [apiVersion, targets] of Object.entries(byName)) {
    for (const target of ["conversations", "contacts", "tickets", "companies"]) {
      if (targets.includes(target)) assert.ok(qc.fields({ target, apiVersion }).length > 0);
      else assert.throws(() => qc.fields({ target, apiVersion }), new RegExp(`not in API version ${apiVersion}`));
    }
  }
});

test("init resolves at once in Node, and version names qc's", async () => {
  await qc.init();
  assert.match(qc.version(), /^\d+\.\d+\.\d+/);
});

test("queries over the limits are rewritten, or refused with rewrite: false", () => {
  const query = Array.from({ length: 20 }, (_, i) => `tag_ids = ${i}`).join(" OR ");
  assert.equal(qc.compile(query, { onWarning() {} }).query.operator, "IN");
  assert.equal(qc.check(query)[0].severity, "note");
  assert.throws(() => qc.compile(query, { rewrite: false }), qc.QueryError);
  assert.throws(() => qc.compile(query, { rewrite: "no" }), TypeError);
});
