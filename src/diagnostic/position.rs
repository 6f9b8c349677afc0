//! Byte offsets to human and editor positions.

use serde::Serialize;

use crate::span::Span;

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column in characters, starting at 1.
    pub column: u32,
}

/// How an editor counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    /// UTF-8 code units (bytes).
    Utf8,
    /// UTF-16 code units: the LSP default and what browsers use.
    #[default]
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

/// A 0-based line and column in some [`PositionEncoding`], as editors use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct WidePosition {
    /// Line number, starting at 0.
    pub line: u32,
    /// Column in code units of the chosen encoding, starting at 0.
    pub character: u32,
}

/// Maps byte offsets of one text to lines and columns.
///
/// A thin wrapper around the `line-index` crate that never panics: offsets
/// past the end are clamped and offsets inside a character are moved back to
/// its start.
#[derive(Debug, Clone)]
pub struct LineIndex {
    inner: line_index::LineIndex,
    len: usize,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        Self {
            inner: line_index::LineIndex::new(text),
            len: text.len(),
        }
    }

    fn line_col(&self, offset: usize) -> line_index::LineCol {
        let mut offset = offset.min(self.len);
        loop {
            let size = line_index::TextSize::new(u32::try_from(offset).unwrap_or(u32::MAX));
            if let Some(lc) = self.inner.try_line_col(size) {
                return lc;
            }
            if offset == 0 {
                return line_index::LineCol { line: 0, col: 0 };
            }
            offset -= 1;
        }
    }

    /// The 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let wide = self.wide_position(offset, PositionEncoding::Utf32);
        Position {
            line: wide.line + 1,
            column: wide.character + 1,
        }
    }

    /// The 0-based editor position of a byte offset.
    pub fn wide_position(&self, offset: usize, encoding: PositionEncoding) -> WidePosition {
        let lc = self.line_col(offset);
        let character = match encoding {
            PositionEncoding::Utf8 => lc.col,
            PositionEncoding::Utf16 => self
                .inner
                .to_wide(line_index::WideEncoding::Utf16, lc)
                .map_or(lc.col, |w| w.col),
            PositionEncoding::Utf32 => self
                .inner
                .to_wide(line_index::WideEncoding::Utf32, lc)
                .map_or(lc.col, |w| w.col),
        };
        WidePosition {
            line: lc.line,
            character,
        }
    }

    /// The byte offset of an editor position, if it lies inside the text.
    pub fn offset(&self, position: WidePosition, encoding: PositionEncoding) -> Option<usize> {
        let wide = line_index::WideLineCol {
            line: position.line,
            col: position.character,
        };
        let lc = match encoding {
            PositionEncoding::Utf8 => line_index::LineCol {
                line: position.line,
                col: position.character,
            },
            PositionEncoding::Utf16 => self.inner.to_utf8(line_index::WideEncoding::Utf16, wide)?,
            PositionEncoding::Utf32 => self.inner.to_utf8(line_index::WideEncoding::Utf32, wide)?,
        };
        let offset = usize::from(self.inner.offset(lc)?);
        (offset <= self.len).then_some(offset)
    }
}

/// Converts offsets of one text between bytes (the library's unit) and
/// the code units of another [`PositionEncoding`]: UTF-16 for JavaScript,
/// Unicode scalar values (code points) for Python.
///
/// Built once per text in one pass; each conversion is a binary search
/// over the text's non-ASCII characters (none for ASCII text).
///
/// ```
/// use qc::diagnostic::{OffsetEncoder, PositionEncoding};
/// let text = "a ~ “é” AND b";
/// let utf16 = OffsetEncoder::new(text, PositionEncoding::Utf16);
/// let and = text.find("AND").unwrap();
/// assert_eq!(utf16.to_units(and), 8);
/// assert_eq!(utf16.to_bytes(8), and);
/// let points = OffsetEncoder::new("😀x", PositionEncoding::Utf32);
/// assert_eq!((points.to_units(4), PositionEncoding::Utf16.len_of('😀')), (1, 2));
/// ```
#[derive(Debug, Clone)]
pub struct OffsetEncoder {
    /// Each non-ASCII character: where it starts, in bytes and in units,
    /// and its length in each.
    marks: Vec<Mark>,
    /// The text's length in bytes.
    len: usize,
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    byte: u32,
    unit: u32,
    byte_len: u8,
    unit_len: u8,
}

impl PositionEncoding {
    /// The length of `c` in this encoding's code units.
    pub fn len_of(self, c: char) -> usize {
        match self {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }
}

impl OffsetEncoder {
    /// The encoder of `text` into `encoding`'s units.
    pub fn new(text: &str, encoding: PositionEncoding) -> Self {
        let mut marks = Vec::new();
        if !text.is_ascii() {
            // Units before the last character seen, and its byte end.
            let (mut units, mut ascii_from) = (0usize, 0usize);
            for (at, c) in text.char_indices() {
                if c.is_ascii() {
                    continue;
                }
                units += at - ascii_from;
                let unit_len = encoding.len_of(c);
                marks.push(Mark {
                    byte: clamp(at),
                    unit: clamp(units),
                    // At most 4 each.
                    byte_len: c.len_utf8() as u8,
                    unit_len: unit_len as u8,
                });
                units += unit_len;
                ascii_from = at + c.len_utf8();
            }
        }
        Self {
            marks,
            len: text.len(),
        }
    }

    /// The code units before byte `offset` (clamped into the text; an
    /// offset inside a character counts as its start).
    pub fn to_units(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        let i = self.marks.partition_point(|m| m.byte as usize <= offset);
        match i.checked_sub(1).and_then(|i| self.marks.get(i)) {
            None => offset,
            Some(m) => {
                let end = m.byte as usize + usize::from(m.byte_len);
                if offset < end {
                    m.unit as usize
                } else {
                    m.unit as usize + usize::from(m.unit_len) + (offset - end)
                }
            }
        }
    }

    /// The byte offset of `units` code units into the text (clamped; a
    /// count that ends inside a character gives the character's start).
    pub fn to_bytes(&self, units: usize) -> usize {
        let i = self.marks.partition_point(|m| m.unit as usize <= units);
        let bytes = match i.checked_sub(1).and_then(|i| self.marks.get(i)) {
            None => units,
            Some(m) => {
                let end = m.unit as usize + usize::from(m.unit_len);
                if units < end {
                    m.byte as usize
                } else {
                    m.byte as usize + usize::from(m.byte_len) + (units - end)
                }
            }
        };
        bytes.min(self.len)
    }

    /// A byte span in code units.
    pub fn span(&self, span: Span) -> Span {
        Span::new(self.to_units(span.start()), self.to_units(span.end()))
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Against counting by hand, at every byte offset.
        #[test]
        fn offsets_agree_with_counting(text in "[a-z “”é😀中\n]{0,40}") {
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
                let enc = OffsetEncoder::new(&text, encoding);
                for b in 0..=text.len() + 2 {
                    let start = (0..=b.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                    let units: usize = text[..start].chars().map(|c| encoding.len_of(c)).sum();
                    prop_assert_eq!(enc.to_units(b), units);
                    if text.is_char_boundary(b) {
                        prop_assert_eq!(enc.to_bytes(units), b);
                    }
                }
            }
        }
    }
}
