//! [`Search`]: the cursor loop over pages and request bodies, with
//! retries, pacing, de-duplication, the result limit, and the bounds that
//! make every search end: a progress check, a cap on requests and caps on
//! waiting.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::iter::FusedIterator;
use std::time::Duration;

use serde_json::{Map, Number, Value, json};

use super::base::BaseUrl;
use super::error::{ApiError, SearchError};
use super::redact::{Redactor, ServerText};
use super::retry::{Clock, RateLimit, RetryPolicy, WaitSource};
use super::token::Token;
use super::transport::{Request, Response, Transport};
use crate::Target;

/// The most requests a search sends when it has no limit and no cap of its
/// own ([`Search::with_max_requests`]): 1.5 million results in pages of
/// 150. Retries are not counted.
pub const DEFAULT_MAX_REQUESTS: u64 = 10_000;

/// How many pages in a row may add no new result, each promising more,
/// before a search stops ([`SearchError::NoProgress`]).
pub const MAX_PAGES_WITHOUT_PROGRESS: u32 = 2;

/// Counts kept while a search runs.
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
    /// Time spent waiting, for any reason.
    pub waited: Duration,
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

type Observer<'c> = Box<dyn FnMut(&Event, &Stats) + 'c>;

/// What a search borrows from its [`Client`](super::Client).
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

/// The `id` of a result as the API types it: `"7"` and `7` are two
/// results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Id {
    Text(String),
    Number(Number),
}

impl Id {
    fn of(item: &Value) -> Option<Self> {
        match item.get("id")? {
            Value::String(id) => Some(Id::Text(id.clone())),
            Value::Number(id) => Some(Id::Number(id.clone())),
            _ => None,
        }
    }
}

/// The cursor state of one request body.
struct Chain {
    /// Its position among the bodies.
    index: usize,
    body: Map<String, Value>,
    /// The cursor of the next page; `None` before the first page and
    /// after the last.
    next: Option<String>,
    started: bool,
    /// Every cursor followed so far, to catch a loop.
    cursors: HashSet<String>,
    /// Pages in a row that added nothing new to this body's results.
    stale: u32,
}

impl Chain {
    fn has_more(&self) -> bool {
        !self.started || self.next.is_some()
    }
}

/// A page, read.
struct Page {
    items: Vec<Value>,
    total_count: Option<u64>,
    next: Option<String>,
}

/// The results of a search, an iterator of `Result<Value, SearchError>`
/// made by [`Client::search`](super::Client::search).
///
/// Pages are fetched as the iterator is advanced; after an error it ends.
/// The results of a page all come before an error found on it (a cursor
/// loop, a page without progress). Memory holds one page and the ids
/// received so far. Every result has the token redacted from its strings.
///
/// A search always ends: each page must add a result the request had not
/// given before, or the second such page in a row ends it
/// ([`MAX_PAGES_WITHOUT_PROGRESS`]); at most [`Search::max_requests`]
/// requests are sent; waits are capped by the [`RetryPolicy`].
pub struct Search<'c, T, C> {
    session: Session<'c, T, C>,
    target: Target,
    url: String,
    /// The URL as shown in errors (no user information).
    shown_url: String,
    bodies: std::iter::Enumerate<std::vec::IntoIter<Value>>,
    body_count: usize,
    chain: Option<Chain>,
    /// The results of the current page not seen before.
    page: std::vec::IntoIter<Value>,
    /// Every id received, with the last body whose pages had it.
    seen: HashMap<Id, usize>,
    limit: Option<u64>,
    max_requests: Option<u64>,
    /// Pages asked for (first attempts).
    asked: u64,
    limits: RateLimit,
    stats: Stats,
    /// An error found on the current page, reported after its results.
    pending: Option<SearchError>,
    done: bool,
    observer: Option<Observer<'c>>,
}

impl<'c, T: Transport, C: Clock> Search<'c, T, C> {
    pub(super) fn new(session: Session<'c, T, C>, target: Target, bodies: Vec<Value>) -> Self {
        let url = session.base.join(target.search_path());
        let shown_url = format!("{}{}", session.base, target.search_path());
        Search {
            session,
            target,
            url,
            shown_url,
            body_count: bodies.len(),
            bodies: bodies.into_iter().enumerate(),
            chain: None,
            page: Vec::new().into_iter(),
            seen: HashMap::new(),
            limit: None,
            max_requests: None,
            asked: 0,
            limits: RateLimit::default(),
            stats: Stats::default(),
            pending: None,
            done: false,
            observer: None,
        }
    }

    /// Stops after `limit` results, asking for no more than that: the
    /// last page of the first request body is only as large as what
    /// remains (later bodies ask for whole pages, since some of their
    /// results may have come already).
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sends at most `max` requests (pages; retries are not counted). When
    /// more pages remain at that point, the search ends with
    /// [`SearchError::TooManyRequests`].
    pub fn with_max_requests(mut self, max: u64) -> Self {
        self.max_requests = Some(max);
        self
    }

