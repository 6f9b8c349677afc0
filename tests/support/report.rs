//! Trees and diagnostics printed compactly, with byte spans, for the
//! snapshot tests.

use std::fmt::Write;

use qc::syntax::{Expr, ExprKind, Scalar, Value, ValueKind};
use qc::{Diagnostic, Span};

/// A fixed "now" (2024-01-01T00:00:00Z) so relative dates are stable.
pub fn options() -> qc::Options {
    qc::Options {
        now: Some(1_704_067_200),
        ..qc::Options::default()
    }
}

fn span(s: Span) -> String {
    format!("{}..{}", s.start(), s.end())
}

fn scalar(s: &Scalar) -> String {
    if s.quoted {
        format!("{:?}@{}", s.text, span(s.span))
    } else {
        format!("{}@{}", s.text, span(s.span))
    }
}

fn value(v: &Value) -> String {
    match &v.kind {
        ValueKind::Scalar(s) => scalar(s),
        ValueKind::List(items) => {
            let items: Vec<String> = items.iter().map(scalar).collect();
            format!("[{}]@{}", items.join(", "), span(v.span))
        }
        ValueKind::Error => format!("<missing>@{}", span(v.span)),
    }
}

/// The tree, one node a line, indented by depth, with byte spans.
pub fn tree(e: &Expr) -> String {
    let mut out = String::new();
    write_tree(e, 0, &mut out);
    out
}

fn write_tree(e: &Expr, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let at = span(e.span);
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => {
            let name = if matches!(e.kind, ExprKind::Or(_)) {
                "Or"
            } else {
                "And"
            };
            let _ = writeln!(out, "{pad}{name}@{at}");
            items.iter().for_each(|i| write_tree(i, depth + 1, out));
        }
        ExprKind::Not(inner) | ExprKind::Paren(inner) => {
            let name = if matches!(e.kind, ExprKind::Not(_)) {
                "Not"
            } else {
                "Paren"
            };
            let _ = writeln!(out, "{pad}{name}@{at}");
            write_tree(inner, depth + 1, out);
        }
        ExprKind::Compare(c) => {
            let _ = writeln!(
                out,
                "{pad}Compare@{at} {}@{} {}@{} {}",
                c.field.name,
                span(c.field.span),
                c.op.spelling.as_str(),
                span(c.op.span),
                value(&c.value)
            );
        }
        ExprKind::Error => {
            let _ = writeln!(out, "{pad}Error@{at}");
        }
    }
}

/// Every diagnostic: code, byte range, line:col range, message, labels,
/// help and suggestion.
pub fn diagnostics(ds: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in ds {
        let loc = d.location.map_or("?".to_owned(), |l| {
            format!(
                "{}:{}-{}:{}",
                l.start.line, l.start.column, l.end.line, l.end.column
            )
        });
        let _ = writeln!(out, "{} {} {} {}", d.code, span(d.range), loc, d.message);
        for l in &d.labels {
            let _ = writeln!(out, "    label {}: {}", span(l.span), l.message);
        }
        if let Some(h) = &d.help {
            let _ = writeln!(out, "    help: {h}");
        }
        if let Some(s) = &d.suggestion {
            let _ = writeln!(out, "    fix {} -> {:?}", span(s.span), s.replacement);
        }
    }
    out
}

/// Tree and diagnostics of a query, as snapshotted.
pub fn report(source: &str) -> String {
    let parsed = qc::parse(source);
    let all = qc::diagnose(source, &options());
    format!(
        "{source}\n--- tree\n{}--- diagnostics\n{}",
        tree(&parsed.ast.root),
        diagnostics(&all)
    )
}
