//! Properties of the compiler, checked with proptest:
//!
//! - parsing, checking, compiling and rendering never panic, on arbitrary
//!   strings and on strings made of the language's own tokens;
//! - every diagnostic's ranges lie inside the source, on char boundaries;
//! - whatever compiles obeys the API's limits and the operator/type table;
//! - generated valid queries (random fields, operators allowed for them,
//!   values of the right type, NOT, parentheses and flattenable groups
//!   within the limits) always compile, to exactly the JSON of the
//!   normalised tree they were written from;
//! - canonical printing round-trips.
//!
//! The field table is the built-in conversations [`Schema`]: a query's
//! `>`/`<` are strict and `>=`/`<=` inclusive, and the API's `>`/`<`
//! include the bound, so the expected JSON shifts bounds by one.

mod support;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value as Json, json};

use qc::Diagnostic;
use qc::Op;
use qc::check::{MAX_GROUP_MEMBERS, MAX_NESTING};
use qc::diagnostic::{RenderOptions, render_all};
use qc::schema::{FieldDef, FieldType};
use qc::syntax::OpSpelling;
use qc::syntax::lexical::write_quoted;
use support::generate::{Choices, FIELDS, NOW, SCHEMA, keyword, options, token_soup};
use support::oracle::{complement, span_fault};

// ----- shared assertions ------------------------------------------------

fn assert_spans_inside(source: &str, diagnostics: &[Diagnostic]) {
    let ok = |s: qc::Span| span_fault(source, s).is_none();
    for d in diagnostics {
        assert!(ok(d.range), "{d:?} range outside {source:?}");
        assert!(d.location.is_some(), "{d:?} has no line:column");
        for l in &d.labels {
            assert!(ok(l.span), "{d:?} label outside {source:?}");
        }
        if let Some(s) = &d.suggestion {
            assert!(ok(s.span), "{d:?} suggestion outside {source:?}");
        }
    }
}

/// Checks emitted JSON against the API's limits and the operator/type
/// table, independently of the compiler's own types.
fn assert_obeys_api(body: &Json) {
    let query = body.get("query").expect("a `query` key");
    check_node(query, 1);
}

fn check_node(node: &Json, level: usize) {
    let obj = node.as_object().expect("nodes are objects");
    if obj.contains_key("field") {
        return check_filter(node);
    }
    assert!(level <= MAX_NESTING, "group nested {level} deep: {node}");
    let op = obj["operator"].as_str().expect("group operator");
    assert!(op == "AND" || op == "OR", "group operator {op}");
    let members = obj["value"].as_array().expect("group members");
    assert!(members.len() >= 2, "group of {} members", members.len());
    assert!(
        members.len() <= MAX_GROUP_MEMBERS,
        "group of {} members",
        members.len()
    );
    for m in members {
        // Nested groups with the same operator must have been flattened.
        if m.get("field").is_none() {
            assert_ne!(m["operator"].as_str(), Some(op), "unflattened: {node}");
        }
        check_node(m, level + 1);
    }
}

fn check_filter(node: &Json) {
    assert_eq!(node.as_object().map(|o| o.len()), Some(3), "{node}");
    let name = node["field"].as_str().expect("field name");
    let field = SCHEMA
        .field(name)
        .unwrap_or_else(|| panic!("unknown field {name}"));
    let op_text = node["operator"].as_str().expect("operator");
    let op = Op::from_api(op_text).unwrap_or_else(|| panic!("unknown operator {op_text}"));
    // The JSON holds the API's operators: conversations have no `>=`/`<=`.
    assert!(field.api_ops.contains(op), "{name} does not take {op_text}");
    if node["value"].is_null() {
        assert!(matches!(op, Op::Eq | Op::Ne), "null with {op_text}: {node}");
        return;
    }
    let value = &node["value"];
    let values: Vec<&Json> = if op.takes_list() {
        let list = value.as_array().expect("IN/NIN take a list");
        assert!(!list.is_empty(), "empty list: {node}");
        list.iter().collect()
    } else {
        vec![value]
    };
    for v in values {
        let typed = match field.ty {
            FieldType::String => v.as_str().is_some_and(|s| field.accepts_value(s)),
            FieldType::Integer => v.is_i64(),
            FieldType::Float => v.is_number(),
            FieldType::Boolean => v.is_boolean(),
            FieldType::Date => v.as_str().is_some_and(|s| s.parse::<i64>().is_ok()),
            FieldType::Any => v.is_string() || v.is_number() || v.is_boolean(),
        };
        assert!(typed, "{name} ({}) given {v}", field.ty);
    }
}

