//! The real `qc` binary: arguments, stdin, exit codes, stdout and stderr.

use predicates::prelude::*;

mod support;

use support::cli::qc;

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is JSON")
}

#[test]
fn design_card_query() {
    let out = qc()
        .arg("state = open AND (priority = priority OR tag_ids IN [1, 2])")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json(&out),
        serde_json::json!({"query":{"operator":"AND","value":[
            {"field":"state","operator":"=","value":"open"},
            {"operator":"OR","value":[
                {"field":"priority","operator":"=","value":"priority"},
                {"field":"tag_ids","operator":"IN","value":["1","2"]}]}]}})
    );
}

#[test]
fn date_is_unix_seconds_string() {
    // `>=` is the API's inclusive `>`; a strict `>` starts a second later.
    let out = qc()
        .arg("created_at >= 2024-01-01")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json(&out),
        serde_json::json!({"query":{"field":"created_at","operator":">","value":"1704067200"}})
    );
    let out = qc()
        .arg("created_at > 2024-01-01")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json(&out),
        serde_json::json!({"query":{"field":"created_at","operator":">","value":"1704067201"}})
    );
}

#[test]
fn not_is_pushed_down() {
    let out = qc()
        .arg("NOT (state = open OR priority = priority)")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json(&out),
        serde_json::json!({"query":{"operator":"AND","value":[
            {"field":"state","operator":"!=","value":"open"},
            {"field":"priority","operator":"!=","value":"priority"}]}})
    );
}

#[test]
fn unknown_field_points_at_column_one_and_suggests() {
    qc().arg("stat = open")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("query:1:1"))
        .stderr(predicate::str::contains("did you mean `state`?"));
}

