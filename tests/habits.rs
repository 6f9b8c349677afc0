//! The syntax of issue 10: comments, smart quotes, `IS NULL`, and the
//! habits from SQL, Lucene and programming languages, each one error with
//! a fix where the fix is certain. Trees and diagnostics are snapshotted;
//! the properties that matter (one error, the fix compiles, printing
//! round-trips) are asserted.

mod support;

use qc::Code;
use qc::syntax::{ExprKind, OpSpelling, ValueKind};

fn options() -> qc::Options {
    support::options()
}

/// The tree (with the comments' spans) and the parser's diagnostics only,
/// for what does not depend on the checker.
fn syntax_report(source: &str) -> String {
    let parsed = qc::parse(source);
    let comments: Vec<&str> = parsed
        .ast
        .comments
        .iter()
        .map(|c| source.get(c.range()).unwrap_or("<bad span>"))
        .collect();
    format!(
        "{source}\n--- tree\n{}--- comments\n{comments:?}\n--- diagnostics\n{}",
        support::tree(&parsed.ast.root),
        support::diagnostics(&parsed.diagnostics)
    )
}

fn codes(source: &str) -> Vec<Code> {
    qc::diagnose(source, &options())
        .iter()
        .map(|d| d.code)
        .collect()
}

/// The only diagnostic of `source`, an error, and the text its fix gives.
fn one_error_and_fix(source: &str) -> (qc::Diagnostic, Option<String>) {
    let all = qc::diagnose(source, &options());
    assert_eq!(all.len(), 1, "{source:?}: {all:#?}");
    let d = all[0].clone();
    assert!(d.is_error(), "{source:?}: {d}");
    let fixed = d
        .suggestion
        .as_ref()
        .and_then(|s| qc::diagnostic::fixes::apply(source, s));
    (d, fixed)
}

// ----- comments ---------------------------------------------------------

#[test]
fn comments_are_ignored_by_the_compiler() {
    let plain = qc::compile("state = open AND read = false", &options())
        .map(|c| c.to_json_string())
        .ok();
    for source in [
        "state = open AND read = false # unread",
        "state = open AND read = false -- unread",
        "# open ones\nstate = open\nAND read = false",
        "state = open -- open\n-- and unread\nAND read = false",
        "state = open AND # unread:\n read = false",
        "state = # comment inside\n open AND read = false",
        "(state = open # a\n) AND read = false\n# end",
        "state = open AND read = false\r\n# windows line ends\r\n",
        "state = open AND read = false #",
        "state = open AND read = false --",
    ] {
        let got = qc::compile(source, &options()).map(|c| c.to_json_string());
        assert_eq!(got.ok(), plain, "{source:?}");
    }
}

#[test]
fn a_comment_starts_only_where_a_token_starts() {
    // Inside words `-` and `#` are ordinary: dates, negative numbers and
    // bare values keep them.
    insta::assert_snapshot!(syntax_report(
        "created_at > now-7d AND statistics.count_reopens > -5 AND tag_ids IN [a--b, C#, x#y] -- comment\n# another\nAND source.subject = \"# not a comment\""
    ));
}

#[test]
fn only_a_comment_is_an_empty_query() {
    for source in ["# nothing", "-- nothing\n# at all", "  # x"] {
        assert_eq!(codes(source), [Code::EmptyQuery], "{source:?}");
    }
}

#[test]
fn the_end_of_input_is_before_a_final_comment() {
    // "add `)` at the end" must not add it inside the comment.
    let source = "(state = open # why";
    let d = qc::parse(source).diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].range.start(), "(state = open".len());
}

#[test]
fn values_that_would_read_as_comments_are_printed_quoted() {
    for text in ["#tag", "--x", "-- x", "“quoted”", "‘x’", "’s"] {
        let mut out = String::new();
        qc::syntax::lexical::write_value(&mut out, text).expect("writing to a String");
        let source = format!("source.subject = {out}");
        let parsed = qc::parse(&source);
        assert!(!parsed.has_errors(), "{source:?}");
        let ExprKind::Compare(c) = &parsed.ast.root.kind else {
            panic!("{source:?} is not one comparison");
        };
        let ValueKind::Scalar(s) = &c.value.kind else {
            panic!("{source:?} has no scalar");
        };
        assert_eq!(s.text, text, "{source:?}");
    }
}

