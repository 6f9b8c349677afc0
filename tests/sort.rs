//! `ORDER BY`: the clause as the parser reads it, where the API takes a
//! `sort` (per target and version, from the generated tables), what is
//! refused and how, the JSON it gives and `qc validate` reads, `qc
//! decompile` and `qc fmt`, and `qc filter`'s order, through the library
//! and the real binary.

mod support;

use std::sync::Arc;

use proptest::prelude::*;
use qc::diagnostic::{RenderOptions, render_all};
use qc::op::SortOrder;
use qc::target::ApiVersion;
use qc::{Code, Compiler, Schema, Span, Target};
use serde_json::{Value, json};
use support::cli::qc;
use support::generate::cased;

/// 2024-06-01T00:00:00Z.
const NOW: i64 = 1_717_200_000;

fn compiler(target: Target, version: ApiVersion) -> Compiler {
    let schema = Schema::for_version_with_zone(target, version, None, &[])
        .unwrap_or_else(|e| panic!("{target} {version}: {e}"));
    Compiler::new(
        Arc::new(schema),
        qc::Options {
            now: Some(NOW),
            ..qc::Options::default()
        },
    )
}

fn contacts() -> Compiler {
    compiler(Target::Contacts, ApiVersion::V2_16)
}

// ---- the clause ----------------------------------------------------------

#[test]
fn the_clause_as_the_parser_reads_it() {
    let parsed = qc::parse("role = user order By created_at desc");
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    let o = parsed.ast.order_by.as_ref().expect("a clause");
    assert_eq!(o.field.name.as_str(), "created_at");
    assert_eq!(o.field.span, Span::new(21, 31));
    assert_eq!(o.order, Some((SortOrder::Descending, Span::new(32, 36))));
    assert_eq!(o.span, Span::new(12, 36));
    assert_eq!(o.sort_order(), SortOrder::Descending);
    assert_eq!(parsed.ast.root.span, Span::new(0, 11));
    // Canonical text keeps the order as written, and no order where none was.
    assert_eq!(
        parsed.ast.to_string(),
        "role = user ORDER BY created_at DESC"
    );
    let bare = qc::parse("a = 1 ORDER BY b");
    let o = bare.ast.order_by.as_ref().expect("a clause");
    assert_eq!(o.order, None);
    assert_eq!(o.sort_order(), SortOrder::Descending, "the API's default");
    assert_eq!(bare.ast.to_string(), "a = 1 ORDER BY b");
    // A quoted field, and the quote kept where the name is an order.
    let quoted = qc::parse(r#"a = 1 ORDER BY "desc" asc"#);
    assert!(!quoted.has_errors());
    assert_eq!(quoted.ast.to_string(), r#"a = 1 ORDER BY "desc" ASC"#);
    let spaced = qc::parse(r#"a = 1 ORDER BY "Plan tier""#);
    assert_eq!(spaced.ast.to_string(), r#"a = 1 ORDER BY "Plan tier""#);
}

/// `ORDER`, `BY`, `ASC` and `DESC` are keywords in the clause only: as
/// fields and values they are words like any other.
#[test]
fn sort_words_are_fields_and_values_elsewhere() {
    for text in [
        "order = 1",
        "order = 1 AND asc = desc AND by = order",
        "by IN [order, by] OR desc != asc",
        "NOT order = x",
        "x = order",
        "x IN [order, by, asc, desc]",
        "order = by ORDER BY order",
        "asc = 1 ORDER BY desc2 ASC",
    ] {
        let parsed = qc::parse(text);
        assert!(!parsed.has_errors(), "{text}: {:?}", parsed.diagnostics);
        // Printed and read again, the same tree and clause.
        let printed = parsed.ast.to_string();
        let again = qc::parse(&printed);
        assert_eq!(again.ast.root, parsed.ast.root, "{text} -> {printed}");
        let clause = |p: &qc::Parsed| {
            p.ast
                .order_by
                .as_ref()
                .map(|o| (o.field.name.to_string(), o.order.map(|(order, _)| order)))
        };
        assert_eq!(clause(&again), clause(&parsed), "{text} -> {printed}");
    }
    let first = qc::parse("order = 1 AND asc = desc");
    assert!(first.ast.order_by.is_none());
    let orders = qc::parse("order = by ORDER BY order");
    assert_eq!(
        orders.ast.order_by.map(|o| o.field.name.to_string()),
        Some("order".to_owned())
    );
}

/// Every misplaced or malformed clause is an error that says what was
/// expected, with the fix where it is certain, and the rest is read.
#[test]
fn malformed_clauses_are_located_errors() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "a = 1 ORDER BY",
            "expected a field to sort on after `ORDER BY`, found end of input",
            None,
        ),
        (
            "a = 1 ORDER BY ASC",
            "expected a field to sort on after `ORDER BY`, found `ASC`",
            None,
        ),
        ("a = 1 ORDER BY b, c", "`ORDER BY` takes one field", None),
        (
            "a = 1 ORDER BY b DESC ORDER BY c",
            "`ORDER BY` is written once",
            None,
        ),
        (
            "a = 1 ORDER BY b AND c = 2",
            "expected the end of the query after `ORDER BY`, found `AND`",
            None,
        ),
        (
            "a = 1 ORDER BY b ascending",
            "expected `ASC`, `DESC` or the end of the query, found `ascending`",
            Some("a = 1 ORDER BY b ASC"),
        ),
        (
            "a = 1 ORDER BY b Descending",
            "expected `ASC`, `DESC` or the end of the query, found `Descending`",
            Some("a = 1 ORDER BY b DESC"),
        ),
        (
            "a = 1 AND ORDER BY b",
            "expected a comparison after `AND`, found `ORDER BY`",
            Some("a = 1 ORDER BY b"),
        ),
        (
            "a = 1 or ORDER BY b",
            "expected a comparison after `OR`, found `ORDER BY`",
            Some("a = 1 ORDER BY b"),
        ),
        (
            "(a = 1 ORDER BY b)",
            "`ORDER BY` ends the whole query: it cannot be inside parentheses",
            None,
        ),
        (
            "ORDER BY b",
            "the query has no comparison before `ORDER BY`",
            None,
        ),
    ];
    for (text, message, fixed) in cases {
        let parsed = qc::parse(text);
        let errors: Vec<&qc::Diagnostic> =
            parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        assert!(
            errors[0].message.contains(message),
            "{text}: {}",
            errors[0].message
        );
        assert!(errors[0].location.is_some(), "{text}: located");
        let applied = qc::diagnostic::fixes::apply_suggestions(text, &parsed.diagnostics);
        assert_eq!(applied.as_deref(), *fixed, "{text}");
        if let Some(fixed) = fixed {
            assert!(!qc::parse(fixed).has_errors(), "{fixed}");
        }
    }
}

// ---- where the API sorts ---------------------------------------------------

/// A query on each target's own fields, sorted.
fn sorted_query(target: Target) -> &'static str {
    match target {
        Target::Conversations => "state = open ORDER BY created_at ASC",
        Target::Contacts => "role = user ORDER BY created_at ASC",
        Target::Tickets => "open = true ORDER BY created_at",
        Target::Companies => "user_count > 1 ORDER BY name",
    }
}

