//! `qc check --compare A FILE...`: each saved query compiled for API
//! version A and for the version compiled for (`--api-version B`); those
//! whose request or validity differs are reported, with the reason.

use std::path::PathBuf;
use std::process::ExitCode;

use qc::schema::changes::{FieldChange, changes};
use qc::target::ApiVersion;
use qc::{Compiler, Settings};
use serde::Serialize;
use serde_json::Value;

use crate::input::{self, Input, Origin};
use crate::report::{self, Format};
use crate::{EXIT_INVALID, EXIT_USAGE};

/// One query under one version: its request, or its first error.
#[derive(Debug, Serialize)]
struct Side {
    version: ApiVersion,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A query whose request or validity differs.
#[derive(Debug, Serialize)]
struct Difference {
    file: String,
    from: Side,
    to: Side,
    /// What changed, for the fields the query uses.
    reasons: Vec<FieldChange>,
}

/// Prints a line of stdout, what it quotes escaped for the terminal.
fn line(text: &str) {
    crate::out::line(qc::diagnostic::escape_for_terminal(text));
}

fn side(compiler: &Compiler, text: &str) -> Side {
    let version = compiler.schema.version();
    match compiler.plan(text) {
        Ok(planned) => {
            let bodies: Vec<Value> = planned.requests.iter().map(qc::emit).collect();
            let body = match <[Value; 1]>::try_from(bodies) {
                Ok([one]) => one,
                Err(many) => Value::Array(many),
            };
            Side {
                version,
                body: Some(body),
                error: None,
            }
        }
        Err(e) => Side {
            version,
            body: None,
            error: Some(
                e.diagnostics()
                    .iter()
                    .find(|d| d.is_error())
                    .map_or_else(|| e.to_string(), |d| d.message.clone()),
            ),
        },
    }
}

/// The field names of a request body (or of a plan's bodies).
fn fields_of(body: &Value, out: &mut Vec<String>) {
    match body {
        Value::Object(o) => {
            if let Some(Value::String(f)) = o.get("field") {
                out.push(f.clone());
            }
            o.values().for_each(|v| fields_of(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| fields_of(v, out)),
        _ => {}
    }
}

/// Runs the comparison of `files` between version `from` and the
/// compiler's; `build` makes the compiler of the flags with some
/// settings over them. Exit status 1 when some query differs.
pub fn run(
    files: Vec<PathBuf>,
    from: &str,
    max_bytes: usize,
    format: Format,
    build: impl Fn(Settings) -> Result<Compiler, ExitCode>,
) -> ExitCode {
    let version: ApiVersion = match from.parse() {
        Ok(v) => v,
        Err(e) => {
            report::eprintln_escaped!("error: --compare: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if files.is_empty() {
        crate::out::eline("error: --compare needs the query files to compare");
        return ExitCode::from(EXIT_USAGE);
    }
    let to = match build(Settings::default()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let before = Settings {
        api_version: Some(version.name().to_owned()),
        ..Settings::default()
    };
    // A version without the endpoint: every query is invalid there.
    let from = qc::schema::versions_of(to.schema.target())
        .contains(&version)
        .then(|| build(before))
        .transpose();
    let from = match from {
        Ok(c) => c,
        Err(code) => return code,
    };
    let field_changes = changes(from.as_ref().map(|c| c.schema.as_ref()), &to.schema);
    let mut differences = Vec::new();
    for path in &files {
        let origin = Origin::new(None, Some(path.clone()));
        let text = match input::read(&origin, max_bytes) {
            Ok(Input::Text(text)) => text,
            Ok(Input::Rejected(d, _)) => {
                report::eprintln_escaped!("error: {}: {}", path.display(), d.message);
                return ExitCode::from(EXIT_USAGE);
            }
            Err(message) => {
                report::eprintln_escaped!("error: {message}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let before = match &from {
            Some(c) => side(c, &text),
            None => Side {
                version,
                body: None,
                error: Some(format!(
                    "{} search is not in API version {version}",
                    to.schema.target()
                )),
            },
        };
        let after = side(&to, &text);
        let same = match (&before.body, &after.body) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            _ => false,
        };
        if same {
            continue;
        }
        let mut used = Vec::new();
        for body in [&before.body, &after.body].into_iter().flatten() {
            fields_of(body, &mut used);
        }
        let reasons = field_changes
            .iter()
            .filter(|c| {
                used.iter().any(|f| {
                    c.field == *f
                        || c.field
                            .split_once("NAME (")
                            .is_some_and(|(prefix, _)| f.starts_with(prefix))
                })
            })
            .cloned()
            .collect();
        differences.push(Difference {
            file: path.display().to_string(),
            from: before,
            to: after,
            reasons,
        });
    }
    match format {
        Format::Json => {
            crate::out::line(serde_json::to_string(&differences).unwrap_or_default());
        }
        Format::Human => {
            for d in &differences {
                let (a, b) = (d.from.version, d.to.version);
                match (&d.from.error, &d.to.error) {
                    (None, Some(e)) => {
                        line(&format!("{}: compiles for {a}, not for {b}: {e}", d.file));
                    }
                    (Some(e), None) => {
                        line(&format!("{}: compiles for {b}, not for {a}: {e}", d.file));
                    }
                    _ => {
                        line(&format!(
                            "{}: the request differs between {a} and {b}",
                            d.file
                        ));
                        for side in [&d.from, &d.to] {
                            if let Some(body) = &side.body {
                                line(&format!("  {}: {body}", side.version));
                            }
                        }
                    }
                }
                for r in &d.reasons {
                    line(&format!("  {}: {}", r.field, r.describe()));
                }
            }
            crate::out::line(format_args!(
                "{} of {} queries differ between {version} and {}",
                differences.len(),
                files.len(),
                to.schema.version()
            ));
        }
    }
    if differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    }
}
