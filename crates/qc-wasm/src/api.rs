//! The operations of the `intercom-qc` npm package (and so of the
//! playground) as plain Rust functions returning serialisable values;
//! `lib.rs` only converts them to and from JavaScript.
//!
//! Diagnostics are [`qc::Diagnostic`]s serialised as `qc check --format
//! json` prints them (byte ranges into the UTF-8 text, 1-based
//! line:column), so that the package gives what the command line gives.
//! Completion and hover, for editors, take and give UTF-16 offsets.

use std::cell::RefCell;
use std::sync::Arc;

use qc::check::{Pagination, is_valid_timestamp};
use qc::decompile::DateStyle;
use qc::diagnostic::{RenderOptions, render_all};
use qc::schema::{FieldDef, Workspace};
use qc::{Compiler, Diagnostic, Limits, Options, Schema, Target, ide};
use serde::Serialize;

use crate::text::{Text, Utf16Range};

/// The workspace a call is for: every field optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkspaceOptions {
    /// `conversations` (default), `contacts` or `tickets`.
    pub target: Option<String>,
    /// The workspace's IANA time zone (default UTC).
    pub timezone: Option<String>,
    /// The workspace's schema files: each the JSON text of `GET
    /// /data_attributes` or `GET /ticket_types` (or the bare array of
    /// attributes). Blank texts are skipped. The package's JavaScript
    /// splits its `schema` option (text, an object, or a list of them)
    /// into these texts.
    pub schema: Vec<String>,
}

thread_local! {
    /// The last schema built, by its options: the playground asks again on
    /// every keystroke.
    static LAST: RefCell<Option<(WorkspaceOptions, Arc<Schema>)>> = const { RefCell::new(None) };
}

impl WorkspaceOptions {
    /// The schema these options describe, or why there is none.
    pub fn schema(&self) -> Result<Arc<Schema>, String> {
        if let Some(schema) = LAST.with(|l| {
            l.borrow()
                .as_ref()
                .filter(|(o, _)| o == self)
                .map(|(_, s)| s.clone())
        }) {
            return Ok(schema);
        }
        let target: Target = match &self.target {
            Some(t) => t
                .parse()
                .map_err(|e: qc::target::UnknownTarget| e.to_string())?,
            None => Target::default(),
        };
        let tz = match &self.timezone {
            Some(name) => qc::schema::timezone(name)?,
            None => jiff::tz::TimeZone::UTC,
        };
        let mut workspaces = Vec::with_capacity(self.schema.len());
        for text in self.schema.iter().filter(|t| !t.trim().is_empty()) {
            let w = Workspace::from_json(text).map_err(|diagnostics| {
                format!(
                    "invalid workspace schema:\n{}",
                    render(&diagnostics, text, "schema").trim_end()
                )
            })?;
            workspaces.push(w);
        }
        let schema = Arc::new(Schema::new(target, tz, &workspaces));
        LAST.with(|l| *l.borrow_mut() = Some((self.clone(), schema.clone())));
        Ok(schema)
    }
}

/// "Now" for relative dates: unix seconds, or RFC 3339 text.
#[derive(Debug, Clone, PartialEq)]
pub enum Now {
    /// Unix seconds (fractions are dropped).
    Seconds(f64),
    /// RFC 3339, e.g. `2024-06-01T00:00:00Z`, as `qc --now` takes it.
    Text(String),
}

/// Options of [`compile`] and [`check`]. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompileOptions {
    /// The target, time zone and workspace schema.
    pub workspace: WorkspaceOptions,
    /// "Now" for relative dates; the clock when absent.
    pub now: Option<Now>,
    /// Results per page (1 to 150); no pagination when absent and no
    /// `starting_after` is given.
    pub per_page: Option<f64>,
    /// The cursor of the page to continue after.
    pub starting_after: Option<String>,
    /// Rewrite a query over the API's limits to fit (default), or refuse
    /// it when false (`qc --no-rewrite`).
    pub rewrite: Option<bool>,
}

/// The result of a call: a value, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome<T> {
    /// The result; `None` when the input has errors or the options are bad.
    pub value: Option<T>,
    /// The input's diagnostics: the warnings that go with the value, or
    /// the errors (and warnings) that stand in its place.
    pub diagnostics: Vec<Diagnostic>,
    /// `diagnostics` rendered as the command line prints them.
    pub rendered: String,
    /// Why the options are bad.
    pub error: Option<String>,
}

