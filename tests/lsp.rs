//! The real `qc lsp` binary, driven over its stdio with LSP framing; and
//! one property, over hundreds of sessions, run with the same server in
//! this process (`qc::lsp::serve` over bytes in memory).
//!
//! Every wait has a deadline, so a hung server fails the test instead of
//! hanging it; no test measures speed (`benches/lsp.rs` does).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_secs(20);
const URI: &str = "file:///tmp/query.qc";

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
}

/// Reads one `Content-Length` framed JSON body.
fn read_frame(r: &mut impl BufRead) -> Option<Value> {
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
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(capabilities: Value) -> Client {
        Client::start_with(capabilities, Value::Null)
    }

    /// A server initialised with `initializationOptions`.
    fn start_with(capabilities: Value, options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("qc lsp starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            notifications: Vec::new(),
        };
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        client.notify("initialized", json!({}));
        client
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(&body.to_string());
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let body =
            json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params});
        self.send_raw(&body.to_string());
        self.next_id
    }

    /// The next message the server sends, within the deadline.
    fn recv(&mut self) -> Value {
        match self.incoming.recv_timeout(DEADLINE) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {DEADLINE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Waits for the response with `id` (null for errors without an id).
    fn response(&mut self, id: Value) -> Value {
        loop {
            let v = self.recv();
            if v.get("method").is_some() {
                self.notifications.push(v);
            } else if v["id"] == id {
                return v;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(json!(id))
    }

    /// Waits for the next `publishDiagnostics` and returns its diagnostics.
    fn diagnostics(&mut self) -> Vec<Value> {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == "textDocument/publishDiagnostics")
        {
            let n = self.notifications.remove(i);
            return n["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let v = self.recv();
            if v["method"] == "textDocument/publishDiagnostics" {
                return v["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    fn open(&mut self, text: &str) -> Vec<Value> {
        self.open_at(URI, text)
    }

    fn open_at(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "qc", "version": 1, "text": text}}),
        );
        self.diagnostics()
    }

    /// `shutdown` then `exit`; returns the exit status.
    fn shutdown(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        drop(self.stdin);
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().expect("exited, not killed");
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("the server did not exit after `exit`");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

fn position(line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
}

/// `"Zoë 😀"` is 7 UTF-16 code units but 11 bytes: an error after it must
/// land on the UTF-16 column by default, on the byte column when the
/// client offers UTF-8.
const EMOJI_QUERY: &str = "source.subject = \"Zoë 😀\" AND stat = open";

#[test]
fn diagnostics_at_utf16_positions_after_an_emoji() {
    let mut c = Client::start(json!({}));
    let diagnostics = c.open(EMOJI_QUERY);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["range"], range(0, 30, 0, 34));
    assert_eq!(d["code"], "E0101");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "qc");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("did you mean `state`?"),
        "{d}"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let mut c = Client::start(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    let diagnostics = c.open(EMOJI_QUERY);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"], range(0, 33, 0, 37));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn multi_line_query_reports_every_problem_with_related_information() {
    let mut c = Client::start(json!({}));
    let diagnostics = c.open("state = opne\n  AND stat = 1\n  AND (read = tru");
    let summary: Vec<(String, Value)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["range"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("E0104".to_owned(), range(0, 8, 0, 12)),
            ("E0101".to_owned(), range(1, 6, 1, 10)),
            ("E0103".to_owned(), range(2, 14, 2, 17)),
            ("E0004".to_owned(), range(2, 17, 2, 17)),
        ]
    );
    let unclosed = &diagnostics[3];
    assert_eq!(
        unclosed["relatedInformation"][0]["location"]["range"],
        range(2, 6, 2, 7)
    );
    assert_eq!(unclosed["relatedInformation"][0]["location"]["uri"], URI);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn completion_hover_and_quick_fix() {
    let mut c = Client::start(json!({}));
    c.open("state = ");
    let r = c.request("textDocument/completion", position(0, 8));
    let labels: Vec<&str> = r["result"]
        .as_array()
        .expect("a list of items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["open", "closed", "snoozed"]);

    // Incremental change: replace the whole line with a new query.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2},
               "contentChanges": [{"range": range(0, 0, 0, 8), "text": "created_at > now-7d AND stat = open"}]}),
    );
    let diagnostics = c.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"], range(0, 24, 0, 28));

    let r = c.request("textDocument/hover", position(0, 3));
    let contents = r["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        contents.contains("created_at") && contents.contains("Date"),
        "{r}"
    );
    assert_eq!(r["result"]["range"], range(0, 0, 0, 10));

    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": range(0, 25, 0, 25),
               "context": {"diagnostics": diagnostics}}),
    );
    let actions = r["result"].as_array().expect("a list of actions");
    assert_eq!(actions.len(), 1, "{r}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(
        actions[0]["edit"]["changes"][URI],
        json!([{"range": range(0, 24, 0, 28), "newText": "state"}])
    );

    // Apply the fix as the editor would: the diagnostics clear.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3},
               "contentChanges": [{"range": range(0, 24, 0, 28), "text": "state"}]}),
    );
    assert_eq!(c.diagnostics(), Vec::<Value>::new());
    // A full-text change works too.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [{"text": "read = tru"}]}),
    );
    let diagnostics = c.diagnostics();
    assert_eq!(diagnostics[0]["code"], "E0103");
    assert_eq!(c.shutdown(), 0);
}

