// The package's functions over the WebAssembly bindings: arguments are
// checked and converted here, results parsed, and failures thrown as
// `QueryError` (the input has errors), `TypeError` (an argument of the
// wrong type) or `RangeError` (a bad option value).
import * as raw from "../pkg/qc_wasm.js";
import { state } from "./state.js";

/**
 * The query (or request body) has errors. `message` renders every
 * diagnostic as the `qc` command does; `diagnostics` holds them as
 * `qc check --format json` prints them.
 */
export class QueryError extends Error {
  constructor(message, diagnostics = []) {
    super(message);
    this.name = "QueryError";
    this.diagnostics = diagnostics;
  }
}

const WORKSPACE = ["target", "timezone", "schema"];
const COMPILE = [...WORKSPACE, "now", "perPage", "startingAfter", "rewrite", "per_page", "starting_after"];
const DECOMPILE = [...WORKSPACE, "dates"];
const SNAKE = { perPage: "per_page", startingAfter: "starting_after" };

function ready(name) {
  if (!state.ready) {
    throw new Error(`intercom-qc: ${name}() before the module is loaded; \`await init()\` first`);
  }
}

function text(value, name, what = "text") {
  if (typeof value !== "string") {
    throw new TypeError(`${name}: ${what} must be a string, not ${describe(value)}`);
  }
  return value;
}

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

/** The options for the WebAssembly side: known keys only, snake_case. */
function options(given, allowed, name) {
  if (given === undefined || given === null) return {};
  if (typeof given !== "object" || Array.isArray(given)) {
    throw new TypeError(`${name}: options must be an object, not ${describe(given)}`);
  }
  const out = {};
  for (const [key, value] of Object.entries(given)) {
    if (!allowed.includes(key)) {
      const known = allowed.filter((k) => !k.includes("_")).join(", ");
      throw new TypeError(`${name}: unknown option \`${key}\`; the options are ${known}`);
    }
    if (value === undefined || value === null) continue;
    out[SNAKE[key] ?? key] = convert(key, value, name);
  }
  return out;
}

function convert(key, value, name) {
  switch (key) {
    case "target":
    case "timezone":
    case "startingAfter":
    case "starting_after":
      return text(value, name, key);
    case "dates":
      if (value !== "rfc3339" && value !== "unix") {
        throw new RangeError(`${name}: unknown date style \`${value}\`; expected rfc3339 or unix`);
      }
      return value;
    case "now":
      if (value instanceof Date) {
        const ms = value.getTime();
        if (Number.isNaN(ms)) throw new RangeError(`${name}: now is an invalid Date`);
        return Math.floor(ms / 1000);
      }
      if (typeof value === "number" || typeof value === "string") return value;
      throw new TypeError(`${name}: now must be unix seconds, a Date or RFC 3339 text, not ${describe(value)}`);
    case "perPage":
    case "per_page":
      if (typeof value !== "number") {
        throw new TypeError(`${name}: perPage must be a number, not ${describe(value)}`);
      }
      return value;
    case "rewrite":
      if (typeof value !== "boolean") {
        throw new TypeError(`${name}: rewrite must be a boolean, not ${describe(value)}`);
      }
      return value;
    case "schema":
      if (typeof value !== "string" && typeof value !== "object") {
        throw new TypeError(`${name}: schema must be JSON text, an object or an array, not ${describe(value)}`);
      }
      return value;
    default:
      return value;
  }
}

/** The JSON text of a request body given as text or as an object. */
function body(value, name) {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  throw new TypeError(`${name}: the body must be JSON text or an object, not ${describe(value)}`);
}

/**
 * The schema files of a `schema` option, as JSON texts: one (text, an
 * object, or the bare array of attributes), or a list of them. A list is a
 * list of files when one of its items is not an attribute: text, an array,
 * or a list object (`data` or `ticket_types`). Blank texts are skipped by
 * the WebAssembly side.
 */
function schemaFiles(schema) {
  if (schema === undefined) return [];
  const has = (o, key) => Object.prototype.hasOwnProperty.call(o, key);
  const whole = (item) =>
    item === null || typeof item !== "object" || Array.isArray(item) || has(item, "data") || has(item, "ticket_types");
  const files = Array.isArray(schema) && schema.some(whole) ? schema : [schema];
  return files.map((file) => (typeof file === "string" ? file : (JSON.stringify(file) ?? "null")));
}

