//! The checker's meaning at the edges, through the real binary: ticket
//! attribute names that several ticket types share, strict bounds where
//! there is no next value, the places where the reference reads two ways,
//! contacts' days, lints and fixes, schema corners, `qc filter` beyond the
//! API's limits, and a closed stdout.

use std::path::Path;
use std::process::Stdio;

use predicates::prelude::*;
use serde_json::{Value, json};

mod support;

use support::cli::{compiled, qc, root, transcript};

const TICKET_TYPES: &str = "tests/fixtures/workspace/ticket_types.json";
const SHARED: &str = "tests/fixtures/workspace/ticket_types_shared.json";
const ATTRIBUTES: &str = "tests/fixtures/workspace/data_attributes.json";

fn shared(query: &str) -> Value {
    compiled(&["--target", "tickets", "--schema", SHARED, query])
}

fn filter(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "operator": op, "value": value})
}

// ---- 4. ticket attributes shared by ticket types -----------------------

#[test]
fn a_shared_name_means_the_attribute_of_every_ticket_type_that_has_it() {
    // An OR over their ids, each value typed by its own attribute.
    assert_eq!(
        shared("Severity > 2"),
        json!({"query": {"operator": "OR", "value": [
            filter("ticket_attribute.602", ">", json!(3)),
            filter("ticket_attribute.612", ">", json!(3))]}})
    );
    // A negative comparison holds for a ticket without the attribute: AND.
    assert_eq!(
        shared("Severity != 2"),
        json!({"query": {"operator": "AND", "value": [
            filter("ticket_attribute.602", "!=", json!(2)),
            filter("ticket_attribute.612", "!=", json!(2))]}})
    );
    assert_eq!(
        shared("Severity IS NULL"),
        json!({"query": {"operator": "AND", "value": [
            filter("ticket_attribute.602", "=", Value::Null),
            filter("ticket_attribute.612", "=", Value::Null)]}})
    );
    // Each list attribute sends its own option's id.
    assert_eq!(
        shared("Component = API"),
        json!({"query": {"operator": "OR", "value": [
            filter("ticket_attribute.603", "=", json!("c2")),
            filter("ticket_attribute.613", "=", json!("d2"))]}})
    );
    // The id names one attribute.
    assert_eq!(
        shared("ticket_attribute.602 > 2"),
        json!({"query": filter("ticket_attribute.602", ">", json!(3))})
    );
}

#[test]
fn a_value_that_fits_some_attributes_restricts_the_query_to_them_with_a_note() {
    qc().args(["--target", "tickets", "--schema", SHARED, "Component = UI"])
        .assert()
        .success()
        .stdout("{\"query\":{\"field\":\"ticket_attribute.603\",\"operator\":\"=\",\"value\":\"c1\"}}\n")
        .stderr(predicate::str::contains("[N0101]"));
    // A list compares each attribute with the values it can hold.
    assert_eq!(
        shared("Component IN [API, UI]"),
        json!({"query": {"operator": "OR", "value": [
            filter("ticket_attribute.603", "IN", json!(["c2", "c1"])),
            filter("ticket_attribute.613", "IN", json!(["d2"]))]}})
    );
    insta::assert_snapshot!(
        "shared_names",
        [
            transcript(&["--target", "tickets", "--schema", SHARED, "Component = UI"]),
            transcript(&[
                "--target",
                "tickets",
                "--schema",
                SHARED,
                "Component NIN [UI, Billing]"
            ]),
            transcript(&["--target", "tickets", "--schema", SHARED, "Component = Ul"]),
        ]
        .join("\n")
    );
}

#[test]
fn ticket_type_id_narrows_a_shared_name_to_that_type() {
    assert_eq!(
        shared("ticket_type_id = 502 AND Severity > 2"),
        json!({"query": {"operator": "AND", "value": [
            filter("ticket_type_id", "=", json!("502")),
            filter("ticket_attribute.612", ">", json!(3))]}})
    );
    // Under NOT and inside groups too, since every ticket the AND selects
    // is of that type.
    assert_eq!(
        shared("ticket_type_id IN [501] AND NOT (Severity > 2 OR Cost > 1.5)"),
        json!({"query": {"operator": "AND", "value": [
            filter("ticket_type_id", "IN", json!(["501"])),
            filter("ticket_attribute.602", "<", json!(2)),
            filter("ticket_attribute.605", "<", json!(1.5))]}})
    );
    // An OR is no such promise: both attributes.
    assert_eq!(
        shared("ticket_type_id = 502 OR Severity > 2"),
        json!({"query": {"operator": "OR", "value": [
            filter("ticket_type_id", "=", json!("502")),
            filter("ticket_attribute.602", ">", json!(3)),
            filter("ticket_attribute.612", ">", json!(3))]}})
    );
}