    /// The most requests this search sends: the cap given, else with a
    /// limit of `L` results enough pages for `L` results from each
    /// request body and one more, `bodies × (⌈L / per_page⌉ + 1)`, else
    /// [`DEFAULT_MAX_REQUESTS`].
    pub fn max_requests(&self) -> u64 {
        if let Some(max) = self.max_requests {
            return max;
        }
        match self.limit {
            Some(limit) => {
                let pages = limit.div_ceil(u64::from(self.session.per_page.max(1)));
                (self.body_count.max(1) as u64).saturating_mul(pages.saturating_add(1))
            }
            None => DEFAULT_MAX_REQUESTS,
        }
    }

    /// Calls `observer` with every [`Event`] and the counts so far.
    pub fn on_event(mut self, observer: impl FnMut(&Event, &Stats) + 'c) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// The counts so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    fn notify(&mut self, event: &Event) {
        if let Some(observer) = &mut self.observer {
            observer(event, &self.stats);
        }
    }

    fn remaining(&self) -> Option<u64> {
        self.limit.map(|l| l.saturating_sub(self.stats.emitted))
    }

    /// Fetches the next page into `self.page`; `Ok(false)` when there is
    /// none.
    fn advance(&mut self) -> Result<bool, SearchError> {
        if !self.chain.as_ref().is_some_and(Chain::has_more) {
            let Some((index, body)) = self.bodies.next() else {
                return Ok(false);
            };
            let Value::Object(body) = body else {
                return Err(SearchError::Body { index });
            };
            self.chain = Some(Chain {
                index,
                body,
                next: None,
                started: false,
                cursors: HashSet::new(),
                stale: 0,
            });
        }
        let max = self.max_requests();
        if self.asked >= max {
            return Err(SearchError::TooManyRequests { max });
        }
        let full = u64::from(self.session.per_page);
        let remaining = self.remaining();
        let Some(chain) = self.chain.as_mut() else {
            return Ok(false);
        };
        let per_page = match remaining {
            Some(left) if chain.index == 0 => full.min(left),
            _ => full,
        };
        let mut body = chain.body.clone();
        let mut pagination = Map::new();
        pagination.insert("per_page".to_owned(), json!(per_page));
        if let Some(cursor) = &chain.next {
            pagination.insert("starting_after".to_owned(), json!(cursor));
        }
        body.insert("pagination".to_owned(), Value::Object(pagination));
        let bytes = serde_json::to_vec(&body).map_err(|e| {
            SearchError::Malformed(
                self.session
                    .redactor
                    .text(&format!("cannot encode the request: {e}")),
            )
        })?;

        self.asked += 1;
        let response = self.send(&bytes)?;
        let page = self.read_page(&response.body)?;
        self.take(page);
        Ok(true)
    }

    /// Records a page: its new results into `self.page`, its cursor, and
    /// any error found on it into `self.pending`.
    fn take(&mut self, page: Page) {
        let Some(chain) = self.chain.as_mut() else {
            return;
        };
        let first = !chain.started;
        chain.started = true;
        self.stats.pages += 1;
        self.stats.fetched += page.items.len() as u64;
        if first && let Some(total) = page.total_count {
            self.stats.total_count = Some(self.stats.total_count.unwrap_or(0) + total);
        }

        let count = page.items.len();
        let mut fresh = Vec::with_capacity(count);
        let mut progress = false;
        for item in page.items {
            let Some(id) = Id::of(&item) else {
                self.pending = Some(SearchError::Malformed(self.session.redactor.text(
                    &format!("a result in `{}` has no `id`", self.target.list_key()),
                )));
                break;
            };
            match self.seen.get_mut(&id) {
                None => {
                    self.seen.insert(id, chain.index);
                    progress = true;
                    fresh.push(item);
                }
                Some(body) if *body != chain.index => {
                    // Given by an earlier body: new to this one.
                    *body = chain.index;
                    progress = true;
                    self.stats.duplicates += 1;
                }
                Some(_) => self.stats.duplicates += 1,
            }
        }

        chain.next = None;
        if self.pending.is_none()
            && let Some(cursor) = &page.next
        {
            if !chain.cursors.insert(cursor.clone()) {
                self.pending = Some(SearchError::CursorLoop {
                    cursor: self.session.redactor.text(cursor).shortened(100),
                });
            } else if progress {
                chain.stale = 0;
                chain.next = Some(cursor.clone());
            } else {
                chain.stale += 1;
                if chain.stale >= MAX_PAGES_WITHOUT_PROGRESS {
                    self.pending = Some(SearchError::NoProgress { pages: chain.stale });
                } else {
                    chain.next = Some(cursor.clone());
                }
            }
        }
        let event = Event::Page {
            items: count,
            total_count: page.total_count,
            more: page.next.is_some(),
        };
        self.notify(&event);
        self.page = fresh.into_iter();
    }

