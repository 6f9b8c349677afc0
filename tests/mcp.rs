//! `qc mcp` through the real binary, driven over stdio by a scripted
//! JSON-RPC client (every line it reads is kept, to look for the token)
//! and by rmcp's own client, against the Intercom-compatible server on
//! 127.0.0.1 (`support/intercom.rs`). No test reaches the internet; every
//! wait is bounded.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use qc::Target;
use serde_json::{Value, json};
use support::intercom::{Intercom, Reply, Server, TOKEN, conversations, encode_cursor, unix_now};

/// The longest wait for one answer of the server.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// The query of an assistant that knows the language half well.
const BROKEN: &str = "stat = opne AND created_at > 1717200000000";

/// `qc mcp` running as a child process, and what it said.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Every line read from its stdout.
    transcript: Vec<String>,
    stderr: Arc<Mutex<String>>,
    next_id: u64,
    /// The output schema of each tool, once listed.
    output_schemas: Vec<(String, Value)>,
}

impl Session {
    /// `qc mcp ARGS` with the token in the environment (unless `token` is
    /// `None`), no `qc.toml`, no proxy; initialized.
    fn start(args: &[&str], token: Option<&str>) -> Session {
        let mut session = Session::spawn(args, token);
        let answer = session.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "qc-tests", "version": "0"}
            }),
        );
        assert_eq!(answer["result"]["serverInfo"]["name"], "qc", "{answer}");
        session.notify("notifications/initialized", json!({}));
        session
    }

    fn spawn(args: &[&str], token: Option<&str>) -> Session {
        let mut command = Command::new(env!("CARGO_BIN_EXE_qc"));
        command.arg("mcp").arg("--no-config").args(args);
        for (flag, value) in [("--backoff-base", "1ms"), ("--max-wait", "300ms")] {
            if !args.contains(&flag) {
                command.args([flag, value]);
            }
        }
        command
            .env_remove("INTERCOM_TOKEN")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for proxy in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            command.env_remove(proxy);
        }
        if let Some(token) = token {
            command.env("INTERCOM_TOKEN", token);
        }
        let mut child = command.spawn().expect("qc mcp starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr_pipe = child.stderr.take().expect("stderr");
        let (send, lines) = channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let stderr = Arc::clone(&stderr);
            thread::spawn(move || {
                let mut text = String::new();
                let _ = stderr_pipe.read_to_string(&mut text);
                stderr
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_str(&text);
            });
        }
        Session {
            child,
            stdin,
            lines,
            transcript: Vec::new(),
            stderr,
            next_id: 1,
            output_schemas: Vec::new(),
        }
    }

    fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("write to qc mcp");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send_line(&json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string());
    }

    /// The next message, or `None` when none comes within `timeout`.
    fn next_within(&mut self, timeout: Duration) -> Option<Value> {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => {
                let message: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("stdout carries only JSON-RPC: {e}: {line}"));
                assert_eq!(message["jsonrpc"], "2.0", "{line}");
                self.transcript.push(line);
                Some(message)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                panic!("qc mcp closed stdout; stderr: {}", self.stderr())
            }
        }
    }

    /// The answer to the message `id`, skipping notifications.
    fn answer(&mut self, id: &Value) -> Value {
        let start = Instant::now();
        loop {
            let left = ANSWER_TIMEOUT.saturating_sub(start.elapsed());
            let Some(message) = self.next_within(left) else {
                panic!(
                    "no answer to {id} in {ANSWER_TIMEOUT:?}; stderr: {}",
                    self.stderr()
                );
            };
            if message.get("id") == Some(id) {
                return message;
            }
        }
    }

    /// Sends a request and returns the whole answer.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = json!(self.next_id);
        self.next_id += 1;
        self.send_line(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string(),
        );
        self.answer(&id)
    }

    /// Calls a tool; its result, whose structured content (if any) is
    /// checked against the tool's output schema.
    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        if self.output_schemas.is_empty() {
            self.list_tools();
        }
        let answer = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        let result = answer
            .get("result")
            .unwrap_or_else(|| panic!("a result: {answer}"))
            .clone();
        if let Some(structured) = result.get("structuredContent") {
            let schema = self
                .output_schemas
                .iter()
                .find(|(name, _)| name == tool)
                .map(|(_, s)| s.clone())
                .expect("the tool has an output schema");
            if let Err(e) = jsonschema::validate(&schema, structured) {
                panic!("{tool}'s answer does not fit its output schema: {e}\n{structured}");
            }
            // The text content is the same JSON, for clients that read text.
            let text = result["content"][0]["text"].as_str().unwrap_or_default();
            let parsed: Value = serde_json::from_str(text).expect("the text is the JSON");
            assert_eq!(&parsed, structured);
        }
        result
    }

    fn list_tools(&mut self) -> Vec<Value> {
        let answer = self.request("tools/list", json!({}));
        let tools = answer["result"]["tools"]
            .as_array()
            .unwrap_or_else(|| panic!("tools: {answer}"))
            .clone();
        self.output_schemas = tools
            .iter()
            .filter_map(|t| {
                Some((
                    t["name"].as_str()?.to_owned(),
                    t.get("outputSchema")?.clone(),
                ))
            })
            .collect();
        tools
    }

    fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Closes stdin and waits for the server to exit; everything it wrote
    /// to stdout and stderr, checked for the token.
    fn finish(mut self) -> (String, String) {
        drop(self.stdin.take());
        let start = Instant::now();
        let status = loop {
            match self.child.try_wait().expect("wait") {
                Some(status) => break status,
                None if start.elapsed() > ANSWER_TIMEOUT => {
                    panic!("qc mcp did not exit when stdin closed")
                }
                None => thread::sleep(Duration::from_millis(20)),
            }
        };
        // What it wrote before exiting.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
            self.transcript.push(line);
        }
        assert!(status.success(), "exit status {status}: {}", self.stderr());
        // The stderr reader ends with the process.
        thread::sleep(Duration::from_millis(50));
        let stdout = self.transcript.join("\n");
        let stderr = self.stderr();
        assert!(!stdout.contains(TOKEN), "the token on stdout: {stdout}");
        assert!(!stderr.contains(TOKEN), "the token on stderr: {stderr}");
        (stdout, stderr)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The structured content of a tool's result.
