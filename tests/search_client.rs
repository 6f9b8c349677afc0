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
    BaseUrl, Client, Clock, Event, FailureKind, Request, Response, RetryPolicy, SearchError, Stats,
    Token, Transport, TransportError,
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
fn the_limit_counts_distinct_objects_and_shrinks_the_first_bodys_last_page() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(12)));
    let client = client_for(&server).with_per_page(2);
    let bodies = [body("state = open"), body("tag_ids IN [7]")];
    let results: Vec<Value> = client
        .search(Target::Conversations, bodies)
        .with_limit(7)
        .collect::<Result<_, _>>()
        .expect("results");
    assert_eq!(ids(&results), ["1", "3", "5", "7", "9", "11", "6"]);
    // One result left for the second body, whose results may have come
    // already (3 has): whole pages, not pages of one.
    let asked: Vec<Option<u64>> = server.requests().iter().map(Recorded::per_page).collect();
    assert_eq!(asked, [Some(2), Some(2), Some(2), Some(2)]);

    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(12)));
    let client = client_for(&server).with_per_page(4);
    let results: Vec<Value> = client
        .search(Target::Conversations, [body("state = open")])
        .with_limit(5)
        .collect::<Result<_, _>>()
        .expect("results");
    assert_eq!(ids(&results), ["1", "3", "5", "7", "9"]);
    let asked: Vec<Option<u64>> = server.requests().iter().map(Recorded::per_page).collect();
    assert_eq!(asked, [Some(4), Some(1)]);
}

#[test]
fn events_follow_the_search() {
    let server = Server::intercom(Intercom::new(Target::Tickets, conversations(5)));
    let client = client_for(&server).with_per_page(2);
    let events = RefCell::new(Vec::new());
    let mut search = client
        .search(Target::Tickets, [body("state = open")])
        .on_event(|event: &Event, stats: &Stats| {
            events.borrow_mut().push((event.clone(), stats.requests));
        });
    let results: Vec<Value> = search.by_ref().collect::<Result<_, _>>().expect("results");
    assert_eq!(ids(&results), ["1", "3", "5"]);
    assert_eq!(search.stats().emitted, 3);
    drop(search);
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

/// The counts that do not depend on how the requests were spread.
fn counts(stats: &Stats) -> (u64, u64, u64, u64, u64, Option<u64>) {
    (
        stats.requests,
        stats.pages,
        stats.fetched,
        stats.emitted,
        stats.duplicates,
        stats.total_count,
    )
}

/// Every result of `bodies` through `Search::run`, `concurrency` at once,
/// with a limit or not: the results, the counts, and the events heard.
fn run_at(
    client: &Client,
    bodies: &[Value],
    concurrency: usize,
    limit: Option<u64>,
) -> (Vec<Value>, Stats, Vec<Event>) {
    // Not `Send`: the observer is called on the caller's thread.
    let events = RefCell::new(Vec::new());
    let mut search = client
        .search(Target::Conversations, bodies.to_vec())
        .with_concurrency(concurrency)
        .on_event(|event, _| events.borrow_mut().push(event.clone()));
    if let Some(limit) = limit {
        search = search.with_limit(limit);
    }
    let mut results = Vec::new();
    search
        .run(|item| {
            results.push(item);
            std::ops::ControlFlow::Continue(())
        })
        .expect("the search runs");
    let stats = search.stats().clone();
    drop(search);
    (results, stats, events.into_inner())
}

#[test]
fn run_at_once_gives_what_iterating_gives() {
    let api = Intercom::new(Target::Conversations, conversations(30));
    let server = Server::with_latency(Duration::from_millis(5), move |r, _| api.reply(r));
    let client = client_for(&server).with_per_page(2);
    let bodies = [
        body("state = open"),
        body("tag_ids IN [7]"),
        body("created_at < 1700000011"),
    ];
    for limit in [None, Some(17), Some(3)] {
        let mut iterated = client.search(Target::Conversations, bodies.clone());
        if let Some(limit) = limit {
            iterated = iterated.with_limit(limit);
        }
        let want: Vec<Value> = iterated
            .by_ref()
            .collect::<Result<_, _>>()
            .expect("results");
        for concurrency in [1, 3] {
            let (got, stats, events) = run_at(&client, &bodies, concurrency, limit);
            assert_eq!(got, want, "{concurrency} at once, limit {limit:?}");
            if limit.is_none() {
                assert_eq!(counts(&stats), counts(iterated.stats()));
            }
            // The observer heard every worker's requests and pages.
            let requests = events
                .iter()
                .filter(|e| matches!(e, Event::Request { .. }))
                .count();
            let pages = events
                .iter()
                .filter(|e| matches!(e, Event::Page { .. }))
                .count();
            assert_eq!(
                (requests as u64, pages as u64),
                (stats.requests, stats.pages)
            );
        }
    }
    assert!(server.max_in_flight() > 1, "the requests never overlapped");
}

#[test]
fn run_stops_when_told() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(30)));
    let client = client_for(&server).with_per_page(2);
    let bodies = vec![body("state = open"), body("state = closed")];
    let mut search = client
        .search(Target::Conversations, bodies)
        .with_concurrency(2);
    let mut results = Vec::new();
    let done = search.run(|item| {
        results.push(item);
        if results.len() == 5 {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    });
    assert_eq!(done, Ok(()));
    assert_eq!(ids(&results), ["1", "3", "5", "7", "9"]);
    assert_eq!(search.stats().emitted, 5);
}

