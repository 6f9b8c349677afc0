//! `qc mcp`: a Model Context Protocol server over stdio (feature `mcp`,
//! on rmcp), so that AI assistants search Intercom in qc's language and
//! correct their own queries.
//!
//! Tools, each with a JSON Schema for its input and for its structured
//! output:
//!
//! - `search`: a query on a target, at most `limit` results (25 by
//!   default, at most [`Config::max_limit`]): the matching objects cut to
//!   their `id`, a summary and the fields the query names, the total
//!   count, whether the list was cut, the request bodies sent (a plan's
//!   several when one request cannot express the query, sent
//!   [`Connection::concurrency`] at once), the warnings;
//! - `check`: a query's diagnostics (code, message, range, help, fix),
//!   the text with every fix applied when that text is valid, and the
//!   request bodies;
//! - `fields`: a target's field table, workspace attributes included;
//! - `explain`: a diagnostic code.
//!
//! The resource [`REFERENCE_URI`] is the language's short reference,
//! generated from the library's tables ([`reference()`]).
//!
//! Errors are answers: an invalid query is a tool result marked as an
//! error, with its diagnostics and fixed text; a missing token, a refused
//! one, or a search that reached a bound is a tool error that says what
//! to do, and the server goes on. Protocol errors are left to protocol
//! problems (an unknown tool, arguments that do not fit the schema).
//!
//! Safe by construction: the server only searches; every answer passes
//! through the search client's [`Redactor`](crate::search::Redactor), so
//! the token appears in none; a search is bounded in results, requests
//! (the client's cap), waits (its [`RetryPolicy`](crate::search::RetryPolicy))
//! and time ([`Connection::max_time`]), and a cancelled request sends no
//! further page. The library prints nothing: stdout carries only protocol
//! messages.
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use qc::mcp::{Config, Connection, Server, DEFAULT_MAX_LIMIT};
//! use qc::search::{HttpTransport, Region, RetryPolicy, Token};
//!
//! let connection = Connection {
//!     token: Token::new(std::env::var("INTERCOM_TOKEN")?).map_err(|e| e.to_string()),
//!     base: Region::Us.base_url(),
//!     transport: Arc::new(HttpTransport::default()),
//!     policy: RetryPolicy::default(),
//!     per_page: 150,
//!     max_requests: None,
//!     max_time: Duration::from_secs(120),
//!     concurrency: qc::search::DEFAULT_CONCURRENCY,
//! };
//! let config = Config { settings: qc::Settings::default(), connection, max_limit: DEFAULT_MAX_LIMIT };
//! qc::mcp::serve_stdio(Server::new(config)?)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Files depend one way: `tools`, `project`, `reference` → `run` →
//! `server`.

mod project;
mod reference;
mod run;
mod server;
mod tools;

pub use project::{MAX_LIST_ITEMS, MAX_TEXT_CHARS, Projection, summary};
pub use reference::{EXAMPLES_NOW, REFERENCE_URI, examples, primer, reference};
pub use run::{Connection, Stop};
pub use server::{Config, DEFAULT_LIMIT, DEFAULT_MAX_LIMIT, Server, serve_stdio};
pub use tools::{
    CheckInput, CheckOutput, ExplainInput, ExplainOutput, Field, FieldsInput, FieldsOutput, Fix,
    Level, Position, Problem, Range, SearchInput, SearchOutput, TargetName,
};