/// Runs every stage on `source`; checks spans and, when it compiles, the
/// output. Rendering is exercised too: it must not panic either.
fn run_everything(source: &str) {
    let parsed = qc::parse(source);
    assert_spans_inside(source, &parsed.diagnostics);
    let checked = qc::check(&parsed.ast, &SCHEMA, &options());
    assert_spans_inside(source, &checked.diagnostics);
    let _ = parsed.ast.to_string();
    match qc::compile(source, &options()) {
        Ok(compiled) => {
            assert!(compiled.warnings.iter().all(|d| !d.is_error()));
            assert_spans_inside(source, &compiled.warnings);
            assert_obeys_api(&compiled.json());
        }
        Err(e) => {
            assert!(e.diagnostics().iter().any(|d| d.is_error()));
            assert_spans_inside(source, e.diagnostics());
            let _ = render_all(e.diagnostics(), source, &RenderOptions::default());
        }
    }
    check_round_trip(source);
}

// ----- canonical printing -----------------------------------------------

/// The tree as JSON without spans or quoting (which printing may change),
/// and with the bare `null` in lower case (how it is printed).
fn shape(ast: &qc::Ast) -> Json {
    fn strip(v: &mut Json) {
        match v {
            Json::Object(map) => {
                let bare_null = map.get("quoted") == Some(&Json::Bool(false))
                    && map
                        .get("text")
                        .and_then(Json::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case("null"));
                if bare_null {
                    map.insert("text".to_owned(), json!("null"));
                }
                map.remove("span");
                map.remove("quoted");
                map.values_mut().for_each(strip);
            }
            Json::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(&ast.root).expect("the tree serialises");
    strip(&mut v);
    v
}

/// For any source without syntax errors, printing gives text that parses
/// without errors to the same tree and prints the same again.
fn check_round_trip(source: &str) {
    let first = qc::parse(source);
    if first.has_errors() {
        return;
    }
    let printed = first.ast.to_string();
    let second = qc::parse(&printed);
    assert!(
        !second.has_errors(),
        "{source:?} printed as {printed:?}, which does not parse: {:?}",
        second.diagnostics
    );
    assert_eq!(second.ast.to_string(), printed, "printing is not stable");
    assert_eq!(
        shape(&first.ast),
        shape(&second.ast),
        "{source:?} / {printed:?}"
    );
}

// ----- arbitrary input --------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic(source in "\\PC{0,64}|.{0,64}") {
        run_everything(&source);
    }

    #[test]
    fn token_soup_never_panics(source in token_soup()) {
        run_everything(&source);
    }
}

// ----- valid queries ----------------------------------------------------

/// One value: how it is written and what must be emitted.
#[derive(Debug, Clone)]
struct Val {
    text: String,
    json: Json,
    /// The number behind it, for `>`/`<` (integers and dates).
    number: Option<i64>,
}

/// A comparison of the normalised tree.
#[derive(Debug, Clone)]
struct Leaf {
    field: &'static FieldDef,
    op: Op,
    values: Vec<Val>,
}

/// The normalised tree a query must compile to; `Group(true, ..)` is AND.
#[derive(Debug, Clone)]
enum Norm {
    Leaf(Leaf),
    Group(bool, Vec<Norm>),
}

fn quoted(text: &str) -> String {
    let mut out = String::new();
    write_quoted(&mut out, text).expect("writing to a String");
    out
}

fn string_value(field: &'static FieldDef) -> BoxedStrategy<Val> {
    if field.is_enumerated() {
        let values: Vec<String> = field.values.iter().map(|v| v.to_string()).collect();
        return (select(values), any::<bool>())
            .prop_map(|(v, q)| Val {
                text: if q { quoted(&v) } else { v.clone() },
                json: json!(v),
                number: None,
            })
            .boxed();
    }
    let bare = "[a-z0-9_@.+-]{1,10}"
        .prop_filter("a bare word", |w| qc::syntax::lexical::is_bare_word(w))
        .prop_map(|w| Val {
            text: w.clone(),
            json: json!(w),
            number: None,
        });
    let any_text = "(\\PC|[\"'\\\\\n\t]){0,12}".prop_map(|s| Val {
        text: quoted(&s),
        json: json!(s),
        number: None,
    });
    prop_oneof![bare, any_text].boxed()
}

