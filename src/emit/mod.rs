//! Checked query to the JSON body of `POST /conversations/search`.
//!
//! Output is deterministic: keys in the order `query`, `pagination` and
//! `field`, `operator`, `value`; a single filter is emitted bare, groups as
//! `{"operator": "AND"|"OR", "value": [...]}`.

use crate::check::Query;

/// The request body as a JSON value.
pub fn emit(query: &Query) -> serde_json::Value {
    // Serialising these types cannot fail: every map key is a string.
    serde_json::to_value(query).unwrap_or(serde_json::Value::Null)
}

/// The request body as text: compact, or indented when `pretty`.
pub fn emit_string(query: &Query, pretty: bool) -> String {
    let result = if pretty {
        serde_json::to_string_pretty(query)
    } else {
        serde_json::to_string(query)
    };
    result.unwrap_or_else(|_| emit(query).to_string())
}
