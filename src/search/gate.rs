//! [`Gate`]: the rate-limit state that the requests of one search share,
//! however many are sent at once: the headers of the latest response, the
//! pause a 429 asks for, the slots of paced requests, and the waits spent
//! from the search's budget.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use super::retry::{RateLimit, RetryPolicy};

/// The rate-limit state of one search, behind one lock: every request of
/// the search, whichever worker sends it, passes through
/// [`Gate::admit`] first.
///
/// - A 429 ([`Gate::pause`]) holds back every request of the search until
///   the time it asks for, not only the one that got it.
/// - When the latest response says few requests remain in the window, the
///   requests start one at a time, each [`RetryPolicy::pace`] after the
///   slot of the one before, whichever worker sends them.
/// - The waits are counted against [`RetryPolicy::max_total_wait`] as the
///   time the search is held back: a pause that several workers sit out
///   together counts once. A wait of one request alone (backoff,
///   [`Gate::spend`]) counts in full.
#[derive(Debug, Default)]
pub(super) struct Gate {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The rate-limit headers of the latest response, with `remaining`
    /// counted down for each request paced since.
    limits: RateLimit,
    /// No request starts before this: the end of a 429's pause, or the
    /// slot of the last paced request.
    resume: Option<SystemTime>,
    /// The waits counted so far.
    waited: Duration,
}

/// What a request does before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Admission {
    /// How long to wait before sending it.
    pub(super) wait: Duration,
    /// True when the wait is pacing of its own, to be told; a pause that
    /// a 429 asked for was told by the request that got the 429.
    pub(super) paced: bool,
}

/// A wait that would take the search's waits past
/// [`RetryPolicy::max_total_wait`]; the time waited so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OverBudget {
    pub(super) waited: Duration,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When the next request may be sent, seen at `now`: after any pause,
    /// and, when few requests remain, a pace after the slot of the one
    /// before. A paced request takes its slot (and counts one request off
    /// `remaining`); its share of the wait is counted against the budget.
    pub(super) fn admit(
        &self,
        policy: &RetryPolicy,
        now: SystemTime,
    ) -> Result<Admission, (Duration, OverBudget)> {
        let mut state = self.lock();
        let base = state.resume.filter(|r| *r > now).unwrap_or(now);
        let Some(pace) = policy.pace(&state.limits, base) else {
            return Ok(Admission {
                wait: base.duration_since(now).unwrap_or_default(),
                paced: false,
            });
        };
        state.spend(pace, policy).map_err(|over| (pace, over))?;
        let slot = base.checked_add(pace).unwrap_or(base);
        state.resume = Some(slot);
        state.limits.remaining = state.limits.remaining.map(|r| r.saturating_sub(1));
        Ok(Admission {
            wait: slot.duration_since(now).unwrap_or_default(),
            paced: true,
        })
    }

    /// Keeps the rate-limit headers of a response, the latest of the
    /// search.
    pub(super) fn record(&self, limits: RateLimit) {
        self.lock().limits = limits;
    }

    /// A 429 at `now` asks to wait `delay`: no request of the search starts
    /// before then. Only the part of it past any pause already set counts
    /// against the budget. The window resets meanwhile, so the headers
    /// kept are forgotten.
    pub(super) fn pause(
        &self,
        delay: Duration,
        now: SystemTime,
        policy: &RetryPolicy,
    ) -> Result<(), OverBudget> {
        let mut state = self.lock();
        let from = state.resume.filter(|r| *r > now).unwrap_or(now);
        let until = now.checked_add(delay).unwrap_or(from).max(from);
        state.spend(until.duration_since(from).unwrap_or_default(), policy)?;
        state.resume = Some(until);
        state.limits = RateLimit::default();
        Ok(())
    }

    /// Counts a wait of one request alone (a backoff, a 5xx's
    /// `Retry-After`) against the budget.
    pub(super) fn spend(&self, delay: Duration, policy: &RetryPolicy) -> Result<(), OverBudget> {
        self.lock().spend(delay, policy)
    }
}

impl State {
    fn spend(&mut self, delay: Duration, policy: &RetryPolicy) -> Result<(), OverBudget> {
        if self.waited.saturating_add(delay) > policy.max_total_wait {
            return Err(OverBudget {
                waited: self.waited,
            });
        }
        self.waited += delay;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_000) + Duration::from_millis(ms)
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        }
    }

    fn low(remaining: u64) -> RateLimit {
        RateLimit {
            limit: Some(100),
            remaining: Some(remaining),
            // 10 s after `at(0)`.
            reset: Some(1_010),
            retry_after: None,
        }
    }

    #[test]
    fn a_pause_holds_back_every_request_and_counts_once() {
        let gate = Gate::default();
        let p = policy();
        assert_eq!(
            gate.admit(&p, at(0)),
            Ok(Admission {
                wait: Duration::ZERO,
                paced: false
            })
        );
        gate.pause(Duration::from_secs(2), at(0), &p)
            .expect("in budget");
        // A second 429 half a second later asks for 2 s from then: the
        // pause grows by half a second, and so do the waits counted.
        gate.pause(Duration::from_secs(2), at(500), &p)
            .expect("in budget");
        for (now, wait) in [(0, 2_500), (1_000, 1_500), (2_500, 0), (3_000, 0)] {
            assert_eq!(
                gate.admit(&p, at(now)).map(|a| a.wait),
                Ok(Duration::from_millis(wait)),
                "at {now} ms"
            );
        }
        assert_eq!(gate.lock().waited, Duration::from_millis(2_500));
    }

    #[test]
    fn paced_requests_take_slots_one_after_another() {
        let gate = Gate::default();
        let p = policy();
        gate.record(low(4));
        // 10 s left for 4 requests: one every 2 s until the reset,
        // whoever asks.
        let waits: Vec<Duration> = (0..3)
            .map(|_| gate.admit(&p, at(0)).expect("in budget").wait)
            .collect();
        assert_eq!(waits, [2, 4, 6].map(Duration::from_secs));
        // A response with plenty left ends the pacing; the slots taken
        // still hold.
        gate.record(low(90));
        assert_eq!(
            gate.admit(&p, at(1_000)),
            Ok(Admission {
                wait: Duration::from_secs(5),
                paced: false
            })
        );
    }

    #[test]
    fn the_budget_counts_every_kind_of_wait() {
        let gate = Gate::default();
        let p = RetryPolicy {
            max_total_wait: Duration::from_secs(5),
            ..policy()
        };
        gate.spend(Duration::from_secs(3), &p).expect("in budget");
        assert_eq!(
            gate.pause(Duration::from_secs(3), at(0), &p),
            Err(OverBudget {
                waited: Duration::from_secs(3)
            })
        );
        gate.record(low(0));
        // The whole 10 s to the reset, cut to the longest wait (30 s).
        assert_eq!(
            gate.admit(&p, at(0)),
            Err((
                Duration::from_secs(10),
                OverBudget {
                    waited: Duration::from_secs(3)
                }
            ))
        );
        gate.spend(Duration::from_secs(2), &p).expect("in budget");
    }
}
