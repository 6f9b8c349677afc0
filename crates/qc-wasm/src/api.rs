//! The operations of the `intercom-qc` npm package (and so of the
//! playground) as plain Rust functions returning serialisable values;
//! `lib.rs` only hands them to JavaScript.
//!
//! Every function takes its input and the JSON text of the options object,
//! builds the compiler with [`Settings::from_json`] and
//! [`Settings::compiler`] (the library checks every option and keeps the
//! last schema built), calls one [`Compiler`] method and returns an
//! [`Outcome`]. Diagnostics are those of `qc check --format json`, with
//! every range counted in UTF-16 code units of the text, as JavaScript
//! strings count them.

use qc::diagnostic::{QUERY_SOURCE as QUERY, REQUEST_SOURCE as REQUEST, render_plain as render};
use qc::filter::Matcher;
use qc::schema::FieldDef;
use qc::{Compiler, Diagnostic, Error, Settings, SettingsError, ide};
use serde::Serialize;

use crate::text::{Text, Utf16Range};

/// The result of a call, as the package's JavaScript turns it into a value
/// or an exception: `{"outcome": "value" | "invalid" | "error", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome<T> {
    /// The result, with the input's warnings and notes (none for the
    /// functions whose result is a list of diagnostics).
    Value {
        /// The result.
        value: T,
        /// Warnings and notes, ranges in UTF-16 units.
        warnings: Vec<Diagnostic>,
        /// `warnings` rendered as the command line prints them.
        rendered: String,
    },
    /// The input has errors (a `QueryError` in JavaScript).
    Invalid {
        /// Every diagnostic, errors and warnings, ranges in UTF-16 units.
        diagnostics: Vec<Diagnostic>,
        /// `diagnostics` rendered as the command line prints them.
        rendered: String,
    },
    /// The options cannot be used (nothing was compiled).
    Error {
        /// Which JavaScript exception to throw.
        kind: ErrorKind,
        /// Why.
        message: String,
    },
}

/// The JavaScript exception for unusable options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// `TypeError`: an unknown option, or a value of the wrong type.
    Type,
    /// `RangeError`: a value of the right type that is not allowed.
    Range,
}

impl<T> Outcome<T> {
    /// `value`, with the warnings of `source` that go with it.
    fn value(value: T, warnings: &[Diagnostic], source: &str, name: &str) -> Self {
        Outcome::Value {
            value,
            rendered: render(warnings, source, name),
            warnings: Text::new(source).diagnostics(warnings),
        }
    }

    /// No value: `source` has errors.
    fn invalid(diagnostics: &[Diagnostic], source: &str, name: &str) -> Self {
        Outcome::Invalid {
            rendered: render(diagnostics, source, name),
            diagnostics: Text::new(source).diagnostics(diagnostics),
        }
    }

    /// No value: an error that is not about the input's text.
    fn error(kind: ErrorKind, message: impl Into<String>) -> Self {
        Outcome::Error {
            kind,
            message: message.into(),
        }
    }

    /// The outcome of a library call that failed.
    fn failed(error: &Error, source: &str, name: &str) -> Self {
        match error {
            Error::Invalid(diagnostics) => Outcome::invalid(diagnostics, source, name),
            other => Outcome::error(ErrorKind::Range, other.to_string()),
        }
    }
}

impl<T> From<SettingsError> for Outcome<T> {
    fn from(e: SettingsError) -> Self {
        let kind = match e {
            SettingsError::Type(_) => ErrorKind::Type,
            SettingsError::Value(_) | SettingsError::Schema { .. } => ErrorKind::Range,
        };
        Outcome::error(kind, e.to_string())
    }
}

/// The compiler of the options' JSON text.
fn compiler(options: &str) -> Result<Compiler, SettingsError> {
    Settings::from_json(options)?.compiler()
}

/// Runs `f` with the compiler of `options`, or reports why there is none.
fn with<T>(options: &str, f: impl FnOnce(Compiler) -> Outcome<T>) -> Outcome<T> {
    match compiler(options) {
        Ok(c) => f(c),
        Err(e) => e.into(),
    }
}

/// Compiles `source` to the request body, with its warnings.
pub fn compile(source: &str, options: &str) -> Outcome<serde_json::Value> {
    with(options, |c| match c.compile(source) {
        Ok(compiled) => Outcome::value(compiled.json(), &compiled.warnings, source, QUERY),
        Err(e) => Outcome::failed(&e, source, QUERY),
    })
}

