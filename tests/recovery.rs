//! Error recovery: for each broken query, the tree the parser builds and
//! every diagnostic the library reports (syntax and checker alike).

mod support;

/// (snapshot name, query). Each is broken in a different way.
const BROKEN: &[(&str, &str)] = &[
    ("four_problems", "state = opne AND stat = 1 AND (read = tru"),
    ("missing_value", "state = AND read = true"),
    ("missing_operator", "state open AND read = true"),
    ("missing_field", "= open AND read = true"),
    ("trailing_and", "state = open AND"),
    ("leading_or", "OR state = open"),
    ("double_and", "state = open AND AND read = true"),
    ("unclosed_nested_parens", "(state = open OR (read = true"),
    ("stray_rparen", "state = open) AND read = true"),
    ("empty_parens", "() AND state = open"),
    ("unclosed_list", "tag_ids IN [1, 2 AND state = open"),
    ("missing_comma_in_list", "tag_ids IN [1 2]"),
    ("nested_list", "tag_ids IN [[1], 2]"),
    ("leading_comma_in_list", "tag_ids IN [, 1]"),
    ("unclosed_list_at_end", "state = open AND tag_ids IN [1, 2"),
    ("list_after_equals", "tag_ids = [1, 2] AND state = open"),
    (
        "unterminated_string",
        "source.subject = \"refund AND state = open",
    ),
    (
        "invalid_escape",
        "source.subject = \"a\\qb\" AND stat = open",
    ),
    ("ampersand", "state = open & read = true"),
    ("double_pipe", "state = open || read = true"),
    (
        "unquoted_words",
        "source.body = need support AND state = open",
    ),
    (
        "starts_without_with",
        "source.subject STARTS \"Re:\" AND state = open",
    ),
    ("quoted_unknown_field", "\"my plan\" = pro AND stat = open"),
    ("missing_joiner", "state = open read = true"),
    ("keyword_as_value", "source.subject = NOT AND state = open"),
    ("not_alone", "NOT"),
    ("not_without_operand", "state = open AND NOT"),
    (
        "multi_line",
        "state = open\nAND read =\nAND (priority = high",
    ),
    ("only_symbols", "%%% ### = ="),
    (
        "emoji_before_error",
        "source.subject = \"Zoë 😀\" AND stat = open",
    ),
    ("nul_byte", "state = open\u{0} AND read = true"),
    ("paren_as_value", "state = (open) AND read = true"),
    (
        "operator_without_field",
        "NOT CONTAINS x AND NOT IN [1] AND state = open",
    ),
    ("not_contains_alone", "NOT CONTAINS"),
];

#[test]
fn recovery_snapshots() {
    for (name, query) in BROKEN {
        insta::assert_snapshot!(*name, support::report(query));
    }
}

#[test]
fn every_broken_query_reports_an_error_and_strict_mode_fails() {
    for (name, query) in BROKEN {
        let diagnostics = qc::diagnose(query, &support::options());
        assert!(
            qc::diagnostic::has_errors(&diagnostics),
            "{name}: no error for {query:?}"
        );
        assert!(qc::compile(query, &support::options()).is_err(), "{name}");
    }
}

/// The example: four problems, each at its own range, in one run.
#[test]
fn four_problems_in_one_run() {
    let query = "state = opne AND stat = 1 AND (read = tru";
    let found: Vec<(String, &str)> = qc::diagnose(query, &support::options())
        .iter()
        .map(|d| {
            let text = query.get(d.range.range()).unwrap_or("<bad range>");
            (d.code.to_string(), text)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("E0104".to_owned(), "opne"),
            ("E0101".to_owned(), "stat"),
            ("E0103".to_owned(), "tru"),
            ("E0004".to_owned(), ""),
        ]
    );
    let ranges: Vec<_> = qc::diagnose(query, &support::options())
        .iter()
        .map(|d| d.range)
        .collect();
    assert_eq!(ranges.last().map(|r| r.start()), Some(query.len()));
}

/// Messages name what was expected and what was found, in words.
#[test]
fn expected_and_found_in_words() {
    let d = qc::parse("state = AND read = true").diagnostics;
    assert_eq!(d[0].message, "expected a value after `=`, found `AND`");
    let d = qc::parse("state open").diagnostics;
    assert_eq!(
        d[0].message,
        "expected an operator after `state`, found `open`"
    );
    let d = qc::parse("(state = open").diagnostics;
    assert_eq!(
        d[0].message,
        "expected `)` to close the parenthesis, found end of input"
    );
}

/// Field names may be quoted (for attribute names with spaces or
/// punctuation): a quoted known name is that field.
#[test]
fn quoted_field_names_are_fields() {
    let bare = qc::compile("state = open", &support::options()).expect("compiles");
    let quoted = qc::compile("\"state\" = open", &support::options()).expect("compiles");
    assert_eq!(quoted.json(), bare.json());
    let quoted = qc::compile("'state' = open", &support::options()).expect("compiles");
    assert_eq!(quoted.json(), bare.json());
}

/// Strict behaviour is derived from the lenient parser.
#[test]
fn strict_mode_is_has_errors() {
    assert!(qc::parse("state = open").into_result().is_ok());
    let err = qc::parse("state = ")
        .into_result()
        .err()
        .unwrap_or_default();
    assert_eq!(err.len(), 1);
}

/// The number of errors in `query`.
fn errors(query: &str) -> usize {
    qc::diagnose(query, &support::options())
        .iter()
        .filter(|d| d.is_error())
        .count()
}

/// Applies every suggestion of `query`'s diagnostics, one at a time, and
/// checks that each leaves fewer errors (issue 10: a fix must really fix).
fn fixes_leave_fewer_errors(query: &str) {
    let before = errors(query);
    let diagnostics = qc::diagnose(query, &support::options());
    let mut fixes = 0;
    for d in &diagnostics {
        let Some(s) = &d.suggestion else { continue };
        let mut fixed = query.to_owned();
        fixed.replace_range(s.span.range(), &s.replacement);
        let after = errors(&fixed);
        assert!(
            after < before,
            "{query:?}: the fix {:?} gives {fixed:?}, with {after} errors (was {before})",
            s.replacement
        );
        fixes += 1;
    }
    assert!(fixes > 0, "{query:?} offers no fix");
}

#[test]
fn date_fixes_leave_fewer_errors() {
    for query in [
        "created_at > 1717200000000",
        "created_at > 2024-1-5",
        "created_at > 13/02/2024",
        "created_at > NOW-1D",
        "statistics.time_to_admin_reply > 2H",
    ] {
        fixes_leave_fewer_errors(query);
    }
}

/// `99999999999999999999` is refused as milliseconds, but the value
/// divided by 1000, `99999999999999999`, is still not unix seconds: that
/// fix would leave the same error, so none is offered.
#[test]
fn milliseconds_fix_of_a_huge_number() {
    let diagnostics = qc::diagnose("created_at > 99999999999999999999", &support::options());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(diagnostics[0].suggestion.is_none(), "{diagnostics:?}");
}
