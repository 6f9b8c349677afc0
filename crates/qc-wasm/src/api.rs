//! The playground's operations as plain Rust functions returning
//! serialisable values; `lib.rs` only converts them to JavaScript.

use std::cell::RefCell;
use std::sync::Arc;

use qc::check::{Pagination, is_valid_timestamp};
use qc::decompile::DateStyle;
use qc::schema::{FieldDef, Workspace};
use qc::{Compiler, Diagnostic, Options, Schema, Target, ide};
use serde::{Deserialize, Serialize};

use crate::text::{Text, Utf16Range};

/// The workspace a call is for: every field optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct WorkspaceOptions {
    /// `conversations` (default), `contacts` or `tickets`.
    pub target: Option<String>,
    /// The workspace's IANA time zone (default UTC).
    pub timezone: Option<String>,
    /// The workspace's attributes: the JSON of `GET /data_attributes` or
    /// `GET /ticket_types`, as text or as an object (or a list of them).
    pub schema: Option<serde_json::Value>,
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
        let files: Vec<&serde_json::Value> = match &self.schema {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(items)) if items.iter().all(|i| i.is_string()) => {
                items.iter().collect()
            }
            Some(one) => vec![one],
        };
        let mut workspaces = Vec::with_capacity(files.len());
        for file in files {
            let read = match file {
                serde_json::Value::String(text) if text.trim().is_empty() => continue,
                serde_json::Value::String(text) => Workspace::from_json(text),
                other => Workspace::from_value(other),
            };
            let w = read.map_err(|diagnostics| {
                let messages: Vec<String> =
                    diagnostics.iter().map(|d| d.message_with_path()).collect();
                format!("invalid workspace schema: {}", messages.join("; "))
            })?;
            workspaces.push(w);
        }
        let schema = Arc::new(Schema::new(target, tz, &workspaces));
        LAST.with(|l| *l.borrow_mut() = Some((self.clone(), schema.clone())));
        Ok(schema)
    }
}

/// Options of [`compile`], as a JavaScript object. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CompileOptions {
    /// The target, time zone and workspace schema.
    #[serde(flatten)]
    pub workspace: WorkspaceOptions,
    /// "Now" for relative dates, in unix seconds; the browser's clock when
    /// absent.
    pub now: Option<f64>,
    /// Results per page (1 to 150); no pagination when absent and no
    /// `starting_after` is given.
    #[serde(alias = "perPage")]
    pub per_page: Option<u32>,
    /// The cursor of the page to continue after.
    #[serde(alias = "startingAfter")]
    pub starting_after: Option<String>,
    /// Indent the JSON.
    pub pretty: bool,
}

/// The result of [`compile`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompileResult {
    /// True when the query compiled.
    pub ok: bool,
    /// The request body, when the query compiled.
    pub json: Option<String>,
    /// Every error and warning, in source order.
    pub diagnostics: Vec<JsDiagnostic>,
    /// A problem with the options rather than the query.
    pub error: Option<String>,
}

/// A diagnostic with UTF-16 ranges.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsDiagnostic {
    /// `"error"` or `"warning"`.
    pub severity: qc::Severity,
    /// The stable code, e.g. `"E0101"`.
    pub code: qc::Code,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub range: Utf16Range,
    /// Advice, e.g. "did you mean `open`?".
    pub help: Option<String>,
    /// A replacement that fixes the problem.
    pub suggestion: Option<JsSuggestion>,
    /// Secondary locations.
    pub labels: Vec<JsLabel>,
    /// For JSON input: where in the request, e.g. `query.value[1].field`.
    pub path: Option<String>,
}

/// A machine-applicable fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsSuggestion {
    /// The text to replace.
    pub range: Utf16Range,
    /// What to put there.
    pub replacement: String,
    /// A short description, e.g. "replace with `open`".
    pub message: String,
}

/// A secondary location of a diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsLabel {
    /// Where.
    pub range: Utf16Range,
    /// What it says.
    pub message: String,
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

fn options(opts: &CompileOptions) -> Result<Options, String> {
    let pagination = if opts.per_page.is_some() || opts.starting_after.is_some() {
        Some(
            Pagination::new(opts.per_page, opts.starting_after.clone())
                .map_err(|e| e.to_string())?,
        )
    } else {
        None
    };
    let now = match opts.now {
        // `as` saturates; out-of-range values are then refused by the check.
        Some(n) if n.is_finite() && is_valid_timestamp(n.trunc() as i64) => Some(n.trunc() as i64),
        Some(_) => {
            return Err("`now` must be unix seconds between the years -9999 and 9999".to_owned());
        }
        None => None,
    };
    Ok(Options {
        now,
        pagination,
        ..Options::default()
    })
}