/// Completion far into a long document after edits in its middle answers
/// as reading the whole text would: the server keeps states across edits,
/// and an edit that changes what follows (a quote that opens a string to
/// the end) must not leave stale ones.
#[test]
fn completion_in_a_long_document_follows_its_edits() {
    let labels = |r: &Value| -> Vec<String> {
        r["result"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i["label"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let expected = |text: &str, line: usize, character: usize| -> Vec<String> {
        let offset: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        qc::ide::complete(text, offset + character, &qc::Schema::conversations())
            .into_iter()
            .map(|c| c.label)
            .collect()
    };
    let mut text = "(state = open OR priority = priority) AND\n".repeat(400);
    text.push_str("read = ");
    let mut c = Client::start(json!({}));
    c.open(&text);
    let end = (400usize, 7usize);
    let r = c.request(
        "textDocument/completion",
        position(end.0 as u32, end.1 as u32),
    );
    assert_eq!(labels(&r), ["true", "false"]);
    // (line, start, end, new text): a value in the middle becomes an
    // unterminated string, then a field, then the string closes.
    let edits = [
        (200, 9, 13, "\"open"),
        (300, 1, 6, "priority"),
        (200, 9, 14, "open"),
        (100, 0, 0, "NOT "),
    ];
    for (version, (line, from, to, with)) in edits.into_iter().enumerate() {
        let offset: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        text.replace_range(offset + from..offset + to, with);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version + 2},
                   "contentChanges": [{"range": range(line as u32, from as u32, line as u32, to as u32), "text": with}]}),
        );
        c.diagnostics();
        for (line, character) in [(line + 1, 0), end] {
            let r = c.request(
                "textDocument/completion",
                position(line as u32, character as u32),
            );
            assert_eq!(
                labels(&r),
                expected(&text, line, character),
                "after {with:?}"
            );
        }
    }
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn malformed_messages_are_answered_and_survived() {
    let mut c = Client::start(json!({}));
    c.send_raw("this body is not JSON");
    let r = c.response(Value::Null);
    assert_eq!(r["error"]["code"], -32700, "{r}");

    c.send_raw(r#"{"jsonrpc":"2.0","id":99,"params":{}}"#);
    let r = c.response(json!(99));
    assert_eq!(r["error"]["code"], -32600, "{r}");

    let r = c.request("qc/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");

    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": "file:///never-opened.qc"}, "position": {"line": 0, "character": 0}}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("not open"),
        "{r}"
    );

    let r = c.request("textDocument/completion", json!({"bogus": true}));
    assert_eq!(r["error"]["code"], -32602, "{r}");

    // Notifications that cannot be used are ignored (and logged).
    c.notify("textDocument/didChange", json!({"nonsense": 1}));
    c.notify("qc/unknownNotification", json!({}));

    // Still serving.
    let diagnostics = c.open("stat = open");
    assert_eq!(diagnostics[0]["code"], "E0101");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_status_one() {
    let mut c = Client::start(json!({}));
    c.notify("exit", Value::Null);
    drop(c.stdin);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = c.child.try_wait().expect("wait") {
            break s;
        }
        assert!(start.elapsed() < DEADLINE, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}

#[test]
fn quick_fix_turns_equals_with_a_list_into_in() {
    let mut c = Client::start(json!({}));
    let diagnostics = c.open("tag_ids = [1, 2]");
    assert_eq!(diagnostics[0]["code"], "E0105");
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": range(0, 0, 0, 16),
               "context": {"diagnostics": diagnostics}}),
    );
    assert_eq!(
        r["result"][0]["edit"]["changes"][URI],
        json!([{"range": range(0, 8, 0, 9), "newText": "IN"}]),
        "{r}"
    );
    assert_eq!(c.shutdown(), 0);
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

