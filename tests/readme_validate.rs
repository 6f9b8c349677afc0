//! The README's `qc validate` and `qc decompile` examples, run for real:
//! each `$ command` line of a console block that calls one of them is run
//! with bash (the built `qc` first on PATH), and its stdout and stderr
//! together must be the lines that follow it.

use std::path::Path;
use std::process::Command;

/// (command, expected output) pairs from console blocks.
fn examples(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_console = false;
    let mut current: Option<(String, String)> = None;
    for line in readme.lines() {
        if line.starts_with("```") {
            if let Some(done) = current.take() {
                out.push(done);
            }
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            if let Some(done) = current.take() {
                out.push(done);
            }
            current = Some((cmd.to_owned(), String::new()));
        } else if let Some((_, expected)) = &mut current {
            expected.push_str(line.trim_end());
            expected.push('\n');
        }
    }
    out.into_iter()
        .filter(|(cmd, _)| cmd.contains("qc validate") || cmd.contains("qc decompile"))
        .collect()
}

#[test]
fn readme_examples_for_validate_and_decompile() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md is readable");
    let examples = examples(&readme);
    assert!(
        examples.len() >= 4,
        "found only {} examples",
        examples.len()
    );
    let bin = assert_cmd::cargo::cargo_bin("qc");
    let dir = bin.parent().expect("the binary has a directory");
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (cmd, expected) in examples {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("{cmd} 2>&1"))
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .expect("bash runs");
        let got: String = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .collect();
        assert_eq!(got, expected, "README example `{cmd}`");
    }
}
