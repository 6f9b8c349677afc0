// The qc playground: an editor on the left, the request body (or the
// problems) on the right, all computed in the page by the intercom-qc
// package (bindings/js), qc's compiler in WebAssembly.
import "./style.css";
import * as qc from "intercom-qc";
import { createEditor, describe, relint, setText } from "./editor.js";
import { EXAMPLES } from "./examples.js";
import { stateFromHash, urlWithQuery } from "./share.js";

const $ = (id) => document.getElementById(id);

/**
 * Lists diagnostics (ranges in UTF-16 units, as the editor counts); in the
 * editor `view` when not null.
 */
function renderProblems(list, diagnostics, view) {
  const jump = view !== null;
  list.replaceChildren(
    ...diagnostics.map((d) => {
      const li = document.createElement("li");
      li.className = `problem ${d.severity}`;
      const at = d.location ? `${d.location.start.line}:${d.location.start.column}` : `offset ${d.range.start}`;
      const where = at + (d.path ? ` (${d.path})` : "");
      const head = document.createElement("div");
      head.textContent = `${d.severity}[${d.code}] ${where}: ${d.message}`;
      li.append(head);
      if (d.help) {
        const help = document.createElement("div");
        help.className = "help";
        help.textContent = d.help;
        li.append(help);
      }
      if (d.suggestion && jump) {
        const { span, replacement, message } = d.suggestion;
        const fix = document.createElement("button");
        fix.className = "fix";
        fix.textContent = message;
        fix.addEventListener("click", () => {
          view.dispatch({ changes: { from: span.start, to: span.end, insert: replacement } });
          view.focus();
        });
        li.append(fix);
      }
      li.addEventListener("click", (e) => {
        if (!jump || e.target.tagName === "BUTTON") return;
        view.dispatch({ selection: { anchor: d.range.start, head: d.range.end }, scrollIntoView: true });
        view.focus();
      });
      li.title = describe(d);
      return li;
    }),
  );
}

