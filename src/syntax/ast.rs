//! The syntax tree: what was written, with a byte span on every node.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::Serialize;

use super::lexical::OpSpelling;
use crate::diagnostic::LineIndex;
use crate::op::{Op, SortOrder};
use crate::span::Span;

/// A parsed query: the tree plus an index of its source's lines.
#[derive(Debug, Clone)]
pub struct Ast<'src> {
    /// The root expression.
    pub root: Expr<'src>,
    /// The source text (its length is the end of every span).
    pub source: &'src str,
    /// Line index of the source, built when first asked for: a query
    /// without diagnostics never needs one.
    line_index: OnceLock<LineIndex>,
    /// Where the comments are (`#` or `--` to the end of the line), in
    /// source order. The compiler ignores them; the formatter keeps them.
    pub comments: Vec<Span>,
    /// The `ORDER BY` clause that ends the query, if any.
    pub order_by: Option<OrderBy<'src>>,
}

impl<'src> Ast<'src> {
    /// The tree `root` of `source`, with the `comments` found in it and no
    /// `ORDER BY`.
    pub fn new(root: Expr<'src>, source: &'src str, comments: Vec<Span>) -> Self {
        Self {
            root,
            source,
            line_index: OnceLock::new(),
            comments,
            order_by: None,
        }
    }

    /// The tree with the `ORDER BY` clause `order_by`.
    pub fn with_order_by(mut self, order_by: Option<OrderBy<'src>>) -> Self {
        self.order_by = order_by;
        self
    }

    /// The line index of the source, for positions in diagnostics.
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(self.source))
    }
}

/// An expression node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expr<'src> {
    /// What the node is.
    pub kind: ExprKind<'src>,
    /// The source text it covers.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "children", rename_all = "snake_case")]
pub enum ExprKind<'src> {
    /// Two or more operands joined by `OR`.
    Or(Vec<Expr<'src>>),
    /// Two or more operands joined by `AND`.
    And(Vec<Expr<'src>>),
    /// `NOT` operand; the span starts at the keyword.
    Not(Box<Expr<'src>>),
    /// A parenthesised expression.
    Paren(Box<Expr<'src>>),
    /// `field op value`.
    Compare(Comparison<'src>),
    /// Something that could not be parsed; the parser reported why.
    Error,
}

/// A comparison `field op value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison<'src> {
    /// The field name as written.
    pub field: Field<'src>,
    /// The operator as written.
    pub op: Operator,
    /// The value as written.
    pub value: Value<'src>,
}

/// A field name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field<'src> {
    /// The dotted name as written, e.g. `source.author.email` (decoded when
    /// quoted), borrowed from the source unless decoding changed it. The
    /// parser knows no field table.
    pub name: Text<'src>,
    /// Where it is.
    pub span: Span,
}

/// `ORDER BY field [ASC|DESC]`, the clause that may end a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderBy<'src> {
    /// The field sorted on, as written.
    pub field: Field<'src>,
    /// `ASC` or `DESC` and where it is; `None` when not written, which the
    /// API reads as descending.
    #[serde(serialize_with = "ser_order")]
    pub order: Option<(SortOrder, Span)>,
    /// Where the clause is, from `ORDER` to its last word.
    pub span: Span,
}

impl OrderBy<'_> {
    /// The order it asks for: as written, else the API's default
    /// (descending).
    pub fn sort_order(&self) -> SortOrder {
        self.order.map_or_else(SortOrder::default, |(o, _)| o)
    }
}

fn ser_order<S: serde::Serializer>(
    o: &Option<(SortOrder, Span)>,
    ser: S,
) -> Result<S::Ok, S::Error> {
    match o {
        Some((order, _)) => ser.serialize_some(order.as_str()),
        None => ser.serialize_none(),
    }
}

/// An operator with its spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Operator {
    /// How it was written (`>=`, `NOT IN`, `CONTAINS`, ...).
    #[serde(serialize_with = "ser_spelling")]
    pub spelling: OpSpelling,
    /// Where it is (both words for two-word operators).
    pub span: Span,
}

fn ser_spelling<S: serde::Serializer>(s: &OpSpelling, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.as_str())
}

impl Operator {
    /// The API operator it means.
    pub fn op(&self) -> Op {
        self.spelling.op()
    }
}