fn date(text: String, secs: i64) -> Val {
    Val {
        text,
        json: json!(secs.to_string()),
        number: Some(secs),
    }
}

fn date_value() -> BoxedStrategy<Val> {
    let unix = (0i64..4_000_000_000).prop_map(|s| date(s.to_string(), s));
    let day = (0i64..40_000).prop_map(|d| {
        let secs = d * 86_400;
        let ts = jiff::Timestamp::from_second(secs).expect("in range");
        date(ts.strftime("%Y-%m-%d").to_string(), secs)
    });
    let rfc = (0i64..4_000_000_000, -23i8..=23).prop_map(|(s, h)| {
        let ts = jiff::Timestamp::from_second(s).expect("in range");
        let offset = jiff::tz::Offset::from_hours(h).expect("in range");
        date(ts.display_with_offset(offset).to_string(), s)
    });
    let units = vec![
        ("s", 1),
        ("m", 60),
        ("h", 3_600),
        ("d", 86_400),
        ("w", 604_800),
    ];
    let relative =
        (any::<bool>(), 0i64..1000, select(units)).prop_map(|(minus, n, (unit, per))| {
            let (sign, secs) = if minus {
                ('-', NOW - n * per)
            } else {
                ('+', NOW + n * per)
            };
            date(format!("now{sign}{n}{unit}"), secs)
        });
    // Calendar months and years, from now in UTC (the default zone).
    let calendar = (any::<bool>(), 0i64..200, any::<bool>()).prop_map(|(minus, n, years)| {
        let signed = if minus { -n } else { n };
        let span = if years {
            jiff::Span::new().years(signed)
        } else {
            jiff::Span::new().months(signed)
        };
        let secs = jiff::Timestamp::from_second(NOW)
            .expect("in range")
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .checked_add(span)
            .expect("in range")
            .timestamp()
            .as_second();
        let sign = if minus { '-' } else { '+' };
        let unit = if years { "y" } else { "mo" };
        date(format!("now{sign}{n}{unit}"), secs)
    });
    // Midnight UTC of now's day (2024-06-01) and the day before.
    let days = prop_oneof![
        Just(date("today".to_owned(), NOW)),
        Just(date("yesterday".to_owned(), NOW - 86_400)),
    ];
    prop_oneof![
        unix,
        day,
        rfc,
        relative,
        calendar,
        days,
        Just(date("now".to_owned(), NOW))
    ]
    .boxed()
}

fn boolean_value() -> BoxedStrategy<Val> {
    (any::<bool>(), 0u8..3)
        .prop_map(|(b, case)| {
            let t = b.to_string();
            let text = match case {
                0 => t.to_uppercase(),
                1 => {
                    let (first, rest) = t.split_at(1);
                    first.to_uppercase() + rest
                }
                _ => t,
            };
            Val {
                text,
                json: json!(b),
                number: None,
            }
        })
        .boxed()
}

fn integer(n: i64) -> Val {
    Val {
        text: n.to_string(),
        json: json!(n),
        number: Some(n),
    }
}

/// A duration as written (`90s`, `2h`) on a duration field, sent as seconds.
fn duration_value() -> BoxedStrategy<Val> {
    let units = vec![
        ("s", 1),
        ("m", 60),
        ("h", 3_600),
        ("d", 86_400),
        ("w", 604_800),
    ];
    (0i64..10_000, select(units))
        .prop_map(|(n, (unit, per))| Val {
            text: format!("{n}{unit}"),
            json: json!(n * per),
            number: Some(n * per),
        })
        .boxed()
}

fn scalar(field: &'static FieldDef) -> BoxedStrategy<Val> {
    match field.ty {
        FieldType::String => string_value(field),
        FieldType::Integer if field.duration => prop_oneof![
            (-1_000_000_000_000i64..1_000_000_000_000).prop_map(integer),
            duration_value(),
        ]
        .boxed(),
        FieldType::Integer => (-1_000_000_000_000i64..1_000_000_000_000)
            .prop_map(integer)
            .boxed(),
        FieldType::Boolean => boolean_value(),
        FieldType::Date => date_value(),
        FieldType::Float | FieldType::Any => unreachable!("no such built-in conversations field"),
    }
}