/// Compiles `source` to the request body, with every diagnostic.
pub fn compile(source: &str, opts: &CompileOptions) -> CompileResult {
    let compiler = match compiler(opts) {
        Ok(c) => c,
        Err(error) => {
            return CompileResult {
                ok: false,
                json: None,
                diagnostics: Vec::new(),
                error: Some(error),
            };
        }
    };
    let text = Text::new(source);
    match compiler.compile(source) {
        Ok(compiled) => CompileResult {
            ok: true,
            json: Some(qc::emit_string(&compiled.query, opts.pretty)),
            diagnostics: convert(&text, &compiled.warnings),
            error: None,
        },
        Err(e) => CompileResult {
            ok: false,
            json: None,
            diagnostics: convert(&text, e.diagnostics()),
            error: Some(e.to_string()).filter(|_| e.diagnostics().is_empty()),
        },
    }
}

/// The requests whose union is exactly the query (`qc plan`): compact
/// JSON bodies, one per request; one when the query fits. Bad options or
/// an invalid query give the same `error`/`diagnostics` as [`compile`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanResult {
    /// True when there is a plan.
    pub ok: bool,
    /// The request bodies.
    pub requests: Vec<String>,
    /// Errors and warnings of the query.
    pub diagnostics: Vec<JsDiagnostic>,
    /// A problem with the options, or why no plan fits.
    pub error: Option<String>,
}

/// The compiler the options describe, or why there is none.
fn compiler(opts: &CompileOptions) -> Result<Compiler, String> {
    Ok(Compiler::new(opts.workspace.schema()?, options(opts)?))
}

/// Plans `source` into at most 50 requests.
pub fn plan(source: &str, opts: &CompileOptions) -> PlanResult {
    let compiler = match compiler(opts) {
        Ok(c) => c,
        Err(error) => {
            return PlanResult {
                ok: false,
                requests: Vec::new(),
                diagnostics: Vec::new(),
                error: Some(error),
            };
        }
    };
    match compiler.plan(source, qc::optimise::DEFAULT_MAX_REQUESTS) {
        Ok(requests) => PlanResult {
            ok: true,
            requests: requests.iter().map(|q| qc::emit_string(q, false)).collect(),
            diagnostics: Vec::new(),
            error: None,
        },
        Err(e) => PlanResult {
            ok: false,
            requests: Vec::new(),
            diagnostics: convert(&Text::new(source), e.diagnostics()),
            error: Some(e.to_string()).filter(|_| e.diagnostics().is_empty()),
        },
    }
}

/// Every diagnostic of `source`, in source order (none when the
/// workspace options are wrong: [`compile`] says why).
pub fn check(source: &str, workspace: &WorkspaceOptions) -> Vec<JsDiagnostic> {
    let Ok(schema) = workspace.schema() else {
        return Vec::new();
    };
    convert(
        &Text::new(source),
        &Compiler::new(schema, Options::default()).diagnose(source),
    )
}

fn convert(text: &Text<'_>, diagnostics: &[Diagnostic]) -> Vec<JsDiagnostic> {
    diagnostics
        .iter()
        .map(|d| JsDiagnostic {
            severity: d.severity,
            code: d.code,
            message: d.message.clone(),
            range: text.range(d.range),
            help: d.help.clone(),
            suggestion: d.suggestion.as_ref().map(|s| JsSuggestion {
                range: text.range(s.span),
                replacement: s.replacement.clone(),
                message: s.message.clone(),
            }),
            labels: d
                .labels
                .iter()
                .map(|l| JsLabel {
                    range: text.range(l.span),
                    message: l.message.clone(),
                })
                .collect(),
            path: d.path.clone(),
        })
        .collect()
}

/// The result of [`format`] and [`decompile`]: query text, or why there is
/// none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextResult {
    /// True when `text` is present.
    pub ok: bool,
    /// The query text.
    pub text: Option<String>,
    /// Errors and warnings of the input, ranges into the input.
    pub diagnostics: Vec<JsDiagnostic>,
}

