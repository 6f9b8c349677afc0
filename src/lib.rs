//! qc compiles a small, human query language into the JSON body that
//! Intercom's `POST /conversations/search` endpoint expects, or explains
//! precisely what is wrong with the query.
//!
//! ```text
//! state = open AND (priority = priority OR tag_ids IN [1, 2])
//! ```
//!
//! The stages can be used alone or together:
//!
//! - [`parse`] turns text into a syntax tree with a byte span on every node,
//!   recovering from errors so that every problem is reported at once;
//! - [`check()`] types the tree against the API's field table, removes `NOT`
//!   and normalises groups, and enforces the API's limits;
//! - [`emit()`] (and [`emit_string`]) produce the JSON;
//! - [`compile`] does all three;
//! - [`mod@format`] prints a query canonically, breaking long ones (`qc fmt`);
//! - [`eval()`] runs a checked query on a conversation object (`qc filter`).
//!
//! # Source layout
//!
//! - `syntax/`: lexer (nom), lexical tables, syntax tree, parser, printer
//! - `check/`: field table, dates, suggestions, limits, the checked query
//! - `emit/`: JSON output
//! - `format.rs`: the formatter (canonical printer with line breaking)
//! - `eval.rs`: evaluating a query against a conversation offline
//! - `diagnostic/`: the shared [`Diagnostic`] type, codes, positions, rendering
//! - `json/`: the positioned JSON reader (requests and schemas)
//! - `decompile.rs`: checked queries back to text ([`decompile::decompile`])
//! - `ide/`: completion and hover; `lsp/`: the language server (feature `lsp`)
//! - `search/`: running queries against the API, every page (feature
//!   `search`, [`search`])
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
pub mod compiler;
#[cfg(feature = "config")]
pub mod config;
pub mod decompile;
pub mod diagnostic;
pub mod emit;
mod error;
pub mod eval;
pub mod filter;
pub mod format;
pub mod ide;
pub mod json;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod op;
pub mod optimise;
pub mod options;
pub mod schema;
#[cfg(feature = "search")]
pub mod search;
pub mod settings;
mod span;
pub mod syntax;
pub mod target;

pub use check::{Checked, Query, check};
pub use compiler::{Compiled, Compiler, Decompiled, Planned, input_too_large};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use emit::{emit, emit_string};
pub use error::Error;
pub use eval::eval;
pub use filter::Matcher;
pub use op::Op;
pub use optimise::{optimise, plan};
pub use options::{DEFAULT_MAX_INPUT_BYTES, DateStyle, Limits, MAX_SOURCE_BYTES, Options};
pub use schema::Schema;
pub use settings::{Now, SchemaSource, Settings, SettingsError};
pub use span::Span;
pub use syntax::{Ast, Parsed, parse};
pub use target::Target;

/// Parses, checks and prepares a query for `POST /conversations/search`,
/// reporting every problem found: [`Compiler::compile`] with the built-in
/// conversations schema.
///
/// ```
/// let options = qc::Options::default();
/// let out = qc::compile("state = open AND (priority = priority OR tag_ids IN [1, 2])", &options)?;
/// assert_eq!(
///     out.to_json_string(),
///     r#"{"query":{"operator":"AND","value":[{"field":"state","operator":"=","value":"open"},{"operator":"OR","value":[{"field":"priority","operator":"=","value":"priority"},{"field":"tag_ids","operator":"IN","value":["1","2"]}]}]}}"#
/// );
///
/// let err = qc::compile("stat = open", &options).unwrap_err();
/// assert_eq!(err.diagnostics()[0].help.as_deref(), Some("did you mean `state`?"));
/// # Ok::<(), qc::Error>(())
/// ```
pub fn compile(source: &str, options: &Options) -> Result<Compiled, Error> {
    Compiler::new(Schema::conversations(), options.clone()).compile(source)
}

/// Every diagnostic for `source` for conversations: [`Compiler::diagnose`]
/// with the built-in conversations schema.
pub fn diagnose(source: &str, options: &Options) -> Vec<Diagnostic> {
    Compiler::new(Schema::conversations(), options.clone()).diagnose(source)
}

/// The README's Rust example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
