//! What the benches without criterion (`harness = false`: `ratio`, `lsp`,
//! `concurrency`) share: `cargo bench`'s filter and the round counts set in
//! the environment.
#![allow(dead_code)]

/// True when `cargo bench FILTER` names another bench: this one is then
/// skipped. (`cargo bench` passes `--bench` and other flags, which count
/// for nothing.)
pub fn skipped(name: &str) -> bool {
    std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !name.contains(a.as_str()))
}

/// The count in the environment variable `var` (`ROUNDS=20`), else
/// `default` (also when it is not a number).
pub fn env_count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}
