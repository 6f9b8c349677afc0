//! Workspace attributes through the real binary: `--schema FILE`
//! (repeatable) with the JSON of `GET /data_attributes`
//! (`tests/fixtures/workspace/data_attributes.json`, written from the
//! OpenAPI `data_attribute` schema) and of `GET /ticket_types`
//! (`ticket_types.json`, from `ticket_type_list`, `ticket_type` and
//! `ticket_type_attribute`); bad schema files; and custom attributes
//! without a schema.

use predicates::prelude::*;
use serde_json::{Value, json};

mod support;

use support::cli::{compiled, qc, root, transcript};

const ATTRIBUTES: &str = "tests/fixtures/workspace/data_attributes.json";
const TICKET_TYPES: &str = "tests/fixtures/workspace/ticket_types.json";

fn contacts(query: &str) -> String {
    transcript(&["--target", "contacts", "--schema", ATTRIBUTES, query])
}

fn tickets(query: &str) -> String {
    transcript(&["--target", "tickets", "--schema", TICKET_TYPES, query])
}

// ---- the fixtures, read by the library ---------------------------------

#[test]
fn the_fixtures_are_what_intercom_returns() {
    let text = std::fs::read_to_string(root().join(ATTRIBUTES)).expect("fixture");
    let list: Value = serde_json::from_str(&text).expect("JSON");
    // Shaped like `data_attribute_list`: every entry has the schema's
    // required keys.
    assert_eq!(list["type"], "list");
    for a in list["data"].as_array().expect("data") {
        for key in [
            "type",
            "name",
            "full_name",
            "label",
            "description",
            "data_type",
        ] {
            assert!(a.get(key).is_some(), "{a} lacks {key}");
        }
    }
    let w = qc::schema::Workspace::from_json(&text).expect("a valid data attribute list");
    // Custom attributes only: the standard `name` and `email` are the
    // reference's.
    let names: Vec<&str> = w.attributes.iter().map(|a| a.name.as_str()).collect();
    assert!(names.contains(&"custom_attributes.plan"));
    assert!(!names.contains(&"name"));
    let text = std::fs::read_to_string(root().join(TICKET_TYPES)).expect("fixture");
    let w = qc::schema::Workspace::from_json(&text).expect("a valid ticket type list");
    let order = w
        .attributes
        .iter()
        .find(|a| a.alias.as_deref() == Some("Order number"))
        .expect("Order number");
    assert_eq!(order.name, "ticket_attribute.17");
    // `files` attributes cannot be searched: kept aside, so that a query
    // naming one is told why.
    assert!(
        w.attributes
            .iter()
            .all(|a| a.alias.as_deref() != Some("Screenshots"))
    );
    assert!(
        w.unsearchable
            .iter()
            .any(|u| u.alias.as_deref() == Some("Screenshots") && u.name == "ticket_attribute.21")
    );
    // A list attribute's options: their labels, sent as their ids.
    let platform = w
        .attributes
        .iter()
        .find(|a| a.alias.as_deref() == Some("Platform"))
        .expect("Platform");
    assert_eq!(platform.options, ["iOS", "Android", "Web"]);
    assert_eq!(platform.option_ids, ["a1", "a2", "a3"]);
    // Each attribute is held by the tickets of its type.
    assert_eq!(platform.kinds, ["1295"]);
}

// ---- contacts attributes -----------------------------------------------

#[test]
fn typed_contact_attributes() {
    let out = compiled(&[
        "--target",
        "contacts",
        "--timezone",
        "UTC",
        "--schema",
        ATTRIBUTES,
        "custom_attributes.plan IN [pro, enterprise] AND custom_attributes.seats >= 10 \
         AND custom_attributes.mrr > 99.5 AND custom_attributes.paid_subscriber = true \
         AND custom_attributes.trial_ends_at < 2024-07-01",
    ]);
    assert_eq!(
        out,
        json!({"query": {"operator": "AND", "value": [
            {"field": "custom_attributes.plan", "operator": "IN", "value": ["pro", "enterprise"]},
            {"field": "custom_attributes.seats", "operator": ">=", "value": 10},
            {"field": "custom_attributes.mrr", "operator": ">", "value": 99.5},
            {"field": "custom_attributes.paid_subscriber", "operator": "=", "value": true},
            {"field": "custom_attributes.trial_ends_at", "operator": "<", "value": "1719792000"}]}})
    );
    insta::assert_snapshot!(
        "typed_contact_attributes",
        [
            contacts("custom_attributes.seats > 10 AND custom_attributes.mrr <= 3"),
            contacts("custom_attributes.paid_subscriber != false"),
            contacts("custom_attributes.trial_ends_at >= 2024-03-31"),
            contacts("custom_attributes.seats = lots"),
            contacts("custom_attributes.mrr > cheap"),
        ]
        .join("\n")
    );
}

