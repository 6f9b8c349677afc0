//! `qc::search` as a library: several request bodies against the scripted
//! server on 127.0.0.1 (the union of a query plan), and the retry and
//! pacing rules with a scripted transport and a fake clock, so that waits
//! are exact and take no time.

mod support;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qc::Target;
use qc::search::{
    BaseUrl, Client, Clock, Event, FailureKind, Format, Request, Response, RetryPolicy,
    SearchError, Stats, Token, Transport, TransportError, WaitReason,
};
use serde_json::{Value, json};
use support::intercom::{Intercom, Recorded, Server, TOKEN, conversations};

fn token() -> Token {
    Token::new(TOKEN).expect("a valid token")
}

fn body(query: &str) -> Value {
    qc::compile(query, &qc::Options::default())
        .expect("a valid query")
        .json()
}

fn client_for(server: &Server) -> Client {
    let base = BaseUrl::parse(&server.url()).expect("the server's URL");
    Client::new(token(), base).with_policy(RetryPolicy {
        base_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    })
}

fn ids(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("?"))
        .collect()
}

#[test]
fn several_bodies_give_each_object_once_in_order() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(12)));
    let client = client_for(&server).with_per_page(2);
    // Open conversations (odd ids), then those tagged 7 (ids 3, 6, 9, 12).
    let bodies = [body("state = open"), body("tag_ids IN [7]")];
    let mut search = client.search(Target::Conversations, bodies);
    let results: Vec<Value> = search.by_ref().collect::<Result<_, _>>().expect("results");
    assert_eq!(ids(&results), ["1", "3", "5", "7", "9", "11", "6", "12"]);
    let stats = search.stats();
    assert_eq!(
        (
            stats.requests,
            stats.pages,
            stats.fetched,
            stats.emitted,
            stats.duplicates
        ),
        (5, 5, 10, 8, 2)
    );
    assert_eq!(stats.total_count, Some(10));
    let queries: Vec<Value> = server
        .requests()
        .iter()
        .map(|r| r.json()["query"]["field"].clone())
        .collect();
    assert_eq!(
        queries,
        ["state", "state", "state", "tag_ids", "tag_ids"].map(|f| json!(f))
    );
}

#[test]
fn the_limit_counts_distinct_objects_and_shrinks_the_last_pages() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(12)));
    let client = client_for(&server).with_per_page(2);
    let bodies = [body("state = open"), body("tag_ids IN [7]")];
    let results: Vec<Value> = client
        .search(Target::Conversations, bodies)
        .with_limit(7)
        .collect::<Result<_, _>>()
        .expect("results");
    assert_eq!(ids(&results), ["1", "3", "5", "7", "9", "11", "6"]);
    // One result left for the second body: pages of 1, the first of them
    // a duplicate (3).
    let asked: Vec<Option<u64>> = server.requests().iter().map(Recorded::per_page).collect();
    assert_eq!(asked, [Some(2), Some(2), Some(2), Some(1), Some(1)]);
}

#[test]
fn run_writes_a_json_array_and_events_follow_the_search() {
    let server = Server::intercom(Intercom::new(Target::Tickets, conversations(5)));
    let client = client_for(&server).with_per_page(2);
    let mut out = Vec::new();
    let stats = client
        .run(
            Target::Tickets,
            vec![body("state = open")],
            None,
            Format::Json,
            &mut out,
        )
        .expect("the search runs");
    assert_eq!(stats.emitted, 3);
    let array: Value = serde_json::from_slice(&out).expect("a JSON array");
    assert_eq!(ids(array.as_array().expect("an array")), ["1", "3", "5"]);

    let events = RefCell::new(Vec::new());
    let search = client
        .search(Target::Tickets, [body("state = open")])
        .on_event(|event: &Event, stats: &Stats| {
            events.borrow_mut().push((event.clone(), stats.requests));
        });
    assert_eq!(search.count(), 3);
    let events = events.into_inner();
    assert_eq!(
        events,
        [
            (Event::Request { attempt: 1 }, 1),
            (
                Event::Page {
                    items: 2,
                    total_count: Some(3),
                    more: true
                },
                1
            ),
            (Event::Request { attempt: 1 }, 2),
            (
                Event::Page {
                    items: 1,
                    total_count: Some(3),
                    more: false
                },
                2
            ),
        ]
    );
}

