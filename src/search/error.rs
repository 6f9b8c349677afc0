//! Why a search stopped, with Intercom's own error codes and messages.

use std::fmt;

use serde_json::Value;

use super::transport::FailureKind;

/// Why a search failed. No message holds the access token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// The API answered with an error status (after the retries, for 429
    /// and 5xx).
    #[error("{0}")]
    Api(ApiError),
    /// No complete response, even after the retries.
    #[error("{message} (after {attempts} {})", plural(*attempts, "attempt"))]
    Transport {
        /// The kind of the last failure.
        kind: FailureKind,
        /// What the last failure was.
        message: String,
        /// How many requests were sent.
        attempts: u32,
    },
    /// A successful response that is not the documented search response.
    #[error("malformed response from the API: {0}")]
    Malformed(String),
    /// A page's `pages.next.starting_after` repeats a cursor of an earlier
    /// page of the same request: following it would loop.
    #[error(
        "the API returned the cursor `{cursor}` a second time; stopped, since following it would fetch the same pages again"
    )]
    CursorLoop {
        /// The repeated cursor.
        cursor: String,
    },
    /// A request body given to the search is not a JSON object.
    #[error("request body {index} is not a JSON object")]
    Body {
        /// Its position in the list of bodies, from 0.
        index: usize,
    },
}

impl SearchError {
    /// The HTTP status of an [`SearchError::Api`] error.
    pub fn status(&self) -> Option<u16> {
        match self {
            SearchError::Api(e) => Some(e.status),
            _ => None,
        }
    }
}

/// An error response from the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The entries of Intercom's `error.list` body, if it had one.
    pub errors: Vec<ErrorEntry>,
    /// The `request_id` of the body, for Intercom's support.
    pub request_id: Option<String>,
    /// The start of a body that is not an `error.list` (a proxy's page).
    pub body: Option<String>,
    /// How many requests were sent.
    pub attempts: u32,
}

/// One entry of an `error.list`: `{"code": "unauthorized", "message": "Access Token Invalid"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEntry {
    /// What kind of error, e.g. `unauthorized`, `parameter_invalid`.
    pub code: String,
    /// The explanation, when there is one.
    pub message: Option<String>,
    /// The field or parameter at fault, when there is one.
    pub field: Option<String>,
}

/// How much of a body that is not an `error.list` is shown.
const BODY_SHOWN: usize = 200;

impl ApiError {
    /// The error for a response with `status` and `body`.
    pub fn from_response(status: u16, body: &[u8], attempts: u32) -> Self {
        let parsed = serde_json::from_slice::<Value>(body).ok();
        let errors: Vec<ErrorEntry> = parsed
            .as_ref()
            .and_then(|v| v.get("errors"))
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(ErrorEntry::from_json).collect())
            .unwrap_or_default();
        let request_id = parsed
            .as_ref()
            .and_then(|v| v.get("request_id"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let body = if errors.is_empty() {
            excerpt(body)
        } else {
            None
        };
        ApiError {
            status,
            errors,
            request_id,
            body,
            attempts,
        }
    }
}

impl ErrorEntry {
    fn from_json(v: &Value) -> Option<Self> {
        let text = |key| v.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(ErrorEntry {
            code: text("code")?,
            message: text("message").filter(|m| !m.is_empty()),
            field: text("field").filter(|f| !f.is_empty()),
        })
    }
}

impl fmt::Display for ErrorEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " (field `{field}`)")?;
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API answered {}", self.status)?;
        if let Some(reason) = reason(self.status) {
            write!(f, " {reason}")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        for (i, entry) in self.errors.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{entry}")?;
        }
        if let Some(body) = &self.body {
            write!(f, ": {body}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request {id})")?;
        }
        Ok(())
    }
}

/// The start of a body on one line, or `None` when it is empty.
fn excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let words: Vec<&str> = text.split_whitespace().collect();
    let line: String = words
        .join(" ")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if line.is_empty() {
        return None;
    }
    match line.char_indices().nth(BODY_SHOWN) {
        Some((at, _)) => Some(format!("{}…", line.get(..at).unwrap_or_default())),
        None => Some(line),
    }
}

/// The reason phrase of the statuses the search endpoints answer.
fn reason(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_intercom_error_codes_and_messages() {
        let body = br#"{"type":"error.list","request_id":"r-1","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"#;
        let e = ApiError::from_response(401, body, 1);
        assert_eq!(
            e.to_string(),
            "the API answered 401 Unauthorized: unauthorized: Access Token Invalid (request r-1)"
        );
        let body = br#"{"type":"error.list","errors":[{"code":"parameter_invalid","message":"bad","field":"query"},{"code":"x"}]}"#;
        assert_eq!(
            ApiError::from_response(400, body, 1).to_string(),
            "the API answered 400 Bad Request: parameter_invalid: bad (field `query`); x"
        );
    }

    #[test]
    fn shows_the_start_of_other_bodies() {
        let e = ApiError::from_response(502, b"<html>\n  Bad\tgateway\n</html>", 6);
        assert_eq!(
            e.to_string(),
            "the API answered 502 Bad Gateway after 6 attempts: <html> Bad gateway </html>"
        );
        let long = "x".repeat(500);
        let shown = ApiError::from_response(599, long.as_bytes(), 1).to_string();
        assert!(shown.ends_with('…') && shown.len() < 300, "{shown}");
        assert_eq!(
            ApiError::from_response(418, b"", 1).to_string(),
            "the API answered 418"
        );
    }

    #[test]
    fn transport_errors_count_attempts() {
        let e = SearchError::Transport {
            kind: FailureKind::Timeout,
            message: "the request timed out".into(),
            attempts: 6,
        };
        assert_eq!(e.to_string(), "the request timed out (after 6 attempts)");
    }
}
