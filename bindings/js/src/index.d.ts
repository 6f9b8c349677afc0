// Type declarations of the intercom-qc package (the same for `import` and
// `require`).

/**
 * A range of the text in UTF-16 code units, as JavaScript strings count
 * them: `text.slice(start, end)` is what it covers.
 */
export interface Span {
  start: number;
  end: number;
}

/** A 1-based line and column; the column counts Unicode code points. */
export interface Position {
  line: number;
  column: number;
}

/**
 * A diagnostic, as `qc check --format json` prints it, but with every range
 * in UTF-16 code units of the text (the command counts bytes of UTF-8).
 */
export interface Diagnostic {
  severity: "error" | "warning" | "note";
  /** The stable code, e.g. `E0101`; `qc explain CODE` explains it. */
  code: string;
  message: string;
  /** Where, in UTF-16 code units of the text (of `JSON.stringify(body)` for a body given as an object). */
  range: Span;
  location?: { start: Position; end: Position };
  /** Secondary locations, e.g. "group opened here". */
  labels?: { span: Span; message: string }[];
  /** Advice, e.g. "did you mean `open`?". */
  help?: string;
  /**
   * A replacement that fixes the problem:
   * `text.slice(0, span.start) + replacement + text.slice(span.end)`.
   */
  suggestion?: { span: Span; replacement: string; message: string };
  /** For a request body: where in it, e.g. `query.value[1].operator`. */
  path?: string;
}

/** A searchable field, as `qc fields --format json` prints it. */
export interface Field {
  name: string;
  type: "String" | "Integer" | "Float" | "Date" | "Boolean" | "Any";
  operators: string[];
  /** The values an enumerated field takes; empty when any value goes. */
  values: string[];
  doc: string;
  /** True for a workspace's custom attribute. */
  custom: boolean;
  /** Another name a query may use (a ticket attribute's name). */
  alias?: string;
  /** True for a field `ORDER BY` takes, where the target and API version sort. */
  sortable?: boolean;
}

/** The search endpoint a query is for. */
export type Target = "conversations" | "contacts" | "tickets" | "companies";

/**
 * A workspace's attributes: the JSON of `GET /data_attributes` or
 * `GET /ticket_types`, as text or parsed (or the bare array of attributes),
 * or a list of those.
 */
export type Schema = string | object | unknown[];

/**
 * The options of every function; each key optional, and each function
 * reads those it needs. Checked by qc's library: an unknown key or a value
 * of the wrong type throws `TypeError`, a value that is not allowed
 * `RangeError`.
 */
export interface Options {
  /** Default `conversations`. */
  target?: Target | string;
  /** The workspace's IANA time zone, e.g. `Europe/Paris`; default UTC. */
  timezone?: string;
  schema?: Schema;
  /** "Now" for relative dates: unix seconds, a Date or RFC 3339 text; the clock when absent. */
  now?: number | Date | string;
  /** Results per page, 1 to 150 (adds pagination). */
  perPage?: number;
  per_page?: number;
  /** The cursor of the page to continue after (adds pagination). */
  startingAfter?: string;
  starting_after?: string;
  /**
   * A query over the API's limits is rewritten exactly to fit, with a note
   * (default); `false` refuses it, as `qc --no-rewrite`.
   */
  rewrite?: boolean;
  /** The longest input accepted, in bytes of UTF-8 (default 1 MiB). */
  maxInputBytes?: number;
  max_input_bytes?: number;
  /** The most requests `plan` may return (default 50). */
  maxRequests?: number;
  max_requests?: number;
  /** How `decompile` writes dates: `rfc3339` (default) or `unix` seconds. */
  dates?: "rfc3339" | "unix";
  /** The line width of `format`, in columns (default 80). */
  width?: number;
  /**
   * Called with the warnings and notes of a query (or body) that compiles,
   * once per call that has any. Without it they are emitted as a process
   * warning in Node (`process.emitWarning`), with `console.warn` elsewhere.
   */
  onWarning?: (warning: QueryWarning) => void;
}

