//! `qc mcp` driven by the official MCP client: the MCP Python SDK (`mcp`
//! on PyPI, pinned in `tests/mcp_client/requirements.txt`), through
//! `tests/mcp_client/agent.py`, an assistant's client without a model,
//! against the Intercom-compatible server on 127.0.0.1
//! (`support/intercom.rs`).
//!
//! Each test starts a scripted Intercom, gives the agent the real binary,
//! its flags, the token and the steps to take, and asserts on the JSON
//! transcript it prints: every message both ways, each step's answer, and
//! the agent's own checks (schemas valid as JSON Schemas, every answer
//! fitting its tool's output schema, the token in no message in any
//! encoding), each failure of which fails the test.
//!
//! The client's virtual environment is `mcp-client/` in the target
//! directory, made by `tests/mcp_client/setup.sh`: `scripts/test` runs it
//! before `cargo test`, and a test that finds it missing runs it (pip then
//! reaches PyPI; the tests fail, never skip, when it cannot). No test
//! reaches the internet; every wait is bounded.

mod support;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use qc::Target;
use serde_json::{Value, json};
use support::intercom::{Intercom, Reply, Server, TOKEN, conversations, encode_cursor};

/// The query of an assistant that knows the language half well.
const BROKEN: &str = "stat = opne AND created_at > 1717200000000";

/// The longest one run of the agent may take.
const AGENT_TIMEOUT: Duration = Duration::from_secs(180);

/// The Python of the client's environment, set up once for all the tests.
fn python() -> &'static Path {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = PYTHON.get_or_init(|| {
        // target/debug/qc → target/mcp-client
        let bin = Path::new(env!("CARGO_BIN_EXE_qc"));
        let target = bin
            .parent()
            .and_then(Path::parent)
            .ok_or("the target directory")?;
        let setup = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_client/setup.sh");
        let out = Command::new("bash")
            .arg(&setup)
            .arg(target.join("mcp-client"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{}: {e}", setup.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} failed ({}): the MCP Python SDK could not be installed\n{}",
                setup.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let python = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        Ok(PathBuf::from(python))
    });
    match found {
        Ok(python) => python,
        Err(e) => panic!("{e}"),
    }
}

/// What the agent saw.
struct Transcript(Value);

impl Transcript {
    /// The steps' records.
    fn steps(&self) -> &[Value] {
        self.0["steps"].as_array().map_or(&[], Vec::as_slice)
    }

    /// The record of the `n`th tool call (from 0).
    fn call(&self, n: usize) -> &Value {
        self.steps()
            .iter()
            .filter(|s| s.get("call").is_some())
            .nth(n)
            .unwrap_or_else(|| panic!("no call {n}: {}", self.0))
    }

    /// The structured answer of the `n`th tool call.
    fn out(&self, n: usize) -> &Value {
        let call = self.call(n);
        call.get("structuredContent")
            .unwrap_or_else(|| panic!("structured content: {call}"))
    }

    /// The methods sent and the kind of each answer, in order: `-> method`
    /// for a request or notification, `<- result` or `<- error CODE`.
    fn wire(&self) -> Vec<String> {
        self.0["wire"]
            .as_array()
            .expect("wire")
            .iter()
            .map(|w| {
                let m = &w["message"];
                let what = if let Some(method) = m["method"].as_str() {
                    method.to_owned()
                } else if let Some(code) = m["error"]["code"].as_i64() {
                    format!("error {code}")
                } else {
                    "result".to_owned()
                };
                format!("{} {what}", w["dir"].as_str().unwrap_or("?"))
            })
            .collect()
    }
}

/// Runs the agent on `qc mcp --no-config ARGS` with `token` (none when
/// `None`), in `mode` (`legacy`: the initialize handshake; `auto`: the
/// SDK's default), taking `steps`; fails on any failure it reports.
fn agent(args: &[&str], token: Option<&str>, mode: &str, steps: Value) -> Transcript {
    let dir = tempfile::tempdir().expect("a directory without qc.toml");
    let mut command = Command::new(python());
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_client/agent.py"))
        .arg(env!("CARGO_BIN_EXE_qc"))
        .arg("--no-config")
        .args(args)
        .current_dir(dir.path())
        .env_remove("INTERCOM_TOKEN")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(token) = token {
        command.env("INTERCOM_TOKEN", token);
    }
    let mut child = command.spawn().expect("the agent starts");
    let script = json!({"mode": mode, "steps": steps}).to_string();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("the steps are written");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > AGENT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the agent took longer than {AGENT_TIMEOUT:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let stdout = out.join().expect("stdout read");
    let stderr = err.join().expect("stderr read");
    let transcript: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("the agent prints JSON ({e}); {status}; stderr:\n{stderr}"));
    assert!(
        status.success() && transcript["failures"] == json!([]),
        "the agent failed ({status}): {:#}\nstderr:\n{stderr}",
        transcript["failures"]
    );
    // The agent searched each message; the transcript, which holds them
    // all, is searched here too.
    assert!(!stdout.contains(TOKEN), "the token in the transcript");
    Transcript(transcript)
}