impl<T> Outcome<T> {
    /// A value and the warnings that go with it.
    fn value(value: T, diagnostics: Vec<Diagnostic>, source: &str, name: &str) -> Self {
        Outcome {
            value: Some(value),
            rendered: render(&diagnostics, source, name),
            diagnostics,
            error: None,
        }
    }

    /// No value: the input has errors.
    fn invalid(diagnostics: Vec<Diagnostic>, source: &str, name: &str) -> Self {
        Outcome {
            value: None,
            rendered: render(&diagnostics, source, name),
            diagnostics,
            error: None,
        }
    }

    /// No value: the options are bad.
    pub fn bad_options(error: impl Into<String>) -> Self {
        Outcome {
            value: None,
            diagnostics: Vec::new(),
            rendered: String::new(),
            error: Some(error.into()),
        }
    }
}

/// The name diagnostics of query text are rendered under, as the command
/// line names a query given as an argument.
const QUERY: &str = "query";
/// The name diagnostics of a JSON request are rendered under.
const REQUEST: &str = "request";

/// Diagnostics rendered as the command line prints them (no colour).
fn render(diagnostics: &[Diagnostic], source: &str, name: &str) -> String {
    let options = RenderOptions {
        source_name: name.to_owned(),
        ..RenderOptions::default()
    };
    render_all(diagnostics, source, &options)
}

/// A completion candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsCompletion {
    /// What the list shows.
    pub label: String,
    /// `"field"`, `"operator"`, `"value"` or `"keyword"`.
    pub kind: ide::CompletionKind,
    /// A short detail.
    pub detail: String,
    /// Markdown documentation.
    pub documentation: String,
    /// The text to insert.
    pub insert: String,
    /// The text the insertion replaces.
    pub range: Utf16Range,
}

/// Hover information.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsHover {
    /// The text the information is about.
    pub range: Utf16Range,
    /// Markdown.
    pub contents: String,
}

const NOW_RANGE: &str = "now must be between the years -9999 and 9999";

fn now(now: Option<&Now>) -> Result<Option<i64>, String> {
    let seconds = match now {
        None => return Ok(None),
        // `as` saturates; out-of-range values are then refused below.
        Some(Now::Seconds(n)) if n.is_finite() => n.floor() as i64,
        Some(Now::Seconds(_)) => return Err(NOW_RANGE.to_owned()),
        Some(Now::Text(text)) => text
            .parse::<jiff::Timestamp>()
            .map(|t| t.as_second())
            .map_err(|e| {
                format!("now: expected an RFC 3339 date-time such as 2024-01-01T00:00:00Z: {e}")
            })?,
    };
    if is_valid_timestamp(seconds) {
        Ok(Some(seconds))
    } else {
        Err(NOW_RANGE.to_owned())
    }
}

