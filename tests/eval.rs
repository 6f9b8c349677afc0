//! `qc::eval`: each operator on each type, many-valued fields, missing
//! fields, model paths that differ from search names, and `source.body`.

use qc::Options;
use serde_json::{Value, json};

fn matches(query: &str, conversation: &Value) -> bool {
    let options = Options {
        now: Some(1_717_200_000), // 2024-06-01T00:00:00Z
        ..Options::default()
    };
    match qc::compile(query, &options) {
        Ok(c) => qc::eval(&c.query, conversation),
        Err(e) => panic!("{query:?} does not compile: {:?}", e.diagnostics()),
    }
}

/// A conversation shaped like the reference's Conversation model.
fn conversation() -> Value {
    json!({
        "type": "conversation",
        "id": "1911149811",
        "created_at": 1704067200,
        "updated_at": 1717000000,
        "waiting_since": null,
        "snoozed_until": null,
        "open": true,
        "state": "open",
        "read": false,
        "priority": "priority",
        "admin_assignee_id": 5017691,
        "team_assignee_id": null,
        "tags": {"type": "tag.list", "tags": [
            {"type": "tag", "id": "123", "name": "vip"},
            {"type": "tag", "id": "456", "name": "billing"}
        ]},
        "conversation_rating": {
            "rating": 4,
            "remark": "Quick and helpful",
            "created_at": 1704100000,
            "contact": {"type": "contact", "id": "c-1"},
            "teammate": {"type": "admin", "id": "814860"}
        },
        "source": {
            "type": "email",
            "id": "403918330",
            "delivered_as": "customer_initiated",
            "subject": "Refund for order #42",
            "body": "<p>Hi, I need a <b>refund</b>, please.</p><p>Thanks &amp; bye</p>",
            "author": {"type": "user", "id": "c-1", "name": "Jane Doe", "email": "jane@example.com"},
            "url": null,
            "redacted": false
        },
        "contacts": {"type": "contact.list", "contacts": [
            {"type": "contact", "id": "c-1"},
            {"type": "contact", "id": "c-2"}
        ]},
        "teammates": {"type": "admin.list", "teammates": [{"type": "admin", "id": "814860"}]},
        "statistics": {
            "type": "conversation_statistics",
            "time_to_admin_reply": 300,
            "count_reopens": 2,
            "first_contact_reply_at": 1704067300
        },
        "ai_agent_participated": false
    })
}

#[track_caller]
fn check(cases: &[(&str, bool)]) {
    let c = conversation();
    for (query, expected) in cases {
        assert_eq!(matches(query, &c), *expected, "{query}");
    }
}

#[test]
fn string_operators() {
    check(&[
        ("source.author.email = jane@example.com", true),
        ("source.author.email = JANE@example.com", false), // case-sensitive
        ("source.author.email != jane@example.com", false),
        ("source.author.email != joe@example.com", true),
        ("source.author.email IN [a, jane@example.com]", true),
        ("source.author.email IN [a, b]", false),
        ("source.author.email NIN [a, jane@example.com]", false),
        ("source.author.email NIN [a, b]", true),
        ("source.author.email ~ example", true),
        ("source.author.email ~ Example", false),
        ("source.author.email !~ example", false),
        ("source.author.email !~ zzz", true),
        ("source.author.email ^ jane", true),
        ("source.author.email ^ example", false),
        ("source.author.email $ '@example.com'", true),
        ("source.author.email $ jane", false),
        ("source.subject ~ 'order #42'", true),
    ]);
}

#[test]
fn enumerated_and_boolean() {
    check(&[
        ("state = open", true),
        ("state = closed", false),
        ("state IN [closed, snoozed]", false),
        ("state NIN [closed, snoozed]", true),
        ("priority = priority", true),
        ("source.type = email", true),
        ("open = true", true),
        ("open != true", false),
        ("read = false", true),
        ("read IN [true]", false),
        ("ai_agent_participated = false", true),
    ]);
}

