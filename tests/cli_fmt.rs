//! `qc fmt` through the real binary: output, --check, errors and exit codes.

use predicates::prelude::*;

mod support;

use support::cli::qc;

#[test]
fn fmt_prints_canonical_text() {
    qc().args(["fmt", "-"])
        .write_stdin("state=open and(read = 'true'  )\n")
        .assert()
        .success()
        .stdout("state = open AND read = true\n")
        .stderr("");
}

#[test]
fn fmt_breaks_long_queries_at_the_width() {
    qc().args(["fmt", "--width", "30"])
        .write_stdin("state = open AND (read = true OR priority = priority)")
        .assert()
        .success()
        .stdout("state = open\nAND (\n  read = true\n  OR priority = priority\n)\n");
}

#[test]
fn fmt_refuses_syntax_errors() {
    qc().arg("fmt")
        .write_stdin("state = open AND")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("stdin:1:"))
        .stderr(predicate::str::contains("<error>").not());
}

#[test]
fn fmt_check_names_unformatted_files() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let good = dir.path().join("good.qc");
    let bad = dir.path().join("bad.qc");
    std::fs::write(&good, "state = open AND read = true\n").expect("write");
    std::fs::write(&bad, "state=open\n").expect("write");
    qc().args(["fmt", "--check"])
        .arg(&good)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    qc().args(["fmt", "--check"])
        .arg(&bad)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "{}: not formatted; run `qc fmt` on it\n",
            bad.display()
        ));
    // The file is left alone.
    assert_eq!(
        std::fs::read_to_string(&bad).unwrap_or_default(),
        "state=open\n"
    );
}

#[test]
fn fmt_missing_file_is_exit_2() {
    qc().args(["fmt", "/nonexistent/q.qc"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot read /nonexistent/q.qc",
        ));
}

#[test]
fn fmt_keeps_comments() {
    qc().arg("fmt")
        .write_stdin("# open ones\nstate=open -- not snoozed\nand read=false # unread\n")
        .assert()
        .success()
        .stdout("# open ones\nstate = open  -- not snoozed\nAND read = false  # unread\n")
        .stderr("");
}

#[test]
fn fmt_check_accepts_formatted_comments() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("commented.qc");
    std::fs::write(
        &file,
        "-- triage\nstate = open\n# unread only\nAND read = false  # for now\n",
    )
    .expect("write");
    qc().args(["fmt", "--check"])
        .arg(&file)
        .assert()
        .success()
        .stdout("")
        .stderr("");
}
