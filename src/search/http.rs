//! [`HttpTransport`]: requests over the network with ureq and rustls.

use std::io;
use std::time::Duration;

use super::base::BaseUrl;
use super::error::HumanDuration;
use super::transport::{FailureKind, Request, Response, Transport, TransportError};

/// How long one request may take by default, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest response body read: 64 MiB (a page of 150 conversations
/// is well under a megabyte).
pub const MAX_RESPONSE_BYTES: u64 = 64 << 20;

/// Sends requests with a [`ureq`] agent: HTTPS through rustls with the
/// webpki roots, connections kept alive between pages, no redirects (a
/// redirect would be an error of the base URL, and must not carry the
/// token elsewhere).
///
/// **Proxies** come from the usual environment variables (`ALL_PROXY`,
/// `HTTPS_PROXY`, `HTTP_PROXY`, and `NO_PROXY`), with two rules that keep
/// the token from a proxy's view ([`HttpTransport::route`]): a loopback
/// URL never goes through a proxy, and a plain-`http` URL that would is
/// refused unless [`HttpTransport::allow_insecure_proxy`] says otherwise.
///
/// **Timeouts.** A request, response body included, must finish within
/// the timeout; connecting (DNS, TCP and the TLS handshake) within 90% of
/// it. A connection that cannot be made in time is not retried: a port
/// that accepts the connection but never answers the TLS handshake (an
/// `https` URL on a plain-http port) fails within one timeout.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    direct: ureq::Agent,
    /// The agent using the environment's proxy, and that proxy.
    proxied: Option<(ureq::Agent, ureq::Proxy)>,
    allow_insecure_proxy: bool,
    connect_timeout: Duration,
}

/// How requests to a URL travel ([`HttpTransport::route`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Straight to the host.
    Direct,
    /// Through the environment's proxy, named by host and port.
    Proxy(String),
}

/// A plain-`http` URL whose requests would go through a proxy, which would
/// see the token: refused unless allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to send the access token in clear text through the proxy {proxy} (set in the environment) to the plain-http {url}; use https, or exclude the host with NO_PROXY"
)]
pub struct InsecureProxy {
    /// The proxy, `host:port`.
    pub proxy: String,
    /// The URL, without user information.
    pub url: String,
}

impl HttpTransport {
    /// A transport whose requests each time out after `timeout`, response
    /// body included, using the proxy of the environment if there is one.
    pub fn new(timeout: Duration) -> Self {
        let connect_timeout = timeout.mul_f64(0.9);
        let agent = |proxy: Option<ureq::Proxy>| {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(timeout))
                .timeout_connect(Some(connect_timeout))
                .proxy(proxy)
                .user_agent(concat!("qc/", env!("CARGO_PKG_VERSION")))
                .build();
            ureq::Agent::new_with_config(config)
        };
        let proxied = ureq::Proxy::try_from_env().map(|proxy| (agent(Some(proxy.clone())), proxy));
        HttpTransport {
            direct: agent(None),
            proxied,
            allow_insecure_proxy: false,
            connect_timeout,
        }
    }

    /// The same transport, sending a plain-`http` URL's requests (and the
    /// token in them) through a proxy when the environment names one.
    pub fn allow_insecure_proxy(mut self, allow: bool) -> Self {
        self.allow_insecure_proxy = allow;
        self
    }

    /// How requests to `url` travel: straight for a loopback host, when no
    /// proxy is set, or when `NO_PROXY` names the host; through the proxy
    /// otherwise, which for a plain-`http` URL is refused unless allowed.
    pub fn route(&self, url: &BaseUrl) -> Result<Route, InsecureProxy> {
        let Some((_, proxy)) = &self.proxied else {
            return Ok(Route::Direct);
        };
        if url.is_loopback() {
            return Ok(Route::Direct);
        }
        let excluded = url
            .as_str()
            .parse::<ureq::http::Uri>()
            .is_ok_and(|uri| proxy.is_no_proxy(&uri));
        if excluded {
            return Ok(Route::Direct);
        }
        let shown = format!("{}:{}", proxy.host(), proxy.port());
        if url.is_https() || self.allow_insecure_proxy {
            Ok(Route::Proxy(shown))
        } else {
            Err(InsecureProxy {
                proxy: shown,
                url: url.to_string(),
            })
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
        let url = BaseUrl::parse(request.url)
            .map_err(|e| TransportError::new(FailureKind::Other, e.to_string()))?;
        let agent = match (self.route(&url), &self.proxied) {
            (Err(e), _) => return Err(TransportError::new(FailureKind::Other, e.to_string())),
            (Ok(Route::Proxy(_)), Some((agent, _))) => agent,
            (Ok(_), _) => &self.direct,
        };
        let failure = |e| failure(e, self.connect_timeout);
        let mut builder = agent.post(request.url);
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
fn failure(error: ureq::Error, connect_timeout: Duration) -> TransportError {
    use FailureKind::{Connection, Other, Timeout};
    match error {
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            TransportError::new(
                Other,
                format!(
                    "no connection within {}: the TCP or TLS handshake got no answer (is the host up, and does the port serve this scheme?)",
                    HumanDuration(connect_timeout)
                ),
            )
        }
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
