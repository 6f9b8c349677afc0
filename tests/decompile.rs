//! `qc::decompile`: snapshots of the text it writes, and the round trip
//! `compile(decompile(J)) == J` after normalisation, on examples and on
//! random queries (proptest).

mod support;

use proptest::prelude::*;
use qc::Op;
use qc::check::{Filter, FilterValue, Group, GroupOp, Node, Query, ScalarValue};
use qc::decompile::{DateStyle, decompile};
use qc::schema::{FieldDef, FieldRef, FieldType};
use qc::{Options, Span};

fn options() -> Options {
    Options {
        now: Some(1_700_000_000),
        ..Options::default()
    }
}

fn valid(json: &str) -> Query {
    let v = qc::check::validate(json);
    v.query
        .unwrap_or_else(|| panic!("rejected {json}: {:?}", v.diagnostics))
}

/// The compiler's JSON for `text`, or its first error.
fn compile(text: &str) -> Result<serde_json::Value, String> {
    qc::compile(text, &options())
        .map(|c| c.json())
        .map_err(|e| format!("{:?}", e.diagnostics()))
}

fn normalised_json(query: &Query) -> serde_json::Value {
    qc::emit(&Query {
        pagination: None,
        ..query.normalised()
    })
}

const EXAMPLES: &[&str] = &[
    r#"{"query":{"field":"state","operator":"=","value":"open"}}"#,
    r#"{"query":{"operator":"AND","value":[{"field":"state","operator":"=","value":"open"},{"operator":"OR","value":[{"field":"priority","operator":"=","value":"priority"},{"field":"tag_ids","operator":"IN","value":["1","2"]}]}]}}"#,
    r#"{"query":{"operator":"OR","value":[{"operator":"AND","value":[{"field":"open","operator":"=","value":true},{"field":"read","operator":"=","value":false}]},{"field":"state","operator":"!=","value":"closed"}]}}"#,
    r#"{"query":{"operator":"AND","value":[{"operator":"AND","value":[{"field":"open","operator":"=","value":true},{"field":"read","operator":"=","value":false}]},{"operator":"OR","value":[{"field":"id","operator":"=","value":"1"}]}]}}"#,
    r#"{"query":{"operator":"AND","value":[{"field":"created_at","operator":">","value":"1704067200"},{"field":"updated_at","operator":"<","value":1704067260},{"field":"snoozed_until","operator":"=","value":"-62198755200"},{"field":"waiting_since","operator":"IN","value":["0","-99999999999"]}]}}"#,
    r#"{"query":{"operator":"OR","value":[{"field":"source.subject","operator":"~","value":"refund request"},{"field":"source.subject","operator":"^","value":"AND"},{"field":"source.author.email","operator":"$","value":"@example.com"},{"field":"source.body","operator":"!~","value":"say \"hi\"\n"},{"field":"id","operator":"NIN","value":["", "not", "123", "-5", "true", "now", "a,b", "(x)"]}]}}"#,
    r#"{"query":{"operator":"AND","value":[{"field":"statistics.count_reopens","operator":">","value":-3},{"field":"ai_agent.rating","operator":"IN","value":[1,9223372036854775807,-9223372036854775808]},{"field":"ai_agent_participated","operator":"!=","value":true}]}}"#,
    r#"{"field":"source.type","operator":"IN","value":["email","whatsapp"]}"#,
];

#[test]
fn decompiled_examples() {
    let mut out = String::new();
    for json in EXAMPLES {
        let query = valid(json);
        let rfc = decompile(&query, DateStyle::Rfc3339);
        let unix = decompile(&query, DateStyle::Unix);
        out.push_str(&format!("{json}\n  -> {rfc}\n"));
        if unix != rfc {
            out.push_str(&format!("  -> {unix}   (--dates unix)\n"));
        }
        for text in [&rfc, &unix] {
            assert_eq!(
                compile(text),
                Ok(normalised_json(&query)),
                "round trip of {json} through {text}"
            );
        }
    }
    insta::assert_snapshot!(out);
}

