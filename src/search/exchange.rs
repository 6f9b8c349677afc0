//! [`Exchange`]: one request at a time, retried and paced as the
//! [`RetryPolicy`] says, with the counts ([`Stats`]) and the [`Event`]s
//! that a search and a schema pull share. The rate-limit state is a
//! [`Gate`] that the exchanges of one search's workers share.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::base::BaseUrl;
use super::error::{ApiError, SearchError};
use super::gate::{Gate, OverBudget};
use super::redact::{Redactor, ServerText};
use super::retry::{Clock, RateLimit, RetryPolicy, WaitSource};
use super::token::Token;
use super::transport::{Method, Request, Response, Transport};

/// Counts kept while a search (or a schema pull) runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Pages received.
    pub pages: u64,
    /// Results received, duplicates included.
    pub fetched: u64,
    /// Results yielded (each `id` once).
    pub emitted: u64,
    /// Results skipped because their `id` had come already.
    pub duplicates: u64,
    /// The sum of `total_count` over the request bodies begun so far.
    pub total_count: Option<u64>,
    /// Requests sent again after a failure.
    pub retries: u64,
    /// Waits for the rate limit (after a 429, or pacing).
    pub rate_limit_waits: u64,
    /// Time spent waiting, for any reason: the waits told as
    /// [`Event::Wait`]s, added up. Requests sent at once may wait at the
    /// same time, so with several this can be more than the time the
    /// search spent waiting (which [`RetryPolicy::max_total_wait`]
    /// bounds).
    pub waited: Duration,
}

impl Stats {
    /// Counts a request or a wait ([`Event::Request`], [`Event::Wait`]);
    /// pages are counted where they are read.
    pub(super) fn count(&mut self, event: &Event) {
        match event {
            Event::Request { attempt } => {
                self.requests += 1;
                if *attempt > 1 {
                    self.retries += 1;
                }
            }
            Event::Wait { delay, reason } => {
                self.waited += *delay;
                if matches!(
                    reason,
                    WaitReason::RateLimited { .. } | WaitReason::RateLimitLow
                ) {
                    self.rate_limit_waits += 1;
                }
            }
            Event::Page { .. } => {}
        }
    }
}

/// Why a search is waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// A 429 answer, before trying again.
    RateLimited {
        /// The answer, as an error message.
        why: ServerText,
        /// Where the length of the wait came from.
        source: WaitSource,
    },
    /// Few requests remain in the rate-limit window: spreading them out.
    RateLimitLow,
    /// A 5xx answer, a timeout or a broken connection, before trying again.
    Retry {
        /// What went wrong.
        why: ServerText,
        /// Where the length of the wait came from.
        source: WaitSource,
    },
}

impl fmt::Display for WaitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitReason::RateLimited { why, source } | WaitReason::Retry { why, source } => {
                let from = match source {
                    WaitSource::RetryAfter => "as its Retry-After asks",
                    WaitSource::RateLimitReset => "until its X-RateLimit-Reset",
                    WaitSource::Backoff => "with backoff",
                };
                write!(f, "{why}; retrying {from}")
            }
            WaitReason::RateLimitLow => f.write_str("few requests remain in the rate-limit window"),
        }
    }
}

/// What a search is doing, for progress reports ([`Search::on_event`]).
///
/// [`Search::on_event`]: super::Search::on_event
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A request is about to be sent; `attempt` counts from 1.
    Request {
        /// 1 for the first try, 2 for the first retry, ...
        attempt: u32,
    },
    /// A page arrived.
    Page {
        /// The results on it.
        items: usize,
        /// Its `total_count`.
        total_count: Option<u64>,
        /// Whether another page follows.
        more: bool,
    },
    /// The search sleeps for `delay`.
    Wait {
        /// How long.
        delay: Duration,
        /// Why.
        reason: WaitReason,
    },
}

/// What is told of every [`Event`].
pub(super) type Observer<'c> = Box<dyn FnMut(&Event, &Stats) + 'c>;

/// What a search or a pull borrows from its [`Client`](super::Client).
pub(super) struct Session<'c, T, C> {
    pub(super) token: &'c Token,
    pub(super) redactor: &'c Redactor,
    pub(super) base: &'c BaseUrl,
    pub(super) transport: &'c T,
    pub(super) clock: &'c C,
    pub(super) policy: &'c RetryPolicy,
    pub(super) per_page: u32,
    pub(super) version: crate::target::ApiVersion,
}

impl<T, C> Clone for Session<'_, T, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, C> Copy for Session<'_, T, C> {}

impl<'c, T, C> Session<'c, T, C> {
    /// The same session sending through `transport` and waiting with
    /// `clock` (a worker's, which stop when the search stops).
    pub(super) fn with<'w, U, D>(self, transport: &'w U, clock: &'w D) -> Session<'w, U, D>
    where
        'c: 'w,
    {
        Session {
            token: self.token,
            redactor: self.redactor,
            base: self.base,
            transport,
            clock,
            policy: self.policy,
            per_page: self.per_page,
            version: self.version,
        }
    }
}

/// Sends the requests of one search or pull (or of one worker of a
/// search), one at a time, through the search's [`Gate`]; the counts and
/// the observer.
pub(super) struct Exchange<'c, T, C> {
    pub(super) session: Session<'c, T, C>,
    gate: Arc<Gate>,
    pub(super) stats: Stats,
    observer: Option<Observer<'c>>,
}