fn structured(result: &Value) -> &Value {
    result
        .get("structuredContent")
        .unwrap_or_else(|| panic!("structured content: {result}"))
}

/// The text of a tool error.
fn error_text(result: &Value) -> String {
    assert_eq!(result["isError"], true, "{result}");
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn ids(output: &Value) -> Vec<String> {
    output["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_owned())
        .collect()
}

#[test]
fn initialize_lists_four_tools_with_valid_schemas_and_the_reference() {
    let mut s = Session::spawn(&["--max-limit", "50"], None);
    let init = s.request(
        "initialize",
        json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "qc-tests", "version": "0"}
        }),
    );
    let result = &init["result"];
    assert_eq!(result["protocolVersion"], "2025-06-18");
    assert_eq!(result["serverInfo"]["name"], "qc");
    assert!(result["capabilities"]["tools"].is_object(), "{init}");
    assert!(result["capabilities"]["resources"].is_object(), "{init}");
    let instructions = result["instructions"].as_str().expect("instructions");
    assert!(
        instructions.contains("`>` greater than (strict)"),
        "{instructions}"
    );
    s.notify("notifications/initialized", json!({}));

    let tools = s.list_tools();
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["check", "explain", "fields", "search"]);
    for tool in &tools {
        for key in ["inputSchema", "outputSchema"] {
            let schema = &tool[key];
            assert_eq!(schema["type"], "object", "{key} of {tool}");
            if let Err(e) = jsonschema::meta::validate(schema) {
                panic!("{key} of {} is no valid JSON Schema: {e}", tool["name"]);
            }
        }
        assert_eq!(tool["annotations"]["readOnlyHint"], true, "{tool}");
        assert!(tool["description"].as_str().is_some_and(|d| d.len() > 40));
    }
    let search = &tools[3];
    assert_eq!(search["inputSchema"]["required"], json!(["query"]));
    assert_eq!(search["inputSchema"]["properties"]["limit"]["maximum"], 50);
    assert_eq!(search["inputSchema"]["properties"]["limit"]["default"], 25);
    let targets = search["inputSchema"].to_string();
    for target in Target::ALL {
        assert!(targets.contains(&format!("\"{target}\"")), "{target}");
    }
    let check_description = tools[0]["description"].as_str().unwrap_or_default();
    assert!(check_description.contains("`fixed`"), "{check_description}");

    let listed = s.request("resources/list", json!({}));
    assert_eq!(
        listed["result"]["resources"][0]["uri"], "qc://reference",
        "{listed}"
    );
    let read = s.request("resources/read", json!({"uri": "qc://reference"}));
    let text = read["result"]["contents"][0]["text"]
        .as_str()
        .expect("text");
    assert_eq!(read["result"]["contents"][0]["mimeType"], "text/markdown");
    assert_eq!(text, qc::mcp::reference(&qc::Settings::default()));
    s.finish();
}

