//! The meaning property (issue 10): for generated queries on every target,
//! the compiled request, evaluated by `qc::eval` with the API's documented
//! meaning of each operator, selects exactly the objects that the query
//! text selects under its mathematical meaning.
//!
//! The mathematical meaning is computed here, by a reference evaluator that
//! shares nothing with qc but the schema rows it reads types from:
//!
//! - `>` and `<` are strict, `>=` and `<=` inclusive, on every target and
//!   in every API version;
//! - contacts' Date fields compare calendar days (`=` the same day, `>` a
//!   later day, `<` an earlier day): before Preview, in the workspace's
//!   zone; in Preview, the standard timestamps compare to the second and
//!   only Date custom attributes by day, in UTC. Every other date compares
//!   to the second (see [`day_zone`], written from the versions' texts,
//!   not read from qc's schema);
//! - `YYYY-MM-DD`, `today` and `yesterday` are midnight in the workspace's
//!   zone, or on a field compared by day, in that field's zone; `now-1mo`
//!   is calendar arithmetic there, `90s`/`2h` are seconds;
//! - a field holds a set of values: none when it is missing or null, several
//!   for the id lists. A ticket type's attribute holds values only on
//!   tickets of that type (or of no stated type); a name several ticket
//!   types' attributes share means the attribute of the ticket's type;
//! - where the reference reads `>`/`<` two ways (tickets' `created_at`),
//!   the request uses neither, so that it means the text under both; `=`, `IN`, `~`, `^`, `$`, `>`, `>=`, `<`, `<=` match
//!   when one value does; `!=`, `NIN` and `!~` when no value matches the
//!   positive operator; `= null` when there is no value, `!= null` when
//!   there is one (the rules at the top of `src/eval.rs`);
//! - `NOT` is pushed into the comparisons: De Morgan on groups, and the
//!   complement of each operator (`=`/`!=`, `IN`/`NIN`, `~`/`!~`, `>`/`<=`,
//!   `>=`/`<`). On a field with one value this is boolean negation, which
//!   the test checks too.
//!
//! The generated objects hold every field of the schema (absent, null or
//! set, at one of the places `eval` reads it from), with values near the
//! query's values and near the days where daylight saving time starts and
//! ends in Europe/Paris and America/New_York, in every JSON form `eval`
//! reads (numbers, strings of digits, RFC 3339 text).

mod support;

use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use qc::schema::{FieldDef, FieldType, Matching, Order, Schema, Workspace};
use qc::syntax::lexical::{field_text, write_value};
use qc::target::ApiVersion;
use qc::{Code, Compiler, Op, Options, Target};
use serde_json::{Map, Value, json};
use support::generate::Choices;
use support::oracle::complement;

/// Now: 2024-06-01T10:00:00Z.
const NOW: i64 = 1_717_236_000;

// ---- the schemas -------------------------------------------------------

/// One target in one workspace: its compiler and the fields the queries
/// and objects use.
struct Case {
    name: String,
    version: ApiVersion,
    tz: TimeZone,
    schema: &'static Schema,
    compiler: Compiler,
    /// Every field of the schema, less those that `eval` reads from the
    /// same place in an object as an earlier one (tickets' `title` and the
    /// ticket attribute `_default_title_`).
    fields: Vec<&'static FieldDef>,
}

