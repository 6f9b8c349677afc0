//! The request bodies of a search run at once: at most N workers on
//! scoped threads, each following the cursors of one body at a time, and
//! the caller's thread giving out their results in the order of the
//! bodies, then of the pages ([`run`]).
//!
//! **Bounds.** There are at most N workers (at most [`MAX_CONCURRENCY`]).
//! A worker may be [`PAGES_AHEAD`] pages ahead of what has been given out:
//! before asking for a page it takes a credit, which comes back when the
//! caller gives that page out; a worker with none waits. The first body
//! not yet given out in full is always being fetched by a worker whose
//! earlier pages are all given out, so that worker never waits for a
//! credit, and the pages held back stay under N × [`PAGES_AHEAD`]. The
//! reports go through a bounded channel, so a slow reader holds the
//! workers back. Every wait ends when the search stops.
//!
//! **Stopping.** The caller stops the workers (the limit is reached, the
//! caller has enough, or one body failed): no worker starts a request or
//! goes on waiting after that ([`Halting`], [`HaltingClock`]); a request
//! already sent ends within its timeout. A failure of any body stops the
//! search at once: the pages already received that come in order before
//! the first body not complete are given out, then the error.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::chain::{Chain, Endpoint, Taken};
use super::error::SearchError;
use super::exchange::{Event, Exchange, Session};
use super::gate::Gate;
use super::retry::Clock;
use super::transport::{FailureKind, Request, Response, Transport, TransportError};

/// How many request bodies a search sends at once unless told otherwise
/// ([`Search::with_concurrency`](super::Search::with_concurrency); `qc
/// search --concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The most request bodies a search sends at once.
pub const MAX_CONCURRENCY: usize = 16;

/// How many pages a worker may have fetched that are not given out yet.
pub const PAGES_AHEAD: usize = 4;

/// How often a stopped search's waits look at the stop.
const STOP_POLL: Duration = Duration::from_millis(20);

/// What the caller's side of a run does with what the workers report.
pub(super) trait Merge {
    /// A request or a wait of a worker, as it happens.
    fn event(&mut self, event: &Event);
    /// A page, as it arrives (to count and tell); it is given out later.
    fn arrived(&mut self, taken: &Taken);
    /// Gives out a page's results, in order.
    fn merge(&mut self, taken: Taken) -> Flow;
}

/// What follows a page given out.
pub(super) enum Flow {
    /// The next page.
    Continue,
    /// The search is over: the limit is reached, or the caller has enough.
    Stop,
    /// The error found on the page, after its results.
    Failed(SearchError),
}

/// What a worker reports.
enum Report {
    Event(Event),
    Page {
        worker: usize,
        index: usize,
        taken: Taken,
    },
    /// Body `index` has no more pages.
    Done(usize),
    Failed(SearchError),
}

/// What the workers share.
struct Shared<'a> {
    bodies: &'a [Value],
    endpoint: &'a Endpoint,
    /// The next body to start.
    next: AtomicUsize,
    /// Pages asked for, by every worker.
    asked: AtomicU64,
    max_requests: u64,
    stop: AtomicBool,
    /// Pages each worker has fetched that are not given out yet.
    ahead: Mutex<Vec<usize>>,
    given_out: Condvar,
}

impl Shared<'_> {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn ahead(&self) -> MutexGuard<'_, Vec<usize>> {
        self.ahead.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stops every worker.
    fn halt(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ahead = self.ahead();
        self.given_out.notify_all();
    }

