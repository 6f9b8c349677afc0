//! The language server on a long document: the real `qc lsp` binary,
//! driven over its stdio with LSP framing, as an editor drives it.
//!
//! A document of 10,000 lines (a query as `qc fmt` prints it, one
//! comparison a line, in groups of ten) is opened; then, ROUNDS times, one
//! line is edited (an incremental change) and the time until the server
//! publishes the diagnostics of that version is measured, and a completion
//! is requested in the middle of the document, and another at its end,
//! and the time until each response is measured, and a hover at the end.
//! Targets: diagnostics within 5 ms of a change, completion and hover
//! within 1 ms. The server keeps the syntax tree it diagnosed each version
//! of the document with, so a hover looks up the node at the cursor; what
//! a hover cost when it parsed the whole document (`qc::ide::hover`) is
//! measured too, in this process.
//!
//! Run with `cargo bench --bench lsp` (`ROUNDS=200` by default; `LINES` sets
//! the document's length). `QC_BASELINE=path/to/qc` measures another build
//! in the same run, the two servers taking turns round by round.

mod harness;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const URI: &str = "file:///tmp/long.qc";
const DEADLINE: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<(Instant, Value)>,
    next_id: i64,
}

/// One `Content-Length` framed body, as bytes.
fn read_frame(r: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    Some(body)
}

impl Client {
    /// Starts `qc lsp` from `binary` and initialises it.
    fn start(binary: &str) -> Client {
        let mut child = Command::new(binary)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("qc lsp starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, incoming) = channel();
        // Messages are stamped when their last byte arrives, before the
        // client parses them.
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(body) = read_frame(&mut r) {
                let at = Instant::now();
                let Ok(v) = serde_json::from_slice(&body) else {
                    break;
                };
                if tx.send((at, v)).is_err() {
                    break;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            incoming,
            next_id: 0,
        };
        let id = c.send_request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        c.wait(|v| v["id"] == id);
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, body: &Value) -> Instant {
        let body = body.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
        Instant::now()
    }

    fn notify(&mut self, method: &str, params: Value) -> Instant {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The first message that `matches`, and when it arrived.
    fn wait(&mut self, matches: impl Fn(&Value) -> bool) -> (Instant, Value) {
        loop {
            let (at, v) = self
                .incoming
                .recv_timeout(DEADLINE)
                .expect("the server answers in time");
            if matches(&v) {
                return (at, v);
            }
        }
    }

    /// A request about the document's position `line`:`character`: its
    /// response, and the time until it arrived.
    fn at_position(&mut self, method: &str, line: u32, character: u32) -> (Duration, Value) {
        self.next_id += 1;
        let id = self.next_id;
        let sent = self.send(&json!({
            "jsonrpc": "2.0", "id": id, "method": method,
            "params": {"textDocument": {"uri": URI},
                       "position": {"line": line, "character": character}},
        }));
        let (at, v) = self.wait(|v| v["id"] == id);
        assert!(v.get("error").is_none(), "{v}");
        (at - sent, v)
    }

    /// A completion at `line`:`character`: the time to its response.
    fn complete(&mut self, line: u32, character: u32) -> Duration {
        let (time, v) = self.at_position("textDocument/completion", line, character);
        assert!(
            v["result"]
                .as_array()
                .is_some_and(|items| !items.is_empty()),
            "{v}"
        );
        time
    }

    /// A hover at `line`:`character`: the time to its response.
    fn hover(&mut self, line: u32, character: u32) -> Duration {
        let (time, v) = self.at_position("textDocument/hover", line, character);
        assert!(v["result"]["contents"].is_object(), "{v}");
        time
    }

    fn diagnostics_of(&mut self, version: i64) -> (Instant, usize) {
        let (at, v) = self.wait(|v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["version"] == version
        });
        let n = v["params"]["diagnostics"].as_array().map_or(0, Vec::len);
        (at, n)
    }
}

/// A query of `lines` lines, as `qc fmt` prints a long one: an AND of
/// parenthesised OR groups of ten comparisons, one a line.
fn document(lines: usize) -> String {
    let kinds = [
        "state = open",
        "statistics.count_reopens > 3",
        "created_at > 2024-01-15",
        "source.author.email $ \"@example.com\"",
        "tag_ids IN [1, 2, 3]",
        "priority = priority",
        "source.subject ~ \"refund\"",
        "read = false",
        "updated_at < now-7d",
        "admin_assignee_id = 5017691",
    ];
    let mut out = String::new();
    let mut n = 0;
    while n + 2 <= lines {
        out.push_str(if n == 0 { "(\n" } else { "AND (\n" });
        n += 1;
        for (i, k) in kinds.iter().enumerate() {
            if n + 1 >= lines {
                break;
            }
            out.push_str(if i == 0 { "    " } else { "    OR " });
            out.push_str(k);
            out.push('\n');
            n += 1;
        }
        out.push_str(")\n");
        n += 1;
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn report(what: &str, target: Option<Duration>, mut times: Vec<Duration>) {
    times.sort();
    let median = percentile(&times, 0.5);
    let verdict = match target {
        Some(t) => format!(
            "(target {} ms: {})",
            t.as_secs_f64() * 1e3,
            if median <= t { "met" } else { "not met" }
        ),
        None => "(no target)".to_owned(),
    };
    println!(
        "{what:<12} median {:>8.3} ms  p90 {:>8.3} ms  max {:>8.3} ms  {verdict}",
        median.as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

/// One server under measure: its client and the times of each round.
struct Server {
    name: String,
    client: Client,
    changes: Vec<Duration>,
    completions: Vec<Duration>,
    at_end: Vec<Duration>,
    hovers: Vec<Duration>,
}

impl Server {
    /// Starts `binary` and opens `text` in it.
    fn open(name: &str, binary: &str, text: &str) -> Server {
        let mut client = Client::start(binary);
        let opened = client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "qc", "version": 1, "text": text}}),
        );
        let (at, count) = client.diagnostics_of(1);
        println!(
            "{name}: {binary}; {count} diagnostics; open {:.3} ms",
            (at - opened).as_secs_f64() * 1e3
        );
        Server {
            name: name.to_owned(),
            client,
            changes: Vec::new(),
            completions: Vec::new(),
            at_end: Vec::new(),
            hovers: Vec::new(),
        }
    }

    /// One round: an edit of `line` and its diagnostics, a completion on
    /// the next line and one on line `last`, a hover on line `last`.
    fn round(&mut self, round: usize, line: u32, last: u32) {
        let c = &mut self.client;
        let version = 2 + round as i64;
        let value = if round.is_multiple_of(2) {
            "closed"
        } else {
            "open  "
        };
        let sent = c.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": line, "character": 12},
                              "end": {"line": line, "character": 18}},
                    "text": value,
                }],
            }),
        );
        let (at, _) = c.diagnostics_of(version);
        self.changes.push(at - sent);
        self.completions.push(c.complete(line + 1, 7));
        self.at_end.push(c.complete(last, 7));
        self.hovers.push(c.hover(last, 8));
    }

    fn report(self) {
        println!("{}:", self.name);
        report("diagnostics", Some(Duration::from_millis(5)), self.changes);
        report(
            "completion",
            Some(Duration::from_millis(1)),
            self.completions,
        );
        report("  at the end", Some(Duration::from_millis(1)), self.at_end);
        report("hover at end", Some(Duration::from_millis(1)), self.hovers);
        let mut c = self.client;
        let id = c.send_request("shutdown", Value::Null);
        c.wait(|v| v["id"] == id);
        c.notify("exit", Value::Null);
        let _ = c.child.wait();
    }
}

