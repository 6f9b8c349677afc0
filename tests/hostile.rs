//! Hostile input through the real binary: each gives a clean error (exit 1)
//! or a correct result (exit 0), never a panic, an abort or a stack
//! overflow. Nothing here is timed: growth is measured by the `sweep` bench
//! group, and the tests assert deterministic bounds (diagnostic counts).

use qc::check::MAX_GROUP_MEMBERS;
use qc::syntax::{MAX_DEPTH, MAX_ERRORS};

mod support;

use support::cli::qc;

const MB: usize = 1 << 20;

/// The outcome of one run: status, stdout, stderr.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs qc with `args`, the query on stdin, and checks that it ended cleanly.
fn run(args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
    let out = qc()
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("qc runs");
    let run = Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        run.status == 0 || run.status == 1,
        "status {} (killed by a signal if -1); stderr starts: {}",
        run.status,
        run.stderr.chars().take(500).collect::<String>()
    );
    assert!(!run.stderr.contains("panicked"), "{}", head(&run.stderr));
    assert!(!run.stderr.contains("overflow"), "{}", head(&run.stderr));
    run
}

/// Diagnostics from `qc check --format json`.
fn diagnostics(args: &[&str], stdin: impl Into<Vec<u8>>) -> (i32, Vec<serde_json::Value>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(&all, stdin);
    let list: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).expect("a JSON array");
    (r.status, list)
}

fn codes(list: &[serde_json::Value]) -> Vec<&str> {
    list.iter().filter_map(|d| d["code"].as_str()).collect()
}

fn head(s: &str) -> String {
    s.chars().take(400).collect()
}

#[test]
fn a_million_open_parentheses() {
    let input = "(".repeat(1_000_000);
    let r = run(&[], input.clone());
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains(&format!("nested more than {MAX_DEPTH} deep")),
        "{}",
        head(&r.stderr)
    );
    let (_, list) = diagnostics(&[], input);
    assert!(codes(&list).contains(&"E0006"), "{list:?}");
    assert!(list.len() <= MAX_ERRORS + 1);
}

#[test]
fn a_hundred_thousand_nots() {
    let input = format!("{}state = open", "NOT ".repeat(100_000));
    let r = run(&[], input);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains(&format!("nested more than {MAX_DEPTH} deep")),
        "{}",
        head(&r.stderr)
    );
}

#[test]
fn nots_up_to_the_depth_limit_compile() {
    // An even number of NOTs cancels out.
    let input = format!("{}state = open", "NOT ".repeat(MAX_DEPTH));
    let r = run(&[], input);
    assert_eq!(r.status, 0, "{}", head(&r.stderr));
    assert!(r.stdout.contains(r#""operator":"=""#), "{}", r.stdout);
}

#[test]
fn ten_megabytes_over_the_default_limit() {
    let input = "state = open AND ".repeat(10 * MB / 17);
    let r = run(&[], input);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains(&format!(
            "over the limit of {} bytes",
            qc::DEFAULT_MAX_INPUT_BYTES
        )),
        "{}",
        head(&r.stderr)
    );
    assert!(r.stderr.contains("--max-input-bytes"));
}

#[test]
fn ten_megabytes_with_the_limit_raised() {
    // 600,000 comparisons in one AND group: valid syntax, too many filters,
    // and more than qc rewrites or plans (4096).
    let mut input = "state = open AND ".repeat(10 * MB / 17);
    input.push_str("read = true");
    let limit = (11 * MB).to_string();
    let r = run(
        &["--no-rewrite", "--max-input-bytes", &limit],
        input.clone(),
    );
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains(&format!(
            "the API allows at most {MAX_GROUP_MEMBERS} per AND or OR group"
        )),
        "{}",
        head(&r.stderr)
    );
    // The one excerpt would be the whole 10 MB line: it is not printed.
    assert!(
        r.stderr.len() < 64 * 1024,
        "{} bytes of stderr",
        r.stderr.len()
    );
    let (_, list) = diagnostics(
        &["--no-rewrite", "--max-input-bytes", &limit],
        input.clone(),
    );
    assert_eq!(codes(&list), ["E0202"], "{list:?}");
    let (status, list) = diagnostics(&["--max-input-bytes", &limit], input);
    assert_eq!(
        (status, codes(&list)),
        (1, vec!["E0203", "E0202"]),
        "{list:?}"
    );
    let first = list[0]["message"].as_str().unwrap_or_default();
    assert!(first.contains("at most 4096"), "{list:?}");
}

#[test]
fn ten_megabytes_of_errors_are_capped() {
    // Every comparison names an unknown field: the checker stops at the cap.
    let mut input = "sate = open AND ".repeat(10 * MB / 16);
    input.push_str("sate = open");
    let limit = (11 * MB).to_string();
    let (status, list) = diagnostics(&["--max-input-bytes", &limit], input.clone());
    assert_eq!(status, 1);
    assert_eq!(list.len(), MAX_ERRORS + 1, "{:?}", &list[..3]);
    let last = &list[MAX_ERRORS];
    assert_eq!(last["code"], "E0010");
    assert!(
        last["message"]
            .as_str()
            .is_some_and(|m| m.contains(&MAX_ERRORS.to_string())),
        "{last}"
    );
    let r = run(&["--max-input-bytes", &limit], input);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.len() < 1024 * 1024,
        "{} bytes of stderr",
        r.stderr.len()
    );
}

