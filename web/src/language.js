// Syntax highlighting for qc: a small stream tokenizer that tracks whether
// a field, an operator or a value comes next, so that field names, values
// and dates get their own colours.
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";

// qc's keywords (qc::syntax::lexical::KEYWORDS, in lower case), each with
// what comes after it: a comparison after `and`, `or` and `not` (the
// joiners; `not` before `in` or `contains` belongs to the operator), and
// after the operator words what follows them in the operator. The symbolic
// operators are those of qc::syntax::OpSpelling. tests/grammar.rs keeps
// both lists equal to the lexer's, both ways.
const KEYWORDS = {
  "and": "field",
  "or": "field",
  "not": "field",
  "in": "value",
  "nin": "value",
  "contains": "value",
  "starts": "operator",
  "ends": "operator",
  "with": "value",
  "is": "operator",
  "null": "joiner"
};
// The words of the closing `ORDER BY field [ASC|DESC]` clause
// (qc::syntax::lexical::SORT_KEYWORDS, in lower case; tests/grammar.rs keeps
// the two equal): keywords only there, so fields and values with these names
// stay fields and values elsewhere.
const SORT_KEYWORDS = ["order", "by", "asc", "desc"];
const SYMBOL_OPERATORS = ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "^", "$"];
// Longest first, so that `!=` is not read as `!` then `=`.
const SYMBOLS = new RegExp(
  "^(?:" +
    [...SYMBOL_OPERATORS]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[\\^$|?*+.()[\]{}]/g, "\\$&"))
      .join("|") +
    ")",
);
const DATE = /^(?:\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?|now(?:[+-]\d+[smhdw])?)(?![\w.@-])/i;
const NUMBER = /^-?\d+(?![\w.@:-])/;
// The characters that end a bare word besides whitespace and control
// characters: qc::syntax::lexical::WORD_BREAKERS (tests/grammar.rs keeps the
// two equal).
const WORD_BREAKERS = "()[],\"'=!<>~^$&|";
const WORD = new RegExp(
  "^[^\\s\\p{Cc}" + WORD_BREAKERS.replace(/[\\\]\[^]/g, "\\$&") + "]+",
  "u",
);

// Typographic quotes open a string where a token starts, as " and ' do
// (qc warns about them); either quote of a pair closes it.
const SMART_QUOTES = {
  "\u201C": "\u201C\u201D",
  "\u201D": "\u201C\u201D",
  "\u2018": "\u2018\u2019",
  "\u2019": "\u2018\u2019",
};

function readString(stream, closers) {
  let escaped = false;
  let ch;
  while ((ch = stream.next()) != null) {
    if (closers.includes(ch) && !escaped) return true;
    escaped = !escaped && ch === "\\";
  }
  return false;
}

/** The qc language for CodeMirror. */
export const qcLanguage = StreamLanguage.define({
  name: "qc",
  startState: () => ({ expect: "field", list: false }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (stream.eatSpace()) return null;
    // A comment: `#` or `--` where a token starts, to the end of the line
    // (inside a word, as in `now-7d`, they are ordinary characters).
    if (stream.match("#", false) || stream.match("--", false)) {
      stream.skipToEnd();
      return "comment";
    }
    const ch = stream.peek();
    if (ch === "(") {
      stream.next();
      state.expect = "field";
      return "paren";
    }
    if (ch === ")") {
      stream.next();
      state.expect = "joiner";
      return "paren";
    }
    if (ch === "[") {
      stream.next();
      state.list = true;
      state.expect = "value";
      return "squareBracket";
    }
    if (ch === "]") {
      stream.next();
      state.list = false;
      state.expect = "joiner";
      return "squareBracket";
    }
    if (ch === ",") {
      stream.next();
      state.expect = "value";
      return "separator";
    }
    if (ch === '"' || ch === "'" || Object.hasOwn(SMART_QUOTES, ch)) {
      stream.next();
      readString(stream, SMART_QUOTES[ch] ?? ch);
      const wasField = state.expect === "field";
      state.expect = wasField ? "operator" : state.list ? "list" : "joiner";
      return wasField ? "propertyName" : "string";
    }
    if (stream.match(SYMBOLS)) {
      state.expect = "value";
      return "operator";
    }
    if (state.expect === "value" || state.expect === "list") {
      const next = state.list ? "list" : "joiner";
      if (stream.match(DATE)) {
        state.expect = next;
        return "string.special";
      }
      if (stream.match(NUMBER)) {
        state.expect = next;
        return "number";
      }
    }
    const word = stream.match(WORD);
    if (!word) {
      stream.next();
      return "invalid";
    }
    const lower = word[0].toLowerCase();
    // The sort clause: after a whole comparison, `ORDER BY`, a field, then
    // an optional direction.
    if (state.expect === "joiner" && lower === SORT_KEYWORDS[0]) {
      state.expect = "sortBy";
      return "keyword";
    }
    if (state.expect === "sortBy" && lower === SORT_KEYWORDS[1]) {
      state.expect = "sortField";
      return "keyword";
    }
    if (state.expect === "sortField") {
      state.expect = "sortDirection";
      return "propertyName";
    }
    if (state.expect === "sortDirection" && SORT_KEYWORDS.slice(2).includes(lower)) {
      state.expect = "end";
      return "keyword";
    }
    const after = Object.hasOwn(KEYWORDS, lower) ? KEYWORDS[lower] : null;
    if (after === "field") {
      // `x NOT IN [..]`, `x IS NOT NULL`: NOT after a field is part of the
      // operator.
      if (lower === "not" && state.expect === "operator") return "operatorKeyword";
      state.expect = "field";
      return "keyword";
    }
    if (after !== null && state.expect === "operator") {
      state.expect = after;
      return "operatorKeyword";
    }
    switch (state.expect) {
      case "field":
        state.expect = "operator";
        return "propertyName";
      case "value":
      case "list":
        state.expect = state.list ? "list" : "joiner";
        return lower === "true" || lower === "false" ? "bool" : "atom";
      default:
        return null;
    }
  },
  languageData: {
    closeBrackets: { brackets: ["(", "[", '"', "'"] },
    commentTokens: { line: "#" },
  },
});

/** Colours for qc's tokens (replacing CodeMirror's default style). */
export const qcHighlighting = syntaxHighlighting(
  HighlightStyle.define([
    { tag: tags.propertyName, color: "#0b6e99" },
    { tag: [tags.keyword, tags.operatorKeyword], color: "#8e24aa", fontWeight: "600" },
    { tag: tags.operator, color: "#8e24aa" },
    { tag: tags.string, color: "#2e7d32" },
    { tag: tags.special(tags.string), color: "#c25100" },
    { tag: [tags.atom, tags.bool], color: "#1d4ed8" },
    { tag: tags.number, color: "#0f766e" },
    { tag: [tags.paren, tags.squareBracket, tags.separator], color: "#5b6275" },
    { tag: tags.invalid, color: "#c62828" },
    { tag: tags.comment, color: "#6b7280", fontStyle: "italic" },
  ]),
);
