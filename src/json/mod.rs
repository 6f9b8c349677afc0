//! JSON text with positions: the reader behind qc's JSON inputs (search
//! requests, workspace schemas).
//!
//! [`reader`] is a leaf: it knows JSON, spans and diagnostics, and
//! nothing of fields, queries or the checker. Checking a search request
//! is the checker's second front end, [`crate::check::validate`].

pub mod reader;

pub use reader::{Json, JsonKind, MAX_JSON_DEPTH, Member, read_json};
