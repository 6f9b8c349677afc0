//! Why a search stopped, with Intercom's own error codes and messages.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::redact::{Redactor, ServerText};
use super::retry::WaitSource;
use super::transport::FailureKind;

/// Why a search failed. No message holds the access token: every piece of
/// server text in it is a redacted [`ServerText`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// The API answered with an error status (after the retries, for 429
    /// and 5xx).
    #[error("{0}")]
    Api(ApiError),
    /// No complete response, even after the retries.
    #[error("{message} (after {attempts} {})", plural(u64::from(*attempts), "attempt"))]
    Transport {
        /// The kind of the last failure.
        kind: FailureKind,
        /// What the last failure was.
        message: ServerText,
        /// How many requests were sent.
        attempts: u32,
    },
    /// A successful response that is not the documented search response.
    #[error("malformed response from the API: {0}")]
    Malformed(ServerText),
    /// A page's `pages.next.starting_after` repeats a cursor of an earlier
    /// page of the same request: following it would loop. The results of
    /// that page come before this error.
    #[error(
        "the API returned the cursor `{cursor}` a second time; stopped, since following it would fetch the same pages again"
    )]
    CursorLoop {
        /// The repeated cursor.
        cursor: ServerText,
    },
    /// Two pages in a row, each promising more, added no result that the
    /// request had not given already (empty pages, or the same ids again).
    #[error(
        "the API sent {pages} pages in a row without a new result, each promising more; stopped, since the paging makes no progress"
    )]
    NoProgress {
        /// How many pages in a row.
        pages: u32,
    },
    /// More pages remain, but the search has sent as many requests as it
    /// may ([`Search::with_max_requests`]).
    ///
    /// [`Search::with_max_requests`]: super::Search::with_max_requests
    #[error("stopped after {max} {}, the most this search may send; more pages remain", plural(*max, "request"))]
    TooManyRequests {
        /// The cap that was reached.
        max: u64,
    },
    /// The server asked for a wait longer than [`RetryPolicy::max_delay`]:
    /// the search stops rather than retrying early or hanging.
    ///
    /// [`RetryPolicy::max_delay`]: super::RetryPolicy::max_delay
    #[error("{error}; it asks to wait {} ({source}), longer than the longest wait allowed ({})", HumanDuration(*wait), HumanDuration(*max), source = asked_by)]
    WaitTooLong {
        /// The answer that asked for the wait.
        error: ApiError,
        /// The wait asked for.
        wait: Duration,
        /// The header that asked for it.
        asked_by: WaitSource,
        /// [`RetryPolicy::max_delay`](super::RetryPolicy::max_delay).
        max: Duration,
    },
    /// The next wait would take the time spent waiting past
    /// [`RetryPolicy::max_total_wait`].
    ///
    /// [`RetryPolicy::max_total_wait`]: super::RetryPolicy::max_total_wait
    #[error("stopped before waiting another {} ({why}): the waits would add up to more than {}", HumanDuration(*next), HumanDuration(*max))]
    WaitBudget {
        /// The wait that was not taken.
        next: Duration,
        /// Why it was needed.
        why: ServerText,
        /// The time already spent waiting.
        waited: Duration,
        /// [`RetryPolicy::max_total_wait`](super::RetryPolicy::max_total_wait).
        max: Duration,
    },
    /// A request body given to the search is not a JSON object.
    #[error("request body {index} is not a JSON object")]
    Body {
        /// Its position in the list of bodies, from 0.
        index: usize,
    },
}

impl SearchError {
    /// The HTTP status of an [`SearchError::Api`] or
    /// [`SearchError::WaitTooLong`] error.
    pub fn status(&self) -> Option<u16> {
        match self {
            SearchError::Api(e) | SearchError::WaitTooLong { error: e, .. } => Some(e.status),
            _ => None,
        }
    }
}

/// An error response from the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The entries of Intercom's `error.list` body, if it had one (at most
    /// [`ApiError::MAX_ENTRIES`]).
    pub errors: Vec<ErrorEntry>,
    /// How many further entries the body had.
    pub more_errors: usize,
    /// The `request_id` of the body, for Intercom's support.
    pub request_id: Option<ServerText>,
    /// The start of a body that is not an `error.list` (a proxy's page),
    /// on one line.
    pub body: Option<ServerText>,
    /// How many requests were sent.
    pub attempts: u32,
}

