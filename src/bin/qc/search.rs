//! `qc search`: run a query against Intercom and stream every result.
//!
//! Results go to stdout ([`output`]); progress, notes of long waits and
//! errors to stderr ([`progress`]): the library prints nothing.
//!
//! Exit status: 0 success, 1 invalid query, 2 usage (no token, a bad
//! flag, a proxy refused), 3 API or network failure or a bound reached,
//! 130 interrupted.

use std::io::{self, BufWriter, IsTerminal, Stdout};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use clap::{Args, ValueEnum};
use qc::Target;
use qc::search::{Client, Event, SearchError, Stats};

use crate::api::{ApiArgs, clear_text_warning, parse_duration};
use crate::exit::{EXIT_API, EXIT_INVALID, EXIT_USAGE};
use crate::report::{self, Format as DiagnosticFormat};
use crate::source::SourceArgs;
use output::{Format, Output};
use progress::Progress;

mod output;
pub mod progress;

/// Exit status: stopped by Ctrl-C.
const EXIT_INTERRUPTED: i32 = 130;

/// Arguments of `qc search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Stop after N results, requesting no more than needed.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    #[command(flatten)]
    api: ApiArgs,
    /// Output: one JSON object a line, a JSON array, or ids only.
    #[arg(long, value_enum, default_value_t)]
    format: FormatArg,
    /// No progress line and no notes of long waits on stderr (errors are
    /// still printed).
    #[arg(short, long)]
    quiet: bool,
    /// The most request bodies of the query's plan, when no single body
    /// can express it (`qc plan`) [default: 50, or `max_requests` in
    /// qc.toml].
    #[arg(long, value_name = "N")]
    max_plan: Option<u64>,
    /// Waits at least this long get a note on stderr (for tests).
    #[arg(long, value_name = "DURATION", hide = true, default_value = "2s", value_parser = parse_duration)]
    note_waits_from: Duration,
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

type SharedOutput = Arc<Mutex<Output<BufWriter<Stdout>>>>;

fn lock(output: &SharedOutput) -> MutexGuard<'_, Output<BufWriter<Stdout>>> {
    output.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `qc search`.
pub fn run(args: SearchArgs) -> ExitCode {
    let base = match args.api.base() {
        Ok(base) => base,
        Err(message) => {
            report::eprintln_escaped!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let token = match args.api.token() {
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
    let requests = match qc::search::requests(&text, &compiler) {
        Ok(requests) => requests,
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
        &requests.warnings,
        &text,
        &name,
        DiagnosticFormat::Human,
        args.source.color,
    );
    if let Some(warning) = clear_text_warning(&base) {
        report::eprintln_escaped!("{warning}");
    }

    let transport = match args.api.transport(&base) {
        Ok(transport) => transport,
        Err(refused) => {
            eprintln!("error: {}", refused.error);
            eprintln!("help: {}", refused.help);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let client = Client::new(token, base)
        .with_transport(transport)
        .with_policy(args.api.policy())
        .with_per_page(args.api.per_page)
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
    let mut search = client
        .search(target, requests.bodies())
        .with_concurrency(args.api.concurrency())
        .on_event(on_event);
    if let Some(limit) = args.limit {
        search = search.with_limit(limit);
    }
    if let Some(max) = args.api.max_requests {
        search = search.with_max_requests(max);
    }
    let mut written: u64 = 0;
    let mut write_error = None;
    let outcome = search.run(|item| {
        if let Err(e) = lock(&output).write(&item) {
            write_error = Some(e);
            return ControlFlow::Break(());
        }
        written += 1;
        progress.fetched(written);
        ControlFlow::Continue(())
    });
    if let Some(e) = write_error {
        progress.clear();
        return write_failed(&e);
    }
    let finished = lock(&output).finish();
    progress.clear();
    if let Err(e) = finished {
        return write_failed(&e);
    }
    match outcome {
        Err(e) => {
            report::eprintln_escaped!("error: {e}");
            if let Some(help) = help(&e) {
                eprintln!("help: {help}");
            }
            ExitCode::from(EXIT_API)
        }
        Ok(()) => {
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
