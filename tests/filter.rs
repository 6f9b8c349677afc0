//! `qc filter` on the real binary: a generated file of 100,000
//! conversations checked against a computation that does not use qc,
//! malformed and over-long lines, stdin, and exit codes.

use std::collections::BTreeSet;
use std::io::Write;

use predicates::prelude::*;

mod support;

use support::cli::qc;

/// SplitMix64: a small deterministic PRNG, so the data is the same on
/// every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// What the test knows about a generated conversation.
struct Conversation {
    id: u64,
    state: &'static str,
    tags: Vec<u64>,
    count_reopens: Option<i64>,
    /// The body's words, in lower case, without markup or punctuation.
    words: Vec<&'static str>,
    created_at: i64,
    email: String,
}

const WORDS: &[&str] = &[
    "hello", "refund", "order", "please", "thanks", "broken", "invoice", "help", "login", "cancel",
];
const JAN_2024: i64 = 1_704_067_200;
const MAR_2024: i64 = 1_709_251_200;

fn generate(rng: &mut Rng, id: u64) -> Conversation {
    let state = rng.pick(&["open", "closed", "snoozed"]);
    let tags = (0..rng.below(4)).map(|_| 1 + rng.below(10)).collect();
    let count_reopens = (rng.below(5) != 0).then(|| rng.below(6) as i64);
    let words = (0..1 + rng.below(8)).map(|_| rng.pick(WORDS)).collect();
    let created_at = JAN_2024 + rng.below(366 * 86_400) as i64;
    let email = format!(
        "{}{}@{}",
        rng.pick(&["jane", "joe", "ann"]),
        rng.below(100),
        rng.pick(&["example.com", "spam.net", "example.org"])
    );
    Conversation {
        id,
        state,
        tags,
        count_reopens,
        words,
        created_at,
        email,
    }
}

