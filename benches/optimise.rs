//! The optimiser's time on the largest queries it accepts (225, 1,000 and
//! 4,096 comparisons) in the shapes that make it work hardest, and on the
//! shapes whose CNF or DNF grows fastest: an AND of ORs (every
//! distribution doubles the alternatives), ORs that share filters (so no
//! count can refuse them early, and the search runs until the plan is too
//! large or the budget is spent), and an OR of ANDs of ORs; and the shapes
//! of the normal forms: ANDs of ORs of 16 (each OR in two balanced
//! chunks), a query three levels deep whose forms both grow past one
//! request, and an OR of two ANDs whose DNF is an OR of many ANDs of two.
//!
//! `cargo bench --bench optimise`; each case prints, once, how many
//! requests it plans (or why it cannot) and the budget's steps it spent.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use qc::optimise::{PlanError, Settings, plan};

/// `n` comparisons as an AND of ORs of `width` distinct comparisons.
fn and_of_ors(n: usize, width: usize) -> String {
    (0..n / width)
        .map(|g| {
            let or: Vec<String> = (0..width)
                .map(|k| format!("source.subject ~ w{g}x{k}"))
                .collect();
            format!("({})", or.join(" OR "))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// An AND of ORs of two, each sharing a comparison with the next: no OR
/// is safe from absorption, so the search is not refused early.
fn chained_ors(n: usize) -> String {
    (0..n / 2)
        .map(|g| format!("(source.subject ~ w{g} OR source.subject ~ w{})", g + 1))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// `n` comparisons as an OR of ANDs of two: a plan of `n / 30` requests.
fn or_of_ands(n: usize) -> String {
    (0..n / 2)
        .map(|g| format!("(source.subject ~ a{g} AND source.body ~ b{g})"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `n` comparisons as an OR of branches sharing one comparison: factored
/// into `state = open AND (...)`, then distributed.
fn factoring(n: usize) -> String {
    (0..n / 2)
        .map(|g| format!("(state = open AND source.subject ~ w{g})"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `n` equalities on one field in an OR: folded into one `IN`.
fn folding(n: usize) -> String {
    (0..n)
        .map(|i| format!("tag_ids = {i}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `n` comparisons as an OR of ANDs of ORs of two (a DNF of `2^k` terms
/// per branch).
fn or_of_ands_of_ors(n: usize, per_and: usize) -> String {
    let ands = n / (2 * per_and);
    (0..ands)
        .map(|a| {
            let ors: Vec<String> = (0..per_and)
                .map(|o| format!("(source.subject ~ a{a}o{o} OR source.body ~ b{a}o{o})"))
                .collect();
            format!("({})", ors.join(" AND "))
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `k` ORs of 16 distinct comparisons, joined by AND: `2^k` requests of
/// two chunks of 8 each.
fn wide_ors(k: usize) -> String {
    (0..k)
        .map(|g| {
            let or: Vec<String> = (0..16)
                .map(|i| format!("source.subject ~ w{g}x{i}"))
                .collect();
            format!("({})", or.join(" OR "))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A query three levels deep: an OR of one comparison and an AND of
/// `n / 3` branches `(a OR (b AND c))`; its CNF is an AND of `2n / 3`
/// ORs of three, its DNF a product.
fn deep(n: usize) -> String {
    let ands: Vec<String> = (0..n / 3)
        .map(|g| {
            format!("(source.subject ~ a{g} OR (source.body ~ b{g} AND source.author.name ~ c{g}))")
        })
        .collect();
    format!("read = true OR ({})", ands.join(" AND "))
}

/// An OR of two ANDs of a comparison and an OR of `n / 4` (three levels):
/// its DNF is an OR of `n / 2` ANDs of two, its CNF a product.
fn dnf_grows(n: usize) -> String {
    let or = |tag: &str| {
        let m: Vec<String> = (0..n / 4)
            .map(|i| format!("source.subject ~ {tag}{i}"))
            .collect();
        m.join(" OR ")
    };
    format!(
        "(state = open AND ({})) OR (read = true AND ({}))",
        or("a"),
        or("b")
    )
}

fn compile(text: &str) -> qc::Query {
    let options = qc::Options {
        now: Some(1_700_000_000),
        limits: qc::Limits::Ignore,
        max_input_bytes: usize::MAX,
        ..qc::Options::default()
    };
    match qc::compile(text, &options) {
        Ok(c) => c.query,
        Err(e) => panic!("the bench's query does not compile: {e}"),
    }
}

fn outcome(result: &Result<qc::optimise::Plan, PlanError>) -> String {
    match result {
        Ok(p) => format!("{} request(s), {} steps", p.requests.len(), p.steps),
        Err(e) => format!("refused: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let settings = Settings::default();
    let mut cases: Vec<(String, String)> = Vec::new();
    for n in [225, 1_000, 4_096] {
        cases.push((format!("and_of_ors_2/{n}"), and_of_ors(n, 2)));
        cases.push((format!("and_of_ors_15/{n}"), and_of_ors(n, 15)));
        cases.push((format!("chained_ors/{n}"), chained_ors(n)));
        cases.push((format!("or_of_ands/{n}"), or_of_ands(n)));
        cases.push((format!("factoring/{n}"), factoring(n)));
        cases.push((format!("folding/{n}"), folding(n)));
        cases.push((format!("or_of_ands_of_ors/{n}"), or_of_ands_of_ors(n, 4)));
        cases.push((format!("deep/{n}"), deep(n)));
        cases.push((format!("dnf_grows/{n}"), dnf_grows(n)));
    }
    for k in [2, 4, 6] {
        cases.push((format!("wide_ors/{k}x16"), wide_ors(k)));
    }
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(2));
    group.warm_up_time(Duration::from_millis(500));
    for (name, text) in &cases {
        let query = compile(text);
        eprintln!(
            "{name}: {} bytes, {}",
            text.len(),
            outcome(&plan(&query, &settings))
        );
        group.bench_function(name.as_str(), |b| {
            b.iter(|| plan(black_box(&query), &settings))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
