//! [`Search`]: the cursor loop over pages and request bodies, with
//! retries, pacing, de-duplication, the result limit, and the bounds that
//! make every search end: a progress check, a cap on requests and caps on
//! waiting. [`Search::run`] sends the bodies of a plan at once.

use std::collections::HashSet;
use std::iter::FusedIterator;
use std::ops::ControlFlow;

use serde_json::Value;

use super::chain::{Chain, Endpoint, Id, Taken};
use super::error::SearchError;
use super::exchange::{Event, Exchange, Session, Stats};
use super::retry::Clock;
use super::transport::Transport;
use super::workers::{self, DEFAULT_CONCURRENCY, Flow, MAX_CONCURRENCY, Merge};
use crate::Target;

/// The most requests a search sends when it has no limit and no cap of its
/// own ([`Search::with_max_requests`]): 1.5 million results in pages of
/// 150. Retries are not counted.
pub const DEFAULT_MAX_REQUESTS: u64 = 10_000;

/// The results of a search, an iterator of `Result<Value, SearchError>`
/// made by [`Client::search`](super::Client::search).
///
/// Pages are fetched as the iterator is advanced, one request at a time;
/// after an error it ends. [`Search::run`] gives the same results in the
/// same order, sending the requests of several bodies at once. The
/// results of a page all come before an error found on it (a cursor loop,
/// a page without progress). Memory holds one page (with
/// [`Search::run`], at most [`PAGES_AHEAD`](super::PAGES_AHEAD) a worker),
/// the ids given out so far, and those of each body being followed. Every
/// result has the token redacted from its strings.
///
/// A search always ends: each page must add a result the request had not
/// given before, or the second such page in a row ends it
/// ([`MAX_PAGES_WITHOUT_PROGRESS`](super::MAX_PAGES_WITHOUT_PROGRESS));
/// at most [`Search::max_requests`] requests are sent; waits are capped by
/// the [`RetryPolicy`](super::RetryPolicy).
pub struct Search<'c, T, C> {
    exchange: Exchange<'c, T, C>,
    endpoint: Endpoint,
    bodies: std::iter::Enumerate<std::vec::IntoIter<Value>>,
    body_count: usize,
    chain: Option<Chain>,
    /// The results of the current page not seen before.
    page: std::vec::IntoIter<Value>,
    /// Every id of the pages taken so far, of any body.
    seen: HashSet<Id>,
    max_requests: Option<u64>,
    concurrency: usize,
    /// Pages asked for (first attempts).
    asked: u64,
    /// An error found on the current page, reported after its results.
    pending: Option<SearchError>,
    done: bool,
}