/// One entry of an `error.list`: `{"code": "unauthorized", "message": "Access Token Invalid"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEntry {
    /// What kind of error, e.g. `unauthorized`, `parameter_invalid`.
    pub code: ServerText,
    /// The explanation, when there is one.
    pub message: Option<ServerText>,
    /// The field or parameter at fault, when there is one.
    pub field: Option<ServerText>,
}

/// How much of a body that is not an `error.list` is shown, in characters.
const BODY_SHOWN: usize = 200;
/// How much of such a body is read to find it: the characters shown, and
/// room for the encoded forms of a token that the cut might split.
const BODY_READ: usize = 4096;
/// How much of each code, message, field and request id is shown.
const TEXT_SHOWN: usize = 300;

impl ApiError {
    /// The most entries of an `error.list` that are kept.
    pub const MAX_ENTRIES: usize = 10;

    /// The error for a response with `status` and `body`, every piece of
    /// server text redacted together by `redactor` (so that a token split
    /// between a message and the request id is found).
    pub fn from_response(status: u16, body: &[u8], attempts: u32, redactor: &Redactor) -> Self {
        let parsed = serde_json::from_slice::<Value>(body).ok();
        let list: &[Value] = parsed
            .as_ref()
            .and_then(|v| v.get("errors"))
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let entries: Vec<[Option<&str>; 3]> = list
            .iter()
            .filter_map(|entry| {
                let text = |key| entry.get(key).and_then(Value::as_str);
                let code = text("code")?;
                Some([
                    Some(code),
                    text("message").filter(|m| !m.is_empty()),
                    text("field").filter(|f| !f.is_empty()),
                ])
            })
            .collect();
        let request_id = parsed
            .as_ref()
            .and_then(|v| v.get("request_id"))
            .and_then(Value::as_str);
        let excerpt = if entries.is_empty() {
            excerpt(body)
        } else {
            None
        };

        // Every piece, in the order shown, redacted as one text.
        let kept = entries.len().min(Self::MAX_ENTRIES);
        let mut pieces: Vec<&str> = entries
            .iter()
            .take(kept)
            .flat_map(|e| e.iter().map(|t| t.unwrap_or_default()))
            .collect();
        pieces.push(excerpt.as_deref().unwrap_or_default());
        pieces.push(request_id.unwrap_or_default());
        let mut clean = redactor.texts(&pieces).into_iter();
        let mut next = |present: bool, max: usize| {
            let text = clean.next().unwrap_or_default();
            present.then(|| text.shortened(max))
        };
        let errors = entries
            .iter()
            .take(kept)
            .map(|[_, message, field]| ErrorEntry {
                code: next(true, TEXT_SHOWN).unwrap_or_default(),
                message: next(message.is_some(), TEXT_SHOWN),
                field: next(field.is_some(), TEXT_SHOWN),
            })
            .collect();
        let body = next(excerpt.is_some(), BODY_SHOWN);
        let request_id = next(request_id.is_some(), TEXT_SHOWN);
        ApiError {
            status,
            errors,
            more_errors: entries.len() - kept,
            request_id,
            body,
            attempts,
        }
    }
}