/// The requests whose union is exactly the query (`qc plan`): one body
/// when the query fits (after rewriting), several when no single request
/// can express it; at most `max_requests`.
pub fn plan(source: &str, options: &str) -> Outcome<Vec<serde_json::Value>> {
    with(options, |c| match c.plan(source) {
        Ok(planned) => Outcome::value(
            planned.requests.iter().map(qc::emit).collect(),
            &planned.warnings,
            source,
            QUERY,
        ),
        Err(e) => Outcome::failed(&e, source, QUERY),
    })
}

/// Every diagnostic of `source`, in source order.
pub fn check(source: &str, options: &str) -> Outcome<Vec<Diagnostic>> {
    with(options, |c| {
        let diagnostics = Text::new(source).diagnostics(&c.diagnose(source));
        Outcome::value(diagnostics, &[], source, QUERY)
    })
}

/// Every diagnostic of a JSON request.
pub fn validate(json: &str, options: &str) -> Outcome<Vec<Diagnostic>> {
    with(options, |c| {
        let diagnostics = Text::new(json).diagnostics(&c.validate(json).diagnostics);
        Outcome::value(diagnostics, &[], json, REQUEST)
    })
}

/// Turns a JSON search request back into query text, as `qc decompile`
/// does, with the body's warnings and W0301.
pub fn decompile(json: &str, options: &str) -> Outcome<String> {
    with(options, |c| match c.decompile(json) {
        Ok(d) => Outcome::value(d.text, &d.warnings, json, REQUEST),
        Err(e) => Outcome::failed(&e, json, REQUEST),
    })
}

/// The field table of the target, as `qc fields --format json` prints it.
pub fn fields(options: &str) -> Outcome<Vec<FieldDef>> {
    with(options, |c| {
        Outcome::value(c.fields().cloned().collect(), &[], "", QUERY)
    })
}

/// Query text as `qc fmt` formats it (without the final newline).
pub fn format(source: &str, options: &str) -> Outcome<String> {
    with(options, |c| match c.format(source) {
        Ok(text) => Outcome::value(text, &[], source, QUERY),
        Err(e) => Outcome::failed(&e, source, QUERY),
    })
}

/// A query ready to run on objects, or why there is none; the outcome's
/// value is `true` when there is one.
pub fn matcher(source: &str, options: &str) -> (Option<Matcher>, Outcome<bool>) {
    let c = match compiler(options) {
        Ok(c) => c,
        Err(e) => return (None, e.into()),
    };
    match c.matcher(source) {
        Ok((m, warnings)) => (Some(m), Outcome::value(true, &warnings, source, QUERY)),
        Err(e) => (None, Outcome::failed(&e, source, QUERY)),
    }
}

