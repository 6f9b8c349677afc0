//! `qc search`: run a query against Intercom and stream every result.
//!
//! Results go to stdout ([`output`]); progress, notes of long waits and
//! errors to stderr ([`progress`]): the library prints nothing.
//!
//! Exit status: 0 success, 1 invalid query, 2 usage (no token, a bad
//! flag, a proxy refused), 3 API or network failure or a bound reached,
//! 130 interrupted.

use std::io::{self, BufWriter, IsTerminal, Stdout};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use clap::{Args, ValueEnum};
use qc::check::MAX_PER_PAGE;
use qc::search::{
    BaseUrl, Client, Event, HttpTransport, Region, RetryPolicy, SearchError, Stats, Token,
};
use qc::{Compiler, Diagnostic, Target};
use serde_json::Value;

use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::report::{self, Format as DiagnosticFormat};
use crate::source::SourceArgs;
use output::{Format, Output};
use progress::Progress;

mod output;
mod progress;

/// Exit status: the API or the network failed.
pub const EXIT_API: u8 = 3;
/// Exit status: stopped by Ctrl-C.
const EXIT_INTERRUPTED: i32 = 130;
/// The environment variable that holds the access token.
const TOKEN_VAR: &str = "INTERCOM_TOKEN";
/// The largest token file read.
const MAX_TOKEN_FILE_BYTES: u64 = 64 << 10;

/// Arguments of `qc search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Results per request (1 to 150); the fewer requests the better.
    #[arg(long, value_name = "N", default_value_t = MAX_PER_PAGE,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PER_PAGE)))]
    per_page: u32,
    /// Stop after N results, requesting no more than needed.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    /// The workspace's region, which picks the API host.
    #[arg(long, value_enum, default_value_t)]
    region: RegionArg,
    /// Send requests here instead (a proxy, a test server); overrides --region.
    #[arg(long, value_name = "URL", conflicts_with = "region")]
    base_url: Option<String>,
    /// Output: one JSON object a line, a JSON array, or ids only.
    #[arg(long, value_enum, default_value_t)]
    format: FormatArg,
    /// No progress line and no notes of long waits on stderr (errors are
    /// still printed).
    #[arg(short, long)]
    quiet: bool,
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
    /// The most requests sent (pages; retries not counted) [default: with
    /// --limit N, enough pages for N results from each request plus one;
    /// else 10000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_requests: Option<u64>,
    /// The most request bodies of the query's plan, when no single body
    /// can express it (`qc plan`) [default: 50, or `max_requests` in
    /// qc.toml].
    #[arg(long, value_name = "N")]
    max_plan: Option<u64>,
    /// The longest single wait; a server asking for longer (Retry-After,
    /// X-RateLimit-Reset) stops the search.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    max_wait: Duration,
    /// The most time all waits of the search may add up to.
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
    note_waits_from: Duration,
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

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum FormatArg {
    /// One JSON object a line.
    #[default]
    Jsonl,
    /// A JSON array, an object a line.
    Json,
    /// The id of each result, one a line.
    Ids,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Json => Format::Json,
            FormatArg::Ids => Format::Ids,
        }
    }
}

/// `250ms`, `2s`, `1m`, `1h`, or a number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
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

/// The request bodies of a query, and its warnings.
pub struct Plan {
    /// The bodies; their union is the result.
    pub bodies: Vec<Value>,
    /// Warnings of the compiler.
    pub warnings: Vec<Diagnostic>,
}

