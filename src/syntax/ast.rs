//! The syntax tree: what was written, with a byte span on every node.

use std::borrow::Cow;

use serde::Serialize;

use super::Span;
use super::lexical::OpSpelling;
use crate::diagnostic::LineIndex;
use crate::op::Op;

/// A parsed query: the tree plus an index of its source's lines.
#[derive(Debug, Clone)]
pub struct Ast {
    /// The root expression.
    pub root: Expr,
    /// Length of the source in bytes.
    pub source_len: usize,
    /// Line index of the source, for positions in diagnostics.
    pub line_index: LineIndex,
    /// Where the comments are (`#` or `--` to the end of the line), in
    /// source order. The compiler ignores them; the formatter keeps them.
    pub comments: Vec<Span>,
}

/// An expression node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// The source text it covers.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "children", rename_all = "snake_case")]
pub enum ExprKind {
    /// Two or more operands joined by `OR`.
    Or(Vec<Expr>),
    /// Two or more operands joined by `AND`.
    And(Vec<Expr>),
    /// `NOT` operand; the span starts at the keyword.
    Not(Box<Expr>),
    /// A parenthesised expression.
    Paren(Box<Expr>),
    /// `field op value`.
    Compare(Comparison),
    /// Something that could not be parsed; the parser reported why.
    Error,
}

/// A comparison `field op value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The field name as written.
    pub field: Field,
    /// The operator as written.
    pub op: Operator,
    /// The value as written.
    pub value: Value,
}

/// A field name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The dotted name as written, e.g. `source.author.email` (decoded when
    /// quoted). The parser knows no field table.
    pub name: Cow<'static, str>,
    /// Where it is.
    pub span: Span,
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
pub struct Value {
    /// What it is.
    pub kind: ValueKind,
    /// Where it is (brackets included for lists).
    pub span: Span,
}

/// The kinds of value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ValueKind {
    /// A single value.
    Scalar(Scalar),
    /// `[a, b, ...]`.
    List(Vec<Scalar>),
    /// The value is missing or malformed; the parser reported why.
    Error,
}

/// A single value: a bare word or a quoted string, decoded.
///
/// What it means (string, integer, boolean, date) depends on the field it
/// is compared with, so the parser keeps the text and the checker reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scalar {
    /// The text, with quotes removed and escapes decoded.
    pub text: String,
    /// Whether it was quoted.
    pub quoted: bool,
    /// Where it is (quotes included).
    pub span: Span,
}

impl ExprKind {
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

impl Expr {
    /// A new node.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// Calls `f` on every comparison in the tree, left to right.
    pub fn for_each_comparison(&self, f: &mut impl FnMut(&Comparison)) {
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
