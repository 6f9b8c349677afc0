// The package's functions over the WebAssembly bindings. Every option is
// checked by qc's library (the options object crosses as JSON text); this
// file only converts values at the edge (a `Date`, `onWarning`), parses the
// results and throws: `QueryError` (the input has errors), `TypeError` (an
// unknown option or a value of the wrong type) or `RangeError` (a value
// that is not allowed). Warnings and notes go to `onWarning`.
import * as raw from "../pkg/qc_wasm.js";
import { state } from "./state.js";

/**
 * The query (or request body) has errors. `message` renders every
 * diagnostic as the `qc` command does; `diagnostics` holds them as
 * `qc check --format json` prints them, with ranges in UTF-16 code units.
 */
export class QueryError extends Error {
  constructor(message, diagnostics = []) {
    super(message);
    this.name = "QueryError";
    this.diagnostics = diagnostics;
  }
}

/**
 * The warnings and notes of an input that compiles (or decompiles),
 * handed to the `onWarning` option, or by default emitted as a process
 * warning in Node (`console.warn` elsewhere). `message` renders them as the
 * `qc` command does; `diagnostics` holds them as `QueryError`'s.
 */
export class QueryWarning extends Error {
  constructor(message, diagnostics = []) {
    super(message);
    this.name = "QueryWarning";
    this.diagnostics = diagnostics;
  }
}

function ready(name) {
  if (!state.ready) {
    throw new Error(`intercom-qc: ${name}() before the module is loaded; \`await init()\` first`);
  }
}

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

function text(value, name, what = "the text") {
  if (typeof value !== "string") {
    throw new TypeError(`${name}: ${what} must be a string, not ${describe(value)}`);
  }
  return value;
}

/** One option's value as JSON can carry it. */
function edge(key, value) {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError(`${key} is an invalid Date`);
    return Math.floor(ms / 1000);
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new RangeError(`${key} must be a finite number, got ${value}`);
  }
  if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
    throw new TypeError(`${key}: expected a JSON value, not a ${typeof value}`);
  }
  return value;
}

/**
 * The options as the WebAssembly side takes them (JSON text), and the
 * `onWarning` handler.
 */
function options(given) {
  if (given === undefined || given === null) return { json: "{}", onWarning: undefined };
  if (typeof given !== "object" || Array.isArray(given)) {
    // The library says what it expected; JSON has no function, symbol or BigInt.
    if (["function", "symbol", "bigint"].includes(typeof given)) {
      throw new TypeError(`options must be an object, not a ${typeof given}`);
    }
    return { json: JSON.stringify(given), onWarning: undefined };
  }
  const out = {};
  let onWarning;
  for (const [key, value] of Object.entries(given)) {
    if (key === "onWarning") {
      if (value != null && typeof value !== "function") {
        throw new TypeError(`onWarning must be a function, not ${describe(value)}`);
      }
      onWarning = value ?? undefined;
    } else if (value !== undefined) {
      out[key] = edge(key, value);
    }
  }
  return { json: JSON.stringify(out), onWarning };
}

/** The JSON text of a request body given as text or as an object. */
function body(value, name) {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  throw new TypeError(`${name}: the body must be JSON text or an object, not ${describe(value)}`);
}

/** Hands warnings to `onWarning`, or emits them. */
function warn(warning, onWarning) {
  if (onWarning) {
    onWarning(warning);
  } else if (typeof process === "object" && typeof process?.emitWarning === "function") {
    process.emitWarning(warning);
  } else {
    console.warn(warning.message);
  }
}

/** The value of an outcome, its warnings handed on, or its failure thrown. */
function outcome(json, onWarning) {
  const out = JSON.parse(json);
  switch (out.outcome) {
    case "value":
      if (out.warnings.length > 0) warn(new QueryWarning(out.rendered, out.warnings), onWarning);
      return out.value;
    case "invalid":
      throw new QueryError(out.rendered, out.diagnostics);
    default:
      throw new (out.kind === "type" ? TypeError : RangeError)(out.message);
  }
}

/** Calls `f(optionsJson)` and handles its outcome. */
function call(name, opts, f) {
  ready(name);
  const { json, onWarning } = options(opts);
  return outcome(f(json), onWarning);
}

/**
 * Compiles query text to the body of a search request, as an object.
 * Throws `QueryError` when the query has errors.
 */