#[test]
fn check_gives_the_diagnostics_and_the_fixed_text_and_the_fix_runs() {
    let mut s = Session::start(&[], None);
    let broken = s.call("check", json!({"query": BROKEN}));
    assert_eq!(broken["isError"], true, "{broken}");
    let out = structured(&broken);
    assert_eq!(out["valid"], false);
    assert_eq!(out["target"], "conversations");
    assert_eq!(out["api_version"], "2.11");
    assert_eq!(out["requests"], json!([]));
    let codes: Vec<&str> = out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["E0101", "E0104", "E0108"], "{out}");
    let first = &out["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["text"], "stat");
    assert_eq!(
        first["range"],
        json!({"start": {"line": 1, "column": 1}, "end": {"line": 1, "column": 5}})
    );
    let replacements: Vec<&str> = out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["fix"]["replacement"].as_str())
        .collect();
    assert_eq!(replacements, ["state", "open", "1717200000"], "{out}");
    let millis = &out["diagnostics"][2];
    assert_eq!(millis["fix"]["replacement"], "1717200000", "{millis}");
    assert_eq!(millis["fix"]["range"]["start"]["column"], 30);
    assert!(
        millis["help"]
            .as_str()
            .is_some_and(|h| h.contains("1717200000"))
    );

    let fixed = out["fixed"].as_str().expect("the fixed text");
    assert_eq!(fixed, "state = open AND created_at > 1717200000");
    let good = s.call("check", json!({"query": fixed}));
    assert_eq!(good["isError"], false, "{good}");
    let out = structured(&good);
    assert_eq!(out["valid"], true);
    assert_eq!(out["diagnostics"], json!([]));
    assert!(out.get("fixed").is_none(), "nothing to fix: {out}");
    assert_eq!(
        out["requests"],
        json!([{"query": {"operator": "AND", "value": [
            {"field": "state", "operator": "=", "value": "open"},
            {"field": "created_at", "operator": ">", "value": "1717200001"}
        ]}}])
    );

    // A warning's fix is offered too, and the query stays valid.
    let quoted = s.call(
        "check",
        json!({"query": "source.subject = \u{201C}refund\u{201D}", "target": "conversations"}),
    );
    let out = structured(&quoted);
    assert_eq!(out["valid"], true, "{out}");
    assert_eq!(out["diagnostics"][0]["code"], "W0011");
    assert_eq!(out["fixed"], "source.subject = \"refund\"");

    // Another target, and one the version lacks.
    let contacts = s.call(
        "check",
        json!({"query": "role = lead", "target": "contacts"}),
    );
    assert_eq!(structured(&contacts)["target"], "contacts");
    let companies = s.call("check", json!({"query": "name = x", "target": "companies"}));
    assert!(
        error_text(&companies).contains("companies search is not in API version 2.11"),
        "{companies}"
    );
    s.finish();
}

#[test]
fn fields_and_explain_answer_from_the_tables() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let schema = dir.path().join("attributes.json");
    std::fs::write(
        &schema,
        r#"{"type": "list", "data": [{"model": "contact", "full_name": "custom_attributes.plan", "data_type": "string"}]}"#,
    )
    .expect("write the schema");
    let schema = schema.to_string_lossy().into_owned();
    let mut s = Session::start(
        &[
            "--target",
            "contacts",
            "--schema",
            &schema,
            "--timezone",
            "Europe/Paris",
        ],
        None,
    );

    let all = s.call("fields", json!({}));
    let out = structured(&all);
    assert_eq!(out["target"], "contacts");
    assert_eq!(out["timezone"], "Europe/Paris");
    let fields = out["fields"].as_array().expect("fields");
    let expected = qc::Settings {
        target: Some("contacts".into()),
        ..qc::Settings::default()
    }
    .schema()
    .expect("contacts")
    .fields()
    .count();
    assert_eq!(fields.len(), expected + 1, "the built-in fields and `plan`");
    let plan = fields.last().expect("a field");
    assert_eq!(plan["name"], "custom_attributes.plan");
    assert_eq!(plan["custom"], true);
    assert_eq!(plan["type"], "String");
    let role = fields.iter().find(|f| f["name"] == "role").expect("role");
    assert_eq!(role["values"], json!(["user", "lead"]));
    assert_eq!(role["operators"], json!(["=", "!=", "IN", "NIN"]));
    let seen = fields
        .iter()
        .find(|f| f["name"] == "last_seen_at")
        .expect("last_seen_at");
    assert_eq!(seen["type"], "Date");
    assert_eq!(seen["compared_by_day_in"], "Europe/Paris");
    assert!(
        out.get("unchecked_prefix").is_none(),
        "the schema describes contacts"
    );

    let some = s.call(
        "fields",
        json!({"target": "conversations", "name_contains": "statistics.time_to"}),
    );
    let names: Vec<&str> = structured(&some)["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("statistics.time_to")));
    let duration = &structured(&some)["fields"][0];
    assert_eq!(duration["unit"], "seconds", "{duration}");

    let explained = s.call("explain", json!({"code": "e0101"}));
    let out = structured(&explained);
    assert_eq!(out["code"], "E0101");
    assert_eq!(out["severity"], "error");
    assert_eq!(out["title"], qc::Code::UnknownField.title());
    assert_eq!(
        out["explanation"],
        qc::Code::UnknownField.explanation().as_ref()
    );
    let unknown = s.call("explain", json!({"code": "E0110x"}));
    let text = error_text(&unknown);
    assert!(
        text.starts_with("unknown code `E0110x` (did you mean `E0110`?)"),
        "{text}"
    );
    s.finish();
}

/// `count` conversations, as `conversations` makes them.
fn intercom(count: usize) -> Server {
    Server::intercom(Intercom::new(Target::Conversations, conversations(count)))
}