/** The workspace options as the WebAssembly functions' arguments. */
function workspaceArgs(o) {
  return [o.target, o.timezone, schemaFiles(o.schema)];
}

/** The options of compile, plan and check as the WebAssembly functions' arguments. */
function compileArgs(o) {
  const now = o.now;
  return [
    ...workspaceArgs(o),
    typeof now === "number" ? now : undefined,
    typeof now === "string" ? now : undefined,
    o.per_page,
    o.starting_after,
    o.rewrite,
  ];
}

/** The value of an outcome, or its failure thrown. */
function outcome(json) {
  const out = JSON.parse(json);
  if (out.error != null) throw new RangeError(out.error);
  if (out.value === null) throw new QueryError(out.rendered, out.diagnostics);
  return out.value;
}

/**
 * Compiles query text to the body of a search request, as an object.
 * Throws `QueryError` when the query has errors.
 */
export function compile(query, opts) {
  ready("compile");
  return outcome(raw.compile(text(query, "compile"), ...compileArgs(options(opts, COMPILE, "compile"))));
}

/**
 * The request bodies whose union is exactly the query (`qc plan`): one when
 * the query fits the API's limits (after rewriting), several when no
 * single request can express it. Throws like `compile`.
 */
export function plan(query, opts) {
  ready("plan");
  return outcome(raw.plan(text(query, "plan"), ...compileArgs(options(opts, COMPILE, "plan"))));
}

/** Every diagnostic of query text, as `qc check --format json` prints them. */
export function check(query, opts) {
  ready("check");
  return outcome(raw.check(text(query, "check"), ...compileArgs(options(opts, COMPILE, "check"))));
}

/**
 * Every diagnostic of a request body (an object, or JSON text), as
 * `qc validate --format json` prints them; empty when it is valid and clean.
 */
export function validate(request, opts) {
  ready("validate");
  return outcome(raw.validate(body(request, "validate"), ...workspaceArgs(options(opts, WORKSPACE, "validate"))));
}

/**
 * A valid request body (an object, or JSON text) back to query text, as
 * `qc decompile` prints it. Throws `QueryError` when the body is invalid.
 */
export function decompile(request, opts) {
  ready("decompile");
  const { dates, ...workspace } = options(opts, DECOMPILE, "decompile");
  return outcome(raw.decompile(body(request, "decompile"), dates === "unix", ...workspaceArgs(workspace)));
}

/** The searchable fields of a target, as `qc fields --format json` lists them. */
export function fields(opts) {
  ready("fields");
  return outcome(raw.fields(...workspaceArgs(options(opts, WORKSPACE, "fields"))));
}

/**
 * Query text in canonical form, as `qc fmt` prints it (without the final
 * newline). Throws `QueryError` on syntax errors.
 */
export function format(query, opts) {
  ready("format");
  const { width } = options(opts, ["width"], "format");
  if (width !== undefined && !(Number.isInteger(width) && width >= 0 && width <= 0xffffffff)) {
    throw new RangeError(`format: width must be a whole number of columns, got ${width}`);
  }
  return outcome(raw.format(text(query, "format"), width));
}

/**
 * Completions at a UTF-16 offset of the text (as JavaScript strings count),
 * for editors: `[{label, kind, detail, documentation, insert, range}]`.
 */
export function complete(query, offset, opts) {
  ready("complete");
  return JSON.parse(
    raw.complete(text(query, "complete"), offset >>> 0, ...workspaceArgs(options(opts, WORKSPACE, "complete"))),
  );
}

/** Hover information at a UTF-16 offset, for editors: `{range, contents}` or null. */
export function hover(query, offset, opts) {
  ready("hover");
  return JSON.parse(raw.hover(text(query, "hover"), offset >>> 0, ...workspaceArgs(options(opts, WORKSPACE, "hover"))));
}

/** The version of qc inside. */
export function version() {
  ready("version");
  return raw.version();
}