impl fmt::Display for ErrorEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
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
        if self.more_errors > 0 {
            write!(f, "; and {} more", self.more_errors)?;
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

/// The start of a body on one line (whitespace runs made one space), or
/// `None` when it is empty. Longer than what is shown, so that redaction
/// sees a token the cut would split; cut after redaction.
fn excerpt(body: &[u8]) -> Option<String> {
    let start = body.get(..BODY_READ * 4).unwrap_or(body);
    let text = String::from_utf8_lossy(start);
    let line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(BODY_READ)
        .collect();
    (!line.is_empty()).then_some(line)
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

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// A duration for people: `250ms`, `4s`, `3m20s`, `2h5m`, `12d`, or
/// `975y` for a wait until year 3000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MINUTE: u64 = 60;
        const HOUR: u64 = 60 * MINUTE;
        const DAY: u64 = 24 * HOUR;
        const YEAR: u64 = 365 * DAY;
        let secs = self.0.as_secs();
        match secs {
            0 => write!(f, "{}ms", self.0.as_millis()),
            1..10 if self.0.subsec_millis() >= 100 => {
                write!(f, "{}.{}s", secs, self.0.subsec_millis() / 100)
            }
            1..MINUTE => write!(f, "{secs}s"),
            MINUTE..HOUR => match secs % MINUTE {
                0 => write!(f, "{}m", secs / MINUTE),
                s => write!(f, "{}m{s}s", secs / MINUTE),
            },
            HOUR..DAY => match secs % HOUR / MINUTE {
                0 => write!(f, "{}h", secs / HOUR),
                m => write!(f, "{}h{m}m", secs / HOUR),
            },
            DAY..YEAR => write!(f, "{}d", secs / DAY),
            _ => write!(f, "{}y", secs / YEAR),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Token;

    fn redactor() -> Redactor {
        Redactor::new(&Token::new("tok-1234567890-abcdef").unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn shows_intercom_error_codes_and_messages() {
        let r = redactor();
        let body = br#"{"type":"error.list","request_id":"r-1","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"#;
        let e = ApiError::from_response(401, body, 1, &r);
        assert_eq!(
            e.to_string(),
            "the API answered 401 Unauthorized: unauthorized: Access Token Invalid (request r-1)"
        );
        let body = br#"{"type":"error.list","errors":[{"code":"parameter_invalid","message":"bad","field":"query"},{"code":"x"}]}"#;
        assert_eq!(
            ApiError::from_response(400, body, 1, &r).to_string(),
            "the API answered 400 Bad Request: parameter_invalid: bad (field `query`); x"
        );
    }

    #[test]
    fn long_lists_and_long_messages_are_cut() {
        let r = redactor();
        let entries: Vec<Value> = (0..25)
            .map(|i| serde_json::json!({"code": format!("c{i}"), "message": "m".repeat(1000)}))
            .collect();
        let body = serde_json::json!({"errors": entries}).to_string();
        let e = ApiError::from_response(400, body.as_bytes(), 1, &r);
        assert_eq!((e.errors.len(), e.more_errors), (10, 15));
        let shown = e.to_string();
        assert!(shown.ends_with("…; and 15 more"), "{shown}");
        assert!(shown.len() < 10 * 320, "{}", shown.len());
    }

    #[test]
    fn the_token_split_between_message_and_request_id_is_removed() {
        let r = redactor();
        let body = br#"{"errors":[{"code":"forbidden","message":"you sent tok-12345"}],"request_id":"67890-abcdef"}"#;
        assert_eq!(
            ApiError::from_response(403, body, 1, &r).to_string(),
            "the API answered 403 Forbidden: forbidden: you sent <redacted> (request <redacted>)"
        );
    }

    #[test]
    fn shows_the_start_of_other_bodies() {
        let r = redactor();
        let e = ApiError::from_response(502, b"<html>\n  Bad\tgateway\n</html>", 6, &r);
        assert_eq!(
            e.to_string(),
            "the API answered 502 Bad Gateway after 6 attempts: <html> Bad gateway </html>"
        );
        let long = "x".repeat(50_000);
        let shown = ApiError::from_response(599, long.as_bytes(), 1, &r).to_string();
        assert!(shown.ends_with('…') && shown.len() < 300, "{shown}");
        assert_eq!(
            ApiError::from_response(418, b"", 1, &r).to_string(),
            "the API answered 418"
        );
        let escapes = ApiError::from_response(500, b"\x1b]0;title\x07 \xe2\x80\xae", 1, &r);
        assert_eq!(
            escapes.to_string(),
            "the API answered 500 Internal Server Error: \\u{1b}]0;title\\u{7} \\u{202e}"
        );
    }

    #[test]
    fn transport_errors_count_attempts() {
        let e = SearchError::Transport {
            kind: FailureKind::Timeout,
            message: redactor().text("the request timed out"),
            attempts: 6,
        };
        assert_eq!(e.to_string(), "the request timed out (after 6 attempts)");
    }

    #[test]
    fn durations_for_people() {
        let shown: Vec<String> = [0.25, 1.5, 4.0, 59.0, 60.0, 200.0, 3600.0, 7500.0, 90_000.0]
            .iter()
            .map(|s| HumanDuration(Duration::from_secs_f64(*s)).to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "250ms", "1.5s", "4s", "59s", "1m", "3m20s", "1h", "2h5m", "1d"
            ]
        );
        let year_3000 = Duration::from_secs(32_503_680_000 - 1_700_000_000);
        assert_eq!(HumanDuration(year_3000).to_string(), "976y");
        assert_eq!(HumanDuration(Duration::MAX).to_string(), "584942417355y");
    }
}