fn pagination(opts: &CompileOptions) -> Result<Option<Pagination>, String> {
    let per_page = match opts.per_page {
        None => None,
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Some(n as u32),
        Some(n) => return Err(format!("per_page must be between 1 and 150, got {n}")),
    };
    if per_page.is_none() && opts.starting_after.is_none() {
        return Ok(None);
    }
    Pagination::new(per_page, opts.starting_after.clone())
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The compiler for `opts`, or why there is none.
fn compiler(opts: &CompileOptions) -> Result<Compiler, String> {
    let options = Options {
        now: now(opts.now.as_ref())?,
        pagination: pagination(opts)?,
        limits: if opts.rewrite.unwrap_or(true) {
            Limits::Rewrite
        } else {
            Limits::Refuse
        },
        ..Options::default()
    };
    Ok(Compiler::new(opts.workspace.schema()?, options))
}

/// Compiles `source` to the request body, with its warnings.
pub fn compile(source: &str, opts: &CompileOptions) -> Outcome<serde_json::Value> {
    let compiler = match compiler(opts) {
        Ok(c) => c,
        Err(e) => return Outcome::bad_options(e),
    };
    match compiler.compile(source) {
        Ok(compiled) => Outcome::value(compiled.json(), compiled.warnings, source, QUERY),
        Err(e) if e.diagnostics().is_empty() => Outcome::bad_options(e.to_string()),
        Err(e) => Outcome::invalid(e.diagnostics().to_vec(), source, QUERY),
    }
}

/// The requests whose union is exactly the query (`qc plan`): one body
/// when the query fits (after rewriting), several when no single request
/// can express it; at most 50.
pub fn plan(source: &str, opts: &CompileOptions) -> Outcome<Vec<serde_json::Value>> {
    let compiler = match compiler(opts) {
        Ok(c) => c,
        Err(e) => return Outcome::bad_options(e),
    };
    match compiler.plan(source, qc::optimise::DEFAULT_MAX_REQUESTS) {
        Ok(requests) => Outcome::value(
            requests.iter().map(qc::emit).collect(),
            Vec::new(),
            source,
            QUERY,
        ),
        Err(e) if e.diagnostics().is_empty() => Outcome::bad_options(e.to_string()),
        Err(e) => Outcome::invalid(e.diagnostics().to_vec(), source, QUERY),
    }
}

/// Every diagnostic of `source`, in source order, as `qc check --format
/// json` prints them.
pub fn check(source: &str, opts: &CompileOptions) -> Outcome<Vec<Diagnostic>> {
    match compiler(opts) {
        Ok(c) => Outcome::value(c.diagnose(source), Vec::new(), source, QUERY),
        Err(e) => Outcome::bad_options(e),
    }
}

/// Every diagnostic of a JSON request, as `qc validate --format json`
/// prints them.
pub fn validate(json: &str, workspace: &WorkspaceOptions) -> Outcome<Vec<Diagnostic>> {
    match workspace.schema() {
        Ok(schema) => Outcome::value(
            qc::json::validate_with(json, &schema).diagnostics,
            Vec::new(),
            json,
            REQUEST,
        ),
        Err(e) => Outcome::bad_options(e),
    }
}

/// Formats query text as `qc fmt` does (without the final newline),
/// breaking lines at `width` columns (80 when `None`). A query with
/// syntax errors is not formatted.
pub fn format(source: &str, width: Option<u32>) -> Outcome<String> {
    let width = width.map_or(qc::format::DEFAULT_WIDTH, |w| {
        usize::try_from(w).unwrap_or(usize::MAX)
    });
    match qc::format::format_source(source, width) {
        Ok(text) => Outcome::value(text, Vec::new(), source, QUERY),
        Err(diagnostics) => Outcome::invalid(diagnostics, source, QUERY),
    }
}

/// Turns a JSON search request back into query text, as `qc decompile`
/// does; dates as RFC 3339 unless `unix_dates`.
pub fn decompile(json: &str, unix_dates: bool, workspace: &WorkspaceOptions) -> Outcome<String> {
    let schema = match workspace.schema() {
        Ok(s) => s,
        Err(e) => return Outcome::bad_options(e),
    };
    let validated = qc::json::validate_with(json, &schema);
    let style = if unix_dates {
        DateStyle::Unix
    } else {
        DateStyle::Rfc3339
    };
    match &validated.query {
        Some(query) => Outcome::value(
            qc::decompile::decompile(query, style),
            validated.diagnostics,
            json,
            REQUEST,
        ),
        None => Outcome::invalid(validated.diagnostics, json, REQUEST),
    }
}

/// The field table of the workspace's target, as `qc fields --format
/// json` prints it.
pub fn fields(workspace: &WorkspaceOptions) -> Outcome<Vec<FieldDef>> {
    match workspace.schema() {
        Ok(s) => Outcome::value(s.fields().cloned().collect(), Vec::new(), "", QUERY),
        Err(e) => Outcome::bad_options(e),
    }
}

fn schema_or_default(workspace: &WorkspaceOptions) -> Arc<Schema> {
    workspace
        .schema()
        .unwrap_or_else(|_| Schema::conversations())
}

/// Completions at UTF-16 offset `at` of `source`.
pub fn complete(source: &str, at: u32, workspace: &WorkspaceOptions) -> Vec<JsCompletion> {
    let text = Text::new(source);
    ide::complete(source, text.byte_offset(at), &schema_or_default(workspace))
        .into_iter()
        .map(|c| JsCompletion {
            range: text.range(c.replace),
            label: c.label,
            kind: c.kind,
            detail: c.detail,
            documentation: c.documentation,
            insert: c.insert_text,
        })
        .collect()
}

/// Hover information at UTF-16 offset `at` of `source`.
pub fn hover(source: &str, at: u32, workspace: &WorkspaceOptions) -> Option<JsHover> {
    let text = Text::new(source);
    ide::hover(source, text.byte_offset(at), &schema_or_default(workspace)).map(|h| JsHover {
        range: text.range(h.range),
        contents: h.contents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixed() -> CompileOptions {
        CompileOptions {
            now: Some(Now::Seconds(1_717_200_000.0)),
            ..CompileOptions::default()
        }
    }

    #[test]
    fn compiles_to_the_body() {
        let out = compile("state = open", &fixed());
        assert_eq!(
            out.value,
            Some(json!({"query": {"field": "state", "operator": "=", "value": "open"}}))
        );
        assert!(out.diagnostics.is_empty() && out.error.is_none() && out.rendered.is_empty());
    }

    #[test]
    fn now_as_text_and_pagination() {
        let opts = CompileOptions {
            now: Some(Now::Text("2024-06-01T00:00:00Z".into())),
            per_page: Some(5.0),
            starting_after: Some("abc".into()),
            ..CompileOptions::default()
        };
        let body = compile("created_at > now-1d", &opts)
            .value
            .expect("compiles");
        assert_eq!(body["query"]["value"], json!("1717113601"));
        assert_eq!(
            body["pagination"],
            json!({"per_page": 5, "starting_after": "abc"})
        );
    }

    #[test]
    fn option_errors_are_reported_not_thrown() {
        for (per_page, error) in [
            (500.0, "per_page must be between 1 and 150, got 500"),
            (-1.0, "per_page must be between 1 and 150, got -1"),
            (2.5, "per_page must be between 1 and 150, got 2.5"),
        ] {
            let opts = CompileOptions {
                per_page: Some(per_page),
                ..fixed()
            };
            let out = compile("read = true", &opts);
            assert!(out.value.is_none());
            assert_eq!(out.error.as_deref(), Some(error));
        }
        for now in [Now::Seconds(f64::NAN), Now::Text("yesterday".into())] {
            let opts = CompileOptions {
                now: Some(now),
                ..fixed()
            };
            assert!(compile("read = true", &opts).error.is_some());
        }
        // Extreme clocks are bad options, not panics.
        for now in [1e300, -1e300] {
            let opts = CompileOptions {
                now: Some(Now::Seconds(now)),
                ..fixed()
            };
            let out = compile("created_at > now-7d", &opts);
            assert_eq!(out.error.as_deref(), Some(NOW_RANGE), "{now}");
        }
    }

    #[test]
    fn errors_are_rendered_as_the_command_line_does() {
        let out = compile("stat = open", &fixed());
        assert!(out.value.is_none() && out.error.is_none());
        assert_eq!(
            out.diagnostics[0].help.as_deref(),
            Some("did you mean `state`?")
        );
        assert!(out.diagnostics[0].location.is_some());
        assert!(
            out.rendered
                .starts_with("[E0101] Error: unknown field `stat`"),
            "{}",
            out.rendered
        );
        assert!(out.rendered.contains("─[ query:1:1 ]"), "{}", out.rendered);
        assert_eq!(check("stat = open", &fixed()).value, Some(out.diagnostics));
    }

    #[test]
    fn targets_timezones_and_workspace_schemas() {
        let attributes = json!([{"model": "contact", "full_name": "custom_attributes.plan",
            "data_type": "string", "options": ["free", "pro"]}]);
        let list = json!({"type": "list", "data": attributes});
        for schema in [
            vec![attributes.to_string()],
            vec![list.to_string()],
            vec![" ".into(), list.to_string()],
            vec![list.to_string(), json!({"ticket_types": []}).to_string()],
        ] {
            let opts = CompileOptions {
                workspace: WorkspaceOptions {
                    target: Some("contacts".into()),
                    timezone: Some("Europe/Paris".into()),
                    schema: schema.clone(),
                },
                ..fixed()
            };
            let out = compile(
                "custom_attributes.plan = pro AND created_at = 2024-01-15",
                &opts,
            );
            let body = out.value.expect("compiles").to_string();
            assert!(
                body.contains(r#""value":"1705273200""#),
                "{schema:?}: {body}"
            );
            let out = compile("custom_attributes.plan = prp", &opts);
            assert_eq!(
                out.diagnostics[0].help.as_deref(),
                Some("did you mean `pro`?"),
                "{schema:?}"
            );
        }
        let bad = |workspace: WorkspaceOptions| {
            compile(
                "state = open",
                &CompileOptions {
                    workspace,
                    ..fixed()
                },
            )
            .error
            .unwrap_or_default()
        };
        assert!(
            bad(WorkspaceOptions {
                timezone: Some("Mars/Olympus".into()),
                ..WorkspaceOptions::default()
            })
            .contains("Mars/Olympus")
        );
        assert!(
            bad(WorkspaceOptions {
                target: Some("companies".into()),
                ..WorkspaceOptions::default()
            })
            .contains("unknown target `companies`")
        );
        assert!(
            bad(WorkspaceOptions {
                schema: vec![json!({"type": "list", "data": 5}).to_string()],
                ..WorkspaceOptions::default()
            })
            .starts_with("invalid workspace schema:\n")
        );
    }

    #[test]
    fn validate_format_and_decompile() {
        let out = format("state=open and(read = 'true'  )", None);
        assert_eq!(out.value.as_deref(), Some("state = open AND read = true"));
        let out = format("state = open AND (", None);
        assert!(out.value.is_none() && !out.diagnostics.is_empty() && !out.rendered.is_empty());

        let json = r#"{"query": {"operator": "AND", "value": [
            {"field": "created_at", "operator": ">", "value": "1704067200"},
            {"field": "state", "operator": "=", "value": "open"}]}}"#;
        let none = WorkspaceOptions::default();
        assert_eq!(validate(json, &none).value, Some(Vec::new()));
        let out = decompile(json, false, &none);
        assert_eq!(
            out.value.as_deref(),
            Some("created_at >= 2024-01-01T00:00:00Z AND state = open")
        );
        let out = decompile(json, true, &none);
        assert_eq!(
            out.value.as_deref(),
            Some("created_at >= 1704067200 AND state = open")
        );
        let bad = r#"{"query": {"field": "stat", "operator": "=", "value": "open"}}"#;
        let out = decompile(bad, false, &none);
        assert!(out.value.is_none());
        let d = &out.diagnostics[0];
        assert_eq!(d.path.as_deref(), Some("query.field"));
        assert_eq!(&bad[d.range.range()], "\"stat\"");
        assert!(out.rendered.contains("─[ request:1:"), "{}", out.rendered);
        assert_eq!(validate(bad, &none).value, Some(out.diagnostics));
    }

    #[test]
    fn field_table() {
        let rows = fields(&WorkspaceOptions::default()).value.expect("a table");
        let f = serde_json::to_value(&rows).expect("the table serialises");
        let state = f
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["name"] == "state"))
            .expect("state");
        assert_eq!(state["type"], "String");
        assert_eq!(state["values"], json!(["open", "closed", "snoozed"]));
        assert_eq!(state["operators"], json!(["=", "!=", "IN", "NIN"]));
        assert_eq!(rows.len(), Schema::conversations().fields().len());
        let contacts = WorkspaceOptions {
            target: Some("contacts".into()),
            ..WorkspaceOptions::default()
        };
        let rows = fields(&contacts).value.expect("a table");
        assert!(rows.iter().any(|r| r.name == "andoid_sdk_version"));
    }

    #[test]
    fn completion_and_hover_use_utf16_offsets() {
        let src = "source.body ~ \"😀\" AND state = op";
        let at = src.encode_utf16().count() as u32;
        let items = complete(src, at, &WorkspaceOptions::default());
        let labels: Vec<&str> = items.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["open", "closed", "snoozed"]);
        assert_eq!((items[0].range.from, items[0].range.to), (at - 2, at));
        let state = src.find("state").expect("present");
        let at = src[..state].encode_utf16().count() as u32 + 1;
        let h = hover(src, at, &WorkspaceOptions::default()).expect("hover");
        assert_eq!((h.range.from, h.range.to), (at - 1, at + 4));
        assert!(h.contents.contains("**state**"), "{}", h.contents);
        assert!(hover("", 5, &WorkspaceOptions::default()).is_none());
    }
}
