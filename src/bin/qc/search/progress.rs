//! The progress line of `qc search` on stderr: results fetched against
//! `total_count`, requests sent, and the current wait.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qc::diagnostic::escape_for_terminal;
use qc::search::{Event, Stats, WaitReason};

/// A progress line, hidden when stderr is not a terminal or with `--quiet`.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    limit: Option<u64>,
}

impl Progress {
    /// A progress line counting `noun` (`conversations`), up to `limit`.
    pub fn new(visible: bool, noun: &str, limit: Option<u64>) -> Self {
        let bar = if visible {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(style("{spinner} {pos} {prefix} · {msg}"));
            bar.set_prefix(noun.to_owned());
            bar.set_message("connecting");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar, limit }
    }

    /// Shows what the search is doing.
    pub fn event(&self, event: &Event, stats: &Stats) {
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

    /// Moves the count of results written.
    pub fn fetched(&self, stats: &Stats) {
        self.bar.set_position(stats.emitted);
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

/// What the progress line says about a wait.
fn describe_wait(delay: Duration, reason: &WaitReason) -> String {
    let secs = delay.as_secs_f64();
    match reason {
        WaitReason::RateLimited => format!("rate limited: waiting {secs:.0}s"),
        WaitReason::RateLimitLow => format!("few requests left: pausing {secs:.1}s"),
        // `why` may quote the server's answer.
        WaitReason::Retry(why) => format!("{}; retrying in {secs:.1}s", escape_for_terminal(why)),
        _ => format!("waiting {secs:.1}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Why a request failed may quote the server: the line shows it escaped.
    #[test]
    fn a_retry_reason_is_shown_escaped() {
        let why = WaitReason::Retry("HTTP 503: \u{1b}]0;owned\u{7}\u{202e}".to_owned());
        assert_eq!(
            describe_wait(Duration::from_millis(1500), &why),
            "HTTP 503: \\u{1b}]0;owned\\u{7}\\u{202e}; retrying in 1.5s"
        );
    }
}