/// Whether the JSON text of one object matches: `None` when it is not a
/// JSON object. The text is parsed whole ([`Matcher::matches_line`] would
/// build only what the query reads, but links a second JSON parser into
/// the module: 20 KB).
pub fn matches(matcher: &Matcher, json: &str) -> Option<bool> {
    match serde_json::from_str(json) {
        Ok(object @ serde_json::Value::Object(_)) => Some(matcher.matches(&object)),
        _ => None,
    }
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

/// Completions at UTF-16 offset `at` of `source`, unfiltered.
pub fn complete(source: &str, at: u32, options: &str) -> Outcome<Vec<JsCompletion>> {
    with(options, |c| {
        let text = Text::new(source);
        let items = c
            .complete(source, text.byte_offset(at))
            .into_iter()
            .map(|c| JsCompletion {
                range: text.range(c.replace),
                label: c.label,
                kind: c.kind,
                detail: c.detail,
                documentation: c.documentation,
                insert: c.insert_text,
            })
            .collect();
        Outcome::value(items, &[], source, QUERY)
    })
}

/// Hover information at UTF-16 offset `at` of `source`, if any.
pub fn hover(source: &str, at: u32, options: &str) -> Outcome<Option<JsHover>> {
    with(options, |c| {
        let text = Text::new(source);
        let hover = c.hover(source, text.byte_offset(at)).map(|h| JsHover {
            range: text.range(h.range),
            contents: h.contents,
        });
        Outcome::value(hover, &[], source, QUERY)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use qc::Span;
    use serde_json::json;

    const NOW: &str = r#"{"now": 1717200000}"#;

    fn value<T: std::fmt::Debug>(out: Outcome<T>) -> (T, Vec<Diagnostic>, String) {
        match out {
            Outcome::Value {
                value,
                warnings,
                rendered,
            } => (value, warnings, rendered),
            other => panic!("expected a value: {other:?}"),
        }
    }

    fn invalid<T: std::fmt::Debug>(out: Outcome<T>) -> (Vec<Diagnostic>, String) {
        match out {
            Outcome::Invalid {
                diagnostics,
                rendered,
            } => (diagnostics, rendered),
            other => panic!("expected diagnostics: {other:?}"),
        }
    }

    fn error<T: std::fmt::Debug>(out: Outcome<T>) -> (ErrorKind, String) {
        match out {
            Outcome::Error { kind, message } => (kind, message),
            other => panic!("expected an error: {other:?}"),
        }
    }

    #[test]
    fn compiles_to_the_body() {
        let (body, warnings, rendered) = value(compile("state = open", NOW));
        assert_eq!(
            body,
            json!({"query": {"field": "state", "operator": "=", "value": "open"}})
        );
        assert!(warnings.is_empty() && rendered.is_empty());
    }

    #[test]
    fn the_outcome_is_tagged() {
        let out = serde_json::to_value(compile("read = true", "{}")).expect("serialises");
        assert_eq!(out["outcome"], "value");
        assert_eq!(out["warnings"], json!([]));
        let out = serde_json::to_value(compile("stat = open", "{}")).expect("serialises");
        assert_eq!(out["outcome"], "invalid");
        let out =
            serde_json::to_value(compile("read = true", r#"{"rewrite": 1}"#)).expect("serialises");
        assert_eq!(out["outcome"], "error");
        assert_eq!(out["kind"], "type");
    }

    #[test]
    fn warnings_go_with_the_value() {
        let (_, warnings, rendered) = value(compile("state = open AND state = closed", NOW));
        assert_eq!(warnings[0].code.to_string(), "W0401");
        assert!(rendered.contains("W0401"), "{rendered}");
        let (requests, warnings, _) = value(plan("state = open AND state = closed", NOW));
        assert_eq!(requests.len(), 1);
        assert_eq!(warnings[0].code.to_string(), "W0401");
        let (_, warnings, _) = value(matcher("state = open AND state = closed", NOW).1);
        assert_eq!(warnings[0].code.to_string(), "W0401");
    }

    #[test]
    fn options_errors_carry_their_kind() {
        for (options, kind, start) in [
            (
                r#"{"per_page": 500}"#,
                ErrorKind::Range,
                "per_page must be between 1 and 150, got 500",
            ),
            (r#"{"perPage": "5"}"#, ErrorKind::Type, "perPage: "),
            (r#"{"colour": 1}"#, ErrorKind::Type, ""),
            ("[]", ErrorKind::Type, "options must be an object"),
            (r#"{"now": "yesterday"}"#, ErrorKind::Range, "now: "),
            (
                r#"{"target": "people"}"#,
                ErrorKind::Range,
                "unknown target",
            ),
            (
                r#"{"schema": {"type": "list", "data": 5}}"#,
                ErrorKind::Range,
                "invalid workspace schema",
            ),
        ] {
            let (k, message) = error(compile("read = true", options));
            assert_eq!(k, kind, "{options}: {message}");
            assert!(message.starts_with(start), "{options}: {message}");
            // Every function builds its compiler the same way.
            assert_eq!(error(fields(options)).0, kind);
            assert_eq!(error(hover("read", 1, options)).0, kind);
        }
    }

    #[test]
    fn ranges_count_utf16_units() {
        let src = "source.subject ~ “refund” AND stat = open";
        let (diagnostics, rendered) = invalid(compile(src, NOW));
        assert!(rendered.contains("─[ query:1:"), "{rendered}");
        let units: Vec<u16> = src.encode_utf16().collect();
        let slice = |s: Span| String::from_utf16(&units[s.start()..s.end()]).expect("whole");
        let stat = diagnostics
            .iter()
            .find(|d| d.code.to_string() == "E0101")
            .expect("unknown field");
        assert_eq!(slice(stat.range), "stat");
        let fix = stat.suggestion.as_ref().expect("a fix");
        assert_eq!(slice(fix.span), "stat");
        let quotes = diagnostics
            .iter()
            .filter_map(|d| d.suggestion.as_ref())
            .find(|s| s.replacement.starts_with('"'))
            .expect("a fix of the smart quotes");
        assert_eq!(slice(quotes.span), "“refund”");
        // Line:column stays 1-based in characters.
        let loc = stat.location.expect("located");
        assert_eq!(
            loc.start.column as usize,
            src[..src.find("stat").expect("there")].chars().count() + 1
        );
    }

    #[test]
    fn errors_are_rendered_as_the_command_line_does() {
        let (diagnostics, rendered) = invalid(compile("stat = open", NOW));
        assert_eq!(
            diagnostics[0].help.as_deref(),
            Some("did you mean `state`?")
        );
        assert!(
            rendered.starts_with("[E0101] Error: unknown field `stat`"),
            "{rendered}"
        );
        assert!(rendered.contains("─[ query:1:1 ]"), "{rendered}");
        assert_eq!(value(check("stat = open", NOW)).0, diagnostics);
    }

    #[test]
    fn validate_decompile_and_format() {
        let json = r#"{"query": {"operator": "AND", "value": [
            {"field": "created_at", "operator": ">", "value": "1704067200"},
            {"field": "state", "operator": "=", "value": "open"}]}}"#;
        assert_eq!(value(validate(json, "{}")).0, Vec::new());
        assert_eq!(
            value(decompile(json, "{}")).0,
            "created_at >= 2024-01-01T00:00:00Z AND state = open"
        );
        assert_eq!(
            value(decompile(json, r#"{"dates": "unix"}"#)).0,
            "created_at >= 1704067200 AND state = open"
        );
        let bad = r#"{"query": {"field": "stat", "operator": "=", "value": "ö"}}"#;
        let (diagnostics, rendered) = invalid(decompile(bad, "{}"));
        assert_eq!(diagnostics[0].path.as_deref(), Some("query.field"));
        assert!(rendered.contains("─[ request:1:"), "{rendered}");
        assert_eq!(value(validate(bad, "{}")).0, diagnostics);

        assert_eq!(
            value(format("state=open and(read = 'true'  )", "{}")).0,
            "state = open AND read = true"
        );
        let long = "statistics.count_reopens = 1 OR statistics.count_reopens = 2";
        assert!(value(format(long, r#"{"width": 30}"#)).0.contains('\n'));
        assert!(!invalid(format("state = open AND (", "{}")).0.is_empty());
    }

    #[test]
    fn matchers_run_on_json_objects() {
        let (m, out) = matcher("state = open AND read = false", "{}");
        let m = m.expect("a matcher");
        assert!(value(out).0);
        assert_eq!(
            matches(&m, r#"{"state": "open", "read": false}"#),
            Some(true)
        );
        assert_eq!(
            matches(&m, r#"{"state": "closed", "read": false}"#),
            Some(false)
        );
        assert_eq!(matches(&m, "[1]"), None);
        assert_eq!(matches(&m, ""), None);
        let (m, out) = matcher("stat = open", "{}");
        assert!(m.is_none());
        assert!(!invalid(out).0.is_empty());
    }

    #[test]
    fn field_table() {
        let rows = value(fields("{}")).0;
        let state = rows.iter().find(|r| r.name == "state").expect("state");
        let values: Vec<&str> = state.values.iter().map(AsRef::as_ref).collect();
        assert_eq!(values, ["open", "closed", "snoozed"]);
        let rows = value(fields(r#"{"target": "contacts"}"#)).0;
        assert!(rows.iter().any(|r| r.name == "role"));
    }

    #[test]
    fn completion_and_hover_use_utf16_offsets() {
        let src = "source.body ~ \"😀\" AND state = op";
        let at = src.encode_utf16().count() as u32;
        let items = value(complete(src, at, "{}")).0;
        let labels: Vec<&str> = items.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["open", "closed", "snoozed"]);
        let at = at as usize;
        assert_eq!((items[0].range.from, items[0].range.to), (at - 2, at));
        let state = src.find("state").expect("present");
        let at = src[..state].encode_utf16().count() + 1;
        let h = value(hover(src, at as u32, "{}")).0.expect("hover");
        assert_eq!((h.range.from, h.range.to), (at - 1, at + 4));
        assert!(h.contents.contains("**state**"), "{}", h.contents);
        assert!(value(hover("", 5, "{}")).0.is_none());
    }
}
