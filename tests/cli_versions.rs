//! API versions through the real binary and the library: `--api-version`
//! on every command, `api_version` in `qc.toml` and `Settings`, the
//! default 2.11, unknown versions and endpoints a version lacks (exit 2),
//! and what each version documents: 2.16 contacts' `owner_id` String and
//! `formatted_phone`, Preview contacts' timestamps to the second and Date
//! custom attributes by UTC day, Preview tickets' integer assignee ids,
//! conversations' priorities from 2.16, tickets' category terms from 2.14,
//! and companies in Preview.

use assert_cmd::Command;
use predicates::prelude::*;
use qc::target::ApiVersion;
use qc::{Settings, SettingsError, Target};
use serde_json::{Value, json};

mod support;

use support::cli::{compiled, qc};

const ATTRIBUTES: &str = "tests/fixtures/workspace/data_attributes.json";

/// The one filter of a compiled request.
fn filter(args: &[&str]) -> Value {
    compiled(args)["query"].clone()
}

#[test]
fn the_default_is_2_11_and_help_says_so() {
    qc().arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("--api-version <VERSION>"))
        .stdout(predicate::str::contains("Default 2.11"));
    // 2.11 contacts: `owner_id` is an Integer, sent as a number.
    assert_eq!(
        filter(&["--target", "contacts", "owner_id = 5"]),
        json!({"field": "owner_id", "operator": "=", "value": 5})
    );
    assert_eq!(
        filter(&[
            "--target",
            "contacts",
            "--api-version",
            "2.11",
            "owner_id = 5"
        ]),
        filter(&["--target", "contacts", "owner_id = 5"])
    );
}

#[test]
fn every_command_takes_the_version_and_refuses_an_unknown_one() {
    let known = "expected one of 2.7, 2.8, 2.9, 2.10, 2.11, 2.12, 2.13, 2.14, 2.15, 2.16, Preview";
    for (args, stdin) in [
        (vec!["owner_id = 5"], None),
        (vec!["check", "owner_id = 5"], None),
        (vec!["plan", "owner_id = 5"], None),
        (vec!["fields"], None),
        (vec!["validate", "-"], Some("{}")),
        (vec!["decompile", "-"], Some("{}")),
        (vec!["fmt", "-"], Some("a = b")),
        (vec!["filter", "state = open", "-"], Some("{}")),
        (vec!["config"], None),
    ] {
        let mut cmd = qc();
        cmd.args(&args).args(["--api-version", "3.0"]);
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        cmd.assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("unknown API version `3.0`"))
            .stderr(predicate::str::contains(known));
    }
    // Every known name, and Unstable for Preview, in any case.
    for v in [
        "2.7", "2.10", "2.16", "Preview", "preview", "Unstable", "UNSTABLE",
    ] {
        qc().args(["fields", "--api-version", v]).assert().success();
    }
}

#[test]
fn endpoints_a_version_lacks_are_usage_errors_that_name_the_version() {
    qc().args(["--target", "tickets", "--api-version", "2.9", "id = 1"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: tickets search is not in API version 2.9; it is in version 2.10 and later\n",
        );
    qc().args(["--target", "tickets", "--api-version", "2.10", "id = 1"])
        .assert()
        .success();
    for version in ["2.11", "2.16"] {
        qc().args(["fields", "--target", "companies", "--api-version", version])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "error: companies search is not in API version {version}; it is in version Preview only\n"
            ));
    }
}

#[test]
fn qc_toml_sets_the_version_and_the_flag_overrides_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("qc.toml"),
        "target = \"contacts\"\napi_version = \"2.16\"\n",
    )
    .expect("written");
    let run = |args: &[&str]| {
        let mut cmd = Command::cargo_bin("qc").expect("the qc binary is built");
        cmd.env("NO_COLOR", "1").current_dir(dir.path()).args(args);
        cmd.assert()
    };
    run(&["owner_id = 5"])
        .success()
        .stdout("{\"query\":{\"field\":\"owner_id\",\"operator\":\"=\",\"value\":\"5\"}}\n");
    run(&["--api-version", "2.15", "owner_id = 5"])
        .success()
        .stdout("{\"query\":{\"field\":\"owner_id\",\"operator\":\"=\",\"value\":5}}\n");
    let config = run(&["config", "--format", "json"]).success();
    let settings: Value =
        serde_json::from_slice(&config.get_output().stdout).expect("stdout is JSON");
    let version = settings
        .as_array()
        .and_then(|s| s.iter().find(|s| s["key"] == "api_version"))
        .expect("the api_version setting");
    assert_eq!(version["value"], "2.16");
    assert!(
        version["from"]
            .as_str()
            .is_some_and(|f| f.ends_with("qc.toml"))
    );
    let config = run(&["config", "--format", "json", "--api-version", "Unstable"]).success();
    let settings: Value =
        serde_json::from_slice(&config.get_output().stdout).expect("stdout is JSON");
    assert!(settings.as_array().is_some_and(|s| {
        s.contains(&json!({"key": "api_version", "value": "Unstable", "from": "flag"}))
    }));
}

