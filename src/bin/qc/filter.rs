//! `qc filter`: run a query over conversations in JSON Lines, offline.
//!
//! Reads one line at a time into a buffer of at most `--max-line-bytes`
//! (a longer line is reported and skipped without being held in memory),
//! so memory stays constant however large the input is.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qc::Options;

use crate::workspace::WorkspaceArgs;

use crate::report::{self, ColorChoice, Format};
use crate::{EXIT_INVALID, EXIT_USAGE, parse_now};

/// The longest line read by default: 16 MiB.
const DEFAULT_MAX_LINE_BYTES: usize = 16 << 20;

/// Arguments of `qc filter`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// The query every printed conversation matches.
    query: String,
    /// JSON Lines of conversations; stdin when absent or `-`.
    file: Option<PathBuf>,
    /// Stop with exit status 1 at the first malformed line instead of
    /// reporting and skipping it.
    #[arg(long)]
    strict: bool,
    /// Fix "now" for relative dates (RFC 3339), for reproducible output.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<i64>,
    /// Lines longer than this many bytes are reported and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES)]
    max_line_bytes: usize,
    /// Colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    #[command(flatten)]
    workspace: WorkspaceArgs,
}

/// One line of input.
enum Line {
    /// The bytes of a line, newline included if there was one.
    Text,
    /// A line over the limit, of this many bytes; its bytes were dropped.
    TooLong(u64),
}

/// Reads lines into a bounded buffer.
struct LineReader<R> {
    reader: R,
    max: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> LineReader<R> {
    /// Reads the next line into `self.buf`; `None` at the end. Also gives
    /// the number of bytes consumed.
    fn next_line(&mut self) -> io::Result<Option<(Line, u64)>> {
        self.buf.clear();
        let mut consumed: u64 = 0;
        let mut content: usize = 0;
        let mut too_long = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if consumed == 0 {
                    return Ok(None);
                }
                break;
            }
            let (take, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            let chunk = available.get(..take).unwrap_or(available);
            content += if done { take - 1 } else { take };
            if !too_long {
                if content > self.max {
                    too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.extend_from_slice(chunk);
                }
            }
            self.reader.consume(take);
            consumed += take as u64;
            if done {
                break;
            }
        }
        let line = if too_long {
            Line::TooLong(content as u64)
        } else {
            Line::Text
        };
        Ok(Some((line, consumed)))
    }
}

/// What a line held.
enum Record {
    Blank,
    Conversation(serde_json::Value),
    Malformed(String),
}

fn parse_line(line: &[u8]) -> Record {
    let bytes = line.strip_suffix(b"\n").unwrap_or(line);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Record::Blank;
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v @ serde_json::Value::Object(_)) => Record::Conversation(v),
        Ok(v) => Record::Malformed(format!(
            "expected a JSON object (a conversation), found {}",
            kind(&v)
        )),
        Err(e) => Record::Malformed(format!(
            "malformed JSON at column {}: {}",
            e.column(),
            strip_position(&e.to_string())
        )),
    }
}

/// serde_json's message without its " at line L column C" tail.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .and_then(|at| message.get(..at))
        .unwrap_or(message)
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Runs `qc filter`.
pub fn run(args: FilterArgs) -> ExitCode {
    let options = Options {
        now: args.now,
        ..Options::default()
    };
    let schema = match args.workspace.load(args.color) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let query = match qc::Compiler::new(schema, options).compile(&args.query) {
        Ok(compiled) => {
            report::eprint(
                &compiled.warnings,
                &args.query,
                "query",
                Format::Human,
                args.color,
            );
            compiled.query
        }
        Err(e) => {
            report::eprint(
                e.diagnostics(),
                &args.query,
                "query",
                Format::Human,
                args.color,
            );
            return ExitCode::from(EXIT_INVALID);
        }
    };

    let (reader, name, progress): (Box<dyn BufRead>, String, ProgressBar) = match &args.file {
        Some(path) if path.as_os_str() != "-" => {
            let file = match File::open(path) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    return ExitCode::from(EXIT_USAGE);
                }
            };
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            let progress = if io::stderr().is_terminal() && len > 0 {
                let style = ProgressStyle::with_template(
                    "{bar:40} {binary_bytes}/{binary_total_bytes} {elapsed} (eta {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
                    .with_style(style)
            } else {
                ProgressBar::hidden()
            };
            let name = path.display().to_string();
            (
                Box::new(BufReader::with_capacity(1 << 16, file)),
                name,
                progress,
            )
        }
        _ => (
            Box::new(io::stdin().lock()),
            "stdin".to_owned(),
            ProgressBar::hidden(),
        ),
    };

    let mut lines = LineReader {
        reader,
        max: args.max_line_bytes,
        buf: Vec::new(),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let (mut line_no, mut records, mut matched, mut skipped) = (0u64, 0u64, 0u64, 0u64);
    let mut status = ExitCode::SUCCESS;
    let mut stopped = None;
    loop {
        let (line, consumed) = match lines.next_line() {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(e) => {
                progress.suspend(|| eprintln!("error: cannot read {name}: {e}"));
                status = ExitCode::from(EXIT_USAGE);
                break;
            }
        };
        line_no += 1;
        progress.inc(consumed);
        let problem = match line {
            Line::TooLong(len) => Some(format!(
                "the line is {len} bytes, longer than the limit of {} bytes (--max-line-bytes)",
                args.max_line_bytes
            )),
            Line::Text => match parse_line(&lines.buf) {
                Record::Blank => None,
                Record::Malformed(why) => Some(why),
                Record::Conversation(conversation) => {
                    records += 1;
                    if qc::eval(&query, &conversation) {
                        matched += 1;
                        let written = out.write_all(&lines.buf).and_then(|()| {
                            if lines.buf.last() == Some(&b'\n') {
                                Ok(())
                            } else {
                                out.write_all(b"\n")
                            }
                        });
                        if written.is_err() {
                            // The reader went away (e.g. `| head`): stop quietly.
                            progress.finish_and_clear();
                            return ExitCode::SUCCESS;
                        }
                    }
                    None
                }
            },
        };
        if let Some(why) = problem {
            if args.strict {
                progress.suspend(|| eprintln!("error: {name}:{line_no}: {why}"));
                status = ExitCode::from(EXIT_INVALID);
                stopped = Some(line_no);
                break;
            }
            skipped += 1;
            progress.suspend(|| eprintln!("warning: {name}:{line_no}: {why}; line skipped"));
        }
    }
    progress.finish_and_clear();
    if out.flush().is_err() {
        return status;
    }
    let note = match (stopped, skipped) {
        (Some(at), _) => format!("; stopped at line {at} (--strict)"),
        (None, 0) => String::new(),
        (None, 1) => " (1 line skipped)".to_owned(),
        (None, n) => format!(" ({n} lines skipped)"),
    };
    eprintln!("matched {matched} of {records}{note}");
    status
}
