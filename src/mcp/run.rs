//! One `search` call against the API: every bound of the search client
//! (retries, waits, a cap on requests), a limit on results, and two more
//! that a server needs: a cancelled request (`notifications/cancelled`)
//! sends no further page and stops waiting, and a whole search gets at
//! most [`Connection::max_time`].

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value};

use super::project::Projection;
use crate::search::{
    BaseUrl, Client, Clock, FailureKind, Request, Requests, Response, RetryPolicy, SearchError,
    Token, Transport, TransportError,
};
use crate::target::{ApiVersion, Target};

/// How long a stopped search's waits sleep between looks at the stop.
const STOP_POLL: Duration = Duration::from_millis(20);

/// How the `search` tool reaches Intercom: the same settings as `qc
/// search` takes from its flags.
pub struct Connection {
    /// The access token, or why there is none: `search` answers with that
    /// reason as a tool error, and the server keeps running.
    pub token: Result<Token, String>,
    /// Where requests go.
    pub base: BaseUrl,
    /// How requests are sent ([`crate::search::HttpTransport`]).
    pub transport: Arc<dyn Transport + Send + Sync>,
    /// Retries and the bounds of waiting.
    pub policy: RetryPolicy,
    /// Results a page.
    pub per_page: u32,
    /// The most requests one search sends; by default enough pages for
    /// the limit from each request body, and one more.
    pub max_requests: Option<u64>,
    /// The longest one search may take, waits included.
    pub max_time: Duration,
    /// How many requests of a plan are sent at once
    /// ([`Search::with_concurrency`](crate::search::Search::with_concurrency)).
    pub concurrency: usize,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("token", &self.token)
            .field("base", &self.base)
            .field("policy", &self.policy)
            .field("per_page", &self.per_page)
            .field("max_requests", &self.max_requests)
            .field("max_time", &self.max_time)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// Why a search stops before its end: its request was cancelled, or its
/// time is up.
pub struct Stop {
    cancelled: Box<dyn Fn() -> bool + Send + Sync>,
    deadline: Instant,
    max_time: Duration,
}

impl Stop {
    /// A stop for a search that `cancelled` says is cancelled and that may
    /// take `max_time`, from now.
    pub fn new(cancelled: impl Fn() -> bool + Send + Sync + 'static, max_time: Duration) -> Stop {
        Stop {
            cancelled: Box::new(cancelled),
            deadline: Instant::now() + max_time,
            max_time,
        }
    }

    /// Why the search is to stop, if it is.
    fn reason(&self) -> Option<String> {
        if (self.cancelled)() {
            Some("the request was cancelled".to_owned())
        } else if Instant::now() >= self.deadline {
            Some(format!(
                "the search took longer than the {} it may take (`qc mcp --max-time`); ask for fewer results",
                crate::search::HumanDuration(self.max_time)
            ))
        } else {
            None
        }
    }
}

/// The transport of a search, refusing to send once it is stopped.
struct Guarded<'a> {
    inner: &'a (dyn Transport + Send + Sync),
    stop: &'a Stop,
}

impl Transport for Guarded<'_> {
    fn send(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        match self.stop.reason() {
            Some(why) => Err(TransportError::new(FailureKind::Other, why)),
            None => self.inner.send(request),
        }
    }
}

/// The system's clock, whose waits end early when the search is stopped
/// (the next request is then refused).
struct StopClock<'a>(&'a Stop);

impl Clock for StopClock<'_> {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) {
        let end = Instant::now() + duration;
        while self.0.reason().is_none() {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            std::thread::sleep(left.min(STOP_POLL));
        }
    }
}

/// What a search fetched.
#[derive(Debug)]
pub struct Fetched {
    /// The results, projected.
    pub results: Vec<Map<String, Value>>,
    /// True when more results came than the limit.
    pub truncated: bool,
    /// How many objects match, when known.
    pub total_count: Option<u64>,
    /// HTTP requests sent.
    pub requests_sent: u64,
}

/// Runs `requests` on `target` for at most `limit` results (one more is
/// asked for, to know whether the list is cut); an error's message names
/// the bound reached and what to do, and never holds the token.
pub fn fetch(
    connection: &Connection,
    version: ApiVersion,
    target: Target,
    requests: &Requests,
    limit: u64,
    stop: &Stop,
) -> Result<Fetched, String> {
    let token = connection.token.clone()?;
    let client = Client::new(token, connection.base.clone())
        .with_transport(Guarded {
            inner: connection.transport.as_ref(),
            stop,
        })
        .with_clock(StopClock(stop))
        .with_policy(connection.policy.clone())
        .with_per_page(connection.per_page)
        .with_version(version);
    let projection = Projection::new(target, &requests.queries);
    let bodies = requests.bodies();
    let several = bodies.len() > 1;
    let mut search = client
        .search(target, bodies)
        .with_concurrency(connection.concurrency)
        .with_limit(limit.saturating_add(1));
    if let Some(max) = connection.max_requests {
        search = search.with_max_requests(max);
    }
    let mut results = Vec::new();
    let mut truncated = false;
    let outcome = search.run(|object| {
        if results.len() as u64 >= limit {
            truncated = true;
            return ControlFlow::Break(());
        }
        results.push(projection.apply(&object));
        ControlFlow::Continue(())
    });
    if let Err(e) = outcome {
        return Err(match stop.reason() {
            Some(why) => why,
            None => failure(&e),
        });
    }
    let stats = search.stats();
    let total_count = match (several, truncated) {
        (false, _) => stats.total_count,
        (true, false) => Some(results.len() as u64),
        (true, true) => None,
    };
    Ok(Fetched {
        results,
        truncated,
        total_count,
        requests_sent: stats.requests,
    })
}

/// A failed search for an assistant: what happened, and what to do.
fn failure(e: &SearchError) -> String {
    match help(e) {
        Some(help) => format!("{e}\nhelp: {help}"),
        None => e.to_string(),
    }
}

/// What to do about a failure, by kind.
fn help(e: &SearchError) -> Option<&'static str> {
    Some(match e {
        SearchError::Api(api) if api.status == 401 || api.status == 403 => {
            "Intercom refused the access token: check the token `qc mcp` was started with (INTERCOM_TOKEN or --token-file)"
        }
        SearchError::Api(api) if api.status == 429 => {
            "the rate limit is spent for now: try again in a minute"
        }
        SearchError::TooManyRequests { .. } => {
            "ask for fewer results (`limit`), or start `qc mcp` with a higher --max-requests"
        }
        SearchError::WaitTooLong { .. } => {
            "Intercom asks to wait longer than `qc mcp --max-wait` allows: try again later"
        }
        SearchError::WaitBudget { .. } => {
            "the rate limit is spent for now: try again later, or start `qc mcp` with a higher --max-total-wait"
        }
        SearchError::Transport { .. } => {
            "Intercom could not be reached: check the network, and `qc mcp --region` or --base-url"
        }
        _ => return None,
    })
}