/// Formats query text as `qc fmt` does, breaking lines at `width` columns
/// (80 when `None`). A query with syntax errors is not formatted.
pub fn format(source: &str, width: Option<u32>) -> TextResult {
    let width = width.map_or(qc::format::DEFAULT_WIDTH, |w| {
        usize::try_from(w).unwrap_or(usize::MAX)
    });
    match qc::format::format_source(source, width) {
        Ok(text) => TextResult {
            ok: true,
            text: Some(text),
            diagnostics: Vec::new(),
        },
        Err(diagnostics) => TextResult {
            ok: false,
            text: None,
            diagnostics: convert(&Text::new(source), &diagnostics),
        },
    }
}

/// Turns a JSON search request back into query text, as `qc decompile`
/// does; dates as RFC 3339 unless `unix_dates`.
pub fn decompile(json: &str, unix_dates: bool, workspace: &WorkspaceOptions) -> TextResult {
    let schema = match workspace.schema() {
        Ok(s) => s,
        Err(_) => Schema::conversations(),
    };
    let validated = qc::json::validate_with(json, &schema);
    let style = if unix_dates {
        DateStyle::Unix
    } else {
        DateStyle::Rfc3339
    };
    TextResult {
        ok: validated.query.is_some(),
        text: validated
            .query
            .as_ref()
            .map(|q| qc::decompile::decompile(q, style)),
        diagnostics: convert(&Text::new(json), &validated.diagnostics),
    }
}

