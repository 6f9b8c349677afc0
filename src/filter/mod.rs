//! The `qc filter` engine: a checked query run on JSON objects offline.
//!
//! [`Matcher`] evaluates a query on a [`serde_json::Value`]
//! ([`Matcher::matches`]), or on one line of JSON Lines, parsing only the
//! parts of the line the query reads ([`Matcher::matches_line`]). The
//! command line adds the reading, the threads and the printing.
//!
//! ```
//! let compiler = qc::Settings::default().compiler()?;
//! let (matcher, _warnings) = compiler.matcher("state = open AND read = false")?;
//! let conversation = serde_json::json!({"state": "open", "read": false});
//! assert!(matcher.matches(&conversation));
//! assert_eq!(matcher.matches_line(br#"{"state": "closed", "read": false}"#), Ok(Some(false)));
//! assert_eq!(matcher.matches_line(b"  "), Ok(None));
//! assert!(matcher.matches_line(b"[1]").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod project;

use serde_json::Value;

use crate::check::Query;
use crate::eval::SortKey;
use project::Paths;

/// A query ready to be evaluated on objects.
#[derive(Debug, Clone)]
pub struct Matcher {
    query: Query,
    paths: Paths,
}

/// Why a line of JSON Lines is not an object to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// The line is not JSON.
    #[error("malformed JSON at column {column}: {message}")]
    Malformed {
        /// The 1-based column (byte) where the JSON went wrong.
        column: usize,
        /// serde_json's message, without its position.
        message: String,
    },
    /// The line is JSON, but not an object.
    #[error("expected a JSON object, found {0}")]
    NotAnObject(&'static str),
}

impl Matcher {
    /// A matcher of a checked query.
    pub fn new(query: Query) -> Self {
        let paths = Paths::of(&query);
        Self { query, paths }
    }

    /// The query.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// True when `object` matches the query.
    pub fn matches(&self, object: &Value) -> bool {
        crate::eval::eval(&self.query, object)
    }

    /// Where `object` goes in the query's order (`ORDER BY`), `None` when
    /// the query is not sorted: see [`crate::eval::sort_key`].
    pub fn sort_key(&self, object: &Value) -> Option<SortKey> {
        self.query
            .sort
            .as_ref()
            .map(|sort| crate::eval::sort_key(sort, object))
    }

    /// An object read from any serde deserializer (a binding's own objects,
    /// such as Python's `dict`s), keeping only the parts the query reads:
    /// what [`Matcher::matches`] needs, without building the rest. The rest
    /// is still read, and refused as strictly as if it were kept.
    ///
    /// ```
    /// let compiler = qc::Settings::default().compiler()?;
    /// let (matcher, _) = compiler.matcher("state = open")?;
    /// let object = serde_json::json!({"state": "open", "title": "Refund", "tags": [1, 2]});
    /// let kept = matcher.project(&object)?;
    /// assert_eq!(kept, serde_json::json!({"state": "open"}));
    /// assert!(matcher.matches(&kept));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn project<'de, D: serde::Deserializer<'de>>(&self, d: D) -> Result<Value, D::Error> {
        project::project(d, &self.paths)
    }

    /// Whether one line of JSON Lines matches: `None` for a blank line,
    /// an error for a line that is not a JSON object. Only the parts of the
    /// line that the query reads are built; the rest is checked as strictly
    /// as when the whole line is parsed.
    pub fn matches_line(&self, line: &[u8]) -> Result<Option<bool>, LineError> {
        self.match_line(line)
            .map(|m| m.map(|m| !matches!(m, LineMatch::Miss)))
    }

    /// [`Matcher::matches_line`], with the sort key of a line that
    /// matches a sorted query (read from the same parse).
    ///
    /// ```
    /// use qc::filter::LineMatch;
    /// let compiler = qc::Settings::from_json(r#"{"target": "contacts", "api_version": "2.16"}"#)?.compiler()?;
    /// let (matcher, _) = compiler.matcher("role = user ORDER BY name ASC")?;
    /// let a = matcher.match_line(br#"{"role": "user", "name": "Ann"}"#)?;
    /// let b = matcher.match_line(br#"{"role": "user", "name": "Bob"}"#)?;
    /// match (a, b) {
    ///     (Some(LineMatch::Hit(Some(a))), Some(LineMatch::Hit(Some(b)))) => assert!(a < b),
    ///     other => panic!("{other:?}"),
    /// }
    /// assert!(matches!(matcher.match_line(br#"{"role": "lead"}"#)?, Some(LineMatch::Miss)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn match_line(&self, line: &[u8]) -> Result<Option<LineMatch>, LineError> {
        let bytes = line.strip_suffix(b"\n").unwrap_or(line);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        match project::parse(bytes, &self.paths) {
            Ok(v @ Value::Object(_)) => Ok(Some(if self.matches(&v) {
                LineMatch::Hit(self.sort_key(&v))
            } else {
                LineMatch::Miss
            })),
            Ok(v) => Err(LineError::NotAnObject(crate::json::value_kind(&v))),
            Err(e) => Err(LineError::Malformed {
                column: e.column(),
                message: strip_position(&e.to_string()).to_owned(),
            }),
        }
    }
}

/// What a line of JSON Lines is to a query ([`Matcher::match_line`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineMatch {
    /// An object the query does not match.
    Miss,
    /// An object the query matches, with its sort key when the query is
    /// sorted (`ORDER BY`).
    Hit(Option<SortKey>),
}

/// serde_json's message without its " at line L column C" tail.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .and_then(|at| message.get(..at))
        .unwrap_or(message)
}