impl<'c, T: Transport, C: Clock> Search<'c, T, C> {
    pub(super) fn new(session: Session<'c, T, C>, target: Target, bodies: Vec<Value>) -> Self {
        Search {
            endpoint: Endpoint::new(&session, target, None),
            exchange: Exchange::new(session),
            body_count: bodies.len(),
            bodies: bodies.into_iter().enumerate(),
            chain: None,
            page: Vec::new().into_iter(),
            seen: HashSet::new(),
            max_requests: None,
            concurrency: DEFAULT_CONCURRENCY,
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
        self.endpoint.limit = Some(limit);
        self
    }

    /// Lets [`Search::run`] send the requests of up to `n` bodies at once
    /// (brought into 1 to [`MAX_CONCURRENCY`]; [`DEFAULT_CONCURRENCY`]
    /// unless told). The results and their order are the same as one at
    /// a time. Iterating sends one at a time whatever this says.
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.clamp(1, MAX_CONCURRENCY);
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
        match self.endpoint.limit {
            Some(limit) => {
                let pages = limit.div_ceil(self.endpoint.per_page.max(1));
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
        self.endpoint
            .limit
            .map(|l| l.saturating_sub(self.exchange.stats.emitted))
    }

    /// Fetches the next page into `self.page`; `Ok(false)` when there is
    /// none.
    fn advance(&mut self) -> Result<bool, SearchError> {
        if !self
            .chain
            .as_ref()
            .is_some_and(|c| c.wants_more(self.endpoint.limit))
        {
            let Some((index, body)) = self.bodies.next() else {
                return Ok(false);
            };
            self.chain = Some(Chain::new(index, body)?);
        }
        let max = self.max_requests();
        if self.asked >= max {
            return Err(SearchError::TooManyRequests { max });
        }
        let Some(chain) = self.chain.as_mut() else {
            return Ok(false);
        };
        self.asked += 1;
        let taken = self.endpoint.fetch(&mut self.exchange, chain)?;
        self.count(&taken);
        let event = page_event(&taken);
        self.page = self.fresh(taken.fresh, taken.repeated).into_iter();
        self.pending = taken.pending;
        self.exchange.notify(&event);
        Ok(true)
    }

    /// Counts a page received.
    fn count(&mut self, taken: &Taken) {
        let stats = &mut self.exchange.stats;
        stats.pages += 1;
        stats.fetched += taken.count as u64;
        if taken.first
            && let Some(total) = taken.total_count
        {
            stats.total_count = Some(stats.total_count.unwrap_or(0) + total);
        }
    }

    /// The results of a page that no earlier page gave, of any body; the
    /// others, and the `repeated` ones its body had given, are counted as
    /// duplicates.
    fn fresh(&mut self, fresh: Vec<(Id, Value)>, repeated: usize) -> Vec<Value> {
        let mut out = Vec::with_capacity(fresh.len());
        let mut duplicates = repeated as u64;
        for (id, item) in fresh {
            if self.seen.insert(id) {
                out.push(item);
            } else {
                duplicates += 1;
            }
        }
        self.exchange.stats.duplicates += duplicates;
        out
    }

    /// The next result given out, redacted; `None` at the limit.
    fn give_out(&mut self) -> Option<Value> {
        if self.remaining() == Some(0) {
            return None;
        }
        let mut item = self.page.next()?;
        self.exchange.stats.emitted += 1;
        self.exchange.session.redactor.value(&mut item);
        Some(item)
    }
}

impl<T: Transport + Sync, C: Clock + Sync> Search<'_, T, C> {
    /// Runs the search to its end, handing each result to `each` until it
    /// returns [`ControlFlow::Break`]: the same results in the same order
    /// as iterating (the pages of the first body, then of the next, each
    /// object once), with the requests of up to
    /// [`Search::with_concurrency`] bodies sent at once, each body
    /// following its own cursor on a thread of its own.
    ///
    /// The bodies share one rate-limit state: a 429 holds back every
    /// request until the time it asks for, and when few requests remain
    /// they are spread out one after another, whoever sends them; a pause
    /// that several sit out counts once against
    /// [`RetryPolicy::max_total_wait`](super::RetryPolicy::max_total_wait).
    /// Results are handed over as soon as every body before theirs has
    /// given its own: a body ahead of the one being handed over waits
    /// after [`PAGES_AHEAD`](super::PAGES_AHEAD) pages, so memory holds
    /// at most that many pages a worker. When a body fails, the others
    /// stop at once (a request already sent ends within its timeout); the
    /// results received that come before the first body not complete are
    /// handed over, then the error. [`Search::on_event`] hears every
    /// worker's requests and waits, on the caller's thread.
    ///
    /// A search already iterated goes on one request at a time.
    pub fn run(
        &mut self,
        mut each: impl FnMut(Value) -> ControlFlow<()>,
    ) -> Result<(), SearchError> {
        let started = self.done || self.asked > 0 || self.chain.is_some();
        let workers = self.concurrency.min(self.body_count);
        if !started && workers > 1 {
            let bodies: Vec<Value> = self.bodies.by_ref().map(|(_, body)| body).collect();
            let session = self.exchange.session;
            let gate = std::sync::Arc::clone(self.exchange.gate());
            let endpoint = self.endpoint.clone();
            let (asked, max) = (self.asked, self.max_requests());
            let mut merge = Merging {
                search: &mut *self,
                each: &mut each,
            };
            let ran = workers::run(
                session, &gate, &endpoint, &bodies, workers, asked, max, &mut merge,
            );
            match ran {
                Some(result) => {
                    self.done = true;
                    return result;
                }
                // No thread could start: one at a time.
                None => self.bodies = bodies.into_iter().enumerate(),
            }
        }
        for item in self.by_ref() {
            if each(item?).is_break() {
                break;
            }
        }
        Ok(())
    }
}

/// The event of a page received.
fn page_event(taken: &Taken) -> Event {
    Event::Page {
        items: taken.count,
        total_count: taken.total_count,
        more: taken.more,
    }
}

/// A search taking the reports of its workers, and the caller's hand.
struct Merging<'s, 'c, T, C, F> {
    search: &'s mut Search<'c, T, C>,
    each: &'s mut F,
}

impl<T: Transport, C: Clock, F: FnMut(Value) -> ControlFlow<()>> Merge
    for Merging<'_, '_, T, C, F>
{
    fn event(&mut self, event: &Event) {
        self.search.exchange.notify(event);
    }

    fn arrived(&mut self, taken: &Taken) {
        self.search.count(taken);
        self.search.exchange.notify(&page_event(taken));
    }

    fn merge(&mut self, taken: Taken) -> Flow {
        let search = &mut *self.search;
        search.page = search.fresh(taken.fresh, taken.repeated).into_iter();
        while let Some(item) = search.give_out() {
            if (self.each)(item).is_break() {
                return Flow::Stop;
            }
        }
        if search.remaining() == Some(0) {
            return Flow::Stop;
        }
        match taken.pending {
            Some(e) => Flow::Failed(e),
            None => Flow::Continue,
        }
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
            if let Some(item) = self.give_out() {
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
