// The package's diagnostics count bytes of the UTF-8 text (as the `qc`
// command does); the editor counts UTF-16 units, as JavaScript strings do.

/** A function from byte offsets of `text` (as UTF-8) to UTF-16 offsets. */
export function utf16Offsets(text) {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (byte) => Math.min(byte, text.length);
  return (byte) => {
    let bytes = 0;
    let units = 0;
    for (const ch of text) {
      if (bytes >= byte) break;
      const cp = ch.codePointAt(0);
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      units += ch.length;
    }
    return units;
  };
}

/**
 * A diagnostic with UTF-16 offsets for the editor: `from`/`to`, and
 * `fix` ({from, to, insert, message}) when it carries a suggestion.
 */
export function forEditor(d, toUtf16) {
  const out = { ...d, from: toUtf16(d.range.start), to: toUtf16(d.range.end) };
  if (d.suggestion) {
    const s = d.suggestion;
    out.fix = { from: toUtf16(s.span.start), to: toUtf16(s.span.end), insert: s.replacement, message: s.message };
  }
  return out;
}