#[test]
fn unknown_attribute_has_a_did_you_mean() {
    qc().args([
        "--target",
        "contacts",
        "--schema",
        ATTRIBUTES,
        "custom_attributes.plna = pro",
    ])
    .assert()
    .code(1)
    .stdout("")
    .stderr(predicate::str::contains(
        "did you mean `custom_attributes.plan`?",
    ));
    insta::assert_snapshot!(
        "unknown_attribute",
        [
            contacts("custom_attributes.plna = pro"),
            contacts("custom_attributes.zzzzzzzzzz = pro"),
        ]
        .join("\n")
    );
}

#[test]
fn options_are_the_allowed_values() {
    insta::assert_snapshot!(
        "options",
        [
            contacts("custom_attributes.plan = gold"),
            contacts("custom_attributes.plan = entreprise"),
            contacts("custom_attributes.plan ~ pro"),
        ]
        .join("\n")
    );
}

#[test]
fn company_attributes_do_not_apply_to_contacts() {
    qc().args([
        "--target",
        "contacts",
        "--schema",
        ATTRIBUTES,
        "custom_attributes.employees > 10",
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains(
        "[E0114] Error: `custom_attributes.employees` is a company attribute: contacts search cannot search it",
    ));
    // Nor contacts' attributes to conversations: the error says whose they
    // are, and where to search them.
    qc().args(["--schema", ATTRIBUTES, "custom_attributes.plan = pro"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`custom_attributes.plan` is a contact attribute: conversations search cannot search it",
        ))
        .stderr(predicate::str::contains("search contacts with `--target contacts`"));
    // The file describes the conversation model too, so other names are
    // unknown, not unchecked.
    qc().args(["--schema", ATTRIBUTES, "custom_attributes.nothing = 1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "unknown attribute `custom_attributes.nothing` for conversations search",
        ));
    let out = compiled(&[
        "--schema",
        ATTRIBUTES,
        "custom_attributes.escalated = true AND custom_attributes.order_total >= 20",
    ]);
    assert_eq!(
        out,
        json!({"query": {"operator": "AND", "value": [
            {"field": "custom_attributes.escalated", "operator": "=", "value": true},
            {"field": "custom_attributes.order_total", "operator": ">", "value": 20.0}]}})
    );
    // On conversations `>` includes the bound, and a decimal has no next
    // value: a strict `>` is the inclusive one without the value itself.
    insta::assert_snapshot!(
        "strict_bound_on_a_conversation_decimal",
        transcript(&["--schema", ATTRIBUTES, "custom_attributes.order_total > 20"])
    );
}

#[test]
fn quoted_attribute_names() {
    let out = compiled(&[
        "--target",
        "contacts",
        "--schema",
        ATTRIBUTES,
        r#""custom_attributes.my plan" = x AND 'custom_attributes.nick"name' = "Bo \"B\"""#,
    ]);
    assert_eq!(
        out,
        json!({"query": {"operator": "AND", "value": [
            {"field": "custom_attributes.my plan", "operator": "=", "value": "x"},
            {"field": "custom_attributes.nick\"name", "operator": "=", "value": "Bo \"B\""}]}})
    );
    // The JSON text escapes the quote.
    let text = qc()
        .args([
            "--target",
            "contacts",
            "--schema",
            ATTRIBUTES,
            r#""custom_attributes.nick\"name" = x"#,
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(text).expect("UTF-8"),
        "{\"query\":{\"field\":\"custom_attributes.nick\\\"name\",\"operator\":\"=\",\"value\":\"x\"}}\n"
    );
    // Unquoted, the name stops at the space.
    qc().args([
        "--target",
        "contacts",
        "--schema",
        ATTRIBUTES,
        "custom_attributes.my plan = x",
    ])
    .assert()
    .code(1);
    // `qc fields` and `qc decompile` write it quoted.
    qc().args(["fields", "--target", "contacts", "--schema", ATTRIBUTES])
        .assert()
        .success()
        .stdout(predicate::str::contains("custom_attributes.my plan"));
    let request = r#"{"query":{"field":"custom_attributes.my plan","operator":"=","value":"x"}}"#;
    qc().args(["decompile", "--target", "contacts", "--schema", ATTRIBUTES])
        .write_stdin(request)
        .assert()
        .success()
        .stdout("\"custom_attributes.my plan\" = x\n");
}

#[test]
fn archived_attribute_is_a_warning() {
    qc().args([
        "--target",
        "contacts",
        "--schema",
        ATTRIBUTES,
        "custom_attributes.legacy_tier = gold",
    ])
    .assert()
    .success()
    .stderr(predicate::str::contains("[W0102]"));
}

// ---- ticket attributes -------------------------------------------------

#[test]
fn ticket_attributes_by_name_emit_their_id() {
    let out = compiled(&[
        "--target",
        "tickets",
        "--schema",
        TICKET_TYPES,
        "\"Order number\" > 5 AND ticket_attribute.17 <= 100 AND Reproducible = true \
         AND \"Refund amount\" >= 10.5 AND \"Reported at\" >= 2024-01-01 AND Platform = iOS",
    ]);
    assert_eq!(
        out,
        json!({"query": {"operator": "AND", "value": [
            {"field": "ticket_attribute.17", "operator": ">", "value": 6},
            {"field": "ticket_attribute.17", "operator": "<", "value": 100},
            {"field": "ticket_attribute.19", "operator": "=", "value": true},
            {"field": "ticket_attribute.18", "operator": ">", "value": 10.5},
            {"field": "ticket_attribute.20", "operator": ">", "value": "1704067200"},
            {"field": "ticket_attribute.22", "operator": "=", "value": "a1"}]}})
    );
    insta::assert_snapshot!(
        "ticket_attributes",
        [
            tickets("\"Affected customers\" >= 100 OR \"Order number\" IN [1, 2]"),
            tickets("\"Order numbr\" = 5"),
            tickets("Screenshots = x"),
            tickets("ticket_attribute.99 = 5"),
            tickets("\"Refund amount\" < 10"),
            tickets("\"Status page\" ~ down"),
        ]
        .join("\n")
    );
    // The fields list names each attribute by id and by name.
    qc().args(["fields", "--target", "tickets", "--schema", TICKET_TYPES])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r"ticket_attribute\.17\s+Integer.*\(custom, also `Order number`\)",
            )
            .expect("regex"),
        );
}