    /// Takes a credit for one more page of `worker`, waiting while it is
    /// [`PAGES_AHEAD`] pages ahead; false once the search stops.
    fn take_credit(&self, worker: usize) -> bool {
        let mut ahead = self.ahead();
        loop {
            if self.stopped() {
                return false;
            }
            match ahead.get_mut(worker) {
                Some(n) if *n >= PAGES_AHEAD => {}
                Some(n) => {
                    *n += 1;
                    return true;
                }
                None => return false,
            }
            ahead = self
                .given_out
                .wait_timeout(ahead, STOP_POLL)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// A page of `worker` was given out.
    fn return_credit(&self, worker: usize) {
        if let Some(n) = self.ahead().get_mut(worker) {
            *n = n.saturating_sub(1);
        }
        self.given_out.notify_all();
    }

    /// Counts one more page asked for, unless the cap is reached.
    fn reserve_request(&self) -> Result<(), SearchError> {
        let max = self.max_requests;
        self.asked
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .map(|_| ())
            .map_err(|_| SearchError::TooManyRequests { max })
    }
}

/// Runs `bodies` on at most `workers` threads, giving their results to
/// `merge` in order; `None` when no thread could be started (nothing was
/// sent).
#[allow(clippy::too_many_arguments)]
pub(super) fn run<T: Transport + Sync, C: Clock + Sync>(
    session: Session<'_, T, C>,
    gate: &Arc<Gate>,
    endpoint: &Endpoint,
    bodies: &[Value],
    workers: usize,
    asked: u64,
    max_requests: u64,
    merge: &mut dyn Merge,
) -> Option<Result<(), SearchError>> {
    let shared = Shared {
        bodies,
        endpoint,
        next: AtomicUsize::new(0),
        asked: AtomicU64::new(asked),
        max_requests,
        stop: AtomicBool::new(false),
        ahead: Mutex::new(vec![0; workers]),
        given_out: Condvar::new(),
    };
    // Room for every page the workers may be ahead, and a few events each.
    let (tx, rx) = sync_channel(workers * (PAGES_AHEAD + 4));
    thread::scope(|scope| {
        let mut started = 0;
        for worker in 0..workers {
            let tx = tx.clone();
            let gate = Arc::clone(gate);
            let shared = &shared;
            let spawned = thread::Builder::new()
                .name(format!("qc-search-{worker}"))
                .spawn_scoped(scope, move || work(worker, shared, session, gate, tx));
            started += usize::from(spawned.is_ok());
        }
        drop(tx);
        if started == 0 {
            return None;
        }
        let result = give_out(&shared, rx, merge);
        // The receiver is gone: a worker blocked on the channel goes too.
        shared.halt();
        Some(result)
    })
}

/// The caller's side: reports in, results out in order, until the last
/// body is given out in full, the search stops, or a body fails.
fn give_out(
    shared: &Shared<'_>,
    rx: Receiver<Report>,
    merge: &mut dyn Merge,
) -> Result<(), SearchError> {
    let count = shared.bodies.len();
    let mut held: Vec<VecDeque<(usize, Taken)>> = (0..count).map(|_| VecDeque::new()).collect();
    let mut done = vec![false; count];
    let mut current = 0;
    let mut failure = None;
    loop {
        while let Some(pages) = held.get_mut(current) {
            if let Some((worker, taken)) = pages.pop_front() {
                shared.return_credit(worker);
                match merge.merge(taken) {
                    Flow::Continue => {}
                    Flow::Stop => return Ok(()),
                    Flow::Failed(e) => return Err(e),
                }
            } else if done.get(current).copied().unwrap_or(true) {
                current += 1;
            } else {
                break;
            }
        }
        if current >= count {
            return Ok(());
        }
        if let Some(e) = failure {
            return Err(e);
        }
        match rx.recv() {
            Ok(Report::Event(event)) => merge.event(&event),
            Ok(Report::Page {
                worker,
                index,
                taken,
            }) => {
                merge.arrived(&taken);
                if let Some(e) = &taken.pending {
                    shared.halt();
                    failure = Some(e.clone());
                }
                if let Some(pages) = held.get_mut(index) {
                    pages.push_back((worker, taken));
                }
            }
            Ok(Report::Done(index)) => {
                if let Some(done) = done.get_mut(index) {
                    *done = true;
                }
            }
            Ok(Report::Failed(e)) => {
                shared.halt();
                failure = Some(e);
            }
            // Every body ends with a report unless the search stopped, so
            // only a worker that panicked leaves the channel early (the
            // scope passes the panic on).
            Err(_) => return Ok(()),
        }
    }
}

/// A worker: the next body not started, page by page, until none is
/// left or the search stops.
fn work<T: Transport, C: Clock>(
    worker: usize,
    shared: &Shared<'_>,
    session: Session<'_, T, C>,
    gate: Arc<Gate>,
    tx: SyncSender<Report>,
) {
    let stop = &shared.stop;
    let transport = Halting {
        inner: session.transport,
        stop,
    };
    let clock = HaltingClock {
        inner: session.clock,
        stop,
    };
    let mut exchange = Exchange::sharing(session.with(&transport, &clock), gate);
    let events = tx.clone();
    exchange.observe(Box::new(move |event, _| {
        let _ = events.send(Report::Event(event.clone()));
    }));
    while !shared.stopped() {
        let index = shared.next.fetch_add(1, Ordering::SeqCst);
        let Some(body) = shared.bodies.get(index) else {
            return;
        };
        let report = match follow(worker, index, body, shared, &mut exchange, &tx) {
            Ended::Done => Report::Done(index),
            Ended::Failed(e) if !shared.stopped() => Report::Failed(e),
            Ended::Failed(_) | Ended::Over => return,
        };
        let failed = matches!(report, Report::Failed(_));
        if tx.send(report).is_err() || failed {
            return;
        }
    }
}

/// How a worker's body ended.
enum Ended {
    /// No more pages.
    Done,
    /// It failed.
    Failed(SearchError),
    /// The search stopped, or an error found on a page went with it.
    Over,
}

/// Follows body `index` to its last page.
fn follow<T: Transport, C: Clock>(
    worker: usize,
    index: usize,
    body: &Value,
    shared: &Shared<'_>,
    exchange: &mut Exchange<'_, T, C>,
    tx: &SyncSender<Report>,
) -> Ended {
    let mut chain = match Chain::new(index, body.clone()) {
        Ok(chain) => chain,
        Err(e) => return Ended::Failed(e),
    };
    while chain.wants_more(shared.endpoint.limit) {
        if !shared.take_credit(worker) {
            return Ended::Over;
        }
        let fetched = shared
            .reserve_request()
            .and_then(|()| shared.endpoint.fetch(exchange, &mut chain));
        let taken = match fetched {
            Ok(taken) => taken,
            Err(e) => return Ended::Failed(e),
        };
        let failed = taken.pending.is_some();
        let page = Report::Page {
            worker,
            index,
            taken,
        };
        if tx.send(page).is_err() || failed {
            return Ended::Over;
        }
    }
    Ended::Done
}

/// A worker's transport: sends nothing once the search has stopped.
struct Halting<'a, T> {
    inner: &'a T,
    stop: &'a AtomicBool,
}

impl<T: Transport> Transport for Halting<'_, T> {
    fn send(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        if self.stop.load(Ordering::SeqCst) {
            // Never shown: the search is over.
            return Err(TransportError::new(
                FailureKind::Other,
                "the search stopped",
            ));
        }
        self.inner.send(request)
    }
}

/// A worker's clock: a wait ends early once the search has stopped.
struct HaltingClock<'a, C> {
    inner: &'a C,
    stop: &'a AtomicBool,
}

impl<C: Clock> Clock for HaltingClock<'_, C> {
    fn now(&self) -> SystemTime {
        self.inner.now()
    }

    fn sleep(&self, duration: Duration) {
        let mut left = duration;
        while !left.is_zero() && !self.stop.load(Ordering::SeqCst) {
            let step = left.min(STOP_POLL);
            self.inner.sleep(step);
            left -= step;
        }
    }

    fn random(&self) -> f64 {
        self.inner.random()
    }
}