/// `initializationOptions` set the target, and the `qc.toml` nearest a
/// document (with its schema file, relative to it) overrides them.
#[test]
fn settings_from_initialization_options_and_qc_toml() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("queries")).expect("mkdir");
    std::fs::write(
        project.join("qc.toml"),
        "target = \"contacts\"\nschema = [\"attributes.json\"]\ntimezone = \"Europe/Paris\"\n",
    )
    .expect("write qc.toml");
    std::fs::write(
        project.join("attributes.json"),
        r#"{"type": "list", "data": [{"model": "contact", "full_name": "custom_attributes.plan",
            "data_type": "string", "options": ["free", "pro"]}]}"#,
    )
    .expect("write the schema");
    let mut c = Client::start_with(json!({}), json!({"target": "tickets"}));

    // Outside the project: the client's target, tickets.
    let outside = format!("file://{}/query.qc", dir.path().display());
    assert!(c.open_at(&outside, "ticket_type_id = 1").is_empty());
    assert_eq!(codes(&c.open_at(&outside, "role = lead")), ["E0101"]);

    // In the project: contacts, with the workspace's attributes.
    let inside = format!("file://{}/queries/q.qc", project.display());
    assert!(
        c.open_at(&inside, "role = lead AND custom_attributes.plan = pro")
            .is_empty()
    );
    let d = c.open_at(&inside, "custom_attributes.plan = prp");
    assert_eq!(codes(&d), ["E0104"], "{d:?}");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("free, pro")
    );
    // Completion offers the attribute, in the table's order.
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": inside}, "position": {"line": 0, "character": 0}}),
    );
    let response = items.clone();
    let items = items["result"].as_array().cloned().unwrap_or_default();
    assert!(
        items.iter().any(|i| i["label"] == "custom_attributes.plan"),
        "{response}"
    );
    let sort: Vec<&str> = items
        .iter()
        .filter_map(|i| i["sortText"].as_str())
        .collect();
    let mut sorted = sort.clone();
    sorted.sort_unstable();
    assert_eq!(sort, sorted, "sortText keeps the table's order");
    assert_eq!(c.shutdown(), 0);
}

/// `initializationOptions` set the API version: 2.16 contacts have
/// `formatted_phone` and a String `owner_id`.
#[test]
fn the_api_version_from_initialization_options() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let uri = format!("file://{}/query.qc", dir.path().display());
    let mut c = Client::start_with(
        json!({}),
        json!({"target": "contacts", "api_version": "2.16"}),
    );
    assert!(c.open_at(&uri, "formatted_phone ^ \"+33\"").is_empty());
    assert_eq!(codes(&c.open_at(&uri, "owner_id > 5")), ["E0102"]);
    assert_eq!(c.shutdown(), 0);
    let mut c = Client::start_with(json!({}), json!({"target": "contacts"}));
    assert_eq!(codes(&c.open_at(&uri, "formatted_phone ^ x")), ["E0101"]);
    assert_eq!(c.shutdown(), 0);
}

