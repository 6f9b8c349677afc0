//! Byte ranges into the query text.

use serde::Serialize;

/// A half-open byte range `start..end` into the source text.
///
/// Spans are the library's single notion of position; line:column and
/// editor positions are derived from them at the edges
/// (see [`crate::diagnostic::LineIndex`]). Offsets are `u32`, which keeps
/// tokens and tree nodes small; an offset past 4 GiB is clamped to
/// `u32::MAX` ([`crate::compile`] refuses inputs over
/// [`crate::MAX_SOURCE_BYTES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, PartialOrd, Ord)]
pub struct Span {
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

/// `offset` as a span offset, clamped to `u32::MAX`.
const fn offset(offset: usize) -> u32 {
    if offset > u32::MAX as usize {
        u32::MAX
    } else {
        offset as u32
    }
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub const fn new(start: usize, end: usize) -> Self {
        Self {
            start: offset(start),
            end: offset(end),
        }
    }

    /// The first byte, as an index.
    pub const fn start(self) -> usize {
        self.start as usize
    }

    /// One past the last byte, as an index.
    pub const fn end(self) -> usize {
        self.end as usize
    }

    /// An empty span at `offset`.
    pub const fn empty(offset: usize) -> Self {
        Self::new(offset, offset)
    }

    /// The smallest span covering both `self` and `other`.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes (0 for a malformed span that ends before it starts).
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    /// True when the span covers no bytes.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span as a `Range<usize>`, for slicing and renderers.
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}
