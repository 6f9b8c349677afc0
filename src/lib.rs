//! qc compiles a small, human query language into the JSON bodies of
//! Intercom's search endpoints (`POST /conversations/search`,
//! `/contacts/search`, `/tickets/search`), or explains precisely what is
//! wrong with a query: where, what was expected, and how to fix it.
//!
//! ```text
//! state = open AND (priority = priority OR tag_ids IN [1, 2])
//! ```
//!
//! # The front door
//!
//! Every shell (the `qc` command, the language server, the WebAssembly and
//! Python packages, `qc search`) builds a [`Settings`] from what it was given
//! and calls the [`Compiler`] it becomes:
//!
//! ```
//! let compiler = qc::Settings::from_json(r#"{"target": "contacts", "now": 1717200000}"#)?.compiler()?;
//! let out = compiler.compile("role = lead AND last_seen_at > now-7d")?;
//! assert!(out.to_json_string().starts_with(r#"{"query":{"operator":"AND""#));
//! assert_eq!(compiler.diagnose("rol = lead")[0].help.as_deref(), Some("did you mean `role`?"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Compiler`] offers every operation once: [`compile`](Compiler::compile),
//! [`diagnose`](Compiler::diagnose), [`plan`](Compiler::plan),
//! [`validate`](Compiler::validate), [`decompile`](Compiler::decompile),
//! [`fields`](Compiler::fields), [`format`](Compiler::format),
//! [`matcher`](Compiler::matcher) (the `qc filter` engine),
//! [`complete`](Compiler::complete) and [`hover`](Compiler::hover).
//!
//! The stages can also be used alone: [`parse`] (text to a syntax tree with
//! a byte span on every node, recovering from errors), [`check()`] (the
//! tree typed against a [`Schema`]), [`emit()`] and [`eval()`].
//!
//! # Source layout
//!
//! `ARCHITECTURE.md` at the repository's root is the map: the layers, what
//! each module owns, and the invariants a test checks. In short, bottom-up:
//! `span`, `op`, `target`, `options` (leaves); `diagnostic`; `syntax` and
//! `json` (readers); `schema`; `check`; `optimise`; `emit`, `decompile`,
//! `format`, `eval`, `ide`; `filter`; `compiler` and `settings` (the front
//! door); `config` (files); `lsp`, `search` and `mcp` (shells in the library).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
mod compiler;
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
#[cfg(feature = "mcp")]
pub mod mcp;
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
