//! The tools' inputs and outputs, with their JSON Schemas (schemars), and
//! the conversions from the library's values: the edge of the server.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic, LineIndex, Severity, clip};
use crate::schema::{FieldDef, Schema};
use crate::span::Span;
use crate::target::Target;

/// A search endpoint, as a tool names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetName {
    /// `POST /conversations/search`.
    Conversations,
    /// `POST /contacts/search`.
    Contacts,
    /// `POST /tickets/search` (API 2.10 and later).
    Tickets,
    /// `POST /companies/search` (API version Preview only).
    Companies,
}

impl From<TargetName> for Target {
    fn from(t: TargetName) -> Self {
        match t {
            TargetName::Conversations => Target::Conversations,
            TargetName::Contacts => Target::Contacts,
            TargetName::Tickets => Target::Tickets,
            TargetName::Companies => Target::Companies,
        }
    }
}

impl From<Target> for TargetName {
    fn from(t: Target) -> Self {
        match t {
            Target::Conversations => TargetName::Conversations,
            Target::Contacts => TargetName::Contacts,
            Target::Tickets => TargetName::Tickets,
            Target::Companies => TargetName::Companies,
        }
    }
}

/// The input of `search`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchInput {
    /// The query in qc's language, e.g. `state = open AND created_at > now-7d`.
    pub query: String,
    /// The endpoint to search; the server's default target when absent.
    #[serde(default)]
    pub target: Option<TargetName>,
    /// The most objects to return (default 25, at most the server's cap).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
}

/// The input of `check`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    /// The query in qc's language.
    pub query: String,
    /// The endpoint the query is for; the server's default target when absent.
    #[serde(default)]
    pub target: Option<TargetName>,
}

/// The input of `fields`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldsInput {
    /// The endpoint whose fields to list; the server's default target when absent.
    #[serde(default)]
    pub target: Option<TargetName>,
    /// Only the fields whose name contains this text (e.g. `statistics`).
    #[serde(default)]
    pub name_contains: Option<String>,
}

/// The input of `explain`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainInput {
    /// A diagnostic code, e.g. `E0101`.
    pub code: String,
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Position {
    /// The line, from 1.
    pub line: u32,
    /// The column in characters, from 1.
    pub column: u32,
}

/// A range of the query text; `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Range {
    /// Where it starts.
    pub start: Position,
    /// Where it ends.
    pub end: Position,
}

impl Range {
    fn of(span: Span, index: &LineIndex) -> Range {
        let at = |offset| {
            let p = index.position(offset);
            Position {
                line: p.line,
                column: p.column,
            }
        };
        Range {
            start: at(span.start()),
            end: at(span.end()),
        }
    }
}

/// How serious a diagnostic is: only errors stop a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The query cannot run.
    Error,
    /// The query runs, but probably does not select what was meant.
    Warning,
    /// What qc did (a rewrite to fit the API's limits).
    Note,
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Note => Level::Note,
        }
    }
}

/// A replacement that fixes a problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Fix {
    /// The text to replace.
    pub range: Range,
    /// What to put there.
    pub replacement: String,
}

/// A problem found in a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Problem {
    /// The stable code, e.g. `E0101`; the `explain` tool tells more.
    pub code: String,
    /// error, warning or note.
    pub severity: Level,
    /// What is wrong.
    pub message: String,
    /// Where in the query.
    pub range: Range,
    /// The text at `range` (long text is cut with `…`).
    pub text: String,
    /// Advice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A replacement that fixes it; only fixes that do are offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Problem {
    /// Every diagnostic of `source`, in order.
    pub fn all(diagnostics: &[Diagnostic], source: &str) -> Vec<Problem> {
        let index = LineIndex::new(source);
        diagnostics
            .iter()
            .map(|d| Problem::of(d, source, &index))
            .collect()
    }

    fn of(d: &Diagnostic, source: &str, index: &LineIndex) -> Problem {
        let text = source.get(d.range.start()..d.range.end()).unwrap_or("");
        Problem {
            code: d.code.as_str().to_owned(),
            severity: d.severity.into(),
            message: d.message_with_path(),
            range: Range::of(d.range, index),
            text: clip(text).into_owned(),
            help: d.help.clone(),
            fix: d.suggestion.as_ref().map(|s| Fix {
                range: Range::of(s.span, index),
                replacement: s.replacement.clone(),
            }),
        }
    }
}

