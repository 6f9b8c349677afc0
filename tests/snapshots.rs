//! Snapshot tests over the fixture queries in `tests/fixtures/`:
//! `ok/*.qc` must compile (warnings allowed) and their pretty JSON is
//! snapshotted; `err/*.qc` must give at least one error and their rendered
//! diagnostics (no colour) are snapshotted. "Now" is fixed so that relative
//! dates are reproducible.

use std::path::Path;

use qc::diagnostic::{RenderOptions, render_all};
use qc::{Options, compile};

/// 2024-06-01T00:00:00Z.
const NOW: i64 = 1_717_200_000;

fn options() -> Options {
    Options {
        now: Some(NOW),
        ..Options::default()
    }
}

/// The fixture's query: the file without its final newline.
fn query(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("fixture is readable UTF-8");
    text.strip_suffix('\n').unwrap_or(&text).to_owned()
}

fn render(diagnostics: &[qc::Diagnostic], source: &str) -> String {
    render_all(diagnostics, source, &RenderOptions::default())
}

#[test]
fn now_is_2024_06_01() {
    assert_eq!(
        "2024-06-01T00:00:00Z"
            .parse::<jiff::Timestamp>()
            .map(|t| t.as_second())
            .ok(),
        Some(NOW)
    );
}

#[test]
fn valid_queries() {
    insta::glob!("fixtures/ok/*.qc", |path| {
        let source = query(path);
        let compiled = match compile(&source, &options()) {
            Ok(c) => c,
            Err(e) => panic!(
                "{} should compile:\n{}",
                path.display(),
                render(e.diagnostics(), &source)
            ),
        };
        assert!(compiled.warnings.iter().all(|d| !d.is_error()));
        let mut out = format!(
            "query:\n{source}\n\njson:\n{}\n",
            qc::emit_string(&compiled.query, true)
        );
        if !compiled.warnings.is_empty() {
            out.push_str("\nwarnings:\n");
            out.push_str(&render(&compiled.warnings, &source));
        }
        insta::assert_snapshot!(out);
    });
}

#[test]
fn invalid_queries() {
    insta::glob!("fixtures/err/*.qc", |path| {
        let source = query(path);
        let diagnostics = match compile(&source, &options()) {
            Ok(c) => panic!(
                "{} should not compile, but gave {}",
                path.display(),
                c.to_json_string()
            ),
            Err(e) => e.diagnostics().to_vec(),
        };
        assert!(
            diagnostics.iter().any(|d| d.is_error()),
            "{}: no error",
            path.display()
        );
        for d in &diagnostics {
            assert!(
                d.location.is_some(),
                "{}: {d} has no location",
                path.display()
            );
        }
        let out = format!(
            "query:\n{source}\n\ndiagnostics:\n{}",
            render(&diagnostics, &source)
        );
        insta::assert_snapshot!(out);
    });
}