/// A broken `qc.toml` is reported to the client, and the server keeps
/// serving with the built-in schema.
#[test]
fn a_broken_qc_toml_is_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("qc.toml"), "target = \"accounts\"\n").expect("write");
    let mut c = Client::start(json!({}));
    let uri = format!("file://{}/q.qc", dir.path().display());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "qc", "version": 1, "text": "state = open"}}),
    );
    let log = loop {
        let v = c.recv();
        if v["method"] == "window/logMessage" {
            break v;
        }
    };
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown target `accounts`"),
        "{log}"
    );
    assert!(c.diagnostics().is_empty());
    assert_eq!(c.shutdown(), 0);
}

/// A document whose optimisation is the hardest (ORs that share their
/// comparisons, about 100 KB) is diagnosed within the editor's smaller
/// budget of steps, which E0203 names (a tenth of the command line's), and
/// a completion right after it is answered: nothing waits behind the
/// search. (The work is bounded by the steps, not checked by the clock.)
#[test]
fn a_hostile_document_is_diagnosed_within_the_editors_budget() {
    let chained: Vec<String> = (0..2_048)
        .map(|g| format!("(source.subject ~ w{g} OR source.subject ~ w{})", g + 1))
        .collect();
    let text = chained.join(" AND ");
    let mut c = Client::start(json!({}));
    let diagnostics = c.open(&text);
    let first = diagnostics.first().expect("a diagnostic");
    assert_eq!(first["code"], "E0203", "{first}");
    let message = first["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("budget of 100000 steps ran out"),
        "{message}"
    );
    let r = c.request("textDocument/completion", position(0, 1));
    assert!(r["result"].is_array(), "{r}");
    assert_eq!(c.shutdown(), 0);
}

