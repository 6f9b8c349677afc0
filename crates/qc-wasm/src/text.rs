//! Conversions between the library's byte offsets and the UTF-16 offsets
//! that JavaScript strings (and so CodeMirror) use.

use qc::Span;
use qc::diagnostic::{LineIndex, PositionEncoding, WidePosition};
use serde::Serialize;

/// A 0-based line and UTF-16 column, as the Language Server Protocol and
/// browsers count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCharacter {
    /// Line number, from 0.
    pub line: u32,
    /// Column in UTF-16 code units, from 0.
    pub character: u32,
}

/// A range in UTF-16 terms: absolute offsets into the JavaScript string and
/// line/character positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Utf16Range {
    /// First UTF-16 code unit of the range.
    pub from: u32,
    /// One past the last UTF-16 code unit of the range.
    pub to: u32,
    /// Where the range starts.
    pub start: LineCharacter,
    /// Where the range ends (exclusive).
    pub end: LineCharacter,
}

/// One query text with what is needed to convert positions in it.
pub struct Text<'s> {
    source: &'s str,
    index: LineIndex,
    /// The UTF-16 offset at which each line starts.
    line_starts: Vec<u32>,
}

impl<'s> Text<'s> {
    /// Indexes `source`.
    pub fn new(source: &'s str) -> Self {
        let mut line_starts = vec![0];
        let mut units: u32 = 0;
        for c in source.chars() {
            units = units.saturating_add(len_u32(c.len_utf16()));
            if c == '\n' {
                line_starts.push(units);
            }
        }
        Self {
            source,
            index: LineIndex::new(source),
            line_starts,
        }
    }

    /// The line/character position and absolute UTF-16 offset of a byte
    /// offset (clamped into the text).
    pub fn position(&self, offset: usize) -> (LineCharacter, u32) {
        let WidePosition { line, character } =
            self.index.wide_position(offset, PositionEncoding::Utf16);
        let start = usize::try_from(line)
            .ok()
            .and_then(|l| self.line_starts.get(l))
            .copied()
            .unwrap_or(0);
        (
            LineCharacter { line, character },
            start.saturating_add(character),
        )
    }

    /// A byte span in UTF-16 terms.
    pub fn range(&self, span: Span) -> Utf16Range {
        let (start, from) = self.position(span.start());
        let (end, to) = self.position(span.end());
        Utf16Range {
            from,
            to: to.max(from),
            start,
            end,
        }
    }

    /// The byte offset of a UTF-16 offset: the start of the character it
    /// falls in, or the end of the text when it is past the end.
    pub fn byte_offset(&self, utf16: u32) -> usize {
        let mut units: u32 = 0;
        for (i, c) in self.source.char_indices() {
            let next = units.saturating_add(len_u32(c.len_utf16()));
            if next > utf16 {
                return i;
            }
            units = next;
        }
        self.source.len()
    }
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_offsets_are_unchanged() {
        let t = Text::new("state = open\nAND read = true");
        let r = t.range(Span::new(17, 21));
        assert_eq!((r.from, r.to), (17, 21));
        assert_eq!(
            r.start,
            LineCharacter {
                line: 1,
                character: 4
            }
        );
        assert_eq!(t.byte_offset(17), 17);
        assert_eq!(t.byte_offset(1000), 28);
    }

    #[test]
    fn astral_characters_count_two_units() {
        // "😀" is 4 bytes and 2 UTF-16 units; "é" is 2 bytes and 1 unit.
        let src = "source.body ~ \"😀é\"\nAND stat = open";
        let t = Text::new(src);
        let stat = src.find("stat ").expect("present");
        let r = t.range(Span::new(stat, stat + 4));
        let js_from = src[..stat].encode_utf16().count() as u32;
        assert_eq!((r.from, r.to), (js_from, js_from + 4));
        assert_eq!(
            r.start,
            LineCharacter {
                line: 1,
                character: 4
            }
        );
        assert_eq!(t.byte_offset(js_from), stat);
        // Inside the surrogate pair: back to the emoji's first byte.
        assert_eq!(t.byte_offset(16), 15);
    }

    #[test]
    fn out_of_range_spans_are_clamped() {
        let t = Text::new("ab");
        let r = t.range(Span::new(1, 99));
        assert_eq!((r.from, r.to), (1, 2));
    }
}
