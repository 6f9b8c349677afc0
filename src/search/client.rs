//! [`Client`]: the token, the base URL and the settings shared by searches.

use std::fmt;

use serde_json::Value;

use super::base::BaseUrl;
use super::http::HttpTransport;
use super::pages::{Search, Session};
use super::redact::Redactor;
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
    token: Token,
    redactor: Redactor,
    base: BaseUrl,
    transport: T,
    clock: C,
    policy: RetryPolicy,
    per_page: u32,
    version: ApiVersion,
}

impl Client {
    /// A client for the API at `base` (see [`Region::base_url`]).
    ///
    /// [`Region::base_url`]: super::Region::base_url
    pub fn new(token: Token, base: BaseUrl) -> Self {
        Client {
            redactor: Redactor::new(&token),
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
            redactor: self.redactor,
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
            redactor: self.redactor,
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

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Results a page.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// The retry policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The redactor of this client's token, for any other text from the
    /// server that is to be shown.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
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
        let session = Session {
            token: &self.token,
            redactor: &self.redactor,
            base: &self.base,
            transport: &self.transport,
            clock: &self.clock,
            policy: &self.policy,
            per_page: self.per_page,
            version: self.version,
        };
        Search::new(session, target, bodies.into_iter().collect())
    }

    /// Every result of one checked query (see [`Client::search`]).
    pub fn search_query(&self, target: Target, query: &Query) -> Search<'_, T, C> {
        self.search(target, [crate::emit(query)])
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
