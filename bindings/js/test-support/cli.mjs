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

/**
 * Diagnostics of the `qc` command (byte ranges of the UTF-8 text) as the
 * package gives them: every range (its own, its labels', its suggestion's)
 * in UTF-16 units of `text`, converted here with Buffer, independently of
 * the package.
 */
export function inUtf16(diagnostics, text) {
  const bytes = Buffer.from(text, "utf8");
  const at = (offset) => bytes.subarray(0, offset).toString("utf8").length;
  const span = (s) => ({ start: at(s.start), end: at(s.end) });
  return diagnostics.map((d) => {
    const out = { ...d, range: span(d.range) };
    if (d.labels) out.labels = d.labels.map((l) => ({ ...l, span: span(l.span) }));
    if (d.suggestion) out.suggestion = { ...d.suggestion, span: span(d.suggestion.span) };
    return out;
  });
}

/**
 * `count` conversations in the API's shape, the same on every run (a
 * seeded generator), with values the fixture queries ask about, so that
 * most queries match some and not others.
 */
export function conversations(count) {
  let seed = 0x2545f491;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const pick = (items) => items[next() % items.length];
  const maybe = (value) => (next() % 4 === 0 ? null : value);
  const JAN_2024 = 1704067200;
  const out = [];
  for (let id = 1; id <= count; id++) {
    const created = JAN_2024 + (next() % (200 * 86400));
    out.push({
      type: "conversation",
      id: String(id),
      state: pick(["open", "closed", "snoozed"]),
      read: pick([true, false]),
      open: pick([true, false]),
      priority: pick(["priority", "not_priority"]),
      created_at: created,
      updated_at: created + (next() % (30 * 86400)),
      snoozed_until: maybe(created + (next() % (300 * 86400))),
      admin_assignee_id: maybe(pick([123, 456])),
      team_assignee_id: maybe(pick([5, 6])),
      tags: { type: "tag.list", tags: Array.from({ length: next() % 4 }, () => ({ type: "tag", id: String(1 + (next() % 4)) })) },
      tag_ids: Array.from({ length: next() % 3 }, () => String(1 + (next() % 4))),
      source: {
        type: pick(["email", "conversation", "whatsapp", "phone_call"]),
        subject: pick(["refund please", "Refund", "test", "AND", "say hi", "réfund", "日本 refund", ""]),
        body: pick(["<p>need support</p>", "support", "hello 😀", "cancel my order"]),
        url: maybe(pick(["https://example.com/x", "http://a.test/y", "https://z.example.org"])),
        author: {
          type: pick(["user", "admin"]),
          email: pick(["jane@example.com", "joe@acme.com", "ann@spam.net"]),
          name: pick(["Zoë", "日本", "Ann"]),
        },
      },
      statistics: {
        count_reopens: maybe(next() % 6),
        count_assignments: next() % 4,
        time_to_admin_reply: maybe(next() % 7200),
        time_to_assignment: next() % 7200,
        time_to_first_close: maybe(next() % 200000),
        time_to_last_close: next() % 200000,
        median_time_to_reply: maybe(pick([60, 604800, 100])),
      },
      conversation_rating: maybe({ score: 1 + (next() % 5), admin_id: pick(["123", "7"]) }),
      ai_agent_participated: pick([true, false]),
      ai_agent: maybe({ rating: 1 + (next() % 5), resolution_state: pick(["confirmed_resolution", "escalated"]) }),
    });
  }
  return out;
}
