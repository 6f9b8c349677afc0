//! What `qc search` says on stderr while it runs: a progress line when
//! stderr is a terminal (results fetched against `total_count`, requests
//! sent, the current wait), and a note for every long wait, terminal or
//! not.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qc::search::{Event, HumanDuration, Stats, WaitReason};

/// The progress line and the wait notes; `--quiet` silences both.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    limit: Option<u64>,
    /// Waits at least this long get a note; `None` for none.
    note_waits_from: Option<Duration>,
}

impl Progress {
    /// A progress line counting `noun` (`conversations`), up to `limit`,
    /// drawn when `bar` is true; notes for waits of `note_waits_from` or
    /// more.
    pub fn new(
        bar: bool,
        note_waits_from: Option<Duration>,
        noun: &str,
        limit: Option<u64>,
    ) -> Self {
        let bar = if bar {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(style("{spinner} {pos} {prefix} · {msg}"));
            bar.set_prefix(noun.to_owned());
            bar.set_message("connecting");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress {
            bar,
            limit,
            note_waits_from,
        }
    }

    /// Shows what the search is doing.
    pub fn event(&self, event: &Event, stats: &Stats) {
        if let Event::Wait { delay, reason } = event
            && self.note_waits_from.is_some_and(|from| *delay >= from)
        {
            self.note(&format!("note: {}", describe_wait(*delay, reason)));
        }
        if self.bar.is_hidden() {
            return;
        }
        match event {
            Event::Page { .. } => {
                if let Some(total) = stats.total_count {
                    let len = self.limit.map_or(total, |l| l.min(total));
                    if self.bar.length() != Some(len) {
                        self.bar.set_length(len);
                        self.bar
                            .set_style(style("{spinner} {bar:30} {pos}/{len} {prefix} · {msg}"));
                    }
                }
                self.bar.set_message(counts(stats));
            }
            Event::Request { .. } => self.bar.set_message(counts(stats)),
            Event::Wait { delay, reason } => self.bar.set_message(format!(
                "{} · {}",
                counts(stats),
                describe_wait(*delay, reason)
            )),
            _ => {}
        }
    }

    /// Prints one line on stderr, above the progress line if there is one.
    pub fn note(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    /// Moves the count of results written.
    pub fn fetched(&self, written: u64) {
        self.bar.set_position(written);
    }

    /// Removes the line.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn counts(stats: &Stats) -> String {
    let mut text = format!(
        "{} {}",
        stats.requests,
        if stats.requests == 1 {
            "request"
        } else {
            "requests"
        }
    );
    if stats.rate_limit_waits > 0 {
        let waits = stats.rate_limit_waits;
        let noun = if waits == 1 { "wait" } else { "waits" };
        text.push_str(&format!(" · {waits} rate-limit {noun}"));
    }
    text
}

/// A wait, for the progress line and the notes: server text in `reason`
/// is redacted and shown terminal-safe by its `Display`.
fn describe_wait(delay: Duration, reason: &WaitReason) -> String {
    format!("waiting {}: {reason}", HumanDuration(delay))
}

#[cfg(test)]
mod tests {
    use super::*;
    use qc::search::{Redactor, Token, WaitSource};

    #[test]
    fn waits_are_described_with_server_text_redacted_and_escaped() {
        let token = Token::new("tok-1234567890-abcdef").unwrap_or_else(|e| panic!("{e}"));
        let redactor = Redactor::new(&token);
        let reason = WaitReason::Retry {
            why: redactor.text("echo tok-1234567890%2Dabcdef \u{1b}[2J"),
            source: WaitSource::RetryAfter,
        };
        assert_eq!(
            describe_wait(Duration::from_secs(12), &reason),
            "waiting 12s: echo <redacted> \\u{1b}[2J; retrying as its Retry-After asks"
        );
        assert_eq!(
            describe_wait(Duration::from_millis(1500), &WaitReason::RateLimitLow),
            "waiting 1.5s: few requests remain in the rate-limit window"
        );
    }
}