#[test]
fn ten_megabytes_of_comments() {
    // Comments are set aside as they are lexed: a query under ten
    // megabytes of them compiles.
    let mut input = "# a comment line\n-- and another one\n".repeat(10 * MB / 36);
    input.push_str("state = open # the query\n");
    let limit = (11 * MB).to_string();
    let r = run(&["--max-input-bytes", &limit], input);
    assert_eq!(r.status, 0, "{}", head(&r.stderr));
    assert!(r.stdout.contains("\"open\""), "{}", head(&r.stdout));
}

#[test]
fn a_megabyte_of_smart_quotes_is_capped() {
    // A hundred thousand values in typographic quotes: the warnings stop
    // at the cap.
    let mut input = "tag_ids IN [".to_owned();
    input.push_str(&"“1”, ".repeat(MB / 10));
    input.push_str("“2”]");
    let limit = (2 * MB).to_string();
    let (_, list) = diagnostics(&["--max-input-bytes", &limit], input);
    let smart = codes(&list).iter().filter(|&&c| c == "W0011").count();
    assert_eq!(smart, MAX_ERRORS, "{:?}", &list[..3]);
}

#[test]
fn syntax_errors_are_capped() {
    let (status, list) = diagnostics(&[], ")".repeat(100_000));
    assert_eq!(status, 1);
    assert_eq!(list.len(), MAX_ERRORS + 1);
    assert_eq!(list[MAX_ERRORS]["code"], "E0010");
    assert!(
        list[MAX_ERRORS]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("{MAX_ERRORS}"))),
        "{}",
        list[MAX_ERRORS]
    );
}

#[test]
fn a_list_of_a_million_values() {
    let values: Vec<String> = (0..1_000_000).map(|i| i.to_string()).collect();
    let input = format!("tag_ids IN [{}]", values.join(", "));
    let limit = (16 * MB).to_string();
    let r = run(&["--max-input-bytes", &limit], input);
    assert_eq!(r.status, 0, "{}", head(&r.stderr));
    let json: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let list = json["query"]["value"].as_array().expect("a list");
    assert_eq!(list.len(), 1_000_000);
    assert_eq!(list[999_999], "999999");
}

#[test]
fn nul_bytes() {
    let r = run(&[], "state = open\0 AND\0\0 read = true");
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("unexpected character: a NUL byte"),
        "{}",
        r.stderr
    );
    let (_, list) = diagnostics(&[], "\0".repeat(MB));
    assert_eq!(list.len(), MAX_ERRORS + 1);
}

#[test]
fn invalid_utf8() {
    let mut input = b"state = open AND source.body = ".to_vec();
    input.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    let r = run(&[], input);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("not valid UTF-8 (invalid byte at offset 31)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_two_megabyte_single_token() {
    let limit = (3 * MB).to_string();
    // A bare word: not a field.
    let r = run(&["--max-input-bytes", &limit], "a".repeat(2 * MB));
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("expected an operator after"),
        "{}",
        head(&r.stderr)
    );
    assert!(
        r.stderr.len() < 64 * 1024,
        "{} bytes of stderr",
        r.stderr.len()
    );
    // A quoted value: a correct result.
    let value = "x".repeat(2 * MB);
    let r = run(
        &["--max-input-bytes", &limit],
        format!("source.subject ~ \"{value}\""),
    );
    assert_eq!(r.status, 0, "{}", head(&r.stderr));
    let json: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(json["query"]["value"].as_str().map(str::len), Some(2 * MB));
    // An unterminated string running to the end.
    let r = run(
        &["--max-input-bytes", &limit],
        format!("source.subject ~ \"{value}"),
    );
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("unterminated string"),
        "{}",
        head(&r.stderr)
    );
}

#[test]
fn deeply_nested_lists() {
    let n = 400_000;
    let input = format!("tag_ids IN {}{}", "[".repeat(n), "]".repeat(n));
    let r = run(&[], input);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("lists cannot be nested"),
        "{}",
        head(&r.stderr)
    );
    // Unclosed.
    let r = run(&[], format!("tag_ids IN {}", "[".repeat(n)));
    assert_eq!(r.status, 1);
}

#[test]
fn escape_floods_are_capped() {
    // Invalid escapes and unfinished unicode escapes, half a megabyte each.
    for escape in ["\\q", "\\u{", "\\u{110000}"] {
        let body = escape.repeat(MB / 2 / escape.len());
        let (status, list) = diagnostics(&[], format!("source.body = \"{body}\""));
        assert_eq!(status, 1);
        assert_eq!(list.len(), MAX_ERRORS + 1, "{escape}");
        assert_eq!(list[MAX_ERRORS]["code"], "E0010");
    }
}

#[test]
fn the_depth_limit_is_named_in_the_explanation() {
    let out = qc().args(["explain", "E0006"]).output().expect("qc runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{MAX_DEPTH} levels")), "{text}");
    let out = qc().args(["explain", "E0010"]).output().expect("qc runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{MAX_ERRORS} ")), "{text}");
}