#[test]
fn search_returns_projected_results_cut_at_the_limit() {
    let server = intercom(60);
    let url = server.url();
    let mut s = Session::start(&["--base-url", &url, "--max-limit", "40"], Some(TOKEN));

    let seven = s.call("search", json!({"query": "state = open", "limit": 7}));
    assert_eq!(seven["isError"], false, "{seven}");
    let out = structured(&seven);
    assert_eq!(ids(out), ["1", "3", "5", "7", "9", "11", "13"]);
    assert_eq!(out["returned"], 7);
    assert_eq!(out["truncated"], true);
    assert_eq!(out["total_count"], 30);
    assert_eq!(out["limit"], 7);
    assert_eq!(out["requests_sent"], 1);
    assert_eq!(out["valid"], true);
    assert_eq!(
        out["requests"],
        json!([{"query": {"field": "state", "operator": "=", "value": "open"}}])
    );
    // Projected: the id, the summary, the fields named.
    assert_eq!(
        out["results"][0],
        json!({"id": "1", "title": "conversation 1", "state": "open", "created_at": 1_700_000_001})
    );
    // One more than the limit is asked for, to know whether it is cut.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].per_page(), Some(8));
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(requests[0].header("intercom-version"), Some("2.11"));

    // No limit: 25. All 30 fit under 40: not cut.
    let default = s.call("search", json!({"query": "state = open"}));
    assert_eq!(structured(&default)["returned"], 25);
    assert_eq!(structured(&default)["truncated"], true);
    let all = s.call("search", json!({"query": "state = open", "limit": 30}));
    assert_eq!(structured(&all)["truncated"], false);
    assert_eq!(structured(&all)["returned"], 30);

    // Over the cap: the cap, with a note.
    let over = s.call("search", json!({"query": "state = closed", "limit": 1000}));
    let out = structured(&over);
    assert_eq!(out["limit"], 40);
    assert_eq!(out["returned"], 30);
    assert_eq!(out["truncated"], false);
    assert_eq!(
        out["notes"],
        json!(["`limit` 1000 is over this server's cap of 40: 40 used"])
    );

    // The fields a query names come with each result.
    let tagged = s.call(
        "search",
        json!({"query": "tag_ids IN [7] AND state = closed"}),
    );
    let out = structured(&tagged);
    assert_eq!(
        ids(out),
        ["6", "12", "18", "24", "30", "36", "42", "48", "54", "60"]
    );
    assert_eq!(out["results"][0]["tag_ids"], "7");
    s.finish();
}

