//! [`HttpTransport`]: requests over the network with ureq and rustls.

use std::io;
use std::time::Duration;

use super::transport::{FailureKind, Request, Response, Transport, TransportError};

/// How long one request may take by default, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest response body read: 64 MiB (a page of 150 conversations
/// is well under a megabyte).
pub const MAX_RESPONSE_BYTES: u64 = 64 << 20;

/// Sends requests with a [`ureq`] agent: HTTPS through rustls with the
/// webpki roots, connections kept alive between pages, proxies from the
/// usual environment variables, no redirects (a redirect would be an
/// error of the base URL, and must not carry the token elsewhere).
#[derive(Debug, Clone)]
pub struct HttpTransport {
    agent: ureq::Agent,
}

impl HttpTransport {
    /// A transport whose requests each time out after `timeout`, response
    /// body included.
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .user_agent(concat!("qc/", env!("CARGO_PKG_VERSION")))
            .build();
        HttpTransport {
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

impl Default for HttpTransport {
    fn default() -> Self {
        HttpTransport::new(DEFAULT_TIMEOUT)
    }
}

impl Transport for HttpTransport {
    fn post(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        let mut builder = self.agent.post(request.url);
        for (name, value) in request.headers() {
            builder = builder.header(name, value);
        }
        let mut response = builder.send(request.body).map_err(failure)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(failure)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// A ureq error as a transport failure, classified for retrying.
fn failure(error: ureq::Error) -> TransportError {
    use FailureKind::{Connection, Other, Timeout};
    match error {
        ureq::Error::Timeout(_) => TransportError::new(Timeout, "the request timed out"),
        ureq::Error::Io(e) => {
            let kind = match e.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Timeout,
                io::ErrorKind::ConnectionRefused
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::NotConnected
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
                | io::ErrorKind::Interrupted => Connection,
                _ => Other,
            };
            TransportError::new(kind, describe_io(&e))
        }
        ureq::Error::ConnectionFailed => TransportError::new(Connection, "the connection failed"),
        ureq::Error::Protocol(e) => {
            TransportError::new(Connection, format!("the response was not valid HTTP: {e}"))
        }
        ureq::Error::HostNotFound => TransportError::new(Other, "the host was not found"),
        ureq::Error::BodyExceedsLimit(limit) => TransportError::new(
            Other,
            format!("the response is larger than the limit of {limit} bytes"),
        ),
        ureq::Error::BadUri(_) => TransportError::new(Other, "the URL is not valid"),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => TransportError::new(
            Other,
            "the server answered with a redirect; check the base URL",
        ),
        other => TransportError::new(Other, other.to_string()),
    }
}

fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "the connection was refused".to_owned(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            "the connection was reset".to_owned()
        }
        io::ErrorKind::UnexpectedEof => {
            "the connection closed before the response was complete".to_owned()
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "the request timed out".to_owned(),
        _ => format!("network error: {e}"),
    }
}