/// For every target in every version that has it: the request of a
/// sorted query, or the error that says where sorting is. Exactly where
/// the descriptions put `sort` (contacts from 2.16, companies).
#[test]
fn sort_per_target_and_version() {
    let mut out = String::new();
    for target in Target::ALL {
        for version in ApiVersion::ALL {
            let Ok(schema) = Schema::for_version_with_zone(target, version, None, &[]) else {
                continue;
            };
            let c = compiler(target, version);
            let text = sorted_query(target);
            let line = match c.compile(text) {
                Ok(compiled) => {
                    assert!(schema.sorts(), "{target} {version}");
                    compiled.to_json_string()
                }
                Err(e) => {
                    assert!(!schema.sorts(), "{target} {version}: {e}");
                    let d = &e.diagnostics()[0];
                    assert_eq!(d.code, Code::SortNotSupported, "{target} {version}");
                    format!(
                        "[{}] {} (help: {})",
                        d.code,
                        d.message,
                        d.help.as_deref().unwrap_or("")
                    )
                }
            };
            out.push_str(&format!("{target} {version}: {text}\n  {line}\n"));
        }
    }
    insta::assert_snapshot!(out);
}

/// The errors of `ORDER BY` through the checker, rendered.
#[test]
fn sort_diagnostics() {
    let with_schema = {
        let workspace = qc::schema::Workspace::from_json(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/workspace/data_attributes.json"
            ))
            .expect("the fixture"),
        )
        .expect("a schema");
        let schema =
            Schema::for_version_with_zone(Target::Contacts, ApiVersion::V2_16, None, &[workspace])
                .expect("contacts 2.16");
        Compiler::new(
            Arc::new(schema),
            qc::Options {
                now: Some(NOW),
                ..qc::Options::default()
            },
        )
    };
    let plan: Vec<String> = (1..=16).map(|i| format!("name ~ w{i}")).collect();
    let planned = format!(
        "role = user AND ({}) ORDER BY created_at",
        plan.join(" OR ")
    );
    let cases: Vec<(&str, Compiler, String)> = vec![
        (
            "contacts 2.15",
            compiler(Target::Contacts, ApiVersion::V2_15),
            "role = user ORDER BY created_at".to_owned(),
        ),
        (
            "tickets Preview",
            compiler(Target::Tickets, ApiVersion::Preview),
            "open = true ORDER BY created_at DESC".to_owned(),
        ),
        (
            "contacts 2.16",
            contacts(),
            "role = user ORDER BY tag_id".to_owned(),
        ),
        (
            "contacts 2.16",
            contacts(),
            "role = user ORDER BY segment_id ASC".to_owned(),
        ),
        (
            "companies Preview",
            compiler(Target::Companies, ApiVersion::Preview),
            "name ~ a ORDER BY tag_id".to_owned(),
        ),
        (
            "contacts 2.16",
            contacts(),
            "role = user ORDER BY last_seen".to_owned(),
        ),
        (
            "contacts 2.16",
            contacts(),
            "role = user ORDER BY tag_di".to_owned(),
        ),
        (
            "contacts 2.16",
            contacts(),
            "role = user ORDER BY andoid_sdk_version".to_owned(),
        ),
        (
            "contacts 2.16",
            contacts(),
            "role = user ORDER BY custom_attributes.plan ASC".to_owned(),
        ),
        (
            "contacts 2.16 with a schema",
            with_schema,
            "role = user ORDER BY custom_attributes.plam".to_owned(),
        ),
        ("contacts 2.16", contacts(), planned),
    ];
    let mut out = String::new();
    for (what, compiler, text) in &cases {
        let diagnostics = compiler.diagnose(text);
        assert!(!diagnostics.is_empty(), "{what}: {text}");
        out.push_str(&format!("--- {what}: {text}\n"));
        out.push_str(&render_all(&diagnostics, text, &RenderOptions::default()));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

/// Which fields sort is a column of the tables: every field of a table
/// that sorts but the lists, and none of a table that does not.
#[test]
fn sort_fields_are_the_tables() {
    let fields = |target, version| -> Vec<String> {
        compiler(target, version)
            .fields()
            .filter(|f| f.sortable)
            .map(|f| f.name.to_string())
            .collect()
    };
    let not = |target, version| -> Vec<String> {
        compiler(target, version)
            .fields()
            .filter(|f| !f.sortable)
            .map(|f| f.name.to_string())
            .collect()
    };
    assert_eq!(
        not(Target::Contacts, ApiVersion::V2_16),
        ["segment_id", "tag_id"]
    );
    assert_eq!(
        not(Target::Contacts, ApiVersion::Preview),
        ["segment_id", "tag_id"]
    );
    assert_eq!(not(Target::Companies, ApiVersion::Preview), ["tag_id"]);
    assert!(fields(Target::Contacts, ApiVersion::V2_16).contains(&"formatted_phone".to_owned()));
    for (target, version) in [
        (Target::Contacts, ApiVersion::V2_15),
        (Target::Conversations, ApiVersion::Preview),
        (Target::Tickets, ApiVersion::V2_16),
    ] {
        assert!(fields(target, version).is_empty(), "{target} {version}");
    }
    // Every sort field of every table sorts, through the compiler.
    for (target, version, filter) in [
        (Target::Contacts, ApiVersion::V2_16, "role = user"),
        (Target::Contacts, ApiVersion::Preview, "role = user"),
        (Target::Companies, ApiVersion::Preview, "user_count > 1"),
    ] {
        let c = compiler(target, version);
        for name in fields(target, version) {
            let text = format!("{filter} ORDER BY {name} ASC");
            let compiled = c.compile(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                compiled.json()["sort"],
                json!({"field": name, "order": "ascending"}),
                "{text}"
            );
        }
        assert!(c.schema.sorts());
    }
    // The table's misspelling sorts as the model's field, with its warning.
    let c = contacts();
    let compiled = c
        .compile("role = user ORDER BY andoid_sdk_version")
        .expect("sorts");
    assert_eq!(compiled.json()["sort"]["field"], "android_sdk_version");
    assert_eq!(compiled.warnings[0].code, Code::ReferenceSpelling);
}

/// A sorted query over the limits that one request can still express
/// (rewritten) keeps its sort; one that takes a plan is refused, by
/// `compile` and by `plan`, with the plan's size.
#[test]
fn a_sorted_query_is_one_request() {
    let c = contacts();
    let ors: Vec<String> = (1..=16).map(|i| format!("name = n{i}")).collect();
    let rewritten = c
        .compile(&format!("{} ORDER BY name ASC", ors.join(" OR ")))
        .expect("folded into one IN");
    assert_eq!(rewritten.json()["query"]["operator"], "IN");
    assert_eq!(
        rewritten.json()["sort"],
        json!({"field": "name", "order": "ascending"})
    );
    assert!(rewritten.warnings.iter().any(|d| d.code == Code::Rewritten));

    let names: Vec<String> = (1..=16).map(|i| format!("name ~ w{i}")).collect();
    let planned = format!(
        "role = user AND ({}) ORDER BY created_at",
        names.join(" OR ")
    );
    for e in [
        c.compile(&planned).expect_err("a plan"),
        c.plan(&planned).expect_err("a plan"),
    ] {
        let d = e
            .diagnostics()
            .iter()
            .find(|d| d.code == Code::SortedPlan)
            .unwrap_or_else(|| panic!("{:?}", e.diagnostics()));
        assert!(d.message.contains("it takes 2 requests"), "{}", d.message);
        assert_eq!(&planned[d.range.range()], "ORDER BY created_at");
        assert!(!e.diagnostics().iter().any(|d| d.code == Code::NeedsPlan));
    }
    // Without the sort, the plan runs; the optimiser's plan of the sorted
    // query would carry the sort in each request.
    let unsorted = planned.replace(" ORDER BY created_at", "");
    assert_eq!(c.plan(&unsorted).expect("a plan").requests.len(), 2);
    let ignore = Compiler::new(
        c.schema.clone(),
        qc::Options {
            limits: qc::Limits::Ignore,
            ..c.options.clone()
        },
    );
    let query = ignore.compile(&planned).expect("valid").query;
    let plan = qc::plan(&query, &qc::optimise::Settings::default()).expect("a plan");
    assert_eq!(plan.requests.len(), 2);
    assert!(plan.requests.iter().all(|q| q.sort == query.sort));
}

// ---- JSON: validate and decompile ------------------------------------------

/// Requests with a `sort`, as `qc validate` reads them, for contacts in
/// 2.16: valid ones give the query's sort, invalid ones their errors.
#[test]
fn validate_reads_the_sort() {
    let c = contacts();
    let filter = r#""query": {"field": "role", "operator": "=", "value": "user"}"#;
    let ok = [
        (
            r#""sort": {"field": "created_at", "order": "ascending"}"#,
            "created_at",
            SortOrder::Ascending,
        ),
        (
            r#""sort": {"order": "descending", "field": "name"}"#,
            "name",
            SortOrder::Descending,
        ),
        (
            r#""sort": {"field": "name"}"#,
            "name",
            SortOrder::Descending,
        ),
    ];
    for (sort, field, order) in ok {
        let json = format!("{{{filter}, {sort}}}");
        let v = c.validate(&json);
        let q = v
            .query
            .unwrap_or_else(|| panic!("{json}: {:?}", v.diagnostics));
        let s = q.sort.as_ref().expect("a sort");
        assert_eq!((s.field.name.as_ref(), s.order), (field, order), "{json}");
        // The JSON it gives back always writes the order.
        assert_eq!(
            qc::emit(&q)["sort"],
            json!({"field": field, "order": order.as_str()})
        );
    }
    let bad = [
        r#""sort": {"field": "created_at", "order": "desc"}"#,
        r#""sort": {"field": "created_at", "order": "ASC"}"#,
        r#""sort": {"field": "created_at", "order": "upwards"}"#,
        r#""sort": {"field": "created_at", "order": null}"#,
        r#""sort": {"order": "ascending"}"#,
        r#""sort": {"field": "created_at", "direction": "ascending"}"#,
        r#""sort": {"field": "created_at", "field": "name"}"#,
        r#""sort": "created_at""#,
        r#""sort": {"field": 7}"#,
        r#""sort": {"field": "tag_id"}"#,
        r#""sort": {"field": "created"}"#,
        r#""sort": {"field": "created_at"}, "sort": {"field": "name"}"#,
    ];
    let mut out = String::new();
    for sort in bad {
        let json = format!("{{{filter}, {sort}}}");
        let v = c.validate(&json);
        assert!(v.query.is_none(), "{json}");
        out.push_str(&format!("--- {sort}\n"));
        for d in &v.diagnostics {
            let fix = d
                .suggestion
                .as_ref()
                .map_or_else(String::new, |s| format!(" (fix: {})", s.replacement));
            out.push_str(&format!(
                "[{}] {} at `{}`{fix}\n",
                d.code,
                d.message,
                d.path.as_deref().unwrap_or("")
            ));
        }
    }
    // Where the version takes no sort, the sort is the error.
    let v = compiler(Target::Contacts, ApiVersion::V2_15).validate(&format!(
        "{{{filter}, \"sort\": {{\"field\": \"created_at\", \"order\": \"desc\"}}}}"
    ));
    let found: Vec<(Code, Option<&str>)> = v
        .diagnostics
        .iter()
        .map(|d| (d.code, d.path.as_deref()))
        .collect();
    assert_eq!(found, [(Code::SortNotSupported, Some("sort"))]);
    insta::assert_snapshot!(out);
}

/// `qc decompile` writes the sort as `ORDER BY`, the order always written,
/// and the text compiles back to the request.
#[test]
fn decompile_writes_the_sort() {
    let c = contacts();
    for (json, text) in [
        (
            r#"{"query": {"field": "role", "operator": "=", "value": "user"}, "sort": {"field": "created_at", "order": "ascending"}}"#,
            "role = user ORDER BY created_at ASC",
        ),
        (
            r#"{"query": {"field": "role", "operator": "=", "value": "user"}, "sort": {"field": "created_at"}}"#,
            "role = user ORDER BY created_at DESC",
        ),
        (
            r#"{"query": {"operator": "OR", "value": [{"field": "role", "operator": "=", "value": "user"}, {"field": "name", "operator": "^", "value": "A"}]}, "sort": {"field": "custom_attributes.desc", "order": "descending"}, "pagination": {"per_page": 5}}"#,
            r#"role = user OR name ^ A ORDER BY custom_attributes.desc DESC"#,
        ),
    ] {
        let d = c.decompile(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(d.text, text);
        assert!(
            d.warnings.iter().all(|w| w.code != Code::DecompileNotExact),
            "{json}: {:?}",
            d.warnings
        );
        let back = c.compile(&d.text).expect("compiles back");
        let mut expected: Value = serde_json::from_str(json).expect("JSON");
        expected.as_object_mut().map(|o| o.remove("pagination"));
        expected["sort"]["order"] = json!(back.json()["sort"]["order"]);
        assert_eq!(back.json()["sort"], expected["sort"], "{json}");
    }
    // A field named like an order is quoted in the text.
    let sort = qc::check::Sort {
        field: c.schema.field("custom_attributes.x").expect("unchecked"),
        order: SortOrder::Ascending,
        span: Span::default(),
    };
    let mut query = c.compile("role = user").expect("valid").query;
    query.sort = Some(sort);
    assert_eq!(
        qc::decompile::decompile(&query, qc::DateStyle::Rfc3339),
        "role = user ORDER BY custom_attributes.x ASC"
    );
}

// ---- fmt -------------------------------------------------------------------

#[test]
fn fmt_writes_the_clause() {
    let cases = [
        "role=user order by created_at",
        "role = user   ORDER   by   created_at   desc",
        "role = user ORDER BY \"desc\" Asc",
        "(role = user) ORDER BY name",
        "role = user -- users\nORDER BY name # by name\n# done",
        "role = user\n-- newest first\nORDER BY created_at DESC",
        "# all users\nrole = user ORDER BY created_at",
        "role = user AND (name ~ anne OR name ~ bob OR email $ \"@example.com\" OR email ^ admin) ORDER BY last_seen_at ASC",
        "role = user AND name ~ anne ORDER BY custom_attributes.a_very_long_attribute_name_indeed ASC",
    ];
    let mut out = String::new();
    for text in cases {
        let once = qc::format::format_source(text, 60).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        let twice = qc::format::format_source(&once, 60).expect("formats again");
        assert_eq!(twice, once, "idempotent: {text:?}");
        let c = contacts();
        assert_eq!(
            c.compile(&once).map(|x| x.json()).ok(),
            c.compile(text).map(|x| x.json()).ok(),
            "meaning of {text:?}"
        );
        out.push_str(&format!("--- {text:?}\n{once}\n"));
    }
    insta::assert_snapshot!(out);
}

// ---- filter ----------------------------------------------------------------

fn contact(id: u32, name: &str, seen: Value) -> String {
    json!({"type": "contact", "id": id.to_string(), "role": "user", "name": name, "last_seen_at": seen})
        .to_string()
}

fn filter_ids(args: &[&str], input: &str) -> (Vec<String>, String, Option<i32>) {
    let out = qc()
        .args(["filter", "--target", "contacts", "--api-version", "2.16"])
        .args(args)
        .write_stdin(input)
        .output()
        .expect("qc runs");
    let ids = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            v["id"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    (
        ids,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// `qc filter` prints the matches in the order asked: by value (dates as
/// seconds, whatever their notation), without a value last in either
/// order, equal values in input order; unchanged lines.
#[test]
fn filter_orders_its_output() {
    let input = [
        contact(1, "Cleo", json!(1_700_000_300)),
        contact(2, "ann", json!("2023-11-14T22:16:40Z")), // 1_700_000_200
        contact(3, "Bob", Value::Null),
        json!({"id": "4", "role": "lead", "name": "Al", "last_seen_at": 1}).to_string(),
        contact(5, "Dan", json!("1700000300")),
        contact(6, "Eve", json!(1_700_000_100)),
        json!({"id": "7", "role": "user", "name": "Zed"}).to_string(),
    ]
    .join("\n");
    let (ids, stderr, code) = filter_ids(&["role = user ORDER BY last_seen_at"], &input);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(ids, ["1", "5", "2", "6", "3", "7"]);
    assert_eq!(stderr, "matched 6 of 7\n");
    let (ids, _, _) = filter_ids(&["role = user ORDER BY last_seen_at ASC"], &input);
    assert_eq!(ids, ["6", "2", "1", "5", "3", "7"]);
    // Text by its bytes: capitals first.
    let (ids, _, _) = filter_ids(&["role = user ORDER BY name asc"], &input);
    assert_eq!(ids, ["3", "1", "5", "6", "7", "2"]);
    // Lines are printed as they were.
    let out = qc()
        .args(["filter", "--target", "contacts", "--api-version", "2.16"])
        .arg("id = 6 ORDER BY name")
        .write_stdin(format!("{}\n", contact(6, "Eve", json!(1))))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!("{}\n", contact(6, "Eve", json!(1)))
    );
}

/// The matches held to sort them are bounded: past `--max-sort-bytes`,
/// exit 3 and nothing printed. `--strict` prints the matches before the
/// malformed line, sorted. The help says that the matches are held.
#[test]
fn filter_sorts_within_its_bound() {
    let lines: Vec<String> = (0..200)
        .map(|i| contact(i, &format!("n{i:03}"), json!(i)))
        .collect();
    let input = lines.join("\n");
    let (ids, stderr, code) = filter_ids(
        &["--max-sort-bytes", "4096", "role = user ORDER BY name"],
        &input,
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(ids.is_empty());
    assert!(stderr.contains("--max-sort-bytes"), "{stderr}");
    let (ids, _, code) = filter_ids(
        &["--max-sort-bytes", "1000000", "role = user ORDER BY name"],
        &input,
    );
    assert_eq!(code, Some(0));
    assert_eq!(ids.len(), 200);
    assert_eq!(ids.first().map(String::as_str), Some("199"));

    let input = [
        contact(1, "b", json!(1)),
        "{".to_owned(),
        contact(2, "a", json!(2)),
        contact(3, "c", json!(3)),
    ]
    .join("\n");
    let (ids, stderr, code) = filter_ids(&["--strict", "role = user ORDER BY name ASC"], &input);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(ids, ["1"]);
    let (ids, _, code) = filter_ids(&["role = user ORDER BY name ASC"], &input);
    assert_eq!(code, Some(0));
    assert_eq!(ids, ["2", "1", "3"]);

    let help = qc()
        .args(["filter", "--help"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8_lossy(&help);
    assert!(help.contains("held in memory"), "{help}");
    assert!(help.contains("--max-sort-bytes"), "{help}");
}

/// Sort keys: lowest value ascending and highest descending for a field
/// of several values, kinds apart, and no value last both ways.
#[test]
fn sort_keys_order_values() {
    let c = compiler(Target::Contacts, ApiVersion::Preview);
    let key = |text: &str, object: Value| {
        let q = c.compile(text).expect("valid").query;
        qc::eval::sort_key(q.sort.as_ref().expect("sorted"), &object)
    };
    // An untyped attribute (Preview): booleans, then numbers, then text.
    let asc = "role = user ORDER BY custom_attributes.x ASC";
    let (t, n, f, s, none) = (
        key(asc, json!({"custom_attributes": {"x": true}})),
        key(asc, json!({"custom_attributes": {"x": 2}})),
        key(asc, json!({"custom_attributes": {"x": 2.5}})),
        key(asc, json!({"custom_attributes": {"x": "10"}})),
        key(asc, json!({"custom_attributes": {}})),
    );
    assert!(t < n && n < f && f < s && s < none);
    let desc = "role = user ORDER BY custom_attributes.x";
    let (n, f, none) = (
        key(desc, json!({"custom_attributes": {"x": 2}})),
        key(desc, json!({"custom_attributes": {"x": 2.5}})),
        key(desc, json!({"custom_attributes": {"x": null}})),
    );
    assert!(f < n && n < none);
    // Several values: the lowest ascending, the highest descending.
    let many = json!({"custom_attributes": {"x": [3, 1, 2]}});
    assert_eq!(
        key(asc, many.clone()),
        key(asc, json!({"custom_attributes": {"x": 1}}))
    );
    assert_eq!(
        key(desc, many),
        key(desc, json!({"custom_attributes": {"x": 3}}))
    );
}

// ---- the binary: refusals and exit status ------------------------------------

/// A refused sort is exit 1 with the error on stderr and nothing on
/// stdout, in every command that compiles; a good one is exit 0.
#[test]
fn refusals_through_the_binary() {
    qc().args(["--target", "contacts", "--api-version", "2.16", "role = user ORDER BY created_at"])
        .assert()
        .code(0)
        .stdout("{\"query\":{\"field\":\"role\",\"operator\":\"=\",\"value\":\"user\"},\"sort\":{\"field\":\"created_at\",\"order\":\"descending\"}}\n");
    for args in [
        vec!["state = open ORDER BY created_at"],
        vec!["check", "state = open ORDER BY created_at"],
        vec!["plan", "state = open ORDER BY created_at"],
        vec!["--target", "contacts", "role = user ORDER BY created_at"],
        vec![
            "--target",
            "contacts",
            "--api-version",
            "2.16",
            "role = user ORDER BY tag_id",
        ],
    ] {
        let out = qc().args(&args).output().expect("qc runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty() || args[0] == "check", "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("[E0115]") || stderr.contains("[E0116]"),
            "{args:?}: {stderr}"
        );
    }
    // Which versions and targets sort: in the error itself.
    let out = qc()
        .arg("state = open ORDER BY created_at")
        .output()
        .expect("qc runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("contacts in version 2.16 and later, companies in version Preview only"),
        "{stderr}"
    );
    // `qc validate` and `qc decompile` too.
    qc().args(["validate", "--target", "contacts"])
        .write_stdin(r#"{"query": {"field": "role", "operator": "=", "value": "user"}, "sort": {"field": "name"}}"#)
        .assert()
        .code(1);
    qc().args(["decompile", "--target", "contacts", "--api-version", "Preview"])
        .write_stdin(r#"{"query": {"field": "role", "operator": "=", "value": "user"}, "sort": {"field": "name", "order": "ascending"}}"#)
        .assert()
        .code(0)
        .stdout("role = user ORDER BY name ASC\n");
    // `qc fmt` formats the clause whatever the target; `--check` agrees.
    qc().arg("fmt")
        .write_stdin("state=open order by created_at\n")
        .assert()
        .code(0)
        .stdout("state = open ORDER BY created_at\n");
    qc().args(["fmt", "--check", "-"])
        .write_stdin("state = open ORDER BY created_at\n")
        .assert()
        .code(0);
    qc().arg("fmt")
        .write_stdin("state = open ORDER BY\n")
        .assert()
        .code(1);
    // `qc explain` knows the codes.
    for code in ["E0115", "E0116", "E0204", "E0311"] {
        qc().args(["explain", code]).assert().success();
    }
}

// ---- properties ----------------------------------------------------------------

/// Filters on contacts' and companies' own fields, written by hand.
fn filters(target: Target) -> Vec<&'static str> {
    match target {
        Target::Companies => vec![
            "name ~ acme",
            "user_count > 3",
            "company_id IN [a, b]",
            "NOT name = x",
            "(name ^ A OR name ^ B) AND session_count >= 2",
        ],
        _ => vec![
            "role = user",
            "NOT role = lead",
            "email $ \"@example.com\" OR name ^ Jo",
            "(role = user OR role = lead) AND name != \"\"",
            "owner_id IN [1, 2]",
        ],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// For random sorted queries where the API sorts: the JSON carries the
    /// sort asked for; `validate` reads it back; `decompile` gives text
    /// that compiles to the same JSON; `fmt` (with comments around the
    /// clause) is idempotent and keeps the meaning.
    #[test]
    fn sorted_queries_round_trip(
        which in 0usize..3,
        filter in 0usize..5,
        field in any::<prop::sample::Index>(),
        order in 0usize..3,
        cases in prop::collection::vec(0usize..3, 4),
        comment in 0usize..4,
        width in 10usize..100,
    ) {
        let (target, version) = [
            (Target::Contacts, ApiVersion::V2_16),
            (Target::Contacts, ApiVersion::Preview),
            (Target::Companies, ApiVersion::Preview),
        ][which];
        let c = compiler(target, version);
        let sortable: Vec<String> = c.fields().filter(|f| f.sortable).map(|f| f.name.to_string()).collect();
        let name = field.get(&sortable);
        let filter = filters(target)[filter];
        let written = [None, Some(SortOrder::Ascending), Some(SortOrder::Descending)][order];
        let mut text = format!(
            "{filter} {} {} {name}",
            cased("order", cases[0]),
            cased("by", cases[1])
        );
        if let Some(o) = written {
            text.push(' ');
            text.push_str(&cased(o.keyword(), cases[2]));
        }
        let compiled = c.compile(&text);
        prop_assert!(compiled.is_ok(), "{}: {:?}", text, compiled.err());
        let Ok(compiled) = compiled else { return Ok(()) };
        let json = compiled.json();
        let want = written.unwrap_or(SortOrder::Descending);
        prop_assert_eq!(&json["sort"], &json!({"field": name, "order": want.as_str()}));

        let validated = c.validate(&compiled.to_json_string());
        prop_assert!(validated.is_valid(), "{:?}", validated.diagnostics);
        let decompiled = c.decompile(&compiled.to_json_string());
        prop_assert!(decompiled.is_ok());
        let Ok(decompiled) = decompiled else { return Ok(()) };
        let back = c.compile(&decompiled.text).map(|x| x.json());
        prop_assert_eq!(back.ok(), Some(json.clone()), "via {}", decompiled.text);

        // Comments before, inside and after the clause.
        let commented = match comment {
            0 => text.clone(),
            1 => text.replacen(' ', " # c1\n", 1),
            2 => format!("{text} -- c2"),
            _ => format!("-- c0\n{}", text.replace(&format!(" {name}"), &format!(" -- c3\n{name}"))),
        };
        let once = qc::format::format_source(&commented, width);
        prop_assert!(once.is_ok(), "{:?}", commented);
        let once = once.unwrap_or_default();
        let twice = qc::format::format_source(&once, width).unwrap_or_default();
        prop_assert_eq!(&twice, &once, "not idempotent: {:?}", commented);
        prop_assert_eq!(
            c.compile(&once).map(|x| x.json()).ok(),
            Some(json),
            "meaning changed: {:?} -> {:?}", commented, once
        );
        for c in ["c0", "c1", "c2", "c3"] {
            prop_assert_eq!(once.contains(c), commented.contains(c), "{:?} -> {:?}", commented, once);
        }
    }
}
