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
import { forEditor, utf16Offsets } from "./offsets.js";

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
      const toUtf16 = utf16Offsets(text);
      return diagnostics.map((diagnostic) => {
        const d = forEditor(diagnostic, toUtf16);
        let { from, to } = d;
        from = Math.min(from, length);
        to = Math.min(Math.max(to, from), length);
        const lint = {
          from,
          to,
          severity: d.severity,
          source: d.code,
          message: describe(d),
        };
        if (d.fix) {
          const { from, to, insert, message } = d.fix;
          lint.actions = [
            {
              name: message,
              apply(view) {
                view.dispatch({ changes: { from, to, insert } });
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
    const items = qc.complete(context.state.doc.toString(), context.pos, workspace());
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
    const h = qc.hover(view.state.doc.toString(), pos, workspace());
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
