//! The requests of a plan sent at once, against the scripted Intercom of
//! the tests (`tests/support/intercom.rs`) on 127.0.0.1, every answer
//! 200 ms late.
//!
//! Each round times, in an order that turns every round, three searches
//! through `Search::run` (what `qc search` and `qc mcp` run):
//!
//! - the baseline: one request body of 2 pages, a chain of 2 requests;
//! - a plan of 4 bodies of 2 pages each, 4 at once (`--concurrency 4`);
//! - the same plan one request at a time (`--concurrency 1`).
//!
//! Each plan's time is divided by the baseline's of the same round; the
//! figure is the median of the rounds. Target: the plan at 4 at once
//! takes at most 2.5× the chain (not the 4× of one at a time). Every run
//! of the plan must give, byte for byte, the results of the first run one
//! at a time.
//!
//! Run with `cargo bench --bench concurrency` (`ROUNDS=7` by default).

mod harness;

#[path = "../tests/support/intercom.rs"]
mod intercom;

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use intercom::{Intercom, Server, TOKEN, conversations};
use qc::Target;
use qc::search::{BaseUrl, Client, Token};
use serde_json::Value;

/// How late every answer is.
const LATENCY: Duration = Duration::from_millis(200);

/// Results a page: each body below matches 8 of the 16 conversations.
const PER_PAGE: u32 = 4;

fn body(query: &str) -> Value {
    qc::compile(query, &qc::Options::default())
        .expect("a valid query")
        .json()
}

/// One search of `bodies`, `concurrency` at once: the results as JSON
/// Lines, and the time it took.
fn search(server: &Server, bodies: &[Value], concurrency: usize) -> (Vec<u8>, Duration) {
    let token = Token::new(TOKEN).expect("a token");
    let base = BaseUrl::parse(&server.url()).expect("the server's URL");
    let client = Client::new(token, base).with_per_page(PER_PAGE);
    let mut out = Vec::new();
    let start = Instant::now();
    let mut search = client
        .search(Target::Conversations, bodies.to_vec())
        .with_concurrency(concurrency);
    search
        .run(|item| {
            serde_json::to_writer(&mut out, &item).expect("JSON");
            out.push(b'\n');
            ControlFlow::Continue(())
        })
        .expect("the search runs");
    let took = start.elapsed();
    let pages = search.stats().pages;
    assert_eq!(pages, bodies.len() as u64 * 2, "2 pages a body");
    (out, took)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    if harness::skipped("concurrency") {
        return;
    }
    let rounds: usize = harness::env_count("ROUNDS", 7);
    let api = Intercom::new(Target::Conversations, conversations(16));
    let server = Server::with_latency(LATENCY, move |request, _| api.reply(request));
    let chain = [body("state = open")];
    let plan = [
        body("state = open"),
        body("state = closed"),
        body("created_at > 1700000008"),
        body("created_at < 1700000009"),
    ];
    let (reference, _) = search(&server, &plan, 1);

    let mut times: [Vec<f64>; 3] = Default::default();
    let mut ratios: [Vec<f64>; 2] = Default::default();
    for round in 0..rounds {
        let mut took = [0.0; 3];
        for k in 0..3 {
            let which = (k + round) % 3;
            let (bodies, concurrency): (&[Value], usize) = match which {
                0 => (&chain, 1),
                1 => (&plan, 4),
                _ => (&plan, 1),
            };
            let (out, time) = search(&server, bodies, concurrency);
            if which > 0 {
                assert!(
                    out == reference,
                    "the plan's results differ at {concurrency} at once"
                );
            }
            took[which] = time.as_secs_f64();
        }
        for (k, t) in took.iter().enumerate() {
            times[k].push(*t);
        }
        ratios[0].push(took[1] / took[0]);
        ratios[1].push(took[2] / took[0]);
    }
    let [chain_ms, four_ms, one_ms] = times.map(|t| median(t) * 1e3);
    let [four, one] = ratios.map(median);
    println!(
        "latency {} ms, {rounds} rounds (medians): chain of 2 pages {chain_ms:.0} ms; \
         plan of 4 bodies × 2 pages: 4 at once {four_ms:.0} ms = {four:.2}× the chain \
         (target ≤ 2.5: {}), one at a time {one_ms:.0} ms = {one:.2}×; \
         results identical byte for byte ({} bytes)",
        LATENCY.as_millis(),
        if four <= 2.5 { "met" } else { "not met" },
        reference.len(),
    );
}
