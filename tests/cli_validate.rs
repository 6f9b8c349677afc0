//! `qc validate` and `qc decompile` on the real binary: stdin and files,
//! exit codes, stdout and stderr.

mod support;

use predicates::prelude::*;
use support::cli::qc;

const VALID: &str = r#"{"query": {"operator": "AND", "value": [
  {"field": "created_at", "operator": ">", "value": "1704067200"},
  {"operator": "OR", "value": [
    {"field": "state", "operator": "=", "value": "open"},
    {"field": "tag_ids", "operator": "IN", "value": ["1", "2"]}]}]},
 "pagination": {"per_page": 50}}"#;

const INVALID: &str = r#"{"query": {"operator": "AND", "value": [
  {"field": "state", "operator": "=", "value": "open"},
  {"field": "created_at", "operator": "~", "value": "1704067200"}]}}"#;

fn file(contents: &[u8]) -> (tempdir::Dir, std::path::PathBuf) {
    let dir = tempdir::Dir::new();
    let path = dir.path().join("request.json");
    std::fs::write(&path, contents).expect("write the test file");
    (dir, path)
}

/// A scratch directory removed on drop (no extra dependency).
mod tempdir {
    pub struct Dir(std::path::PathBuf);
    impl Dir {
        pub fn new() -> Self {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("qc-cli-validate-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&path).expect("create a scratch directory");
            Dir(path)
        }
        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn validate_valid_stdin_exits_0_silently() {
    qc().arg("validate")
        .write_stdin(VALID)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    qc().args(["validate", "-"])
        .write_stdin(VALID)
        .assert()
        .success();
}

#[test]
fn validate_invalid_file_exits_1_with_path_and_position() {
    let (_dir, path) = file(INVALID.as_bytes());
    let name = path.display().to_string();
    qc().arg("validate")
        .arg(&path)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(format!("{name}:3:39")))
        .stderr(predicate::str::contains(
            "operator `~` cannot be used with `created_at`, a Date field (at `query.value[1].operator`)",
        ))
        .stderr(predicate::str::contains("`created_at` accepts = != IN NIN < >"));
}

#[test]
fn validate_json_format_prints_diagnostics_on_stdout() {
    let out = qc()
        .args(["validate", "--format", "json"])
        .write_stdin(INVALID)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let diagnostics: serde_json::Value = serde_json::from_slice(&out).expect("JSON on stdout");
    assert_eq!(diagnostics[0]["code"], "E0102");
    assert_eq!(diagnostics[0]["path"], "query.value[1].operator");
    assert_eq!(diagnostics[0]["location"]["start"]["line"], 3);
    assert_eq!(diagnostics.as_array().map(Vec::len), Some(1));
    qc().args(["validate", "--format", "json"])
        .write_stdin(VALID)
        .assert()
        .success()
        .stdout("[]\n");
}

#[test]
fn validate_broken_json_and_bad_bytes_exit_1() {
    qc().arg("validate")
        .write_stdin("{\"query\": {\"field\": \"state\",}}")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0301"))
        .stderr(predicate::str::contains("stdin:1:29"));
    qc().arg("validate")
        .write_stdin(&b"{\"query\": \xff}"[..])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0009"));
    qc().arg("validate")
        .write_stdin("[".repeat(100_000))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0302"));
}

#[test]
fn validate_usage_errors_exit_2() {
    qc().args(["validate", "/nonexistent/request.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read /nonexistent/request.json",
        ));
    qc().args(["validate", "--bogus"]).assert().code(2);
    qc().args(["validate", "--max-input-bytes", "10"])
        .write_stdin(VALID)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0008"));
}

#[test]
fn decompile_stdin_and_file() {
    // The API's `>` on conversations includes the bound: it is the query's `>=`.
    let expected = "created_at >= 2024-01-01T00:00:00Z AND (state = open OR tag_ids IN [1, 2])\n";
    qc().arg("decompile")
        .write_stdin(VALID)
        .assert()
        .success()
        .stdout(expected)
        .stderr(predicate::str::contains("--per-page 50"));
    let (_dir, path) = file(VALID.as_bytes());
    qc().arg("decompile")
        .arg(&path)
        .args(["--dates", "unix"])
        .assert()
        .success()
        .stdout("created_at >= 1704067200 AND (state = open OR tag_ids IN [1, 2])\n");
}

#[test]
fn decompile_output_compiles_back() {
    let text = qc()
        .arg("decompile")
        .write_stdin(VALID)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).expect("UTF-8");
    let json = qc()
        .arg(text.trim())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    let mut expected: serde_json::Value = serde_json::from_str(VALID).expect("JSON");
    if let Some(o) = expected.as_object_mut() {
        o.remove("pagination");
    }
    assert_eq!(json, expected);
}

#[test]
fn decompile_invalid_json_gets_validate_diagnostics() {
    qc().arg("decompile")
        .write_stdin(INVALID)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("(at `query.value[1].operator`)"));
    qc().args(["decompile", "--dates", "iso"])
        .write_stdin(VALID)
        .assert()
        .code(2);
}