/// Narrowing to a ticket type never turns a value that another type's
/// attribute takes into an error: the group selects nothing, as its text
/// says, and a warning says why.
#[test]
fn ticket_type_id_never_narrows_away_the_only_attribute_a_value_fits() {
    let query = "Component = UI AND ticket_type_id IN [502, 502]";
    assert_eq!(
        shared(query),
        json!({"query": {"operator": "AND", "value": [
            filter("ticket_attribute.603", "=", json!("c1")),
            filter("ticket_type_id", "IN", json!(["502", "502"]))]}})
    );
    insta::assert_snapshot!(transcript(&[
        "--target", "tickets", "--schema", SHARED, query
    ]));
    // A value type 502's attribute takes: that attribute only.
    assert_eq!(
        shared("Component = API AND ticket_type_id = 502"),
        json!({"query": {"operator": "AND", "value": [
            filter("ticket_attribute.613", "=", json!("d2")),
            filter("ticket_type_id", "=", json!("502"))]}})
    );
}

#[test]
fn a_request_names_shared_attributes_by_id() {
    qc().args(["validate", "--target", "tickets", "--schema", SHARED, "-"])
        .write_stdin(r#"{"query": {"field": "Severity", "operator": "=", "value": 2}}"#)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`Severity` is the name of ticket_attribute.602, ticket_attribute.612",
        ));
}