#[test]
fn schema_is_repeatable() {
    // Both files: each target takes the attributes of its model.
    let both = ["--schema", ATTRIBUTES, "--schema", TICKET_TYPES];
    let contacts = compiled(
        &[
            &both[..],
            &["--target", "contacts", "custom_attributes.seats = 3"],
        ]
        .concat(),
    );
    assert_eq!(contacts["query"]["value"], 3);
    let tickets = compiled(&[&both[..], &["--target", "tickets", "\"Order number\" = 3"]].concat());
    assert_eq!(tickets["query"]["field"], "ticket_attribute.17");
    let out = qc()
        .args(["fields", "--target", "contacts", "--format", "json"])
        .args(both)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<Value> = serde_json::from_slice(&out).expect("JSON");
    let custom: Vec<&str> = rows
        .iter()
        .filter(|r| r["custom"] == true)
        .map(|r| r["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        custom,
        [
            "custom_attributes.plan",
            "custom_attributes.seats",
            "custom_attributes.mrr",
            "custom_attributes.paid_subscriber",
            "custom_attributes.trial_ends_at",
            "custom_attributes.my plan",
            "custom_attributes.nick\"name",
            "custom_attributes.legacy_tier",
        ]
    );
    let plan = rows
        .iter()
        .find(|r| r["name"] == "custom_attributes.plan")
        .expect("plan");
    assert_eq!(plan["values"], json!(["free", "pro", "enterprise"]));
    assert!(rows.iter().any(|r| r["name"] == "android_sdk_version"
        && r["reference_spelling"] == "andoid_sdk_version"
        && r["custom"] == false));
}

#[test]
fn fields_marks_custom_attributes() {
    insta::assert_snapshot!(
        "fields_contacts_with_schema",
        transcript(&["fields", "--target", "contacts", "--schema", ATTRIBUTES])
    );
}

// ---- without a schema ---------------------------------------------------

#[test]
fn custom_attributes_without_a_schema_are_unchecked() {
    insta::assert_snapshot!(
        "unchecked",
        [
            transcript(&["--target", "contacts", "custom_attributes.x = 1"]),
            transcript(&["custom_attributes.tier = gold"]),
            transcript(&[
                "--target",
                "tickets",
                "ticket_attribute.17 > 5 AND ticket_attribute.18 = open"
            ]),
        ]
        .join("\n")
    );
    qc().args(["--target", "contacts", "custom_attributes.x = 1"])
        .assert()
        .success()
        .stdout(
            "{\"query\":{\"field\":\"custom_attributes.x\",\"operator\":\"=\",\"value\":\"1\"}}\n",
        )
        .stderr(predicate::str::contains("[W0101]"));
}

// ---- bad schema files ---------------------------------------------------

#[test]
fn bad_schema_files_are_usage_errors() {
    for (file, json_path, what) in [
        (
            "bad_data_type.json",
            "data[1].data_type",
            "unknown `data_type` `number`",
        ),
        ("missing_full_name.json", "data[0]", "no `full_name`"),
    ] {
        let path = format!("tests/fixtures/workspace/{file}");
        qc().args(["--target", "contacts", "--schema", &path, "name = x"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(path.as_str()))
            .stderr(predicate::str::contains(json_path))
            .stderr(predicate::str::contains(what));
    }
    qc().args([
        "--schema",
        "tests/fixtures/workspace/not_json.json",
        "state = open",
    ])
    .assert()
    .code(2)
    .stdout("")
    .stderr(predicate::str::contains(
        "tests/fixtures/workspace/not_json.json",
    ));
    qc().args([
        "--schema",
        "tests/fixtures/workspace/absent.json",
        "state = open",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "tests/fixtures/workspace/absent.json",
    ));
    // Every command that takes a schema refuses it the same way.
    for sub in ["fields", "validate", "decompile", "check"] {
        qc().args([
            sub,
            "--schema",
            "tests/fixtures/workspace/bad_data_type.json",
        ])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("data[1].data_type"));
    }
    insta::assert_snapshot!(
        "bad_schema_files",
        [
            transcript(&[
                "--target",
                "contacts",
                "--schema",
                "tests/fixtures/workspace/bad_data_type.json",
                "name = x",
            ]),
            transcript(&[
                "--schema",
                "tests/fixtures/workspace/missing_full_name.json",
                "name = x",
            ]),
            transcript(&[
                "--schema",
                "tests/fixtures/workspace/not_json.json",
                "name = x",
            ]),
        ]
        .join("\n")
    );
}

/// The library reports the same problems, one diagnostic each, with the
/// JSON path; the catalogue's E0401 has no example because of that.
#[test]
fn invalid_schema_e0401() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/workspace/bad_data_type.json"))
        .expect("fixture");
    let errors = qc::schema::Workspace::from_json(&text).expect_err("invalid");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, qc::Code::InvalidSchema);
    assert_eq!(errors[0].path.as_deref(), Some("data[1].data_type"));
    let location = errors[0].location.expect("located");
    assert_eq!(location.start.line, 21);
    for bad in [
        "[1]",
        "{}",
        "\"x\"",
        r#"{"data": 5}"#,
        r#"{"ticket_types": [{"ticket_type_attributes": 5}]}"#,
    ] {
        let errors = qc::schema::Workspace::from_json(bad).expect_err(bad);
        assert!(
            errors
                .iter()
                .all(|d| d.code == qc::Code::InvalidSchema && d.path.is_some()),
            "{bad}: {errors:?}"
        );
    }
}