#[test]
fn a_body_that_is_not_an_object_is_an_error_before_any_request() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(1)));
    let client = client_for(&server);
    let results: Vec<_> = client.search(Target::Conversations, [json!([1])]).collect();
    assert_eq!(results, [Err(SearchError::Body { index: 0 })]);
    assert!(server.requests().is_empty());
}

#[test]
fn debug_output_of_a_client_hides_the_token() {
    let base = BaseUrl::parse("https://me:pw@proxy.example").expect("a URL");
    let shown = format!("{:?}", Client::new(token(), base));
    assert!(!shown.contains(TOKEN) && !shown.contains(":pw@"), "{shown}");
}

/// A transport that answers from a script and records the bodies sent.
struct Script {
    replies: RefCell<VecDeque<Result<Response, TransportError>>>,
    sent: RefCell<Vec<Value>>,
}

impl Script {
    fn new(replies: Vec<Result<Response, TransportError>>) -> Self {
        Script {
            replies: RefCell::new(replies.into()),
            sent: RefCell::new(Vec::new()),
        }
    }
}

impl Transport for Script {
    fn post(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        assert_eq!(request.token.secret(), TOKEN);
        let body = serde_json::from_slice(request.body).unwrap_or(Value::Null);
        self.sent.borrow_mut().push(body);
        self.replies.borrow_mut().pop_front().unwrap_or_else(|| {
            Err(TransportError::new(
                FailureKind::Other,
                "the script ran out",
            ))
        })
    }
}

/// A clock whose sleeps only move its time on, and are recorded.
struct FakeClock {
    now: Cell<SystemTime>,
    slept: RefCell<Vec<Duration>>,
}

/// The fake clock's start, in unix seconds.
const T0: u64 = 1_700_000_000;

impl FakeClock {
    fn new() -> Self {
        FakeClock {
            now: Cell::new(UNIX_EPOCH + Duration::from_secs(T0)),
            slept: RefCell::new(Vec::new()),
        }
    }