fn ids(output: &Value) -> Vec<String> {
    output["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Every argument set that the input schema of a tool judges, with the
/// errors it gives.
fn judged(t: &Transcript) -> Vec<(Value, Vec<String>)> {
    t.steps()
        .iter()
        .filter(|s| s.get("validate").is_some())
        .map(|s| {
            let errors = s["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .filter_map(|e| e.as_str().map(str::to_owned))
                .collect();
            (s["arguments"].clone(), errors)
        })
        .collect()
}

#[test]
fn the_official_client_connects_by_the_initialize_handshake_and_lists_valid_schemas() {
    let t = agent(
        &["--max-limit", "50"],
        None,
        "legacy",
        json!([
            {"validate": "search", "arguments": {"query": "state = open", "limit": 50, "target": "tickets"}},
            {"validate": "search", "arguments": {"query": "state = open", "limit": 0}},
            {"validate": "search", "arguments": {"query": "state = open", "limit": 51}},
            {"validate": "search", "arguments": {"limit": 5}},
            {"validate": "search", "arguments": {"query": "x", "target": "people"}},
            {"validate": "check", "arguments": {"query": "x", "colour": 1}},
            {"call": "check", "arguments": {"query": "state = open"}},
            {"call": "fields", "arguments": {"target": "contacts", "name_contains": "email"}},
            {"call": "explain", "arguments": {"code": "E0101"}},
            {"call": "search", "arguments": {"query": "state = open"}},
            {"read": "qc://reference"},
        ]),
    );
    let v = &t.0;
    insta::assert_snapshot!(t.wire().join("\n"), @r"
    -> initialize
    <- result
    -> notifications/initialized
    -> tools/list
    <- result
    -> resources/list
    <- result
    -> tools/call
    <- result
    -> tools/call
    <- result
    -> tools/call
    <- result
    -> tools/call
    <- result
    -> resources/read
    <- result
    ");
    assert_eq!(v["protocol_version"], "2025-11-25");
    let initialize = &v["wire"][1]["message"]["result"];
    assert_eq!(initialize["protocolVersion"], "2025-11-25");
    assert_eq!(initialize["serverInfo"]["name"], "qc");
    assert_eq!(
        initialize["serverInfo"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        initialize["capabilities"]["tools"].is_object(),
        "{initialize}"
    );
    assert!(initialize["capabilities"]["resources"].is_object());
    assert!(
        v["instructions"]
            .as_str()
            .is_some_and(|i| i.contains("Call `check` on a query you are unsure of")),
        "{}",
        v["instructions"]
    );

    let tools = v["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["check", "explain", "fields", "search"]);
    for tool in tools {
        assert_eq!(tool["annotations"]["readOnlyHint"], true, "{tool}");
        assert!(tool["outputSchema"].is_object(), "{tool}");
    }
    assert_eq!(tools[3]["annotations"]["openWorldHint"], true);
    assert_eq!(
        tools[3]["inputSchema"]["properties"]["limit"]["maximum"],
        50
    );
    assert_eq!(v["resources"][0]["uri"], "qc://reference");

    // The input schemas say what the server accepts.
    let verdicts = judged(&t);
    assert_eq!(verdicts[0].1, Vec::<String>::new(), "{:?}", verdicts[0]);
    assert_eq!(verdicts[1].1, ["0 is less than the minimum of 1"]);
    assert_eq!(verdicts[2].1, ["51 is greater than the maximum of 50"]);
    assert_eq!(verdicts[3].1, ["'query' is a required property"]);
    assert_eq!(verdicts[4].1.len(), 1, "{:?}", verdicts[4]);
    assert!(verdicts[4].1[0].contains("'people'"), "{:?}", verdicts[4]);
    assert_eq!(verdicts[5].1.len(), 1, "{:?}", verdicts[5]);
    assert!(verdicts[5].1[0].contains("'colour'"), "{:?}", verdicts[5]);

    // Each structured answer fitted its output schema.
    assert_eq!(v["checked"]["results_validated"], 3);
    assert_eq!(t.out(0)["valid"], true);
    let fields = t.out(1)["fields"].as_array().expect("fields");
    assert!(fields.iter().any(|f| f["name"] == "email"), "{fields:?}");
    assert_eq!(t.out(2)["code"], "E0101");
    // No token: `search` says why, as a tool error, and the server goes on.
    let search = t.call(3);
    assert_eq!(search["isError"], true);
    assert!(
        search["text"]
            .as_str()
            .is_some_and(|s| s.starts_with("no access token")),
        "{search}"
    );
    let read = t.steps().last().expect("the read");
    assert_eq!(read["contents"][0]["mimeType"], "text/markdown");
    assert_eq!(
        read["contents"][0]["text"],
        qc::mcp::reference(&qc::Settings::default())
    );
    assert!(
        v["stderr"]
            .as_str()
            .is_some_and(|s| s.contains("qc mcp: no access token")),
        "{}",
        v["stderr"]
    );
}

#[test]
fn the_official_client_of_the_newest_protocol_discovers_the_server() {
    let server = Server::intercom(Intercom::new(Target::Conversations, conversations(5)));
    let url = server.url();
    let t = agent(
        &["--base-url", &url],
        Some(TOKEN),
        "auto",
        json!([{"call": "search", "arguments": {"query": "state = closed"}}]),
    );
    // The SDK's default: `server/discover`, and no handshake when the
    // server speaks that era.
    assert_eq!(
        t.wire()[..2],
        ["-> server/discover".to_owned(), "<- result".to_owned()]
    );
    assert!(!t.wire().contains(&"-> initialize".to_owned()));
    assert_eq!(t.0["protocol_version"], "2026-07-28");
    let discovered = &t.0["wire"][1]["message"]["result"];
    assert!(
        discovered["supportedVersions"]
            .as_array()
            .is_some_and(|v| v.contains(&json!("2025-06-18"))),
        "{discovered}"
    );
    assert_eq!(t.0["server_info"]["name"], "qc");
    assert_eq!(ids(t.out(0)), ["2", "4"]);
    assert_eq!(t.out(0)["truncated"], false);
}

#[test]
fn a_search_follows_the_pages_is_trimmed_at_the_limit_and_runs_a_plan() {
    let mut records = conversations(40);
    for (i, r) in records.iter_mut().enumerate() {
        r["priority"] = json!(if i % 4 < 2 {
            "priority"
        } else {
            "not_priority"
        });
    }
    let server = Server::intercom(Intercom::new(Target::Conversations, records.clone()));
    let url = server.url();
    // Neither the CNF (an OR of 17) nor the DNF (16 ANDs and a filter) of
    // this query fits one request: a plan of 2.
    let ids16: Vec<String> = (1..=16).map(|i| format!("id ~ {i}")).collect();
    let planned = format!(
        "tag_ids = 7 OR (created_at > 1 AND ({}))",
        ids16.join(" OR ")
    );
    let t = agent(
        &["--base-url", &url, "--per-page", "4"],
        Some(TOKEN),
        "legacy",
        json!([
            {"call": "search", "arguments": {"query": "state = open", "limit": 9}},
            {"call": "search", "arguments": {"query": planned, "limit": 40}},
        ]),
    );

    let paged = t.out(0);
    assert_eq!(t.call(0)["isError"], false);
    assert_eq!(
        ids(paged),
        ["1", "3", "5", "7", "9", "11", "13", "15", "17"]
    );
    assert_eq!(paged["returned"], 9);
    assert_eq!(paged["limit"], 9);
    assert_eq!(paged["truncated"], true);
    assert_eq!(paged["total_count"], 20);
    assert_eq!(paged["requests_sent"], 3);
    let requests = server.requests();
    let cursors: Vec<Option<String>> = requests[..3].iter().map(|r| r.starting_after()).collect();
    assert_eq!(
        cursors,
        [None, Some(encode_cursor(4)), Some(encode_cursor(8))]
    );

    let plan = t.out(1);
    let bodies = plan["requests"].as_array().expect("requests");
    assert_eq!(bodies.len(), 2, "{plan}");
    assert!(
        plan["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("2 requests")),
        "{plan}"
    );
    // The union of the plan's requests is the query: the objects the text
    // selects, each once.
    let compiler = qc::Settings::default().compiler().expect("defaults");
    let (matcher, _) = compiler.matcher(&planned).expect("the planned query");
    let expected: Vec<String> = records
        .iter()
        .filter(|r| matcher.matches(r))
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(expected.len() >= 5, "{expected:?}");
    let mut got = ids(plan);
    got.sort_by_key(|id| id.parse::<u32>().unwrap_or(0));
    assert_eq!(got, expected);
    assert_eq!(plan["total_count"], expected.len());
    assert_eq!(plan["truncated"], false);
    // Every request of the plan went to the server, each body's pages in turn.
    assert!(
        server.requests().len() > 3 + 2,
        "{}",
        server.requests().len()
    );
}

/// The loop of the agent, as an assistant's user would read it.
fn render(t: &Transcript) -> String {
    let mut out = String::new();
    for step in t.steps() {
        if let Some(tool) = step["call"].as_str() {
            out += &format!("-> {tool} {}\n", step["arguments"]);
            let o = &step["structuredContent"];
            out += &format!("<- isError={} valid={}", step["isError"], o["valid"]);
            if let Some(sent) = o["requests_sent"].as_u64() {
                out += &format!(" requests_sent={sent}");
            }
            out += "\n";
            for d in o["diagnostics"].as_array().into_iter().flatten() {
                let r = &d["range"];
                out += &format!(
                    "   {} {}:{}-{}:{} `{}`: {}\n",
                    d["code"].as_str().unwrap_or("?"),
                    r["start"]["line"],
                    r["start"]["column"],
                    r["end"]["line"],
                    r["end"]["column"],
                    d["text"].as_str().unwrap_or("?"),
                    d["message"].as_str().unwrap_or("?")
                );
                if let Some(fix) = d["fix"]["replacement"].as_str() {
                    out += &format!("     fix: `{fix}`\n");
                }
            }
            if let Some(fixed) = o["fixed"].as_str() {
                out += &format!("   fixed: {fixed}\n");
            }
            for r in o["results"].as_array().into_iter().flatten() {
                out += &format!("   {r}\n");
            }
            if o["returned"].is_u64() {
                out += &format!(
                    "   returned={} total_count={} truncated={}\n",
                    o["returned"], o["total_count"], o["truncated"]
                );
            }
        } else if let Some(n) = step["applied"].as_u64() {
            out += &format!("** {n} fixes applied by range: {}\n", step["text"]);
        }
    }
    out
}

#[test]
fn an_agent_fixes_a_wrong_query_from_checks_answer_and_finds_the_results() {
    // Conversations of June 2024, after the broken query's date.
    let mut records = conversations(20);
    for (i, r) in records.iter_mut().enumerate() {
        r["created_at"] = json!(1_717_300_000 + i);
    }
    records[0]["created_at"] = json!(1_717_100_000);
    let server = Server::intercom(Intercom::new(Target::Conversations, records));
    let url = server.url();
    let t = agent(
        &["--base-url", &url],
        Some(TOKEN),
        "legacy",
        json!([{"loop": BROKEN, "limit": 3}]),
    );
    insta::assert_snapshot!(render(&t));
    // The broken query sent nothing; the fixed one, one request.
    assert_eq!(t.call(0)["isError"], true);
    assert_eq!(t.call(1)["call"], "check");
    assert_eq!(t.call(2)["call"], "search");
    assert_eq!(t.call(2)["isError"], false);
    assert_eq!(ids(t.out(2)), ["3", "5", "7"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].json()["query"],
        json!({"operator": "AND", "value": [
            {"field": "state", "operator": "=", "value": "open"},
            {"field": "created_at", "operator": ">", "value": "1717200001"}
        ]})
    );
}

#[test]
fn a_429_is_waited_out_and_a_lasting_one_is_an_error_the_agent_reads() {
    let page = json!({
        "type": "conversation.list",
        "conversations": [{"type": "conversation", "id": "8", "state": "open", "title": "after the wait"}],
        "total_count": 1,
        "pages": {"type": "pages", "next": null}
    });
    // The first request: a 429 with Retry-After; the second: the page;
    // every later one: a 429 again.
    let limited = Server::start(move |_, n| {
        if n == 1 {
            Reply::json(200, &page)
        } else {
            Reply::error(429, "rate_limit_exceeded", "Too many requests").header("Retry-After", 1)
        }
    });
    let url = limited.url();
    let t = agent(
        &["--base-url", &url, "--max-retries", "1"],
        Some(TOKEN),
        "legacy",
        json!([
            {"call": "search", "arguments": {"query": "state = open"}},
            {"call": "search", "arguments": {"query": "state = open"}},
            {"call": "check", "arguments": {"query": "state = open"}},
        ]),
    );
    let waited = t.out(0);
    assert_eq!(t.call(0)["isError"], false);
    assert_eq!(ids(waited), ["8"]);
    assert_eq!(waited["requests_sent"], 2);
    let requests = limited.requests();
    let gap = requests[1].at.duration_since(requests[0].at);
    assert!(gap >= Duration::from_millis(900), "Retry-After: 1, {gap:?}");

    let spent = t.call(1);
    assert_eq!(spent["isError"], true);
    let text = spent["text"].as_str().expect("a text");
    assert!(
        text.contains(
            "429 Too Many Requests after 2 attempts: rate_limit_exceeded: Too many requests"
        ),
        "{text}"
    );
    assert!(text.contains("help: the rate limit is spent"), "{text}");
    assert_eq!(requests.len(), 4, "the second search: a try and 1 retry");
    // The server goes on.
    assert_eq!(t.out(2)["valid"], true);
}

/// Every byte of `text` percent-encoded.
fn percent_encoded(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn the_token_is_in_no_message_even_when_intercom_echoes_it_in_three_encodings() {
    let b64 = base64::engine::general_purpose::STANDARD.encode(TOKEN);
    let pct = percent_encoded(TOKEN);
    // A page quoting the Authorization header as it is, in base64 and
    // percent-encoded; then errors that do.
    let echoing = {
        let (b64, pct) = (b64.clone(), pct.clone());
        Server::start(move |request, n| {
            let header = request
                .header("authorization")
                .unwrap_or_default()
                .to_owned();
            if n == 0 {
                Reply::json(
                    200,
                    &json!({
                        "type": "conversation.list",
                        "conversations": [{
                            "type": "conversation",
                            "id": "1",
                            "state": "open",
                            "title": format!("sent with {header}"),
                            "source": {"subject": b64, "url": format!("https://example.test/?t={pct}")}
                        }],
                        "total_count": 1,
                        "pages": {"type": "pages", "next": null}
                    }),
                )
            } else {
                Reply::error(
                    403,
                    "forbidden",
                    &format!("no access with {header}, {b64} or {pct}"),
                )
            }
        })
    };
    let url = echoing.url();
    let query = "state = open AND source.subject ~ \"=\" AND source.url ~ t";
    let t = agent(
        &["--base-url", &url],
        Some(TOKEN),
        "auto",
        json!([
            {"call": "search", "arguments": {"query": query}},
            {"call": "search", "arguments": {"query": query}},
        ]),
    );
    // Intercom did echo it, in every form.
    let requests = echoing.requests();
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let result = &t.out(0)["results"][0];
    assert_eq!(result["title"], "sent with Bearer <redacted>", "{result}");
    // What may follow is the last partial group of the base64 text: less
    // than the token's last byte.
    let subject = result["source.subject"].as_str().expect("a subject");
    assert!(
        subject
            .strip_prefix("<redacted>")
            .is_some_and(|rest| rest.len() < 4),
        "{result}"
    );
    assert_eq!(
        result["source.url"], "https://example.test/?t=<redacted>",
        "{result}"
    );
    let error = t.call(1)["text"].as_str().expect("a text");
    assert!(
        error.contains("403 Forbidden: forbidden: no access with Bearer <redacted>, <redacted>"),
        "{error}"
    );
    assert!(error.contains(" or <redacted> (request"), "{error}");
    // The agent searched every message, both ways, and qc's stderr.
    let scanned = t.0["checked"]["messages_scanned"].as_u64().unwrap_or(0);
    assert_eq!(scanned as usize, t.wire().len());
    assert!(scanned >= 8, "{scanned}");
    assert!(!t.0["stderr"].to_string().contains(TOKEN));
}

#[test]
fn the_agents_search_for_the_token_finds_every_encoding() {
    // The check above is only as good as the search: it finds each form.
    let b64 = base64::engine::general_purpose::STANDARD.encode(TOKEN);
    let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("x{TOKEN}"));
    let t = agent(
        &[],
        Some(TOKEN),
        "legacy",
        json!([{"scan": [
            format!("Bearer {TOKEN}"),
            percent_encoded(TOKEN),
            percent_encoded(&percent_encoded(TOKEN)),
            b64,
            format!("{{\"a\":\"{url_safe}\"}}"),
            "qc-test-SECRET",
        ]}]),
    );
    let found = &t.steps()[0]["found"];
    assert_eq!(
        found,
        &json!([
            ["plain"],
            ["percent-encoded"],
            ["percent-encoded"],
            ["base64"],
            ["base64"],
            []
        ])
    );
}