fn ticket_compiler() -> qc::Compiler {
    let types = r#"{"type": "ticket_type.list", "ticket_types": [{"type": "ticket_type", "id": "1",
        "ticket_type_attributes": {"type": "ticket_type_attributes.list", "ticket_type_attributes": [
            {"type": "ticket_type_attribute", "id": "17", "name": "Order number", "data_type": "integer"},
            {"type": "ticket_type_attribute", "id": "40", "name": "Build v1.2", "data_type": "string"}]}}]}"#;
    let w = qc::schema::Workspace::from_json(types).expect("valid");
    let schema = qc::Schema::new(qc::Target::Tickets, jiff::tz::TimeZone::UTC, &[w]);
    qc::Compiler::new(std::sync::Arc::new(schema), qc::Options::default())
}

fn ticket() -> Value {
    json!({"type": "ticket", "ticket_attributes": {"Order number": 7, "Build v1.2": "beta"}})
}

/// `eval` reads a ticket attribute from `ticket_attributes`, whose keys
/// are the attributes' names.
#[test]
fn eval_reads_ticket_attributes_by_name() {
    let q = ticket_compiler()
        .compile("\"Order number\" >= 7")
        .expect("compiles")
        .query;
    assert!(qc::eval(&q, &ticket()));
    let q = ticket_compiler()
        .compile("ticket_attribute.17 > 7")
        .expect("compiles")
        .query;
    assert!(!qc::eval(&q, &ticket()));
}

/// A ticket attribute's name may hold a dot (the UI allows any text): its
/// path `ticket_attributes.Build v1.2` is split at every dot, so `eval`
/// (and `qc filter --target tickets`) looks for `{"Build v1": {"2": ..}}`
/// and never finds the value.
#[test]
fn eval_reads_ticket_attribute_names_with_dots() {
    let q = ticket_compiler()
        .compile("\"Build v1.2\" = beta")
        .expect("compiles")
        .query;
    assert!(
        qc::eval(&q, &ticket()),
        "a name with a dot is read as a path"
    );
}