// ----- smart quotes -----------------------------------------------------

#[test]
fn smart_quotes_delimit_strings_with_a_warning() {
    let source = "source.author.email ENDS WITH “@acme.com”";
    let compiled = qc::compile(source, &options()).expect("compiles");
    assert_eq!(
        compiled.json()["query"]["value"],
        serde_json::json!("@acme.com")
    );
    assert_eq!(compiled.warnings.len(), 1);
    let w = &compiled.warnings[0];
    assert_eq!(w.code, Code::SmartQuotes);
    assert!(w.message.contains('“') && w.message.contains('”'), "{w}");
    let fix = w.suggestion.as_ref().expect("a fix");
    assert_eq!(fix.replacement, "\"@acme.com\"");
    let fixed = qc::diagnostic::fixes::apply(source, fix).expect("applies");
    assert!(qc::diagnose(&fixed, &options()).is_empty(), "{fixed}");
}

#[test]
fn every_smart_quote_pairing() {
    insta::assert_snapshot!(syntax_report(
        "tag_ids IN [“a”, ”b”, “c“, ‘d’, ’e’, ‘say “hi”’, “it’s”, “a\\\"b”] AND source.subject = don’t"
    ));
}

// ----- IS NULL ----------------------------------------------------------

#[test]
fn is_null_is_a_comparison_with_the_value_null() {
    insta::assert_snapshot!(syntax_report(
        "admin_assignee_id IS NULL AND team_assignee_id is not null OR NOT admin_assignee_id Is Null"
    ));
}

#[test]
fn is_null_prints_back_as_written() {
    let parsed = qc::parse("admin_assignee_id is null and team_assignee_id IS not NULL");
    assert!(!parsed.has_errors());
    assert_eq!(
        parsed.ast.to_string(),
        "admin_assignee_id IS NULL AND team_assignee_id IS NOT NULL"
    );
    let ExprKind::And(items) = &parsed.ast.root.kind else {
        panic!("an AND");
    };
    let ExprKind::Compare(c) = &items[1].kind else {
        panic!("a comparison");
    };
    assert_eq!(c.op.spelling, OpSpelling::IsNotNull);
    assert_eq!(c.op.op(), qc::Op::Ne);
    let ValueKind::Scalar(s) = &c.value.kind else {
        panic!("a scalar");
    };
    assert_eq!((s.text.as_str(), s.quoted), ("null", false));
}

#[test]
fn is_without_null_is_one_error() {
    insta::assert_snapshot!(support::report(
        "admin_assignee_id IS 5 AND team_assignee_id IS NOT open AND state = open"
    ));
}

// ----- habits from other languages ------------------------------------