/// A request the API accepts can merge into a group too large for the
/// compiler: the text is still written; a compiler that refuses queries
/// over the limits says why, and the default one rewrites it to fit (with
/// a note).
#[test]
fn merging_groups_can_exceed_the_limit() {
    let json = support::generate::request_that_merges_past_the_limit();
    let query = valid(&json);
    let text = decompile(&query, DateStyle::Rfc3339);
    assert_eq!(text.matches(" AND ").count(), 19);
    let refuse = Options {
        limits: qc::Limits::Refuse,
        ..options()
    };
    let err = qc::compile(&text, &refuse).expect_err("over the limit");
    let codes: Vec<qc::Code> = err.diagnostics().iter().map(|d| d.code).collect();
    assert!(codes.contains(&qc::Code::GroupTooLarge), "{codes:?}");
    let rewritten = qc::compile(&text, &options()).expect("rewritten to fit");
    let codes: Vec<qc::Code> = rewritten.warnings.iter().map(|d| d.code).collect();
    assert!(codes.contains(&qc::Code::Rewritten), "{codes:?}");
}

// ---- random valid queries ----

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9_.@-]{1,8}",
        any::<String>(),
        prop::sample::select(vec![
            "",
            " ",
            "AND",
            "or",
            "Not",
            "IN",
            "nin",
            "CONTAINS",
            "starts",
            "with",
            "true",
            "now",
            "now-7d",
            "2024-01-01",
            "-1",
            "0",
            "[",
            "]",
            "(",
            ")",
            ",",
            "\"",
            "'",
            "\\",
            "=",
            "!=",
            "~",
            "^",
            "$",
            "a b",
            "é",
            "\u{0}",
            "\n",
            "\t",
            "\u{7f}",
            "\u{200b}",
        ])
        .prop_map(str::to_owned),
    ]
}

/// The largest unix seconds the compiler reads as seconds: eleven digits
/// (more is refused as milliseconds).
const MAX_SECONDS: i64 = 99_999_999_999;

fn scalar(field: &FieldDef) -> BoxedStrategy<ScalarValue> {
    match field.ty {
        FieldType::String if field.is_enumerated() => {
            let values: Vec<String> = field.values.iter().map(|v| v.to_string()).collect();
            prop::sample::select(values)
                .prop_map(|s| ScalarValue::String(s.into()))
                .boxed()
        }
        FieldType::String => string_value()
            .prop_map(|s| ScalarValue::String(s.into()))
            .boxed(),
        FieldType::Integer => any::<i64>().prop_map(ScalarValue::Integer).boxed(),
        FieldType::Boolean => any::<bool>().prop_map(ScalarValue::Boolean).boxed(),
        // Dates that the compiler reads as unix seconds (see
        // `twelve_digit_dates_round_trip` for the others).
        FieldType::Date => prop_oneof![
            -MAX_SECONDS..=MAX_SECONDS,
            -62_167_219_200i64..=MAX_SECONDS,
            0i64..2_000_000_000,
        ]
        .prop_map(ScalarValue::Date)
        .boxed(),
        FieldType::Float | FieldType::Any => unreachable!("no such built-in conversations field"),
    }
}

/// The conversations fields, each with the operators the API takes on it
/// (a request holds API operators: `>` and `<` include the bound).
fn fields() -> Vec<(FieldRef, Vec<Op>)> {
    let schema = qc::Schema::conversations();
    schema
        .fields()
        .map(|f| {
            let def = schema.field(&f.name).expect("a field of the table");
            let ops = def.api_ops.iter().collect();
            (def, ops)
        })
        .collect()
}

fn filter() -> impl Strategy<Value = Node> {
    prop::sample::select(fields()).prop_flat_map(|(def, ops)| {
        prop::sample::select(ops).prop_flat_map(move |op: Op| {
            let one = scalar(&def);
            let one = if matches!(op, Op::Eq | Op::Ne) {
                prop_oneof![6 => one, 1 => Just(ScalarValue::Null)].boxed()
            } else {
                one
            };
            let value = if op.takes_list() {
                prop::collection::vec(one, 1..4)
                    .prop_map(FilterValue::List)
                    .boxed()
            } else {
                one.prop_map(FilterValue::One).boxed()
            };
            let def = def.clone();
            value.prop_map(move |value| {
                Node::Filter(Filter {
                    field: def.clone(),
                    op,
                    value,
                    span: Span::default(),
                })
            })
        })
    })
}

