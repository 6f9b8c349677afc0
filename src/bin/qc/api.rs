//! How a command reaches Intercom's API, shared by `qc search`, `qc
//! schema pull` and `qc mcp`: the region or base URL, the access token, the
//! timeout, the retries ([`ConnectionArgs`]), and the bounds of a search
//! ([`ApiArgs`]).

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use qc::check::MAX_PER_PAGE;
use qc::search::{
    BaseUrl, DEFAULT_CONCURRENCY, HttpTransport, MAX_CONCURRENCY, Region, RetryPolicy, Token,
};

/// The environment variable that holds the access token.
pub const TOKEN_VAR: &str = "INTERCOM_TOKEN";
/// The largest token file read.
const MAX_TOKEN_FILE_BYTES: u64 = 64 << 10;

/// The flags of the API's connection and of a search's bounds.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// Results per request (1 to 150); the fewer requests the better.
    #[arg(long, value_name = "N", default_value_t = MAX_PER_PAGE,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PER_PAGE)))]
    pub per_page: u32,
    /// The most requests a search sends (pages; retries not counted)
    /// [default: for a limit of N results, enough pages for N from each
    /// request body plus one; else 10000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_requests: Option<u64>,
    /// Requests of a plan sent at once (1 to 16), each following its own
    /// cursor; results still come in plan order, then page order.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY as u64,
          value_parser = clap::value_parser!(u64).range(1..=MAX_CONCURRENCY as u64))]
    concurrency: u64,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// The flags of the API's connection alone (`qc schema pull`): where
/// requests go, the token, how long each may take, the retries and the
/// waits.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// The workspace's region, which picks the API host.
    #[arg(long, value_enum, default_value_t)]
    region: RegionArg,
    /// Send requests here instead (a proxy, a test server); overrides --region.
    #[arg(long, value_name = "URL", conflicts_with = "region")]
    base_url: Option<String>,
    /// Read the access token from this file instead of INTERCOM_TOKEN.
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// How long one request may take (`30s`, `500ms`, `2m`); connecting,
    /// TLS included, gets 90% of it and is not retried.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Retries of a request after a 429, a 5xx, a timeout or a broken connection.
    #[arg(long, value_name = "N", default_value_t = RetryPolicy::default().max_retries)]
    max_retries: u32,
    /// The longest single wait; a server asking for longer (Retry-After,
    /// X-RateLimit-Reset) ends the command.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    max_wait: Duration,
    /// The most time all waits may add up to.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    max_total_wait: Duration,
    /// Send a plain-http --base-url's requests, token included, through the
    /// proxy set in the environment (refused otherwise, as the proxy could
    /// read the token).
    #[arg(long)]
    allow_insecure_proxy: bool,
    /// The first backoff delay, doubled at each retry (for tests).
    #[arg(long, value_name = "DURATION", hide = true, value_parser = parse_duration)]
    backoff_base: Option<Duration>,
}

/// `--region`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum RegionArg {
    /// https://api.intercom.io
    #[default]
    Us,
    /// https://api.eu.intercom.io
    Eu,
    /// https://api.au.intercom.io
    Au,
}

impl From<RegionArg> for Region {
    fn from(r: RegionArg) -> Self {
        match r {
            RegionArg::Us => Region::Us,
            RegionArg::Eu => Region::Eu,
            RegionArg::Au => Region::Au,
        }
    }
}

/// Why a transport cannot be used: the error, and the flag that lifts it.
pub struct Refused {
    /// What is refused.
    pub error: String,
    /// What to do about it.
    pub help: &'static str,
}

impl ApiArgs {
    /// The base URL ([`ConnectionArgs::base`]).
    pub fn base(&self) -> Result<BaseUrl, String> {
        self.connection.base()
    }

    /// The token ([`ConnectionArgs::token`]).
    pub fn token(&self) -> Result<Token, String> {
        self.connection.token()
    }

    /// The transport ([`ConnectionArgs::transport`]).
    pub fn transport(&self, base: &BaseUrl) -> Result<HttpTransport, Refused> {
        self.connection.transport(base)
    }

    /// The retry policy ([`ConnectionArgs::policy`]).
    pub fn policy(&self) -> RetryPolicy {
        self.connection.policy()
    }

    /// `--concurrency`: how many requests of a plan are sent at once.
    pub fn concurrency(&self) -> usize {
        usize::try_from(self.concurrency).unwrap_or(MAX_CONCURRENCY)
    }
}

impl ConnectionArgs {
    /// The base URL: `--base-url`, else the region's. Checked here rather
    /// than by clap, whose errors would quote the URL with any
    /// user:password in it.
    pub fn base(&self) -> Result<BaseUrl, String> {
        match self.base_url.as_deref().map(BaseUrl::parse) {
            None => Ok(Region::from(self.region).base_url()),
            Some(Ok(base)) => Ok(base),
            Some(Err(e)) => Err(format!("--base-url: {e}")),
        }
    }

    /// The token from `--token-file` or `INTERCOM_TOKEN`; the error never
    /// holds it.
    pub fn token(&self) -> Result<Token, String> {
        if let Some(path) = &self.token_file {
            use std::io::Read;
            let shown = path.display();
            let mut text = String::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(MAX_TOKEN_FILE_BYTES).read_to_string(&mut text))
                .map_err(|e| format!("cannot read the token file {shown}: {}", io_reason(&e)))?;
            return Token::new(text).map_err(|e| format!("{e} (in {shown})"));
        }
        match std::env::var(TOKEN_VAR) {
            Ok(text) => Token::new(text).map_err(|e| format!("{e} (in {TOKEN_VAR})")),
            Err(std::env::VarError::NotPresent) => Err(format!(
                "no access token: set {TOKEN_VAR} or pass --token-file PATH"
            )),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(format!("{TOKEN_VAR} is not valid UTF-8"))
            }
        }
    }

    /// The HTTP transport to `base`, refused when it would send the token
    /// in clear text through a proxy.
    pub fn transport(&self, base: &BaseUrl) -> Result<HttpTransport, Refused> {
        let transport =
            HttpTransport::new(self.timeout).allow_insecure_proxy(self.allow_insecure_proxy);
        match transport.route(base) {
            Ok(_) => Ok(transport),
            Err(e) => Err(Refused {
                error: e.to_string(),
                help: "--allow-insecure-proxy sends it anyway",
            }),
        }
    }

    /// The retry policy of the flags.
    pub fn policy(&self) -> RetryPolicy {
        let defaults = RetryPolicy::default();
        RetryPolicy {
            max_retries: self.max_retries,
            base_delay: self.backoff_base.unwrap_or(defaults.base_delay),
            max_delay: self.max_wait,
            max_total_wait: self.max_total_wait,
            ..defaults
        }
    }
}

/// The warning for a base URL that would carry the token unencrypted.
pub fn clear_text_warning(base: &BaseUrl) -> Option<String> {
    (!base.is_https() && !base.is_loopback())
        .then(|| format!("warning: {base} is plain http: the access token is sent unencrypted"))
}

/// An I/O error without any data it might quote.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// `250ms`, `2s`, `1m`, `1h`, or a number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(at) => s.split_at(at),
        None => (s, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("expected a duration such as 30s or 500ms, got `{s}`"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("unknown unit `{unit}`; use ms, s, m or h")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("invalid duration `{s}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("1d").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("ms").is_err());
    }
}
