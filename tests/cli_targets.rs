//! The three search endpoints through the real binary, exactly as issue 9
//! writes the interface: `qc --target contacts|tickets|conversations`,
//! `--timezone ZONE`, `qc fields --target contacts`, `qc validate --target
//! contacts -`, exit status 2 for an unknown target or zone, `qc.toml`
//! found from the working directory and flags over it; and contacts'
//! dates matched by calendar day across the changes of daylight saving
//! time in Europe/Paris and America/New_York.

use std::path::Path;

use assert_cmd::Command;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use predicates::prelude::*;
use serde_json::{Value, json};

mod support;

use support::cli::{compiled, qc, root, transcript_with_stdin};

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).expect("a zone of the bundled database")
}

/// The first instant of `y-m-d` in `tz`, in unix seconds.
fn midnight(tz: &TimeZone, y: i16, m: i8, d: i8) -> i64 {
    let date = Date::new(y, m, d).expect("a date");
    tz.to_ambiguous_timestamp(date.to_datetime(Time::midnight()))
        .compatible()
        .expect("in range")
        .as_second()
}

fn seconds(v: &Value) -> i64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("unix seconds as a string, not {v}"))
}

// ---- --target ----------------------------------------------------------

#[test]
fn target_conversations_is_the_default() {
    let query = "state = open AND statistics.count_reopens > 2";
    let default = compiled(&[query]);
    assert_eq!(compiled(&["--target", "conversations", query]), default);
    assert_eq!(
        default,
        json!({"query": {"operator": "AND", "value": [
            {"field": "state", "operator": "=", "value": "open"},
            {"field": "statistics.count_reopens", "operator": ">", "value": 3}]}})
    );
}