/// The conversation as one line of JSON, in the model's shape, with the
/// body's words dressed up: capitals, punctuation and HTML tags.
///
/// Written with `format!` rather than built as a `serde_json::Value`: every
/// string here is plain ASCII needing no escapes, and building 100,000
/// values took most of this test's time in a debug build. A line that is not
/// valid JSON would be reported by `qc filter`, which the test checks is not
/// the case.
fn to_json_line(rng: &mut Rng, c: &Conversation) -> String {
    let body: Vec<String> = c
        .words
        .iter()
        .map(|w| match rng.below(5) {
            0 => format!("<b>{w}</b>"),
            1 => format!("{w},"),
            2 => {
                let mut s = w.to_string();
                s[..1].make_ascii_uppercase();
                s
            }
            _ => w.to_string(),
        })
        .collect();
    let tags: Vec<String> = c
        .tags
        .iter()
        .map(|t| format!(r#"{{"type":"tag","id":"{t}","name":"t{t}"}}"#))
        .collect();
    let count_reopens = c
        .count_reopens
        .map_or_else(|| "null".to_owned(), |n| n.to_string());
    format!(
        concat!(
            r#"{{"type":"conversation","id":"{id}","created_at":{created_at},"#,
            r#""state":"{state}","open":{open},"#,
            r#""tags":{{"type":"tag.list","tags":[{tags}]}},"#,
            r#""source":{{"type":"email","body":"<p>{body}</p>","#,
            r#""author":{{"type":"user","email":"{email}"}}}},"#,
            r#""statistics":{{"count_reopens":{count_reopens}}}}}"#
        ),
        id = c.id,
        created_at = c.created_at,
        state = c.state,
        open = c.state == "open",
        tags = tags.join(","),
        body = body.join(" "),
        email = c.email,
        count_reopens = count_reopens,
    )
}

const QUERY: &str = "state = open AND (tag_ids IN [3, 7] OR statistics.count_reopens > 4) \
     AND source.body = refund AND created_at >= 2024-03-01 AND source.author.email !~ spam";

/// The query above, in plain Rust over the generated data: `>` is strict,
/// `>=` inclusive.
fn expected(c: &Conversation) -> bool {
    c.state == "open"
        && (c.tags.iter().any(|&t| t == 3 || t == 7) || c.count_reopens.is_some_and(|n| n > 4))
        && c.words.contains(&"refund")
        && c.created_at >= MAR_2024
        && !c.email.contains("spam")
}

#[test]
fn filters_100000_generated_conversations() {
    let mut rng = Rng(2024);
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    let mut want = BTreeSet::new();
    {
        let mut w = std::io::BufWriter::new(file.as_file_mut());
        for id in 0..100_000 {
            let c = generate(&mut rng, id);
            if expected(&c) {
                want.insert(c.id.to_string());
            }
            writeln!(w, "{}", to_json_line(&mut rng, &c)).expect("write");
        }
        w.flush().expect("flush");
    }
    // A count that is neither tiny nor everything tests something.
    assert!(want.len() > 500 && want.len() < 10_000, "{}", want.len());

    let out = qc()
        .args(["filter", QUERY])
        .arg(file.path())
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, format!("matched {} of 100000\n", want.len()));
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let mut got = BTreeSet::new();
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        got.insert(v["id"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(stdout.lines().count(), want.len());
    assert_eq!(got, want);
}

#[test]
fn prints_matching_lines_unchanged() {
    // Key order, spacing and escapes are kept as they were.
    let input =
        "{ \"state\" : \"open\",\"id\":\"1\", \"x\":\"caf\\u00e9\" }\n{\"state\":\"closed\"}\n";
    qc().args(["filter", "state = open"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout("{ \"state\" : \"open\",\"id\":\"1\", \"x\":\"caf\\u00e9\" }\n")
        .stderr("matched 1 of 2\n");
}

fn malformed_input() -> String {
    [
        r#"{"id":"1","state":"open"}"#,
        r#"{"id":"2","state": "#,
        "",
        "[1, 2]",
        r#"{"id":"3","state":"closed"}"#,
        &format!(r#"{{"id":"4","state":"open","pad":"{}"}}"#, "x".repeat(200)),
        r#"{"id":"5","state":"open"}"#,
    ]
    .join("\n")
}

#[test]
fn malformed_lines_are_reported_and_skipped() {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(malformed_input().as_bytes()).expect("write");
    let name = file.path().display().to_string();
    qc().args(["filter", "state = open", "--max-line-bytes", "100"])
        .arg(file.path())
        .assert()
        .success()
        // The last line had no newline; it gets one.
        .stdout("{\"id\":\"1\",\"state\":\"open\"}\n{\"id\":\"5\",\"state\":\"open\"}\n")
        .stderr(format!(
            "warning: {name}:2: malformed JSON at column 19: EOF while parsing a value; line skipped\n\
             warning: {name}:4: expected a JSON object, found an array; line skipped\n\
             warning: {name}:6: the line is 234 bytes, longer than the limit of 100 bytes (--max-line-bytes); line skipped\n\
             matched 2 of 3 (3 lines skipped)\n"
        ));
}

#[test]
fn strict_stops_at_the_first_malformed_line() {
    qc().args(["filter", "--strict", "state = open"])
        .write_stdin(malformed_input())
        .assert()
        .code(1)
        .stdout("{\"id\":\"1\",\"state\":\"open\"}\n")
        .stderr(
            "error: stdin:2: malformed JSON at column 19: EOF while parsing a value\n\
             matched 1 of 1; stopped at line 2 (--strict)\n",
        );
}

#[test]
fn invalid_query_gives_diagnostics_and_exit_1() {
    qc().args(["filter", "stat = open", "-"])
        .write_stdin("{}\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("did you mean `state`?"));
}

#[test]
fn unreadable_file_is_exit_2() {
    qc().args(["filter", "state = open", "/nonexistent/conversations.jsonl"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: cannot read /nonexistent/conversations.jsonl:",
        ));
}

#[test]
fn now_fixes_relative_dates() {
    let input =
        "{\"id\":\"1\",\"created_at\":1717113600}\n{\"id\":\"2\",\"created_at\":1716508800}\n";
    // 2024-05-31 and 2024-05-24; a week before 2024-06-01 is 2024-05-25.
    qc().args([
        "filter",
        "--now",
        "2024-06-01T00:00:00Z",
        "created_at > now-7d",
    ])
    .write_stdin(input)
    .assert()
    .success()
    .stdout("{\"id\":\"1\",\"created_at\":1717113600}\n")
    .stderr("matched 1 of 2\n");
}
