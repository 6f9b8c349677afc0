//! Compile-time benchmarks against a baseline.
//!
//! For each case, `parse`, `check`, `emit` and `compile` (query text to JSON
//! text) are measured separately, and in the same run the baseline:
//! serde_json parsing the JSON qc emits for the case and serialising it
//! again. `sweep` compiles inputs from 1 KB to 10 MB (mostly error paths at
//! that size) to show how time grows with input size.
//!
//! Run with `cargo bench`; `cargo bench -- design_card` runs one group.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use qc::Options;

mod cases;

use cases::{DESIGN_CARD, MEDIUM, largest, repeat_to};

fn options() -> Options {
    Options {
        now: Some(1_700_000_000),
        ..Options::default()
    }
}

fn case(c: &mut Criterion, name: &str, source: &str) {
    let options = options();
    let schema = qc::Schema::conversations();
    let parsed = qc::parse(source);
    assert!(!parsed.has_errors(), "{name}: {:?}", parsed.diagnostics);
    let query = qc::check(&parsed.ast, &schema, &options)
        .query
        .expect("the case checks");
    let json = qc::emit_string(&query, false);

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.bench_function("parse", |b| b.iter(|| qc::parse(black_box(source))));
    group.bench_function("check", |b| {
        b.iter(|| qc::check(black_box(&parsed.ast), &schema, &options))
    });
    group.bench_function("emit", |b| {
        b.iter(|| qc::emit_string(black_box(&query), false))
    });
    group.bench_function("compile", |b| {
        b.iter(|| {
            qc::compile(black_box(source), &options)
                .map(|c| c.to_json_string())
                .ok()
        })
    });
    group.bench_function("baseline", |b| {
        b.iter(|| {
            let value: serde_json::Value =
                serde_json::from_str(black_box(&json)).expect("qc's JSON parses");
            serde_json::to_string(&value).expect("serialises")
        })
    });
    group.finish();
}

fn cases(c: &mut Criterion) {
    case(c, "design_card", DESIGN_CARD);
    case(c, "medium", MEDIUM);
    case(c, "largest", &largest());
}

/// `unit` repeated to `size` bytes, cut at a character boundary.
fn sweep(c: &mut Criterion) {
    let options = Options {
        max_input_bytes: usize::MAX,
        ..options()
    };
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    for size in [1_000, 10_000, 100_000, 1_000_000, 10_000_000] {
        group.throughput(Throughput::Bytes(size as u64));
        // Valid comparisons in one huge AND group: one limit error.
        let and = repeat_to(&format!("{MEDIUM} AND "), size);
        // Garbage: every token an error, capped at MAX_ERRORS.
        let garbage = repeat_to("= ) ] , & ", size);
        // A single word: the longest token the lexer can see.
        let word = "w".repeat(size);
        for (name, input) in [("and", &and), ("garbage", &garbage), ("word", &word)] {
            group.bench_with_input(BenchmarkId::new(name, size), input, |b, input| {
                b.iter(|| qc::compile(black_box(input), &options).is_ok())
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(30);
    targets = cases, sweep
}
criterion_main!(benches);
