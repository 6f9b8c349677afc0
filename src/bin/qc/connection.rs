//! The flags of the commands that talk to Intercom (`qc search`, `qc
//! schema pull`): the token, where requests go, and how long and how often
//! they may be tried; and the [`Client`] they make.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use qc::search::{BaseUrl, Client, HttpTransport, Region, RetryPolicy, Token};
use qc::target::ApiVersion;

use crate::exit::EXIT_USAGE;
use crate::report;

/// The environment variable that holds the access token.
const TOKEN_VAR: &str = "INTERCOM_TOKEN";
/// The largest token file read.
const MAX_TOKEN_FILE_BYTES: u64 = 64 << 10;

/// How to reach the API: the token, the host, timeouts and retries.
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
    timeout: Duration,
    /// Retries of a request after a 429, a 5xx, a timeout or a broken connection.
    #[arg(long, value_name = "N", default_value_t = RetryPolicy::default().max_retries)]
    max_retries: u32,
    /// The longest single wait; a server asking for longer (Retry-After,
    /// X-RateLimit-Reset) stops the command.
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
    /// Waits at least this long get a note on stderr (for tests).
    #[arg(long, value_name = "DURATION", hide = true, default_value = "2s", value_parser = parse_duration)]
    pub note_waits_from: Duration,
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

impl ConnectionArgs {
    /// The base URL: `--base-url`, else the region's.
    ///
    /// Checked here rather than by clap, whose errors would quote the URL
    /// with any user:password in it.
    pub fn base(&self) -> Result<BaseUrl, ExitCode> {
        match self.base_url.as_deref().map(BaseUrl::parse) {
            None => Ok(Region::from(self.region).base_url()),
            Some(Ok(base)) => Ok(base),
            Some(Err(e)) => {
                report::eprintln_escaped!("error: --base-url: {e}");
                Err(ExitCode::from(EXIT_USAGE))
            }
        }
    }

    /// The token from `--token-file` or `INTERCOM_TOKEN`; what is wrong
    /// with it never quotes it.
    pub fn token(&self) -> Result<Token, ExitCode> {
        token(self.token_file.as_ref()).map_err(|message| {
            report::eprintln_escaped!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        })
    }

    /// The client for `base`, with the token, the transport (its timeout
    /// and proxy rule), the retry policy and `version`; the usage exit
    /// status when a proxy would see the token. Warns on stderr when a
    /// plain-http URL would carry the token over the network.
    pub fn client(
        &self,
        token: Token,
        base: BaseUrl,
        version: ApiVersion,
    ) -> Result<Client, ExitCode> {
        if !base.is_https() && !base.is_loopback() {
            report::eprintln_escaped!(
                "warning: {base} is plain http: the access token is sent unencrypted"
            );
        }
        let transport =
            HttpTransport::new(self.timeout).allow_insecure_proxy(self.allow_insecure_proxy);
        if let Err(e) = transport.route(&base) {
            eprintln!("error: {e}");
            eprintln!("help: --allow-insecure-proxy sends it anyway");
            return Err(ExitCode::from(EXIT_USAGE));
        }
        let defaults = RetryPolicy::default();
        let policy = RetryPolicy {
            max_retries: self.max_retries,
            base_delay: self.backoff_base.unwrap_or(defaults.base_delay),
            max_delay: self.max_wait,
            max_total_wait: self.max_total_wait,
            ..defaults
        };
        Ok(Client::new(token, base)
            .with_transport(transport)
            .with_policy(policy)
            .with_version(version))
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

/// The token from `--token-file` or `INTERCOM_TOKEN`; the error never
/// holds it.
fn token(file: Option<&PathBuf>) -> Result<Token, String> {
    if let Some(path) = file {
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
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{TOKEN_VAR} is not valid UTF-8")),
    }
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