#[test]
fn run_reports_a_body_that_is_not_an_object_after_the_results_before_it() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(4)));
    let client = client_for(&server);
    let mut search = client
        .search(Target::Conversations, [body("state = open"), json!([1])])
        .with_concurrency(2);
    let mut results = Vec::new();
    let done = search.run(|item| {
        results.push(item);
        std::ops::ControlFlow::Continue(())
    });
    assert_eq!(done, Err(SearchError::Body { index: 1 }));
    // The first body may be given out in full or not yet: each result
    // once, in order.
    assert!(["1", "3"].starts_with(&ids(&results)), "{results:?}");
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
    fn send(&self, request: &Request<'_>) -> Result<Response, TransportError> {
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
                waits.borrow_mut().push((*delay, reason.to_string()));
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
        [(
            Duration::from_secs(7),
            "the API answered 429 Too Many Requests: rate_limit_exceeded; retrying until its X-RateLimit-Reset".to_owned()
        )]
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
    let [Err(e @ SearchError::Transport { kind, attempts, .. })] = results.as_slice() else {
        panic!("{results:?}")
    };
    assert_eq!((*kind, *attempts), (FailureKind::Connection, 4));
    assert_eq!(
        e.to_string(),
        "POST https://api.intercom.io/conversations/search: reset (after 4 attempts)"
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

/// A transport answering request `n` (from 0) with `answer(n, body)`.
struct Answering<F> {
    answer: F,
    sent: RefCell<Vec<Value>>,
}

impl<F: Fn(usize, &Value) -> Response> Answering<F> {
    fn new(answer: F) -> Self {
        Answering {
            answer,
            sent: RefCell::new(Vec::new()),
        }
    }

    fn count(&self) -> usize {
        self.sent.borrow().len()
    }
}

impl<F: Fn(usize, &Value) -> Response> Transport for Answering<F> {
    fn send(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        let body: Value = serde_json::from_slice(request.body).unwrap_or(Value::Null);
        let n = self.count();
        self.sent.borrow_mut().push(body.clone());
        Ok((self.answer)(n, &body))
    }
}

type Searching<'c, 'a, T> = qc::search::Search<'c, &'a T, &'a FakeClock>;

/// Runs one search through `transport` in pages of 2: its results, its
/// error, and its waits with their reasons as shown.
fn run_with<'a, T: Transport>(
    transport: &'a T,
    clock: &'a FakeClock,
    policy: RetryPolicy,
    bodies: Vec<Value>,
    setup: impl for<'c> FnOnce(Searching<'c, 'a, T>) -> Searching<'c, 'a, T>,
) -> (Vec<Value>, Option<SearchError>, Vec<(Duration, String)>) {
    let base = BaseUrl::parse("https://api.intercom.io").expect("a URL");
    let client = Client::new(token(), base)
        .with_transport(transport)
        .with_clock(clock)
        .with_policy(policy)
        .with_per_page(2);
    let waits = RefCell::new(Vec::new());
    let search = client
        .search(Target::Conversations, bodies)
        .on_event(|event, _| {
            if let Event::Wait { delay, reason } = event {
                waits.borrow_mut().push((*delay, reason.to_string()));
            }
        });
    let mut results = Vec::new();
    let mut error = None;
    for item in setup(search) {
        match item {
            Ok(item) => results.push(item),
            Err(e) => error = Some(e),
        }
    }
    (results, error, waits.into_inner())
}

fn one_body() -> Vec<Value> {
    vec![json!({"query": {}})]
}

fn with_header(mut response: Response, name: &str, value: &str) -> Response {
    response.headers.push((name.to_owned(), value.to_owned()));
    response
}

#[test]
fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    let transport = Answering::new(|n, _| match n {
        0 => with_header(response(503, &json!({})), "Retry-After", "4"),
        1 => with_header(
            response(429, &json!({})),
            "Retry-After",
            // T0 + 9 s.
            "Tue, 14 Nov 2023 22:13:29 GMT",
        ),
        _ => page(&["1"], None),
    });
    let clock = FakeClock::new();
    let (results, error, waits) = run_with(&transport, &clock, no_jitter(), one_body(), |s| s);
    assert_eq!((results.len(), error), (1, None));
    // The date is T0 + 9 s, and the first wait took 4 of them.
    assert_eq!(clock.slept(), [4, 5].map(Duration::from_secs));
    assert_eq!(
        waits,
        [
            (
                Duration::from_secs(4),
                "the API answered 503 Service Unavailable: {}; retrying as its Retry-After asks"
                    .to_owned()
            ),
            (
                Duration::from_secs(5),
                "the API answered 429 Too Many Requests after 2 attempts: {}; retrying as its Retry-After asks"
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn a_wait_past_the_cap_stops_the_search_at_once() {
    // 3000-01-01T00:00:00Z.
    let transport = Answering::new(|_, _| {
        with_headers(
            response(429, &json!({"errors": [{"code": "rate_limit_exceeded"}]})),
            &[("x-ratelimit-reset", 32_503_680_000)],
        )
    });
    let clock = FakeClock::new();
    let (results, error, _) = run_with(&transport, &clock, no_jitter(), one_body(), |s| s);
    assert!(results.is_empty());
    let error = error.expect("an error");
    assert_eq!(
        error.to_string(),
        "the API answered 429 Too Many Requests: rate_limit_exceeded; it asks to wait 976y (X-RateLimit-Reset), longer than the longest wait allowed (30s)"
    );
    assert_eq!(error.status(), Some(429));
    assert!(clock.slept().is_empty());
    assert_eq!(transport.count(), 1);
}

#[test]
fn the_waits_of_a_search_have_a_total() {
    let transport =
        Answering::new(|_, _| with_header(response(503, &json!({})), "Retry-After", "20"));
    let clock = FakeClock::new();
    let policy = RetryPolicy {
        max_total_wait: Duration::from_secs(50),
        ..no_jitter()
    };
    let (_, error, _) = run_with(&transport, &clock, policy, one_body(), |s| s);
    assert_eq!(clock.slept(), [20, 20].map(Duration::from_secs));
    assert_eq!(transport.count(), 3);
    assert_eq!(
        error.map(|e| e.to_string()),
        Some("stopped before waiting another 20s (the API answered 503 Service Unavailable after 3 attempts: {}; retrying as its Retry-After asks): the waits would add up to more than 50s".to_owned())
    );
}

#[test]
fn empty_pages_promising_more_stop_after_two() {
    let transport = Answering::new(|n, _| page(&[], Some(&format!("c{n}"))));
    let clock = FakeClock::new();
    let (results, error, _) = run_with(&transport, &clock, no_jitter(), one_body(), |s| s);
    assert!(results.is_empty());
    assert_eq!(error, Some(SearchError::NoProgress { pages: 2 }));
    assert_eq!(transport.count(), 2);
}

#[test]
fn pages_repeating_their_ids_stop_after_two() {
    let transport = Answering::new(|n, _| page(&["1", "2"], Some(&format!("c{n}"))));
    let clock = FakeClock::new();
    let (results, error, _) = run_with(&transport, &clock, no_jitter(), one_body(), |s| s);
    assert_eq!(ids(&results), ["1", "2"]);
    assert_eq!(error, Some(SearchError::NoProgress { pages: 2 }));
    assert_eq!(transport.count(), 3);
}

#[test]
fn one_page_without_progress_between_new_results_is_allowed() {
    let transport = Answering::new(|n, _| match n {
        0 => page(&["1"], Some("a")),
        1 => page(&["1"], Some("b")),
        2 => page(&["2"], Some("c")),
        3 => page(&[], Some("d")),
        _ => page(&["3"], None),
    });
    let clock = FakeClock::new();
    let (results, error, _) = run_with(&transport, &clock, no_jitter(), one_body(), |s| s);
    assert_eq!((ids(&results), error), (vec!["1", "2", "3"], None));
}

#[test]
fn a_later_body_may_give_earlier_results_for_many_pages() {
    // The second body's first three pages hold only results of the first:
    // new to that body, so progress, and printed once.
    let transport = Answering::new(|_, body| {
        let second = body["query"]["n"] == json!(2);
        let cursor = body["pagination"]["starting_after"].as_str().unwrap_or("");
        match (second, cursor) {
            (false, "") => page(&["1", "2"], Some("a")),
            (false, "a") => page(&["3", "4"], Some("b")),
            (false, _) => page(&["5", "6"], None),
            (true, "") => page(&["1", "2"], Some("x")),
            (true, "x") => page(&["3", "4"], Some("y")),
            (true, "y") => page(&["5", "6"], Some("z")),
            (true, _) => page(&["7"], None),
        }
    });
    let clock = FakeClock::new();
    let bodies = vec![json!({"query": {"n": 1}}), json!({"query": {"n": 2}})];
    let (results, error, _) = run_with(&transport, &clock, no_jitter(), bodies, |s| s);
    assert_eq!(error, None);
    assert_eq!(ids(&results), ["1", "2", "3", "4", "5", "6", "7"]);
    assert_eq!(transport.count(), 7);
}

#[test]
fn ids_are_compared_as_the_api_types_them() {
    let items = || json!({"conversations": [{"id": "7"}, {"id": 7}, {"id": 7.0}, {"id": "7"}, {"id": 7}], "pages": {"next": null}});
    let transport = Answering::new(move |_, _| response(200, &items()));
    let clock = FakeClock::new();
    let (results, error, _) = run_with(&transport, &clock, no_jitter(), one_body(), |s| s);
    assert_eq!(error, None);
    let got: Vec<Value> = results.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(got, [json!("7"), json!(7), json!(7.0)]);
}

#[test]
fn requests_are_capped_with_or_without_a_limit() {
    // Each page brings one new result and promises more, for ever.
    let endless = || Answering::new(|n, _| page(&[&n.to_string(), "0"], Some(&format!("c{n}"))));
    let clock = FakeClock::new();
    let transport = endless();
    let (results, error, _) = run_with(&transport, &clock, no_jitter(), one_body(), |s| {
        s.with_max_requests(3)
    });
    assert_eq!(ids(&results), ["0", "1", "2"]);
    assert_eq!(error, Some(SearchError::TooManyRequests { max: 3 }));
    assert_eq!(transport.count(), 3);

    // --limit 5 in pages of 2: three pages would do, with one more to
    // spare; the fifth is not sent.
    let transport = endless();
    let (results, error, _) = run_with(&transport, &clock, no_jitter(), one_body(), |s| {
        s.with_limit(5)
    });
    assert_eq!(ids(&results), ["0", "1", "2", "3"]);
    assert_eq!(error, Some(SearchError::TooManyRequests { max: 4 }));
    assert_eq!(transport.count(), 4);

    let transport = endless();
    let base = BaseUrl::parse("https://api.intercom.io").expect("a URL");
    let client = Client::new(token(), base)
        .with_transport(&transport)
        .with_per_page(2);
    let bodies = vec![json!({}), json!({}), json!({})];
    assert_eq!(
        client
            .search(Target::Conversations, bodies.clone())
            .with_limit(5)
            .max_requests(),
        12
    );
    assert_eq!(
        client.search(Target::Conversations, bodies).max_requests(),
        qc::search::DEFAULT_MAX_REQUESTS
    );
}

#[test]
fn results_errors_and_waits_never_hold_the_token() {
    let echo = TOKEN.replace('-', "%2D");
    let transport = Answering::new(move |n, _| match n {
        0 => response(
            500,
            &json!({"errors": [{"code": "x", "message": echo.clone()}]}),
        ),
        1 => response(
            200,
            &json!({"conversations": [{"id": "1", "body": TOKEN}], "pages": {"next": {"starting_after": TOKEN}}}),
        ),
        _ => response(
            200,
            &json!({"conversations": [{"id": "2", TOKEN: "v"}], "pages": {"next": {"starting_after": TOKEN}}}),
        ),
    });
    let clock = FakeClock::new();
    let (results, error, waits) = run_with(&transport, &clock, no_jitter(), one_body(), |s| s);
    assert_eq!(
        results,
        [
            json!({"id": "1", "body": "<redacted>"}),
            json!({"id": "2", "<redacted>": "v"})
        ]
    );
    assert_eq!(
        error.map(|e| e.to_string()),
        Some("the API returned the cursor `<redacted>` a second time; stopped, since following it would fetch the same pages again".to_owned())
    );
    assert_eq!(
        waits,
        [(
            Duration::from_millis(500),
            "the API answered 500 Internal Server Error: x: <redacted>; retrying with backoff"
                .to_owned()
        )]
    );
}