export function compile(query, opts) {
  return call("compile", opts, (o) => raw.compile(text(query, "compile"), o));
}

/**
 * The request bodies whose union is exactly the query (`qc plan`): one when
 * the query fits the API's limits (after rewriting), several when no
 * single request can express it. Throws like `compile`.
 */
export function plan(query, opts) {
  return call("plan", opts, (o) => raw.plan(text(query, "plan"), o));
}

/** Every diagnostic of query text, as `qc check --format json` prints them. */
export function check(query, opts) {
  return call("check", opts, (o) => raw.check(text(query, "check"), o));
}

/**
 * Every diagnostic of a request body (an object, or JSON text), as
 * `qc validate --format json` prints them; empty when it is valid and clean.
 */
export function validate(request, opts) {
  return call("validate", opts, (o) => raw.validate(body(request, "validate"), o));
}

/**
 * A valid request body (an object, or JSON text) back to query text, as
 * `qc decompile` prints it. Throws `QueryError` when the body is invalid.
 */
export function decompile(request, opts) {
  return call("decompile", opts, (o) => raw.decompile(body(request, "decompile"), o));
}

/** The searchable fields of a target, as `qc fields --format json` lists them. */
export function fields(opts) {
  return call("fields", opts, (o) => raw.fields(o));
}

/**
 * Query text in canonical form, as `qc fmt` prints it (without the final
 * newline). Throws `QueryError` on syntax errors.
 */
export function format(query, opts) {
  return call("format", opts, (o) => raw.format(text(query, "format"), o));
}

/**
 * Runs `f(item => boolean)` with the query compiled once, then frees it.
 * Objects cross as their JSON text; only the parts the query reads are
 * built on the other side.
 */
function withMatcher(name, query, opts, f) {
  ready(name);
  const { json, onWarning } = options(opts);
  const matcher = new raw.Matcher(text(query, name, "the query"), json);
  try {
    outcome(matcher.outcome(), onWarning);
    return f((item) => {
      const hit = item !== null && typeof item === "object" ? matcher.matches(JSON.stringify(item)) : undefined;
      if (hit === undefined) {
        throw new TypeError(`${name}: expected an object (a JSON object), not ${describe(item)}`);
      }
      return hit;
    });
  } finally {
    matcher.free();
  }
}

/**
 * True when the object matches the query, as `qc filter` decides.
 * Throws `QueryError` when the query has errors, `TypeError` when the
 * object is not a JSON object.
 */
export function matches(query, object, opts) {
  return withMatcher("matches", query, opts, (test) => test(object));
}

/**
 * The items of an iterable (an array, a generator...) that match the query,
 * in order, as an array. The query is compiled once.
 */
export function filter(query, iterable, opts) {
  if (iterable === null || typeof iterable?.[Symbol.iterator] !== "function") {
    throw new TypeError(`filter: expected an iterable of objects, not ${describe(iterable)}`);
  }
  return withMatcher("filter", query, opts, (test) => {
    const out = [];
    for (const item of iterable) {
      if (test(item)) out.push(item);
    }
    return out;
  });
}

function offset(value, name) {
  if (typeof value !== "number") {
    throw new TypeError(`${name}: the offset must be a number, not ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name}: the offset must be a whole number of UTF-16 units, got ${value}`);
  }
  return Math.min(value, 0xffffffff);
}

/**
 * Completions at a UTF-16 offset of the text (as JavaScript strings count),
 * for editors: `[{label, kind, detail, documentation, insert, range}]`.
 */
export function complete(query, at, opts) {
  return call("complete", opts, (o) => raw.complete(text(query, "complete"), offset(at, "complete"), o));
}

/** Hover information at a UTF-16 offset, for editors: `{range, contents}` or null. */
export function hover(query, at, opts) {
  return call("hover", opts, (o) => raw.hover(text(query, "hover"), offset(at, "hover"), o));
}

/**
 * Every API version qc knows, oldest first, each with the targets it
 * searches: `[{version: "2.7", default: false, targets: ["conversations", "contacts"]}, …]`.
 * The default is 2.11.
 */
export function apiVersions() {
  ready("apiVersions");
  return JSON.parse(raw.apiVersions());
}

/** The version of qc inside. */
export function version() {
  ready("version");
  return raw.version();
}
