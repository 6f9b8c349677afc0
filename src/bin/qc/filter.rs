//! `qc filter`: run a query over conversations in JSON Lines, offline.
//!
//! The main thread reads lines into chunks of about [`CHUNK_BYTES`] (a line
//! longer than `--max-line-bytes` is reported and skipped without being held
//! in memory); worker threads, one per core, parse each line keeping only
//! what the query reads ([`qc::Matcher::matches_line`]) and evaluate it; the main
//! thread prints the results chunk by chunk in input order. At most a few
//! chunks are in flight, so memory stays bounded however large the input.
//!
//! With `ORDER BY`, the main thread holds the matching lines (the chunks'
//! output and each line's sort key) instead of printing them, up to
//! `--max-sort-bytes`, and prints them in order once the input ends.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qc::Matcher;
use qc::eval::SortKey;
use qc::filter::LineMatch;

use crate::workspace::WorkspaceArgs;

use crate::exit::{EXIT_BOUND, EXIT_INVALID, EXIT_USAGE};
use crate::report::{self, ColorChoice, Format};

/// The longest line read by default: 16 MiB.
const DEFAULT_MAX_LINE_BYTES: usize = 16 << 20;

/// Lines are handed to the workers in chunks of about this many bytes.
const CHUNK_BYTES: usize = 1 << 20;

/// The most bytes of matching lines held to sort them, by default: 256 MiB.
const DEFAULT_MAX_SORT_BYTES: usize = 256 << 20;

/// Arguments of `qc filter` (its help is the `Filter` command's, in
/// `main.rs`).
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// The query every printed object matches; with `ORDER BY`, the order
    /// they are printed in.
    query: String,
    /// JSON Lines of conversations; stdin when absent or `-`.
    file: Option<PathBuf>,
    /// Stop with exit status 1 at the first malformed line instead of
    /// reporting and skipping it.
    #[arg(long)]
    strict: bool,
    /// Fix "now" for relative dates (RFC 3339), for reproducible output.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Lines longer than this many bytes are reported and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES)]
    max_line_bytes: usize,
    /// With `ORDER BY`, the matching lines are held in memory to be sorted
    /// and printed when the input ends: at most this many bytes of them
    /// (their keys included). Past it, nothing is printed and the exit
    /// status is 3.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_SORT_BYTES)]
    max_sort_bytes: usize,
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

/// Reads lines, each at most `max` bytes long.
struct LineReader<R> {
    reader: R,
    max: usize,
}

