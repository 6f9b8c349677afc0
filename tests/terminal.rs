//! Terminal-safe output: control characters (C0, DEL, C1) and bidi
//! controls from a query, a JSON document, a file name, the command line or
//! a server's answer reach stderr escaped (`\u{1b}`, `\u{202e}`), in every
//! human message, whatever the colour setting; `--format json` keeps them
//! as JSON escapes of the same characters. Through the real binary, and
//! through the renderer for where the carets and the header's column go.

use assert_cmd::Command;
use qc::diagnostic::{RenderOptions, is_unsafe_for_terminal, render_all};
use serde_json::Value;

mod support;

use support::cli::qc;

/// A query with ESC, an OSC title sequence ended by BEL, CSI as the C1
/// character U+009B, DEL and a right-to-left override, in a quoted field
/// name, in a string value and in a bare field name.
const HOSTILE: &str = "\"fi\u{1b}[31mld\u{202e}\" = 1 AND source.subject = \"a\u{1b}]0;owned\u{7}b\u{202e}c\u{9b}2J\u{7f}\" AND x\u{202e}y = 2";

/// The escaped forms the human output must show.
const SHOWN: &[&str] = &["\\u{1b}", "\\u{7}", "\\u{202e}", "\\u{9b}", "\\u{7f}"];

/// Checks every byte of `out`: valid UTF-8, no C0 control but the newline
/// (and, with `colour`, ESC starting an SGR sequence `ESC [ digits ; m`),
/// no DEL, and no character of `is_unsafe_for_terminal` (C1, bidi).
fn assert_terminal_safe(out: &[u8], colour: bool) {
    let text = std::str::from_utf8(out).expect("the output is UTF-8");
    let bytes = out;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if colour && b == 0x1b {
            // ESC [ (digits | ;)* m: a colour, nothing else.
            let rest = &bytes[i + 1..];
            let params = rest
                .iter()
                .skip(1)
                .take_while(|b| b.is_ascii_digit() || **b == b';')
                .count();
            assert!(
                rest.first() == Some(&b'[') && rest.get(1 + params) == Some(&b'm'),
                "an escape sequence other than a colour at byte {i}: {:?}",
                String::from_utf8_lossy(&bytes[i..(i + 12).min(bytes.len())])
            );
            i += 2 + params + 1;
            continue;
        }
        assert!(
            b == b'\n' || (0x20..0x7f).contains(&b) || b >= 0x80,
            "raw control byte {b:#04x} at byte {i} of {text:?}"
        );
        i += 1;
    }
    let unsafe_chars: Vec<char> = text
        .chars()
        .filter(|&c| c != '\n' && !(colour && c == '\u{1b}') && is_unsafe_for_terminal(c))
        .collect();
    assert!(unsafe_chars.is_empty(), "raw {unsafe_chars:?} in {text:?}");
}

fn stderr_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("qc runs");
    assert_terminal_safe(&out.stderr, false);
    assert_terminal_safe(&out.stdout, false);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_hostile_query_is_shown_escaped_by_check_and_compile() {
    for args in [
        vec!["check", "--color", "never"],
        vec!["--color", "never"],
        vec!["check"],
    ] {
        let stderr = stderr_of(qc().args(&args).arg(HOSTILE));
        for shown in SHOWN {
            assert!(stderr.contains(shown), "{args:?}: no {shown} in {stderr}");
        }
        // The field name, in its message, and the string, in the excerpt.
        assert!(
            stderr.contains("unknown field `fi\\u{1b}[31mld\\u{202e}`"),
            "{stderr}"
        );
        assert!(
            stderr.contains("\"a\\u{1b}]0;owned\\u{7}b\\u{202e}c\\u{9b}2J\\u{7f}\""),
            "{stderr}"
        );
    }
}

#[test]
fn with_colour_the_only_escape_sequences_are_colours() {
    let out = Command::cargo_bin("qc")
        .expect("the qc binary")
        .env_remove("NO_COLOR")
        .args(["check", "--color", "always", HOSTILE])
        .output()
        .expect("qc runs");
    assert_terminal_safe(&out.stderr, true);
    let coloured = String::from_utf8_lossy(&out.stderr);
    assert!(coloured.contains("\u{1b}[38;"), "no colour: {coloured}");
    // The text without its colours (each character of the excerpt has its own).
    let mut stderr = String::new();
    let mut rest = coloured.as_ref();
    while let Some(at) = rest.find('\u{1b}') {
        stderr.push_str(&rest[..at]);
        let after = &rest[at..];
        rest = after.find('m').map_or("", |m| &after[m + 1..]);
    }
    stderr.push_str(rest);
    for shown in SHOWN {
        assert!(stderr.contains(shown), "no {shown} in {stderr}");
    }
}

#[test]
fn validate_shows_a_field_name_decoded_from_json_escapes_escaped() {
    let request = r#"{"query": {"field": "a\u001b]0;owned\u0007b\u202e", "operator": "=", "value": "x"}, "p\u009bq": 1}"#;
    let stderr = stderr_of(
        qc().args(["validate", "--color", "never"])
            .write_stdin(request),
    );
    assert!(
        stderr.contains("unknown field `a\\u{1b}]0;owned\\u{7}b\\u{202e}`"),
        "{stderr}"
    );
    assert!(stderr.contains("p\\u{9b}q"), "{stderr}");
}