/// A query's `>`/`<` are strict and `>=`/`<=` inclusive; the compiler
/// shifts the bound for the API's inclusive `>`/`<`, and eval reads the
/// API's meaning, so together they select what the query says.
#[test]
fn integers_strict_and_inclusive() {
    check(&[
        ("statistics.count_reopens = 2", true),
        ("statistics.count_reopens != 2", false),
        ("statistics.count_reopens > 2", false), // strict
        ("statistics.count_reopens >= 2", true),
        ("statistics.count_reopens > 1", true),
        ("statistics.count_reopens > 3", false),
        ("statistics.count_reopens < 2", false),
        ("statistics.count_reopens <= 2", true),
        ("statistics.count_reopens < 3", true),
        ("statistics.count_reopens < 1", false),
        ("statistics.count_reopens IN [1, 2]", true),
        ("statistics.count_reopens NIN [1, 2]", false),
        (
            "statistics.time_to_admin_reply >= 300 AND statistics.time_to_admin_reply <= 300",
            true,
        ),
        ("NOT statistics.count_reopens > 2", true), // x <= 2
        ("NOT statistics.count_reopens > 1", false), // x <= 1
        ("NOT statistics.count_reopens >= 2", false), // x < 2
        ("NOT statistics.count_reopens < 2", true), // x >= 2
        ("NOT statistics.count_reopens <= 1", true), // x > 1
    ]);
}

/// Duration fields hold seconds: `5m` is 300.
#[test]
fn durations_are_seconds() {
    check(&[
        ("statistics.time_to_admin_reply = 5m", true),
        ("statistics.time_to_admin_reply = 300s", true),
        ("statistics.time_to_admin_reply > 4m", true),
        ("statistics.time_to_admin_reply > 5m", false),
        ("statistics.time_to_admin_reply >= 5m", true),
        ("statistics.time_to_admin_reply < 1h", true),
        ("statistics.time_to_admin_reply < 5m", false),
        ("NOT statistics.time_to_admin_reply < 5m", true),
        ("statistics.time_to_admin_reply IN [1h, 5m]", true),
    ]);
}

/// `= null` matches a missing or null attribute, `!= null` one with a
/// value; quoted "null" is text.
#[test]
fn null_matches_missing_values() {
    check(&[
        ("team_assignee_id = null", true), // null in the data
        ("team_assignee_id != null", false),
        ("ai_agent.resolution_state = null", true), // absent
        ("admin_assignee_id = null", false),
        ("admin_assignee_id != NULL", true),
        ("snoozed_until = null", true),
        ("created_at = null", false),
        ("tag_ids != null", true),
        ("contact_ids = null", false),
        ("source.url = \"null\"", false), // the text "null"
        ("NOT team_assignee_id = null", false),
        ("NOT (team_assignee_id != null AND state = open)", true),
    ]);
    assert!(matches(
        "source.url = \"null\"",
        &json!({"source": {"url": "null"}})
    ));
    assert!(!matches(
        "source.url = null",
        &json!({"source": {"url": "null"}})
    ));
}

#[test]
fn dates_compare_as_unix_seconds() {
    check(&[
        ("created_at = 1704067200", true),
        ("created_at = 2024-01-01", true),
        ("created_at > 2024-01-01", false), // strict, to the second
        ("created_at >= 2024-01-01", true),
        ("created_at > 2023-12-31T23:59:59Z", true),
        ("created_at > 2024-01-01T00:00:01Z", false),
        ("created_at < 2024-01-01T02:00:00+02:00", false),
        ("created_at <= 2024-01-01T02:00:00+02:00", true),
        ("created_at < 2024-01-01T00:00:01Z", true),
        ("updated_at > now-7d", true),
        ("updated_at > now-1d", false),
        ("updated_at > now-1mo", true),
        ("updated_at < today", true),
        ("updated_at > yesterday", false),
        ("statistics.first_contact_reply_at > 1704067300", false),
        ("statistics.first_contact_reply_at >= 1704067300", true),
        ("statistics.first_contact_reply_at > 1704067299", true),
        ("statistics.first_contact_reply_at < 1704067299", false),
        ("statistics.first_contact_reply_at < 1704067301", true),
        ("NOT statistics.first_contact_reply_at > 1704067300", true),
    ]);
    // Dates given as strings of digits or RFC 3339 text are read too.
    let c = json!({"created_at": "1704067200", "updated_at": "2024-01-01T00:00:00Z"});
    assert!(matches("created_at = 2024-01-01", &c));
    assert!(matches("updated_at = 2024-01-01", &c));
}

