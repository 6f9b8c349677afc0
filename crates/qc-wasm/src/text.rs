//! The UTF-16 view of one text: JavaScript strings (and so CodeMirror)
//! count UTF-16 code units, the library bytes. A thin layer over the
//! library's [`OffsetEncoder`] and [`LineIndex`].

use qc::diagnostic::{LineIndex, OffsetEncoder, PositionEncoding, WidePosition};
use qc::{Diagnostic, Span};
use serde::Serialize;

/// A range in UTF-16 terms: absolute offsets into the JavaScript string and
/// 0-based line/character positions, as editors use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Utf16Range {
    /// First UTF-16 code unit of the range.
    pub from: usize,
    /// One past the last UTF-16 code unit of the range.
    pub to: usize,
    /// Where the range starts (line from 0, character in UTF-16 units).
    pub start: WidePosition,
    /// Where the range ends (exclusive).
    pub end: WidePosition,
}

/// One text with what is needed to convert positions in it.
pub struct Text {
    encoder: OffsetEncoder,
    lines: LineIndex,
}

impl Text {
    /// Indexes `source`.
    pub fn new(source: &str) -> Self {
        Self {
            encoder: OffsetEncoder::new(source, PositionEncoding::Utf16),
            lines: LineIndex::new(source),
        }
    }

    /// A byte span in UTF-16 terms (clamped into the text).
    pub fn range(&self, span: Span) -> Utf16Range {
        Utf16Range {
            from: self.encoder.to_units(span.start()),
            to: self.encoder.to_units(span.end()),
            start: self.position(span.start()),
            end: self.position(span.end()),
        }
    }

    fn position(&self, offset: usize) -> WidePosition {
        self.lines.wide_position(offset, PositionEncoding::Utf16)
    }

    /// The byte offset of a UTF-16 offset: the start of the character it
    /// falls in, or the end of the text when it is past the end.
    pub fn byte_offset(&self, utf16: u32) -> usize {
        self.encoder
            .to_bytes(usize::try_from(utf16).unwrap_or(usize::MAX))
    }

    /// Diagnostics of this text with every range in UTF-16 units.
    pub fn diagnostics(&self, diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
        diagnostics
            .iter()
            .map(|d| d.in_units(&self.encoder))
            .collect()
    }
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
            WidePosition {
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
        let js_from = src[..stat].encode_utf16().count();
        assert_eq!((r.from, r.to), (js_from, js_from + 4));
        assert_eq!(
            r.start,
            WidePosition {
                line: 1,
                character: 4
            }
        );
        assert_eq!(t.byte_offset(js_from as u32), stat);
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
