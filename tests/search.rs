//! `qc search` through the real binary, against an Intercom-compatible
//! server on 127.0.0.1 (`support/intercom.rs`). No test reaches the
//! internet. Every run checks that the token is on neither stdout nor
//! stderr.

#[path = "support/intercom.rs"]
mod intercom;

use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use intercom::{Intercom, Recorded, Reply, Server, TOKEN, conversations, retyped, unix_now};
use qc::Target;
use serde_json::{Value, json};

/// The result of a run, after checking that the token did not leak.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ids(&self) -> Vec<String> {
        self.stdout
            .lines()
            .map(|line| {
                let v: Value = serde_json::from_str(line).expect("a JSON line");
                v["id"].as_str().expect("an id").to_owned()
            })
            .collect()
    }
}

fn check(out: Output) -> Run {
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(TOKEN),
        "token on stdout: {}",
        run.stdout
    );
    assert!(
        !run.stderr.contains(TOKEN),
        "token on stderr: {}",
        run.stderr
    );
    run
}

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
    check(
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
        Some(intercom::encode_cursor(3))
    );
    assert_eq!(
        requests[2].starting_after(),
        Some(intercom::encode_cursor(6))
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
                .header("X-RateLimit-Reset", unix_now() + 5)
        } else {
            api.reply(request)
        }
    });
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The reset is seconds away: the wait is the longest allowed (300ms
    // with --max-wait), far beyond the 1ms backoff.
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(280), "{waited:?}");
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
    let run = check(
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
    let run = check(
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
    let run = search(&server, &["state = open"]);
    assert_eq!(run.code, Some(3));
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("the API returned the cursor `BBBB` a second time"),
        "{}",
        run.stderr
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
    let run = check(
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
    let empty = check(
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
    let run = check(
        qc().env_remove("INTERCOM_TOKEN")
            .args(["--base-url", &server.url(), "--token-file"])
            .arg(&path)
            .arg("state = open")
            .output()
            .expect("qc runs"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.ids(), ["1", "3"]);

    let missing = check(
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
        let run = check(
            qc().args(["--base-url", url, "state = open"])
                .output()
                .expect("qc runs"),
        );
        assert_eq!(run.code, Some(2), "{url}");
        assert!(run.stderr.contains("invalid base URL"), "{}", run.stderr);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
    let both = check(
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
    let run = check(
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
    let run = check(out);
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
    check(child.wait_with_output().expect("qc ends"))
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
    let text = "(state = open AND created_at > 1 AND (tag_ids = 7 OR id ~ 1)) OR (tag_ids = 7 AND created_at > 1 AND (state = closed OR id ~ 2))";
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