impl<'c, T: Transport, C: Clock> Exchange<'c, T, C> {
    /// An exchange with a rate-limit state of its own.
    pub(super) fn new(session: Session<'c, T, C>) -> Self {
        Exchange::sharing(session, Arc::default())
    }

    /// An exchange sharing `gate` with others.
    pub(super) fn sharing(session: Session<'c, T, C>, gate: Arc<Gate>) -> Self {
        Exchange {
            session,
            gate,
            stats: Stats::default(),
            observer: None,
        }
    }

    /// The rate-limit state, to share with other exchanges.
    pub(super) fn gate(&self) -> &Arc<Gate> {
        &self.gate
    }

    /// Calls `observer` with every [`Event`] and the counts so far.
    pub(super) fn observe(&mut self, observer: Observer<'c>) {
        self.observer = Some(observer);
    }

    /// Counts a request or a wait (see [`Stats::count`]) and tells the
    /// observer.
    pub(super) fn notify(&mut self, event: &Event) {
        self.stats.count(event);
        if let Some(observer) = &mut self.observer {
            observer(event, &self.stats);
        }
    }

    /// Sends one request (`body` is empty for a `GET`) to `url`, shown
    /// as `shown_url` in errors, retrying as the policy says; the
    /// successful response.
    ///
    /// Before each attempt it waits as the [`Gate`] says (a 429's pause,
    /// pacing); a 429 pauses every request of the search; other retries
    /// wait on their own.
    pub(super) fn send(
        &mut self,
        method: Method,
        url: &str,
        shown_url: &str,
        body: &[u8],
    ) -> Result<Response, SearchError> {
        let session = &self.session;
        let (policy, clock, redactor) = (session.policy, session.clock, session.redactor);
        let mut attempt: u32 = 0;
        loop {
            let admission = match self.gate.admit(policy, clock.now()) {
                Ok(admission) => admission,
                Err((next, over)) => return Err(self.over(next, &WaitReason::RateLimitLow, over)),
            };
            if admission.paced {
                self.notify(&Event::Wait {
                    delay: admission.wait,
                    reason: WaitReason::RateLimitLow,
                });
            }
            if !admission.wait.is_zero() {
                clock.sleep(admission.wait);
            }
            attempt += 1;
            self.notify(&Event::Request { attempt });
            let request = Request {
                method,
                url,
                token: self.session.token,
                body,
                version: self.session.version,
            };
            let retry = attempt - 1;
            let may_retry = retry < policy.max_retries;
            match self.session.transport.send(&request) {
                Ok(response) => {
                    let limits = RateLimit::of(&response);
                    self.gate.record(limits);
                    let status = response.status;
                    if (200..=299).contains(&status) {
                        return Ok(response);
                    }
                    let error = ApiError::from_response(status, &response.body, attempt, redactor);
                    let retryable = status == 429 || (500..=599).contains(&status);
                    if !(retryable && may_retry) {
                        return Err(SearchError::Api(error));
                    }
                    let now = clock.now();
                    let (delay, source) = match limits.requested_wait(status, now) {
                        Some((wait, source)) if wait > policy.max_delay => {
                            return Err(SearchError::WaitTooLong {
                                error,
                                wait,
                                asked_by: source,
                                max: policy.max_delay,
                            });
                        }
                        Some(asked) => asked,
                        None => (policy.backoff(retry, clock.random()), WaitSource::Backoff),
                    };
                    let why = redactor.text(&error.to_string());
                    if status == 429 {
                        // Every request of the search waits: the next
                        // admission sleeps until the pause ends.
                        let reason = WaitReason::RateLimited { why, source };
                        if let Err(over) = self.gate.pause(delay, now, policy) {
                            return Err(self.over(delay, &reason, over));
                        }
                        self.notify(&Event::Wait { delay, reason });
                    } else {
                        self.wait(delay, WaitReason::Retry { why, source })?;
                    }
                }
                Err(e) if e.kind.is_transient() && may_retry => {
                    let delay = policy.backoff(retry, clock.random());
                    let why = redactor.text(&e.message);
                    let source = WaitSource::Backoff;
                    self.wait(delay, WaitReason::Retry { why, source })?;
                }
                Err(e) => {
                    let message = format!("{} {shown_url}: {}", method.name(), e.message);
                    return Err(SearchError::Transport {
                        kind: e.kind,
                        message: redactor.text(&message),
                        attempts: attempt,
                    });
                }
            }
        }
    }

    /// Sleeps for `delay`, this request alone, unless that takes the
    /// search's waits past the policy's total.
    fn wait(&mut self, delay: Duration, reason: WaitReason) -> Result<(), SearchError> {
        if let Err(over) = self.gate.spend(delay, self.session.policy) {
            return Err(self.over(delay, &reason, over));
        }
        self.notify(&Event::Wait { delay, reason });
        self.session.clock.sleep(delay);
        Ok(())
    }

    /// The error of a wait of `next` that the budget has no room for.
    fn over(&self, next: Duration, reason: &WaitReason, over: OverBudget) -> SearchError {
        SearchError::WaitBudget {
            next,
            why: self.session.redactor.text(&reason.to_string()),
            waited: over.waited,
            max: self.session.policy.max_total_wait,
        }
    }
}
