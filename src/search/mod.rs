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
//! - yields each object once, by `id`, across pages and bodies;
//! - stops at [`Search::with_limit`] results, asking for no more;
//! - waits until `X-RateLimit-Reset` after a 429, retries 5xx answers,
//!   timeouts and broken connections with exponential backoff and jitter
//!   a bounded number of times, and slows down when `X-RateLimit-Remaining`
//!   runs low ([`RetryPolicy`]);
//! - fails with Intercom's `errors[].code` and `message` ([`SearchError`]),
//!   never by panicking on a malformed response, and stops at a repeated
//!   cursor instead of looping.
//!
//! The HTTP exchange is the [`Transport`] trait ([`HttpTransport`] with
//! ureq and rustls by default) and waiting is the [`Clock`] trait, so both
//! can be replaced in tests. [`Output`] writes results as JSON Lines, a
//! JSON array or ids.
//!
//! ```no_run
//! use qc::search::{Client, Format, Region, Token};
//!
//! let token = Token::new(std::env::var("INTERCOM_TOKEN")?)?;
//! let body = qc::compile("state = open", &qc::Options::default())?.json();
//! let client = Client::new(token, Region::Us.base_url());
//! let stats = client.run(qc::Target::Conversations, vec![body], None, Format::Jsonl, std::io::stdout())?;
//! eprintln!("{} conversations in {} requests", stats.emitted, stats.requests);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod base;
mod client;
mod error;
mod http;
mod output;
mod pages;
mod retry;
mod token;
mod transport;

pub use base::{BaseUrl, BaseUrlError, Region, UnknownRegion};
pub use client::{Client, RunError};
pub use error::{ApiError, ErrorEntry, SearchError};
pub use http::{DEFAULT_TIMEOUT, HttpTransport, MAX_RESPONSE_BYTES};
pub use output::{Format, Output};
pub use pages::{Event, Search, Stats, WaitReason};
pub use retry::{Clock, RateLimit, RetryPolicy, SystemClock};
pub use token::{Token, TokenError};
pub use transport::{FailureKind, INTERCOM_VERSION, Request, Response, Transport, TransportError};
