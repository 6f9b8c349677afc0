//! Where requests go: Intercom's regional hosts, or any base URL.

use std::fmt;
use std::str::FromStr;

/// The region of an Intercom workspace, which picks the API host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// The United States (the default): `https://api.intercom.io`.
    #[default]
    Us,
    /// Europe: `https://api.eu.intercom.io`.
    Eu,
    /// Australia: `https://api.au.intercom.io`.
    Au,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 3] = [Region::Us, Region::Eu, Region::Au];

    /// The name on the command line: `us`, `eu`, `au`.
    pub const fn name(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Au => "au",
        }
    }

    /// The API's base URL in this region.
    pub const fn url(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io",
            Region::Eu => "https://api.eu.intercom.io",
            Region::Au => "https://api.au.intercom.io",
        }
    }

    /// The base URL as a [`BaseUrl`].
    pub fn base_url(self) -> BaseUrl {
        BaseUrl {
            url: self.url().to_owned(),
            host_start: "https://".len(),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a region name qc does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region `{0}`; expected us, eu or au")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| UnknownRegion(s.to_owned()))
    }
}

/// An `http` or `https` URL that request paths are appended to, such as
/// `https://api.eu.intercom.io` or a proxy's `http://127.0.0.1:8080/intercom`.
///
/// Its `Display` hides any `user:password@` part.
///
/// ```
/// use qc::search::{BaseUrl, Region};
/// let base: BaseUrl = "http://127.0.0.1:8080/".parse()?;
/// assert_eq!(base.join("/contacts/search"), "http://127.0.0.1:8080/contacts/search");
/// assert_eq!(Region::Eu.base_url().as_str(), "https://api.eu.intercom.io");
/// # Ok::<(), qc::search::BaseUrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    url: String,
    /// Where the authority starts (after `://`).
    host_start: usize,
}

/// Why a base URL was refused. The message shows the URL without any
/// `user:password@` part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base URL `{shown}`: {why}")]
pub struct BaseUrlError {
    shown: String,
    why: &'static str,
}

impl BaseUrl {
    /// Parses a base URL: `http://` or `https://`, a host, an optional
    /// path, no query or fragment. A final `/` is dropped.
    pub fn parse(text: &str) -> Result<Self, BaseUrlError> {
        let fail = |why| BaseUrlError {
            shown: redact_userinfo(text),
            why,
        };
        let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
        let host_start = if lower.starts_with("https://") {
            8
        } else if lower.starts_with("http://") {
            7
        } else {
            return Err(fail("it must start with http:// or https://"));
        };
        if text.contains(['?', '#']) {
            return Err(fail("it must not have a query or a fragment"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail("it must not contain spaces or control characters"));
        }
        let rest = text.get(host_start..).unwrap_or_default();
        let authority = rest.split('/').next().unwrap_or_default();
        let host = authority.rsplit('@').next().unwrap_or_default();
        if host.is_empty() || host.starts_with(':') {
            return Err(fail("it has no host"));
        }
        Ok(BaseUrl {
            url: text.trim_end_matches('/').to_owned(),
            host_start,
        })
    }

    /// The URL as given, without a final `/`.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL of an API path such as `/conversations/search`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// True for `https` URLs.
    pub fn is_https(&self) -> bool {
        self.host_start == 8
    }

    /// The host (without port or user information).
    pub fn host(&self) -> &str {
        let rest = self.url.get(self.host_start..).unwrap_or_default();
        let authority = rest.split('/').next().unwrap_or_default();
        let host_port = authority.rsplit('@').next().unwrap_or_default();
        if let Some(v6) = host_port.strip_prefix('[') {
            return v6.split(']').next().unwrap_or_default();
        }
        host_port.split(':').next().unwrap_or_default()
    }

    /// True when the host is this machine (`localhost`, `127.x.x.x`, `::1`),
    /// where plain `http` does not expose the token to the network.
    pub fn is_loopback(&self) -> bool {
        let host = self.host();
        host.eq_ignore_ascii_case("localhost")
            || host == "::1"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

impl FromStr for BaseUrl {
    type Err = BaseUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(s)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_userinfo(&self.url))
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({self})")
    }
}

/// `url` with a `user:password@` part replaced by `<redacted>@`.
fn redact_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = url.get(start..).unwrap_or_default();
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or_default();
    match authority.rfind('@') {
        Some(at) => format!(
            "{}<redacted>{}",
            url.get(..start).unwrap_or_default(),
            rest.get(at..).unwrap_or_default()
        ),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_their_hosts() {
        let urls: Vec<String> = ["us", "eu", "au"]
            .iter()
            .map(|r| {
                r.parse::<Region>()
                    .map(|r| r.base_url().as_str().to_owned())
            })
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        assert_eq!(
            urls,
            [
                "https://api.intercom.io",
                "https://api.eu.intercom.io",
                "https://api.au.intercom.io"
            ]
        );
        assert_eq!(Region::default(), Region::Us);
        assert!("uk".parse::<Region>().is_err());
        assert!(Region::Au.base_url().is_https());
    }

    #[test]
    fn base_urls_are_checked_and_joined() {
        let ok = |s: &str| BaseUrl::parse(s).map(|b| b.join("/tickets/search"));
        assert_eq!(
            ok("http://127.0.0.1:9/"),
            Ok("http://127.0.0.1:9/tickets/search".to_owned())
        );
        assert_eq!(
            ok("HTTPS://proxy.example/intercom"),
            Ok("HTTPS://proxy.example/intercom/tickets/search".to_owned())
        );
        for bad in [
            "api.intercom.io",
            "ftp://x",
            "https://",
            "https://:80",
            "https://x?y",
            "https://a b",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hosts_and_loopback() {
        let host = |s: &str| BaseUrl::parse(s).map(|b| (b.host().to_owned(), b.is_loopback()));
        assert_eq!(
            host("http://127.0.0.1:80/x"),
            Ok(("127.0.0.1".into(), true))
        );
        assert_eq!(host("http://[::1]:80"), Ok(("::1".into(), true)));
        assert_eq!(host("http://u:p@LocalHost"), Ok(("LocalHost".into(), true)));
        assert_eq!(host("http://10.0.0.1"), Ok(("10.0.0.1".into(), false)));
    }

    #[test]
    fn user_information_is_never_shown() {
        let secret = "https://me:hunter2@proxy.example/x";
        let base = BaseUrl::parse(secret).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(base.to_string(), "https://<redacted>@proxy.example/x");
        assert!(!format!("{base:?}").contains("hunter2"));
        let err = BaseUrl::parse("https://me:hunter2@x?q")
            .map(|_| ())
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
