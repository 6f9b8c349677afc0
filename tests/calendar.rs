//! Calendar edge cases through the real binary: contacts compare dates by
//! calendar day in the workspace's zone, so `>= D` is sent as `>` the day
//! before `D` and `<= D` as `<` the day after. Where a zone skipped a
//! whole day (Pacific/Apia 2011-12-30, Pacific/Kiritimati 1994-12-31) or a
//! day has no midnight (America/Sao_Paulo 2018-11-04 began at 01:00), the
//! day before or after is a day that happened, never `D` itself. Dates past
//! the range qc reads are refused with qc's message, which gives the range.
//!
//! The expected instants were computed independently (Python's zoneinfo).

use serde_json::Value;

mod support;

use support::cli::qc;

/// The request `qc` compiles `query` to for contacts in `zone`.
fn contacts(zone: &str, query: &str) -> Value {
    let out = qc()
        .args(["--target", "contacts", "--timezone", zone, query])
        .output()
        .expect("qc runs");
    assert!(
        out.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// `(operator, value)` of a one-filter request.
fn bound(zone: &str, query: &str) -> (String, String) {
    let v = contacts(zone, query);
    (
        v["query"]["operator"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        v["query"]["value"].as_str().unwrap_or_default().to_owned(),
    )
}

fn pair(op: &str, seconds: i64) -> (String, String) {
    (op.to_owned(), seconds.to_string())
}

// Pacific/Apia: 2011-12-29 began at 1325152800 (-10:00), 2011-12-31 at
// 1325239200 (+14:00); there was no 2011-12-30.
const APIA_29: i64 = 1_325_152_800;
const APIA_31: i64 = 1_325_239_200;

#[test]
fn apia_ge_and_gt_are_different_requests() {
    let ge = bound("Pacific/Apia", "created_at >= 2011-12-31");
    let gt = bound("Pacific/Apia", "created_at > 2011-12-31");
    assert_ne!(ge, gt);
    // `>= 12-31` is `>` the day before that happened: 12-29.
    assert_eq!(ge, pair(">", APIA_29));
    assert_eq!(gt, pair(">", APIA_31));
    // `<= 12-29` is `<` the day after that happened: 12-31.
    assert_eq!(
        bound("Pacific/Apia", "created_at <= 2011-12-29"),
        pair("<", APIA_31)
    );
    assert_eq!(
        bound("Pacific/Apia", "created_at < 2011-12-29"),
        pair("<", APIA_29)
    );
}

#[test]
fn apia_days_select_what_the_text_says() {
    // Contacts created at noon on 12-29, 12-31 and 2012-01-01 in Apia.
    let lines = "{\"id\":\"29\",\"created_at\":1325196000}\n\
                 {\"id\":\"31\",\"created_at\":1325282400}\n\
                 {\"id\":\"01\",\"created_at\":1325368800}\n";
    let matched = |query: &str| -> Vec<String> {
        let out = qc()
            .args([
                "filter",
                "--target",
                "contacts",
                "--timezone",
                "Pacific/Apia",
                query,
            ])
            .write_stdin(lines)
            .output()
            .expect("qc runs");
        assert!(out.status.success(), "{query}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| v["id"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(matched("created_at >= 2011-12-31"), ["31", "01"]);
    assert_eq!(matched("created_at > 2011-12-31"), ["01"]);
    assert_eq!(matched("created_at > 2011-12-29"), ["31", "01"]);
    assert_eq!(matched("created_at <= 2011-12-29"), ["29"]);
    assert_eq!(matched("created_at <= 2011-12-31"), ["29", "31"]);
    assert_eq!(matched("created_at < 2011-12-31"), ["29"]);
}

#[test]
fn a_skipped_day_is_refused_with_the_days_around_it() {
    let out = qc()
        .args([
            "check",
            "--format",
            "json",
            "--target",
            "contacts",
            "--timezone",
            "Pacific/Apia",
            "created_at = 2011-12-30",
        ])
        .output()
        .expect("qc runs");
    assert_eq!(out.status.code(), Some(1));
    let list: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(list[0]["code"], "E0108", "{list}");
    assert_eq!(
        list[0]["message"],
        "invalid date `2011-12-30`: 2011-12-30 did not happen in Pacific/Apia: the zone skipped that day"
    );
    assert_eq!(list[0]["help"], "write `2011-12-29` or `2011-12-31`");
}

#[test]
fn yesterday_is_the_day_before_that_happened() {
    // On 2011-12-31 in Apia, yesterday was 2011-12-29.
    let out = qc()
        .args([
            "--target",
            "contacts",
            "--timezone",
            "Pacific/Apia",
            "--now",
            "2011-12-31T09:00:00+14:00",
            "created_at = yesterday",
        ])
        .output()
        .expect("qc runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["query"]["value"], APIA_29.to_string());
}

#[test]
fn kiritimati_skipped_the_last_day_of_1994() {
    // 1994-12-30 began at 788781600 (-10:00), 1995-01-01 at 788868000
    // (+14:00).
    let ge = bound("Pacific/Kiritimati", "created_at >= 1995-01-01");
    let gt = bound("Pacific/Kiritimati", "created_at > 1995-01-01");
    assert_eq!(ge, pair(">", 788_781_600));
    assert_eq!(gt, pair(">", 788_868_000));
    assert_eq!(
        bound("Pacific/Kiritimati", "created_at <= 1994-12-30"),
        pair("<", 788_868_000)
    );
}

#[test]
fn a_day_without_a_midnight_is_its_first_instant() {
    // São Paulo's 2018-11-04 began at 01:00 (1541300400): the clocks went
    // from 00:00 to 01:00. 2018-11-05 began at 1541383200.
    let ge = bound("America/Sao_Paulo", "created_at >= 2018-11-05");
    let gt = bound("America/Sao_Paulo", "created_at > 2018-11-05");
    assert_eq!(ge, pair(">", 1_541_300_400));
    assert_eq!(gt, pair(">", 1_541_383_200));
    assert_eq!(
        bound("America/Sao_Paulo", "created_at = 2018-11-04"),
        pair("=", 1_541_300_400)
    );
}

/// The diagnostics of `qc check --format json` with `args`.
fn check(args: &[&str]) -> Value {
    let out = qc()
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("qc runs");
    assert_eq!(out.status.code(), Some(1), "{args:?}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

const RANGE: &str = "out of range: qc reads dates from -9999-01-02T01:59:59Z to 9999-12-30T22:00:00Z (unix seconds -377705023201 to 253402207200)";

#[test]
fn dates_past_the_range_give_the_range() {
    for (args, value) in [
        (
            vec!["created_at > 9999-12-31T23:59:59Z"],
            "9999-12-31T23:59:59Z",
        ),
        (
            vec!["created_at > 9999-12-31T23:00:00-05:00"],
            "9999-12-31T23:00:00-05:00",
        ),
        (vec!["created_at > 9999-12-31"], "9999-12-31"),
        (vec!["created_at > now+8000y"], "now+8000y"),
        (vec!["created_at < now-9000000d"], "now-9000000d"),
        (vec!["created_at > now+99999999999h"], "now+99999999999h"),
        (
            vec!["--now", "9999-12-30T12:00:00Z", "created_at > now+1mo"],
            "now+1mo",
        ),
    ] {
        let list = check(&args);
        let d = &list[0];
        assert_eq!(d["code"], "E0108", "{args:?}: {list}");
        assert_eq!(
            d["message"],
            format!("invalid date `{value}`: {RANGE}"),
            "{args:?}"
        );
    }
}

#[test]
fn the_day_after_the_last_day_gives_the_range() {
    // In UTC, 9999-12-30 exists; the day after it does not, for qc.
    let list = check(&[
        "--target",
        "contacts",
        "--timezone",
        "UTC",
        "created_at <= 9999-12-30",
    ]);
    let d = &list[0];
    assert_eq!(d["code"], "E0108", "{list}");
    let message = d["message"].as_str().unwrap_or_default();
    assert!(message.contains("the day after 9999-12-30"), "{message}");
    assert!(message.ends_with(RANGE), "{message}");
    assert!(!message.contains("jiff") && !message.contains("parameter"));
}
