//! The real binary: `qc` run from the crate's root without colour, the
//! JSON it prints, and transcripts of a run for snapshots.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// The crate's root, where the fixture paths the tests name start (it has
/// no `qc.toml`).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `qc`, run from the crate's root so that fixture paths (and the messages
/// that name them) are relative, with `NO_COLOR` set.
pub fn qc() -> Command {
    let mut cmd = Command::cargo_bin("qc").expect("the qc binary is built");
    cmd.env("NO_COLOR", "1").current_dir(root());
    cmd
}

/// Runs `qc args` and writes what happened, for snapshots: the command,
/// the exit status, stdout and stderr.
pub fn transcript(args: &[&str]) -> String {
    transcript_with_stdin(args, None)
}

/// [`transcript`], with `stdin` given to the command and shown when there
/// is one.
pub fn transcript_with_stdin(args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = qc();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().expect("qc runs");
    let shown: Vec<String> = args.iter().map(|a| shell_word(a)).collect();
    let mut text = format!("$ qc {}\n", shown.join(" "));
    if let Some(input) = stdin {
        text.push_str(&format!("stdin: {input}\n"));
    }
    text.push_str(&format!(
        "--- exit {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ));
    text
}

/// `arg` as a shell would need it written: quoted when it holds a space
/// or a character the shell reads.
fn shell_word(arg: &str) -> String {
    if arg.contains([' ', '"', '\'', '<', '>', '!', '[', '&', '|']) {
        format!("'{arg}'")
    } else {
        arg.to_owned()
    }
}

/// The JSON `qc args` prints; the run must succeed (its stderr is shown
/// when it does not).
pub fn compiled(args: &[&str]) -> Value {
    let out = qc().args(args).output().expect("qc runs");
    assert!(
        out.status.success(),
        "qc {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}