/** The options that concern the workspace (kept for older code: every function takes `Options`). */
export type WorkspaceOptions = Options;
/** The options of `compile`, `plan` and `check` (kept for older code). */
export type CompileOptions = Options;
/** The options of `decompile` (kept for older code). */
export type DecompileOptions = Options;

/** A search request body: a plain JSON object. */
export type Body = { [key: string]: unknown };

/**
 * The query (or request body) has errors. `message` renders every
 * diagnostic as the `qc` command does.
 */
export class QueryError extends Error {
  constructor(message: string, diagnostics?: Diagnostic[]);
  name: "QueryError";
  /** Every diagnostic, errors and warnings, in source order. */
  diagnostics: Diagnostic[];
}

/**
 * The warnings and notes of an input that compiles, handed to `onWarning`.
 * `message` renders them as the `qc` command does.
 */
export class QueryWarning extends Error {
  constructor(message: string, diagnostics?: Diagnostic[]);
  name: "QueryWarning";
  /** The warnings and notes, in source order. */
  diagnostics: Diagnostic[];
}

/**
 * Loads the WebAssembly module. Needed once before anything else in
 * browsers (from `input`: a URL, a `Response`, bytes or a
 * `WebAssembly.Module`; by default `qc_wasm_bg.wasm` beside the package's
 * script); resolves at once in Node.
 */
export function init(input?: unknown): Promise<void>;

/**
 * Compiles query text to the body of a search request. Throws `QueryError`
 * when the query has errors, `RangeError` for a bad option value.
 */
export function compile(text: string, options?: Options): Body;

/**
 * The request bodies whose union is exactly the query (`qc plan`): one when
 * it fits the API's limits, several when no single request can express it.
 * Throws like `compile`.
 */
export function plan(text: string, options?: Options): Body[];

/** Every diagnostic of query text; empty for a clean query. */
export function check(text: string, options?: Options): Diagnostic[];

/**
 * Every diagnostic of a request body (ranges into its JSON text:
 * `JSON.stringify(body)` for an object); empty when it is valid and clean.
 */
export function validate(body: Body | string, options?: Options): Diagnostic[];

/**
 * A valid request body back to query text. Throws `QueryError` when it is
 * invalid; W0301 (the text does not compile back to the same request) goes
 * to `onWarning`.
 */
export function decompile(body: Body | string, options?: Options): string;

/** The searchable fields of a target. */
export function fields(options?: Options): Field[];

/** Query text in canonical form (`qc fmt`). Throws `QueryError` on syntax errors. */
export function format(text: string, options?: Options): string;

/**
 * True when the object matches the query, as `qc filter` decides. Throws
 * `QueryError` when the query has errors, `TypeError` when the object is
 * not a JSON object.
 */
export function matches(query: string, object: object, options?: Options): boolean;

/**
 * The items of `items` that match the query, in order; the query is
 * compiled once. Throws like `matches`.
 */
export function filter<T extends object>(query: string, items: Iterable<T>, options?: Options): T[];

/** A range in UTF-16 terms, as JavaScript strings and editors count. */
export interface Utf16Range {
  from: number;
  to: number;
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** A completion candidate. */
export interface Completion {
  label: string;
  kind: "field" | "operator" | "value" | "keyword";
  detail: string;
  /** Markdown. */
  documentation: string;
  /** The text to insert in place of `range`. */
  insert: string;
  range: Utf16Range;
}

/** Completions at a UTF-16 offset of the text, for editors (unfiltered). */
export function complete(text: string, offset: number, options?: Options): Completion[];

/** Hover information (Markdown) at a UTF-16 offset of the text, or null. */
export function hover(
  text: string,
  offset: number,
  options?: Options,
): { range: Utf16Range; contents: string } | null;

/** An API version, as `apiVersions()` lists it. */
export interface ApiVersion {
  /** Its name, as the `Intercom-Version` header sends it: `2.11`, `Preview`. */
  version: string;
  /** Whether qc compiles for it unless told otherwise (2.11). */
  default: boolean;
  /** The targets it searches. */
  targets: Target[];
}

/** Every API version qc knows, oldest first, each with the targets it searches. */
export function apiVersions(): ApiVersion[];

/** The version of qc inside. */
export function version(): string;