fn workspace(file: &str) -> Workspace {
    let path = format!(
        "{}/tests/fixtures/workspace/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("the fixture is readable");
    Workspace::from_json(&text).unwrap_or_else(|d| panic!("{path}: {d:?}"))
}

/// True when two dotted paths reach the same place or one is inside the
/// other.
fn overlap(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

fn case(target: Target, zone: &str, files: &[&str]) -> Case {
    case_in(target, ApiVersion::DEFAULT, Some(zone), files)
}

/// A case of `version` in `zone`, or (`None`) in a workspace whose zone
/// is not configured: its days are then UTC days, sent as their midday.
fn case_in(target: Target, version: ApiVersion, zone: Option<&str>, files: &[&str]) -> Case {
    let configured = zone.map(|z| qc::schema::timezone(z).expect("a known zone"));
    let tz = configured.clone().unwrap_or(TimeZone::UTC);
    let zone = zone.unwrap_or("an unconfigured zone");
    let workspaces: Vec<Workspace> = files.iter().map(|f| workspace(f)).collect();
    let schema = Schema::for_version_with_zone(target, version, configured, &workspaces)
        .expect("the version searches the target");
    let schema: &'static Schema = Box::leak(Box::new(schema));
    let options = Options {
        now: Some(NOW),
        ..Options::default()
    };
    let compiler = Compiler::new(Arc::new(schema.clone()), options);
    let mut fields: Vec<&'static FieldDef> = Vec::new();
    for f in schema.fields() {
        let clash = fields.iter().any(|g| {
            f.paths.iter().any(|p| {
                g.paths
                    .iter()
                    .any(|q| overlap(&p.to_string(), &q.to_string()))
            })
        });
        if !clash {
            fields.push(f);
        }
    }
    let name = if files.is_empty() {
        format!("{target} {version} in {zone}")
    } else {
        format!("{target} {version} in {zone} with {}", files.join(", "))
    };
    Case {
        name,
        version,
        tz,
        schema,
        compiler,
        fields,
    }
}

static CASES: LazyLock<Vec<Case>> = LazyLock::new(|| {
    vec![
        case(Target::Conversations, "UTC", &[]),
        case(
            Target::Conversations,
            "Europe/Paris",
            &["data_attributes.json"],
        ),
        case(Target::Contacts, "UTC", &[]),
        case(Target::Contacts, "Europe/Paris", &["data_attributes.json"]),
        case(
            Target::Contacts,
            "America/New_York",
            &["data_attributes.json"],
        ),
        case(Target::Tickets, "UTC", &["ticket_types.json"]),
        case(Target::Tickets, "America/New_York", &["ticket_types.json"]),
        case_in(
            Target::Contacts,
            ApiVersion::Preview,
            Some("Europe/Paris"),
            &["data_attributes.json"],
        ),
        case_in(
            Target::Companies,
            ApiVersion::Preview,
            Some("America/New_York"),
            &["data_attributes.json"],
        ),
        case_in(
            Target::Contacts,
            ApiVersion::DEFAULT,
            None,
            &["data_attributes.json"],
        ),
        case(Target::Tickets, "UTC", &["ticket_types_shared.json"]),
    ]
});

/// Every target in every API version that searches it, each in a zone
/// and with the workspace's attributes.
static VERSION_CASES: LazyLock<Vec<Case>> = LazyLock::new(|| {
    const ZONES: [&str; 3] = ["Europe/Paris", "America/New_York", "UTC"];
    let mut cases = Vec::new();
    for (i, version) in ApiVersion::ALL.into_iter().enumerate() {
        for target in Target::ALL {
            if !qc::schema::versions_of(target).contains(&version) {
                continue;
            }
            let file = match target {
                Target::Tickets => "ticket_types.json",
                _ => "data_attributes.json",
            };
            cases.push(case_in(
                target,
                version,
                Some(ZONES[i % ZONES.len()]),
                &[file],
            ));
        }
    }
    cases
});

/// The zone whose calendar days a field is compared by, as each version
/// of the API documents it; `None` when it compares to the second.
/// Before Preview, contacts' dates (standard timestamps and Date custom
/// attributes alike) are days in the workspace's zone; in Preview, the
/// standard timestamps compare to the exact second, and Date custom
/// attributes are days in UTC whatever the workspace's zone. No other
/// endpoint matches by day.
fn day_zone(case: &Case, f: &FieldDef) -> Option<TimeZone> {
    if case.schema.target() != Target::Contacts || f.ty != FieldType::Date {
        return None;
    }
    if case.version == ApiVersion::Preview {
        f.is_custom().then_some(TimeZone::UTC)
    } else {
        Some(case.tz.clone())
    }
}

/// The zone of a field's calendar dates (`2024-01-01`, `today`): its day
/// zone, else the workspace's.
fn date_zone(case: &Case, f: &FieldDef) -> TimeZone {
    day_zone(case, f).unwrap_or_else(|| case.tz.clone())
}

#[test]
fn the_cases_cover_every_field_kind() {
    for case in CASES.iter() {
        assert!(case.fields.len() > 10, "{}", case.name);
        // Only fields that share their place with an earlier one are left
        // out: `title` and `description` on tickets, and the attributes
        // whose name another ticket type's attribute has (the tickets of
        // each type hold their own).
        let twins = case
            .schema
            .fields()
            .filter(|f| {
                f.alias.as_deref().is_some_and(|a| {
                    case.schema
                        .fields_named(a)
                        .first()
                        .is_some_and(|first| first.name != f.name)
                })
            })
            .count();
        let left_out = case.schema.fields().len() - case.fields.len() - twins;
        assert!(left_out <= 2, "{}: {left_out} fields left out", case.name);
    }
    // Every type, and every meaning of `>`, is generated.
    let fields: Vec<&FieldDef> = CASES
        .iter()
        .flat_map(|c| c.fields.iter().copied())
        .collect();
    let has = |ty: FieldType, order: fn(&Order) -> bool| {
        fields.iter().any(|f| f.ty == ty && order(&f.order))
    };
    let inclusive = |o: &Order| *o == Order::Inclusive;
    let strict = |o: &Order| *o == Order::Strict;
    let ambiguous = |o: &Order| *o == Order::Ambiguous;
    let by_day = |o: &Order| matches!(o, Order::Day(d) if d.is_configured());
    let by_utc_day = |o: &Order| matches!(o, Order::Day(d) if !d.is_configured());
    for (ty, order) in [
        (FieldType::Integer, inclusive as fn(&Order) -> bool),
        (FieldType::Integer, strict),
        (FieldType::Float, inclusive),
        (FieldType::Float, strict),
        (FieldType::Date, inclusive),
        (FieldType::Date, ambiguous),
        (FieldType::Date, by_day),
        (FieldType::Date, by_utc_day),
        (FieldType::Boolean, strict),
        (FieldType::String, strict),
    ] {
        assert!(has(ty, order), "no {ty:?} field of that order");
    }
    assert!(fields.iter().any(|f| f.many));
    assert!(fields.iter().any(|f| f.duration));
    assert!(fields.iter().any(|f| f.matching == Matching::Words));
    assert!(fields.iter().any(|f| f.is_enumerated()));
    assert!(fields.iter().any(|f| f.alias.is_some()));
    assert!(fields.iter().any(|f| !f.value_ids.is_empty()));
    assert!(fields.iter().any(|f| f.held_by.is_some()));
    // Names that several ticket types' attributes share.
    assert!(CASES.iter().any(|c| fields.iter().any(|f| {
        f.alias
            .as_deref()
            .is_some_and(|a| c.schema.fields_named(a).len() > 1)
    })));
}

// ---- calendar days, computed here --------------------------------------

/// The first instant of `date` in `tz`.
fn midnight(date: Date, tz: &TimeZone) -> i64 {
    tz.to_ambiguous_timestamp(date.to_datetime(Time::midnight()))
        .compatible()
        .expect("in range")
        .as_second()
}

/// The calendar day of `seconds` in `tz`.
fn day(seconds: i64, tz: &TimeZone) -> Date {
    tz.to_datetime(Timestamp::from_second(seconds).expect("in range"))
        .date()
}

/// Days around the changes of daylight saving time in Europe/Paris
/// (2024-03-31: 23 hours; 2024-10-27: 25 hours) and America/New_York
/// (2024-03-10, 2024-11-03), and around now.
const DAYS: &[(i16, i8, i8)] = &[
    (2024, 3, 9),
    (2024, 3, 10),
    (2024, 3, 11),
    (2024, 3, 30),
    (2024, 3, 31),
    (2024, 4, 1),
    (2024, 10, 26),
    (2024, 10, 27),
    (2024, 10, 28),
    (2024, 11, 2),
    (2024, 11, 3),
    (2024, 11, 4),
    (2024, 5, 31),
    (2024, 6, 1),
];

fn some_day(ch: &mut Choices<'_>) -> Date {
    let (y, m, d) = DAYS[ch.pick(DAYS.len())];
    Date::new(y, m, d).expect("a date")
}

/// Offsets from midnight: around it, around the hour that DST skips or
/// repeats (2 to 3 a.m.), and around the end of a 23, 24 or 25 hour day.
const OFFSETS: &[i64] = &[
    -1, 0, 1, 3_599, 3_600, 7_200, 10_800, 43_200, 82_799, 82_800, 86_399, 86_400, 89_999, 90_000,
];

/// A date as a query writes it, and its unix seconds.
fn query_date(ch: &mut Choices<'_>, tz: &TimeZone) -> (String, i64) {
    let d = some_day(ch);
    match ch.pick(8) {
        0..=2 => (d.to_string(), midnight(d, tz)),
        3 => {
            let s = midnight(d, tz) + OFFSETS[ch.pick(OFFSETS.len())];
            (s.to_string(), s)
        }
        4 => {
            let s = midnight(d, tz) + OFFSETS[ch.pick(OFFSETS.len())];
            let text = Timestamp::from_second(s).expect("in range").to_string();
            (text, s)
        }
        5 => {
            let today = day(NOW, tz);
            if ch.chance(2) {
                ("today".to_owned(), midnight(today, tz))
            } else {
                let yesterday = today.yesterday().expect("in range");
                ("yesterday".to_owned(), midnight(yesterday, tz))
            }
        }
        6 => [
            ("now".to_owned(), NOW),
            ("now-7d".to_owned(), NOW - 7 * 86_400),
            ("now+2h".to_owned(), NOW + 7_200),
            ("now-90m".to_owned(), NOW - 5_400),
        ][ch.pick(4)]
        .clone(),
        _ => {
            // Calendar months and years in the zone.
            let (text, span) = if ch.chance(2) {
                ("now-1mo", jiff::Span::new().months(-1))
            } else {
                ("now-1y", jiff::Span::new().years(-1))
            };
            let civil = tz
                .to_datetime(Timestamp::from_second(NOW).expect("in range"))
                .checked_add(span)
                .expect("in range");
            let s = tz
                .to_ambiguous_timestamp(civil)
                .compatible()
                .expect("in range")
                .as_second();
            (text.to_owned(), s)
        }
    }
}

/// A date held by an object: near a midnight of [`DAYS`], or near now.
fn object_date(ch: &mut Choices<'_>, tz: &TimeZone) -> i64 {
    if ch.chance(8) {
        return NOW + [-86_400, -1, 0, 1, 7_200][ch.pick(5)];
    }
    midnight(some_day(ch), tz) + OFFSETS[ch.pick(OFFSETS.len())]
}

// ---- values ------------------------------------------------------------

/// A value as the query or the data means it.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(i64),
}

/// A query value: its text and what it means (`None` for `null`).
#[derive(Debug, Clone)]
struct QueryValue {
    text: String,
    value: Option<V>,
}

const TEXTS: &[&str] = &["a", "ab", "abc", "b", "bc", "ca", "x", "a b"];
const WORDS: &[&str] = &["refund", "help", "order", "re", "fund"];
const INTEGERS: &[i64] = &[-2, -1, 0, 1, 2, 3, 60, 300, 3_600];
const FLOATS: &[f64] = &[-1.5, 0.0, 2.5, 3.0];
const DATA_FLOATS: &[f64] = &[-1.5, -1.0, 0.0, 0.5, 2.5, 3.0, 3.5];

fn text_value(text: &str) -> String {
    let mut out = String::new();
    write_value(&mut out, text).expect("writing to a String");
    out
}

/// A duration as written on a duration field, when `n` has one.
fn duration_text(ch: &mut Choices<'_>, n: i64) -> String {
    match ch.pick(3) {
        0 if n > 0 && n % 3_600 == 0 => format!("{}h", n / 3_600),
        1 if n > 0 && n % 60 == 0 => format!("{}m", n / 60),
        2 if n >= 0 => format!("{n}s"),
        _ => n.to_string(),
    }
}

/// The kinds of object (ticket type ids) the case's attributes are held
/// by, and one that holds none of them.
fn kinds(case: &Case) -> Vec<String> {
    let mut out: Vec<String> = case
        .schema
        .fields()
        .filter_map(|f| f.held_by.as_ref())
        .flat_map(|h| h.kinds.iter().cloned())
        .collect();
    out.sort();
    out.dedup();
    out.push("9".to_owned());
    out
}

/// True for the field that tells kinds of object apart.
fn is_kind_field(case: &Case, f: &FieldDef) -> bool {
    case.schema.kind_field() == Some(f.name.as_ref())
}

fn query_value(ch: &mut Choices<'_>, case: &Case, f: &FieldDef) -> QueryValue {
    if is_kind_field(case, f) {
        let kinds = kinds(case);
        let k = kinds[ch.pick(kinds.len())].clone();
        return QueryValue {
            text: text_value(&k),
            value: Some(V::Text(k)),
        };
    }
    if f.is_enumerated() {
        let v = f.values[ch.pick(f.values.len())].to_string();
        return QueryValue {
            text: text_value(&v),
            value: Some(V::Text(v)),
        };
    }
    let (text, value) = match f.ty {
        FieldType::String if f.matching == Matching::Words => {
            let w = WORDS[ch.pick(WORDS.len())];
            (text_value(w), V::Text(w.to_owned()))
        }
        FieldType::String => {
            let t = TEXTS[ch.pick(TEXTS.len())];
            (text_value(t), V::Text(t.to_owned()))
        }
        FieldType::Integer => {
            let n = INTEGERS[ch.pick(INTEGERS.len())];
            let text = if f.duration {
                duration_text(ch, n)
            } else {
                n.to_string()
            };
            (text, V::Int(n))
        }
        FieldType::Float => {
            let x = FLOATS[ch.pick(FLOATS.len())];
            (x.to_string(), V::Float(x))
        }
        FieldType::Boolean => {
            let b = ch.chance(2);
            let text = match (b, ch.chance(3)) {
                (true, false) => "true",
                (true, true) => "TRUE",
                (false, false) => "false",
                (false, true) => "False",
            };
            (text.to_owned(), V::Bool(b))
        }
        FieldType::Date => {
            let (text, s) = query_date(ch, &date_zone(case, f));
            (text, V::Date(s))
        }
        FieldType::Any => unreachable!("unchecked attributes are not listed"),
    };
    QueryValue {
        text,
        value: Some(value),
    }
}

fn data_value(ch: &mut Choices<'_>, case: &Case, f: &FieldDef) -> V {
    if is_kind_field(case, f) {
        let kinds = kinds(case);
        return V::Text(kinds[ch.pick(kinds.len())].clone());
    }
    if f.is_enumerated() {
        if ch.chance(6) {
            return V::Text("other".to_owned());
        }
        return V::Text(f.values[ch.pick(f.values.len())].to_string());
    }
    match f.ty {
        FieldType::String if f.matching == Matching::Words => {
            let words: Vec<&str> = (0..1 + ch.pick(3))
                .map(|_| WORDS[ch.pick(WORDS.len())])
                .collect();
            V::Text(words.join(" "))
        }
        FieldType::String => {
            let a = TEXTS[ch.pick(TEXTS.len())];
            if ch.chance(4) {
                V::Text(format!("{a}{}", TEXTS[ch.pick(TEXTS.len())]))
            } else {
                V::Text(a.to_owned())
            }
        }
        FieldType::Integer => V::Int(INTEGERS[ch.pick(INTEGERS.len())] + [0, 0, 1, -1][ch.pick(4)]),
        FieldType::Float => V::Float(DATA_FLOATS[ch.pick(DATA_FLOATS.len())]),
        FieldType::Boolean => V::Bool(ch.chance(2)),
        FieldType::Date => V::Date(object_date(ch, &date_zone(case, f))),
        FieldType::Any => unreachable!("unchecked attributes are not listed"),
    }
}

/// A data value in one of the JSON forms `eval` reads.
fn to_json(ch: &mut Choices<'_>, f: &FieldDef, v: &V) -> Value {
    match v {
        // A list option, held by its label or its id.
        V::Text(s) if !f.value_ids.is_empty() && ch.chance(2) => {
            json!(f.sent_value(s).unwrap_or(s))
        }
        V::Text(s) if f.matching == Matching::Words && ch.chance(2) => json!(format!("<p>{s}</p>")),
        V::Text(s) => json!(s),
        V::Int(n) if ch.chance(6) => json!(n.to_string()),
        V::Int(n) => json!(n),
        V::Float(x) if ch.chance(6) => json!(x.to_string()),
        V::Float(x) => json!(x),
        V::Bool(b) if ch.chance(6) => json!(b.to_string()),
        V::Bool(b) => json!(b),
        V::Date(s) => match ch.pick(4) {
            0 => json!(s.to_string()),
            1 => json!(Timestamp::from_second(*s).expect("in range").to_string()),
            _ => json!(s),
        },
    }
}

// ---- objects -----------------------------------------------------------

/// An object as the reference sees it: each field's values (`None` when
/// absent, empty when null), and as `eval` sees it, in JSON.
struct Object {
    values: Vec<Option<Vec<V>>>,
    json: Value,
}

/// Puts `value` at a dotted `path`, making the objects on the way.
fn set(root: &mut Value, path: &str, value: Value) {
    let mut at = root;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let Value::Object(map) = at else { return };
        if keys.peek().is_none() {
            map.insert(key.to_owned(), value);
            return;
        }
        at = map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// An object of the case's target. `dates_present`: contacts' day-matched
/// dates always hold a value (see `day_rewrites_on_missing_dates`).
fn object(choices: &[u32], case: &Case, dates_present: bool) -> Object {
    let mut ch = Choices::new(choices);
    let mut json = json!({"type": "object"});
    let mut values = Vec::with_capacity(case.fields.len());
    // The object's kind (its ticket type), once generated.
    let mut kind: Option<String> = None;
    for f in &case.fields {
        // An attribute whose place another ticket type's attribute of the
        // same name shares holds, on a ticket of that type, that one's
        // values.
        let twin = match (&kind, &f.held_by, &f.alias) {
            (Some(k), Some(h), Some(alias)) if !h.holds(k) => case
                .schema
                .fields_named(alias)
                .into_iter()
                .find(|t| t.held_by.as_ref().is_some_and(|h| h.holds(k))),
            _ => None,
        };
        let f: &FieldDef = twin.as_deref().unwrap_or(f);
        let paths: Vec<String> = f.paths.iter().map(|p| p.to_string()).collect();
        let path: &str = &paths[ch.pick(paths.len())];
        let day_matched = day_zone(case, f).is_some();
        let state = if dates_present && day_matched {
            2 + ch.pick(6)
        } else {
            ch.pick(8)
        };
        match state {
            0 => values.push(None),
            1 => {
                // Null at a path inside another of the field's paths
                // (contacts' `avatar.image_url` in `avatar`) leaves an
                // object there, which `= null` miscounts as a value: see
                // `eval.rs`'s `null_ignores_values_of_the_wrong_type`.
                let inside = |p: &str| paths.iter().any(|q| p.starts_with(&format!("{q}.")));
                let path = if inside(path) {
                    paths.iter().find(|p| !inside(p)).map_or(path, |p| p)
                } else {
                    path
                };
                set(&mut json, path, Value::Null);
                values.push(Some(Vec::new()));
            }
            _ if f.many => {
                let vs: Vec<V> = (0..ch.pick(4))
                    .map(|_| data_value(&mut ch, case, f))
                    .collect();
                let items: Vec<Value> = vs.iter().map(|v| to_json(&mut ch, f, v)).collect();
                match path.rsplit_once('.') {
                    Some((list, "id")) => {
                        let items = items.into_iter().map(|id| json!({"id": id})).collect();
                        set(&mut json, list, Value::Array(items));
                    }
                    _ => set(&mut json, path, Value::Array(items)),
                }
                values.push(Some(vs));
            }
            _ => {
                let v = data_value(&mut ch, case, f);
                let j = to_json(&mut ch, f, &v);
                set(&mut json, path, j);
                if is_kind_field(case, f)
                    && let V::Text(k) = &v
                {
                    kind = Some(k.clone());
                }
                values.push(Some(vec![v]));
            }
        }
    }
    Object { values, json }
}

// ---- queries -----------------------------------------------------------

/// A comparison as written.
#[derive(Debug, Clone)]
struct Leaf {
    /// Index in the case's fields.
    field: usize,
    /// The name as written (a ticket attribute's name or its id).
    name: String,
    /// The operator as written.
    op: Op,
    values: Vec<QueryValue>,
}

#[derive(Debug, Clone)]
enum Tree {
    Leaf(Leaf),
    /// `true` for AND.
    Group(bool, Vec<Tree>),
    Not(Box<Tree>),
}

/// True when the target can express `op` (after NOT) on `f`, exactly, as
/// the schema issue lists: the API's own operators, `IN`/`NIN` as groups
/// of `=`/`!=`, strict and inclusive bounds shifted by one on whole
/// numbers and dates, and contacts' day rewrites. `null` goes with `=` and
/// `!=` where the API takes them.
fn expressible(f: &FieldDef, op: Op, null: bool) -> bool {
    if null {
        return matches!(op, Op::Eq | Op::Ne) && f.api_ops.contains(op);
    }
    match &f.order {
        Order::Day(_) => matches!(
            op,
            Op::Eq | Op::Ne | Op::Gt | Op::Ge | Op::Lt | Op::Le | Op::In | Op::Nin
        ),
        // Strict and inclusive bounds are exact on every ordered type: a
        // step further on whole numbers and dates, `!=` the value on
        // decimals.
        Order::Inclusive | Order::Ambiguous if op.is_order() => true,
        // `x >= n` as `x > n-1` (or `x > n OR x = n` on decimals) where
        // the API's `>` is strict and it has no `>=` (companies).
        Order::Strict if matches!(op, Op::Ge | Op::Le) && !f.api_ops.contains(op) => {
            let strict = if op == Op::Ge { Op::Gt } else { Op::Lt };
            f.api_ops.contains(strict)
        }
        _ => {
            f.api_ops.contains(op)
                || (op == Op::In && f.api_ops.contains(Op::Eq))
                || (op == Op::Nin && f.api_ops.contains(Op::Ne))
        }
    }
}

/// A comparison that compiles when an odd number of NOTs (`negated`)
/// apply to it.
fn leaf(ch: &mut Choices<'_>, case: &Case, negated: bool) -> Leaf {
    let i = ch.pick(case.fields.len());
    let f = case.fields[i];
    let written = |op: Op| if negated { complement(op) } else { Some(op) };
    let ops: Vec<Op> = Op::ALL
        .iter()
        .copied()
        .filter(|&op| written(op).is_some_and(|w| f.allows(w)) && expressible(f, op, false))
        .collect();
    let meant = ops[ch.pick(ops.len())];
    let null = matches!(meant, Op::Eq | Op::Ne) && ch.chance(5) && expressible(f, meant, true);
    let values = if null {
        vec![QueryValue {
            text: ["null", "NULL", "Null"][ch.pick(3)].to_owned(),
            value: None,
        }]
    } else {
        let n = if meant.takes_list() {
            1 + ch.pick(3)
        } else {
            1
        };
        (0..n).map(|_| query_value(ch, case, f)).collect()
    };
    let names: Vec<&str> = f.names().collect();
    Leaf {
        field: i,
        name: field_text(names[ch.pick(names.len())]),
        op: written(meant).expect("chosen among the writable"),
        values,
    }
}

/// A query tree within the API's limits: at most two levels of groups of
/// two or three members.
fn tree(ch: &mut Choices<'_>, case: &Case, level: usize, negated: bool) -> Tree {
    let not = ch.chance(4);
    let negated = negated != not;
    let inner = if level >= 2 || ch.pick(3) == 0 {
        Tree::Leaf(leaf(ch, case, negated))
    } else {
        let and = ch.chance(2);
        let n = 2 + ch.pick(2);
        Tree::Group(
            and,
            (0..n).map(|_| tree(ch, case, level + 1, negated)).collect(),
        )
    };
    if not {
        Tree::Not(Box::new(inner))
    } else {
        inner
    }
}

fn write(t: &Tree, out: &mut String) {
    match t {
        Tree::Leaf(l) => {
            let value = if l.op.takes_list() {
                let items: Vec<&str> = l.values.iter().map(|v| v.text.as_str()).collect();
                format!("[{}]", items.join(", "))
            } else {
                l.values[0].text.clone()
            };
            let _ = write!(out, "{} {} {value}", l.name, l.op);
        }
        Tree::Group(and, members) => {
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(if *and { " AND " } else { " OR " });
                }
                if matches!(m, Tree::Group(..)) {
                    out.push('(');
                    write(m, out);
                    out.push(')');
                } else {
                    write(m, out);
                }
            }
        }
        Tree::Not(inner) => {
            out.push_str("NOT ");
            if matches!(**inner, Tree::Group(..)) {
                out.push('(');
                write(inner, out);
                out.push(')');
            } else {
                write(inner, out);
            }
        }
    }
}