#[test]
fn stdin_when_no_argument() {
    qc().write_stdin("state = open\n")
        .assert()
        .success()
        .stdout("{\"query\":{\"field\":\"state\",\"operator\":\"=\",\"value\":\"open\"}}\n");
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> serde_json::Value {
    json(&assert.get_output().stdout)
}

const OPEN: &str = "{\"query\":{\"field\":\"state\",\"operator\":\"=\",\"value\":\"open\"}}\n";

#[test]
fn dash_reads_stdin() {
    qc().arg("-")
        .write_stdin("state = open")
        .assert()
        .success()
        .stdout(OPEN);
}

#[test]
fn file_argument_and_file_dash() {
    let dir = std::env::temp_dir().join(format!("qc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("q.qc");
    std::fs::write(&path, "state = open\n").expect("write fixture");
    qc().arg("--file")
        .arg(&path)
        .assert()
        .success()
        .stdout(OPEN);
    qc().args(["-f", "-"])
        .write_stdin("state = open")
        .assert()
        .success()
        .stdout(OPEN);
    // Diagnostics name the file.
    std::fs::write(&path, "stat = open\n").expect("write fixture");
    qc().arg("--file")
        .arg(&path)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("q.qc:1:1"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unreadable_file_is_usage_error() {
    qc().args(["--file", "/nonexistent/qc/query.qc"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "cannot read /nonexistent/qc/query.qc",
        ));
}

#[test]
fn unknown_flag_is_usage_error() {
    qc().args(["--bogus", "state = open"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--bogus"));
}

#[test]
fn invalid_query_prints_nothing_on_stdout() {
    qc().arg("state = open AND open = yes AND created_at ~ x")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("[E0103]"))
        .stderr(predicate::str::contains("[E0102]"))
        .stderr(predicate::str::contains("query:1:"));
}

#[test]
fn check_human_and_json() {
    qc().args(["check", "state = open"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    qc().args(["check", "stat = open"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "[E0101] Error: unknown field `stat`",
        ));
    let a = qc()
        .args(["check", "--format", "json", "stat = open AND open = yes"])
        .assert()
        .code(1);
    let v = stdout_of(&a);
    let list = v.as_array().expect("a JSON array");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["code"], "E0101");
    assert_eq!(list[0]["severity"], "error");
    assert_eq!(list[0]["range"], serde_json::json!({"start": 0, "end": 4}));
    assert_eq!(
        list[0]["location"]["start"],
        serde_json::json!({"line": 1, "column": 1})
    );
    assert_eq!(list[0]["suggestion"]["replacement"], "state");
    assert_eq!(list[1]["code"], "E0103");
    assert_eq!(
        list[1]["range"],
        serde_json::json!({"start": 23, "end": 26})
    );
    // A valid query gives an empty array and exit 0.
    let a = qc()
        .args(["check", "--format", "json", "state = open"])
        .assert()
        .success();
    assert_eq!(stdout_of(&a), serde_json::json!([]));
}

#[test]
fn fields_human_and_json() {
    qc().arg("fields")
        .assert()
        .success()
        .stdout(predicate::str::contains("conversation_rating.admin_d"))
        .stdout(predicate::str::contains("open, closed, snoozed"))
        .stdout(
            predicate::str::is_match(r"created_at\s+Date\s+= != IN NIN < <= > >=").expect("regex"),
        );
    let a = qc().args(["fields", "--format", "json"]).assert().success();
    let v = stdout_of(&a);
    let rows = v.as_array().expect("a JSON array");
    assert_eq!(rows.len(), qc::Schema::conversations().fields().len());
    let state = rows
        .iter()
        .find(|r| r["name"] == "state")
        .expect("state row");
    assert_eq!(state["type"], "String");
    assert_eq!(
        state["operators"],
        serde_json::json!(["=", "!=", "IN", "NIN"])
    );
    assert_eq!(
        state["values"],
        serde_json::json!(["open", "closed", "snoozed"])
    );
}

#[test]
fn per_page_bounds() {
    for bad in ["0", "151", "-1", "x"] {
        qc().args(["--per-page", bad, "state = open"])
            .assert()
            .code(2)
            .stdout("");
    }
    let a = qc()
        .args(["--per-page", "1", "state = open"])
        .assert()
        .success();
    assert_eq!(
        stdout_of(&a)["pagination"],
        serde_json::json!({"per_page": 1})
    );
    let a = qc()
        .args(["--per-page", "150", "state = open"])
        .assert()
        .success();
    assert_eq!(
        stdout_of(&a)["pagination"],
        serde_json::json!({"per_page": 150})
    );
}

#[test]
fn starting_after_adds_pagination() {
    let a = qc()
        .args(["--starting-after", "WzE3MDQwNjcyMDAsMV0=", "state = open"])
        .assert()
        .success();
    assert_eq!(
        stdout_of(&a),
        serde_json::json!({
            "query": {"field": "state", "operator": "=", "value": "open"},
            "pagination": {"per_page": 20, "starting_after": "WzE3MDQwNjcyMDAsMV0="}
        })
    );
}

#[test]
fn pretty_indents() {
    qc().args(["--pretty", "state = open"]).assert().success().stdout(
        "{\n  \"query\": {\n    \"field\": \"state\",\n    \"operator\": \"=\",\n    \"value\": \"open\"\n  }\n}\n",
    );
}

#[test]
fn now_fixes_relative_dates() {
    let a = qc()
        .args(["--now", "2024-06-01T00:00:00Z", "updated_at >= now-7d"])
        .assert()
        .success();
    assert_eq!(stdout_of(&a)["query"]["value"], "1716595200");
    let a = qc()
        .args(["--now", "2024-06-01T02:00:00+02:00", "updated_at <= now"])
        .assert()
        .success();
    assert_eq!(stdout_of(&a)["query"]["value"], "1717200000");
    qc().args(["--now", "yesterday", "updated_at < now"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn warnings_keep_exit_zero() {
    qc().arg("source.body = \"need support\"")
        .assert()
        .success()
        .stdout("{\"query\":{\"field\":\"source.body\",\"operator\":\"=\",\"value\":\"need support\"}}\n")
        .stderr(predicate::str::contains("[W0001] Warning"));
}

#[test]
fn invalid_utf8_on_stdin() {
    qc().write_stdin(b"state = \xff\xfe".to_vec())
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("[E0009]"))
        .stderr(predicate::str::contains("offset 8"));
}

#[test]
fn empty_and_blank_input() {
    for input in ["", "   ", "\n\n", " \t \n "] {
        qc().write_stdin(input)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(
                "[E0007] Error: the query is empty",
            ));
    }
    qc().arg("")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("[E0007]"));
}

#[test]
fn nul_byte() {
    qc().write_stdin("state = open\0")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("unexpected character: a NUL byte"));
}

#[test]
fn a_million_open_parentheses() {
    let input = "(".repeat(1_000_000);
    let a = qc().write_stdin(input).assert().code(1).stdout("");
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        stderr.contains("[E0006]"),
        "{}",
        &stderr[..stderr.len().min(500)]
    );
    assert!(stderr.contains("nested more than 128 deep"));
    assert!(stderr.contains("expected `)` to close 128 parentheses"));
    // Two short one-line reports, not megabytes of excerpt.
    assert!(stderr.len() < 2_000, "stderr is {} bytes", stderr.len());
}

#[test]
fn a_million_nots_and_brackets() {
    let nots = "NOT ".repeat(250_000) + "state = open";
    qc().write_stdin(nots)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("[E0006]"));
    let brackets = format!("tag_ids IN {}", "[".repeat(500_000));
    qc().write_stdin(brackets).assert().code(1).stdout("");
}

#[test]
fn input_over_the_size_limit() {
    qc().args(["--max-input-bytes", "5", "state = open"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("[E0008]"));
}

#[test]
fn explain_codes() {
    qc().args(["explain", "E0101"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("E0101: unknown field\n"))
        .stdout(predicate::str::contains("stat = open"));
    qc().args(["explain", "e0201"])
        .assert()
        .success()
        .stdout(predicate::str::contains("nested"));
    qc().arg("explain")
        .assert()
        .success()
        .stdout(predicate::str::contains("W0001"));
    qc().args(["explain", "E9999"]).assert().code(2).stdout("");
}

#[test]
fn compile_subcommand_is_the_default() {
    qc().args(["compile", "state = open"])
        .assert()
        .success()
        .stdout(OPEN);
}

/// Quotes do not change what a value means: the field's type does.
#[test]
fn quoted_values_take_the_field_type() {
    let out = qc()
        .arg(r#"statistics.count_reopens >= "5" AND read = "true""#)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json(&out),
        serde_json::json!({"query":{"operator":"AND","value":[
            {"field":"statistics.count_reopens","operator":">","value":5},
            {"field":"read","operator":"=","value":true}]}})
    );
}
