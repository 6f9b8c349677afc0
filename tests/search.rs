//! `qc search` through the real binary, against an Intercom-compatible
//! server on 127.0.0.1 (`support/intercom.rs`). No test reaches the
//! internet. Every run checks that the token is on neither stdout nor
//! stderr.

mod support;

use std::time::Duration;

use assert_cmd::Command;
use qc::Target;
use serde_json::{Value, json};
use support::intercom::{
    Intercom, Recorded, Reply, Run, Server, TOKEN, conversations, retyped, unix_now,
};

/// `qc search` with the token in the environment, fast retries, and
/// no proxy.
fn qc() -> Command {
    qc_waiting_at_most("300ms")
}

/// [`qc`] with the longest single wait `max_wait`.
fn qc_waiting_at_most(max_wait: &str) -> Command {
    let mut cmd = Command::cargo_bin("qc").expect("the qc binary");
    cmd.env("INTERCOM_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("all_proxy")
        .args(["search", "--backoff-base", "1ms", "--max-wait", max_wait]);
    cmd
}

fn search(server: &Server, args: &[&str]) -> Run {
    Run::checked(
        qc().arg("--base-url")
            .arg(server.url())
            .args(args)
            .output()
            .expect("qc runs"),
    )
}

fn odd(to: usize) -> Vec<String> {
    (1..=to).step_by(2).map(|i| i.to_string()).collect()
}

#[test]
fn pages_through_every_result_in_order_following_the_cursors() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(14)));
    let run = search(&server, &["--per-page", "3", "state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), odd(14));
    assert_eq!(run.stderr, "");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].starting_after(), None);
    assert_eq!(
        requests[1].starting_after(),
        Some(support::intercom::encode_cursor(3))
    );
    assert_eq!(
        requests[2].starting_after(),
        Some(support::intercom::encode_cursor(6))
    );
    for r in &requests {
        assert_eq!(r.per_page(), Some(3));
        assert_eq!(
            r.json()["query"],
            json!({"field": "state", "operator": "=", "value": "open"})
        );
    }
}

#[test]
fn sends_the_documented_request() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(3)));
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let requests = server.requests();
    let [request] = requests.as_slice() else {
        panic!("{} requests", requests.len())
    };
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/conversations/search");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(request.header("intercom-version"), Some("2.11"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({
            "query": {"field": "state", "operator": "=", "value": "open"},
            "pagination": {"per_page": 150}
        })
    );
}

#[test]
fn limit_stops_early_and_asks_only_for_what_it_needs() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(40)));
    let run = search(
        &server,
        &["--per-page", "4", "--limit", "10", "state = open"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), odd(19));
    let asked: Vec<Option<u64>> = server.requests().iter().map(Recorded::per_page).collect();
    assert_eq!(asked, [Some(4), Some(4), Some(2)]);

    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(40)));
    let run = search(&server, &["--limit", "5", "state = open"]);
    assert_eq!(run.ids(), odd(9));
    let asked: Vec<Option<u64>> = server.requests().iter().map(Recorded::per_page).collect();
    assert_eq!(asked, [Some(5)]);
}

#[test]
fn formats_json_lines_a_json_array_and_ids() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(6)));
    let jsonl = search(&server, &["--per-page", "2", "state = open"]);
    let json = search(
        &server,
        &["--per-page", "2", "--format", "json", "state = open"],
    );
    let ids = search(
        &server,
        &["--per-page", "2", "--format", "ids", "state = open"],
    );
    assert_eq!(ids.code, Some(0), "{}", ids.stderr);
    assert_eq!(ids.stdout, "1\n3\n5\n");

    let array: Value = serde_json::from_str(&json.stdout).expect("a JSON array");
    let lines: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(array, Value::Array(lines.clone()));
    assert_eq!(lines[0], conversations(1)[0]);
    assert!(
        json.stdout
            .starts_with("[\n{\"type\":\"conversation\",\"id\":\"1\"")
    );

    let none = search(&server, &["--format", "json", "state = snoozed"]);
    assert_eq!((none.code, none.stdout.as_str()), (Some(0), "[]\n"));
}

