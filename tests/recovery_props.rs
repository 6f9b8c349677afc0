//! Properties of the recovering parser on any input: it terminates, never
//! panics, and every range it reports (diagnostics, labels, suggestions,
//! tree nodes) lies inside the source on character boundaries.

mod support;

use proptest::prelude::*;
use qc::Span;
use qc::syntax::{Expr, ExprKind, ValueKind};
use support::generate;
use support::oracle::span_fault;

fn check_span(source: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    match span_fault(source, span) {
        Some(fault) => Err(TestCaseError::fail(format!("{what} {span:?} {fault}"))),
        None => Ok(()),
    }
}

fn check_tree(source: &str, e: &Expr) -> Result<(), TestCaseError> {
    check_span(source, e.span, "node")?;
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => {
            for i in items {
                prop_assert!(e.span.contains_span(i.span));
                check_tree(source, i)?;
            }
        }
        ExprKind::Not(inner) | ExprKind::Paren(inner) => check_tree(source, inner)?,
        ExprKind::Compare(c) => {
            check_span(source, c.field.span, "field")?;
            check_span(source, c.op.span, "operator")?;
            check_span(source, c.value.span, "value")?;
            match &c.value.kind {
                ValueKind::Scalar(s) => check_span(source, s.span, "scalar")?,
                ValueKind::List(items) => {
                    for s in items {
                        check_span(source, s.span, "list item")?;
                    }
                }
                ValueKind::Error => {}
            }
        }
        ExprKind::Error => {}
    }
    Ok(())
}

fn check_all(source: &str) -> Result<(), TestCaseError> {
    let parsed = qc::parse(source);
    prop_assert_eq!(parsed.ast.source, source);
    check_tree(source, &parsed.ast.root)?;
    if let Some(o) = &parsed.ast.order_by {
        check_span(source, o.span, "ORDER BY")?;
        check_span(source, o.field.span, "sort field")?;
        prop_assert!(o.span.contains_span(o.field.span));
        if let Some((_, at)) = o.order {
            check_span(source, at, "sort order")?;
            prop_assert!(o.span.contains_span(at));
        }
        // It ends the query: after the filter.
        prop_assert!(o.span.start() >= parsed.ast.root.span.end());
    }
    let all = qc::diagnose(source, &support::options());
    for d in parsed.diagnostics.iter().chain(&all) {
        check_span(source, d.range, "diagnostic")?;
        for l in &d.labels {
            check_span(source, l.span, "label")?;
        }
        if let Some(s) = &d.suggestion {
            check_span(source, s.span, "suggestion")?;
        }
        let index = parsed.ast.line_index();
        prop_assert!(d.location.is_some(), "diagnostic without a location: {d}");
        if let Some(loc) = d.location {
            prop_assert_eq!(loc.start, index.position(d.range.start()));
            prop_assert_eq!(loc.end, index.position(d.range.end()));
        }
    }
    // Strict mode is derived from the lenient parse.
    prop_assert_eq!(parsed.has_errors(), parsed.clone().into_result().is_err());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_string(source in any::<String>()) {
        check_all(&source)?;
    }

    #[test]
    fn token_soup(source in generate::token_soup()) {
        check_all(&source)?;
    }

    #[test]
    fn ascii_punctuation(source in "[ -~\n]{0,60}") {
        check_all(&source)?;
    }
}

/// Inputs that once broke a property (here: `NOT CONTAINS` looped forever
/// once repeated errors at one position stopped counting).
#[test]
fn regressions() {
    for source in [
        "NOT CONTAINS",
        "NOT IN",
        "NOT NOT CONTAINS",
        "a NOT CONTAINS",
        "= =",
        "ORDER BY",
        "a = 1 ORDER BY",
        "a = 1 ORDER BY ORDER BY",
        "(ORDER BY x",
        "a = 1 AND ORDER BY x ORDER",
        "a = 1 OR ORDER BY",
        "(a = 1 ORDER BY",
        "a = ORDER BY x",
        "& ORDER BY x",
    ] {
        check_all(source)
            .map_err(|e| e.to_string())
            .expect("property holds");
        assert!(qc::parse(source).has_errors(), "{source:?}");
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    for depth in [200, 10_000, 200_000] {
        for source in [
            "(".repeat(depth),
            format!("{}state = open{}", "(".repeat(depth), ")".repeat(depth)),
            format!("{}state = open", "NOT ".repeat(depth)),
            format!("tag_ids IN {}", "[".repeat(depth)),
        ] {
            check_all(&source)
                .map_err(|e| e.to_string())
                .expect("property holds");
            assert!(qc::parse(&source).has_errors());
        }
    }
}

#[test]
fn too_many_errors_stops_with_e0010() {
    let source = "& ".repeat(1000);
    let parsed = qc::parse(&source);
    assert!(parsed.diagnostics.len() <= qc::syntax::MAX_ERRORS + 1);
    assert_eq!(
        parsed.diagnostics.last().map(|d| d.code),
        Some(qc::Code::TooManyErrors)
    );
}