#[test]
fn contacts_2_16_owner_id_is_a_string_and_formatted_phone_exists() {
    let v216 = ["--target", "contacts", "--api-version", "2.16"];
    assert_eq!(
        filter(&[&v216[..], &["owner_id IN [5, 7]"]].concat()),
        json!({"field": "owner_id", "operator": "IN", "value": ["5", "7"]})
    );
    // A String has no order.
    qc().args(v216)
        .arg("owner_id > 5")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("[E0102]"));
    assert_eq!(
        filter(&[&v216[..], &["formatted_phone ^ \"+33\""]].concat()),
        json!({"field": "formatted_phone", "operator": "^", "value": "+33"})
    );
    // Before 2.16 the field does not exist, and the help says where it does.
    qc().args([
        "--target",
        "contacts",
        "--api-version",
        "2.15",
        "formatted_phone = x",
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains("unknown field `formatted_phone`"))
    .stderr(predicate::str::contains(
        "`formatted_phone` is a contacts field in API version 2.16 and later, not in 2.15",
    ));
    // qc validate reads a request as the version documents it.
    let body = r#"{"query": {"field": "owner_id", "operator": "=", "value": 5}}"#;
    qc().args(["validate", "--target", "contacts", "-"])
        .write_stdin(body)
        .assert()
        .success();
    qc().args(["validate", "-"])
        .args(v216)
        .write_stdin(body)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("owner_id"));
}

/// Preview contacts: the standard timestamps compare to the exact second
/// in UTC with real `>=`, `<=` and `!=`; Date custom attributes by
/// calendar day in UTC whatever the workspace's zone.
#[test]
fn preview_contacts_timestamps_are_seconds_and_custom_dates_utc_days() {
    let preview = [
        "--target",
        "contacts",
        "--api-version",
        "Preview",
        "--timezone",
        "Europe/Paris",
        "--schema",
        ATTRIBUTES,
    ];
    let run = |query: &str| compiled(&[&preview[..], &[query]].concat())["query"].clone();
    // 2024-03-31 is midnight in Paris, 2024-03-30T23:00:00Z, sent as is.
    for (query, op, value) in [
        ("created_at >= 2024-03-31", ">=", "1711839600"),
        ("created_at > 2024-03-31", ">", "1711839600"),
        ("created_at <= 2024-03-31T12:00:00Z", "<=", "1711886400"),
        ("created_at = 1711839601", "=", "1711839601"),
        ("created_at != 2024-03-31", "!=", "1711839600"),
    ] {
        assert_eq!(
            run(query),
            json!({"field": "created_at", "operator": op, "value": value}),
            "{query}"
        );
    }
    // `IN` is not documented on timestamps: an OR of `=`.
    assert_eq!(
        run("last_seen_at IN [1711839600, 1711839601]")["operator"],
        "OR"
    );
    // The Date custom attribute's day is the UTC day: 2024-03-31 is
    // 2024-03-31T00:00:00Z, whatever the workspace's zone; `>=` is `>`
    // the day before.
    assert_eq!(
        run("custom_attributes.trial_ends_at = 2024-03-31"),
        json!({"field": "custom_attributes.trial_ends_at", "operator": "=", "value": "1711843200"})
    );
    assert_eq!(
        run("custom_attributes.trial_ends_at >= 2024-03-31"),
        json!({"field": "custom_attributes.trial_ends_at", "operator": ">", "value": "1711756800"})
    );
    // A time of day on a day-matched attribute is warned about, in UTC.
    qc().args(preview)
        .arg("custom_attributes.trial_ends_at = 2024-03-31T12:00:00+02:00")
        .assert()
        .success()
        .stderr(predicate::str::contains("[W0103]"))
        .stderr(predicate::str::contains("by calendar day in UTC"));
    // Before Preview, the same timestamps are days in the workspace's zone.
    let v211 = ["--target", "contacts", "--timezone", "Europe/Paris"];
    assert_eq!(
        filter(&[&v211[..], &["created_at >= 2024-03-31"]].concat()),
        json!({"field": "created_at", "operator": ">", "value": "1711753200"})
    );
}