/// What `check` says of a query, and what `search` says before its
/// results.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckOutput {
    /// The endpoint.
    pub target: TargetName,
    /// The Intercom API version compiled for.
    pub api_version: String,
    /// True when the query compiles: `search` runs it.
    pub valid: bool,
    /// Errors, warnings and notes, in the order of the text.
    pub diagnostics: Vec<Problem>,
    /// The query with every fix applied, when that text is valid: run it
    /// if it says what you meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The JSON bodies sent to the search endpoint: one, or the several of
    /// a plan, whose union is exactly the query. Empty when not valid.
    pub requests: Vec<Value>,
    /// What a plan of several requests means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What `search` returns.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SearchOutput {
    /// The query, checked.
    #[serde(flatten)]
    pub check: CheckOutput,
    /// The matching objects, each cut to its `id`, a short summary and the
    /// fields the query names (dotted keys; a field with several values
    /// gives a list).
    pub results: Vec<Map<String, Value>>,
    /// How many objects are listed.
    pub returned: u64,
    /// How many objects match in all, when known: Intercom's count for one
    /// request; for a plan, only when every result was fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// True when more objects match than are listed (cut at `limit`).
    pub truncated: bool,
    /// The limit applied.
    pub limit: u64,
    /// HTTP requests sent, retries included.
    pub requests_sent: u64,
    /// Anything else to know about the answer (a limit lowered to the cap).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A searchable field.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Field {
    /// Its name in a query.
    pub name: String,
    /// Another name a query may use (a ticket attribute's name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// String, Integer, Float, Date, Boolean or Any.
    #[serde(rename = "type")]
    pub ty: String,
    /// The operators a query may write on it.
    pub operators: Vec<String>,
    /// The only values it takes; absent when any value of its type goes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The time zone whose calendar days it is compared by, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_by_day_in: Option<String>,
    /// `seconds` for a duration (`90s`, `2h` are accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// True for a workspace attribute (custom or ticket attribute).
    pub custom: bool,
    /// What it holds.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub doc: String,
}

impl From<&FieldDef> for Field {
    fn from(f: &FieldDef) -> Self {
        Field {
            name: f.name.to_string(),
            alias: f.alias.clone(),
            ty: f.ty.name().to_owned(),
            operators: f
                .operators()
                .iter()
                .map(|op| op.as_str().to_owned())
                .collect(),
            values: f.values.iter().map(|v| v.to_string()).collect(),
            compared_by_day_in: f
                .day_zone()
                .map(|tz| tz.iana_name().unwrap_or("UTC").to_owned()),
            unit: f.duration.then(|| "seconds".to_owned()),
            custom: f.is_custom(),
            doc: f.doc.to_string(),
        }
    }
}

/// What `fields` returns.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FieldsOutput {
    /// The endpoint.
    pub target: TargetName,
    /// The Intercom API version whose table this is.
    pub api_version: String,
    /// The workspace's time zone: `YYYY-MM-DD` is midnight there.
    pub timezone: String,
    /// The fields, built-in first, then the workspace's attributes.
    pub fields: Vec<Field>,
    /// A prefix under which any name is accepted unchecked (no workspace
    /// schema describes the attributes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchecked_prefix: Option<String>,
    /// What the API's documentation says beyond the table.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl FieldsOutput {
    /// The fields of `schema` whose name (or alias) contains `part`.
    pub fn of(schema: &Schema, part: Option<&str>) -> FieldsOutput {
        let wanted = |f: &FieldDef| part.is_none_or(|p| f.names().any(|n| n.contains(p)));
        FieldsOutput {
            target: schema.target().into(),
            api_version: schema.version().name().to_owned(),
            timezone: schema.timezone_name().to_owned(),
            fields: schema
                .fields()
                .filter(|f| wanted(f))
                .map(Field::from)
                .collect(),
            unchecked_prefix: schema.open_prefix().map(str::to_owned),
            notes: schema.notes().iter().map(|n| (*n).to_owned()).collect(),
        }
    }
}

/// What `explain` returns.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ExplainOutput {
    /// The code.
    pub code: String,
    /// error, warning or note.
    pub severity: Level,
    /// What it is about, in a line.
    pub title: String,
    /// What it means and how to fix it.
    pub explanation: String,
    /// A query that gets it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub example: String,
}

impl From<Code> for ExplainOutput {
    fn from(c: Code) -> Self {
        ExplainOutput {
            code: c.as_str().to_owned(),
            severity: c.severity().into(),
            title: c.title().to_owned(),
            explanation: c.explanation().into_owned(),
            example: c.example().to_owned(),
        }
    }
}