#[test]
fn qc_filter_reads_an_attribute_on_tickets_of_its_type() {
    let tickets = [
        r#"{"id":"1","ticket_type":{"id":"501"},"ticket_attributes":{"Severity":3}}"#,
        r#"{"id":"2","ticket_type":{"id":"502"},"ticket_attributes":{"Severity":3}}"#,
        r#"{"id":"3","ticket_type":{"id":"502"},"ticket_attributes":{"Severity":1}}"#,
    ]
    .join("\n");
    let run = |query: &str| {
        let out = qc()
            .args(["filter", "--target", "tickets", "--schema", SHARED, query])
            .write_stdin(tickets.clone())
            .output()
            .expect("qc runs");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("JSON")["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(run("Severity > 2"), [json!("1"), json!("2")]);
    assert_eq!(run("ticket_attribute.612 > 2"), [json!("2")]);
    assert_eq!(run("ticket_attribute.602 > 2"), [json!("1")]);
}

// ---- 5. exact whatever the type ---------------------------------------

#[test]
fn strict_bounds_without_a_next_value() {
    // Without a schema a ticket attribute may hold 2.5: not `> 3`.
    assert_eq!(
        compiled(&["--target", "tickets", "ticket_attribute.285 > 2"]),
        json!({"query": {"operator": "AND", "value": [
            filter("ticket_attribute.285", ">", json!(2)),
            filter("ticket_attribute.285", "!=", json!(2))]}})
    );
    assert_eq!(
        compiled(&["--target", "tickets", "ticket_attribute.285 <= 2.5"]),
        json!({"query": filter("ticket_attribute.285", "<", json!(2.5))})
    );
    // A date value on an untyped attribute is a date.
    assert_eq!(
        compiled(&["--target", "tickets", "ticket_attribute.285 >= 2024-01-01"]),
        json!({"query": filter("ticket_attribute.285", ">", json!("1704067200"))})
    );
    // A Float custom attribute on conversations.
    assert_eq!(
        compiled(&["--schema", ATTRIBUTES, "custom_attributes.order_total < 20"]),
        json!({"query": {"operator": "AND", "value": [
            filter("custom_attributes.order_total", "<", json!(20.0)),
            filter("custom_attributes.order_total", "!=", json!(20.0))]}})
    );
    // Whole numbers keep their step.
    assert_eq!(
        compiled(&[
            "--target",
            "tickets",
            "--schema",
            TICKET_TYPES,
            "\"Order number\" > 5"
        ]),
        json!({"query": filter("ticket_attribute.17", ">", json!(6))})
    );
}

/// Companies (Preview) have strict `>`/`<` and no `>=`/`<=`: an inclusive
/// bound on a decimal is the strict one or the value.
#[test]
fn companies_inclusive_bounds_on_a_decimal() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let schema = dir.path().join("attributes.json");
    std::fs::write(
        &schema,
        r#"{"type": "list", "data": [{"model": "company", "full_name": "custom_attributes.revenue", "data_type": "float", "custom": true}]}"#,
    )
    .expect("written");
    let schema = schema.to_str().expect("a UTF-8 path");
    let sent = |query: &str| {
        compiled(&[
            "--target",
            "companies",
            "--api-version",
            "Preview",
            "--schema",
            schema,
            query,
        ])["query"]
            .clone()
    };
    assert_eq!(
        sent("custom_attributes.revenue >= 2.5"),
        json!({"operator": "OR", "value": [
            filter("custom_attributes.revenue", ">", json!(2.5)),
            filter("custom_attributes.revenue", "=", json!(2.5))]})
    );
    assert_eq!(
        sent("custom_attributes.revenue > 2.5"),
        filter("custom_attributes.revenue", ">", json!(2.5))
    );
    // Whole numbers step back.
    assert_eq!(
        sent("monthly_spend >= 10"),
        filter("monthly_spend", ">", json!(9))
    );
}

// ---- 6. exact under every reading of the reference ---------------------

/// Tickets' `created_at`: the operator table calls `>` "Greater (or
/// equal) than", and a note offers real `>=`/`<=` beside it. Only
/// `>=`/`<=` are sent.
#[test]
fn tickets_created_at_is_sent_as_inclusive_bounds() {
    let sent = |query: &str| compiled(&["--target", "tickets", query])["query"].clone();
    assert_eq!(
        sent("created_at > 1704067200"),
        filter("created_at", ">=", json!("1704067201"))
    );
    assert_eq!(
        sent("created_at < 1704067200"),
        filter("created_at", "<=", json!("1704067199"))
    );
    assert_eq!(
        sent("created_at >= 1704067200"),
        filter("created_at", ">=", json!("1704067200"))
    );
    assert_eq!(
        sent("created_at <= 1704067200"),
        filter("created_at", "<=", json!("1704067200"))
    );
    assert_eq!(
        sent("NOT created_at <= 1704067200"),
        filter("created_at", ">=", json!("1704067201"))
    );
    // A request with `>` reads two ways: a warning.
    qc().args(["validate", "--target", "tickets", "-"])
        .write_stdin(
            r#"{"query": {"field": "created_at", "operator": ">", "value": "1704067200"}}"#,
        )
        .assert()
        .success()
        .stderr(predicate::str::contains("[W0205]"));
}

/// Contacts' days without a configured zone: the API truncates in the
/// workspace's zone, so a day is sent as its midday in UTC.
#[test]
fn contacts_days_without_a_zone_are_sent_at_midday_utc() {
    let sent = compiled(&["--target", "contacts", "last_seen_at = 2024-06-01"]);
    assert_eq!(
        sent["query"],
        filter("last_seen_at", "=", json!("1717243200"))
    );
    let configured = compiled(&[
        "--target",
        "contacts",
        "--timezone",
        "UTC",
        "last_seen_at = 2024-06-01",
    ]);
    assert_eq!(
        configured["query"],
        filter("last_seen_at", "=", json!("1717200000"))
    );
    // One warning per query, naming how to set the zone; none with one.
    let out = qc()
        .args([
            "--target",
            "contacts",
            "last_seen_at > 2024-06-01 AND signed_up_at < 2024-07-01",
        ])
        .output()
        .expect("qc runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("[W0104]").count(), 1, "{stderr}");
    assert!(stderr.contains("--timezone"), "{stderr}");
    qc().args([
        "--target",
        "contacts",
        "--timezone",
        "Europe/Paris",
        "last_seen_at > 2024-06-01",
    ])
    .assert()
    .success()
    .stderr("");
}

/// The contact model spells `android_sdk_version`, which is sent; the
/// search table's `andoid_sdk_version` is accepted with a warning.
#[test]
fn android_sdk_version_is_the_models_spelling() {
    let sent = |query: &str| compiled(&["--target", "contacts", query])["query"].clone();
    let expected = filter("android_sdk_version", "=", json!("33"));
    assert_eq!(sent("android_sdk_version = 33"), expected);
    assert_eq!(sent("andoid_sdk_version = 33"), expected);
    qc().args(["--target", "contacts", "android_sdk_version = 33"])
        .assert()
        .stderr("");
    qc().args([
        "check",
        "--target",
        "contacts",
        "--format",
        "json",
        "andoid_sdk_version = 33",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("\"W0206\""))
    .stdout(predicate::str::contains(
        "\"replacement\": \"android_sdk_version\"",
    ));
}

/// Conversations: the OpenAPI operator description is written for
/// contacts; the conversations reference documents `>`/`<` as inclusive,
/// and qc follows it.
#[test]
fn conversations_bounds_follow_the_conversations_reference() {
    assert_eq!(
        compiled(&["statistics.count_reopens > 0"])["query"],
        filter("statistics.count_reopens", ">", json!(1))
    );
    assert_eq!(
        compiled(&["statistics.count_reopens >= 1"])["query"],
        filter("statistics.count_reopens", ">", json!(1))
    );
}

/// Where the reference text and the OpenAPI table disagree on a type
/// (`admin_assignee_id`), the text wins: a string is sent.
#[test]
fn assignee_ids_are_strings_as_the_reference_text_says() {
    assert_eq!(
        compiled(&["admin_assignee_id = 5017691"])["query"],
        filter("admin_assignee_id", "=", json!("5017691"))
    );
}

// ---- 7. contacts dates -------------------------------------------------

#[test]
fn contacts_date_is_not_null_is_before_on_or_after_a_day() {
    for query in [
        "signed_up_at IS NOT NULL",
        "NOT signed_up_at = null",
        "signed_up_at != null",
    ] {
        let sent = compiled(&["--target", "contacts", "--timezone", "UTC", query]);
        assert_eq!(
            sent,
            json!({"query": {"operator": "OR", "value": [
                filter("signed_up_at", "<", json!("946684800")),
                filter("signed_up_at", "=", json!("946684800")),
                filter("signed_up_at", ">", json!("946684800"))]}}),
            "{query}"
        );
    }
}

#[test]
fn contacts_day_rules_lints_and_warnings() {
    insta::assert_snapshot!(
        "contacts_days",
        [
            // Empty by the day rules: `>` from 03-02, `<` before 03-02.
            transcript(&[
                "--target",
                "contacts",
                "--timezone",
                "UTC",
                "signed_up_at > 2024-03-01 AND signed_up_at < 2024-03-02",
            ]),
            // What a time of day does with `>` and `<`.
            transcript(&[
                "--target",
                "contacts",
                "--timezone",
                "Europe/Paris",
                "--now",
                "2024-06-01T10:00:00Z",
                "last_seen_at > now-7d",
            ]),
            transcript(&[
                "--target",
                "contacts",
                "--timezone",
                "Europe/Paris",
                "--now",
                "2024-06-01T10:00:00Z",
                "last_seen_at <= now-7d",
            ]),
            // No zone configured.
            transcript(&["--target", "contacts", "last_seen_at >= 2024-06-01"]),
        ]
        .join("\n")
    );
}

// ---- 8. lints and fixes ------------------------------------------------

/// The diagnostics of `qc check --format json`.
fn check_json(args: &[&str]) -> Vec<Value> {
    let out = qc()
        .arg("check")
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("qc runs");
    serde_json::from_slice(&out.stdout).expect("a JSON array")
}

#[test]
fn le_on_a_day_where_seconds_are_compared_gets_the_next_day_fix() {
    let ds = check_json(&["created_at <= 2024-06-30"]);
    assert_eq!(ds[0]["code"], "W0406");
    assert_eq!(ds[0]["suggestion"]["replacement"], "< 2024-07-01");
    // Contacts match by day: `<=` is the whole day there.
    let ds = check_json(&[
        "--target",
        "contacts",
        "--timezone",
        "UTC",
        "created_at <= 2024-06-30",
    ]);
    assert!(ds.iter().all(|d| d["code"] != "W0406"), "{ds:?}");
    // Not on a date-time, which says the second.
    let ds = check_json(&["created_at <= 2024-06-30T00:00:00Z"]);
    assert!(ds.is_empty(), "{ds:?}");
}

#[test]
fn stat_opne_says_both_did_you_means() {
    let ds = check_json(&["stat = opne"]);
    let helps: Vec<&Value> = ds.iter().map(|d| &d["help"]).collect();
    assert_eq!(
        helps,
        [
            &json!("did you mean `state`?"),
            &json!("did you mean `open`?")
        ]
    );
    let fixes: Vec<&Value> = ds.iter().map(|d| &d["suggestion"]["replacement"]).collect();
    assert_eq!(fixes, [&json!("state"), &json!("open")]);
    // Where the fix is withheld, the did-you-mean stays.
    let ds = check_json(&["stat = 1"]);
    assert_eq!(ds[0]["help"], "did you mean `state`?");
    assert!(ds[0].get("suggestion").is_none());
}

#[test]
fn double_ampersand_and_pipes_get_their_keywords() {
    let ds = check_json(&["state = open && read = true"]);
    assert_eq!(ds[0]["suggestion"]["replacement"], "AND");
    let ds = check_json(&["state = open||read = true"]);
    assert_eq!(ds[0]["suggestion"]["replacement"], " OR ");
}

#[test]
fn w0301_names_the_real_cause() {
    let decompiled = |args: &[&str], body: &str| {
        let out = qc()
            .arg("decompile")
            .args(args)
            .write_stdin(body.to_owned())
            .output()
            .expect("qc runs");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let ge = decompiled(
        &[],
        r#"{"query": {"field": "statistics.count_reopens", "operator": ">=", "value": 2}}"#,
    );
    assert!(ge.contains("[W0301]"), "{ge}");
    assert!(
        ge.contains("the conversations reference documents `>`, which includes the bound"),
        "{ge}"
    );
    assert!(!ge.contains("merges nested groups"), "{ge}");
    let midday = decompiled(
        &["--target", "contacts", "--timezone", "UTC"],
        r#"{"query": {"field": "last_seen_at", "operator": ">", "value": "1717236000"}}"#,
    );
    assert!(
        midday.contains("is not the instant qc sends for its day, 2024-06-01"),
        "{midday}"
    );
    let created = decompiled(
        &["--target", "tickets"],
        r#"{"query": {"field": "created_at", "operator": ">", "value": "1717236000"}}"#,
    );
    assert!(
        created.contains("reads `>` on `created_at` two ways"),
        "{created}"
    );
}

// ---- 9. schema corners -------------------------------------------------

#[test]
fn list_attributes_check_their_options_and_send_their_ids() {
    let tickets = |query: &str| {
        compiled(&["--target", "tickets", "--schema", TICKET_TYPES, query])["query"].clone()
    };
    assert_eq!(
        tickets("Platform = iOS"),
        filter("ticket_attribute.22", "=", json!("a1"))
    );
    // The id itself is accepted too.
    assert_eq!(
        tickets("Platform = a2"),
        filter("ticket_attribute.22", "=", json!("a2"))
    );
    assert_eq!(
        tickets("Platform IN [Web, iOS]"),
        filter("ticket_attribute.22", "IN", json!(["a3", "a1"]))
    );
    qc().args([
        "--target",
        "tickets",
        "--schema",
        TICKET_TYPES,
        "Platform = ios",
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains("did you mean `iOS`?"));
    // A request takes the id; the label gets the id as its fix.
    qc().args([
        "validate",
        "--target",
        "tickets",
        "--schema",
        TICKET_TYPES,
        "-",
    ])
    .write_stdin(r#"{"query": {"field": "ticket_attribute.22", "operator": "=", "value": "iOS"}}"#)
    .assert()
    .code(1)
    .stderr(predicate::str::contains(
        "the API takes the option's id, `a1`",
    ));
    // Decompiled, the id is its label again.
    qc().args([
        "decompile",
        "--target",
        "tickets",
        "--schema",
        TICKET_TYPES,
        "-",
    ])
    .write_stdin(r#"{"query": {"field": "ticket_attribute.22", "operator": "=", "value": "a1"}}"#)
    .assert()
    .success()
    .stdout("ticket_attribute.22 = iOS\n");
}

#[test]
fn qc_fields_shows_the_options() {
    qc().args(["fields", "--target", "tickets", "--schema", TICKET_TYPES])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(r"ticket_attribute\.22\s+String\s+= != IN NIN\s+iOS, Android, Web  \(custom, also `Platform`, options sent as their ids\)")
                .expect("regex"),
        );
    let out = qc()
        .args([
            "fields",
            "--target",
            "tickets",
            "--schema",
            TICKET_TYPES,
            "--format",
            "json",
        ])
        .output()
        .expect("qc runs");
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let platform = rows
        .iter()
        .find(|r| r["name"] == "ticket_attribute.22")
        .expect("Platform");
    assert_eq!(platform["values"], json!(["iOS", "Android", "Web"]));
    assert_eq!(platform["value_ids"], json!(["a1", "a2", "a3"]));
}

#[test]
fn attributes_of_other_models_and_files_say_why() {
    insta::assert_snapshot!(
        "not_searchable",
        [
            transcript(&[
                "--target",
                "contacts",
                "--schema",
                ATTRIBUTES,
                "custom_attributes.employees > 10"
            ]),
            transcript(&[
                "--target",
                "contacts",
                "--schema",
                ATTRIBUTES,
                "custom_attributes.escalated = true"
            ]),
            transcript(&[
                "--target",
                "tickets",
                "--schema",
                TICKET_TYPES,
                "Screenshots = x"
            ]),
        ]
        .join("\n")
    );
}

// ---- 10. qc filter beyond the API's limits -----------------------------

/// `qc filter` evaluates locally: a query no single request can express
/// (16 different comparisons in a nested OR, 3 levels of groups) filters
/// as it reads.
#[test]
fn qc_filter_takes_queries_over_the_apis_limits() {
    let subjects: Vec<String> = (0..16).map(|i| format!("source.subject ~ s{i}")).collect();
    let query = format!(
        "state = open AND (read = true OR ({}) AND (priority = priority OR (open = true AND read = false)))",
        subjects.join(" OR ")
    );
    // The compiler cannot send it as one request.
    qc().args(["--no-rewrite", &query]).assert().code(1);
    let lines = [
        r#"{"id":"1","state":"open","read":false,"priority":"priority","source":{"subject":"about s15"}}"#,
        r#"{"id":"2","state":"open","read":false,"priority":"not_priority","open":true,"source":{"subject":"about s3"}}"#,
        r#"{"id":"3","state":"open","read":false,"priority":"priority","source":{"subject":"other"}}"#,
        r#"{"id":"4","state":"closed","read":true}"#,
        r#"{"id":"5","state":"open","read":true}"#,
    ]
    .join("\n");
    let out = qc()
        .args(["filter", &query])
        .write_stdin(lines)
        .output()
        .expect("qc runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON")["id"].clone())
        .collect();
    assert_eq!(ids, [json!("1"), json!("2"), json!("5")]);
    assert!(
        String::from_utf8_lossy(&out.stderr).ends_with("matched 3 of 5\n"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- 11. a closed pipe is not a panic ----------------------------------

/// Runs `qc args` with stdout a pipe whose reading end is already closed:
/// every write fails with `EPIPE`. The command must end quietly, with its
/// own status.
fn closed_stdout(args: &[&str], stdin: &str) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let bin = assert_cmd::cargo::cargo_bin("qc");
    let mut child = std::process::Command::new(bin)
        .env("NO_COLOR", "1")
        .current_dir(root())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("qc starts");
    if let Some(mut input) = child.stdin.take() {
        use std::io::Write;
        // qc may exit before reading it all.
        let _ = input.write_all(stdin.as_bytes());
    }
    let out = child.wait_with_output().expect("qc ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_ends_quietly_on_a_closed_stdout() {
    let request = r#"{"query": {"field": "state", "operator": "=", "value": "open"}}"#;
    let conversations = "{\"state\":\"open\"}\n".repeat(10_000);
    let messy = Path::new("examples/messy.qc");
    assert!(root().join(messy).exists());
    let cases: &[(&[&str], &str, i32)] = &[
        (&["explain", "E0101"], "", 0),
        (&["explain"], "", 0),
        (&["fields"], "", 0),
        (&["fields", "--format", "json"], "", 0),
        (
            &[
                "--pretty",
                "state = open AND (read = true OR priority = priority)",
            ],
            "",
            0,
        ),
        (&["state = open"], "", 0),
        (&["check", "--format", "json", "stat = open"], "", 1),
        (&["plan", "state = open OR read = true"], "", 0),
        (&["fmt", "examples/messy.qc"], "", 0),
        (&["decompile", "-"], request, 0),
        (&["validate", "--format", "json", "-"], request, 0),
        (&["config"], "", 0),
        (&["filter", "state = open"], &conversations, 0),
        (&["fields", "--changes-from", "2.10"], "", 0),
        (
            &[
                "check",
                "--api-version",
                "2.16",
                "--compare",
                "2.11",
                "examples/messy.qc",
            ],
            "",
            0,
        ),
        (&["--help"], "", 0),
        (&["--version"], "", 0),
    ];
    for (args, stdin, status) in cases {
        let (code, stderr) = closed_stdout(args, stdin);
        assert!(!stderr.contains("panicked"), "qc {args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "qc {args:?}: {stderr}");
        assert_eq!(code, Some(*status), "qc {args:?}: {stderr}");
    }
}