#[test]
fn search_follows_the_pages_and_runs_a_plan() {
    let mut records = conversations(40);
    for (i, r) in records.iter_mut().enumerate() {
        r["priority"] = json!(if i % 4 < 2 {
            "priority"
        } else {
            "not_priority"
        });
        r["source"] = json!({"subject": if i % 5 == 0 { "a refund" } else { "b" }});
    }
    let server = Server::intercom(Intercom::new(Target::Conversations, records.clone()));
    let url = server.url();
    let mut s = Session::start(&["--base-url", &url, "--per-page", "4"], Some(TOKEN));

    // Several pages, trimmed at the limit.
    let paged = s.call("search", json!({"query": "state = open", "limit": 9}));
    let out = structured(&paged);
    assert_eq!(out["returned"], 9);
    assert_eq!(out["truncated"], true);
    assert_eq!(out["requests_sent"], 3);
    let requests = server.requests();
    let cursors: Vec<Option<String>> = requests.iter().map(|r| r.starting_after()).collect();
    assert_eq!(
        cursors,
        [None, Some(encode_cursor(4)), Some(encode_cursor(8))]
    );

    // A query no single request can express runs as its plan.
    // Neither its CNF (an OR of 17) nor its DNF (16 ANDs and a filter)
    // fits: a plan of 2.
    let ids16: Vec<String> = (1..=16).map(|i| format!("id ~ {i}")).collect();
    let query = &format!(
        "tag_ids = 7 OR (created_at > 1 AND ({}))",
        ids16.join(" OR ")
    );
    let planned = s.call("search", json!({"query": query, "limit": 40}));
    assert_eq!(planned["isError"], false, "{planned}");
    let out = structured(&planned);
    let bodies = out["requests"].as_array().expect("requests");
    assert_eq!(bodies.len(), 2, "{out}");
    assert!(
        out["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("2 requests"))
    );
    let compiler = qc::Settings::default().compiler().expect("defaults");
    let expected: Vec<String> = records
        .iter()
        .filter(|r| {
            bodies.iter().any(|b| {
                let query = compiler
                    .validate(&b.to_string())
                    .query
                    .expect("a valid body");
                qc::eval(&query, r)
            })
        })
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(expected.len() >= 5, "{expected:?}");
    let mut got = ids(out);
    got.sort_by_key(|id| id.parse::<u32>().unwrap_or(0));
    assert_eq!(got, expected);
    assert_eq!(out["total_count"], expected.len());
    assert_eq!(out["truncated"], false);
    assert_eq!(out["results"][0]["priority"], "priority", "{out}");
    s.finish();
}

#[test]
fn search_runs_the_requests_of_a_plan_at_once_in_plan_order() {
    // A plan of 2 requests, as above.
    let ids16: Vec<String> = (1..=16).map(|i| format!("id ~ {i}")).collect();
    let query = format!(
        "tag_ids = 7 OR (created_at > 1 AND ({}))",
        ids16.join(" OR ")
    );
    let search_at = |concurrency: &str| {
        let api = Intercom::new(Target::Conversations, conversations(40));
        let server = Server::with_latency(Duration::from_millis(20), move |r, _| api.reply(r));
        let url = server.url();
        let args = [
            "--base-url",
            &url,
            "--per-page",
            "2",
            "--concurrency",
            concurrency,
        ];
        let mut s = Session::start(&args, Some(TOKEN));
        let planned = s.call("search", json!({"query": query, "limit": 100}));
        assert_eq!(planned["isError"], false, "{planned}");
        let out = structured(&planned).clone();
        s.finish();
        (out, server.max_in_flight())
    };
    let (one, one_at_once) = search_at("1");
    let (two, two_at_once) = search_at("2");
    assert_eq!(one["requests"].as_array().map(Vec::len), Some(2));
    assert!(one["returned"].as_u64().is_some_and(|n| n >= 10), "{one}");
    assert_eq!(two["results"], one["results"]);
    assert_eq!(two["requests_sent"], one["requests_sent"]);
    assert_eq!(one_at_once, 1);
    assert!(two_at_once > 1, "the requests never overlapped");
}

#[test]
fn an_invalid_query_is_an_error_result_and_the_fixed_text_then_searches() {
    // Conversations of June 2024, after the broken query's date.
    let mut records = conversations(20);
    for (i, r) in records.iter_mut().enumerate() {
        r["created_at"] = json!(1_717_300_000 + i);
    }
    let server = Server::intercom(Intercom::new(Target::Conversations, records));
    let url = server.url();
    let mut s = Session::start(
        &["--base-url", &url, "--now", "2024-06-01T00:00:00Z"],
        Some(TOKEN),
    );
    let broken = s.call("search", json!({"query": BROKEN, "limit": 3}));
    assert_eq!(broken["isError"], true);
    let out = structured(&broken);
    assert_eq!(out["valid"], false);
    assert_eq!(out["results"], json!([]));
    assert_eq!(out["requests_sent"], 0);
    assert!(server.requests().is_empty(), "nothing is sent");

    // The agent's loop, without a model: apply the fixes, search again.
    let fixed = out["fixed"].as_str().expect("fixed").to_owned();
    let found = s.call("search", json!({"query": fixed, "limit": 3}));
    assert_eq!(found["isError"], false, "{found}");
    let out = structured(&found);
    assert_eq!(ids(out), ["1", "3", "5"]);
    assert_eq!(out["truncated"], true);
    assert_eq!(out["results"][0]["created_at"], 1_717_300_000);
    assert_eq!(server.requests().len(), 1);
    s.finish();
}

#[test]
fn failures_are_tool_errors_and_the_server_goes_on() {
    // No token: searching is refused, checking works.
    let server = intercom(3);
    let url = server.url();
    let mut s = Session::start(&["--base-url", &url], None);
    let refused = s.call("search", json!({"query": "state = open"}));
    let text = error_text(&refused);
    assert!(
        text.starts_with("no access token: set INTERCOM_TOKEN or pass --token-file PATH"),
        "{text}"
    );
    assert!(server.requests().is_empty());
    let checked = s.call("check", json!({"query": "state = open"}));
    assert_eq!(checked["isError"], false);
    let (_, stderr) = s.finish();
    assert!(stderr.contains("no access token"), "{stderr}");

    // A refused token: a 401, with what to do.
    let mut s = Session::start(&["--base-url", &url], Some("not-the-right-token"));
    let unauthorized = s.call("search", json!({"query": "state = open"}));
    let text = error_text(&unauthorized);
    assert!(
        text.contains("401 Unauthorized: unauthorized: Access Token Invalid"),
        "{text}"
    );
    assert!(
        text.contains("help: Intercom refused the access token"),
        "{text}"
    );
    s.finish();

    // 429s until the retries run out.
    let limited = Server::start(|_, _| {
        Reply::error(429, "rate_limit_exceeded", "Too many requests").header("Retry-After", 0)
    });
    let url = limited.url();
    let mut s = Session::start(&["--base-url", &url, "--max-retries", "2"], Some(TOKEN));
    let spent = s.call("search", json!({"query": "state = open"}));
    let text = error_text(&spent);
    assert!(text.contains("429"), "{text}");
    assert!(text.contains("help: the rate limit is spent"), "{text}");
    assert_eq!(limited.requests().len(), 3, "the first try and 2 retries");
    let again = s.call("check", json!({"query": "state = open"}));
    assert_eq!(again["isError"], false);
    s.finish();
}

#[test]
fn the_token_never_leaves_the_server_even_when_intercom_echoes_it() {
    // Results that quote the Authorization header, and errors that do.
    let echoing = Server::start(|request, n| {
        let echoed = request
            .header("authorization")
            .unwrap_or_default()
            .to_owned();
        if n == 0 {
            let page = json!({
                "type": "conversation.list",
                "conversations": [{
                    "type": "conversation",
                    "id": "1",
                    "title": format!("sent with {echoed}"),
                    "state": "open",
                    "tags": {"type": "tag.list", "tags": [{"id": echoed.clone()}]}
                }],
                "total_count": 2,
                "pages": {"type": "pages", "next": {"starting_after": echoed}}
            });
            Reply::json(200, &page)
        } else {
            Reply::error(403, "forbidden", &format!("no access with {echoed}"))
        }
    });
    let url = echoing.url();
    let mut s = Session::start(&["--base-url", &url], Some(TOKEN));
    let answer = s.call("search", json!({"query": "state = open OR tag_ids = 7"}));
    let text = error_text(&answer);
    assert!(
        text.contains("forbidden: no access with Bearer <redacted>"),
        "{text}"
    );

    let again = Server::start(|request, _| {
        let echoed = request
            .header("authorization")
            .unwrap_or_default()
            .to_owned();
        Reply::json(
            200,
            &json!({
                "type": "conversation.list",
                "conversations": [{"type": "conversation", "id": "9", "title": echoed, "state": "open"}],
                "total_count": 1,
                "pages": {"type": "pages", "next": null}
            }),
        )
    });
    let url = again.url();
    let mut t = Session::start(&["--base-url", &url], Some(TOKEN));
    let found = t.call("search", json!({"query": "state = open"}));
    assert_eq!(
        structured(&found)["results"][0]["title"],
        "Bearer <redacted>"
    );
    // The query itself may quote it: it is redacted from the answer too.
    let quoted = t.call(
        "check",
        json!({"query": format!("source.subject = \"{TOKEN}\"")}),
    );
    assert!(!quoted.to_string().contains(TOKEN));
    assert!(quoted.to_string().contains("<redacted>"), "{quoted}");
    t.finish();
    s.finish();
}

#[test]
fn malformed_requests_are_answered_with_errors_and_the_server_goes_on() {
    let mut s = Session::start(&[], None);
    // Not JSON: ignored, as every MCP SDK does (no id to answer).
    s.send_line("this is not json {");
    assert!(s.next_within(Duration::from_millis(300)).is_none());
    // JSON that is no message: Invalid Request.
    s.send_line(r#"{"hello": "world"}"#);
    let invalid = s.next_within(ANSWER_TIMEOUT).expect("an answer");
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");

    let unknown_method = s.request("no/such/method", json!({}));
    assert_eq!(unknown_method["error"]["code"], -32601, "{unknown_method}");
    let unknown_tool = s.request("tools/call", json!({"name": "delete", "arguments": {}}));
    assert_eq!(unknown_tool["error"]["code"], -32602, "{unknown_tool}");
    let no_resource = s.request("resources/read", json!({"uri": "file:///etc/passwd"}));
    assert!(no_resource["error"]["code"].is_i64(), "{no_resource}");
    assert!(
        no_resource["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("qc://reference")),
        "{no_resource}"
    );

    // Arguments that do not fit the schema.
    for (arguments, says) in [
        (json!({}), "missing field `query`"),
        (
            json!({"query": 5}),
            "invalid type: integer `5`, expected a string",
        ),
        (
            json!({"query": "state = open", "limit": "x"}),
            "invalid type: string \"x\"",
        ),
        (
            json!({"query": "state = open", "limit": -1}),
            "invalid value: integer `-1`",
        ),
        (
            json!({"query": "state = open", "target": "people"}),
            "unknown variant `people`",
        ),
        (
            json!({"query": "state = open", "colour": 1}),
            "unknown field `colour`",
        ),
    ] {
        let result = s.call("search", arguments.clone());
        let text = error_text(&result);
        assert!(text.contains(says), "{arguments}: {text}");
    }
    let zero = s.call("search", json!({"query": "state = open", "limit": 0}));
    assert_eq!(error_text(&zero), "`limit` must be at least 1");

    // A query of a megabyte is refused by the compiler's bound, not read on.
    let huge = "x".repeat(1 << 20) + " = 1";
    let result = s.call("check", json!({"query": huge}));
    assert_eq!(
        structured(&result)["diagnostics"][0]["code"],
        "E0008",
        "{}",
        structured(&result)["diagnostics"][0]
    );

    let ping = s.request("ping", json!({}));
    assert_eq!(ping["result"], json!({}));
    s.finish();
}

#[test]
fn a_cancelled_search_sends_no_further_page() {
    // Each page takes 400ms, and there are many.
    let slow = Server::start(|request, n| {
        let start = request
            .json()
            .get("pagination")
            .and_then(|p| p.get("starting_after"))
            .map_or(0, |_| n);
        let page = json!({
            "type": "conversation.list",
            "conversations": [{"type": "conversation", "id": (start + 1).to_string(), "state": "open"}],
            "total_count": 100,
            "pages": {"type": "pages", "next": {"starting_after": encode_cursor(start + 1)}}
        });
        Reply::Slow(
            Duration::from_millis(400),
            Box::new(Reply::json(200, &page)),
        )
    });
    let url = slow.url();
    let mut s = Session::start(&["--base-url", &url, "--per-page", "1"], Some(TOKEN));
    s.list_tools();
    s.send_line(
        &json!({"jsonrpc": "2.0", "id": "slow", "method": "tools/call",
                "params": {"name": "search", "arguments": {"query": "state = open", "limit": 20}}})
        .to_string(),
    );
    thread::sleep(Duration::from_millis(600));
    s.notify(
        "notifications/cancelled",
        json!({"requestId": "slow", "reason": "the user moved on"}),
    );
    // The page under way finishes; no other is asked for.
    thread::sleep(Duration::from_millis(1500));
    let sent = slow.requests().len();
    assert!((1..=2).contains(&sent), "{sent} requests after the cancel");
    thread::sleep(Duration::from_millis(500));
    assert_eq!(slow.requests().len(), sent, "no page after the cancel");
    // The server answers the next request; the cancelled one gets no result.
    let ping = s.request("ping", json!({}));
    assert_eq!(ping["result"], json!({}));
    let (stdout, _) = s.finish();
    assert!(!stdout.contains("\"id\":\"slow\",\"result\""), "{stdout}");
}

#[test]
fn a_search_is_bounded_in_time() {
    let slow = Server::start(|_, _| {
        Reply::Slow(
            Duration::from_millis(300),
            Box::new(Reply::json(
                200,
                &json!({
                    "type": "conversation.list",
                    "conversations": [],
                    "total_count": 0,
                    "pages": {"type": "pages", "next": null}
                }),
            )),
        )
    });
    let url = slow.url();
    let limited = Server::start(|_, _| {
        Reply::error(429, "rate_limit_exceeded", "Too many requests")
            .header("X-RateLimit-Reset", unix_now() + 3)
    });
    let mut s = Session::start(&["--base-url", &url, "--max-time", "100ms"], Some(TOKEN));
    // The one request under way finishes (its own timeout bounds it).
    let ok = s.call("search", json!({"query": "state = open"}));
    assert_eq!(structured(&ok)["returned"], 0);
    s.finish();
    let url = limited.url();
    let mut s = Session::start(
        &[
            "--base-url",
            &url,
            "--max-time",
            "500ms",
            "--max-wait",
            "5s",
        ],
        Some(TOKEN),
    );
    let start = Instant::now();
    let out = s.call("search", json!({"query": "state = open"}));
    let text = error_text(&out);
    assert!(
        text.contains("the search took longer than the 500ms it may take"),
        "{text}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(limited.requests().len(), 1, "no retry after the time is up");
    s.finish();
}

/// An assistant's MCP client: rmcp's, on the protocol version given.
struct Assistant(rmcp::model::ProtocolVersion);

impl rmcp::ClientHandler for Assistant {
    fn get_info(&self) -> rmcp::model::ClientConfig {
        let mut config = rmcp::model::ClientConfig::default();
        config.protocol_version = self.0.clone();
        config
    }
}

/// `qc mcp ARGS` as rmcp's client starts a server.
fn child(args: &[&str]) -> rmcp::transport::TokioChildProcess {
    use rmcp::transport::ConfigureCommandExt;
    let command = tokio::process::Command::new(env!("CARGO_BIN_EXE_qc")).configure(|c| {
        c.arg("mcp").arg("--no-config").args(args);
        c.env("INTERCOM_TOKEN", TOKEN);
        for proxy in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            c.env_remove(proxy);
        }
    });
    rmcp::transport::TokioChildProcess::new(command).expect("qc mcp starts")
}

fn arguments(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("arguments are an object"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn rmcp_client_runs_the_loop_of_a_wrong_query_its_fix_and_the_results() {
    use rmcp::ServiceExt;
    use rmcp::model::{CallToolRequestParams, ProtocolVersion, ReadResourceRequestParams};

    let mut records = conversations(12);
    for (i, r) in records.iter_mut().enumerate() {
        r["created_at"] = json!(1_717_300_000 + i);
    }
    let server = Server::intercom(Intercom::new(Target::Conversations, records));
    let url = server.url();
    let client = Assistant(ProtocolVersion::LATEST_WITH_INITIALIZE)
        .serve(child(&["--base-url", &url]))
        .await
        .expect("initialized");
    let info = client.peer_info().expect("the server's info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("qc")
    );
    let tools = client.list_all_tools().await.expect("tools/list");
    let mut names: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    names.sort();
    assert_eq!(names, ["check", "explain", "fields", "search"]);
    assert!(tools.iter().all(|t| t.output_schema.is_some()));

    let checked = client
        .call_tool(
            CallToolRequestParams::new("check").with_arguments(arguments(json!({"query": BROKEN}))),
        )
        .await
        .expect("tools/call");
    assert_eq!(checked.is_error, Some(true));
    let out = checked.structured_content.expect("structured");
    let fixed = out["fixed"].as_str().expect("fixed").to_owned();

    let found = client
        .call_tool(
            CallToolRequestParams::new("search")
                .with_arguments(arguments(json!({"query": fixed, "limit": 4}))),
        )
        .await
        .expect("tools/call");
    assert_eq!(found.is_error, Some(false));
    let out = found.structured_content.expect("structured");
    assert_eq!(ids(&out), ["1", "3", "5", "7"]);
    assert_eq!(out["truncated"], true);
    assert_eq!(out["total_count"], 6);

    let reference = client
        .read_resource(ReadResourceRequestParams::new("qc://reference"))
        .await
        .expect("resources/read");
    let text = serde_json::to_value(&reference.contents[0]).expect("JSON")["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        text.starts_with("# qc: the query language of Intercom's search"),
        "{text}"
    );
    client.cancel().await.expect("closed");
}

#[tokio::test(flavor = "current_thread")]
async fn rmcp_client_of_the_latest_protocol_is_served_too() {
    use rmcp::ServiceExt;
    use rmcp::model::{CallToolRequestParams, ProtocolVersion};

    let client = Assistant(ProtocolVersion::LATEST)
        .serve(child(&[]))
        .await
        .expect("connected");
    let explained = client
        .call_tool(
            CallToolRequestParams::new("explain")
                .with_arguments(arguments(json!({"code": "W0011"}))),
        )
        .await
        .expect("tools/call");
    let out = explained.structured_content.expect("structured");
    assert_eq!(out["severity"], "warning");
    client.cancel().await.expect("closed");
}

/// The examples of a target's section of the reference: `(query, body)`.
fn reference_examples(reference: &str, target: Target) -> Vec<(String, Value)> {
    let heading = format!("### {target} ");
    let section = reference
        .split("\n### ")
        .find(|s| format!("### {s}").starts_with(&heading))
        .unwrap_or_else(|| panic!("no section for {target}"));
    section
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("- `")?;
            let (query, body) = rest.split_once("` → `")?;
            let body = body.strip_suffix('`')?;
            Some((query.to_owned(), serde_json::from_str(body).expect("JSON")))
        })
        .collect()
}

#[test]
fn the_reference_comes_from_the_tables_and_its_examples_compile_as_qc_does() {
    let preview = qc::Settings {
        api_version: Some("Preview".into()),
        ..qc::Settings::default()
    };
    let text = qc::mcp::reference(&preview);
    let grammar = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/qc.ebnf"),
    )
    .expect("the grammar");
    let operator_rule = &grammar[grammar.find("operator     =").expect("the rule")..]
        .split(" ;")
        .next()
        .expect("its text");
    assert!(text.contains(operator_rule), "the grammar's own rules");
    for spelling in qc::syntax::OpSpelling::ALL {
        let row = format!("| `{spelling}` | ");
        assert!(text.contains(&row), "{spelling}");
    }
    for code in qc::Code::ALL {
        assert!(
            text.contains(&format!("- `{code}` {}", code.title())),
            "{code}"
        );
    }
    assert!(text.contains(qc::check::DATE_FORMS));
    for target in Target::ALL {
        let schema = qc::Settings {
            target: Some(target.name().into()),
            ..preview.clone()
        }
        .schema()
        .expect("every target in Preview");
        for field in schema.fields() {
            assert!(
                text.contains(&format!("`{}`", field.name)),
                "{target}: {}",
                field.name
            );
        }
        let examples = reference_examples(&text, target);
        assert!(examples.len() >= 5, "{target}: {examples:?}");
        for (query, body) in examples {
            let out = Command::new(env!("CARGO_BIN_EXE_qc"))
                .args([
                    "--no-config",
                    "--api-version",
                    "Preview",
                    "--target",
                    target.name(),
                ])
                .args(["--now", qc::mcp::EXAMPLES_NOW, &query])
                .output()
                .expect("qc runs");
            assert!(
                out.status.success(),
                "{query}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let compiled: Value = serde_json::from_slice(&out.stdout).expect("JSON");
            // A sorted example shows its `sort` beside the query.
            let shown = match compiled.get("sort") {
                Some(sort) => serde_json::json!({"query": compiled["query"], "sort": sort}),
                None => compiled["query"].clone(),
            };
            assert_eq!(shown, body, "{target}: {query}");
        }
    }

    // In 2.11: no companies, and `>` on conversations is sent a step up.
    let default = qc::mcp::reference(&qc::Settings::default());
    assert!(
        default.contains(
            "### companies\n\nNot available: companies search is not in API version 2.11"
        )
    );
    let strict = reference_examples(&default, Target::Conversations)
        .into_iter()
        .find(|(q, _)| q == "statistics.count_reopens > 2")
        .expect("an Integer example");
    assert_eq!(
        strict.1,
        json!({"field": "statistics.count_reopens", "operator": ">", "value": 3})
    );
}

#[test]
fn the_help_explains_the_set_up() {
    let out = Command::new(env!("CARGO_BIN_EXE_qc"))
        .args(["mcp", "--help"])
        .output()
        .expect("qc runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for part in [
        "--token-file",
        "--max-limit",
        "--max-time",
        "\"mcpServers\"",
        ".vscode/mcp.json",
        "npx @modelcontextprotocol/inspector -e INTERCOM_TOKEN=\"$INTERCOM_TOKEN\" qc mcp",
        ".cursor/mcp.json",
        "absolute path",
    ] {
        assert!(help.contains(part), "{part}: {help}");
    }
}