/// Each habit: one error, of code E0011 (or E0012), whose fix (when there
/// is one) gives text that compiles to what the query meant.
#[test]
fn each_habit_is_one_error_with_a_fix_that_compiles() {
    for (source, meant) in [
        ("state == open", Some("state = open")),
        ("state === open", Some("state = open")),
        ("state !== open", Some("state != open")),
        ("state <> closed", Some("state != closed")),
        (
            "source.subject LIKE \"%refund%\"",
            Some("source.subject ~ \"refund\""),
        ),
        (
            "source.subject not like '%test%'",
            Some("source.subject !~ \"test\""),
        ),
        (
            "source.subject like 'Re:%'",
            Some("source.subject ^ \"Re:\""),
        ),
        (
            "source.author.email LIKE \"%@acme.com\"",
            Some("source.author.email $ \"@acme.com\""),
        ),
        (
            "source.subject LIKE refund",
            Some("source.subject = refund"),
        ),
        ("source.subject LIKE \"re%und\"", None),
        ("source.subject LIKE \"%re_und%\"", None),
        ("source.subject LIKE \"%\"", None),
        ("source.subject NOT LIKE \"Re:%\"", None),
        (
            "statistics.count_reopens BETWEEN 1 AND 3",
            Some("statistics.count_reopens >= 1 AND statistics.count_reopens <= 3"),
        ),
        (
            "NOT statistics.count_reopens BETWEEN 1 AND 3",
            Some("NOT (statistics.count_reopens >= 1 AND statistics.count_reopens <= 3)"),
        ),
        (
            "statistics.count_reopens NOT BETWEEN 1 AND 3",
            Some("NOT (statistics.count_reopens >= 1 AND statistics.count_reopens <= 3)"),
        ),
        ("statistics.count_reopens BETWEEN 1", None),
        ("state:open", Some("state = open")),
        ("state: open", Some("state = open")),
        ("state:\"open\"", Some("state = \"open\"")),
        (
            "statistics.count_reopens:>2",
            Some("statistics.count_reopens > 2"),
        ),
        ("state:(open OR closed)", None),
        ("{\"query\": {}}", None),
        (
            "state = open AN read = false",
            Some("state = open AND read = false"),
        ),
        (
            "state = open adn read = false",
            Some("state = open AND read = false"),
        ),
        (
            "state = open oe read = false",
            Some("state = open OR read = false"),
        ),
        ("created_at > now - 7d", Some("created_at > now-7d")),
    ] {
        let (d, fixed) = one_error_and_fix(source);
        match meant {
            Some(meant) => {
                let fixed = fixed.unwrap_or_else(|| panic!("{source:?}: no fix in {d}"));
                let want = qc::compile(meant, &options()).map(|c| c.to_json_string());
                let got = qc::compile(&fixed, &options()).map(|c| c.to_json_string());
                assert!(
                    got.is_ok(),
                    "{source:?} fixed as {fixed:?} does not compile"
                );
                assert_eq!(got.ok(), want.ok(), "{source:?} fixed as {fixed:?}");
            }
            None => assert_eq!(fixed, None, "{source:?}: {d}"),
        }
    }
}

#[test]
fn habits_inside_larger_queries_stay_one_error() {
    insta::assert_snapshot!(
        [
            "state == open AND read <> true OR priority = priority",
            "state = open AND created_at BETWEEN 1704067200 AND 1706745600 OR read = false",
            "NOT source.subject LIKE '%refund%' AND state:open",
            "state = open AN read = false AN priority = priority",
        ]
        .map(support::report)
        .join("\n")
    );
}

#[test]
fn like_and_between_remain_values_and_fields() {
    // Not keywords: only after a field are they read as SQL.
    for source in [
        "source.subject = like",
        "source.subject = between",
        "source.subject IN [like, between]",
        "source.subject ~ \"LIKE\"",
    ] {
        assert!(codes(source).is_empty(), "{source:?}: {:?}", codes(source));
    }
}

#[test]
fn a_colon_in_a_value_or_before_an_operator_is_no_lucene() {
    for source in [
        "source.subject = Re:hello",
        "created_at > 2024-01-01T00:00:00Z",
        "source.subject ^ \"Re:\"",
    ] {
        assert!(codes(source).is_empty(), "{source:?}: {:?}", codes(source));
    }
}

#[test]
fn a_json_body_is_one_error_whatever_follows() {
    for source in [
        "{",
        "  {\"query\": {\"operator\": \"AND\", \"value\": []}}",
        "{\"query\": [1, 2, 3]\n\n}} garbage ) (",
    ] {
        assert_eq!(codes(source), [Code::JsonBody], "{source:?}");
    }
}

#[test]
fn the_value_with_spaces_heuristic_does_not_swallow_keywords() {
    // Words that are keywords (`IN`, `CONTAINS`, `IS`) are not quoted into a
    // value; a misspelt joiner before a comparison is a joiner.
    insta::assert_snapshot!(
        [
            "source.body = need support AND state = open",
            "source.body = need IN state = open",
            "source.subject = refund contains",
            "state = open AN read = false",
            "state = open An",
            "source.body = need an answer",
        ]
        .map(support::report)
        .join("\n")
    );
}