fn text(t: &Tree) -> String {
    let mut out = String::new();
    write(t, &mut out);
    out
}

// ---- the reference evaluator -------------------------------------------

/// Orders a data value against a query value of the same field; dates
/// by their day in `days` when the field is compared by day.
fn compare(days: Option<&TimeZone>, a: &V, b: &V) -> Option<Ordering> {
    match (a, b) {
        (V::Int(x), V::Int(y)) => Some(x.cmp(y)),
        (V::Float(x), V::Float(y)) => x.partial_cmp(y),
        (V::Date(x), V::Date(y)) => Some(match days {
            Some(tz) => day(*x, tz).cmp(&day(*y, tz)),
            None => x.cmp(y),
        }),
        (V::Text(x), V::Text(y)) => Some(x.cmp(y)),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// True when one data value passes a positive operator.
fn passes(f: &FieldDef, days: Option<&TimeZone>, op: Op, a: &V, values: &[QueryValue]) -> bool {
    values.iter().filter_map(|q| q.value.as_ref()).any(|b| {
        let order = compare(days, a, b);
        let (V::Text(x), V::Text(y)) = (a, b) else {
            return match op {
                Op::Eq | Op::In => order == Some(Ordering::Equal),
                Op::Gt => order == Some(Ordering::Greater),
                Op::Ge => matches!(order, Some(Ordering::Greater | Ordering::Equal)),
                Op::Lt => order == Some(Ordering::Less),
                Op::Le => matches!(order, Some(Ordering::Less | Ordering::Equal)),
                _ => false,
            };
        };
        if f.matching == Matching::Words && matches!(op, Op::Eq | Op::In) {
            // Matched word by word.
            return x.split_whitespace().any(|w| w == y);
        }
        match op {
            Op::Eq | Op::In => x == y,
            Op::Contains => x.contains(y.as_str()),
            Op::StartsWith => x.starts_with(y.as_str()),
            Op::EndsWith => x.ends_with(y.as_str()),
            _ => false,
        }
    })
}

/// True when the object holds the attribute the leaf names: a ticket type's
/// attribute is held by tickets of that type, or of no stated type; a
/// name several ticket types' attributes share, by tickets of any of
/// those types.
fn held(case: &Case, l: &Leaf, obj: &Object) -> bool {
    let f = case.fields[l.field];
    let named = f
        .alias
        .as_deref()
        .filter(|a| field_text(a) == l.name)
        .map(|a| case.schema.fields_named(a))
        .filter(|rows| !rows.is_empty());
    let kinds: Vec<String> = match named {
        Some(rows) => rows
            .iter()
            .filter_map(|r| r.held_by.as_ref())
            .flat_map(|h| h.kinds.iter().cloned())
            .collect(),
        None => match &f.held_by {
            Some(h) => h.kinds.clone(),
            None => return true,
        },
    };
    let Some(kind) = case.fields.iter().position(|g| is_kind_field(case, g)) else {
        return true;
    };
    match obj.values[kind].as_deref() {
        Some([V::Text(k), ..]) => kinds.contains(k),
        _ => true,
    }
}

/// What a comparison means, with `negated` NOTs pushed into it.
fn leaf_means(case: &Case, l: &Leaf, negated: bool, obj: &Object) -> bool {
    let f = case.fields[l.field];
    let days = day_zone(case, f);
    let op = if negated {
        complement(l.op).expect("written negatable")
    } else {
        l.op
    };
    let values: &[V] = if held(case, l, obj) {
        obj.values[l.field].as_deref().unwrap_or(&[])
    } else {
        &[]
    };
    if l.values[0].value.is_none() {
        return match op {
            Op::Eq => values.is_empty(),
            Op::Ne => !values.is_empty(),
            _ => unreachable!("null goes with = and !="),
        };
    }
    let (positive, negative) = match op {
        Op::Ne => (Op::Eq, true),
        Op::Nin => (Op::In, true),
        Op::NotContains => (Op::Contains, true),
        op => (op, false),
    };
    let any = values
        .iter()
        .any(|a| passes(f, days.as_ref(), positive, a, &l.values));
    any != negative
}

/// What the query text means, `NOT` pushed down.
fn means(case: &Case, t: &Tree, negated: bool, obj: &Object) -> bool {
    match t {
        Tree::Leaf(l) => leaf_means(case, l, negated, obj),
        Tree::Group(and, members) => {
            if *and != negated {
                members.iter().all(|m| means(case, m, negated, obj))
            } else {
                members.iter().any(|m| means(case, m, negated, obj))
            }
        }
        Tree::Not(inner) => means(case, inner, !negated, obj),
    }
}

/// The same with `NOT` as boolean negation.
fn means_boolean(case: &Case, t: &Tree, obj: &Object) -> bool {
    match t {
        Tree::Leaf(l) => leaf_means(case, l, false, obj),
        Tree::Group(true, members) => members.iter().all(|m| means_boolean(case, m, obj)),
        Tree::Group(false, members) => members.iter().any(|m| means_boolean(case, m, obj)),
        Tree::Not(inner) => !means_boolean(case, inner, obj),
    }
}

/// True when some ordered comparison under an odd number of NOTs is on a
/// field without a value: the one place where pushing NOT down is not
/// boolean negation (`NOT x > 5` is `x <= 5`, false when x is missing).
fn negated_order_on_missing(case: &Case, t: &Tree, negated: bool, obj: &Object) -> bool {
    match t {
        Tree::Leaf(l) => {
            negated
                && l.op.is_order()
                && (!held(case, l, obj)
                    || obj.values[l.field].as_ref().is_none_or(|v| v.is_empty()))
        }
        Tree::Group(_, members) => members
            .iter()
            .any(|m| negated_order_on_missing(case, m, negated, obj)),
        Tree::Not(inner) => negated_order_on_missing(case, inner, !negated, obj),
    }
}

/// Every filter of the compiled request uses an operator the target's API
/// takes on the field, and names the field as the API does.
fn assert_api_operators(case: &Case, node: &Value, text: &str) -> Result<(), TestCaseError> {
    if let Some(field) = node.get("field") {
        let name = field.as_str().expect("a field name");
        let def = case
            .schema
            .field(name)
            .ok_or_else(|| TestCaseError::fail(format!("{text}: unknown field {name} sent")))?;
        prop_assert!(
            def.alias.as_deref() != Some(name),
            "{}: sent the attribute's name {}",
            text,
            name
        );
        let op = node["operator"].as_str().and_then(Op::from_api);
        prop_assert!(
            op.is_some_and(|op| def.api_ops.contains(op)),
            "{}: {} does not take {}",
            text,
            name,
            node["operator"]
        );
        // Where the reference reads `>`/`<` two ways, neither is sent.
        prop_assert!(
            def.order != Order::Ambiguous || !matches!(op, Some(Op::Gt | Op::Lt)),
            "{}: {} {} reads two ways",
            text,
            name,
            node["operator"]
        );
        return Ok(());
    }
    for m in node["value"].as_array().expect("a group") {
        assert_api_operators(case, m, text)?;
    }
    Ok(())
}

/// How many cases to run: `default`, or `QC_MEANING_CASES` for a longer
/// search.
fn case_count(default: u32) -> u32 {
    std::env::var("QC_MEANING_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The codes of a query over the API's limits that qc could not rewrite.
const LIMIT_CODES: &[Code] = &[Code::NestingLimit, Code::GroupTooLarge, Code::NeedsPlan];

/// Compiles `t` for `case`, `None` when only the API's limits stop it.
fn compile(case: &Case, t: &Tree) -> Result<Option<qc::Compiled>, TestCaseError> {
    let text = text(t);
    match case.compiler.compile(&text) {
        Ok(c) => Ok(Some(c)),
        Err(e) => {
            let codes: Vec<Code> = e
                .diagnostics()
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.code)
                .collect();
            if !codes.is_empty() && codes.iter().all(|c| LIMIT_CODES.contains(c)) {
                return Ok(None);
            }
            Err(TestCaseError::fail(format!(
                "[{}] {text} does not compile: {:#?}",
                case.name,
                e.diagnostics()
            )))
        }
    }
}

fn show_values(case: &Case, t: &Tree, obj: &Object, out: &mut String) {
    match t {
        Tree::Leaf(l) => {
            let _ = writeln!(
                out,
                "  {} holds {:?}",
                case.fields[l.field].name, obj.values[l.field]
            );
        }
        Tree::Group(_, members) => members.iter().for_each(|m| show_values(case, m, obj, out)),
        Tree::Not(inner) => show_values(case, inner, obj, out),
    }
}

#[test]
fn compiled_queries_select_what_the_text_means() {
    let cases: Vec<&Case> = CASES.iter().collect();
    check_meaning(&cases, case_count(1024), 50);
}

/// The same on every target in every API version, each version's table
/// and meaning, some thirty queries each.
#[test]
fn every_version_selects_what_the_text_means() {
    let cases: Vec<&Case> = VERSION_CASES.iter().collect();
    assert_eq!(
        cases.len(),
        ApiVersion::ALL
            .iter()
            .map(|&v| {
                Target::ALL
                    .iter()
                    .filter(|&&t| qc::schema::versions_of(t).contains(&v))
                    .count()
            })
            .sum::<usize>()
    );
    let count = case_count(32 * cases.len() as u32);
    check_meaning(&cases, count, 8);
}

/// Runs `count` generated queries on `cases`, each against generated
/// objects; at least `min_per_case` compile on every case.
fn check_meaning(cases: &[&Case], count: u32, min_per_case: usize) {
    const OBJECTS: usize = 16;
    let compiled = Cell::new(0usize);
    let over_limits = Cell::new(0usize);
    let pairs = Cell::new(0usize);
    let matched = Cell::new(0usize);
    let per_case = std::cell::RefCell::new(vec![0usize; cases.len()]);

    let mut runner = TestRunner::new(Config::with_cases(count));
    let strategy = (
        0..cases.len(),
        prop::collection::vec(any::<u32>(), 96),
        prop::collection::vec(prop::collection::vec(any::<u32>(), 256), OBJECTS),
    );
    let result = runner.run(&strategy, |(index, query_choices, object_choices)| {
        let case = cases[index];
        let t = tree(&mut Choices::new(&query_choices), case, 0, false);
        let text = text(&t);
        let Some(c) = compile(case, &t)? else {
            over_limits.set(over_limits.get() + 1);
            return Ok(());
        };
        compiled.set(compiled.get() + 1);
        per_case.borrow_mut()[index] += 1;
        let sent = c.json();
        assert_api_operators(case, &sent["query"], &text)?;
        for choices in &object_choices {
            let obj = object(choices, case, true);
            let want = means(case, &t, false, &obj);
            let got = qc::eval(&c.query, &obj.json);
            let mut held = String::new();
            show_values(case, &t, &obj, &mut held);
            prop_assert_eq!(
                got,
                want,
                "[{}] {}\nsent {}\nto {}\n{}",
                case.name,
                text,
                sent,
                obj.json,
                held
            );
            // Pushing NOT down is boolean negation where every negated
            // ordered comparison has a value.
            if !negated_order_on_missing(case, &t, false, &obj) {
                prop_assert_eq!(means_boolean(case, &t, &obj), want, "{}", text);
            }
            pairs.set(pairs.get() + 1);
            matched.set(matched.get() + usize::from(want));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Not vacuous: most queries compile, on every case, and they match and
    // miss in fair shares.
    let (ok, over) = (compiled.get(), over_limits.get());
    assert!(ok > 10 * over, "{ok} compiled, {over} over the limits");
    assert!(
        per_case.borrow().iter().all(|&n| n >= min_per_case),
        "{:?}",
        per_case.borrow()
    );
    let (m, n) = (matched.get(), pairs.get());
    assert!(m * 6 > n && (n - m) * 6 > n, "{m} of {n} matched");
}

// ---- contacts' rewrites ------------------------------------------------

/// Contacts lack `IN`/`NIN` on `tag_id` and `!=`, `>=`, `<=`, `IN`, `NIN`
/// on dates: qc sends an exact equivalent. Each form, and NOT over it,
/// checked on generated contacts.
fn rewrite_forms(case: &Case, ch: &mut Choices<'_>) -> Tree {
    let index = |name: &str| {
        case.fields
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} in {}", case.name))
    };
    let tags = index("tag_id");
    let dates: Vec<usize> = case
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| day_zone(case, f).is_some())
        .map(|(i, _)| i)
        .collect();
    let on_tags = ch.chance(3) || dates.is_empty();
    let field = if on_tags {
        tags
    } else {
        dates[ch.pick(dates.len())]
    };
    let f = case.fields[field];
    let (op, not) = if on_tags {
        [
            (Op::In, false),
            (Op::Nin, false),
            (Op::Nin, true),
            (Op::In, true),
            (Op::Ne, true),
            (Op::Eq, true),
        ][ch.pick(6)]
    } else {
        [
            (Op::Ne, false),
            (Op::Eq, true),
            (Op::Ge, false),
            (Op::Lt, true),
            (Op::Le, false),
            (Op::Gt, true),
            (Op::In, false),
            (Op::Nin, false),
            (Op::In, true),
            (Op::Nin, true),
            (Op::Ge, true),
            (Op::Le, true),
        ][ch.pick(12)]
    };
    let n = if op.takes_list() { 1 + ch.pick(3) } else { 1 };
    let values = (0..n)
        .map(|_| {
            if on_tags {
                let t = TEXTS[ch.pick(4)];
                QueryValue {
                    text: text_value(t),
                    value: Some(V::Text(t.to_owned())),
                }
            } else {
                query_value(ch, case, f)
            }
        })
        .collect();
    let l = Tree::Leaf(Leaf {
        field,
        name: field_text(&f.name),
        op,
        values,
    });
    if not { Tree::Not(Box::new(l)) } else { l }
}

fn contacts_cases() -> Vec<&'static Case> {
    CASES
        .iter()
        .filter(|c| c.schema.target() == Target::Contacts)
        .collect()
}

/// The compiled request uses only what contacts' API takes: `=`/`!=` on
/// `tag_id`, `=`/`>`/`<` on dates, with the first instant of a day.
fn assert_contacts_api(case: &Case, node: &Value, text: &str) -> Result<(), TestCaseError> {
    if let Some(name) = node.get("field").and_then(Value::as_str) {
        let op = node["operator"].as_str().unwrap_or_default();
        let def = case.schema.field(name).expect("a known field");
        if name == "tag_id" {
            prop_assert!(op == "=" || op == "!=", "{}: tag_id {}", text, op);
        } else if let Some(zone) = day_zone(case, &def) {
            prop_assert!(["=", ">", "<"].contains(&op), "{}: {} {}", text, name, op);
            if node["value"].is_null() {
                // `= null`: the contacts without the date, for `!=`.
                prop_assert_eq!(op, "=", "{}: {} {} null", text, name, op);
                return Ok(());
            }
            let s: i64 = node["value"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("seconds");
            // A day's first instant in the zone; its midday in UTC where
            // the workspace's zone is not configured.
            let sent = match &def.order {
                Order::Day(days) if !days.is_configured() => {
                    midnight(day(s, &TimeZone::UTC), &TimeZone::UTC) + 12 * 3_600
                }
                _ => midnight(day(s, &zone), &zone),
            };
            prop_assert_eq!(s, sent, "{}: not a day", text);
        }
        return Ok(());
    }
    for m in node["value"].as_array().expect("a group") {
        assert_contacts_api(case, m, text)?;
    }
    Ok(())
}

fn check_rewrites(dates_present: bool) {
    let cases = contacts_cases();
    let mut runner = TestRunner::new(Config::with_cases(case_count(512)));
    let strategy = (
        0..cases.len(),
        prop::collection::vec(any::<u32>(), 16),
        prop::collection::vec(prop::collection::vec(any::<u32>(), 256), 24),
    );
    let result = runner.run(&strategy, |(index, query_choices, object_choices)| {
        let case = cases[index];
        let t = rewrite_forms(case, &mut Choices::new(&query_choices));
        let text = text(&t);
        let c = compile(case, &t)?.expect("one comparison fits the limits");
        let sent = c.json();
        assert_contacts_api(case, &sent["query"], &text)?;
        for choices in &object_choices {
            let obj = object(choices, case, dates_present);
            let want = means(case, &t, false, &obj);
            let mut held = String::new();
            show_values(case, &t, &obj, &mut held);
            prop_assert_eq!(
                qc::eval(&c.query, &obj.json),
                want,
                "[{}] {}\nsent {}\nto {}\n{}",
                case.name,
                text,
                sent,
                obj.json,
                held
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The rewrites select exactly the contacts the query means, when the
/// contacts have the date.
#[test]
fn contacts_rewrites_match_the_same_contacts() {
    check_rewrites(true);
}

/// The same on contacts that lack the date (absent or null): `d != D`
/// means "not on day D" and, like every negative operator, matches a
/// contact without the date, so it is sent as `d < D OR d > D OR d =
/// null`. Likewise `d NIN [...]` and `NOT d = D`.
#[test]
fn day_rewrites_on_missing_dates() {
    check_rewrites(false);
}

// ---- ticket attributes of unknown type ---------------------------------

/// Without a schema, a ticket attribute may hold a whole number, a decimal
/// or a date: its strict and inclusive bounds select exactly what the
/// text says whatever it holds (`x > 2` sent as `> 2` and `!= 2` where the
/// API's `>` includes the bound, not `> 3`, which loses 2.5), and a date
/// value is a date.
#[test]
fn untyped_ticket_attributes_are_exact_for_any_number() {
    let schema = Arc::new(Schema::new(Target::Tickets, TimeZone::UTC, &[]));
    let compiler = Compiler::new(
        schema,
        Options {
            now: Some(NOW),
            ..Options::default()
        },
    );
    // Query values: numbers, and dates (written as dates, meaning seconds).
    let numbers: &[(&str, f64)] = &[
        ("2", 2.0),
        ("-1", -1.0),
        ("2.5", 2.5),
        ("0", 0.0),
        ("2024-03-31", 1_711_843_200.0),
        ("2024-03-31T00:00:01Z", 1_711_843_201.0),
    ];
    // Data: whole and decimal numbers around them, as JSON numbers or
    // strings, and dates as seconds.
    let data: &[f64] = &[
        -1.5,
        -1.0,
        0.0,
        1.0,
        2.0,
        2.5,
        3.0,
        1_711_843_199.0,
        1_711_843_200.0,
        1_711_843_200.5,
        1_711_843_201.0,
        1_711_843_202.0,
    ];
    let mut runner = TestRunner::new(Config::with_cases(case_count(512)));
    let strategy = (
        0..numbers.len(),
        0..4usize,
        any::<bool>(),
        prop::collection::vec((0..data.len(), any::<bool>()), 6),
    );
    let result = runner.run(&strategy, |(value, op, not, held)| {
        let (text, bound) = numbers[value];
        let op = [Op::Gt, Op::Ge, Op::Lt, Op::Le][op];
        let query = if not {
            format!("NOT ticket_attribute.5 {op} {text}")
        } else {
            format!("ticket_attribute.5 {op} {text}")
        };
        let compiled = compiler
            .compile(&query)
            .map_err(|e| TestCaseError::fail(format!("{query}: {:?}", e.diagnostics())))?;
        let sent = compiled.json();
        for &(i, as_text) in &held {
            let x = data[i];
            let json_value = if as_text {
                json!(x.to_string())
            } else if x.fract() == 0.0 {
                json!(x as i64)
            } else {
                json!(x)
            };
            // Where `eval` reads an attribute known only by its id.
            let ticket = json!({"ticket_attribute": {"5": json_value}});
            let meant = match (op, not) {
                (Op::Gt, false) | (Op::Le, true) => x > bound,
                (Op::Ge, false) | (Op::Lt, true) => x >= bound,
                (Op::Lt, false) | (Op::Ge, true) => x < bound,
                _ => x <= bound,
            };
            prop_assert_eq!(
                qc::eval(&compiled.query, &ticket),
                meant,
                "{} sent {} on {}",
                query,
                sent,
                ticket
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---- contacts' days without a configured zone --------------------------

/// The offsets from UTC−12 to UTC+11:45, by quarter hours.
fn offsets() -> impl Iterator<Item = i32> {
    (-12 * 4..=(11 * 4 + 3)).map(|q| q * 900)
}

/// Where the workspace's zone is not configured, a day is sent as its
/// midday in UTC: that instant lies inside the day in every zone from
/// UTC−12 to UTC+11, so the API, truncating in the workspace's zone,
/// reads the day meant. Its UTC midnight would be the day before in every
/// zone west of UTC.
#[test]
fn a_day_without_a_zone_is_the_day_in_every_zone_from_utc_minus_12_to_plus_11() {
    let days = qc::schema::Days::unknown_zone();
    let mut checked = 0;
    for (y, m, d) in DAYS
        .iter()
        .copied()
        .chain([(1970, 1, 1), (2000, 2, 29), (9999, 12, 30)])
    {
        let date = Date::new(y, m, d).expect("a date");
        let sent = days.instant(date).expect("in range");
        for offset in offsets() {
            let zone = TimeZone::fixed(jiff::tz::Offset::from_seconds(offset).expect("an offset"));
            assert_eq!(day(sent, &zone), date, "{date} at {offset}s");
            checked += 1;
        }
        // West of UTC, the day's UTC midnight is the day before.
        let midnight = midnight(date, &TimeZone::UTC);
        let west = TimeZone::fixed(jiff::tz::offset(-1));
        assert_ne!(day(midnight, &west), date);
    }
    assert!(checked > 1_000);
}

/// The same through the compiler: contacts queries on calendar dates,
/// compiled without a zone, select the days the text names when the API
/// reads them in any zone from UTC−12 to UTC+11 (the request evaluated
/// with the day rule of that zone, against the text's meaning in it).
#[test]
fn contacts_days_without_a_zone_mean_the_same_in_every_zone() {
    let schema = Arc::new(Schema::with_zone(Target::Contacts, None, &[]));
    let compiler = Compiler::new(
        schema,
        Options {
            now: Some(NOW),
            ..Options::default()
        },
    );
    let ops = [Op::Eq, Op::Ne, Op::Gt, Op::Ge, Op::Lt, Op::Le];
    let mut runner = TestRunner::new(Config::with_cases(case_count(256)));
    let strategy = (
        0..DAYS.len(),
        0..ops.len(),
        0..offsets().count(),
        prop::collection::vec((0..DAYS.len(), 0..OFFSETS.len()), 8),
    );
    let result = runner.run(&strategy, |(d, op, zone, held)| {
        let (y, m, dd) = DAYS[d];
        let date = Date::new(y, m, dd).expect("a date");
        let op = ops[op];
        let query = format!("signed_up_at {op} {date}");
        let compiled = compiler
            .compile(&query)
            .map_err(|e| TestCaseError::fail(format!("{query}: {:?}", e.diagnostics())))?;
        prop_assert!(
            compiled.warnings.iter().any(|w| w.code == Code::ZoneNotSet),
            "{}: no warning that the zone is not configured",
            query
        );
        // The API's reading in the workspace's zone.
        let offset = offsets().nth(zone).expect("an offset");
        let tz = TimeZone::fixed(jiff::tz::Offset::from_seconds(offset).expect("an offset"));
        let in_zone = qc::schema::Days::configured(tz.clone());
        let mut request = compiled.query.clone();
        set_days(&mut request.root, &in_zone);
        for &(hd, ho) in &held {
            let (hy, hm, hdd) = DAYS[hd];
            let held_date = Date::new(hy, hm, hdd).expect("a date");
            let seconds = midnight(held_date, &tz) + OFFSETS[ho];
            let contact = json!({"signed_up_at": seconds});
            let on = day(seconds, &tz);
            let meant = match op {
                Op::Eq => on == date,
                Op::Ne => on != date,
                Op::Gt => on > date,
                Op::Ge => on >= date,
                Op::Lt => on < date,
                _ => on <= date,
            };
            prop_assert_eq!(
                qc::eval(&request, &contact),
                meant,
                "{} sent {} read at {}s on {}",
                query,
                compiled.json(),
                offset,
                contact
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Gives every day-matched field of `node` the day rule `days`.
fn set_days(node: &mut qc::check::Node, days: &qc::schema::Days) {
    match node {
        qc::check::Node::Filter(f) => {
            if matches!(f.field.order, Order::Day(_)) {
                let mut field = (*f.field).clone();
                field.order = Order::Day(days.clone());
                f.field = field.into();
            }
        }
        qc::check::Node::Group(g) => g.members.iter_mut().for_each(|m| set_days(m, days)),
    }
}