/// A `qc.toml` naming an endless schema file (`/dev/zero`) is read through
/// the bounded reader: it stops at its limit of bytes, the server says
/// why on its log, and keeps serving with the built-in schema.
#[cfg(unix)]
#[test]
fn an_endless_schema_file_named_by_qc_toml_is_refused_quickly() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("qc.toml"), "schema = [\"/dev/zero\"]\n").expect("written");
    let uri = format!("file://{}/q.qc", dir.path().display());
    let mut c = Client::start(json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "qc", "version": 1, "text": "state = open"}}),
    );
    let mut logged = Vec::new();
    let diagnostics = loop {
        let v = c.recv();
        if v["method"] == "window/logMessage" {
            logged.push(
                v["params"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        } else if v["method"] == "textDocument/publishDiagnostics" {
            break v["params"]["diagnostics"].clone();
        }
    };
    assert_eq!(diagnostics, json!([]));
    assert!(
        logged
            .iter()
            .any(|m| m.contains("/dev/zero") && m.contains("over the limit of 16777216 bytes")),
        "{logged:?}"
    );
    assert_eq!(c.shutdown(), 0);
}

/// The LSP position of byte `offset` of `text`: its line, and the UTF-16
/// units before it on that line.
fn lsp_position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[start..offset].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// Hover after edits answers from the tree the server kept for the
/// document's version; a fresh server, given the same text whole,
/// parses it anew. Their answers are the same at every position tried,
/// after each edit (several changes in one message, a full-text change,
/// a string left open to the end and closed again).
#[test]
fn hover_after_edits_is_a_fresh_servers_hover() {
    let mut text = "(state = open OR created_at > 2024-01-15) AND\n".repeat(300);
    text.push_str("read = true AND priority = priority");
    let mut edited = Client::start(json!({}));
    edited.open(&text);
    // Each edit: the changes of one message, as (line, first column, end
    // column, new text) of the text as the change before it left it;
    // `None`: the whole text.
    type Change = (Option<(usize, usize, usize)>, &'static str);
    let edits: Vec<Vec<Change>> = vec![
        vec![(Some((150, 9, 13)), "closed")],
        vec![(Some((10, 0, 0)), "NOT "), (Some((200, 1, 6)), "tag_ids")],
        vec![(Some((100, 9, 9)), "\"")],
        vec![(Some((100, 9, 10)), "")],
        vec![(Some((5, 17, 40)), "statistics.count_reopens >= 3")],
        vec![(
            None,
            "created_at >= 2024-01-01 AND stat = open\nOR read = false",
        )],
        vec![(Some((0, 0, 0)), "priority = priority AND ")],
    ];
    for (i, edit) in edits.iter().enumerate() {
        let version = i + 2;
        let mut changes = Vec::new();
        let mut touched = Vec::new();
        for (span, with) in edit {
            match span {
                Some((line, from, to)) => {
                    let start: usize = text.split_inclusive('\n').take(*line).map(str::len).sum();
                    let (a, b) = (start + from, start + to);
                    let r = json!({"start": lsp_position(&text, a), "end": lsp_position(&text, b)});
                    text.replace_range(a..b, with);
                    changes.push(json!({"range": r, "text": with}));
                    touched.push(a);
                }
                None => {
                    text = (*with).to_owned();
                    changes.push(json!({"text": with}));
                }
            }
        }
        edited.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": changes}),
        );
        let diagnostics = edited.diagnostics();
        let mut fresh = Client::start(json!({}));
        assert_eq!(fresh.open(&text), diagnostics, "version {version}");
        // Every field, operator and value of the lines edited, the first
        // and the last, and past the end.
        let mut offsets: Vec<usize> = (0..text.len().min(120)).collect();
        offsets.extend(text.len().saturating_sub(80)..=text.len());
        for a in touched {
            offsets.extend(a.saturating_sub(20)..(a + 40).min(text.len()));
        }
        let mut answered = 0;
        for offset in offsets.into_iter().filter(|&o| text.is_char_boundary(o)) {
            let p = json!({"textDocument": {"uri": URI}, "position": lsp_position(&text, offset)});
            let got = edited.request("textDocument/hover", p.clone());
            let want = fresh.request("textDocument/hover", p);
            assert_eq!(
                got["result"], want["result"],
                "version {version}, byte {offset}"
            );
            answered += usize::from(!got["result"].is_null());
        }
        assert!(answered > 0, "version {version}: no hover was tried");
        assert_eq!(fresh.shutdown(), 0);
    }
    assert_eq!(edited.shutdown(), 0);
}

/// A document over the input limit is not parsed to diagnose it; hover
/// parses it then, and answers as for any document.
#[test]
fn hover_in_a_document_over_the_input_limit() {
    let line = "(state = open OR created_at > 2024-01-15) AND\n";
    let lines = (1 << 20) / line.len() + 1;
    let mut text = line.repeat(lines);
    text.push_str("read = true");
    let mut c = Client::start(json!({}));
    let diagnostics = c.open(&text);
    assert_eq!(codes(&diagnostics), ["E0008"], "{diagnostics:?}");
    let r = c.request("textDocument/hover", position(lines as u32, 1));
    assert_eq!(
        r["result"]["range"],
        range(lines as u32, 0, lines as u32, 4)
    );
    let want =
        qc::ide::hover(&text, text.len() - 10, &qc::Schema::conversations()).expect("a field");
    assert_eq!(r["result"]["contents"]["value"], want.contents.as_str());
    let r = c.request("textDocument/hover", position(3, 2));
    assert_eq!(r["result"]["range"], range(3, 1, 3, 6), "{r}");
    assert_eq!(c.shutdown(), 0);
}

/// One session of the server, run in this process (`qc::lsp::serve`) over
/// `messages`: the responses, by id.
fn session(messages: &[Value]) -> std::collections::HashMap<i64, Value> {
    let mut input = String::new();
    for m in messages {
        let body = m.to_string();
        input.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    }
    let mut output = Vec::new();
    let status = qc::lsp::serve(input.as_bytes(), &mut output).expect("served from memory");
    assert_eq!(status, 0);
    let mut r = BufReader::new(output.as_slice());
    let mut responses = std::collections::HashMap::new();
    while let Some(v) = read_frame(&mut r) {
        if let Some(id) = v["id"].as_i64() {
            responses.insert(id, v);
        }
    }
    responses
}

/// The messages that open a session, with `text` open as version 1.
fn opened(text: &str) -> Vec<Value> {
    vec![
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": URI, "languageId": "qc", "version": 1, "text": text}}}),
    ]
}

/// The messages that end a session.
fn closing() -> [Value; 2] {
    [
        json!({"jsonrpc": "2.0", "id": -1, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ]
}

mod kept_tree {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of queries, whole and broken: groups, NOT, lists, absolute
    /// dates (the answer must not move with the clock), quoted names,
    /// comments, ORDER BY, characters of several bytes and of two UTF-16
    /// units.
    const PIECES: &[&str] = &[
        "state = open",
        "created_at > 2024-01-15",
        "tag_ids IN [1, 2]",
        "\"source.subject\" ~ refund",
        "statistics.count_reopens >= 3",
        "read = true",
        "stat = open",
        " AND ",
        " OR ",
        "NOT ",
        "(",
        ")",
        "\n",
        " # note\n",
        "\"",
        "é",
        "😀",
        " = ",
        "[",
        ", ",
        "priority",
        " ORDER BY updated_at DESC",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
    }

    /// The char boundary at `fraction` of `text`.
    fn boundary(text: &str, fraction: f64) -> usize {
        let mut at = ((text.len() as f64) * fraction) as usize;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// After any incremental edits, hover (and the quick fixes) from
        /// the tree and diagnostics kept for the document's version are
        /// those of a server that parses the same text afresh.
        #[test]
        fn hover_from_the_kept_tree_is_hover_from_a_fresh_parse(
            start in text(),
            edits in prop::collection::vec(
                prop::collection::vec((0.0..1.0f64, 0.0..0.3f64, text()), 1..3),
                1..5,
            ),
            cursors in prop::collection::vec(0.0..=1.0f64, 1..10),
        ) {
            let mut text = start.clone();
            let mut edited = opened(&start);
            let mut fresh = Vec::new();
            let mut id = 0;
            let mut ask = |text: &str, edited: &mut Vec<Value>, fresh: &mut Vec<Vec<Value>>| {
                let mut one = opened(text);
                for &c in &cursors {
                    let p = json!({"textDocument": {"uri": URI}, "position": lsp_position(text, boundary(text, c))});
                    let everything = json!({"textDocument": {"uri": URI},
                        "range": {"start": {"line": 0, "character": 0}, "end": lsp_position(text, text.len())},
                        "context": {"diagnostics": []}});
                    for (method, params) in [("textDocument/hover", p), ("textDocument/codeAction", everything)] {
                        id += 1;
                        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
                        edited.push(request.clone());
                        one.push(request);
                    }
                }
                one.extend(closing());
                fresh.push(one);
            };
            ask(&text, &mut edited, &mut fresh);
            for (i, changes) in edits.iter().enumerate() {
                let mut sent = Vec::new();
                for (at, width, with) in changes {
                    let a = boundary(&text, *at);
                    let b = boundary(&text, (*at + width).min(1.0)).max(a);
                    sent.push(json!({"range": {"start": lsp_position(&text, a), "end": lsp_position(&text, b)}, "text": with}));
                    text.replace_range(a..b, with);
                }
                edited.push(json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": URI, "version": i + 2}, "contentChanges": sent}}));
                ask(&text, &mut edited, &mut fresh);
            }
            edited.extend(closing());
            let got = session(&edited);
            let mut compared = 0;
            for one in &fresh {
                for (id, want) in session(one).into_iter().filter(|(id, _)| *id > 0) {
                    prop_assert_eq!(&got[&id]["result"], &want["result"], "request {} of {:?}", id, text);
                    prop_assert!(want.get("error").is_none(), "{}", want);
                    compared += 1;
                }
            }
            prop_assert_eq!(compared, 2 * cursors.len() * (edits.len() + 1));
        }
    }
}