#[test]
fn preview_tickets_assignee_ids_are_integers() {
    assert_eq!(
        filter(&["--target", "tickets", "admin_assignee_id = 5"]),
        json!({"field": "admin_assignee_id", "operator": "=", "value": "5"})
    );
    let preview = ["--target", "tickets", "--api-version", "Preview"];
    assert_eq!(
        filter(&[&preview[..], &["admin_assignee_id = 5"]].concat()),
        json!({"field": "admin_assignee_id", "operator": "=", "value": 5})
    );
    // Tickets' `>` includes the bound: a strict `>` is sent one further.
    assert_eq!(
        filter(&[&preview[..], &["team_assignee_id > 5"]].concat()),
        json!({"field": "team_assignee_id", "operator": ">", "value": 6})
    );
}

#[test]
fn conversations_priorities_and_ticket_categories_follow_the_version() {
    assert_eq!(
        filter(&["priority = priority"]),
        json!({"field": "priority", "operator": "=", "value": "priority"})
    );
    qc().args(["--api-version", "2.16", "priority = priority"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "expected one of none, low, medium, high, urgent",
        ));
    qc().args(["--api-version", "2.16", "priority IN [high, urgent]"])
        .assert()
        .success();
    // From 2.14 the text says search takes terms, not the category names.
    qc().args([
        "--target",
        "tickets",
        "--api-version",
        "2.14",
        "category = Customer",
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains(
        "expected one of request, task, tracker",
    ));
    qc().args([
        "--target",
        "tickets",
        "--api-version",
        "2.14",
        "category = request",
    ])
    .assert()
    .success();
    qc().args([
        "--target",
        "tickets",
        "--api-version",
        "2.13",
        "category = Customer",
    ])
    .assert()
    .success();
}

#[test]
fn companies_in_preview() {
    let preview = [
        "--target",
        "companies",
        "--api-version",
        "Preview",
        "--schema",
        ATTRIBUTES,
    ];
    let fields = qc()
        .args(["fields"])
        .args(preview)
        .assert()
        .success()
        .stdout(predicate::str::contains("company_id"))
        .stdout(predicate::str::contains(
            "Note that the API does not include companies who have no associated users in search results.",
        ))
        .stdout(predicate::str::contains(
            "companies search as API version Preview documents it:",
        ));
    // The workspace's company attributes are fields.
    let text = String::from_utf8_lossy(&fields.get_output().stdout).into_owned();
    assert!(text.contains("custom_attributes.employees"), "{text}");
    // Strict `>` without `>=`: `x >= n` is `x > n-1`, a second before on
    // dates; Date fields take no IN.
    let run = |query: &str| compiled(&[&preview[..], &[query]].concat())["query"].clone();
    assert_eq!(
        run("user_count >= 3"),
        json!({"field": "user_count", "operator": ">", "value": 2})
    );
    assert_eq!(
        run("created_at <= 2024-01-01"),
        json!({"field": "created_at", "operator": "<", "value": "1704067201"})
    );
    assert_eq!(run("created_at IN [1, 2]")["operator"], "OR");
    assert_eq!(
        run("custom_attributes.employees > 10"),
        json!({"field": "custom_attributes.employees", "operator": ">", "value": 10})
    );
    qc().args(preview)
        .arg("tag_id IN [1, 2]")
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""operator":"OR""#));
}

#[test]
fn the_library_takes_the_version_in_settings() {
    let compiler = Settings::from_json(r#"{"target": "contacts", "apiVersion": "2.16"}"#)
        .and_then(|s| s.compiler())
        .expect("valid settings");
    assert_eq!(compiler.schema.version(), ApiVersion::V2_16);
    assert_eq!(
        compiler
            .compile("owner_id = 5")
            .expect("compiles")
            .to_json_string(),
        r#"{"query":{"field":"owner_id","operator":"=","value":"5"}}"#
    );
    let default = Settings::default().compiler().expect("the defaults");
    assert_eq!(default.schema.version(), ApiVersion::DEFAULT);
    assert_eq!(ApiVersion::DEFAULT.name(), "2.11");
    match Settings::from_json(r#"{"target": "companies", "api_version": "2.15"}"#)
        .and_then(|s| s.compiler())
    {
        Err(SettingsError::Value(m)) => assert_eq!(
            m,
            "companies search is not in API version 2.15; it is in version Preview only"
        ),
        other => panic!("{other:?}"),
    }
    let schema = qc::Schema::for_version(
        Target::Companies,
        ApiVersion::Preview,
        jiff::tz::TimeZone::UTC,
        &[],
    )
    .expect("Preview searches companies");
    assert!(
        schema
            .notes()
            .iter()
            .any(|n| n.contains("no associated users"))
    );
    assert_eq!(
        qc::schema::versions_of(Target::Tickets).first(),
        Some(&ApiVersion::V2_10)
    );
}

#[test]
fn fields_lists_the_changes_from_another_version() {
    qc().args([
        "fields",
        "--target",
        "contacts",
        "--api-version",
        "2.16",
        "--changes-from",
        "2.15",
    ])
    .assert()
    .success()
    .stdout(
        "contacts search, API version 2.15 → 2.16:\n\
         + ORDER BY         added\n\
         ~ owner_id         type Integer → String; the API's `>`/`<` exclude the bound → not ordered; operators = != IN NIN < <= > >= → = != IN NIN ~ !~ ^ $\n\
         + formatted_phone  added\n",
    );
    let out = qc()
        .args([
            "fields",
            "--target",
            "contacts",
            "--api-version",
            "Preview",
            "--changes-from",
            "2.11",
            "--timezone",
            "Europe/Paris",
            "--format",
            "json",
        ])
        .output()
        .expect("qc runs");
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let find = |name: &str| {
        list.as_array()
            .and_then(|l| l.iter().find(|c| c["field"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {list}"))
    };
    assert_eq!(
        find("created_at")["meaning"],
        json!([
            "compared by calendar day in Europe/Paris",
            "compared to the second"
        ])
    );
    assert_eq!(
        find("custom_attributes.NAME (Date)")["meaning"],
        json!([
            "compared by calendar day in Europe/Paris",
            "compared by calendar day in UTC"
        ])
    );
    assert_eq!(find("formatted_phone")["change"], "added");
    // Preview sorts as 2.16 does: no `ORDER BY` row; 2.11 does not.
    assert_eq!(find("ORDER BY")["change"], "added");
    assert_eq!(list[0]["field"], "ORDER BY");
    // A version without the endpoint: every field is new.
    qc().args([
        "fields",
        "--target",
        "companies",
        "--api-version",
        "Preview",
        "--changes-from",
        "2.16",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "companies search is not in API version 2.16",
    ))
    .stdout(predicate::str::contains("+ company_id"));
    qc().args(["fields", "--changes-from", "2.11"])
        .assert()
        .success()
        .stdout("conversations search, API version 2.11 → 2.11:\n  no differences\n");
    qc().args(["fields", "--changes-from", "9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--changes-from: unknown API version `9`",
        ));
}

#[test]
fn check_compares_saved_queries_between_versions() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        path.display().to_string()
    };
    let owner = write("owner.qc", "owner_id = 5\n");
    let phone = write("phone.qc", "formatted_phone ^ \"+33\"\n");
    let role = write("role.qc", "role = lead  # the same in every version\n");
    let args = [
        "check",
        "--target",
        "contacts",
        "--api-version",
        "2.16",
        "--compare",
        "2.11",
    ];
    qc().args(args)
        .args([&owner, &phone, &role])
        .assert()
        .code(1)
        .stdout(format!(
            "{owner}: the request differs between 2.11 and 2.16\n\
             \x20 2.11: {{\"query\":{{\"field\":\"owner_id\",\"operator\":\"=\",\"value\":5}}}}\n\
             \x20 2.16: {{\"query\":{{\"field\":\"owner_id\",\"operator\":\"=\",\"value\":\"5\"}}}}\n\
             \x20 owner_id: type Integer → String; the API's `>`/`<` exclude the bound → not ordered; operators = != IN NIN < <= > >= → = != IN NIN ~ !~ ^ $\n\
             {phone}: compiles for 2.16, not for 2.11: unknown field `formatted_phone` for contacts search\n\
             \x20 formatted_phone: added\n\
             2 of 3 queries differ between 2.11 and 2.16\n"
        ));
    qc().args(args)
        .arg(&role)
        .assert()
        .success()
        .stdout("0 of 1 queries differ between 2.11 and 2.16\n");
    // JSON, and Preview's meaning of contacts' timestamps as the reason.
    let created = write("created.qc", "created_at >= 2024-03-31\n");
    let out = qc()
        .args([
            "check",
            "--target",
            "contacts",
            "--api-version",
            "Preview",
            "--timezone",
            "Europe/Paris",
            "--compare",
            "2.11",
            "--format",
            "json",
        ])
        .args([&created, &role])
        .output()
        .expect("qc runs");
    assert_eq!(out.status.code(), Some(1));
    let list: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(
        list,
        json!([{
            "file": created,
            "from": {"version": "2.11", "body": {"query": {"field": "created_at", "operator": ">", "value": "1711753200"}}},
            "to": {"version": "Preview", "body": {"query": {"field": "created_at", "operator": ">=", "value": "1711839600"}}},
            "reasons": [{"field": "created_at", "change": "changed", "meaning": ["compared by calendar day in Europe/Paris", "compared to the second"]}]
        }])
    );
    qc().args(["check", "--compare", "1.0", &role])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--compare: unknown API version `1.0`",
        ));
    qc().args(["check", "--compare", "2.11", "missing.qc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read missing.qc"));
}