#[test]
fn json_output_keeps_the_characters_as_json_escapes() {
    let query = "\"f\u{1b}]0;x\u{7}\u{202e}\u{9b}\u{7f}\" = 1";
    let check = |cmd: &mut Command, on_stdout: bool| {
        let out = cmd.output().expect("qc runs");
        let json = if on_stdout { &out.stdout } else { &out.stderr };
        assert_terminal_safe(json, false);
        let text = String::from_utf8_lossy(json);
        for escape in ["\\u001b", "\\u0007", "\\u202e", "\\u009b", "\\u007f"] {
            assert!(text.contains(escape), "no {escape} in {text}");
        }
        // Nothing is escaped before serialising: the messages hold the
        // characters themselves.
        let diagnostics: Vec<Value> = serde_json::from_slice(json).expect("a JSON array");
        let messages: Vec<&str> = diagnostics
            .iter()
            .filter_map(|d| d["message"].as_str())
            .collect();
        assert_eq!(
            messages,
            ["unknown field `f\u{1b}]0;x\u{7}\u{202e}\u{9b}\u{7f}` for conversations search"]
        );
        assert!(!text.contains("\\\\u{"), "pre-escaped text in {text}");
    };
    check(qc().args(["check", "--format", "json", query]), true);
    check(qc().args(["--format", "json", query]), false);
}

#[test]
fn file_names_and_arguments_are_shown_escaped() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("q\u{1b}[2J\u{202e}.qc");
    std::fs::write(&path, "stat = open\n").expect("the file is written");
    let stderr = stderr_of(qc().args(["check", "--color", "never", "-f"]).arg(&path));
    assert!(stderr.contains("q\\u{1b}[2J\\u{202e}.qc:1:1"), "{stderr}");

    let missing = dir.path().join("missing\u{7}.qc");
    let stderr = stderr_of(qc().args(["check", "-f"]).arg(&missing));
    assert!(stderr.contains("missing\\u{7}.qc"), "{stderr}");

    let stderr = stderr_of(qc().args(["explain", "E\u{1b}]0;x\u{7}"]));
    assert!(
        stderr.contains("unknown code `E\\u{1b}]0;x\\u{7}`"),
        "{stderr}"
    );

    // clap's own usage errors quote the argument too.
    let stderr = stderr_of(qc().args(["--per-page", "5\u{202e}x", "state = open"]));
    assert!(stderr.contains("'5\\u{202e}x'"), "{stderr}");
}

/// A server's error message is shown escaped.
#[cfg(feature = "search")]
#[test]
fn a_servers_message_is_shown_escaped() {
    use support::intercom::{Reply, Server, TOKEN};
    let server = Server::start(|_, _| {
        Reply::error(
            403,
            "forbidden",
            "no \u{1b}]0;owned\u{7}access\u{202e} \u{9b}2J",
        )
    });
    let out = Command::cargo_bin("qc")
        .expect("the qc binary")
        .env("INTERCOM_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .args(["search", "--base-url", &server.url(), "state = open"])
        .output()
        .expect("qc runs");
    assert_eq!(out.status.code(), Some(3));
    assert_terminal_safe(&out.stderr, false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no \\u{1b}]0;owned\\u{7}access\\u{202e} \\u{9b}2J"),
        "{stderr}"
    );
}

// ----- the renderer ----------------------------------------------------------

/// Every diagnostic of `source`, rendered without colour.
fn rendered(source: &str) -> String {
    let options = qc::Options {
        now: Some(1_717_200_000),
        ..qc::Options::default()
    };
    let diagnostics = qc::diagnose(source, &options);
    let text = render_all(&diagnostics, source, &RenderOptions::default());
    // The header's column is the diagnostic's, counted in the text as
    // written, not in its escaped form.
    let headers: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split("[ query:").nth(1))
        .filter_map(|l| l.split(' ').next())
        .collect();
    let locations: Vec<String> = diagnostics
        .iter()
        .filter_map(|d| d.location)
        .map(|l| format!("{}:{}", l.start.line, l.start.column))
        .collect();
    // (An excerpt of a long line has its own columns, and says so.)
    if !text.contains("long line shortened") {
        assert_eq!(headers, locations, "{text}");
    }
    assert_terminal_safe(text.as_bytes(), false);
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn carets_underline_the_escaped_text() {
    insta::assert_snapshot!(rendered("fo\u{202e}o\u{1b} = 1 AND \u{7}"));
}

#[test]
fn a_string_with_controls_before_the_problem_keeps_its_column() {
    insta::assert_snapshot!(rendered(
        "source.subject = \"\u{1b}]0;owned\u{7}\" AND stat = open"
    ));
}

#[test]
fn lines_are_the_lines_qc_counts() {
    // CRLF ends a line; a lone CR, a form feed and U+2028 do not (qc counts
    // lines by `\n`), and are shown escaped on their line.
    insta::assert_snapshot!(rendered(
        "state = open\r\nAND x\r = 1\u{c}\nAND y\u{2028} = 2\nAND stat = open"
    ));
}

#[test]
fn a_long_line_excerpt_is_escaped_too() {
    let source = format!(
        "source.subject = \"{}\" AND stat\u{1b} = open AND state = \"{}\"",
        "\u{1b}".repeat(300),
        "x".repeat(500)
    );
    insta::assert_snapshot!(rendered(&source));
}
