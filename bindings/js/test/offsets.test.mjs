// Every range the package gives counts UTF-16 code units, as JavaScript
// strings do: over queries with smart quotes, accents, emoji and CJK,
// applying each suggestion with `String.prototype.slice` gives the text
// that applying the `qc` command's byte ranges to the UTF-8 bytes gives.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as qc from "intercom-qc";
import { NOW, qc as cli } from "../test-support/cli.mjs";

const CORPUS = [
  "source.subject ~ “refund” AND stat = open",
  "source.subject ~ ‘refund’ AND state = opne",
  "source.author.name = Zoë AND stat = open",
  "source.author.name = “Zoë” AND stat = open",
  'source.body ~ "😀 broken" AND stat = open',
  'source.body ~ "👩‍💻 login" OR state = snozed',
  'source.author.name = "日本語" AND state = opne',
  "source.author.name = 日本 AND stat = closed",
  "source.subject ~ “été”\nAND stat = open\nAND read = tru",
  "source.subject ~ «réfund» AND statee = open",
  "source.author.name IN [“Zoë”, 日本] AND stat = open",
  'source.body ~ "🎉" AND source.body ~ "ça" AND (stat = open OR state = closd)',
];

/** `text` with `span` (UTF-16 units) replaced, as JavaScript slices strings. */
const splice = (text, { start, end }, insert) => text.slice(0, start) + insert + text.slice(end);

/** `text` with `span` (bytes of UTF-8) replaced, as the command counts. */
function spliceBytes(text, { start, end }, insert) {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([bytes.subarray(0, start), Buffer.from(insert, "utf8"), bytes.subarray(end)]).toString("utf8");
}
const sliceBytes = (text, { start, end }) => Buffer.from(text, "utf8").subarray(start, end).toString("utf8");

function cliCheck(text) {
  const out = cli(["check", "--format", "json", "--now", NOW, "--", text]);
  assert.ok(out.status === 0 || out.status === 1, out.stderr);
  return JSON.parse(out.stdout);
}

describe("suggestions apply with String.slice", () => {
  let suggestions = 0;
  for (const text of CORPUS) {
    test(JSON.stringify(text), () => {
      assert.ok(!/^[\x00-\x7f]*$/.test(text), "the query is not ASCII");
      const ours = qc.check(text, { now: NOW });
      const theirs = cliCheck(text);
      assert.equal(ours.length, theirs.length);
      assert.ok(ours.some((d) => d.suggestion), "the query has a suggestion");
      ours.forEach((d, i) => {
        const expected = theirs[i];
        assert.equal(d.code, expected.code);
        assert.equal(text.slice(d.range.start, d.range.end), sliceBytes(text, expected.range));
        assert.deepEqual(d.location, expected.location);
        (d.labels ?? []).forEach((label, j) => {
          assert.equal(text.slice(label.span.start, label.span.end), sliceBytes(text, expected.labels[j].span));
        });
        assert.equal(Boolean(d.suggestion), Boolean(expected.suggestion));
        if (d.suggestion) {
          suggestions += 1;
          const { span, replacement } = d.suggestion;
          assert.equal(splice(text, span, replacement), spliceBytes(text, expected.suggestion.span, replacement));
        }
      });
    });
  }
  test("the corpus has a suggestion for each query at least", () => {
    assert.ok(suggestions >= CORPUS.length, String(suggestions));
  });
});

test("the smart-quote fix keeps the rest of the query (written out by hand)", () => {
  const text = "source.subject ~ “refund” AND stat = open";
  let fixed = text;
  // Apply every suggestion, last first, so that earlier spans still hold.
  const fixes = qc
    .check(text)
    .map((d) => d.suggestion)
    .filter(Boolean)
    .sort((a, b) => b.span.start - a.span.start);
  assert.equal(fixes.length, 2);
  for (const { span, replacement } of fixes) fixed = splice(fixed, span, replacement);
  assert.equal(fixed, 'source.subject ~ "refund" AND state = open');
  assert.deepEqual(qc.compile(fixed), {
    query: {
      operator: "AND",
      value: [
        { field: "source.subject", operator: "~", value: "refund" },
        { field: "state", operator: "=", value: "open" },
      ],
    },
  });
});

test("compile's QueryError has the same UTF-16 ranges as check", () => {
  for (const text of CORPUS) {
    let error;
    try {
      qc.compile(text, { now: NOW });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof qc.QueryError, text);
    assert.deepEqual(error.diagnostics, qc.check(text, { now: NOW }));
  }
});

test("warnings count UTF-16 units too", () => {
  const text = 'source.body ~ "😀" AND state = open AND state = closed';
  let warning;
  qc.compile(text, { onWarning: (w) => (warning = w) });
  const [d] = warning.diagnostics;
  assert.equal(d.code, "W0401");
  assert.equal(text.slice(d.range.start, d.range.end), "state = closed");
  assert.deepEqual(
    d.labels.map((l) => text.slice(l.span.start, l.span.end)),
    ["state = open"],
  );
});

test("a body's diagnostics count UTF-16 units of its JSON text", () => {
  const body = {
    query: {
      operator: "AND",
      value: [
        { field: "source.subject", operator: "~", value: "😀 日本" },
        { field: "stat", operator: "=", value: "open" },
      ],
    },
  };
  const text = JSON.stringify(body);
  for (const given of [body, text]) {
    const [d] = qc.validate(given);
    assert.equal(d.path, "query.value[1].field");
    assert.equal(text.slice(d.range.start, d.range.end), '"stat"');
    assert.equal(d.suggestion.replacement, '"state"');
    assert.equal(splice(text, d.suggestion.span, d.suggestion.replacement), text.replace('"stat"', '"state"'));
    assert.throws(() => qc.decompile(given), qc.QueryError);
  }
});
