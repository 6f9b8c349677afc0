//! Text to syntax tree: lexing ([`lexer`], with nom), the lexical tables
//! ([`lexical`]), the tree ([`ast`]), the error-recovering parser and the
//! canonical printer.

pub mod ast;
pub mod lexer;
pub mod lexical;
mod parser;
mod print;

pub use crate::span::Span;
pub use ast::{Ast, Comparison, Expr, ExprKind, Field, Operator, Scalar, Text, Value, ValueKind};
pub use lexical::OpSpelling;
pub use parser::{MAX_DEPTH, MAX_ERRORS, too_many_errors};

use crate::diagnostic::{Diagnostic, has_errors};

/// The result of parsing: always a tree, plus every syntax diagnostic.
#[derive(Debug, Clone)]
pub struct Parsed<'src> {
    /// The tree; malformed parts are [`ExprKind::Error`] / [`ValueKind::Error`].
    pub ast: Ast<'src>,
    /// Syntax errors, in source order of discovery, with positions filled in.
    pub diagnostics: Vec<Diagnostic>,
}

impl<'src> Parsed<'src> {
    /// True when the parser reported any error.
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }

    /// The tree when there were no syntax errors, else the diagnostics.
    pub fn into_result(self) -> Result<Ast<'src>, Vec<Diagnostic>> {
        if self.has_errors() {
            Err(self.diagnostics)
        } else {
            Ok(self.ast)
        }
    }
}

/// Parses query text. Never fails and never panics: malformed input gives
/// a tree with error nodes and diagnostics that say what was expected.
///
/// ```
/// let parsed = qc::parse("state = open AND read = true");
/// assert!(!parsed.has_errors());
/// assert_eq!(parsed.ast.to_string(), "state = open AND read = true");
/// ```
pub fn parse(source: &str) -> Parsed<'_> {
    parser::parse(source)
}