#[test]
fn ids_compare_as_strings() {
    check(&[
        // The model's admin_assignee_id is an integer; the search field is a String.
        ("admin_assignee_id = 5017691", true),
        ("admin_assignee_id = '5017691'", true),
        ("admin_assignee_id ^ 5017", true),
        ("id = 1911149811", true),
        ("source.id IN [403918330]", true),
    ]);
}

#[test]
fn many_valued_fields_match_any_element() {
    check(&[
        ("tag_ids = 123", true),
        ("tag_ids = 456", true),
        ("tag_ids = 789", false),
        ("tag_ids != 123", false), // one tag is 123
        ("tag_ids != 789", true),  // no tag is 789
        ("tag_ids IN [789, 456]", true),
        ("tag_ids NIN [789, 456]", false),
        ("tag_ids NIN [789, 999]", true),
        ("tag_ids ^ 4", true),
        ("tag_ids !~ 2", false),
        ("contact_ids = c-2", true),
        ("contact_ids NIN [c-3]", true),
        ("teammate_ids = 814860", true),
        ("teammate_ids != 814860", false),
    ]);
    // teammates.admins and flat id lists are read when teammates.teammates is absent.
    assert!(matches(
        "teammate_ids = 7",
        &json!({"teammates": {"admins": [{"id": "7"}]}})
    ));
    assert!(matches("tag_ids IN [1]", &json!({"tag_ids": ["1", "2"]})));
    // Integer ids in the data compare by their text.
    assert!(matches(
        "tag_ids = 5",
        &json!({"tags": {"tags": [{"id": 5}]}})
    ));
}

#[test]
fn model_names_that_differ_from_search_names() {
    check(&[
        ("conversation_rating.score = 4", true),
        ("conversation_rating.score > 5", false),
        ("conversation_rating.remark ~ helpful", true),
        ("conversation_rating.replied_at = 1704100000", true),
        ("conversation_rating.contact_id = c-1", true),
        ("conversation_rating.admin_d = 814860", true),
        ("conversation_rating.requested_at > 0", false), // not in the model
    ]);
    // The search names are read first when the data has them.
    let c = json!({"conversation_rating": {"score": 2, "rating": 5, "admin_d": "9"}});
    assert!(matches("conversation_rating.score = 2", &c));
    assert!(matches("conversation_rating.admin_d = 9", &c));
}

#[test]
fn missing_and_null_fields_match_only_negative_operators() {
    let c = conversation();
    // team_assignee_id is null, snoozed_until is null, source.url is null,
    // ai_agent is absent.
    for (field, value) in [
        ("team_assignee_id", "1"),
        ("source.url", "x"),
        ("ai_agent.rating_remark", "x"),
    ] {
        assert!(!matches(&format!("{field} = {value}"), &c), "{field} =");
        assert!(matches(&format!("{field} != {value}"), &c), "{field} !=");
        assert!(!matches(&format!("{field} IN [{value}]"), &c), "{field} IN");
        assert!(
            matches(&format!("{field} NIN [{value}]"), &c),
            "{field} NIN"
        );
        assert!(!matches(&format!("{field} ~ {value}"), &c), "{field} ~");
        assert!(matches(&format!("{field} !~ {value}"), &c), "{field} !~");
        assert!(!matches(&format!("{field} ^ {value}"), &c), "{field} ^");
        assert!(!matches(&format!("{field} $ {value}"), &c), "{field} $");
    }
    for q in [
        "snoozed_until > 0",
        "snoozed_until < 0",
        "snoozed_until = 0",
    ] {
        assert!(!matches(q, &c), "{q}");
    }
    assert!(matches("snoozed_until != 0", &c));
    // A value of the wrong type counts as missing.
    let odd = json!({"statistics": {"count_reopens": "many"}, "open": "yes", "state": {"x": 1}});
    assert!(!matches("statistics.count_reopens > 0", &odd));
    assert!(!matches("open = true", &odd) && !matches("open = false", &odd));
    assert!(matches("state != open", &odd));
    // Not an object at all: every field is missing.
    assert!(matches("state != open", &json!([1, 2])));
}