/// `null`, bare, in any letter case: the JSON null.
fn null_value() -> BoxedStrategy<Val> {
    select(vec!["null", "NULL", "Null"])
        .prop_map(|text| Val {
            text: text.to_owned(),
            json: Json::Null,
            number: None,
        })
        .boxed()
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (0..FIELDS.len())
        .prop_flat_map(|i| {
            let field: &'static FieldDef = FIELDS[i];
            (
                Just(field),
                select(field.operators().iter().collect::<Vec<_>>()),
            )
        })
        .prop_flat_map(|(field, op)| {
            let count = if op.takes_list() { 1..5usize } else { 1..2 };
            let one = if matches!(op, Op::Eq | Op::Ne) {
                prop_oneof![6 => scalar(field), 1 => null_value()].boxed()
            } else {
                scalar(field)
            };
            (Just(field), Just(op), prop::collection::vec(one, count))
        })
        .prop_map(|(field, op, values)| Leaf { field, op, values })
}

/// Normalised trees within the API's limits: a leaf, or a group of 2 to 15
/// members that are leaves or groups (of the other operator) of 2 to 15
/// leaves.
fn norm() -> impl Strategy<Value = Norm> {
    let inner = prop::collection::vec(leaf(), 2..=MAX_GROUP_MEMBERS);
    let member = prop_oneof![
        3 => leaf().prop_map(|l| (Some(l), Vec::new())),
        1 => inner.prop_map(|ls| (None, ls)),
    ];
    let group = (
        any::<bool>(),
        prop::collection::vec(member, 2..=MAX_GROUP_MEMBERS),
    )
        .prop_map(|(and, members)| {
            let members = members
                .into_iter()
                .map(|(l, ls)| match l {
                    Some(l) => Norm::Leaf(l),
                    None => Norm::Group(!and, ls.into_iter().map(Norm::Leaf).collect()),
                })
                .collect();
            Norm::Group(and, members)
        });
    prop_oneof![1 => leaf().prop_map(Norm::Leaf), 3 => group]
}

/// A number as the field's JSON: dates are strings of unix seconds.
fn number_json(field: &FieldDef, n: i64) -> Json {
    match field.ty {
        FieldType::Date => json!(n.to_string()),
        _ => json!(n),
    }
}

fn expected_json(n: &Norm) -> Json {
    match n {
        Norm::Leaf(l) => {
            // The API's `>`/`<` include the bound: `x > n` is sent as
            // `> n+1`, `x >= n` as `> n`, `x < n` as `< n-1`, `x <= n` as
            // `< n`.
            let (op, step) = match l.op {
                Op::Gt => (Op::Gt, 1),
                Op::Ge => (Op::Gt, 0),
                Op::Lt => (Op::Lt, -1),
                Op::Le => (Op::Lt, 0),
                op => (op, 0),
            };
            let value = if l.op.takes_list() {
                Json::Array(l.values.iter().map(|v| v.json.clone()).collect())
            } else if l.op.is_order() {
                let n = l.values[0].number.expect("ordered values are numbers");
                number_json(l.field, n + step)
            } else {
                l.values[0].json.clone()
            };
            json!({"field": l.field.name, "operator": op.as_str(), "value": value})
        }
        Norm::Group(and, members) => json!({
            "operator": if *and { "AND" } else { "OR" },
            "value": members.iter().map(expected_json).collect::<Vec<_>>(),
        }),
    }
}

