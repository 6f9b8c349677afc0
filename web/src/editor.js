// The CodeMirror editor wired to the intercom-qc package: squiggles from
// `check`, completion from `complete`, hover from `hover`.
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { keymap, hoverTooltip } from "@codemirror/view";
import { forceLinting, linter, lintGutter } from "@codemirror/lint";
import { autocompletion } from "@codemirror/autocomplete";
import { indentWithTab } from "@codemirror/commands";
import { qcHighlighting, qcLanguage } from "./language.js";
import { renderMarkdown } from "./markdown.js";

/** The text of a diagnostic: the message and, when known, the fix. */
export function describe(d) {
  return d.help ? `${d.message}\n${d.help}` : d.message;
}

function lintSource(qc, workspace) {
  return linter(
    (view) => {
      const text = view.state.doc.toString();
      const length = view.state.doc.length;
      let diagnostics;
      try {
        diagnostics = qc.check(text, workspace());
      } catch {
        return []; // a bad target or schema: the status line says why
      }
      // The package's ranges count UTF-16 units, as the editor does.
      return diagnostics.map((d) => {
        const from = Math.min(d.range.start, length);
        const to = Math.min(Math.max(d.range.end, from), length);
        const lint = {
          from,
          to,
          severity: d.severity,
          source: d.code,
          message: describe(d),
        };
        if (d.suggestion) {
          const { span, replacement, message } = d.suggestion;
          lint.actions = [
            {
              name: message,
              apply(view) {
                view.dispatch({ changes: { from: span.start, to: span.end, insert: replacement } });
              },
            },
          ];
        }
        return lint;
      });
    },
    { delay: 150 },
  );
}

const KIND_TYPES = { field: "property", operator: "keyword", value: "constant", keyword: "keyword" };

function completionSource(qc, workspace) {
  return (context) => {
    const word = context.matchBefore(/[\p{L}\p{N}_.@+\-:]+$/u);
    if (!word && !context.explicit) return null;
    let items;
    try {
      items = qc.complete(context.state.doc.toString(), context.pos, workspace());
    } catch {
      return null; // a bad target or schema: the status line says why
    }
    if (items.length === 0) return null;
    return {
      from: items[0].range.from,
      to: context.pos,
      options: items.map((c) => ({
        label: c.label,
        type: KIND_TYPES[c.kind] ?? "text",
        detail: c.detail,
        info: c.documentation ? () => renderMarkdown(c.documentation, "qc-doc") : undefined,
        apply: c.insert,
      })),
      validFor: /^[\p{L}\p{N}_.@+\-:]*$/u,
    };
  };
}

function hovers(qc, workspace) {
  return hoverTooltip((view, pos) => {
    let h;
    try {
      h = qc.hover(view.state.doc.toString(), pos, workspace());
    } catch {
      return null; // a bad target or schema
    }
    if (!h) return null;
    return {
      pos: h.range.from,
      end: h.range.to,
      above: true,
      create: () => ({ dom: renderMarkdown(h.contents, "qc-doc qc-hover") }),
    };
  });
}

/**
 * Creates the editor in `parent` with `doc`; `onChange(text)` runs on every
 * edit, and `workspace()` gives the target and schema options of each call.
 */
export function createEditor(qc, parent, doc, onChange, workspace = () => ({})) {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        qcLanguage,
        qcHighlighting,
        lintSource(qc, workspace),
        lintGutter(),
        autocompletion({ override: [completionSource(qc, workspace)] }),
        hovers(qc, workspace),
        EditorView.lineWrapping,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
}

/** Replaces the whole text of the editor. */
export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** Checks the text again (after the target or the schema changed). */
export function relint(view) {
  forceLinting(view);
}
