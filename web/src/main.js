// The qc playground: an editor on the left, the request body (or the
// problems) on the right, all computed in the page by the WebAssembly build.
import "./style.css";
import init, * as qc from "../pkg/qc_wasm.js";
import { createEditor, describe, relint, setText } from "./editor.js";
import { EXAMPLES } from "./examples.js";
import { stateFromHash, urlWithQuery } from "./share.js";

const $ = (id) => document.getElementById(id);

function renderProblems(list, diagnostics, view) {
  const jump = view !== null;
  list.replaceChildren(
    ...diagnostics.map((d) => {
      const li = document.createElement("li");
      li.className = `problem ${d.severity}`;
      const where =
        `${d.range.start.line + 1}:${d.range.start.character + 1}` + (d.path ? ` (${d.path})` : "");
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
        const s = d.suggestion;
        const fix = document.createElement("button");
        fix.className = "fix";
        fix.textContent = s.message;
        fix.addEventListener("click", () => {
          view.dispatch({ changes: { from: s.range.from, to: s.range.to, insert: s.replacement } });
          view.focus();
        });
        li.append(fix);
      }
      li.addEventListener("click", (e) => {
        if (!jump || e.target.tagName === "BUTTON") return;
        view.dispatch({ selection: { anchor: d.range.from, head: d.range.to }, scrollIntoView: true });
        view.focus();
      });
      li.title = describe(d);
      return li;
    }),
  );
}

function renderFields(table, workspace) {
  const rows = qc.fields(workspace).map((f) => {
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
  await init({ module_or_path: new URL("qc_wasm_bg.wasm", import.meta.url) });
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
  const schemaInput = $("schema-input");
  const shared = stateFromHash(location.hash);
  if (shared.target) target.value = shared.target;
  if (shared.schema) schemaInput.value = shared.schema;
  /** The target and workspace schema every call uses. */
  function workspace() {
    const options = { target: target.value };
    if (schemaInput.value.trim() !== "") options.schema = schemaInput.value;
    return options;
  }

  let view;
  let pending = 0;
  function update() {
    const text = view.state.doc.toString();
    const options = { pretty: true, ...workspace() };
    if (perPage.value !== "") options.per_page = Number(perPage.value);
    const result = qc.compile(text, options);
    // A query no single request can express: show its plan.
    const needsPlan = !result.ok && result.diagnostics.some((d) => d.code === "E0203");
    const planned = needsPlan ? qc.plan(text, { ...options, pretty: false }) : null;
    if (planned && planned.ok) {
      output.textContent = planned.requests.join("\n");
    } else {
      output.textContent = result.ok ? result.json : "";
    }
    output.hidden = !result.ok && !(planned && planned.ok);
    const errors = result.diagnostics.filter((d) => d.severity === "error").length;
    status.textContent = result.ok
      ? result.diagnostics.length
        ? `compiled with ${result.diagnostics.length} warning(s)`
        : "compiled"
      : result.error ?? `${errors} error(s)`;
    status.className = result.ok ? "ok" : "invalid";
    if (planned && planned.ok) {
      status.textContent = `needs ${planned.requests.length} requests (qc plan): one JSON body per line`;
      status.className = "plan";
    }
    renderProblems(problems, result.diagnostics, view);
    history.replaceState(null, "", urlWithQuery(location.href, text, target.value, schemaInput.value));
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
    const result = qc.format(view.state.doc.toString());
    if (result.ok) {
      if (result.text !== view.state.doc.toString()) setText(view, result.text);
    } else {
      status.textContent = "fix the syntax errors before formatting";
      status.className = "invalid";
    }
    view.focus();
  });
  $("decompile").addEventListener("click", () => {
    const result = qc.decompile($("json-input").value, false, workspace());
    renderProblems($("json-problems"), result.diagnostics, null);
    if (result.ok) {
      setText(view, result.text);
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
