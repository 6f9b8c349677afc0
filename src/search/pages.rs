//! [`Search`]: the cursor loop over pages and request bodies, with
//! retries, pacing, de-duplication, the result limit, and the bounds that
//! make every search end: a progress check, a cap on requests and caps on
//! waiting.

use std::collections::{HashMap, HashSet};
use std::iter::FusedIterator;

use serde_json::{Map, Number, Value, json};

use super::error::SearchError;
use super::exchange::{Event, Exchange, Session, Stats};
use super::retry::Clock;
use super::transport::{Method, Transport};
use crate::Target;

/// The most requests a search sends when it has no limit and no cap of its
/// own ([`Search::with_max_requests`]): 1.5 million results in pages of
/// 150. Retries are not counted.
pub const DEFAULT_MAX_REQUESTS: u64 = 10_000;

/// How many pages in a row may add no new result, each promising more,
/// before a search stops ([`SearchError::NoProgress`]).
pub const MAX_PAGES_WITHOUT_PROGRESS: u32 = 2;

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
/// requests are sent; waits are capped by the
/// [`RetryPolicy`](super::RetryPolicy).
pub struct Search<'c, T, C> {
    exchange: Exchange<'c, T, C>,
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
    /// An error found on the current page, reported after its results.
    pending: Option<SearchError>,
    done: bool,
}

impl<'c, T: Transport, C: Clock> Search<'c, T, C> {
    pub(super) fn new(session: Session<'c, T, C>, target: Target, bodies: Vec<Value>) -> Self {
        let url = session.base.join(target.search_path());
        let shown_url = format!("{}{}", session.base, target.search_path());
        Search {
            exchange: Exchange::new(session),
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
            pending: None,
            done: false,
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
                let pages = limit.div_ceil(u64::from(self.exchange.session.per_page.max(1)));
                (self.body_count.max(1) as u64).saturating_mul(pages.saturating_add(1))
            }
            None => DEFAULT_MAX_REQUESTS,
        }
    }

    /// Calls `observer` with every [`Event`] and the counts so far.
    pub fn on_event(mut self, observer: impl FnMut(&Event, &Stats) + 'c) -> Self {
        self.exchange.observe(Box::new(observer));
        self
    }

    /// The counts so far.
    pub fn stats(&self) -> &Stats {
        &self.exchange.stats
    }

    fn remaining(&self) -> Option<u64> {
        self.limit
            .map(|l| l.saturating_sub(self.exchange.stats.emitted))
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
        let full = u64::from(self.exchange.session.per_page);
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
                self.exchange
                    .session
                    .redactor
                    .text(&format!("cannot encode the request: {e}")),
            )
        })?;

        self.asked += 1;
        let response = self
            .exchange
            .send(Method::Post, &self.url, &self.shown_url, &bytes)?;
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
        let stats = &mut self.exchange.stats;
        stats.pages += 1;
        stats.fetched += page.items.len() as u64;
        if first && let Some(total) = page.total_count {
            stats.total_count = Some(stats.total_count.unwrap_or(0) + total);
        }
        let redactor = self.exchange.session.redactor;

        let count = page.items.len();
        let mut fresh = Vec::with_capacity(count);
        let mut progress = false;
        for item in page.items {
            let Some(id) = Id::of(&item) else {
                self.pending = Some(SearchError::Malformed(redactor.text(&format!(
                    "a result in `{}` has no `id`",
                    self.target.list_key()
                ))));
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
                    self.exchange.stats.duplicates += 1;
                }
                Some(_) => self.exchange.stats.duplicates += 1,
            }
        }

        chain.next = None;
        if self.pending.is_none()
            && let Some(cursor) = &page.next
        {
            if !chain.cursors.insert(cursor.clone()) {
                self.pending = Some(SearchError::CursorLoop {
                    cursor: redactor.text(cursor).shortened(100),
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
        self.exchange.notify(&event);
        self.page = fresh.into_iter();
    }

    /// Reads a search response: the target's list of objects, the
    /// `total_count` and the next cursor.
    fn read_page(&self, body: &[u8]) -> Result<Page, SearchError> {
        let key = self.target.list_key();
        let redactor = self.exchange.session.redactor;
        let malformed = |why: String| SearchError::Malformed(redactor.text(&why));
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
                self.exchange.stats.emitted += 1;
                self.exchange.session.redactor.value(&mut item);
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