#[test]
fn decompile_warns_when_merged_groups_exceed_the_limit() {
    let json = support::generate::request_that_merges_past_the_limit();
    qc().arg("decompile")
        .write_stdin(json)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("id = 0 AND id = 1"))
        .stderr(predicate::str::contains("W0301"))
        .stderr(predicate::str::contains(
            "the decompiled text does not compile back to this request",
        ));
}

/// A request with a contradiction, an always-true OR, a wildcard and an
/// empty date range: valid, with a warning for each.
const LINTED: &str = r#"{"query": {"operator": "AND", "value": [
  {"field": "state", "operator": "=", "value": "open"},
  {"field": "source.subject", "operator": "=", "value": "%refund%"},
  {"field": "created_at", "operator": ">", "value": "1706745600"},
  {"field": "created_at", "operator": "<", "value": "1704067200"},
  {"operator": "OR", "value": [
    {"field": "read", "operator": "=", "value": true},
    {"field": "read", "operator": "=", "value": false}]},
  {"field": "state", "operator": "=", "value": "closed"}]}}"#;

#[test]
fn validate_reports_lints_as_warnings_and_exits_0() {
    let out = qc()
        .arg("validate")
        .write_stdin(LINTED)
        .assert()
        .success()
        .stdout("")
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(out).expect("UTF-8");
    for expected in [
        "[W0405] Warning: qc has no wildcards",
        "(at `query.value[1]`)",
        "[W0402] Warning: this date range is empty",
        "(at `query.value[3]`)",
        "this comparison (at `query.value[2]`)",
        "[W0404] Warning: this OR group matches every object",
        "(at `query.value[4].value[1]`)",
        "[W0401] Warning: these comparisons contradict each other",
        "(at `query.value[5]`)",
        "this comparison (at `query.value[0]`)",
        "stdin:3:3",
    ] {
        assert!(stderr.contains(expected), "no {expected:?} in\n{stderr}");
    }
    insta::assert_snapshot!("validate_lints_human", stderr);
}

#[test]
fn validate_reports_lints_in_json_format_and_exits_0() {
    let out = qc()
        .args(["validate", "--format", "json"])
        .write_stdin(LINTED)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let diagnostics: serde_json::Value = serde_json::from_slice(&out).expect("JSON on stdout");
    let found: Vec<(String, String, String)> = diagnostics
        .as_array()
        .map(|all| {
            all.iter()
                .map(|d| {
                    let s = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
                    (s("severity"), s("code"), s("path"))
                })
                .collect()
        })
        .unwrap_or_default();
    let expected = [
        ("W0405", "query.value[1]"),
        ("W0402", "query.value[3]"),
        ("W0404", "query.value[4].value[1]"),
        ("W0401", "query.value[5]"),
    ]
    .map(|(code, path)| ("warning".to_owned(), code.to_owned(), path.to_owned()));
    assert_eq!(found, expected);
    insta::assert_json_snapshot!("validate_lints_json", diagnostics);
}

/// A lint beside an error: the error fails the request (exit 1), and the
/// lint is still reported.
#[test]
fn validate_lints_beside_an_error_exit_1() {
    let json = LINTED.replace(
        r#""field": "read", "operator": "=", "value": true"#,
        r#""field": "read", "operator": "~", "value": true"#,
    );
    qc().arg("validate")
        .write_stdin(json)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("[E0102] Error"))
        .stderr(predicate::str::contains("[W0401] Warning"));
}

/// `qc decompile` runs the validator: it prints the text, and the lints on
/// stderr.
#[test]
fn decompile_prints_the_lints_and_exits_0() {
    qc().arg("decompile")
        .write_stdin(LINTED)
        .assert()
        .success()
        .stdout(
            "state = open AND source.subject = %refund% AND created_at >= 2024-02-01T00:00:00Z AND created_at <= 2024-01-01T00:00:00Z AND (read = true OR read = false) AND state = closed\n",
        )
        .stderr(predicate::str::contains("[W0401] Warning"))
        .stderr(predicate::str::contains("(at `query.value[5]`)"));
}
