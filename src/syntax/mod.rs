//! Text to syntax tree: lexing ([`lexer`], with nom), the lexical tables
//! ([`lexical`]), the tree ([`Ast`] and its nodes), the error-recovering parser and the
//! canonical printer.

mod ast;
pub mod lexer;
pub mod lexical;
mod parser;
mod print;

pub use crate::diagnostic::{MAX_ERRORS, too_many_errors};
pub use crate::span::Span;
pub use ast::{
    Ast, Comparison, Expr, ExprKind, Field, Operator, OrderBy, Scalar, Text, Value, ValueKind,
};
pub use lexical::OpSpelling;
pub use parser::{MAX_DEPTH, Parsed, parse};
