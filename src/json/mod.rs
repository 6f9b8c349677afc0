//! JSON text with positions: the reader behind qc's JSON inputs (search
//! requests, workspace schemas).
//!
//! [`reader`] is a leaf: it knows JSON, spans and diagnostics, and
//! nothing of fields, queries or the checker. Checking a search request
//! is the checker's second front end, [`crate::check::validate`].

pub mod reader;

pub use reader::{Json, JsonKind, MAX_JSON_DEPTH, Member, read_json};

/// What kind of JSON value `v` is, with its article, for messages
/// ("expected an object, found an array").
pub fn value_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