/// A value: one scalar or a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Value<'src> {
    /// What it is.
    pub kind: ValueKind<'src>,
    /// Where it is (brackets included for lists).
    pub span: Span,
}

/// The kinds of value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ValueKind<'src> {
    /// A single value.
    Scalar(Scalar<'src>),
    /// `[a, b, ...]`.
    List(Vec<Scalar<'src>>),
    /// The value is missing or malformed; the parser reported why.
    Error,
}

/// A single value: a bare word or a quoted string, decoded.
///
/// What it means (string, integer, boolean, date) depends on the field it
/// is compared with, so the parser keeps the text and the checker reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scalar<'src> {
    /// The text, with quotes removed and escapes decoded: borrowed from
    /// the source unless there were escapes.
    pub text: Text<'src>,
    /// Whether it was quoted.
    pub quoted: bool,
    /// Where it is (quotes included).
    pub span: Span,
}

impl ExprKind<'_> {
    /// Binding strength: OR (1) < AND (2) < NOT (3) < atoms (4). A child
    /// that binds less tightly than its context needs parentheses.
    pub fn precedence(&self) -> u8 {
        match self {
            ExprKind::Or(_) => 1,
            ExprKind::And(_) => 2,
            ExprKind::Not(_) => 3,
            ExprKind::Paren(_) | ExprKind::Compare(_) | ExprKind::Error => 4,
        }
    }
}

impl<'src> Expr<'src> {
    /// A new node.
    pub fn new(kind: ExprKind<'src>, span: Span) -> Self {
        Self { kind, span }
    }

    /// Calls `f` on every comparison in the tree, left to right.
    pub fn for_each_comparison(&self, f: &mut impl FnMut(&Comparison<'src>)) {
        match &self.kind {
            ExprKind::Or(items) | ExprKind::And(items) => {
                items.iter().for_each(|e| e.for_each_comparison(f))
            }
            ExprKind::Not(inner) | ExprKind::Paren(inner) => inner.for_each_comparison(f),
            ExprKind::Compare(c) => f(c),
            ExprKind::Error => {}
        }
    }
}

/// Text taken from the query: borrowed from the source when it is used as
/// written (the usual case), owned when decoding escapes changed it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Text<'src>(Cow<'src, str>);

impl<'src> Text<'src> {
    /// Text borrowed from the source.
    pub const fn borrowed(text: &'src str) -> Self {
        Text(Cow::Borrowed(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as an owned `String`.
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'src> From<&'src str> for Text<'src> {
    fn from(text: &'src str) -> Self {
        Text(Cow::Borrowed(text))
    }
}

impl From<String> for Text<'_> {
    fn from(text: String) -> Self {
        Text(Cow::Owned(text))
    }
}

impl<'src> From<Cow<'src, str>> for Text<'src> {
    fn from(text: Cow<'src, str>) -> Self {
        Text(text)
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text<'_> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text<'_>> for str {
    fn eq(&self, other: &Text<'_>) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text<'_>> for &str {
    fn eq(&self, other: &Text<'_>) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::{Comparison, Expr, Scalar, Text};
    use crate::Span;
    use crate::syntax::lexer::Token;

    /// The sizes the parser moves around, pinned so that a change that
    /// grows them is a decision. `Comparison` is inline in `Expr`: boxing
    /// it makes `Expr` small but costs an allocation per comparison, which
    /// measured slower (see the README's Performance section).
    /// A parsed tree can be shared between threads (the line index is
    /// built at most once, whichever thread asks first).
    #[test]
    fn trees_are_send_and_sync() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::Ast<'static>>();
        shareable::<crate::Parsed<'static>>();
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn node_sizes() {
        assert_eq!(std::mem::size_of::<Text<'_>>(), 24);
        assert_eq!(std::mem::size_of::<Span>(), 8, "Span: u32 offsets");
        assert_eq!(std::mem::size_of::<Token>(), 12, "Token");
        assert_eq!(std::mem::size_of::<Scalar<'_>>(), 40, "Scalar");
        assert_eq!(std::mem::size_of::<Comparison<'_>>(), 96, "Comparison");
        assert_eq!(std::mem::size_of::<Expr<'_>>(), 104, "Expr");
    }
}
