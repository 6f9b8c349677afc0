//! Byte ranges into the query text: a leaf module (it uses nothing of the
//! crate), below the diagnostics that point into text and the syntax tree
//! whose every node carries one.

use serde::Serialize;

/// A half-open byte range `start..end` into the source text, with
/// `start <= end` always.
///
/// Spans are the library's single notion of position; line:column and
/// editor positions are derived from them at the edges
/// (see [`crate::diagnostic::LineIndex`]). Offsets are `u32`, which keeps
/// tokens and tree nodes small; an offset past 4 GiB is clamped to
/// `u32::MAX` ([`crate::compile`] refuses inputs over
/// [`crate::MAX_SOURCE_BYTES`]). Modelled on `text-size`'s `TextRange`,
/// except that bounds given end first are ordered rather than refused:
/// an editor's range may come reversed, and bad input never panics.
///
/// ```
/// use qc::Span;
/// let s = Span::new(4, 9);
/// assert_eq!((s.start(), s.end(), s.len()), (4, 9, 5));
/// assert_eq!(Span::new(9, 4), s);
/// assert!(s.contains(4) && !s.contains(9));
/// assert_eq!(s.cover(Span::empty(12)), Span::new(4, 12));
/// assert_eq!(&"state = open"[Span::new(0, 5).range()], "state");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, PartialOrd, Ord)]
pub struct Span {
    start: u32,
    end: u32,
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
    /// The span between byte offsets `a` and `b`, in either order.
    pub const fn new(a: usize, b: usize) -> Self {
        let (a, b) = (offset(a), offset(b));
        if a <= b {
            Self { start: a, end: b }
        } else {
            Self { start: b, end: a }
        }
    }

    /// An empty span at `offset`.
    pub const fn empty(offset: usize) -> Self {
        Self::new(offset, offset)
    }

    /// The first byte, as an index.
    pub const fn start(self) -> usize {
        self.start as usize
    }

    /// One past the last byte, as an index.
    pub const fn end(self) -> usize {
        self.end as usize
    }

    /// Length in bytes.
    pub const fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// True when the span covers no bytes.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span as a `Range<usize>`, for slicing and renderers.
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The smallest span covering both `self` and `other`.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// True when the byte at `offset` is inside the span (`start <=
    /// offset < end`: never for an empty span).
    pub const fn contains(self, offset: usize) -> bool {
        self.start() <= offset && offset < self.end()
    }

    /// True when `other` lies within the span (ends included).
    pub const fn contains_span(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the spans share a byte, or touch (one ends where the
    /// other starts): what an editor's range "at" a diagnostic means.
    pub const fn touches(self, other: Span) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn bounds_are_ordered_and_clamped() {
        assert_eq!(Span::new(8, 4), Span::new(4, 8));
        assert_eq!((Span::new(8, 4).start(), Span::new(8, 4).end()), (4, 8));
        let far = Span::new(usize::MAX, 3);
        assert_eq!((far.start(), far.end()), (3, u32::MAX as usize));
        assert_eq!(Span::from(2..7), Span::new(2, 7));
    }

    #[test]
    fn measures_and_relations() {
        let s = Span::new(4, 9);
        assert_eq!((s.len(), s.is_empty(), s.range()), (5, false, 4..9));
        assert!(Span::empty(3).is_empty());
        assert!(s.contains(4) && s.contains(8) && !s.contains(9) && !s.contains(3));
        assert!(!Span::empty(4).contains(4));
        assert!(s.contains_span(Span::new(5, 9)) && s.contains_span(Span::empty(9)));
        assert!(!s.contains_span(Span::new(3, 5)));
        assert!(s.touches(Span::empty(9)) && s.touches(Span::new(0, 4)));
        assert!(!s.touches(Span::new(10, 12)));
        assert_eq!(s.cover(Span::new(1, 2)), Span::new(1, 9));
    }
}
