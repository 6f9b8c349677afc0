//! [`Search`]: the cursor loop over pages and request bodies, with
//! retries, pacing, de-duplication and the result limit.

use std::collections::HashSet;
use std::iter::FusedIterator;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::client::Client;
use super::error::{ApiError, SearchError};
use super::retry::{Clock, RateLimit};
use super::transport::{Request, Response, Transport};
use crate::Target;

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
    /// Results skipped because their `id` had been yielded already.
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
    /// A 429 answer: until `X-RateLimit-Reset`, or backoff.
    RateLimited,
    /// Few requests remain in the rate-limit window: spreading them out.
    RateLimitLow,
    /// Backoff before retrying a failed request; why it failed.
    Retry(String),
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

/// The cursor state of one request body.
struct Chain {
    body: Map<String, Value>,
    /// The cursor of the next page; `None` before the first page and
    /// after the last.
    next: Option<String>,
    started: bool,
    /// Every cursor followed so far, to catch a loop.
    cursors: HashSet<String>,
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
/// made by [`Client::search`].
///
/// Pages are fetched as the iterator is advanced; after an error it ends.
/// Memory holds one page and the ids yielded so far.
pub struct Search<'c, T, C> {
    client: &'c Client<T, C>,
    target: Target,
    url: String,
    /// The URL as shown in errors (no user information).
    shown_url: String,
    bodies: std::iter::Enumerate<std::vec::IntoIter<Value>>,
    chain: Option<Chain>,
    page: std::vec::IntoIter<Value>,
    seen: HashSet<String>,
    limit: Option<u64>,
    limits: RateLimit,
    stats: Stats,
    done: bool,
    observer: Option<Observer<'c>>,
}

impl<'c, T: Transport, C: Clock> Search<'c, T, C> {
    pub(super) fn new(client: &'c Client<T, C>, target: Target, bodies: Vec<Value>) -> Self {
        Search {
            client,
            target,
            url: client.base.join(target.search_path()),
            shown_url: format!("{}{}", client.base, target.search_path()),
            bodies: bodies.into_iter().enumerate(),
            chain: None,
            page: Vec::new().into_iter(),
            seen: HashSet::new(),
            limit: None,
            limits: RateLimit::default(),
            stats: Stats::default(),
            done: false,
            observer: None,
        }
    }

    /// Stops after `limit` results, asking for no more than that: the
    /// last page asked for is only as large as what remains.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
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

    /// The next result, skipping duplicates; `None` when the current page
    /// is used up.
    fn next_on_page(&mut self) -> Option<Result<Value, SearchError>> {
        for item in self.page.by_ref() {
            let Some(id) = id_of(&item) else {
                return Some(Err(SearchError::Malformed(format!(
                    "a result in `{}` has no `id`",
                    self.target.list_key()
                ))));
            };
            if self.seen.insert(id) {
                self.stats.emitted += 1;
                return Some(Ok(item));
            }
            self.stats.duplicates += 1;
        }
        None
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
                body,
                next: None,
                started: false,
                cursors: HashSet::new(),
            });
        }
        let per_page = match self.remaining() {
            Some(left) => u64::from(self.client.per_page).min(left),
            None => u64::from(self.client.per_page),
        };
        let Some(chain) = self.chain.as_mut() else {
            return Ok(false);
        };
        let mut body = chain.body.clone();
        let mut pagination = json!({ "per_page": per_page });
        if let (Some(cursor), Value::Object(p)) = (&chain.next, &mut pagination) {
            p.insert("starting_after".to_owned(), Value::String(cursor.clone()));
        }
        body.insert("pagination".to_owned(), pagination);
        let first = !chain.started;
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| SearchError::Malformed(format!("cannot encode the request: {e}")))?;

        let response = self.send(&bytes)?;
        let page = self.read_page(&response.body)?;

        let Some(chain) = self.chain.as_mut() else {
            return Ok(false);
        };
        chain.started = true;
        if let Some(cursor) = &page.next {
            let repeated =
                chain.next.as_ref() == Some(cursor) || !chain.cursors.insert(cursor.clone());
            if repeated {
                return Err(SearchError::CursorLoop {
                    cursor: cursor.clone(),
                });
            }
        }
        chain.next = page.next.clone();
        self.stats.pages += 1;
        self.stats.fetched += page.items.len() as u64;
        if first && let Some(total) = page.total_count {
            self.stats.total_count = Some(self.stats.total_count.unwrap_or(0) + total);
        }
        let event = Event::Page {
            items: page.items.len(),
            total_count: page.total_count,
            more: page.next.is_some(),
        };
        self.notify(&event);
        self.page = page.items.into_iter();
        Ok(true)
    }

    /// Sends one request body, retrying as the policy says, and returns
    /// the successful response.
    fn send(&mut self, body: &[u8]) -> Result<Response, SearchError> {
        let client = self.client;
        let policy = &client.policy;
        let mut attempt: u32 = 0;
        loop {
            if let Some(delay) = policy.pace(&self.limits, client.clock.now()) {
                self.stats.rate_limit_waits += 1;
                self.wait(delay, WaitReason::RateLimitLow);
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
                token: &client.token,
                body,
                version: client.version,
            };
            let retry = attempt - 1;
            let may_retry = retry < policy.max_retries;
            match client.transport.post(&request) {
                Ok(response) => {
                    self.limits = RateLimit::of(&response);
                    match response.status {
                        200..=299 => return Ok(response),
                        429 if may_retry => {
                            let delay = policy
                                .until_reset(&self.limits, client.clock.now())
                                .unwrap_or_else(|| policy.backoff(retry, client.clock.random()));
                            self.limits = RateLimit::default();
                            self.stats.rate_limit_waits += 1;
                            self.wait(delay, WaitReason::RateLimited);
                        }
                        500..=599 if may_retry => {
                            let delay = policy.backoff(retry, client.clock.random());
                            let why = format!("the API answered {}", response.status);
                            self.wait(delay, WaitReason::Retry(why));
                        }
                        status => {
                            let text = client.token.scrub(&String::from_utf8_lossy(&response.body));
                            let error = ApiError::from_response(status, text.as_bytes(), attempt);
                            return Err(SearchError::Api(error));
                        }
                    }
                }
                Err(e) if e.kind.is_transient() && may_retry => {
                    let delay = policy.backoff(retry, client.clock.random());
                    let why = client.token.scrub(&e.message);
                    self.wait(delay, WaitReason::Retry(why));
                }
                Err(e) => {
                    let message = format!("POST {}: {}", self.shown_url, e.message);
                    return Err(SearchError::Transport {
                        kind: e.kind,
                        message: client.token.scrub(&message),
                        attempts: attempt,
                    });
                }
            }
        }
    }

    fn wait(&mut self, delay: Duration, reason: WaitReason) {
        self.stats.waited += delay;
        self.notify(&Event::Wait { delay, reason });
        self.client.clock.sleep(delay);
    }

    /// Reads a search response: the target's list of objects, the
    /// `total_count` and the next cursor.
    fn read_page(&self, body: &[u8]) -> Result<Page, SearchError> {
        let key = self.target.list_key();
        let malformed = |why: String| SearchError::Malformed(why);
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

/// The `id` of a result as text (Intercom's ids are strings; numbers are
/// accepted too).
pub(super) fn id_of(item: &Value) -> Option<String> {
    match item.get("id")? {
        Value::String(id) => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
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
            if let Some(result) = self.next_on_page() {
                self.done = result.is_err();
                return Some(result);
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