#[test]
fn contacts_and_tickets_use_their_paths_and_list_keys() {
    for (target, flag, object) in [
        (Target::Contacts, "contacts", "contact"),
        (Target::Tickets, "tickets", "ticket"),
    ] {
        let records = retyped(conversations(5), object);
        let server = Server::intercom(Intercom::new(target, records));
        // `id` is a field of all three endpoints.
        let run = search(
            &server,
            &["--target", flag, "--per-page", "2", "id IN [1, 3, 5]"],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert_eq!(run.ids(), odd(5));
        assert!(run.stdout.contains(&format!("\"type\":\"{object}\"")));
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert!(requests.iter().all(|r| r.path == target.search_path()));
    }
}

/// `qc search` sends the version it compiled for, and the server reads
/// the body as that version documents it.
#[test]
fn sends_the_api_version_it_compiled_for() {
    let records = retyped(conversations(4), "contact");
    let server = Server::intercom(Intercom::new(Target::Contacts, records));
    let run = search(
        &server,
        &["--target", "contacts", "--api-version", "2.16", "id != 2"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3", "4"]);
    let requests = server.requests();
    assert!(!requests.is_empty());
    assert!(
        requests
            .iter()
            .all(|r| r.header("intercom-version") == Some("2.16"))
    );

    // Unstable is Preview's older name; the header says Preview.
    let companies = retyped(conversations(3), "company")
        .into_iter()
        .map(|mut c| {
            c["company_id"] = c["id"].clone();
            c
        })
        .collect();
    let server = Server::intercom(Intercom::new(Target::Companies, companies));
    let run = search(
        &server,
        &[
            "--target",
            "companies",
            "--api-version",
            "Unstable",
            "company_id IN [1, 3]",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3"]);
    let requests = server.requests();
    let [request] = requests.as_slice() else {
        panic!("{} requests", requests.len())
    };
    assert_eq!(request.path, "/companies/search");
    assert_eq!(request.header("intercom-version"), Some("Preview"));
}

/// `ORDER BY` is sent as the request's `sort` with every page, and the
/// results come in the API's order (the scripted API sorts as `qc
/// filter` does); without ASC or DESC, `descending` is sent.
#[test]
fn a_sorted_search_sends_its_sort_with_every_page() {
    // Created the later the higher the id, but given in another order.
    let records: Vec<Value> = [4, 1, 5, 2, 3]
        .into_iter()
        .map(|i| {
            json!({
                "type": "contact",
                "id": i.to_string(),
                "role": if i == 2 { "lead" } else { "user" },
                "created_at": 1_700_000_000 + i,
            })
        })
        .collect();
    let server = Server::intercom(Intercom::new(Target::Contacts, records));
    let args = [
        "--target",
        "contacts",
        "--api-version",
        "2.16",
        "--per-page",
        "2",
    ];
    let run = search(
        &server,
        &[&args[..], &["role = user ORDER BY created_at ASC"]].concat(),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3", "4", "5"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(
            r.json()["sort"],
            json!({"field": "created_at", "order": "ascending"})
        );
        assert_eq!(r.per_page(), Some(2));
    }

    let server = Server::intercom(Intercom::new(Target::Contacts, {
        let mut records = retyped(conversations(4), "contact");
        records.reverse();
        records
    }));
    let run = search(
        &server,
        &[&args[..], &["id != 9 order by created_at"]].concat(),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["4", "3", "2", "1"]);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.json()["sort"] == json!({"field": "created_at", "order": "descending"}))
    );
}

/// A sort where the search cannot sort, on a field that is no sort field,
/// or on a query that takes a plan of several requests: exit 1, the
/// error, and nothing sent.
#[test]
fn a_refused_sort_sends_nothing() {
    let server = Server::intercom(Intercom::new(Target::Contacts, Vec::new()));
    let plan: Vec<String> = (1..=16).map(|i| format!("name ~ w{i}")).collect();
    let planned = format!(
        "role = user AND ({}) ORDER BY created_at",
        plan.join(" OR ")
    );
    for (args, code) in [
        (vec!["state = open ORDER BY created_at"], "[E0115]"),
        (
            vec!["--target", "contacts", "role = user ORDER BY created_at"],
            "[E0115]",
        ),
        (
            vec![
                "--target",
                "contacts",
                "--api-version",
                "2.16",
                "role = user ORDER BY tag_id",
            ],
            "[E0116]",
        ),
        (
            vec!["--target", "contacts", "--api-version", "2.16", &planned],
            "[E0204]",
        ),
    ] {
        let run = search(&server, &args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.contains(code), "{args:?}: {}", run.stderr);
    }
    assert!(server.requests().is_empty(), "sent {:?}", server.requests());
}

/// A target the version does not search, or an unknown version: exit 2,
/// and nothing is sent.
#[test]
fn a_version_without_the_endpoint_sends_nothing() {
    let server = Server::intercom(Intercom::new(Target::Companies, Vec::new()));
    for (args, message) in [
        (
            vec!["--target", "companies", "name = acme"],
            "companies search is not in API version 2.11; it is in version Preview only",
        ),
        (
            vec!["--target", "tickets", "--api-version", "2.9", "id = 1"],
            "tickets search is not in API version 2.9; it is in version 2.10 and later",
        ),
        (
            vec!["--api-version", "2.6", "id = 1"],
            "unknown API version `2.6`; expected one of 2.7, 2.8, 2.9, 2.10, 2.11, 2.12, 2.13, 2.14, 2.15, 2.16, Preview",
        ),
    ] {
        let run = search(&server, &args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    assert!(server.requests().is_empty());
}

#[test]
fn waits_for_the_rate_limit_reset_after_a_429() {
    let api = Intercom::new(Target::Conversations, conversations(4));
    let server = Server::start(move |request, n| {
        if n == 0 {
            Reply::error(429, "rate_limit_exceeded", "Exceeded rate limit")
                .header("X-RateLimit-Limit", 10_000)
                .header("X-RateLimit-Remaining", 0)
                .header("X-RateLimit-Reset", unix_now() + 2)
        } else {
            api.reply(request)
        }
    });
    let run = Run::checked(
        qc_waiting_at_most("3s")
            .args(["--base-url", &server.url(), "state = open"])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The reset is 1 to 2 s away (whole seconds): far beyond the 1ms
    // backoff.
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
}

#[test]
fn a_429_without_reset_backs_off_and_retries_a_bounded_number_of_times() {
    let server =
        Server::start(|_, _| Reply::error(429, "rate_limit_exceeded", "Exceeded rate limit"));
    let run = search(&server, &["--max-retries", "3", "state = open"]);
    assert_eq!(run.code, Some(3));
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: the API answered 429 Too Many Requests after 4 attempts: rate_limit_exceeded: Exceeded rate limit (request b4b1e0c0-test)\n"
    );
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn slows_down_when_few_requests_remain() {
    let api = Intercom::new(Target::Conversations, conversations(6));
    let server = Server::start(move |request, n| {
        let remaining = if n == 0 { 3 } else { 9_000 };
        match api.reply(request) {
            Reply::Http { status, body, .. } => Reply::Http {
                status,
                headers: Vec::new(),
                body,
            }
            .header("X-RateLimit-Limit", 10_000)
            .header("X-RateLimit-Remaining", remaining)
            .header("X-RateLimit-Reset", unix_now() + 30),
            other => other,
        }
    });
    let run = Run::checked(
        qc_waiting_at_most("800ms")
            .args([
                "--base-url",
                &server.url(),
                "--per-page",
                "1",
                "state = open",
            ])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3", "5"]);
    let at: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    // 3 requests left for 30 s: a pause (of the longest wait allowed, 800ms)
    // before the next; none when plenty remain.
    assert!(
        at[1] - at[0] >= Duration::from_millis(780),
        "{:?}",
        at[1] - at[0]
    );
    assert!(
        at[2] - at[1] < Duration::from_millis(500),
        "{:?}",
        at[2] - at[1]
    );
}

#[test]
fn server_errors_are_retried_then_succeed() {
    let api = Intercom::new(Target::Conversations, conversations(5));
    let server = Server::start(move |request, n| match n {
        0 => Reply::error(500, "server_error", "Server Error"),
        1 => Reply::raw(503, "<html>busy</html>"),
        _ => api.reply(request),
    });
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3", "5"]);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn server_errors_exhaust_the_retries() {
    let server = Server::start(|_, _| Reply::error(500, "server_error", "Server Error"));
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(3));
    assert_eq!(
        run.stderr,
        "error: the API answered 500 Internal Server Error after 6 attempts: server_error: Server Error (request b4b1e0c0-test)\n"
    );
    assert_eq!(server.requests().len(), 6, "1 attempt and 5 retries");
}

#[test]
fn a_connection_closed_mid_response_is_retried() {
    let api = Intercom::new(Target::Conversations, conversations(5));
    let server = Server::start(move |request, n| match n {
        0 => Reply::Truncated,
        1 => Reply::Hangup,
        _ => api.reply(request),
    });
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3", "5"]);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_slow_response_times_out_and_is_retried() {
    let api = Intercom::new(Target::Conversations, conversations(3));
    let server = Server::start(move |request, n| {
        let reply = api.reply(request);
        if n == 0 {
            Reply::Slow(Duration::from_secs(2), Box::new(reply))
        } else {
            reply
        }
    });
    let run = search(&server, &["--timeout", "500ms", "state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3"]);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn timeouts_exhaust_the_retries() {
    let server = Server::start(|_, _| {
        Reply::Slow(Duration::from_millis(1000), Box::new(Reply::raw(200, "{}")))
    });
    let run = search(
        &server,
        &["--timeout", "100ms", "--max-retries", "1", "state = open"],
    );
    assert_eq!(run.code, Some(3));
    let expected = format!(
        "error: POST {}/conversations/search: the request timed out (after 2 attempts)\n",
        server.url()
    );
    assert_eq!(run.stderr, expected);
}

#[test]
fn unauthorized_shows_intercoms_code_and_message() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(3)));
    let run = Run::checked(
        qc().env("INTERCOM_TOKEN", "not-the-right-token")
            .args(["--base-url", &server.url(), "state = open"])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(run.code, Some(3));
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("401 Unauthorized: unauthorized: Access Token Invalid"),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 1, "a 401 is not retried");
}

#[test]
fn the_token_is_never_shown_even_when_the_server_echoes_it() {
    let server = Server::start(|request, _| {
        let echoed = request
            .header("authorization")
            .unwrap_or_default()
            .to_owned();
        Reply::error(403, "forbidden", &format!("no access with {echoed}"))
    });
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(3));
    assert!(
        run.stderr
            .contains("forbidden: no access with Bearer <redacted>"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_malformed_page_is_a_clear_error() {
    for (body, why) in [
        (
            "{\"type\": \"conversation.list\", \"conver",
            "the body is not JSON (EOF while parsing",
        ),
        ("[1, 2]", "the body is not a JSON object"),
        (
            "{\"type\": \"list\", \"data\": []}",
            "the body has no `conversations` list",
        ),
        (
            "{\"conversations\": [1]}",
            "`conversations[0]` is not an object",
        ),
        (
            "{\"conversations\": [{\"title\": \"x\"}]}",
            "a result in `conversations` has no `id`",
        ),
        (
            "{\"conversations\": [], \"pages\": {\"next\": \"/next\"}}",
            "`pages.next` is not an object",
        ),
    ] {
        let server = Server::start(move |_, _| Reply::raw(200, body));
        let run = search(&server, &["state = open"]);
        assert_eq!(run.code, Some(3), "{body}");
        assert!(
            run.stderr
                .starts_with(&format!("error: malformed response from the API: {why}")),
            "{body}: {}",
            run.stderr
        );
        assert_eq!(server.requests().len(), 1, "not retried");
    }
}

#[test]
fn a_repeated_cursor_stops_the_loop() {
    let server = Server::start(|request, _| {
        let n = request.starting_after().map_or(0, |c| c.len());
        Reply::json(
            200,
            &json!({
                "type": "conversation.list",
                "total_count": 100,
                "conversations": [{"id": format!("c{n}")}],
                "pages": {"type": "pages", "next": {"starting_after": if n == 0 { "AAA" } else { "BBBB" }}}
            }),
        )
    });
    let run = search(&server, &["--format", "ids", "state = open"]);
    assert_eq!(run.code, Some(3));
    // The page that repeats the cursor is printed before the loop is
    // reported: its result is new.
    let cursors: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(Recorded::starting_after)
        .collect();
    assert_eq!(run.stdout, "c0\nc3\nc4\n", "{} {cursors:?}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: the API returned the cursor `BBBB` a second time; stopped, since following it would fetch the same pages again\n"
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn duplicates_within_a_search_are_printed_once() {
    let server = Server::start(|request, _| {
        let second = request.starting_after().is_some();
        let ids: &[&str] = if second { &["2", "3"] } else { &["1", "2"] };
        let items: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        let next = if second {
            Value::Null
        } else {
            json!({"starting_after": "x"})
        };
        Reply::json(
            200,
            &json!({"conversations": items, "total_count": 4, "pages": {"next": next}}),
        )
    });
    let run = search(&server, &["--format", "ids", "state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "1\n2\n3\n");
}

#[test]
fn an_invalid_query_sends_no_request() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(3)));
    let run = search(&server, &["stat = open"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("unknown field `stat`"),
        "{}",
        run.stderr
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_missing_token_is_a_usage_error() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(3)));
    let run = Run::checked(
        qc().env_remove("INTERCOM_TOKEN")
            .args(["--base-url", &server.url(), "state = open"])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: no access token: set INTERCOM_TOKEN or pass --token-file PATH\n"
    );
    let empty = Run::checked(
        qc().env("INTERCOM_TOKEN", "  ")
            .args(["--base-url", &server.url(), "state = open"])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(empty.code, Some(2));
    assert_eq!(
        empty.stderr,
        "error: the access token is empty (in INTERCOM_TOKEN)\n"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_token_can_come_from_a_file() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(3)));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("token");
    std::fs::write(&path, format!("{TOKEN}\n")).expect("write the token");
    let run = Run::checked(
        qc().env_remove("INTERCOM_TOKEN")
            .args(["--base-url", &server.url(), "--token-file"])
            .arg(&path)
            .arg("state = open")
            .output()
            .expect("qc runs"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3"]);

    let missing = Run::checked(
        qc().args(["--base-url", &server.url(), "--token-file"])
            .arg(dir.path().join("nope"))
            .arg("state = open")
            .output()
            .expect("qc runs"),
    );
    assert_eq!(missing.code, Some(2));
    assert!(
        missing
            .stderr
            .starts_with("error: cannot read the token file ")
            && missing.stderr.ends_with(": no such file\n"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_bad_base_url_is_a_usage_error() {
    for url in ["intercom.example", "https://user:hunter2@x?y", "ftp://x"] {
        let run = Run::checked(
            qc().args(["--base-url", url, "state = open"])
                .output()
                .expect("qc runs"),
        );
        assert_eq!(run.code, Some(2), "{url}");
        assert!(run.stderr.contains("invalid base URL"), "{}", run.stderr);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
    let both = Run::checked(
        qc().args([
            "--base-url",
            "http://127.0.0.1:9",
            "--region",
            "eu",
            "x = 1",
        ])
        .output()
        .expect("qc runs"),
    );
    assert_eq!(both.code, Some(2));
}

#[test]
fn a_network_failure_is_exit_3_without_the_token() {
    // Port 9 (discard) on this machine refuses connections.
    let run = Run::checked(
        qc().args([
            "--base-url",
            "http://127.0.0.1:9",
            "--max-retries",
            "2",
            "state = open",
        ])
        .output()
        .expect("qc runs"),
    );
    assert_eq!(run.code, Some(3));
    assert_eq!(
        run.stderr,
        "error: POST http://127.0.0.1:9/conversations/search: the connection was refused (after 3 attempts)\n"
    );
}

#[test]
fn a_closed_stdout_ends_the_search_quietly() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(20)));
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' search --base-url {} --per-page 1 'state = open' | head -n 1",
            env!("CARGO_BIN_EXE_qc"),
            server.url()
        ))
        .env("INTERCOM_TOKEN", TOKEN)
        .output()
        .expect("sh runs");
    let run = Run::checked(out);
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stdout.lines().count(), 1);
    assert_eq!(run.stderr, "");
}

/// Runs `qc search` until the server has received `requests` requests,
/// then sends it SIGINT.
fn interrupted(format: &str) -> Run {
    let api = Intercom::new(Target::Conversations, conversations(20));
    let server = Server::start(move |request, n| {
        let reply = api.reply(request);
        if n == 0 {
            reply
        } else {
            Reply::Slow(Duration::from_secs(3), Box::new(reply))
        }
    });
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_qc"))
        .args(["search", "--per-page", "2", "--format", format])
        .args(["--base-url", &server.url(), "state = open"])
        .env("INTERCOM_TOKEN", TOKEN)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("qc starts");
    let start = std::time::Instant::now();
    while server.requests().len() < 2 && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(server.requests().len(), 2, "the second page was asked for");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    Run::checked(child.wait_with_output().expect("qc ends"))
}

#[test]
fn ctrl_c_leaves_whole_lines_and_a_closed_array() {
    let run = interrupted("jsonl");
    assert_eq!(run.code, Some(130));
    assert!(run.stdout.ends_with('\n'));
    assert_eq!(run.ids(), ["1", "3"]);

    let run = interrupted("json");
    assert_eq!(run.code, Some(130));
    let array: Value = serde_json::from_str(&run.stdout).expect("a closed JSON array");
    assert_eq!(array.as_array().map(Vec::len), Some(2));
}

/// A query that no single request can express runs as its plan: each
/// request is sent, and each object that matches several is printed once,
/// so the output is exactly what the query selects.
#[test]
fn a_planned_query_runs_every_request_and_prints_each_result_once() {
    let records = conversations(30);
    // Neither its CNF (an OR of 17) nor its DNF (16 ANDs and a filter)
    // fits: a plan of 2, and tag 7 is in both.
    let ids: Vec<String> = (1..=16).map(|i| format!("id ~ {i}")).collect();
    let text = &format!("tag_ids = 7 OR (created_at > 1 AND ({}))", ids.join(" OR "));
    let server = Server::intercom(Intercom::new(Target::Conversations, records.clone()));
    let run = search(&server, &["--per-page", "4", text]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);

    let options = qc::Options {
        limits: qc::Limits::Ignore,
        ..qc::Options::default()
    };
    let query = qc::compile(text, &options).expect("valid").query;
    let mut want: Vec<String> = records
        .iter()
        .filter(|r| qc::eval(&query, r))
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut got = run.ids();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(
        got.windows(2).all(|w| w[0] != w[1]),
        "printed twice: {got:?}"
    );
    // Two distinct request bodies, each within the API's limits.
    let requests = server.requests();
    let mut bodies: Vec<Value> = requests.iter().map(|r| r.json()["query"].clone()).collect();
    bodies.dedup();
    assert!(bodies.len() >= 2, "{bodies:?}");
    for b in &bodies {
        let validated = qc::check::validate(&json!({"query": b}).to_string());
        assert!(validated.is_valid(), "{b}: {:?}", validated.diagnostics);
    }
}

/// A token shaped like Intercom's (base64, with `/`, `+` and padding).
const B64_TOKEN: &str = "dG9rOjEy/MzQ1+Njc4OTAx/YWJjZGVm==";

/// One way a server may echo the token back: its name, the text as it
/// stands inside a JSON string of the response body, and, for a token
/// split across two fields, the second part.
struct Echo {
    name: &'static str,
    raw: String,
    rest: Option<String>,
}

fn echo_forms() -> Vec<Echo> {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let t = B64_TOKEN;
    let core = t.trim_end_matches('=');
    let percent_all: String = t.bytes().map(|b| format!("%{b:02X}")).collect();
    let one = |name, raw: String| Echo {
        name,
        raw,
        rest: None,
    };
    let (first, second) = core.split_at(core.len() / 2);
    vec![
        one("as sent", t.to_owned()),
        one("JSON-escaped slashes", t.replace('/', "\\/")),
        one(
            "JSON \\u escapes",
            t.chars().map(|c| format!("\\u{:04x}", c as u32)).collect(),
        ),
        one(
            "percent-encoded",
            t.replace('/', "%2F")
                .replace('+', "%2B")
                .replace('=', "%3D"),
        ),
        one("percent-encoded, every byte", percent_all.clone()),
        one("percent-encoded twice", percent_all.replace('%', "%25")),
        one("escaped twice", t.replace('/', "\\\\\\/")),
        one("without its padding", core.to_owned()),
        one("with other padding", format!("{core}=")),
        one("URL-safe base64", core.replace('+', "-").replace('/', "_")),
        one(
            "base64 of a Basic credential",
            STANDARD.encode(format!("{t}:")),
        ),
        Echo {
            name: "split across two fields",
            raw: first.to_owned(),
            rest: Some(second.to_owned()),
        },
    ]
}

/// Every text whose presence in qc's output would show the token.
fn leaked_forms() -> Vec<String> {
    let core = B64_TOKEN.trim_end_matches('=');
    let mut forms = vec![
        B64_TOKEN.to_owned(),
        core.to_owned(),
        core[..core.len() / 2].to_owned(),
        core[core.len() / 2..].to_owned(),
    ];
    for echo in echo_forms() {
        if echo.rest.is_none() {
            let decoded: String =
                serde_json::from_str(&format!("\"{}\"", echo.raw)).unwrap_or_default();
            forms.extend([echo.raw, decoded]);
        }
    }
    forms.retain(|f| f.len() >= 8);
    forms
}

/// `qc search` with [`B64_TOKEN`], notes for every wait, against `server`.
fn echo_search(server: &Server, args: &[&str]) -> Run {
    let out = qc()
        .env("INTERCOM_TOKEN", B64_TOKEN)
        .args(["--note-waits-from", "0s", "--base-url", &server.url()])
        .args(args)
        .output()
        .expect("qc runs");
    let run = Run::checked(out);
    for form in leaked_forms() {
        assert!(
            !run.stdout.contains(&form),
            "{form} on stdout: {}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(&form),
            "{form} on stderr: {}",
            run.stderr
        );
    }
    run
}

/// An `error.list` body holding `echo` in a message (and the rest in the
/// request id).
fn echoing_error(status: u16, echo: &Echo) -> Reply {
    let body = format!(
        r#"{{"type":"error.list","request_id":"req {}","errors":[{{"code":"forbidden","message":"you sent {}"}}]}}"#,
        echo.rest.as_deref().unwrap_or("r-1"),
        echo.raw
    );
    Reply::raw(status, &body)
}

/// The token, in every form a server may echo it, is redacted from every
/// place qc shows server text: errors, the notes of waits, the results
/// (`--format json`), and a cursor quoted in an error.
#[test]
fn an_echoed_token_is_redacted_in_every_form_and_every_output() {
    for echo in echo_forms() {
        let name = echo.name;

        let reply = echoing_error(403, &echo);
        let server = Server::start(move |_, _| reply.clone());
        let error = echo_search(&server, &["state = open"]);
        assert_eq!(error.code, Some(3), "{name}");
        assert!(
            error.stderr.starts_with(
                "error: the API answered 403 Forbidden: forbidden: you sent <redacted>"
            ),
            "{name}: {}",
            error.stderr
        );

        let reply = echoing_error(503, &echo);
        let page = Reply::json(
            200,
            &json!({"conversations": [{"id": "1"}], "pages": {"next": null}}),
        );
        let server = Server::start(move |_, n| if n == 0 { reply.clone() } else { page.clone() });
        let note = echo_search(&server, &["state = open"]);
        assert_eq!(note.code, Some(0), "{name}: {}", note.stderr);
        assert!(
            note.stderr.starts_with("note: waiting ")
                && note.stderr.contains(": forbidden: you sent <redacted>"),
            "{name}: {}",
            note.stderr
        );

        let body = format!(
            r#"{{"conversations":[{{"id":"1","title":"you sent {}","source":{{"author":"{}"}}}}],"pages":{{"next":null}}}}"#,
            echo.raw,
            echo.rest.as_deref().unwrap_or("someone")
        );
        let server = Server::start(move |_, _| Reply::raw(200, &body));
        let results = echo_search(&server, &["--format", "json", "state = open"]);
        assert_eq!(results.code, Some(0), "{name}: {}", results.stderr);
        let array: Value = serde_json::from_str(&results.stdout).expect("a JSON array");
        assert!(
            array[0]["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("you sent <redacted>")),
            "{name}: {}",
            results.stdout
        );

        let cursor = format!("{}{}", echo.raw, echo.rest.as_deref().unwrap_or_default());
        let body =
            format!(r#"{{"conversations":[],"pages":{{"next":{{"starting_after":"{cursor}"}}}}}}"#);
        let server = Server::start(move |request, _| {
            let id = if request.starting_after().is_some() {
                "2"
            } else {
                "1"
            };
            Reply::raw(200, &body.replace("[]", &format!("[{{\"id\":\"{id}\"}}]")))
        });
        let looped = echo_search(&server, &["state = open"]);
        assert_eq!(looped.code, Some(3), "{name}");
        assert!(
            looped.stderr.contains("the cursor `<redacted>"),
            "{name}: {}",
            looped.stderr
        );
    }
}

/// The progress line (stderr on a terminal) shows the server's message of
/// a retried request: redacted there too. `script` gives qc a terminal.
#[test]
fn the_progress_line_shows_server_text_redacted() {
    for echo in echo_forms() {
        let reply = echoing_error(503, &echo);
        let page = Reply::json(
            200,
            &json!({"conversations": [{"id": "1"}], "pages": {"next": null}}),
        );
        let server = Server::start(move |_, n| if n == 0 { reply.clone() } else { page.clone() });
        let command = format!(
            "stty cols 1000 rows 40; exec '{}' search --base-url {} --backoff-base 600ms --note-waits-from 1h 'state = open'",
            env!("CARGO_BIN_EXE_qc"),
            server.url()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("INTERCOM_TOKEN", B64_TOKEN)
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .output()
            .expect("script (util-linux) runs");
        let shown = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{}: {shown}", echo.name);
        assert!(
            shown.contains("forbidden: you sent <redacted>"),
            "{}: the wait is not on the progress line: {shown}",
            echo.name
        );
        for form in leaked_forms() {
            assert!(!shown.contains(&form), "{}: {form} in {shown}", echo.name);
        }
    }
}

#[test]
fn control_characters_of_server_messages_are_shown_escaped() {
    let server = Server::start(|_, _| {
        Reply::raw(
            400,
            r#"{"errors":[{"code":"bad\u001b[31m","message":"\u001b]0;owned\u0007 \u202eevil\r\nline"}]}"#,
        )
    });
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(3));
    assert_eq!(
        run.stderr,
        "error: the API answered 400 Bad Request: bad\\u{1b}[31m: \\u{1b}]0;owned\\u{7} \\u{202e}evil\\u{d}\\nline\n"
    );
}

#[test]
fn endless_empty_pages_end_the_run() {
    let server = Server::start(|_, n| {
        Reply::json(
            200,
            &json!({"conversations": [], "total_count": 1000, "pages": {"next": {"starting_after": format!("c{n}")}}}),
        )
    });
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(3));
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: the API sent 2 pages in a row without a new result, each promising more; stopped, since the paging makes no progress\n"
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn pages_of_ids_already_seen_end_the_run_after_printing_each_once() {
    let server = Server::start(|_, n| {
        Reply::json(
            200,
            &json!({"conversations": [{"id": "1"}, {"id": "2"}], "pages": {"next": {"starting_after": format!("c{n}")}}}),
        )
    });
    let run = search(&server, &["--format", "ids", "state = open"]);
    assert_eq!(run.code, Some(3));
    assert_eq!(run.stdout, "1\n2\n");
    assert!(
        run.stderr.contains("2 pages in a row without a new result"),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn ids_of_different_types_are_different_results() {
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            &json!({"conversations": [{"id": "7"}, {"id": 7}, {"id": "7"}], "pages": {"next": null}}),
        )
    });
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "{\"id\":\"7\"}\n{\"id\":7}\n");
}

#[test]
fn the_number_of_requests_is_capped() {
    // One new result a page, and always more promised.
    let endless = || {
        Server::start(|_, n| {
            Reply::json(
                200,
                &json!({"conversations": [{"id": n.to_string()}], "pages": {"next": {"starting_after": format!("c{n}")}}}),
            )
        })
    };
    let server = endless();
    let run = search(
        &server,
        &["--max-requests", "3", "--format", "ids", "state = open"],
    );
    assert_eq!(run.code, Some(3));
    assert_eq!(run.stdout, "0\n1\n2\n");
    assert_eq!(
        run.stderr,
        "error: stopped after 3 requests, the most this search may send; more pages remain\nhelp: raise --max-requests (pages sent; --max-plan bounds the bodies), or set --limit\n"
    );
    assert_eq!(server.requests().len(), 3);

    // --limit 4 in pages of 2 needs 2 pages; 3 are allowed.
    let server = endless();
    let run = search(
        &server,
        &[
            "--limit",
            "4",
            "--per-page",
            "2",
            "--format",
            "ids",
            "state = open",
        ],
    );
    assert_eq!(run.code, Some(3));
    assert_eq!(run.stdout, "0\n1\n2\n");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn retry_after_in_seconds_and_as_a_date_is_honoured_and_noted() {
    for retry_after in [
        "1".to_owned(),
        // At least 2 s ahead (in whole seconds): more than 1 s once qc runs.
        jiff::Timestamp::from_second(unix_now() as i64 + 3)
            .expect("a time")
            .strftime("%a, %d %b %Y %H:%M:%S GMT")
            .to_string(),
    ] {
        let api = Intercom::new(Target::Conversations, conversations(3));
        let header = retry_after.clone();
        let server = Server::start(move |request, n| {
            if n == 0 {
                Reply::error(503, "service_unavailable", "Try later").header("Retry-After", &header)
            } else {
                api.reply(request)
            }
        });
        let run = Run::checked(
            qc_waiting_at_most("5s")
                .args([
                    "--note-waits-from",
                    "500ms",
                    "--base-url",
                    &server.url(),
                    "state = open",
                ])
                .output()
                .expect("qc runs"),
        );
        assert_eq!(run.code, Some(0), "{retry_after}: {}", run.stderr);
        assert_eq!(run.ids(), ["1", "3"]);
        let requests = server.requests();
        let waited = requests[1].at - requests[0].at;
        assert!(
            waited >= Duration::from_millis(900),
            "{retry_after}: {waited:?}"
        );
        assert!(
            run.stderr.starts_with("note: waiting ")
                && run.stderr.ends_with(
                    ": the API answered 503 Service Unavailable: service_unavailable: Try later (request b4b1e0c0-test); retrying as its Retry-After asks\n"
                ),
            "{retry_after}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_rate_limit_reset_in_year_3000_stops_at_once() {
    let server = Server::start(|_, _| {
        Reply::error(429, "rate_limit_exceeded", "Exceeded rate limit")
            .header("X-RateLimit-Remaining", 0)
            .header("X-RateLimit-Reset", 32_503_680_000u64)
    });
    let start = std::time::Instant::now();
    let run = Run::checked(
        qc_waiting_at_most("30s")
            .args(["--base-url", &server.url(), "state = open"])
            .output()
            .expect("qc runs"),
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(run.code, Some(3));
    assert!(
        run.stderr.starts_with(
            "error: the API answered 429 Too Many Requests: rate_limit_exceeded: Exceeded rate limit (request b4b1e0c0-test); it asks to wait "
        ) && run.stderr.ends_with(
            "y (X-RateLimit-Reset), longer than the longest wait allowed (30s)\nhelp: raise --max-wait to wait that long\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn the_waits_of_a_run_add_up_to_at_most_the_total() {
    let server = Server::start(|_, _| {
        Reply::error(503, "service_unavailable", "Try later").header("Retry-After", 1)
    });
    let run = Run::checked(
        qc_waiting_at_most("5s")
            .args([
                "--max-total-wait",
                "1500ms",
                "--base-url",
                &server.url(),
                "state = open",
            ])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(run.code, Some(3));
    assert!(
        run.stderr
            .starts_with("error: stopped before waiting another 1s (the API answered 503")
            && run.stderr.ends_with(
                "the waits would add up to more than 1.5s\nhelp: raise --max-total-wait\n"
            ),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_tls_handshake_to_a_silent_port_fails_within_one_timeout() {
    let silent = support::intercom::Silent::start();
    let start = std::time::Instant::now();
    let run = Run::checked(
        qc().args([
            "--timeout",
            "1s",
            "--base-url",
            &silent.https_url(),
            "state = open",
        ])
        .output()
        .expect("qc runs"),
    );
    let took = start.elapsed();
    assert_eq!(run.code, Some(3));
    assert!(took < Duration::from_millis(1800), "{took:?}");
    assert_eq!(silent.accepted(), 1, "not retried");
    assert!(
        run.stderr
            .contains("no connection within 900ms: the TCP or TLS handshake got no answer")
            && run.stderr.ends_with("(after 1 attempt)\n"),
        "{}",
        run.stderr
    );
}

/// `qc search` with every proxy variable pointing at `proxy`.
fn through_proxy(proxy: &Server) -> Command {
    let mut cmd = qc();
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy"] {
        cmd.env(var, proxy.url());
    }
    cmd.env_remove("NO_PROXY").env_remove("no_proxy");
    cmd
}

#[test]
fn a_plain_http_url_through_a_proxy_is_refused_unless_allowed() {
    let api = Intercom::new(Target::Conversations, conversations(3));
    let proxy = Server::start(move |request, _| api.reply(request));
    let refused = Run::checked(
        through_proxy(&proxy)
            .args(["--base-url", "http://intercom.invalid", "state = open"])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(refused.code, Some(2));
    assert_eq!(
        refused.stderr,
        format!(
            "warning: http://intercom.invalid is plain http: the access token is sent unencrypted\nerror: refusing to send the access token in clear text through the proxy 127.0.0.1:{} (set in the environment) to the plain-http http://intercom.invalid; use https, or exclude the host with NO_PROXY\nhelp: --allow-insecure-proxy sends it anyway\n",
            proxy.url().rsplit(':').next().unwrap_or_default()
        )
    );
    assert!(proxy.requests().is_empty(), "nothing was sent");

    // Allowed: the proxy tunnels the request, and reads the token.
    let allowed = Run::checked(
        through_proxy(&proxy)
            .args([
                "--allow-insecure-proxy",
                "--base-url",
                "http://intercom.invalid",
                "state = open",
            ])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(allowed.code, Some(0), "{}", allowed.stderr);
    assert_eq!(allowed.ids(), ["1", "3"]);
    let seen = proxy.requests();
    assert_eq!(seen[0].method, "CONNECT");
    assert_eq!(seen[0].path, "intercom.invalid:80");
    assert_eq!(
        seen[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[test]
fn https_goes_through_a_proxy_and_loopback_never_does() {
    let proxy = Server::start(|_, _| Reply::error(502, "bad_gateway", "no"));
    let api = Server::intercom(Intercom::new(Target::Conversations, conversations(3)));
    let direct = Run::checked(
        through_proxy(&proxy)
            .args(["--base-url", &api.url(), "state = open"])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(direct.code, Some(0), "{}", direct.stderr);
    assert_eq!(direct.ids(), ["1", "3"]);
    let localhost = api.url().replace("127.0.0.1", "localhost");
    let by_name = Run::checked(
        through_proxy(&proxy)
            .args(["--base-url", &localhost, "state = open"])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(by_name.code, Some(0), "{}", by_name.stderr);
    assert!(proxy.requests().is_empty(), "a loopback URL used the proxy");

    // https: a CONNECT tunnel, whose TLS the proxy cannot read (this one
    // is no TLS server, so the handshake fails after the tunnel opened).
    let tunnelled = Run::checked(
        through_proxy(&proxy)
            .args([
                "--max-retries",
                "0",
                "--timeout",
                "1s",
                "--base-url",
                "https://intercom.invalid",
                "state = open",
            ])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(tunnelled.code, Some(3));
    let seen = proxy.requests();
    assert_eq!(
        seen.first().map(|r| (r.method.as_str(), r.path.as_str())),
        Some(("CONNECT", "intercom.invalid:443"))
    );
    assert!(seen.iter().all(|r| r.header("authorization").is_none()));
}

/// An AND of two ORs of 16 comparisons on `id` (contains; ends or starts
/// with; `state`): no request holds it, and its plan is 4 requests, one
/// for each pair of halves. Many conversations match several.
fn plan_of_four() -> String {
    let contains: Vec<String> = (1..=16).map(|i| format!("id ~ \"{i}\"")).collect();
    let mut edges: Vec<String> = (0..=9).map(|i| format!("id $ \"{i}\"")).collect();
    edges.extend((1..=5).map(|i| format!("id ^ \"{i}\"")));
    edges.push("state = open".to_owned());
    format!("({}) AND ({})", contains.join(" OR "), edges.join(" OR "))
}

/// The bodies of [`plan_of_four`]'s plan, in plan order.
fn bodies_of_four() -> Vec<Value> {
    let compiler = qc::Settings::default().compiler().expect("defaults");
    let requests = qc::search::requests(&plan_of_four(), &compiler).expect("a plan");
    let bodies = requests.bodies();
    assert_eq!(bodies.len(), 4);
    bodies
}

/// What [`plan_of_four`] selects of `records`, by id, each once.
fn selected_by_four(records: &[Value]) -> Vec<String> {
    let options = qc::Options {
        limits: qc::Limits::Ignore,
        ..qc::Options::default()
    };
    let query = qc::compile(&plan_of_four(), &options).expect("valid").query;
    let mut ids: Vec<String> = records
        .iter()
        .filter(|r| qc::eval(&query, r))
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.sort();
    ids
}

/// The requests a server received, as `(query, cursor)`, sorted.
fn sent(server: &Server) -> Vec<(String, Option<String>)> {
    let mut sent: Vec<(String, Option<String>)> = server
        .requests()
        .iter()
        .map(|r| (r.json()["query"].to_string(), r.starting_after()))
        .collect();
    sent.sort();
    sent
}

#[test]
fn a_plan_runs_its_requests_at_once_and_prints_the_same_bytes_as_one_at_a_time() {
    let records = conversations(40);
    let text = plan_of_four();
    let run_at = |concurrency: &str, format: &str| {
        let api = Intercom::new(Target::Conversations, records.clone());
        let server = Server::with_latency(Duration::from_millis(20), move |r, _| api.reply(r));
        let args = [
            "--per-page",
            "2",
            "--concurrency",
            concurrency,
            "--format",
            format,
            &text,
        ];
        (search(&server, &args), server)
    };
    for format in ["jsonl", "json", "ids"] {
        let (one, one_server) = run_at("1", format);
        let (four, four_server) = run_at("4", format);
        assert_eq!(one.code, Some(0), "{}", one.stderr);
        assert_eq!(four.code, Some(0), "{}", four.stderr);
        assert_eq!(four.stdout, one.stdout, "--format {format}");
        assert_eq!(four.stderr, one.stderr);
        // The same pages were asked for, one at a time and side by side.
        assert_eq!(sent(&four_server), sent(&one_server));
        assert_eq!(one_server.max_in_flight(), 1);
        assert!(
            four_server.max_in_flight() > 1,
            "the requests never overlapped"
        );
        if format == "jsonl" {
            // Each selected object once, and four bodies of several pages.
            let mut ids = four.ids();
            ids.sort();
            assert_eq!(ids, selected_by_four(&records));
            let requests = four_server.requests();
            for body in bodies_of_four() {
                let pages = requests
                    .iter()
                    .filter(|r| r.json()["query"] == body["query"])
                    .count();
                assert!(pages >= 2, "{pages} pages of {body}");
            }
        }
    }
}

#[test]
fn a_429_holds_back_every_request_of_the_plan_until_its_retry_after() {
    let records = conversations(40);
    let api = Intercom::new(Target::Conversations, records.clone());
    let server = Server::start(move |request, n| {
        if n == 0 {
            // Answered once the first requests of the other bodies are in.
            let limited = Reply::error(429, "rate_limit_exceeded", "Exceeded rate limit")
                .header("Retry-After", 1);
            Reply::Slow(Duration::from_millis(300), Box::new(limited))
        } else {
            Reply::Slow(Duration::from_millis(600), Box::new(api.reply(request)))
        }
    });
    let run = Run::checked(
        qc_waiting_at_most("3s")
            .args(["--note-waits-from", "500ms", "--base-url", &server.url()])
            .args(["--per-page", "4", "--concurrency", "4", &plan_of_four()])
            .output()
            .expect("qc runs"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut ids = run.ids();
    ids.sort();
    assert_eq!(ids, selected_by_four(&records));

    let requests = server.requests();
    let limited = requests[0].answered.expect("the 429 was answered");
    let resume = limited + Duration::from_secs(1);
    // No request of any body went out between the 429 and the time its
    // Retry-After names: the retry, and the next pages of the others,
    // came after it.
    let later: Vec<&Recorded> = requests.iter().filter(|r| r.at > limited).collect();
    assert!(later.len() >= 4, "{} requests after the 429", later.len());
    for r in &later {
        assert!(
            r.at >= resume,
            "a request {:?} after the 429, before its Retry-After",
            r.at - limited
        );
    }
    // The pause is told once, not once a worker.
    let notes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("note: waiting"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", run.stderr);
    assert!(
        notes[0].starts_with("note: waiting 1s: the API answered 429 Too Many Requests"),
        "{}",
        notes[0]
    );
}

#[test]
fn a_failing_request_stops_the_others_and_what_was_printed_stays() {
    let records = conversations(40);
    let bodies = bodies_of_four();
    let (failing, waiting) = (bodies[1]["query"].clone(), bodies[2]["query"].clone());
    let failing_page =
        move |r: &Recorded| r.json()["query"] == failing && r.starting_after().is_some();
    let server = || {
        let api = Intercom::new(Target::Conversations, records.clone());
        let failing_page = failing_page.clone();
        let waiting = waiting.clone();
        Server::with_latency(Duration::from_millis(100), move |r, _| {
            if failing_page(r) {
                Reply::error(400, "parameter_invalid", "Invalid starting_after")
            } else if r.json()["query"] == waiting {
                // The third body waits 20 s to try again.
                Reply::error(503, "service_unavailable", "Try later").header("Retry-After", 20)
            } else {
                api.reply(r)
            }
        })
    };
    let run = |server: &Server, concurrency: &str| {
        Run::checked(
            qc_waiting_at_most("30s")
                .args(["--base-url", &server.url(), "--per-page", "1"])
                .args(["--concurrency", concurrency, "--format", "ids", "--quiet"])
                .arg(plan_of_four())
                .output()
                .expect("qc runs"),
        )
    };
    let one_server = server();
    let one = run(&one_server, "1");
    let four_server = server();
    let four = run(&four_server, "4");

    // The error, and the exit status, as one at a time.
    for run in [&one, &four] {
        assert_eq!(run.code, Some(3));
        assert_eq!(
            run.stderr,
            "error: the API answered 400 Bad Request: parameter_invalid: Invalid starting_after (request b4b1e0c0-test)\n"
        );
    }
    // What was printed came in plan order, each once: the start of what
    // one at a time prints.
    assert!(
        one.stdout.starts_with(&four.stdout),
        "{}\nis not the start of\n{}",
        four.stdout,
        one.stdout
    );
    let mut printed: Vec<&str> = four.stdout.lines().collect();
    printed.sort_unstable();
    printed.dedup();
    assert_eq!(printed.len(), four.stdout.lines().count());

    // Once the failure was answered, each other worker sent at most the
    // request it had already begun, and the one waiting to try again
    // stopped waiting and sent nothing more.
    let requests = four_server.requests();
    let failed = requests
        .iter()
        .find(|r| failing_page(r))
        .and_then(|r| r.answered)
        .expect("the failing page was answered");
    let after = requests.iter().filter(|r| r.at > failed).count();
    assert!(after <= 2, "{after} requests after the failure");
    let waited = requests
        .iter()
        .filter(|r| r.json()["query"] == bodies[2]["query"])
        .count();
    assert_eq!(waited, 1, "the waiting body tried again");
}

#[test]
fn concurrency_is_from_1_to_16() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(3)));
    for n in ["0", "17", "x"] {
        let run = search(&server, &["--concurrency", n, "state = open"]);
        assert_eq!(run.code, Some(2), "{n}");
        assert!(
            run.stderr.starts_with(&format!(
                "error: invalid value '{n}' for '--concurrency <N>'"
            )),
            "{}",
            run.stderr
        );
    }
    let run = search(&server, &["--concurrency", "0", "state = open"]);
    assert!(run.stderr.contains("0 is not in 1..=16"), "{}", run.stderr);
    assert!(server.requests().is_empty());
    let run = search(&server, &["--concurrency", "16", "state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3"]);
}