#[test]
fn body_is_matched_word_by_word() {
    check(&[
        ("source.body = refund", true), // inside <b>, followed by a comma
        ("source.body = REFUND", true), // body matching ignores case
        ("source.body = please", true), // trailing period dropped
        ("source.body = b", false),     // tag names are not words
        ("source.body = p", false),
        ("source.body = ref", false), // words, not substrings
        ("source.body != refund", false),
        ("source.body != cancel", true),
        ("source.body IN [cancel, thanks]", true),
        ("source.body NIN [cancel, thanks]", false),
        ("source.body = \"refund,\"", true), // the value is trimmed alike
        ("source.body ~ 'need a refund'", true), // ~ looks at the whole text
        ("source.body ~ 'thanks & bye'", true), // entities decoded
        ("source.body !~ 'need a refund'", false),
        ("source.body ^ hi", true),
        ("source.body $ bye", true),
    ]);
    // A multi-word value for = never matches (and the compiler warns).
    assert!(!matches("source.body = \"need a\"", &conversation()));
}

#[test]
fn groups() {
    check(&[
        ("state = open AND tag_ids = 123", true),
        ("state = open AND tag_ids = 789", false),
        ("state = closed OR tag_ids = 123", true),
        ("state = closed OR tag_ids = 789", false),
        ("NOT (state = closed OR tag_ids = 789)", true),
        (
            "(state = open OR read = true) AND (priority = priority OR tag_ids IN [1, 2])",
            true,
        ),
    ]);
}

#[test]
fn html_stripping() {
    use qc::eval::strip_html;
    assert_eq!(strip_html("<p>a</p>b"), " a b");
    // Like a browser, `<` ... `>` is read as a tag even in prose.
    assert_eq!(strip_html("1 < 2 and 3 > 2"), "1   2");
    assert_eq!(
        strip_html("x &lt;y&gt; &amp;amp; &unknown;"),
        "x <y> &amp; &unknown;"
    );
    assert_eq!(strip_html("a < b"), "a < b");
}

/// A value of the wrong type counts as missing (the rules at the top of
/// `src/eval.rs`), so `= null` matches it. Contacts' `avatar` is read from
/// `avatar.image_url`, then `avatar`: a contact without an avatar, as the
/// API returns it (`"avatar": {"type": "avatar", "image_url": null}`), has
/// the avatar object at the second path, which `= null` counts as a value.
#[test]
fn null_ignores_values_of_the_wrong_type() {
    let contacts = qc::Compiler::new(
        std::sync::Arc::new(qc::Schema::builtin(qc::Target::Contacts)),
        Options::default(),
    );
    let no_avatar = json!({"type": "contact", "avatar": {"type": "avatar", "image_url": null}});
    let q = contacts.compile("avatar = null").expect("compiles").query;
    assert!(qc::eval(&q, &no_avatar), "avatar = null");
    let q = contacts.compile("avatar != null").expect("compiles").query;
    assert!(!qc::eval(&q, &no_avatar), "avatar != null");
    assert!(matches("open = null", &json!({"open": "yes"})));
}
