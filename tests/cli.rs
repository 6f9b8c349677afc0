//! The real `qc` binary: arguments, stdin, exit codes, stdout and stderr.

use assert_cmd::Command;
use predicates::prelude::*;

fn qc() -> Command {
    let mut cmd = Command::cargo_bin("qc").expect("the qc binary is built");
    cmd.env("NO_COLOR", "1");
    cmd
}

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
    let out = qc()
        .arg("created_at > 2024-01-01")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json(&out),
        serde_json::json!({"query":{"field":"created_at","operator":">","value":"1704067200"}})
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