impl<R: BufRead> LineReader<R> {
    /// Appends the next line to `buf` (nothing when it is too long); `None`
    /// at the end. Also gives the number of bytes consumed.
    fn next_line(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<(Line, u64)>> {
        let start = buf.len();
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
            let (take, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            let chunk = available.get(..take).unwrap_or(available);
            content += if done { take - 1 } else { take };
            if !too_long {
                if content > self.max {
                    too_long = true;
                    buf.truncate(start);
                } else {
                    buf.extend_from_slice(chunk);
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

/// Lines read, for a worker: the bytes of the text lines one after the
/// other, and each line's place in them.
#[derive(Default)]
struct Chunk {
    /// Its place in the input, from 0.
    seq: u64,
    /// The line number of its first line.
    first_line: u64,
    data: Vec<u8>,
    lines: Vec<ChunkLine>,
    /// Input bytes it covers, for the progress bar.
    bytes: u64,
}

enum ChunkLine {
    /// A line's bytes in `data`, newline included if there was one.
    Text(Range<usize>),
    /// A line over the limit, of this many bytes.
    TooLong(u64),
}

/// A chunk evaluated.
struct Done {
    seq: u64,
    /// The matching lines, each ending in a newline.
    out: Vec<u8>,
    /// For a sorted query, each matching line's sort key and its bytes in
    /// `out`, in line order.
    keys: Vec<(SortKey, Range<usize>)>,
    /// The problems, in line order.
    problems: Vec<Problem>,
    /// Conversations read and matched in the whole chunk.
    records: u64,
    matched: u64,
    bytes: u64,
}

/// A line that is not a conversation, and how far the chunk had got.
struct Problem {
    line_no: u64,
    why: String,
    /// The length of `out`, and the counts, before this line.
    out_len: usize,
    records: u64,
    matched: u64,
}

/// Parses and evaluates every line of a chunk.
fn evaluate(chunk: &Chunk, matcher: &Matcher, max_line_bytes: usize) -> Done {
    let mut done = Done {
        seq: chunk.seq,
        out: Vec::new(),
        keys: Vec::new(),
        problems: Vec::new(),
        records: 0,
        matched: 0,
        bytes: chunk.bytes,
    };
    for (i, line) in chunk.lines.iter().enumerate() {
        let problem = match line {
            ChunkLine::TooLong(len) => Some(format!(
                "the line is {len} bytes, longer than the limit of {max_line_bytes} bytes (--max-line-bytes)"
            )),
            ChunkLine::Text(range) => {
                let bytes = chunk.data.get(range.clone()).unwrap_or_default();
                match matcher.match_line(bytes) {
                    Ok(None) => None,
                    Err(why) => Some(why.to_string()),
                    Ok(Some(LineMatch::Miss)) => {
                        done.records += 1;
                        None
                    }
                    Ok(Some(LineMatch::Hit(key))) => {
                        done.records += 1;
                        done.matched += 1;
                        let start = done.out.len();
                        done.out.extend_from_slice(bytes);
                        if bytes.last() != Some(&b'\n') {
                            done.out.push(b'\n');
                        }
                        if let Some(key) = key {
                            done.keys.push((key, start..done.out.len()));
                        }
                        None
                    }
                }
            }
        };
        if let Some(why) = problem {
            done.problems.push(Problem {
                line_no: chunk.first_line + i as u64,
                why,
                out_len: done.out.len(),
                records: done.records,
                matched: done.matched,
            });
        }
    }
    done
}

/// Runs `qc filter`.
pub fn run(args: FilterArgs) -> ExitCode {
    let over = qc::Settings {
        now: args.now.clone().map(qc::Now::Text),
        ..qc::Settings::default()
    };
    let compiler = match args.workspace.compiler(over, args.color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let matcher = match compiler.matcher(&args.query) {
        Ok((matcher, warnings)) => {
            report::eprint(
                &warnings,
                &args.query,
                qc::diagnostic::QUERY_SOURCE,
                Format::Human,
                args.color,
            );
            matcher
        }
        Err(e) => {
            report::eprint(
                e.diagnostics(),
                &args.query,
                qc::diagnostic::QUERY_SOURCE,
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
                    report::eprintln_escaped!("error: cannot read {}: {e}", path.display());
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
    };
    let sorted = matcher.query().sort.is_some();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut tally = Tally::default();
    let mut status = ExitCode::SUCCESS;
    let stop = AtomicBool::new(false);
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(workers * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let outcome = std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (work_rx, stop, matcher) = (&work_rx, &stop, &matcher);
            let max = args.max_line_bytes;
            scope.spawn(move || {
                loop {
                    // A worker that panicked leaves the lock poisoned;
                    // the others go on (the panic is raised at the end).
                    let chunk = work_rx
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok(chunk) = chunk else { break };
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if done_tx.send(evaluate(&chunk, matcher, max)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut printer = Printer {
            next: 0,
            waiting: BTreeMap::new(),
            strict: args.strict,
            name: &name,
            progress: &progress,
            held: sorted.then(|| Held {
                max: args.max_sort_bytes,
                ..Held::default()
            }),
        };
        let mut seq = 0;
        let mut line_no = 0u64;
        let mut read_error = None;
        // Read, hand out and print in turn; `Some` once printing stops.
        let mut ended: Option<Stop> = None;
        'read: loop {
            let mut chunk = Chunk {
                seq,
                first_line: line_no + 1,
                data: Vec::with_capacity(CHUNK_BYTES + (CHUNK_BYTES >> 2)),
                ..Chunk::default()
            };
            let mut at_end = false;
            while chunk.data.len() < CHUNK_BYTES {
                let start = chunk.data.len();
                match lines.next_line(&mut chunk.data) {
                    Ok(Some((Line::Text, consumed))) => {
                        chunk.lines.push(ChunkLine::Text(start..chunk.data.len()));
                        chunk.bytes += consumed;
                    }
                    Ok(Some((Line::TooLong(len), consumed))) => {
                        chunk.lines.push(ChunkLine::TooLong(len));
                        chunk.bytes += consumed;
                    }
                    Ok(None) => {
                        at_end = true;
                        break;
                    }
                    Err(e) => {
                        read_error = Some(e);
                        at_end = true;
                        break;
                    }
                }
                line_no += 1;
            }
            if !chunk.lines.is_empty() {
                seq += 1;
                if work_tx.send(chunk).is_err() {
                    break 'read;
                }
            }
            // Print what is ready, without waiting.
            while let Ok(done) = done_rx.try_recv() {
                if let Some(s) = printer.take(done, &mut out, &mut tally) {
                    ended = Some(s);
                    break 'read;
                }
            }
            if at_end {
                break;
            }
        }
        drop(work_tx);
        if ended.is_none() {
            // Everything is handed out: print the rest as it comes.
            while printer.next < seq {
                let Ok(done) = done_rx.recv() else { break };
                if let Some(s) = printer.take(done, &mut out, &mut tally) {
                    ended = Some(s);
                    break;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        let ended = match ended {
            Some(s) => Some(s),
            None => read_error.map(Stop::ReadError),
        };
        // The matches held for `ORDER BY`, in order: every match read
        // (before a malformed line, with `--strict`).
        if let (Some(held), None | Some(Stop::Strict(_) | Stop::ReadError(_))) =
            (printer.held.take(), &ended)
            && held.write(&mut out).is_err()
        {
            return Some(Stop::Closed);
        }
        ended
    });
    match outcome {
        Some(Stop::Closed) => {
            // The reader went away (e.g. `| head`): stop quietly.
            progress.finish_and_clear();
            return ExitCode::SUCCESS;
        }
        Some(Stop::TooMany(max)) => {
            progress.finish_and_clear();
            report::eprintln_escaped!(
                "error: ORDER BY holds the matching lines in memory to sort them, and they take more than {max} bytes (--max-sort-bytes); raise it, or narrow the query"
            );
            return ExitCode::from(EXIT_BOUND);
        }
        Some(Stop::Strict(at)) => {
            status = ExitCode::from(EXIT_INVALID);
            tally.stopped = Some(at);
        }
        Some(Stop::ReadError(e)) => {
            progress.suspend(|| report::eprintln_escaped!("error: cannot read {name}: {e}"));
            status = ExitCode::from(EXIT_USAGE);
        }
        None => {}
    }
    let Tally {
        records,
        matched,
        skipped,
        stopped,
    } = tally;
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
    crate::out::eline(format_args!("matched {matched} of {records}{note}"));
    status
}

/// Counts for the summary.
#[derive(Default)]
struct Tally {
    records: u64,
    matched: u64,
    skipped: u64,
    stopped: Option<u64>,
}

/// Why the reading stopped early.
enum Stop {
    /// Standard output was closed.
    Closed,
    /// A malformed line, at this line number, with `--strict`.
    Strict(u64),
    /// The input could not be read.
    ReadError(io::Error),
    /// The matches held for `ORDER BY` went over this many bytes.
    TooMany(usize),
}

/// The matching lines held for `ORDER BY`: the chunks' output, and each
/// line's key and place in it.
#[derive(Default)]
struct Held {
    chunks: Vec<Vec<u8>>,
    /// In input order, so that a stable sort keeps it for equal keys.
    lines: Vec<(SortKey, usize, Range<usize>)>,
    /// What they take, roughly: the lines' bytes and their keys.
    bytes: usize,
    /// The most they may take (`--max-sort-bytes`).
    max: usize,
}

impl Held {
    /// Holds the lines of `done` whose bytes lie within `upto` of its
    /// output; `Err` with the bound when that goes over it.
    fn hold(&mut self, done: &mut Done, upto: usize) -> Result<(), Stop> {
        let chunk = self.chunks.len();
        let mut kept = 0;
        for (key, range) in done.keys.drain(..) {
            if range.end > upto {
                break;
            }
            kept = range.end;
            self.bytes += range.len()
                + key.heap_bytes()
                + std::mem::size_of::<(SortKey, usize, Range<usize>)>();
            self.lines.push((key, chunk, range));
        }
        if self.bytes > self.max {
            return Err(Stop::TooMany(self.max));
        }
        if kept > 0 {
            // What is kept is what was counted.
            done.out.truncate(kept);
            done.out.shrink_to_fit();
            self.chunks.push(std::mem::take(&mut done.out));
        }
        Ok(())
    }

    /// Writes the lines in the order of their keys.
    fn write(mut self, out: &mut impl Write) -> io::Result<()> {
        self.lines.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, chunk, range) in &self.lines {
            let bytes = self
                .chunks
                .get(*chunk)
                .and_then(|c| c.get(range.clone()))
                .unwrap_or_default();
            out.write_all(bytes)?;
        }
        Ok(())
    }
}

/// Prints evaluated chunks in input order.
struct Printer<'a> {
    /// The chunk to print next.
    next: u64,
    /// Chunks that came before their turn.
    waiting: BTreeMap<u64, Done>,
    strict: bool,
    name: &'a str,
    progress: &'a ProgressBar,
    /// For `ORDER BY`: the matches held instead of printed.
    held: Option<Held>,
}

impl Printer<'_> {
    /// Takes a chunk and prints every chunk whose turn has come; `Some`
    /// when printing must stop.
    fn take(&mut self, done: Done, out: &mut impl Write, tally: &mut Tally) -> Option<Stop> {
        self.waiting.insert(done.seq, done);
        while let Some(done) = self.waiting.remove(&self.next) {
            self.next += 1;
            if let Some(stop) = self.print(done, out, tally) {
                return Some(stop);
            }
        }
        None
    }

    fn print(&mut self, mut done: Done, out: &mut impl Write, tally: &mut Tally) -> Option<Stop> {
        let mut from = 0;
        for p in &done.problems {
            if self.held.is_none() {
                let upto = done.out.get(from..p.out_len).unwrap_or_default();
                if out.write_all(upto).is_err() {
                    return Some(Stop::Closed);
                }
            }
            from = p.out_len;
            let (name, line_no, why) = (self.name, p.line_no, &p.why);
            if self.strict {
                tally.records += p.records;
                tally.matched += p.matched;
                self.progress
                    .suspend(|| report::eprintln_escaped!("error: {name}:{line_no}: {why}"));
                let upto = p.out_len;
                if let Some(held) = &mut self.held
                    && let Err(stop) = held.hold(&mut done, upto)
                {
                    return Some(stop);
                }
                return Some(Stop::Strict(line_no));
            }
            tally.skipped += 1;
            self.progress.suspend(|| {
                report::eprintln_escaped!("warning: {name}:{line_no}: {why}; line skipped")
            });
        }
        match &mut self.held {
            Some(held) => {
                let upto = done.out.len();
                if let Err(stop) = held.hold(&mut done, upto) {
                    return Some(stop);
                }
            }
            None => {
                if out
                    .write_all(done.out.get(from..).unwrap_or_default())
                    .is_err()
                {
                    return Some(Stop::Closed);
                }
            }
        }
        tally.records += done.records;
        tally.matched += done.matched;
        self.progress.inc(done.bytes);
        None
    }
}