function renderFields(table, workspace) {
  let fields = [];
  try {
    fields = qc.fields(workspace);
  } catch {
    // A bad schema: the status line says why.
  }
  const rows = fields.map((f) => {
    const tr = document.createElement("tr");
    const name = f.custom ? `${f.name} (custom)` : f.name;
    for (const text of [name, f.type, f.operators.join(" "), f.values.join(", ") || "—", f.doc]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  const label = button.textContent;
  button.textContent = "Copied";
  setTimeout(() => (button.textContent = label), 1200);
}

async function main() {
  await qc.init(new URL("qc_wasm_bg.wasm", import.meta.url));
  $("version").textContent = `qc ${qc.version()}`;

  const output = $("output");
  const problems = $("problems");
  const status = $("status");
  const perPage = $("per-page");
  const examples = $("examples");

  for (const [i, ex] of EXAMPLES.entries()) {
    examples.add(new Option(ex.name, String(i)));
  }

  const target = $("target");
  const apiVersion = $("api-version");
  const schemaInput = $("schema-input");
  // The versions and the targets each searches, from the library's table.
  const versions = qc.apiVersions();
  const defaultVersion = versions.find((v) => v.default)?.version ?? "";
  for (const v of versions) {
    apiVersion.add(new Option(v.default ? `${v.version} (default)` : v.version, v.version));
  }
  apiVersion.value = defaultVersion;
  /** Offers only the targets the chosen version searches. */
  function versionChanged() {
    const searched = versions.find((v) => v.version === apiVersion.value)?.targets ?? [];
    for (const option of target.options) option.disabled = !searched.includes(option.value);
    if (target.selectedOptions[0]?.disabled) target.value = searched[0] ?? "conversations";
  }
  const shared = stateFromHash(location.hash);
  if (shared.version && versions.some((v) => v.version === shared.version)) apiVersion.value = shared.version;
  versionChanged();
  if (shared.target && [...target.options].some((o) => o.value === shared.target && !o.disabled)) {
    target.value = shared.target;
  }
  if (shared.schema) schemaInput.value = shared.schema;
  /**
   * The target, API version and workspace schema every call uses. Warnings
   * are shown from `onWarning` where a call has them, never logged.
   */
  function workspace() {
    const options = { target: target.value, apiVersion: apiVersion.value, onWarning: () => {} };
    if (schemaInput.value.trim() !== "") options.schema = schemaInput.value;
    return options;
  }

  let view;
  let pending = 0;
  /** Compiles the text: `{body, requests, diagnostics, error}`. */
  function run(text) {
    let warnings = [];
    const options = { ...workspace(), onWarning: (w) => (warnings = w.diagnostics) };
    if (perPage.value !== "") options.perPage = Number(perPage.value);
    try {
      const body = qc.compile(text, options);
      return { body, requests: null, diagnostics: warnings, error: null };
    } catch (e) {
      if (!(e instanceof qc.QueryError)) return { body: null, requests: null, diagnostics: [], error: e.message };
      // A query no single request can express: show its plan.
      let requests = null;
      if (e.diagnostics.some((d) => d.code === "E0203")) {
        try {
          requests = qc.plan(text, options);
        } catch {
          requests = null;
        }
      }
      return { body: null, requests, diagnostics: e.diagnostics, error: null };
    }
  }

  function update() {
    const text = view.state.doc.toString();
    const result = run(text);
    const ok = result.body !== null;
    const planned = result.requests !== null;
    output.textContent = ok
      ? JSON.stringify(result.body, null, 2)
      : planned
        ? result.requests.map((r) => JSON.stringify(r)).join("\n")
        : "";
    output.hidden = !ok && !planned;
    const errors = result.diagnostics.filter((d) => d.severity === "error").length;
    status.textContent = ok
      ? result.diagnostics.length
        ? `compiled with ${result.diagnostics.length} warning(s)`
        : "compiled"
      : result.error ?? `${errors} error(s)`;
    status.className = ok ? "ok" : "invalid";
    if (planned) {
      status.textContent = `needs ${result.requests.length} requests (qc plan): one JSON body per line`;
      status.className = "plan";
    }
    renderProblems(problems, result.diagnostics, view);
    history.replaceState(
      null,
      "",
      urlWithQuery(location.href, text, target.value, schemaInput.value, apiVersion.value, defaultVersion),
    );
  }
  function schedule() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(update);
  }

  const initial = shared.query ?? EXAMPLES[1].query;
  view = createEditor(
    qc,
    $("editor"),
    initial,
    () => {
      examples.value = "";
      schedule();
    },
    workspace,
  );
  /** A new target or schema: recheck the text and list the fields again. */
  function workspaceChanged() {
    renderFields($("fields"), workspace());
    update();
    relint(view);
  }
  target.addEventListener("change", workspaceChanged);
  apiVersion.addEventListener("change", () => {
    versionChanged();
    workspaceChanged();
  });
  schemaInput.addEventListener("input", workspaceChanged);
  examples.value = "";
  examples.addEventListener("change", () => {
    const ex = EXAMPLES[Number(examples.value)];
    if (!ex) return;
    setText(view, ex.query);
    examples.value = String(EXAMPLES.indexOf(ex));
    update();
  });
  perPage.addEventListener("input", schedule);
  window.addEventListener("hashchange", () => {
    const q = stateFromHash(location.hash).query;
    if (q !== null && q !== view.state.doc.toString()) setText(view, q);
  });
  $("copy-json").addEventListener("click", (e) => copy(output.textContent, e.currentTarget));
  $("copy-link").addEventListener("click", (e) => copy(location.href, e.currentTarget));
  $("format").addEventListener("click", () => {
    try {
      const text = qc.format(view.state.doc.toString());
      if (text !== view.state.doc.toString()) setText(view, text);
    } catch {
      status.textContent = "fix the syntax errors before formatting";
      status.className = "invalid";
    }
    view.focus();
  });
  $("decompile").addEventListener("click", () => {
    const json = $("json-input").value;
    let text = null;
    let diagnostics = [];
    try {
      text = qc.decompile(json, { ...workspace(), onWarning: (w) => (diagnostics = w.diagnostics) });
    } catch (e) {
      if (!(e instanceof qc.QueryError)) throw e;
      diagnostics = e.diagnostics;
    }
    renderProblems($("json-problems"), diagnostics, null);
    if (text !== null) {
      setText(view, text);
      update();
    }
  });
  renderFields($("fields"), workspace());
  update();
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  $("status").textContent = `failed to start: ${e}`;
  $("status").className = "invalid";
  document.body.dataset.ready = "error";
  throw e;
});