    fn slept(&self) -> Vec<Duration> {
        self.slept.borrow().clone()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> SystemTime {
        self.now.get()
    }

    fn sleep(&self, duration: Duration) {
        self.now.set(self.now.get() + duration);
        self.slept.borrow_mut().push(duration);
    }

    fn random(&self) -> f64 {
        0.5
    }
}

fn page(ids: &[&str], next: Option<&str>) -> Response {
    let items: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
    let next = next.map_or(Value::Null, |c| json!({"starting_after": c}));
    response(
        200,
        &json!({"conversations": items, "total_count": 9, "pages": {"next": next}}),
    )
}

fn response(status: u16, body: &Value) -> Response {
    Response {
        status,
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
    }
}

fn with_headers(mut response: Response, headers: &[(&str, u64)]) -> Response {
    for (name, value) in headers {
        response.headers.push((name.to_string(), value.to_string()));
    }
    response
}

fn scripted(
    script: &Script,
    clock: &FakeClock,
    policy: RetryPolicy,
) -> Vec<Result<Value, SearchError>> {
    let base = BaseUrl::parse("https://api.intercom.io").expect("a URL");
    Client::new(token(), base)
        .with_transport(script)
        .with_clock(clock)
        .with_policy(policy)
        .search(Target::Conversations, [json!({"query": {}})])
        .collect()
}

fn no_jitter() -> RetryPolicy {
    RetryPolicy {
        jitter: false,
        ..RetryPolicy::default()
    }
}

#[test]
fn a_429_waits_exactly_until_the_reset() {
    let limited = with_headers(
        response(
            429,
            &json!({"type": "error.list", "errors": [{"code": "rate_limit_exceeded"}]}),
        ),
        &[("x-ratelimit-reset", T0 + 7), ("x-ratelimit-remaining", 0)],
    );
    let script = Script::new(vec![Ok(limited), Ok(page(&["1"], None))]);
    let clock = FakeClock::new();
    let base = BaseUrl::parse("https://api.intercom.io").expect("a URL");
    let client = Client::new(token(), base)
        .with_transport(&script)
        .with_clock(&clock)
        .with_policy(no_jitter());
    let waits = RefCell::new(Vec::new());
    let mut search = client
        .search(Target::Conversations, [json!({"query": {}})])
        .on_event(|event, _| {
            if let Event::Wait { delay, reason } = event {
                waits.borrow_mut().push((*delay, reason.clone()));
            }
        });
    assert_eq!(search.by_ref().count(), 1);
    assert_eq!(
        (search.stats().rate_limit_waits, search.stats().retries),
        (1, 1)
    );
    drop(search);
    assert_eq!(clock.slept(), [Duration::from_secs(7)]);
    assert_eq!(
        waits.into_inner(),
        [(Duration::from_secs(7), WaitReason::RateLimited)]
    );
}

#[test]
fn backoff_doubles_and_retries_are_bounded() {
    let failure = || Err(TransportError::new(FailureKind::Connection, "reset"));
    let script = Script::new(vec![
        failure(),
        Ok(response(503, &json!({}))),
        failure(),
        failure(),
    ]);
    let clock = FakeClock::new();
    let policy = RetryPolicy {
        max_retries: 3,
        ..no_jitter()
    };
    let results = scripted(&script, &clock, policy);
    assert_eq!(
        results,
        [Err(SearchError::Transport {
            kind: FailureKind::Connection,
            message: "POST https://api.intercom.io/conversations/search: reset".into(),
            attempts: 4
        })]
    );
    assert_eq!(clock.slept(), [500, 1000, 2000].map(Duration::from_millis));
    assert_eq!(script.sent.borrow().len(), 4);
}

#[test]
fn jitter_keeps_each_wait_in_the_upper_half() {
    let script = Script::new(vec![
        Ok(response(500, &json!({}))),
        Ok(response(500, &json!({}))),
        Ok(page(&["1"], None)),
    ]);
    let clock = FakeClock::new();
    let results = scripted(&script, &clock, RetryPolicy::default());
    assert_eq!(results.len(), 1);
    // random() is 0.5: three quarters of 500ms and of 1s.
    assert_eq!(clock.slept(), [375, 750].map(Duration::from_millis));
}

#[test]
fn few_remaining_requests_are_spread_until_the_reset() {
    let low = |resp| {
        with_headers(
            resp,
            &[
                ("x-ratelimit-limit", 100),
                ("x-ratelimit-remaining", 4),
                ("x-ratelimit-reset", T0 + 10),
            ],
        )
    };
    let script = Script::new(vec![
        Ok(low(page(&["1"], Some("a")))),
        Ok(page(&["2"], None)),
    ]);
    let clock = FakeClock::new();
    let results = scripted(&script, &clock, no_jitter());
    assert_eq!(results.len(), 2);
    // 10 s left for 4 requests: one fifth of it before the next.
    assert_eq!(clock.slept(), [Duration::from_secs(2)]);
}

#[test]
fn errors_other_than_429_and_5xx_are_not_retried() {
    let script = Script::new(vec![Ok(response(
        400,
        &json!({"type": "error.list", "errors": [{"code": "parameter_invalid", "message": "Invalid query"}]}),
    ))]);
    let clock = FakeClock::new();
    let results = scripted(&script, &clock, no_jitter());
    let [Err(e)] = results.as_slice() else {
        panic!("{results:?}")
    };
    assert_eq!(e.status(), Some(400));
    assert_eq!(
        e.to_string(),
        "the API answered 400 Bad Request: parameter_invalid: Invalid query"
    );
    assert!(clock.slept().is_empty());
}

#[test]
fn the_cursor_of_each_page_is_sent_with_the_next() {
    let script = Script::new(vec![
        Ok(page(&["1", "2"], Some("c1"))),
        Ok(page(&["3"], Some("c2"))),
        Ok(page(&[], None)),
    ]);
    let clock = FakeClock::new();
    let results = scripted(&script, &clock, no_jitter());
    assert_eq!(results.len(), 3);
    let pagination: Vec<Value> = script
        .sent
        .borrow()
        .iter()
        .map(|b| b["pagination"].clone())
        .collect();
    assert_eq!(
        pagination,
        [
            json!({"per_page": 150}),
            json!({"per_page": 150, "starting_after": "c1"}),
            json!({"per_page": 150, "starting_after": "c2"}),
        ]
    );
}
