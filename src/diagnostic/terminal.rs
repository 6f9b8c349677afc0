//! Text for terminals: characters from a query, a JSON document, a file
//! name or a server's answer that would control the terminal (an escape
//! sequence, a bell, a carriage return) or reorder what it shows (bidi
//! overrides) are written as escapes, `\u{1b}`, `\u{202e}`.
//!
//! [`escape_for_terminal`] is the one function every human message goes
//! through: the renderer calls it for messages, labels, help and the source
//! excerpt (keeping the excerpt's own line breaks and tabs, see
//! [`escape_source`]), and the CLI for any other text it prints on stderr.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::RangeInclusive;

/// The characters shown escaped, and why each range is unsafe.
const UNSAFE: &[(RangeInclusive<char>, &str)] = &[
    (
        '\u{0}'..='\u{1f}',
        "C0 controls: ESC starts escape sequences, BEL rings, CR and BS overwrite",
    ),
    (
        '\u{7f}'..='\u{9f}',
        "DEL and the C1 controls (U+009B is CSI to some terminals)",
    ),
    (
        '\u{61c}'..='\u{61c}',
        "the Arabic letter mark, a bidi control",
    ),
    (
        '\u{200e}'..='\u{200f}',
        "the left-to-right and right-to-left marks",
    ),
    ('\u{2028}'..='\u{2029}', "the line and paragraph separators"),
    ('\u{202a}'..='\u{202e}', "bidi embeddings and overrides"),
    ('\u{2066}'..='\u{2069}', "bidi isolates"),
];

/// True for a character that must not reach a terminal as it is: C0 and
/// C1 controls, DEL, the bidirectional controls (U+061C, U+200E, U+200F,
/// U+202A to U+202E, U+2066 to U+2069) and the line and paragraph
/// separators (U+2028, U+2029).
pub fn is_unsafe_for_terminal(c: char) -> bool {
    // Most text is printable ASCII: one comparison for it.
    if (' '..'\u{7f}').contains(&c) {
        return false;
    }
    UNSAFE.iter().any(|(range, _)| range.contains(&c))
}

/// `text` with every character of [`is_unsafe_for_terminal`] escaped: a
/// newline as `\n`, a tab as `\t`, any other as `\u{HEX}` (lower-case hex,
/// as qc's own strings write it), so that text from input cannot control
/// the terminal it is printed on. Borrowed when nothing needs escaping.
///
/// ```
/// use qc::diagnostic::escape_for_terminal;
/// assert_eq!(escape_for_terminal("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
/// assert_eq!(escape_for_terminal("\u{202e}cba"), "\\u{202e}cba");
/// assert_eq!(escape_for_terminal("state = open"), "state = open");
/// ```
///
/// A backslash is not escaped, so input that spells `\u{1b}` reads the
/// same as an escaped ESC; what matters here is that no control reaches
/// the terminal.
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    escape(text, |_, _| false, None)
}

/// Where a source excerpt's text moved when escaped: offsets in the text
/// to offsets in its escaped form.
#[derive(Debug, Clone, Default)]
pub(crate) struct OffsetMap {
    /// For each escaped character: the offset just after it in the text,
    /// and how many bytes longer the escaped text is up to there.
    growth: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// True when nothing was escaped: every offset stays.
    pub(crate) fn is_identity(&self) -> bool {
        self.growth.is_empty()
    }

    /// The offset in the escaped text of `offset` in the text.
    pub(crate) fn map(&self, offset: usize) -> usize {
        let before = self.growth.partition_point(|&(end, _)| end <= offset);
        let grown = match before {
            0 => 0,
            n => self.growth[n - 1].1,
        };
        offset + grown
    }
}

/// A source excerpt escaped as [`escape_for_terminal`] does, except what
/// lays it out: newlines, a carriage return just before a newline (a CRLF
/// line end), and tabs (which the renderer draws as spaces). Any other line
/// break (CR, VT, FF, NEL, U+2028, U+2029) is escaped, so the excerpt's
/// lines are the lines qc counts. Returns the map of its offsets too.
pub(crate) fn escape_source(text: &str) -> (Cow<'_, str>, OffsetMap) {
    let mut map = OffsetMap::default();
    let keep =
        |c: char, next: Option<char>| matches!(c, '\n' | '\t') || c == '\r' && next == Some('\n');
    let escaped = escape(text, keep, Some(&mut map));
    (escaped, map)
}

/// Escapes the unsafe characters of `text` that `keep` (given the
/// character and the next one) does not keep, recording in `map` how the
/// offsets moved.
fn escape<'a>(
    text: &'a str,
    keep: impl Fn(char, Option<char>) -> bool,
    mut map: Option<&mut OffsetMap>,
) -> Cow<'a, str> {
    let mut chars = text.char_indices().peekable();
    let mut out: Option<String> = None;
    let mut copied = 0;
    while let Some((i, c)) = chars.next() {
        if !is_unsafe_for_terminal(c) || keep(c, chars.peek().map(|&(_, n)| n)) {
            continue;
        }
        let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
        out.push_str(&text[copied..i]);
        let before = out.len();
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            // Writing to a String cannot fail.
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
        copied = i + c.len_utf8();
        if let Some(map) = map.as_deref_mut() {
            let grown = map.growth.last().map_or(0, |&(_, g)| g);
            let grew = out.len() - before - c.len_utf8();
            map.growth.push((copied, grown + grew));
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_character_is_escaped_and_nothing_else_below_u3000() {
        for c in ('\u{0}'..='\u{3000}').filter(|c| !c.is_ascii_alphanumeric()) {
            let text = c.to_string();
            let escaped = escape_for_terminal(&text);
            let listed = UNSAFE.iter().any(|(r, _)| r.contains(&c));
            assert_eq!(is_unsafe_for_terminal(c), listed, "{c:?}");
            if listed {
                assert!(escaped.starts_with('\\'), "{c:?} -> {escaped:?}");
                assert!(!escaped.chars().any(is_unsafe_for_terminal), "{c:?}");
            } else {
                assert_eq!(escaped, text);
            }
        }
        assert_eq!(escape_for_terminal("a\tb\nc\r"), "a\\tb\\nc\\u{d}");
    }

    #[test]
    fn a_source_keeps_its_layout_and_maps_offsets() {
        let text = "a\u{1b}b\r\n\u{202e}c\td\re";
        let (escaped, map) = escape_source(text);
        assert_eq!(escaped, "a\\u{1b}b\r\n\\u{202e}c\td\\u{d}e");
        // Each character of the text at its new offset: ESC, U+202E and the
        // lone CR escaped, the rest as it was.
        let escaped_at = [1, 5, 11];
        for (i, c) in text.char_indices() {
            let at = map.map(i);
            let shown = &escaped[at..];
            if escaped_at.contains(&i) {
                assert!(shown.starts_with("\\u{"), "{i} {c:?}: {shown:?}");
            } else {
                assert!(shown.starts_with(c), "{i} {c:?}: {shown:?}");
            }
        }
        assert_eq!(map.map(text.len()), escaped.len());
    }
}
