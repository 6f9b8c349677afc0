//! `qc::format`: snapshots of formatted queries, and properties over random
//! valid queries (idempotent, meaning-preserving).

mod support;

use proptest::prelude::*;
use qc::format::{DEFAULT_WIDTH, format_source};
use support::generate::{options, query};

fn fmt(q: &str) -> String {
    match format_source(q, DEFAULT_WIDTH) {
        Ok(text) => text,
        Err(d) => panic!("{q:?} did not parse: {d:?}"),
    }
}

/// `input` then its formatted form, for each query, for one snapshot.
fn table(queries: &[&str]) -> String {
    let mut out = String::new();
    for q in queries {
        out.push_str(&format!("{q}\n=>\n{}\n\n", fmt(q)));
    }
    out
}

#[test]
fn operators_and_aliases() {
    insta::assert_snapshot!(table(&[
        "state=open",
        "state != closed",
        "created_at>1704067200",
        "created_at >= 2024-01-01",
        "updated_at<now-7d",
        "updated_at <= now",
        "source.subject~refund",
        "source.subject contains refund",
        "source.subject !~ test",
        "source.subject not contains test",
        "source.url ^ https",
        "source.url starts  with https",
        "source.author.email $ '@example.com'",
        "source.author.email Ends With '@example.com'",
        "tag_ids in [1,2 , 3]",
        "tag_ids nin [1]",
        "tag_ids not in [1, 2,]",
    ]));
}

#[test]
fn keywords_and_spacing() {
    insta::assert_snapshot!(table(&[
        "state = open and read = true or not open = false",
        "state   =\n open\tAND\n\nread=TRUE",
        "nOt state = closed",
        "not not state = closed",
    ]));
}

#[test]
fn quoting() {
    insta::assert_snapshot!(table(&[
        "source.subject = \"refund\"",
        "source.subject = 'say \"hi\"'",
        "source.subject = \"two words\"",
        "source.subject = \"\"",
        "source.subject = \"and\"",
        "source.subject = 'Not'",
        "source.subject = \"a(b)\"",
        "source.subject = \"tab\\tnewline\\n\\u{1F600}\"",
        "source.subject = \"back\\\\slash\"",
        "source.subject = \"caf\\u{e9}\"",
        "source.author.email = jane@example.com",
        "tag_ids IN ['1', \"2\", 'x y']",
    ]));
}

#[test]
fn parentheses() {
    insta::assert_snapshot!(table(&[
        "(state = open)",
        "((state = open OR read = true))",
        "(state = open) AND (read = true)",
        "state = open AND (read = true OR open = true)",
        "state = open AND ((read = true OR open = true))",
        "(state = open AND read = true) AND open = true",
        "state = open OR (read = true AND open = true)",
        "NOT (state = open)",
        "NOT (state = open OR read = true)",
        "(NOT state = open) AND read = true",
        "NOT (NOT (state = open))",
        "(state = open OR read = true) AND (priority = priority OR tag_ids IN [1, 2])",
    ]));
}

#[test]
fn long_queries_break_at_or_and() {
    insta::assert_snapshot!(table(&[
        "state = open AND (source.author.email ends with \"@example.com\" or tag_ids in [123, 456, 789]) and not source.subject contains refund",
        "state = open AND read = false AND priority = priority AND admin_assignee_id = 5017691 AND team_assignee_id = 42",
        "statistics.count_reopens > 2 AND conversation_rating.score < 3 OR source.author.email ENDS WITH '@example.com' AND tag_ids IN [1, 2, 3] OR created_at > 2024-01-01",
        "NOT (source.subject contains refund OR source.subject contains cancellation OR source.subject contains complaint) AND state = open",
        "(state = open OR state = snoozed) AND (source.author.email ENDS WITH '@example.com' OR source.author.email ENDS WITH '@example.org')",
        "source.subject = \"a single comparison that is far longer than the eighty columns of the default width\"",
    ]));
}