    /// Sends one request body, retrying as the policy says, and returns
    /// the successful response.
    fn send(&mut self, body: &[u8]) -> Result<Response, SearchError> {
        let session = &self.session;
        let (policy, clock, redactor) = (session.policy, session.clock, session.redactor);
        let mut attempt: u32 = 0;
        loop {
            if let Some(delay) = policy.pace(&self.limits, clock.now()) {
                self.stats.rate_limit_waits += 1;
                self.wait(delay, WaitReason::RateLimitLow)?;
            }
            self.limits = RateLimit::default();
            attempt += 1;
            self.stats.requests += 1;
            if attempt > 1 {
                self.stats.retries += 1;
            }
            self.notify(&Event::Request { attempt });
            let request = Request {
                url: &self.url,
                token: self.session.token,
                body,
                version: self.session.version,
            };
            let retry = attempt - 1;
            let may_retry = retry < policy.max_retries;
            match self.session.transport.post(&request) {
                Ok(response) => {
                    self.limits = RateLimit::of(&response);
                    let status = response.status;
                    if (200..=299).contains(&status) {
                        return Ok(response);
                    }
                    let error = ApiError::from_response(status, &response.body, attempt, redactor);
                    let retryable = status == 429 || (500..=599).contains(&status);
                    if !(retryable && may_retry) {
                        return Err(SearchError::Api(error));
                    }
                    let (delay, source) = match self.limits.requested_wait(status, clock.now()) {
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
                    self.limits = RateLimit::default();
                    let why = redactor.text(&error.to_string());
                    let reason = if status == 429 {
                        self.stats.rate_limit_waits += 1;
                        WaitReason::RateLimited { why, source }
                    } else {
                        WaitReason::Retry { why, source }
                    };
                    self.wait(delay, reason)?;
                }
                Err(e) if e.kind.is_transient() && may_retry => {
                    let delay = policy.backoff(retry, clock.random());
                    let why = redactor.text(&e.message);
                    let source = WaitSource::Backoff;
                    self.wait(delay, WaitReason::Retry { why, source })?;
                }
                Err(e) => {
                    let message = format!("POST {}: {}", self.shown_url, e.message);
                    return Err(SearchError::Transport {
                        kind: e.kind,
                        message: redactor.text(&message),
                        attempts: attempt,
                    });
                }
            }
        }
    }

    /// Sleeps for `delay`, unless that takes the waits past the policy's
    /// total.
    fn wait(&mut self, delay: Duration, reason: WaitReason) -> Result<(), SearchError> {
        let max = self.session.policy.max_total_wait;
        if self.stats.waited.saturating_add(delay) > max {
            return Err(SearchError::WaitBudget {
                next: delay,
                why: self.session.redactor.text(&reason.to_string()),
                waited: self.stats.waited,
                max,
            });
        }
        self.stats.waited += delay;
        self.notify(&Event::Wait { delay, reason });
        self.session.clock.sleep(delay);
        Ok(())
    }

    /// Reads a search response: the target's list of objects, the
    /// `total_count` and the next cursor.
    fn read_page(&self, body: &[u8]) -> Result<Page, SearchError> {
        let key = self.target.list_key();
        let malformed = |why: String| SearchError::Malformed(self.session.redactor.text(&why));
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| malformed(format!("the body is not JSON ({e})")))?;
        let Value::Object(mut object) = value else {
            return Err(malformed("the body is not a JSON object".to_owned()));
        };
        let items = match object.remove(key) {
            Some(Value::Array(items)) => items,
            Some(_) => return Err(malformed(format!("`{key}` is not a list"))),
            None => return Err(malformed(format!("the body has no `{key}` list"))),
        };
        if let Some(i) = items.iter().position(|item| !item.is_object()) {
            return Err(malformed(format!("`{key}[{i}]` is not an object")));
        }
        let total_count = object.get("total_count").and_then(Value::as_u64);
        let next = match object.get("pages").and_then(|p| p.get("next")) {
            None | Some(Value::Null) => None,
            Some(Value::Object(next)) => match next.get("starting_after") {
                None | Some(Value::Null) => None,
                Some(Value::String(cursor)) if !cursor.is_empty() => Some(cursor.clone()),
                Some(_) => {
                    return Err(malformed(
                        "`pages.next.starting_after` is not a cursor".to_owned(),
                    ));
                }
            },
            Some(_) => return Err(malformed("`pages.next` is not an object".to_owned())),
        };
        Ok(Page {
            items,
            total_count,
            next,
        })
    }
}

impl<T: Transport, C: Clock> Iterator for Search<'_, T, C> {
    type Item = Result<Value, SearchError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            if self.remaining() == Some(0) {
                self.done = true;
                return None;
            }
            if let Some(mut item) = self.page.next() {
                self.stats.emitted += 1;
                self.session.redactor.value(&mut item);
                return Some(Ok(item));
            }
            if let Some(e) = self.pending.take() {
                self.done = true;
                return Some(Err(e));
            }
            match self.advance() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl<T: Transport, C: Clock> FusedIterator for Search<'_, T, C> {}