/// A date of twelve digits (after the year 5138) is written RFC 3339 in
/// both styles, since the compiler reads twelve digits as milliseconds;
/// dates outside the years -9999 to 9999 are refused by the validator.
#[test]
fn twelve_digit_dates_round_trip() {
    for seconds in ["253402300799", "-99999999999999"] {
        let json =
            format!(r#"{{"query":{{"field":"created_at","operator":"=","value":"{seconds}"}}}}"#);
        let v = qc::check::validate(&json);
        assert!(v.query.is_none(), "{json}");
        assert_eq!(v.diagnostics[0].code, qc::Code::InvalidDate);
    }
    for seconds in ["100000000000", "253402207199"] {
        let json =
            format!(r#"{{"query":{{"field":"created_at","operator":"=","value":"{seconds}"}}}}"#);
        let query = valid(&json);
        for style in [DateStyle::Rfc3339, DateStyle::Unix] {
            let text = decompile(&query, style);
            assert_eq!(
                compile(&text),
                Ok(normalised_json(&query)),
                "{json} via {text}"
            );
        }
    }
}

fn group_op() -> impl Strategy<Value = GroupOp> {
    prop_oneof![Just(GroupOp::And), Just(GroupOp::Or)]
}

fn group(
    members: impl Strategy<Value = Node>,
    size: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Node> {
    (group_op(), prop::collection::vec(members, size)).prop_map(|(op, members)| {
        Node::Group(Group {
            op,
            members,
            span: Span::default(),
        })
    })
}

/// Valid trees: at most 2 levels of groups, small enough that merging
/// same-operator groups stays within 15 members (5 x 3).
fn query() -> impl Strategy<Value = Query> {
    let inner = prop_oneof![2 => filter(), 1 => group(filter(), 1..=3)];
    let root = prop_oneof![1 => filter(), 3 => group(inner, 1..=5)];
    root.prop_map(|root| Query {
        root,
        pagination: None,
        sort: None,
    })
}

/// Query text written by hand: aliases, NOT, redundant parentheses,
/// calendar dates and quoting styles.
fn text_query() -> impl Strategy<Value = String> {
    let comparison = prop::sample::select(vec![
        "state = open",
        "state != closed",
        "NOT state IN [open, snoozed]",
        "priority NOT IN [\"priority\"]",
        "created_at >= 2024-01-01",
        "updated_at <= 2024-06-01T12:30:00+02:00",
        "NOT created_at > 1704067200",
        "snoozed_until < now-7d",
        "statistics.count_reopens > 2",
        "NOT ai_agent.rating < 3",
        "open = TRUE",
        "read != false",
        "source.subject CONTAINS 'refund'",
        "source.subject NOT CONTAINS \"a \\\"b\\\"\"",
        "source.author.email ENDS WITH example.com",
        "source.author.name STARTS WITH \"Dr.\"",
        "tag_ids IN [1, 2, 3]",
        "id = 'and'",
        "source.type NIN [email, sms]",
        "NOT (open = true AND read = true)",
    ]);
    let leaf = comparison.prop_map(str::to_owned);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![" AND ", " and ", " OR ", " or "]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a}{op}{b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.prop_map(|a| format!("NOT ({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// For a random valid request J: compile(decompile(J)) == J normalised,
    /// with either date style.
    #[test]
    fn decompile_then_compile_is_the_normalised_request(query in query()) {
        let expected = normalised_json(&query);
        for style in [DateStyle::Rfc3339, DateStyle::Unix] {
            let text = decompile(&query, style);
            prop_assert_eq!(compile(&text), Ok(expected.clone()), "text: {}", text);
        }
        // And the request survives validate as JSON text.
        let json = qc::emit_string(&query, false);
        let again = qc::check::validate(&json).query;
        prop_assert_eq!(again.map(|q| qc::emit(&q)), Some(qc::emit(&query)));
    }

    /// For random valid query texts q:
    /// compile(decompile(compile(q))) == compile(q), going through the
    /// JSON text and `validate` as `qc q | qc decompile` does.
    #[test]
    fn compile_decompile_compile_is_compile(text in text_query()) {
        let Ok(compiled) = qc::compile(&text, &options()) else {
            // Too deep or too large for the API: not a valid query.
            return Ok(());
        };
        let json = compiled.to_json_string();
        let query = qc::check::validate(&json).query;
        prop_assert!(query.is_some(), "validate rejected {}", json);
        let query = query.unwrap_or_else(|| compiled.query.clone());
        let back = decompile(&query, DateStyle::Rfc3339);
        prop_assert_eq!(compile(&back), Ok(compiled.json()), "via {}", back);
    }
}