/// The field table of the workspace's target.
pub fn fields(workspace: &WorkspaceOptions) -> Vec<FieldDef> {
    workspace
        .schema()
        .map(|s| s.fields().cloned().collect())
        .unwrap_or_default()
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

    fn fixed() -> CompileOptions {
        CompileOptions {
            now: Some(1_717_200_000.0),
            ..CompileOptions::default()
        }
    }

    #[test]
    fn compiles_to_json() {
        let out = compile("state = open", &fixed());
        assert!(out.ok);
        assert_eq!(
            out.json.as_deref(),
            Some(r#"{"query":{"field":"state","operator":"=","value":"open"}}"#)
        );
        assert!(out.diagnostics.is_empty() && out.error.is_none());
    }

    #[test]
    fn pretty_and_pagination() {
        let opts = CompileOptions {
            per_page: Some(5),
            starting_after: Some("abc".into()),
            pretty: true,
            ..fixed()
        };
        let json = compile("read = true", &opts).json.expect("compiles");
        assert!(json.contains("\n  \"query\""), "{json}");
        assert!(json.contains("\"per_page\": 5"), "{json}");
        assert!(json.contains("\"starting_after\": \"abc\""), "{json}");
    }

    #[test]
    fn option_errors_are_reported_not_thrown() {
        let opts = CompileOptions {
            per_page: Some(500),
            ..fixed()
        };
        let out = compile("read = true", &opts);
        assert!(!out.ok);
        assert_eq!(
            out.error.as_deref(),
            Some("per_page must be between 1 and 150, got 500")
        );
        let opts = CompileOptions {
            now: Some(f64::NAN),
            ..fixed()
        };
        assert!(compile("read = true", &opts).error.is_some());
        // Extreme clocks give diagnostics, not panics.
        for now in [1e300, -1e300, 0.0] {
            let opts = CompileOptions {
                now: Some(now),
                ..fixed()
            };
            let out = compile("created_at > now-7d OR updated_at < now+1w", &opts);
            if now == 0.0 {
                assert!(out.ok, "{now}: {out:?}");
            } else {
                assert!(!out.ok && out.error.is_some(), "{now}: {out:?}");
            }
        }
    }

    #[test]
    fn targets_timezones_and_workspace_schemas() {
        let opts = CompileOptions {
            workspace: WorkspaceOptions {
                target: Some("contacts".into()),
                timezone: Some("Europe/Paris".into()),
                schema: Some(serde_json::json!({"type": "list", "data": [{
                    "type": "data_attribute", "model": "contact", "name": "plan",
                    "full_name": "custom_attributes.plan", "data_type": "string",
                    "options": ["free", "pro"]}]})),
            },
            ..fixed()
        };
        let out = compile(
            "custom_attributes.plan = pro AND created_at = 2024-01-15",
            &opts,
        );
        assert!(out.ok, "{out:?}");
        let json = out.json.expect("compiles");
        assert!(json.contains(r#""value":"1705273200""#), "{json}");
        let out = compile("custom_attributes.plan = prp", &opts);
        assert_eq!(
            out.diagnostics[0].help.as_deref(),
            Some("did you mean `pro`?")
        );
        let bad = CompileOptions {
            workspace: WorkspaceOptions {
                timezone: Some("Mars/Olympus".into()),
                ..WorkspaceOptions::default()
            },
            ..fixed()
        };
        let out = compile("state = open", &bad);
        assert!(
            !out.ok
                && out
                    .error
                    .as_deref()
                    .is_some_and(|e| e.contains("Mars/Olympus"))
        );
    }

    #[test]
    fn queries_over_the_limits_are_rewritten_or_planned() {
        let ors: Vec<String> = (1..=20).map(|i| format!("tag_ids = {i}")).collect();
        let out = compile(&ors.join(" OR "), &fixed());
        assert!(out.ok, "{out:?}");
        assert_eq!(out.diagnostics[0].code, qc::Code::Rewritten);
        let text = "(state = open AND read = true AND (tag_ids = 1 OR source.subject ~ a)) OR (state = closed AND read = false AND (tag_ids = 2 OR source.subject ~ b))";
        let out = compile(text, &fixed());
        assert!(!out.ok && out.diagnostics[0].code == qc::Code::NeedsPlan);
        let planned = plan(text, &fixed());
        assert!(planned.ok);
        assert_eq!(planned.requests.len(), 2);
    }

    #[test]
    fn misspelt_value_suggests_the_right_one() {
        let out = compile("state = opne", &fixed());
        assert!(!out.ok && out.json.is_none());
        let d = &out.diagnostics[0];
        assert_eq!((d.range.from, d.range.to), (8, 12));
        assert_eq!(d.help.as_deref(), Some("did you mean `open`?"));
        let s = d.suggestion.as_ref().expect("suggestion");
        assert_eq!(
            (s.range.from, s.range.to, s.replacement.as_str()),
            (8, 12, "open")
        );
        assert_eq!(
            check("state = opne", &WorkspaceOptions::default()),
            out.diagnostics
        );
    }

    #[test]
    fn ranges_are_in_utf16_units() {
        let src = "source.body ~ \"😀\" AND stat = open";
        let d = &check(src, &WorkspaceOptions::default())[0];
        let start = src.find("stat ").expect("present");
        let from = src[..start].encode_utf16().count() as u32;
        assert_eq!((d.range.from, d.range.to), (from, from + 4));
    }

    #[test]
    fn format_and_decompile() {
        let out = format("state=open and(read = 'true'  )", None);
        assert_eq!(out.text.as_deref(), Some("state = open AND read = true"));
        let out = format("state = open AND (", None);
        assert!(!out.ok && out.text.is_none() && !out.diagnostics.is_empty());

        let json = r#"{"query": {"operator": "AND", "value": [
            {"field": "created_at", "operator": ">", "value": "1704067200"},
            {"field": "state", "operator": "=", "value": "open"}]}}"#;
        let out = decompile(json, false, &WorkspaceOptions::default());
        assert_eq!(
            out.text.as_deref(),
            Some("created_at >= 2024-01-01T00:00:00Z AND state = open")
        );
        let out = decompile(json, true, &WorkspaceOptions::default());
        assert_eq!(
            out.text.as_deref(),
            Some("created_at >= 1704067200 AND state = open")
        );
        let bad = r#"{"query": {"field": "stat", "operator": "=", "value": "open"}}"#;
        let out = decompile(bad, false, &WorkspaceOptions::default());
        assert!(!out.ok && out.text.is_none());
        let d = &out.diagnostics[0];
        assert_eq!(d.path.as_deref(), Some("query.field"));
        assert_eq!(&bad[d.range.from as usize..d.range.to as usize], "\"stat\"");
    }

    #[test]
    fn field_table() {
        let f = serde_json::to_value(fields(&WorkspaceOptions::default()))
            .expect("the table serialises");
        let rows = f.as_array().expect("an array");
        let state = rows.iter().find(|r| r["name"] == "state").expect("state");
        assert_eq!(state["type"], "String");
        assert_eq!(
            state["values"],
            serde_json::json!(["open", "closed", "snoozed"])
        );
        assert_eq!(
            state["operators"],
            serde_json::json!(["=", "!=", "IN", "NIN"])
        );
        assert_eq!(rows.len(), Schema::conversations().fields().len());
        let contacts = WorkspaceOptions {
            target: Some("contacts".into()),
            ..WorkspaceOptions::default()
        };
        let rows = fields(&contacts);
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
