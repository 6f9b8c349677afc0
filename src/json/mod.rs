//! JSON search requests to checked queries: `qc validate`.
//!
//! [`validate`] reads a request body for `POST /conversations/search`
//! (`{"query": ..., "pagination": ...}`, or a bare query object) and checks
//! it with the compiler's rules: known fields, operators allowed for the
//! field's type, `AND`/`OR` groups, value types, enumerated values, the
//! API's limits and pagination. Every problem is a [`Diagnostic`] with its
//! JSON path (`query.value[1].operator`), byte range and line:column.
//!
//! Value types in JSON: String fields take JSON strings, Integer fields JSON
//! integers, Boolean fields `true`/`false`. Date fields take unix seconds
//! as a string of digits (what the reference shows and qc emits) or, since
//! the OpenAPI schema allows integer values, as a JSON integer; both mean
//! the same and are emitted back as a string.
//!
//! Groups are not normalised, so the limits apply to the structure the API
//! would see, and `emit(validate(J)) == J` for every valid `J` in qc's
//! canonical form.
//!
//! ```
//! let v = qc::json::validate(r#"{"query": {"field": "state", "operator": "~", "value": "open"}}"#);
//! assert!(v.query.is_none());
//! assert_eq!(v.diagnostics[0].path.as_deref(), Some("query.operator"));
//! ```

pub mod reader;
mod validate;

use crate::check::Query;
use crate::diagnostic::{Code, Diagnostic, LineIndex, has_errors};
use crate::syntax::Span;

pub use reader::{Json, JsonKind, MAX_JSON_DEPTH, Member, read_json};

/// The result of validating a JSON request.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The checked query, when there were no errors.
    pub query: Option<Query>,
    /// Errors and warnings in text order, each with a JSON path (except
    /// for malformed JSON) and a line:column.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validated {
    /// True when the request is valid (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.query.is_some()
    }
}

/// Validates a JSON search request for `POST /conversations/search`.
pub fn validate(text: &str) -> Validated {
    validate_with(text, &crate::Schema::conversations())
}

/// Validates a JSON search request against `schema`.
pub fn validate_with(text: &str, schema: &crate::Schema) -> Validated {
    let mut diagnostics = Vec::new();
    let query = match read_json(text) {
        Ok(json) => validate::lower(&json, schema, &mut diagnostics),
        Err(d) => {
            diagnostics.push(*d);
            None
        }
    };
    diagnostics.sort_by_key(|d| d.range);
    let index = LineIndex::new(text);
    for d in &mut diagnostics {
        d.locate(&index);
    }
    let query = query.filter(|_| !has_errors(&diagnostics));
    Validated { query, diagnostics }
}

/// Validates JSON given as bytes: invalid UTF-8 is a diagnostic at the
/// first bad byte, not a panic.
pub fn validate_bytes(bytes: &[u8]) -> Validated {
    validate_bytes_with(bytes, &crate::Schema::conversations())
}

/// [`validate_bytes`] against `schema`.
pub fn validate_bytes_with(bytes: &[u8], schema: &crate::Schema) -> Validated {
    match std::str::from_utf8(bytes) {
        Ok(text) => validate_with(text, schema),
        Err(e) => {
            let at = e.valid_up_to();
            let bad = e.error_len().unwrap_or(1);
            let lossy = String::from_utf8_lossy(bytes.get(..at).unwrap_or_default());
            let mut d = Diagnostic::new(
                Code::InvalidUtf8,
                Span::new(at, at + bad),
                format!("the input is not valid UTF-8 (invalid byte at offset {at})"),
            )
            .with_help("JSON text must be UTF-8");
            d.locate(&LineIndex::new(&lossy));
            Validated {
                query: None,
                diagnostics: vec![d],
            }
        }
    }
}
