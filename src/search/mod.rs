//! Running queries against Intercom: every page of every request, as one
//! stream of results (feature `search`, behind `qc search`).
//!
//! A [`Client`] holds the access token ([`Token`], never shown), the base
//! URL ([`Region`] or any [`BaseUrl`]) and the settings; its
//! [`Client::search`] takes the target endpoint and one or more request
//! bodies and returns a [`Search`]: an iterator of the results that
//!
//! - POSTs each body to `{base}{target.search_path()}` with
//!   `pagination.per_page` (150 by default) and the previous page's
//!   `pages.next.starting_after`, until `pages.next` is null or absent;
//! - yields each object once, by `id` as the API types it (`"7"` and `7`
//!   differ), across pages and bodies;
//! - stops at [`Search::with_limit`] results, asking for no more;
//! - waits as `Retry-After` or `X-RateLimit-Reset` says after a 429,
//!   retries 5xx answers, timeouts and broken connections with exponential
//!   backoff and jitter a bounded number of times, and slows down when
//!   `X-RateLimit-Remaining` runs low ([`RetryPolicy`]);
//! - always ends: a request cap ([`Search::max_requests`]), a progress
//!   check (two pages in a row without a new result stop it), a repeated
//!   cursor stops it, and waits have a single and a total cap;
//! - with [`Search::run`], sends the requests of up to
//!   [`Search::with_concurrency`] bodies at once (a plan's several), each
//!   following its own cursor, with one rate-limit state for all, and
//!   gives out the same results in the same order as one at a time;
//! - fails with Intercom's `errors[].code` and `message` ([`SearchError`]),
//!   never by panicking on a malformed response.
//!
//! No text from the server is returned without passing through the
//! client's [`Redactor`], which removes the token in every encoding it may
//! come back in; errors and events hold such text as [`ServerText`].
//!
//! The HTTP exchange is the [`Transport`] trait ([`HttpTransport`] with
//! ureq and rustls by default) and waiting is the [`Clock`] trait, so both
//! can be replaced in tests. The library prints nothing: results, counts
//! ([`Stats`]) and [`Event`]s are for the caller to show.
//!
//! [`Client::pull_schema`] fetches the workspace's data attributes and
//! ticket types (`GET /data_attributes`, `GET /ticket_types`) through the
//! same requests, retries and redaction, into the document that
//! `--schema` reads ([`Pull`]).
//!
//! [`requests`] turns query text into the bodies to send, through the
//! compiler: one request, or a plan's several.
//!
//! Modules depend one way, each only on those before it: `token`, `base`
//! → `transport`, `redact` → `retry` → `error`, `gate` → `http`,
//! `exchange` → `chain` → `workers` → `pages`, `pull` → `client`;
//! `requests` stands alone.
//!
//! ```no_run
//! use qc::search::{Client, Region, Token};
//!
//! let token = Token::new(std::env::var("INTERCOM_TOKEN")?)?;
//! let body = qc::compile("state = open", &qc::Options::default())?.json();
//! let client = Client::new(token, Region::Us.base_url());
//! let mut search = client.search(qc::Target::Conversations, [body]).with_limit(1000);
//! for conversation in &mut search {
//!     println!("{}", conversation?["id"]);
//! }
//! eprintln!("{} requests", search.stats().requests);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod base;
mod chain;
mod client;
mod error;
mod exchange;
mod gate;
mod http;
mod pages;
mod pull;
mod redact;
mod requests;
mod retry;
mod token;
mod transport;
mod workers;

pub use base::{BaseUrl, BaseUrlError, Region, UnknownRegion};
pub use chain::MAX_PAGES_WITHOUT_PROGRESS;
pub use client::Client;
pub use error::{ApiError, ErrorEntry, HumanDuration, SearchError};
pub use exchange::{Event, Stats, WaitReason};
pub use http::{DEFAULT_TIMEOUT, HttpTransport, InsecureProxy, MAX_RESPONSE_BYTES, Route};
pub use pages::{DEFAULT_MAX_REQUESTS, Search};
pub use pull::{MAX_LIST_PAGES, Pull, PullError};
pub use redact::{MAX_DECODING_LEVELS, REDACTED, Redactor, ServerText};
pub use requests::{Requests, diagnose, fixed, requests};
pub use retry::{Clock, RateLimit, RetryAfter, RetryPolicy, SystemClock, WaitSource};
pub use token::{Token, TokenError};
pub use transport::{
    FailureKind, INTERCOM_VERSION, Method, Request, Response, Transport, TransportError,
};
pub use workers::{DEFAULT_CONCURRENCY, MAX_CONCURRENCY, PAGES_AHEAD};
