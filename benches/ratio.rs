//! compile / baseline as a time ratio, measured in pairs: the pessimistic
//! view.
//!
//! `cargo bench --bench compile` measures `compile` and `baseline` apart,
//! each in a loop of its own. Here the two alternate: each round times a
//! batch of compiles (query text to JSON text, as in `benches/compile.rs`)
//! and a batch of baselines (serde_json parsing that JSON into a `Value`
//! and writing it again) back to back, the order swapped every round, and
//! the ratio is taken per round. The median of the rounds' ratios is the
//! figure; the spread (first and ninth decile) says how steady the machine
//! was.
//!
//! The baseline runs 25–40% faster here than in a loop of its own: it
//! allocates more than glibc's per-thread cache holds, and alternating with
//! compile leaves the allocator in a state that suits it (alone, it runs as
//! fast with `GLIBC_TUNABLES=glibc.malloc.tcache_count=1000`). compile
//! barely moves, so the ratio here is higher than criterion's.
//!
//! Run with `cargo bench --bench ratio` (`ROUNDS=101` by default).

mod harness;

use std::hint::black_box;
use std::time::{Duration, Instant};

use qc::Options;

mod cases;

use cases::{DESIGN_CARD, MEDIUM, largest};

/// About this long per batch, so that the clock's resolution is noise.
const BATCH: Duration = Duration::from_millis(4);

fn compile(source: &str, options: &Options) -> usize {
    qc::compile(black_box(source), options)
        .map(|c| c.to_json_string().len())
        .unwrap_or(0)
}

fn baseline(json: &str) -> usize {
    let value: serde_json::Value = serde_json::from_str(black_box(json)).unwrap_or_default();
    serde_json::to_string(&value).map_or(0, |s| s.len())
}

/// The time of `n` runs of `f`.
fn time(n: usize, mut f: impl FnMut() -> usize) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    start.elapsed()
}

/// How many runs of `f` take about [`BATCH`].
fn runs_per_batch(mut f: impl FnMut() -> usize) -> usize {
    let mut n = 1;
    while time(n, &mut f) < BATCH && n < 1 << 24 {
        n *= 2;
    }
    n
}

fn decile(sorted: &[f64], d: usize) -> f64 {
    let i = (sorted.len().saturating_sub(1) * d + 5) / 10;
    sorted.get(i).copied().unwrap_or(f64::NAN)
}

fn main() {
    if harness::skipped("ratio") {
        return;
    }
    let rounds: usize = harness::env_count("ROUNDS", 101);
    let options = Options {
        now: Some(1_700_000_000),
        ..Options::default()
    };
    let largest = largest();
    for (name, source) in [
        ("design_card", DESIGN_CARD),
        ("medium", MEDIUM),
        ("largest", largest.as_str()),
    ] {
        let json = qc::compile(source, &options)
            .map(|c| c.to_json_string())
            .expect("the case compiles");
        let n = runs_per_batch(|| compile(source, &options));
        let m = runs_per_batch(|| baseline(&json));
        let mut ratios = Vec::with_capacity(rounds);
        let (mut best_compile, mut best_baseline) = (f64::INFINITY, f64::INFINITY);
        for round in 0..rounds {
            let mut pair = [Duration::ZERO; 2];
            for k in 0..2 {
                // Compile first in even rounds, the baseline first in odd.
                if (k + round) % 2 == 0 {
                    pair[0] = time(n, || compile(source, &options));
                } else {
                    pair[1] = time(m, || baseline(&json));
                }
            }
            let per_compile = pair[0].as_secs_f64() / n as f64;
            let per_baseline = pair[1].as_secs_f64() / m as f64;
            best_compile = best_compile.min(per_compile);
            best_baseline = best_baseline.min(per_baseline);
            ratios.push(per_compile / per_baseline);
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "{name:<12} compile {:>9.3} µs  baseline {:>9.3} µs (fastest rounds)  \
             ratio median {:.3} (deciles 1–9: {:.3}–{:.3}; target ≤ 0.5: {})",
            best_compile * 1e6,
            best_baseline * 1e6,
            decile(&ratios, 5),
            decile(&ratios, 1),
            decile(&ratios, 9),
            if decile(&ratios, 5) <= 0.5 {
                "met"
            } else {
                "not met"
            },
        );
    }
}
