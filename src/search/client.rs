//! [`Client`]: the token, the base URL and the settings shared by searches.

use std::fmt;
use std::io::Write;

use serde_json::Value;

use super::base::BaseUrl;
use super::error::SearchError;
use super::http::HttpTransport;
use super::output::{Format, Output};
use super::pages::{Search, Stats};
use super::retry::{Clock, RetryPolicy, SystemClock};
use super::token::Token;
use super::transport::Transport;
use crate::Target;
use crate::check::{MAX_PER_PAGE, Query};
use crate::target::ApiVersion;

/// Runs searches against the Intercom API.
///
/// By default requests go over HTTPS ([`HttpTransport`]), waits use the
/// system clock, pages hold 150 results (the most the API gives) and
/// failed requests are retried as [`RetryPolicy::default`] says.
///
/// ```no_run
/// use qc::search::{Client, Region, Token};
///
/// let token = Token::new(std::env::var("INTERCOM_TOKEN")?)?;
/// let client = Client::new(token, Region::Eu.base_url());
/// let query = qc::compile("state = open", &qc::Options::default())?.query;
/// for conversation in client.search_query(qc::Target::Conversations, &query).with_limit(500) {
///     println!("{}", conversation?["id"]);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Client<T = HttpTransport, C = SystemClock> {
    pub(super) token: Token,
    pub(super) base: BaseUrl,
    pub(super) transport: T,
    pub(super) clock: C,
    pub(super) policy: RetryPolicy,
    pub(super) per_page: u32,
    pub(super) version: ApiVersion,
}

impl Client {
    /// A client for the API at `base` (see [`Region::base_url`]).
    ///
    /// [`Region::base_url`]: super::Region::base_url
    pub fn new(token: Token, base: BaseUrl) -> Self {
        Client {
            token,
            base,
            transport: HttpTransport::default(),
            clock: SystemClock,
            policy: RetryPolicy::default(),
            per_page: MAX_PER_PAGE,
            version: ApiVersion::DEFAULT,
        }
    }
}

impl<T: Transport, C: Clock> Client<T, C> {
    /// The same client sending its requests through `transport`.
    pub fn with_transport<U: Transport>(self, transport: U) -> Client<U, C> {
        Client {
            token: self.token,
            base: self.base,
            transport,
            clock: self.clock,
            policy: self.policy,
            per_page: self.per_page,
            version: self.version,
        }
    }

    /// The same client waiting with `clock`.
    pub fn with_clock<D: Clock>(self, clock: D) -> Client<T, D> {
        Client {
            token: self.token,
            base: self.base,
            transport: self.transport,
            clock,
            policy: self.policy,
            per_page: self.per_page,
            version: self.version,
        }
    }

    /// The same client retrying as `policy` says.
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The same client asking for `per_page` results a page, brought into
    /// the API's range of 1 to 150.
    pub fn with_per_page(mut self, per_page: u32) -> Self {
        self.per_page = per_page.clamp(1, MAX_PER_PAGE);
        self
    }

    /// The same client sending `Intercom-Version: version`, the version
    /// its requests were compiled for.
    pub fn with_version(mut self, version: ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// The `Intercom-Version` its requests are sent with.
    pub fn version(&self) -> ApiVersion {
        self.version
    }

    /// The base URL.
    pub fn base(&self) -> &BaseUrl {
        &self.base
    }

    /// Results a page.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// The retry policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Every result of the request `bodies` on `target`'s endpoint, each
    /// object once (by `id`), in the order received: the pages of the
    /// first body, then those of the next. Each body is a JSON object such
    /// as `{"query": ...}`; its `pagination` is replaced.
    ///
    /// Nothing is sent until the iterator is advanced.
    pub fn search<I>(&self, target: Target, bodies: I) -> Search<'_, T, C>
    where
        I: IntoIterator<Item = Value>,
    {
        Search::new(self, target, bodies.into_iter().collect())
    }

    /// Every result of one checked query (see [`Client::search`]).
    pub fn search_query(&self, target: Target, query: &Query) -> Search<'_, T, C> {
        self.search(target, [crate::emit(query)])
    }

    /// Runs a search to its end, writing every result to `out` in `format`
    /// as it arrives. The output is completed (a JSON array closed) even
    /// when the search fails part way.
    pub fn run<W: Write>(
        &self,
        target: Target,
        bodies: Vec<Value>,
        limit: Option<u64>,
        format: Format,
        out: W,
    ) -> Result<Stats, RunError> {
        let mut output = Output::new(out, format);
        let mut search = self.search(target, bodies);
        if let Some(limit) = limit {
            search = search.with_limit(limit);
        }
        let mut failure = None;
        for item in &mut search {
            match item {
                Ok(item) => output.write(&item).map_err(RunError::Write)?,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        output.finish().map_err(RunError::Write)?;
        match failure {
            Some(e) => Err(RunError::Search(e)),
            None => Ok(search.stats().clone()),
        }
    }
}

impl<T, C> fmt::Debug for Client<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("token", &self.token)
            .field("base", &self.base)
            .field("policy", &self.policy)
            .field("per_page", &self.per_page)
            .finish_non_exhaustive()
    }
}

/// Why [`Client::run`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The search failed.
    #[error(transparent)]
    Search(SearchError),
    /// The output could not be written.
    #[error("cannot write the results: {0}")]
    Write(std::io::Error),
}
