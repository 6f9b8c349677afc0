//! The optimiser's search is bounded, through the real binary: queries of
//! 26 to 120 KB in the shapes that make it work hardest are answered (by a
//! request, a plan, or E0203 saying why not) well within a time bound, and
//! `qc plan`'s advice names the real reason a query cannot be planned.
//!
//! The bound is generous (10 s) because these tests run debug builds on a
//! shared machine; a release build answers each in well under a second
//! (`benches/optimise.rs`).

use std::time::{Duration, Instant};

use serde_json::Value;

mod support;

use support::cli::qc;

const BOUND: Duration = Duration::from_secs(10);

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs qc with `args` and the query on stdin, within [`BOUND`].
fn timed(args: &[&str], query: &str) -> Run {
    let started = Instant::now();
    let out = qc()
        .args(args)
        .arg("--max-input-bytes")
        .arg("200000")
        .write_stdin(query)
        .timeout(BOUND * 3)
        .output()
        .expect("qc runs");
    let took = started.elapsed();
    assert!(
        took < BOUND,
        "qc {args:?} on {} bytes took {took:?}",
        query.len()
    );
    Run {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// An AND of `groups` ORs of two distinct comparisons (26 KB for 500).
fn and_of_ors(groups: usize) -> String {
    (0..groups)
        .map(|g| format!("(source.subject ~ a{g} OR source.subject ~ b{g})"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The first diagnostic of `qc check --format json`.
fn first_diagnostic(query: &str) -> Value {
    let run = timed(&["check", "--format", "json"], query);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let list: Value = serde_json::from_str(&run.stdout).expect("JSON");
    list[0].clone()
}

#[test]
fn five_hundred_or_groups_through_compile_check_and_plan() {
    let query = and_of_ors(500);
    assert!((26_000..27_000).contains(&query.len()), "{}", query.len());

    let compiled = timed(&["--format", "json"], &query);
    assert_eq!(compiled.status, Some(1));
    assert!(compiled.stdout.is_empty());

    let d = first_diagnostic(&query);
    assert_eq!(d["code"], "E0203", "{d}");
    assert_eq!(
        d["message"],
        "no single request can express this query, and no plan can: the query needs more than 50 requests"
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap_or_default()
            .contains("--max-plan"),
        "{d}"
    );

    let planned = timed(&["plan"], &query);
    assert_eq!(planned.status, Some(1));
    assert!(planned.stdout.is_empty());
    assert_eq!(
        planned.stderr.trim_end(),
        "error: cannot plan the query: the query needs more than 50 requests\n\
         help: allow more requests than 50 (`--max-plan N` on `qc plan` and `qc search`), or narrow the query"
    );
    // More requests allowed: still refused at once, by count.
    let more = timed(&["plan", "--max-plan", "100000"], &query);
    assert!(
        more.stderr.contains("needs more than 100000 requests"),
        "{}",
        more.stderr
    );
}

#[test]
fn the_largest_shapes_are_answered_in_bounded_time() {
    let chained: Vec<String> = (0..2_048)
        .map(|g| format!("(source.subject ~ w{g} OR source.subject ~ w{})", g + 1))
        .collect();
    let or_of_ands: Vec<String> = (0..2_048)
        .map(|g| format!("(source.subject ~ a{g} AND source.body ~ b{g})"))
        .collect();
    let factoring: Vec<String> = (0..2_048)
        .map(|g| format!("(state = open AND source.subject ~ w{g})"))
        .collect();
    let folding: Vec<String> = (0..4_096).map(|i| format!("tag_ids = {i}")).collect();
    let cases = [
        ("and_of_ors", and_of_ors(2_048)),
        ("chained", chained.join(" AND ")),
        ("or_of_ands", or_of_ands.join(" OR ")),
        ("factoring", factoring.join(" OR ")),
        ("folding", folding.join(" OR ")),
    ];
    for (name, query) in &cases {
        assert!(query.len() > 26_000 && query.len() < 125_000, "{name}");
        let run = timed(&["check", "--format", "json"], query);
        let list: Value = serde_json::from_str(&run.stdout).expect("JSON");
        match *name {
            // One IN of 4,096 tags: one request, with the note.
            "folding" => {
                assert_eq!(run.status, Some(0), "{name}: {list}");
                assert_eq!(list[0]["code"], "N0301", "{name}: {list}");
            }
            // ORs that share comparisons: the search runs until the budget
            // is spent, and says so.
            "chained" => {
                assert_eq!(list[0]["code"], "E0203", "{name}: {list}");
                let message = list[0]["message"].as_str().unwrap_or_default();
                assert!(
                    message.contains("budget of 1000000 steps ran out"),
                    "{message}"
                );
            }
            // 2,048 alternatives of two filters each, 15 to a request.
            "or_of_ands" | "factoring" => {
                assert_eq!(list[0]["code"], "E0203", "{name}: {list}");
                let message = list[0]["message"].as_str().unwrap_or_default();
                assert!(
                    message.contains("has 137 requests, more than the 50 allowed"),
                    "{name}: {message}"
                );
            }
            _ => {
                assert_eq!(list[0]["code"], "E0203", "{name}: {list}");
                let message = list[0]["message"].as_str().unwrap_or_default();
                assert!(
                    message.contains("more than 50 requests"),
                    "{name}: {message}"
                );
            }
        }
    }
}

#[test]
fn plan_advice_names_the_real_reason() {
    // An AND of 226 comparisons that do not fold: more than 15 × 15, and
    // no OR to split on. More requests would not help.
    let ands: Vec<String> = (0..226)
        .map(|i| format!("source.subject !~ w{i}"))
        .collect();
    let planned = timed(&["plan"], &ands.join(" AND "));
    assert_eq!(planned.status, Some(1));
    assert_eq!(
        planned.stderr.trim_end(),
        "error: cannot plan the query: an AND group of 226 filters does not fit one request, and it has no OR to split the query on\n\
         help: one request holds at most 225 filters joined by AND, and a union of requests cannot narrow a result; fold comparisons on one field into NIN [...], or drop some filters and apply them to the results"
    );
    // The same group inside an OR: the diagnostic points at the group.
    let query = format!("state = open OR ({})", ands.join(" AND "));
    let d = first_diagnostic(&query);
    assert_eq!(d["code"], "E0203", "{d}");
    assert_eq!(d["range"]["start"], 17, "{d}");
    assert!(
        !d["help"].as_str().unwrap_or_default().contains("max-plan"),
        "{d}"
    );
}
