//! Which configuration applies, through the real binary: `qc config`,
//! `--no-config`, `--verbose`, the walk up to the repository's root, and
//! bounded reads of schema files and `qc.toml`.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// `qc` run in `dir`, with HOME elsewhere so that the walk is the test's.
fn qc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("qc").expect("the qc binary is built");
    cmd.env("NO_COLOR", "1")
        .env("HOME", "/nonexistent-home")
        .current_dir(dir);
    cmd
}

/// A repository `repo/` holding `qc.toml`, and a directory inside it.
fn project(toml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let repo = dir.path().join("repo");
    let inner = repo.join("queries/today");
    std::fs::create_dir_all(&inner).expect("created");
    std::fs::create_dir(repo.join(".git")).expect("created");
    std::fs::write(repo.join("qc.toml"), toml).expect("written");
    (dir, inner)
}

fn stdout(cmd: &mut Command) -> (String, String, i32) {
    let out = cmd.output().expect("qc runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn config_says_where_each_setting_came_from() {
    let (dir, inner) = project("target = \"contacts\"\ntimezone = \"Europe/Paris\"\n");
    let toml = dir.path().join("repo/qc.toml").display().to_string();
    let (out, err, code) =
        stdout(qc(&inner).args(["config", "--timezone", "Asia/Tokyo", "--format", "json"]));
    assert_eq!((code, err.as_str()), (0, ""));
    let rows: Value = serde_json::from_str(&out).expect("JSON");
    let row = |key: &str| {
        rows.as_array()
            .and_then(|r| r.iter().find(|r| r["key"] == key))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(row("file")["value"], toml.as_str());
    assert_eq!(row("target")["value"], "contacts");
    assert_eq!(row("target")["from"], toml.as_str());
    assert_eq!(row("timezone")["value"], "Asia/Tokyo");
    assert_eq!(row("timezone")["from"], "flag");
    assert_eq!(row("max_file_bytes")["from"], "default");

    // The file changes what a query compiles to; --no-config ignores it.
    let (with, _, _) = stdout(qc(&inner).arg("created_at > 2024-01-01"));
    let (without, _, _) = stdout(qc(&inner).args(["--no-config", "created_at > 2024-01-01"]));
    assert_ne!(with, without);
    let (out, _, _) = stdout(qc(&inner).args(["config", "--no-config"]));
    assert!(out.contains("(ignored: --no-config)"), "{out}");
    assert!(out.contains("conversations  (default)"), "{out}");

    // --verbose names the file used.
    let (_, err, code) = stdout(qc(&inner).args(["--verbose", "role = lead"]));
    assert_eq!(code, 0);
    assert_eq!(err, format!("qc: using {toml}\n"));
}

#[test]
fn the_walk_stops_at_the_repository_root() {
    let (dir, _) = project("target = \"contacts\"\n");
    // A qc.toml above the repository does not apply inside it.
    std::fs::write(dir.path().join("qc.toml"), "target = \"tickets\"\n").expect("written");
    std::fs::remove_file(dir.path().join("repo/qc.toml")).expect("removed");
    let inner = dir.path().join("repo/queries/today");
    let (out, err, code) = stdout(qc(&inner).args(["--verbose", "role = lead"]));
    assert_eq!(
        code, 1,
        "contacts' `role` is not a conversations field: {out}"
    );
    assert!(err.starts_with("qc: no qc.toml applies\n"), "{err}");
}

#[test]
fn large_and_endless_schema_files_are_refused_quickly() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let big = dir.path().join("big.json");
    let file = std::fs::File::create(&big).expect("created");
    file.set_len(100 << 20).expect("a sparse 100 MB file");
    for (path, size) in [
        (big.display().to_string(), "(104857600 bytes)".to_owned()),
        ("/dev/zero".to_owned(), "(more than that)".to_owned()),
    ] {
        let started = Instant::now();
        let (out, err, code) = stdout(qc(dir.path()).args(["--schema", &path, "state = open"]));
        assert!(started.elapsed() < Duration::from_secs(10), "{path}");
        assert_eq!((code, out.as_str()), (2, ""), "{path}");
        assert!(
            err.contains(&format!("it is over the limit of 16777216 bytes {size}")),
            "{err}"
        );
        assert!(err.contains("--max-file-bytes"), "{err}");
    }
    // A qc.toml naming it fails the same way; the limit can be raised.
    std::fs::write(
        dir.path().join("qc.toml"),
        "schema = [\"big.json\"]\nmax_file_bytes = 1024\n",
    )
    .expect("written");
    let (_, err, code) = stdout(qc(dir.path()).arg("state = open"));
    assert_eq!(code, 2);
    assert!(err.contains("over the limit of 1024 bytes"), "{err}");
    let small = dir.path().join("small.json");
    std::fs::write(&small, "[]").expect("written");
    let (_, err, code) = stdout(qc(dir.path()).args([
        "--max-file-bytes",
        "2",
        "--schema",
        "small.json",
        "state = open",
    ]));
    assert_eq!((code, err.as_str()), (0, ""));
}