/// Whitespace, or now and then a comment (which runs to a line break).
fn space_or_comment(c: &mut Choices<'_>) -> &'static str {
    [" ", "  ", "\n", "\t ", " # note\n", " -- note\n  "][c.pick(6)]
}

/// The leaf `w` such that `NOT w` normalises to `l`, if there is one.
/// NOT is logical: `NOT x <= n` is `x > n`, `NOT x < n` is `x >= n`.
fn negated_leaf(l: &Leaf) -> Option<Leaf> {
    Some(Leaf {
        field: l.field,
        op: complement(l.op)?,
        values: l.values.clone(),
    })
}

/// The tree `w` such that `NOT (w)` normalises to `n`, if there is one.
fn negated(n: &Norm) -> Option<Norm> {
    match n {
        Norm::Leaf(l) => negated_leaf(l).map(Norm::Leaf),
        Norm::Group(and, members) => Some(Norm::Group(
            !and,
            members.iter().map(negated).collect::<Option<Vec<_>>>()?,
        )),
    }
}

fn write_leaf(l: &Leaf, c: &mut Choices<'_>) -> String {
    let spellings: Vec<OpSpelling> = OpSpelling::ALL
        .iter()
        .copied()
        .filter(|s| s.op() == l.op && s.takes_value())
        .collect();
    let spelling = spellings[c.pick(spellings.len())];
    let op = spelling
        .as_str()
        .split(' ')
        .map(|w| {
            if w.chars().all(|ch| ch.is_ascii_alphabetic()) {
                keyword(c, w)
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let value = if l.op.takes_list() {
        let items: Vec<String> = l.values.iter().map(|v| smart(&v.text, c)).collect();
        let trailing = if c.chance(4) { "," } else { "" };
        format!("[{}{trailing}]", items.join(", "))
    } else {
        smart(&l.values[0].text, c)
    };
    let (a, b) = (space_or_comment(c), space_or_comment(c));
    format!("{}{a}{op}{b}{value}", l.field.name)
}

/// A double-quoted value now and then in typographic quotes, which mean the
/// same (with a warning), when nothing inside would close them early.
fn smart(text: &str, c: &mut Choices<'_>) -> String {
    let inner = text.strip_prefix('"').and_then(|t| t.strip_suffix('"'));
    match inner {
        Some(inner) if c.chance(4) && !inner.contains(['\\', '“', '”']) && !inner.is_empty() => {
            format!("“{inner}”")
        }
        _ => text.to_owned(),
    }
}

/// Text for `n` usable as an operand of AND or OR.
fn write_operand(n: &Norm, c: &mut Choices<'_>) -> String {
    match n {
        Norm::Leaf(_) => write(n, c),
        Norm::Group(..) => format!("({})", write(n, c)),
    }
}

/// Text that normalises to `n`, chosen at random among equivalent forms:
/// NOT of the negated tree, redundant parentheses, double NOT, and runs of
/// members nested in same-operator groups that must be flattened.
fn write(n: &Norm, c: &mut Choices<'_>) -> String {
    // Choice 0 writes `n` plainly, so that the text ends when the
    // choices run out.
    match c.pick(6) {
        1 => {
            if let Some(w) = negated(n) {
                let not = keyword(c, "not");
                return format!("{not} ({})", write(&w, c));
            }
        }
        2 => return format!("({})", write(n, c)),
        3 => {
            let (a, b) = (keyword(c, "not"), keyword(c, "not"));
            return format!("{a} {b} {}", write_operand(n, c));
        }
        _ => {}
    }
    match n {
        Norm::Leaf(l) => write_leaf(l, c),
        Norm::Group(and, members) => {
            let kw = if *and { "and" } else { "or" };
            let mut parts: Vec<String> = Vec::new();
            let mut i = 0;
            while i < members.len() {
                let left = members.len() - i;
                let run = if left >= 2 && c.chance(4) {
                    2 + c.pick(left - 1)
                } else {
                    1
                };
                if run >= 2 {
                    let sub = Norm::Group(*and, members[i..i + run].to_vec());
                    parts.push(format!("({})", write(&sub, c)));
                } else {
                    parts.push(write_operand(&members[i], c));
                }
                i += run;
            }
            let mut out = String::new();
            for (k, p) in parts.iter().enumerate() {
                if k > 0 {
                    out.push_str(space_or_comment(c));
                    out.push_str(&keyword(c, kw));
                    out.push(' ');
                }
                out.push_str(p);
            }
            out
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_queries_compile_to_their_normal_form(
        n in norm(),
        choices in prop::collection::vec(any::<u32>(), 1024),
    ) {
        let source = write(&n, &mut Choices::new(&choices));
        let compiled = match qc::compile(&source, &options()) {
            Ok(c) => c,
            Err(e) => {
                let shown = render_all(e.diagnostics(), &source, &RenderOptions::default());
                panic!("{source}\n{shown}");
            }
        };
        assert_spans_inside(&source, &compiled.warnings);
        let out = compiled.json();
        assert_obeys_api(&out);
        prop_assert_eq!(&out, &json!({"query": expected_json(&n)}), "{}", source);
        let text: Json = serde_json::from_str(&compiled.to_json_string()).expect("valid JSON");
        prop_assert_eq!(text, out);
        check_round_trip(&source);
    }
}
