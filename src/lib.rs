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
//! - `json/`: JSON search requests to checked queries ([`json::validate`])
//! - `decompile.rs`: checked queries back to text ([`decompile::decompile`])
//! - `ide/`: completion and hover; `lsp/`: the language server (feature `lsp`)
//! - `search/`: running queries against the API, every page (feature
//!   `search`, [`search`])
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
#[cfg(feature = "config")]
pub mod config;
pub mod decompile;
pub mod diagnostic;
pub mod emit;
mod error;
pub mod eval;
pub mod format;
pub mod ide;
pub mod json;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod op;
pub mod optimise;
pub mod schema;
#[cfg(feature = "search")]
pub mod search;
pub mod syntax;
pub mod target;

pub use check::{Checked, Query, check};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use emit::{emit, emit_string};
pub use error::Error;
pub use eval::eval;
pub use op::Op;
pub use optimise::{optimise, plan};
pub use schema::Schema;
pub use syntax::{Ast, Parsed, Span, parse};
pub use target::Target;

use std::sync::Arc;

use check::Pagination;
use diagnostic::LineIndex;

/// The largest input [`compile`] accepts by default: 1 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 1 << 20;

/// The largest input that [`compile`] accepts at any setting: `u32::MAX`
/// bytes (4 GiB less one), as far as a [`Span`]'s offsets reach.
pub const MAX_SOURCE_BYTES: usize = u32::MAX as usize;

/// Settings for [`check()`] and [`compile`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// "Now" for relative dates (`now-7d`), in unix seconds; the system
    /// clock when `None`. Fix it for reproducible output.
    pub now: Option<i64>,
    /// Pagination to add to the request.
    pub pagination: Option<Pagination>,
    /// Inputs longer than this many bytes are rejected before parsing
    /// (and always those over [`MAX_SOURCE_BYTES`], whatever this says).
    pub max_input_bytes: usize,
    /// What to do with a query over the API's limits.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            now: None,
            pagination: None,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            limits: Limits::Rewrite,
        }
    }
}

/// What the checker does with a query over the API's limits (2 levels of
/// nested groups, 15 filters per group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Limits {
    /// Rewrite it, exactly, until it fits ([`optimise::fit`]), with a note
    /// saying what was rewritten; when nothing fits, an error that says
    /// how many requests `qc plan` needs.
    #[default]
    Rewrite,
    /// Refuse it (`--no-rewrite`).
    Refuse,
    /// Do not check: for [`Compiler::plan`], which splits the query.
    Ignore,
}

/// A successfully compiled query.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The checked query.
    pub query: Query,
    /// Warnings found on the way (never errors).
    pub warnings: Vec<Diagnostic>,
}

impl Compiled {
    /// The request body as a JSON value.
    pub fn json(&self) -> serde_json::Value {
        emit(&self.query)
    }

    /// The request body as compact JSON text.
    pub fn to_json_string(&self) -> String {
        emit_string(&self.query, false)
    }
}

/// One entry point for every shell (CLI, LSP, wasm, Python): a schema
/// (target, fields, workspace attributes, time zone) and the options.
///
/// ```
/// use std::sync::Arc;
/// let schema = qc::Schema::builtin(qc::Target::Contacts);
/// let compiler = qc::Compiler::new(Arc::new(schema), qc::Options::default());
/// let out = compiler.compile("role = lead AND owner_id >= 5")?;
/// assert_eq!(
///     out.to_json_string(),
///     r#"{"query":{"operator":"AND","value":[{"field":"role","operator":"=","value":"lead"},{"field":"owner_id","operator":">=","value":5}]}}"#
/// );
/// # Ok::<(), qc::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Compiler {
    /// What the target accepts.
    pub schema: Arc<Schema>,
    /// Now, pagination and limits.
    pub options: Options,
}

impl Compiler {
    /// A compiler for `schema` with `options`.
    pub fn new(schema: Arc<Schema>, options: Options) -> Self {
        Self { schema, options }
    }

    /// Parses, checks and compiles a query, reporting every problem found.
    /// A suggestion is offered only when applying it leaves fewer problems.
    pub fn compile(&self, source: &str) -> Result<Compiled, Error> {
        let mut result = self.compile_unverified(source);
        let diagnostics = match &mut result {
            Ok(compiled) => &mut compiled.warnings,
            Err(Error::Invalid(diagnostics)) => diagnostics,
            Err(_) => return result,
        };
        diagnostic::fixes::keep_fixes_that_fix(source, diagnostics, |text| {
            match self.compile_unverified(text) {
                Ok(compiled) => compiled.warnings,
                Err(e) => e.diagnostics().to_vec(),
            }
        });
        result
    }

    /// [`Compiler::compile`] without the check that suggestions really fix.
    fn compile_unverified(&self, source: &str) -> Result<Compiled, Error> {
        let limit = self.options.max_input_bytes.min(MAX_SOURCE_BYTES);
        if source.len() > limit {
            return Err(Error::Invalid(vec![input_too_large(
                Some(source.len()),
                limit,
            )]));
        }
        let parsed = parse(source);
        // A query with syntax errors is not rewritten or planned: its
        // limits are reported as they are.
        let checked = if parsed.has_errors() && self.options.limits == Limits::Rewrite {
            let options = Options {
                limits: Limits::Refuse,
                ..self.options.clone()
            };
            check(&parsed.ast, &self.schema, &options)
        } else {
            check(&parsed.ast, &self.schema, &self.options)
        };
        let mut diagnostics = parsed.diagnostics;
        diagnostics.extend(checked.diagnostics);
        diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
        match checked.query {
            Some(query) if !diagnostic::has_errors(&diagnostics) => Ok(Compiled {
                query,
                warnings: diagnostics,
            }),
            _ => Err(Error::Invalid(diagnostics)),
        }
    }

    /// Every diagnostic for `source` (syntax, type and limit errors, and
    /// warnings), in source order. What editors and `qc check` show.
    pub fn diagnose(&self, source: &str) -> Vec<Diagnostic> {
        match self.compile(source) {
            Ok(c) => c.warnings,
            Err(e) => e.diagnostics().to_vec(),
        }
    }

    /// The requests whose union is exactly the query, each within the API's
    /// limits (at most `max`; see [`optimise::plan`]). One request when the
    /// query fits, after rewriting.
    pub fn plan(&self, source: &str, max: usize) -> Result<Vec<Query>, Error> {
        let options = Options {
            limits: Limits::Ignore,
            ..self.options.clone()
        };
        let compiled = Compiler::new(self.schema.clone(), options).compile(source)?;
        let settings = optimise::Settings {
            max_requests: max,
            ..optimise::Settings::default()
        };
        optimise::plan(&compiled.query, &settings)
            .map(|plan| plan.requests)
            .map_err(Error::Plan)
    }

    /// Validates a JSON search request for the schema's target.
    pub fn validate(&self, json: &str) -> json::Validated {
        json::validate_with(json, &self.schema)
    }
}

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

/// The diagnostic for an input over the size limit of `limit` bytes; `len`
/// is its length when known (a stream is read only up to the limit).
pub fn input_too_large(len: Option<usize>, limit: usize) -> Diagnostic {
    let size = len.map_or_else(|| "more than that".to_owned(), |n| format!("{n} bytes"));
    let mut d = Diagnostic::new(
        Code::InputTooLarge,
        Span::empty(0),
        format!("the input is over the limit of {limit} bytes ({size})"),
    )
    .with_help("raise the limit with --max-input-bytes if the query is genuine");
    d.locate(&LineIndex::new(""));
    d
}

/// The README's Rust example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