fn main() {
    if harness::skipped("lsp") {
        return;
    }
    let rounds: usize = harness::env_count("ROUNDS", 200);
    let lines: usize = harness::env_count("LINES", 10_000);
    let text = document(lines);
    println!(
        "document: {} lines, {} bytes",
        text.lines().count(),
        text.len()
    );
    let mut servers = vec![Server::open("this build", env!("CARGO_BIN_EXE_qc"), &text)];
    if let Ok(baseline) = std::env::var("QC_BASELINE") {
        servers.push(Server::open("baseline", &baseline, &text));
    }
    let middle = (text.lines().count() / 2) as u32;
    // The middle group's first comparison line: `    state = open` or
    // `    OR ...`; editing its first comparison's value back and forth.
    let line = (middle / 12) * 12 + 1;
    let last = text.lines().count() as u32 - 2;
    // The servers take turns, round by round, so that both see the same
    // load on the machine.
    for round in 0..rounds {
        for s in &mut servers {
            s.round(round, line, last);
        }
    }
    servers.into_iter().for_each(Server::report);
    // A hover that parses the whole document, in this process (no
    // messages), at the same place: what each hover cost before the server
    // kept the tree.
    let schema = qc::Schema::conversations();
    let offset = text
        .split_inclusive('\n')
        .take(last as usize)
        .map(str::len)
        .sum::<usize>()
        + 8;
    let parsing: Vec<Duration> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            let h = qc::ide::hover(&text, offset, &schema);
            let took = started.elapsed();
            assert!(h.is_some(), "a hover at byte {offset}");
            took
        })
        .collect();
    println!("in this process:");
    report("hover, parsing", None, parsing);
}