#[test]
fn narrow_width() {
    let q = "(state = open OR state = snoozed) AND (read = false OR priority = priority) AND tag_ids IN [1, 2]";
    let mut out = String::new();
    for width in [100, 60, 40, 20] {
        let text = format_source(q, width).unwrap_or_default();
        out.push_str(&format!("width {width}:\n{text}\n\n"));
        for line in text.lines() {
            // Only a line holding one comparison may be over the width.
            let rest = line.trim_start();
            let one = !rest.contains(" AND ") && !rest.contains(" OR ");
            assert!(
                line.chars().count() <= width || one,
                "line over {width} columns: {line:?}"
            );
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn comments() {
    insta::assert_snapshot!(table(&[
        "state = open # open ones",
        "# header\nstate=open and read=false",
        "state = open -- open\nand read = false # unread\nand priority = priority",
        "state = open and\n-- unread ones\nread = false",
        "state = # inside a comparison\n open and read = false",
        "state = open and (read = false # unread\n or priority = priority) and open = true",
        "not # negated\n state = closed",
        "(state = open or read = false) # after the group",
        "state = open\n# trailing line\n-- and another",
        "tag_ids in [1, # one\n 2] and state = open",
        "state = open   #   spaced out   ",
        "state = open AND read = false # a\n# b\nAND open = true",
    ]));
}

#[test]
fn comments_in_long_queries() {
    let q = "-- conversations to look at\nstate = open AND (source.author.email ends with \"@example.com\" -- customers\n or tag_ids in [123, 456, 789]) and not source.subject contains refund # no refunds";
    insta::assert_snapshot!(table(&[q]));
}

#[test]
fn null_tests_keep_their_spelling() {
    assert_eq!(
        fmt("admin_assignee_id is not null and team_assignee_id IS null"),
        "admin_assignee_id IS NOT NULL AND team_assignee_id IS NULL"
    );
}

#[test]
fn syntax_errors_are_not_formatted() {
    for q in [
        "state = (",
        "state open",
        "",
        "state = open AND",
        "(state = open",
    ] {
        let Err(diagnostics) = format_source(q, DEFAULT_WIDTH) else {
            panic!("{q:?} was formatted");
        };
        assert!(!diagnostics.is_empty(), "{q:?}");
    }
}

#[test]
fn unknown_fields_are_still_formatted() {
    // Formatting needs well-formed syntax only, like rustfmt on code that
    // does not type-check.
    assert_eq!(fmt("stat=open"), "stat = open");
    // A field spelled like an operator keeps its parentheses after NOT:
    // `NOT in = 1` would read as `NOT IN`.
    assert_eq!(fmt("NOT (in = 1)"), "NOT (in = 1)");
    assert_eq!(fmt("NOT (stat = 1)"), "NOT stat = 1");
}

fn compiled(q: &str) -> serde_json::Value {
    match qc::compile(q, &options()) {
        Ok(c) => c.json(),
        Err(e) => panic!("{q:?} does not compile: {:?}", e.diagnostics()),
    }
}

#[test]
fn the_generator_makes_valid_queries() {
    // A fixed sample: every query compiles, and some are long and nested.
    let mut long = 0;
    for seed in 0..500u32 {
        let choices: Vec<u32> = (0..256u32)
            .map(|i| {
                (seed.wrapping_mul(2_654_435_761) ^ i.wrapping_mul(40_503)).rotate_left(i % 31)
            })
            .collect();
        let q = query(&choices);
        compiled(&q);
        if q.len() > 120 {
            long += 1;
        }
    }
    assert!(long > 50, "only {long} long queries");
}

/// `q` with a comment after some of its tokens (chosen by `at`), each
/// `# cN` or `-- cN` to the end of its line; and the comments' texts.
fn with_comments(q: &str, at: &[u32]) -> (String, Vec<String>) {
    let ends: Vec<usize> = qc::syntax::lexer::Lexer::new(q)
        .filter(|t| t.kind != qc::syntax::lexer::TokenKind::Eof)
        .map(|t| t.span.end())
        .collect();
    let mut out = String::new();
    let mut texts = Vec::new();
    let mut from = 0;
    for (i, &end) in ends.iter().enumerate() {
        let Some(&choice) = at.get(i) else {
            break;
        };
        if choice % 4 != 0 {
            continue;
        }
        out.push_str(&q[from..end]);
        let text = if choice % 8 == 0 {
            format!("# <c{i}>")
        } else {
            format!("-- <c{i}>")
        };
        // Own line or after code, as `choice` says.
        if choice % 3 == 0 {
            out.push('\n');
        } else {
            out.push(' ');
        }
        out.push_str(&text);
        out.push('\n');
        texts.push(text);
        from = end;
    }
    out.push_str(&q[from..]);
    (out, texts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fmt_keeps_comments_and_is_idempotent(
        choices in prop::collection::vec(any::<u32>(), 256),
        at in prop::collection::vec(any::<u32>(), 64),
        width in 10usize..120,
    ) {
        let (q, texts) = with_comments(&query(&choices), &at);
        let once = format_source(&q, width);
        prop_assert!(once.is_ok(), "{:?} did not format", q);
        let once = once.unwrap_or_default();
        for t in &texts {
            prop_assert!(once.contains(t.as_str()), "{:?} lost {:?}: {:?}", q, t, once);
        }
        let twice = format_source(&once, width).unwrap_or_default();
        prop_assert_eq!(&twice, &once, "not idempotent for {:?}", q);
        prop_assert_eq!(compiled(&once), compiled(&q), "meaning changed: {:?} -> {:?}", q, once);
        // Each comment once, several after one comparison sharing a line.
        let written = qc::parse(&once).ast.comments.len();
        prop_assert_eq!(written, texts.len() - merged(&once, &texts), "{:?}", once);
    }
}

/// How many comments of `texts` share a line with another in `formatted`
/// (several comments after one comparison are written as one).
fn merged(formatted: &str, texts: &[String]) -> usize {
    formatted
        .lines()
        .map(|l| {
            texts
                .iter()
                .filter(|t| l.contains(t.as_str()))
                .count()
                .saturating_sub(1)
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fmt_is_idempotent_and_keeps_meaning(
        choices in prop::collection::vec(any::<u32>(), 256),
        width in 10usize..120,
    ) {
        let q = query(&choices);
        let once = format_source(&q, width);
        prop_assert!(once.is_ok(), "{:?} did not format", q);
        let once = once.unwrap_or_default();
        let twice = format_source(&once, width).unwrap_or_default();
        prop_assert_eq!(&twice, &once, "not idempotent for {:?}", q);
        prop_assert_eq!(compiled(&once), compiled(&q), "meaning changed: {:?} -> {:?}", q, once);
        // Lines are only over the width when one comparison alone is.
        for line in once.lines() {
            let over = line.chars().count() > width;
            let breakable = [" AND ", " OR "].iter().any(|k| line.trim_start().contains(k));
            prop_assert!(!(over && breakable && !line.contains('"')), "{:?} over {} in {:?}", line, width, once);
        }
    }
}