#[test]
fn target_contacts() {
    insta::assert_snapshot!(transcript_with_stdin(
        &[
            "--target",
            "contacts",
            "role = lead AND owner_id >= 5 AND owner_id < 9 AND location.country = France",
        ],
        None
    ));
    // Conversations' fields are not contacts' fields.
    qc().args(["--target", "contacts", "state = open"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "unknown field `state` for contacts search",
        ));
    // `role` takes user or lead.
    qc().args(["--target", "contacts", "role = admin"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("expected one of user, lead"));
}

#[test]
fn target_tickets() {
    insta::assert_snapshot!(transcript_with_stdin(
        &[
            "--target",
            "tickets",
            "created_at >= 2024-01-01 AND created_at < 2024-02-01 AND updated_at > 2024-01-01 AND open = true",
        ],
        None
    ));
}

#[test]
fn unknown_target_is_a_usage_error() {
    qc().args(["--target", "people", "name = x"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown target `people`"))
        .stderr(predicate::str::contains(
            "conversations, contacts, tickets or companies",
        ));
    for sub in ["check", "fields", "validate", "decompile"] {
        let mut cmd = qc();
        cmd.args([sub, "--target", "contact"]);
        if sub == "check" {
            cmd.arg("name = x");
        }
        cmd.write_stdin("{}")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("unknown target `contact`"));
    }
}

// ---- --timezone --------------------------------------------------------

#[test]
fn timezone_sets_midnight_of_calendar_dates() {
    let paris = compiled(&["--timezone", "Europe/Paris", "created_at >= 2024-01-01"]);
    assert_eq!(
        seconds(&paris["query"]["value"]),
        midnight(&zone("Europe/Paris"), 2024, 1, 1)
    );
    assert_eq!(seconds(&paris["query"]["value"]), 1_704_063_600);
    let utc = compiled(&["created_at >= 2024-01-01"]);
    assert_eq!(seconds(&utc["query"]["value"]), 1_704_067_200);
    // `today` is midnight in the zone too.
    let today = compiled(&[
        "--timezone",
        "America/New_York",
        "--now",
        "2024-06-01T02:00:00Z",
        "created_at >= today",
    ]);
    assert_eq!(
        seconds(&today["query"]["value"]),
        midnight(&zone("America/New_York"), 2024, 5, 31)
    );
}

#[test]
fn unknown_timezone_is_a_usage_error() {
    qc().args(["--timezone", "Mars/Olympus_Mons", "state = open"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "unknown time zone `Mars/Olympus_Mons`",
        ));
    qc().args(["fields", "--timezone", "CEST"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown time zone `CEST`"));
}

// ---- contacts' dates across DST ----------------------------------------

/// The transcript of contacts queries in `zone`, for snapshots.
fn contacts_in(zone: &str, query: &str) -> String {
    transcript_with_stdin(
        &[
            "--target",
            "contacts",
            "--timezone",
            zone,
            "--pretty",
            query,
        ],
        None,
    )
}

/// Europe/Paris, 2024-03-31: clocks go from 02:00 to 03:00, a day of 23
/// hours. `=` is sent as the day's first instant, and the API matches the
/// whole day.
#[test]
fn paris_23_hour_day() {
    let tz = zone("Europe/Paris");
    let (start, next) = (midnight(&tz, 2024, 3, 31), midnight(&tz, 2024, 4, 1));
    assert_eq!(next - start, 23 * 3_600);
    let eq = compiled(&[
        "--target",
        "contacts",
        "--timezone",
        "Europe/Paris",
        "created_at = 2024-03-31",
    ]);
    assert_eq!(eq["query"]["operator"], "=");
    assert_eq!(seconds(&eq["query"]["value"]), start);
    assert_eq!(start, 1_711_839_600); // 2024-03-30T23:00:00Z
    // `<= D` is sent as `< (the day after D)`: the next day's first instant,
    // 23 hours later.
    let le = compiled(&[
        "--target",
        "contacts",
        "--timezone",
        "Europe/Paris",
        "created_at <= 2024-03-31",
    ]);
    assert_eq!(le["query"]["operator"], "<");
    assert_eq!(seconds(&le["query"]["value"]), next);
    assert_eq!(next, 1_711_922_400); // 2024-03-31T22:00:00Z
    insta::assert_snapshot!(
        "paris_2024_03_31",
        [
            contacts_in("Europe/Paris", "created_at = 2024-03-31"),
            contacts_in("Europe/Paris", "created_at <= 2024-03-31"),
            contacts_in("Europe/Paris", "created_at >= 2024-03-31"),
            contacts_in("Europe/Paris", "created_at != 2024-03-31"),
            contacts_in("Europe/Paris", "NOT created_at > 2024-03-31"),
            contacts_in(
                "Europe/Paris",
                "last_seen_at IN [2024-03-30, 2024-03-31, 2024-04-01]"
            ),
            contacts_in("Europe/Paris", "created_at = 2024-03-31T02:30:00+02:00"),
        ]
        .join("\n")
    );
}

/// Europe/Paris, 2024-10-27: clocks go from 03:00 back to 02:00, a day of
/// 25 hours.
#[test]
fn paris_25_hour_day() {
    let tz = zone("Europe/Paris");
    let (start, next) = (midnight(&tz, 2024, 10, 27), midnight(&tz, 2024, 10, 28));
    assert_eq!(next - start, 25 * 3_600);
    let eq = compiled(&[
        "--target",
        "contacts",
        "--timezone",
        "Europe/Paris",
        "created_at = 2024-10-27",
    ]);
    assert_eq!(seconds(&eq["query"]["value"]), start);
    let le = compiled(&[
        "--target",
        "contacts",
        "--timezone",
        "Europe/Paris",
        "created_at <= 2024-10-27",
    ]);
    assert_eq!(seconds(&le["query"]["value"]), next);
    // The day before has 24 hours: `>= D` is sent as `> (the day before)`.
    let ge = compiled(&[
        "--target",
        "contacts",
        "--timezone",
        "Europe/Paris",
        "created_at >= 2024-10-27",
    ]);
    assert_eq!(ge["query"]["operator"], ">");
    assert_eq!(seconds(&ge["query"]["value"]), midnight(&tz, 2024, 10, 26));
    insta::assert_snapshot!(
        "paris_2024_10_27",
        [
            contacts_in("Europe/Paris", "created_at = 2024-10-27"),
            contacts_in("Europe/Paris", "created_at <= 2024-10-27"),
            contacts_in("Europe/Paris", "created_at >= 2024-10-28"),
            contacts_in("Europe/Paris", "created_at NIN [2024-10-27, 2024-10-28]"),
            contacts_in("Europe/Paris", "NOT signed_up_at < 2024-10-27"),
        ]
        .join("\n")
    );
}

/// America/New_York: 2024-03-10 has 23 hours, 2024-11-03 has 25.
#[test]
fn new_york_dst_days() {
    let tz = zone("America/New_York");
    assert_eq!(
        midnight(&tz, 2024, 3, 11) - midnight(&tz, 2024, 3, 10),
        23 * 3_600
    );
    assert_eq!(
        midnight(&tz, 2024, 11, 4) - midnight(&tz, 2024, 11, 3),
        25 * 3_600
    );
    for (y, m, d) in [(2024, 3, 10), (2024, 11, 3)] {
        let day = format!("{y}-{m:02}-{d:02}");
        let args = |q: &str| {
            compiled(&[
                "--target",
                "contacts",
                "--timezone",
                "America/New_York",
                &format!("last_seen_at {q} {day}"),
            ])
        };
        let next = Date::new(y, m, d)
            .expect("a date")
            .tomorrow()
            .expect("a date");
        assert_eq!(
            seconds(&args("=")["query"]["value"]),
            midnight(&tz, y, m, d)
        );
        assert_eq!(
            seconds(&args("<=")["query"]["value"]),
            midnight(&tz, next.year(), next.month(), next.day())
        );
    }
    insta::assert_snapshot!(
        "new_york_2024_03_10_and_2024_11_03",
        [
            contacts_in("America/New_York", "created_at = 2024-03-10"),
            contacts_in("America/New_York", "created_at <= 2024-03-10"),
            contacts_in("America/New_York", "created_at != 2024-03-10"),
            contacts_in("America/New_York", "created_at = 2024-11-03"),
            contacts_in("America/New_York", "created_at <= 2024-11-03"),
            contacts_in("America/New_York", "created_at >= 2024-11-04"),
            contacts_in("America/New_York", "NOT created_at IN [2024-11-03]"),
        ]
        .join("\n")
    );
}

/// What the API selects with the DST requests, by `qc::eval` on contacts
/// created at the first and last second of the long and short days.
#[test]
fn dst_days_select_whole_days() {
    let options = qc::Options::default();
    for (zone_name, y, m, d) in [
        ("Europe/Paris", 2024, 3, 31),
        ("Europe/Paris", 2024, 10, 27),
        ("America/New_York", 2024, 3, 10),
        ("America/New_York", 2024, 11, 3),
    ] {
        let tz = zone(zone_name);
        let schema = qc::Schema::new(qc::Target::Contacts, tz.clone(), &[]);
        let compiler = qc::Compiler::new(std::sync::Arc::new(schema), options.clone());
        let date = Date::new(y, m, d).expect("a date");
        let next = date.tomorrow().expect("a date");
        let (start, end) = (
            midnight(&tz, y, m, d),
            midnight(&tz, next.year(), next.month(), next.day()),
        );
        let contact = |s: i64| json!({"type": "contact", "created_at": s});
        for (query, inside, before, after) in [
            (format!("created_at = {date}"), true, false, false),
            (format!("created_at != {date}"), false, true, true),
            (format!("created_at <= {date}"), true, true, false),
            (format!("created_at >= {date}"), true, false, true),
            (format!("created_at > {date}"), false, false, true),
            (format!("created_at < {date}"), false, true, false),
        ] {
            let q = compiler.compile(&query).expect("compiles").query;
            for s in [start, start + 1, end - 1] {
                assert_eq!(
                    qc::eval(&q, &contact(s)),
                    inside,
                    "{zone_name} {query} at {s}"
                );
            }
            assert_eq!(
                qc::eval(&q, &contact(start - 1)),
                before,
                "{zone_name} {query}"
            );
            assert_eq!(qc::eval(&q, &contact(end)), after, "{zone_name} {query}");
        }
    }
}

// ---- qc fields ---------------------------------------------------------

#[test]
fn fields_target_contacts() {
    qc().args(["fields", "--target", "contacts"])
        .assert()
        .success()
        .stdout(predicate::str::contains("andoid_sdk_version"))
        .stdout(
            predicate::str::is_match(r"role\s+String\s+= != IN NIN\s+user, lead").expect("regex"),
        )
        .stdout(
            predicate::str::is_match(r"owner_id\s+Integer\s+= != IN NIN < <= > >=").expect("regex"),
        )
        .stdout(predicate::str::contains(
            "custom_attributes.NAME is accepted unchecked",
        ))
        .stdout(predicate::str::contains("state").not());
    let out = qc()
        .args(["fields", "--target", "contacts", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<Value> = serde_json::from_slice(&out).expect("a JSON array");
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no {name} row"))
            .clone()
    };
    assert_eq!(row("role")["values"], json!(["user", "lead"]));
    // The contact model's spelling, which qc sends; the search table's
    // misspelling is noted.
    assert_eq!(row("android_sdk_version")["type"], "String");
    assert_eq!(
        row("android_sdk_version")["reference_spelling"],
        "andoid_sdk_version"
    );
    assert_eq!(row("tag_id")["type"], "String");
    assert_eq!(row("created_at")["type"], "Date");
    assert!(
        rows.iter().all(|r| r["custom"] == false),
        "no custom field without --schema"
    );
    assert_eq!(
        rows.len(),
        qc::Schema::builtin(qc::Target::Contacts).fields().len()
    );
}

#[test]
fn fields_target_tickets_and_conversations() {
    let rows = |target: &str| -> Vec<Value> {
        let out = qc()
            .args(["fields", "--target", target, "--format", "json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).expect("a JSON array")
    };
    let tickets = rows("tickets");
    let created = tickets
        .iter()
        .find(|r| r["name"] == "created_at")
        .expect("created_at");
    assert_eq!(
        created["operators"],
        json!(["=", "!=", "IN", "NIN", "<", "<=", ">", ">="])
    );
    let conversations = rows("conversations");
    let reply = conversations
        .iter()
        .find(|r| r["name"] == "statistics.time_to_admin_reply")
        .expect("a duration row");
    assert_eq!(reply["unit"], "seconds");
    assert!(conversations.iter().all(|r| r.get("custom").is_some()));
}

// ---- qc validate --target contacts - -----------------------------------

#[test]
fn validate_target_contacts_stdin() {
    let valid = r#"{"query": {"operator": "AND", "value": [
        {"field": "role", "operator": "=", "value": "lead"},
        {"field": "owner_id", "operator": ">=", "value": 5},
        {"field": "created_at", "operator": ">", "value": "1711839600"},
        {"field": "tag_id", "operator": "!=", "value": "7"}]}}"#;
    qc().args(["validate", "--target", "contacts", "-"])
        .write_stdin(valid)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    insta::assert_snapshot!(
        "validate_target_contacts",
        [
            transcript_with_stdin(
                &["validate", "--target", "contacts", "-"],
                Some(r#"{"query": {"field": "state", "operator": "=", "value": "open"}}"#),
            ),
            transcript_with_stdin(
                &["validate", "--target", "contacts", "-"],
                Some(
                    r#"{"query": {"field": "created_at", "operator": ">=", "value": "1711839600"}}"#
                ),
            ),
            transcript_with_stdin(
                &["validate", "--target", "contacts", "-"],
                Some(r#"{"query": {"field": "tag_id", "operator": "IN", "value": ["1", "2"]}}"#),
            ),
            transcript_with_stdin(
                &["validate", "--target", "contacts", "-"],
                Some(r#"{"query": {"field": "role", "operator": "=", "value": "admin"}}"#),
            ),
        ]
        .join("\n")
    );
}

#[test]
fn decompile_target_contacts_writes_days() {
    let json = compiled(&[
        "--target",
        "contacts",
        "--timezone",
        "Europe/Paris",
        "created_at = 2024-03-31 AND tag_id IN [1, 2]",
    ]);
    let out = qc()
        .args([
            "decompile",
            "--target",
            "contacts",
            "--timezone",
            "Europe/Paris",
        ])
        .write_stdin(json.to_string())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("UTF-8");
    assert_eq!(
        text,
        "created_at = 2024-03-31 AND (tag_id = 1 OR tag_id = 2)\n"
    );
    // And it compiles back to the same request.
    assert_eq!(
        compiled(&[
            "--target",
            "contacts",
            "--timezone",
            "Europe/Paris",
            text.trim()
        ]),
        json
    );
}

// ---- qc.toml -----------------------------------------------------------

fn project(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("qc.toml"), toml).expect("write qc.toml");
    let attributes = root().join("tests/fixtures/workspace/data_attributes.json");
    std::fs::copy(attributes, dir.path().join("attributes.json")).expect("copy the fixture");
    dir
}

fn in_dir(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("qc").expect("the qc binary is built");
    cmd.env("NO_COLOR", "1")
        .current_dir(dir)
        .args(args)
        .assert()
}

fn json_of(a: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&a.get_output().stdout).expect("stdout is JSON")
}

#[test]
fn qc_toml_is_found_from_the_working_directory() {
    let dir = project(
        "target = \"contacts\"\nschema = [\"attributes.json\"]\ntimezone = \"Europe/Paris\"\n",
    );
    let query = "custom_attributes.plan = pro AND created_at = 2024-03-31";
    let expected = json!({"query": {"operator": "AND", "value": [
        {"field": "custom_attributes.plan", "operator": "=", "value": "pro"},
        {"field": "created_at", "operator": "=", "value": "1711839600"}]}});
    let a = in_dir(dir.path(), &[query]).success().stderr("");
    assert_eq!(json_of(&a), expected);
    // From a directory below, too; the schema path is relative to qc.toml.
    let below = dir.path().join("queries/2024");
    std::fs::create_dir_all(&below).expect("mkdir");
    let a = in_dir(&below, &[query]).success();
    assert_eq!(json_of(&a), expected);
    // Every command reads it.
    in_dir(&below, &["fields"])
        .success()
        .stdout(predicate::str::contains("custom_attributes.plan"))
        .stdout(predicate::str::contains("andoid_sdk_version"));
    let mut cmd = Command::cargo_bin("qc").expect("the qc binary is built");
    cmd.current_dir(&below)
        .args(["validate", "-"])
        .write_stdin(expected.to_string())
        .assert()
        .success();
}

#[test]
fn flags_override_qc_toml() {
    let dir = project(
        "target = \"contacts\"\nschema = [\"attributes.json\"]\ntimezone = \"Europe/Paris\"\n",
    );
    // --timezone over the file's zone.
    let a = in_dir(
        dir.path(),
        &["--timezone", "UTC", "created_at = 2024-03-31"],
    )
    .success();
    assert_eq!(json_of(&a)["query"]["value"], "1711843200");
    // --target over the file's target: the file's attributes are contacts'.
    in_dir(dir.path(), &["--target", "tickets", "role = lead"])
        .code(1)
        .stderr(predicate::str::contains(
            "unknown field `role` for tickets search",
        ));
    let a = in_dir(
        dir.path(),
        &["--target", "conversations", "statistics.count_reopens >= 1"],
    )
    .success();
    assert_eq!(json_of(&a)["query"]["operator"], ">");
    // --schema over the file's schema list: without the data attributes,
    // ticket types describe no contact attribute, so custom attributes are
    // accepted unchecked.
    let tickets = root().join("tests/fixtures/workspace/ticket_types.json");
    let tickets = tickets.to_str().expect("a UTF-8 path");
    in_dir(
        dir.path(),
        &["--schema", tickets, "custom_attributes.plan = gold"],
    )
    .success()
    .stderr(predicate::str::contains("[W0101]"));
    in_dir(dir.path(), &["custom_attributes.plan = gold"])
        .code(1)
        .stderr(predicate::str::contains(
            "expected one of free, pro, enterprise",
        ));
}

#[test]
fn a_bad_qc_toml_is_a_usage_error() {
    let dir = project("target = \"people\"\n");
    in_dir(dir.path(), &["name = x"])
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown target `people`"));
    let dir = project("api_version = \"2.20\"\n");
    in_dir(dir.path(), &["name = x"])
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown API version `2.20`"));
    let dir = project("taget = \"contacts\"\n");
    in_dir(dir.path(), &["name = x"])
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("qc.toml"));
    let dir = project("timezone = \"Europe/Pariss\"\n");
    in_dir(dir.path(), &["name = x"])
        .code(2)
        .stderr(predicate::str::contains(
            "unknown time zone `Europe/Pariss`",
        ));
    // A flag does not rescue a file that cannot be read.
    let dir = project("schema = [\"missing.json\"]\n");
    in_dir(dir.path(), &["--target", "contacts", "name = x"])
        .code(2)
        .stderr(predicate::str::contains("missing.json"));
}

/// A fixed instant, to check the helpers against known values.
#[test]
fn helpers_agree_with_known_instants() {
    assert_eq!(
        midnight(&zone("America/New_York"), 2024, 3, 10),
        "2024-03-10T05:00:00Z"
            .parse::<Timestamp>()
            .expect("a timestamp")
            .as_second()
    );
}

// ---- qc filter ---------------------------------------------------------

/// `qc filter` evaluates contacts by their own rules: dates by calendar day
/// in the zone, here the 23-hour 2024-03-31 in Paris.
#[test]
fn filter_target_contacts_by_day_in_the_zone() {
    let tz = zone("Europe/Paris");
    let start = midnight(&tz, 2024, 3, 31);
    let next = midnight(&tz, 2024, 4, 1);
    let lines = [
        (1, start - 1), // 2024-03-30 23:59:59 in Paris
        (2, start),     // the first second of 2024-03-31
        (3, next - 1),  // its last second, 23 hours later
        (4, next),      // 2024-04-01
    ]
    .map(|(id, s)| format!(r#"{{"type":"contact","id":"{id}","created_at":{s}}}"#))
    .join("\n");
    let ids = |query: &str, zone: &str| -> Vec<String> {
        let out = qc()
            .args(["filter", "--target", "contacts", "--timezone", zone, query])
            .write_stdin(lines.clone())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8_lossy(&out)
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("a JSON line");
                v["id"].as_str().unwrap_or_default().to_owned()
            })
            .collect()
    };
    assert_eq!(ids("created_at = 2024-03-31", "Europe/Paris"), ["2", "3"]);
    assert_eq!(ids("created_at != 2024-03-31", "Europe/Paris"), ["1", "4"]);
    assert_eq!(
        ids("created_at >= 2024-03-31", "Europe/Paris"),
        ["2", "3", "4"]
    );
    assert_eq!(ids("created_at < 2024-03-31", "Europe/Paris"), ["1"]);
    // The same instants, as days in UTC: 21:59:59Z and 22:00:00Z.
    assert_eq!(ids("created_at = 2024-03-31", "UTC"), ["3", "4"]);
}

/// Tickets' `created_at` is strict, their other dates inclusive: both
/// select what the query says.
#[test]
fn filter_target_tickets() {
    let lines = [1_704_067_199, 1_704_067_200, 1_704_067_201]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(r#"{{"type":"ticket","id":"{i}","created_at":{s},"updated_at":{s}}}"#)
        })
        .collect::<Vec<_>>()
        .join("\n");
    for (query, expected) in [
        ("created_at > 2024-01-01", "matched 1 of 3\n"),
        ("created_at >= 2024-01-01", "matched 2 of 3\n"),
        ("created_at < 2024-01-01", "matched 1 of 3\n"),
        ("updated_at > 2024-01-01", "matched 1 of 3\n"),
        ("updated_at < 2024-01-02", "matched 3 of 3\n"),
    ] {
        qc().args(["filter", "--target", "tickets", query])
            .write_stdin(lines.clone())
            .assert()
            .success()
            .stderr(expected);
    }
    // `<=` on a day ends at its first second, as the warning (W0406) says.
    qc().args(["filter", "--target", "tickets", "updated_at <= 2024-01-01"])
        .write_stdin(lines.clone())
        .assert()
        .success()
        .stderr(predicate::str::contains("[W0406]"))
        .stderr(predicate::str::ends_with("matched 2 of 3\n"));
}
