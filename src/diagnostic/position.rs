//! Byte offsets to human and editor positions.

use serde::Serialize;

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
