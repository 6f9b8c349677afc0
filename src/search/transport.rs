//! The HTTP exchange behind a search, as a trait: [`HttpTransport`] sends
//! it over the network, tests can answer it themselves.
//!
//! [`HttpTransport`]: super::HttpTransport

use super::token::Token;

/// The `Intercom-Version` header sent unless the client is given another
/// version ([`super::Client::with_version`]).
pub const INTERCOM_VERSION: &str = crate::target::ApiVersion::DEFAULT.name();

/// One `POST` of a search request body.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The full URL, e.g. `https://api.intercom.io/conversations/search`.
    pub url: &'a str,
    /// The access token for the `Authorization` header.
    pub token: &'a Token,
    /// The JSON body.
    pub body: &'a [u8],
    /// The API version the body was compiled for: the `Intercom-Version`
    /// header.
    pub version: crate::target::ApiVersion,
}

impl Request<'_> {
    /// Every header to send: `Authorization: Bearer <token>`,
    /// `Intercom-Version`, `Accept` and `Content-Type`.
    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            ("Authorization", format!("Bearer {}", self.token.secret())),
            ("Intercom-Version", self.version.name().to_owned()),
            ("Accept", "application/json".to_owned()),
            ("Content-Type", "application/json".to_owned()),
        ]
    }
}

/// A response, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    /// The HTTP status, e.g. 200 or 429.
    pub status: u16,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// What kind of failure a [`TransportError`] is, which decides whether
/// the request is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// No complete response in time: tried again.
    Timeout,
    /// The connection failed, was reset or closed before the response was
    /// complete: tried again.
    Connection,
    /// Anything else (a host that does not resolve, a TLS failure, a body
    /// over the size limit): not tried again.
    Other,
}

impl FailureKind {
    /// True when a later attempt may succeed.
    pub fn is_transient(self) -> bool {
        matches!(self, FailureKind::Timeout | FailureKind::Connection)
    }
}

/// A request that got no complete response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    /// The kind of failure.
    pub kind: FailureKind,
    /// What happened, for people; it never holds the token.
    pub message: String,
}

impl TransportError {
    /// A failure of `kind`.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

/// Sends search requests. Implemented by [`HttpTransport`] and by test
/// doubles.
///
/// [`HttpTransport`]: super::HttpTransport
pub trait Transport {
    /// Sends `request` with [`Request::headers`] and returns the response,
    /// whatever its status; `Err` only when there is no complete response.
    fn post(&self, request: &Request<'_>) -> Result<Response, TransportError>;
}

impl<T: Transport + ?Sized> Transport for &T {
    fn post(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        (**self).post(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn post(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        (**self).post(request)
    }
}