/// Query text to request bodies: the one place where `qc search` meets
/// the compiler, whose schema (`--target`, `--schema`, `qc.toml`) says
/// the endpoint.
///
/// A query that fits (after rewriting) is one request; one that no
/// single request can express runs as its plan (`qc plan`): several
/// bodies whose union is exactly the result.
pub fn request_bodies(text: &str, compiler: &Compiler) -> Result<Plan, qc::Error> {
    match compiler.compile(text) {
        Ok(compiled) => Ok(Plan {
            bodies: vec![compiled.json()],
            warnings: compiled.warnings,
        }),
        Err(e)
            if e.diagnostics()
                .iter()
                .any(|d| d.code == qc::Code::NeedsPlan) =>
        {
            let planned = compiler.plan(text)?;
            Ok(Plan {
                bodies: planned.requests.iter().map(qc::emit).collect(),
                warnings: planned.warnings,
            })
        }
        Err(e) => Err(e),
    }
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
fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

type SharedOutput = Arc<Mutex<Output<BufWriter<Stdout>>>>;

fn lock(output: &SharedOutput) -> MutexGuard<'_, Output<BufWriter<Stdout>>> {
    output.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `qc search`.
pub fn run(args: SearchArgs) -> ExitCode {
    // Checked here rather than by clap, whose errors would quote the URL
    // with any user:password in it.
    let base = match args.base_url.as_deref().map(BaseUrl::parse) {
        None => Region::from(args.region).base_url(),
        Some(Ok(base)) => base,
        Some(Err(e)) => {
            report::eprintln_escaped!("error: --base-url: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let token = match token(args.token_file.as_ref()) {
        Ok(t) => t,
        Err(message) => {
            report::eprintln_escaped!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let (text, name) = match crate::source::read(&args.source, DiagnosticFormat::Human) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let over = qc::Settings {
        max_requests: args.max_plan,
        ..qc::Settings::default()
    };
    let compiler = match crate::source::compiler(&args.source, over) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let target = compiler.schema.target();
    let plan = match request_bodies(&text, &compiler) {
        Ok(plan) => plan,
        Err(e) => {
            let color = args.source.color;
            report::eprint(
                e.diagnostics(),
                &text,
                &name,
                DiagnosticFormat::Human,
                color,
            );
            if e.diagnostics().is_empty() {
                report::eprintln_escaped!("error: {e}");
            }
            return ExitCode::from(EXIT_INVALID);
        }
    };
    report::eprint(
        &plan.warnings,
        &text,
        &name,
        DiagnosticFormat::Human,
        args.source.color,
    );
    if !base.is_https() && !base.is_loopback() {
        report::eprintln_escaped!(
            "warning: {base} is plain http: the access token is sent unencrypted"
        );
    }

    let transport =
        HttpTransport::new(args.timeout).allow_insecure_proxy(args.allow_insecure_proxy);
    if let Err(e) = transport.route(&base) {
        eprintln!("error: {e}");
        eprintln!("help: --allow-insecure-proxy sends it anyway");
        return ExitCode::from(EXIT_USAGE);
    }
    let defaults = RetryPolicy::default();
    let policy = RetryPolicy {
        max_retries: args.max_retries,
        base_delay: args.backoff_base.unwrap_or(defaults.base_delay),
        max_delay: args.max_wait,
        max_total_wait: args.max_total_wait,
        ..defaults
    };
    let client = Client::new(token, base)
        .with_transport(transport)
        .with_policy(policy)
        .with_per_page(args.per_page)
        .with_version(compiler.schema.version());

    let bar = !args.quiet && io::stderr().is_terminal();
    let notes = (!args.quiet).then_some(args.note_waits_from);
    let progress = Progress::new(bar, notes, target.name(), args.limit);
    let output: SharedOutput = Arc::new(Mutex::new(Output::new(
        BufWriter::new(io::stdout()),
        args.format.into(),
    )));
    stop_cleanly_on_ctrl_c(&output, &progress);

    let on_event = {
        let output = Arc::clone(&output);
        let progress = progress.clone();
        move |event: &Event, stats: &Stats| {
            // Everything written so far reaches stdout before the next wait.
            if matches!(event, Event::Request { .. } | Event::Wait { .. }) {
                let _ = lock(&output).flush();
            }
            progress.event(event, stats);
        }
    };
    let mut search = client.search(target, plan.bodies).on_event(on_event);
    if let Some(limit) = args.limit {
        search = search.with_limit(limit);
    }
    if let Some(max) = args.max_requests {
        search = search.with_max_requests(max);
    }
    let mut failure = None;
    while let Some(item) = search.next() {
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        let written = lock(&output).write(&item);
        if let Err(e) = written {
            progress.clear();
            return write_failed(&e);
        }
        progress.fetched(search.stats());
    }
    let finished = lock(&output).finish();
    progress.clear();
    if let Err(e) = finished {
        return write_failed(&e);
    }
    match failure {
        Some(e) => {
            report::eprintln_escaped!("error: {e}");
            if let Some(help) = help(&e) {
                eprintln!("help: {help}");
            }
            ExitCode::from(EXIT_API)
        }
        None => {
            if bar {
                eprintln!("{}", summary(target, search.stats()));
            }
            ExitCode::SUCCESS
        }
    }
}

/// The flag that lifts the bound a search stopped at.
fn help(e: &SearchError) -> Option<&'static str> {
    Some(match e {
        SearchError::TooManyRequests { .. } => {
            "raise --max-requests (pages sent; --max-plan bounds the bodies), or set --limit"
        }
        SearchError::WaitTooLong { .. } => "raise --max-wait to wait that long",
        SearchError::WaitBudget { .. } => "raise --max-total-wait",
        _ => return None,
    })
}

/// A closed pipe (`| head`) ends the search quietly; other write failures
/// are reported.
fn write_failed(e: &io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    report::eprintln_escaped!("error: cannot write the results: {e}");
    ExitCode::from(EXIT_API)
}

/// On Ctrl-C, waits for the result being written, closes the output (a
/// JSON array gets its `]`) and exits: stdout ends on a whole line.
fn stop_cleanly_on_ctrl_c(output: &SharedOutput, progress: &Progress) {
    let output = Arc::clone(output);
    let progress = progress.clone();
    // Without a handler (one was already set) Ctrl-C stops the process at
    // once, as usual.
    let _ = ctrlc::set_handler(move || {
        let _ = lock(&output).finish();
        progress.clear();
        std::process::exit(EXIT_INTERRUPTED);
    });
}

fn summary(target: Target, stats: &Stats) -> String {
    let mut line = format!(
        "fetched {} {} in {} {}",
        stats.emitted,
        target.name(),
        stats.requests,
        if stats.requests == 1 {
            "request"
        } else {
            "requests"
        }
    );
    if stats.rate_limit_waits > 0 {
        line.push_str(&format!(
            ", {} rate-limit {}",
            stats.rate_limit_waits,
            if stats.rate_limit_waits == 1 {
                "wait"
            } else {
                "waits"
            }
        ));
    }
    line
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
