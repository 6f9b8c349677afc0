//! An Intercom-compatible search server on 127.0.0.1 for the tests of
//! `qc search`, on std's `TcpListener`.
//!
//! [`Server::start`] answers each request with what a handler returns:
//! a [`Reply`] that can also be a fault (a connection closed mid-response,
//! a hang past the client's timeout). [`Intercom`] is the handler of a
//! working API: it checks the token and the version header, validates the
//! body with `qc::check::validate`, evaluates the query with `qc::eval` over
//! fixture objects and pages the matches with opaque cursors, in the shape
//! of `openapi-2.11.yaml` (`cursor_pages`, `total_count`, the list key of
//! the target). Every request is recorded for the test to inspect.
//!
//! The server answers requests side by side, a thread each, and counts
//! how many it is answering at once ([`Server::max_in_flight`]); each
//! [`Recorded`] request says when it arrived and when its answer was
//! sent. [`Server::with_latency`] makes every answer take a while.
//!
//! Any [`Server`] is also an HTTP proxy: it answers `CONNECT host:port`
//! with `200` and serves the tunnelled request itself, recording both (so
//! a test sees what a proxy would read). [`Silent`] is a port that accepts
//! connections and never says a word.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use qc::Target;
use serde_json::{Value, json};

/// The token the tests send, distinctive so a leak is found.
pub const TOKEN: &str = "qc-test-SECRET-7f3a9c41d2";

/// A run of `qc` against a [`Server`], after checking that the token did
/// not leak.
pub struct Run {
    /// The exit status; `None` when a signal ended it.
    pub code: Option<i32>,
    /// What it printed on stdout.
    pub stdout: String,
    /// What it printed on stderr.
    pub stderr: String,
}

impl Run {
    /// The run that ended with `out`, after asserting that neither of its
    /// streams holds [`TOKEN`].
    pub fn checked(out: std::process::Output) -> Run {
        let run = Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stdout.contains(TOKEN),
            "token on stdout: {}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(TOKEN),
            "token on stderr: {}",
            run.stderr
        );
        run
    }

    /// The `id` of each JSON line of stdout.
    pub fn ids(&self) -> Vec<String> {
        self.stdout
            .lines()
            .map(|line| {
                let v: Value = serde_json::from_str(line).expect("a JSON line");
                v["id"].as_str().expect("an id").to_owned()
            })
            .collect()
    }
}

/// A request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `POST`.
    pub method: String,
    /// `/conversations/search`.
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
    /// When it arrived.
    pub at: Instant,
    /// When its answer began to go out, after any delay (`None` until
    /// then): the client cannot have read a byte of it before.
    pub answered: Option<Instant>,
}

impl Recorded {
    /// A header by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`null` when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// `pagination.per_page` of the body.
    pub fn per_page(&self) -> Option<u64> {
        self.json()["pagination"]["per_page"].as_u64()
    }

    /// `pagination.starting_after` of the body.
    pub fn starting_after(&self) -> Option<String> {
        self.json()["pagination"]["starting_after"]
            .as_str()
            .map(str::to_owned)
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The status line and headers of a 200 promising 1000 bytes, a few
    /// bytes of body, then the connection closes.
    Truncated,
    /// The connection closes without an answer.
    Hangup,
    /// The reply, after a delay.
    Slow(Duration, Box<Reply>),
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: &Value) -> Self {
        Reply::Http {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A response with this raw body.
    pub fn raw(status: u16, body: &str) -> Self {
        Reply::Http {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Intercom's `error.list` body.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Reply::json(
            status,
            &json!({
                "type": "error.list",
                "request_id": "b4b1e0c0-test",
                "errors": [{"code": code, "message": message}]
            }),
        )
    }

    /// The same reply with one more header.
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        if let Reply::Http { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_string()));
        }
        self
    }
}

type Handler = Box<dyn FnMut(&Recorded, usize) -> Reply + Send>;

/// A server on 127.0.0.1 that runs until dropped.
pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    load: Arc<Load>,
}

/// Requests being answered: now, and the most at once.
#[derive(Debug, Default)]
struct Load {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Server {
    /// Starts a server answering request number `n` (from 0) with
    /// `handler(request, n)`.
    pub fn start(handler: impl FnMut(&Recorded, usize) -> Reply + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let load = Arc::new(Load::default());
        let handler: Arc<Mutex<Handler>> = Arc::new(Mutex::new(Box::new(handler)));
        {
            let requests = Arc::clone(&requests);
            let stop = Arc::clone(&stop);
            let load = Arc::clone(&load);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let requests = Arc::clone(&requests);
                    let handler = Arc::clone(&handler);
                    let load = Arc::clone(&load);
                    thread::spawn(move || serve(stream, &requests, &handler, &load));
                }
            });
        }
        Server {
            addr,
            requests,
            stop,
            load,
        }
    }

    /// A server answering as `handler` says, each answer `latency` later.
    pub fn with_latency(
        latency: Duration,
        mut handler: impl FnMut(&Recorded, usize) -> Reply + Send + 'static,
    ) -> Self {
        Server::start(move |request, n| Reply::Slow(latency, Box::new(handler(request, n))))
    }

    /// A server that is a working Intercom API over `intercom`'s data.
    pub fn intercom(intercom: Intercom) -> Self {
        Server::start(move |request, _| intercom.reply(request))
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The most requests it was answering at once (from arrival to the
    /// answer ready to send).
    pub fn max_in_flight(&self) -> usize {
        self.load.most.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Reads one request from `stream` and answers it; `Connection: close`.
fn serve(
    stream: TcpStream,
    requests: &Mutex<Vec<Recorded>>,
    handler: &Mutex<Handler>,
    load: &Load,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let Some(mut request) = read_request(&mut reader) else {
        return;
    };
    if request.method == "CONNECT" {
        // A proxy's tunnel: the next request on the stream is the one the
        // client meant for `request.path` (host:port).
        requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
        let mut stream = &stream;
        if stream
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .is_err()
        {
            return;
        }
        let Some(tunnelled) = read_request(&mut reader) else {
            return;
        };
        request = tunnelled;
    }
    let index = {
        let mut list = requests.lock().unwrap_or_else(PoisonError::into_inner);
        list.push(request.clone());
        list.len() - 1
    };
    let now = load.now.fetch_add(1, Ordering::SeqCst) + 1;
    load.most.fetch_max(now, Ordering::SeqCst);
    let mut reply = (handler.lock().unwrap_or_else(PoisonError::into_inner))(&request, index);
    while let Reply::Slow(delay, then) = reply {
        thread::sleep(delay);
        reply = *then;
    }
    if let Some(r) = requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_mut(index)
    {
        r.answered = Some(Instant::now());
    }
    // Counted out before the answer goes: a client that waits for each
    // answer may send its next request the moment it reads this one, so
    // counting out after sending would see two at once.
    load.now.fetch_sub(1, Ordering::SeqCst);
    send(stream, reply);
}

fn read_request(reader: &mut impl BufRead) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
        answered: None,
    })
}

fn send(mut stream: TcpStream, reply: Reply) {
    match reply {
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
        Reply::Truncated => {
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":\"conv",
            );
            let _ = stream.flush();
        }
        Reply::Hangup => {}
        Reply::Slow(delay, reply) => {
            thread::sleep(delay);
            send(stream, *reply);
            return;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A port on 127.0.0.1 that accepts connections, holds them open and
/// never sends a byte (a TLS handshake to it gets no answer).
pub struct Silent {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Silent {
    /// Starts listening.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let accepted = Arc::clone(&accepted);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let mut held = Vec::new();
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        accepted.fetch_add(1, Ordering::SeqCst);
                        held.push(stream);
                    }
                }
            });
        }
        Silent {
            addr,
            accepted,
            stop,
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn https_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// How many connections it accepted.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Now in unix seconds.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A working search API over fixture objects.
#[derive(Debug, Clone)]
pub struct Intercom {
    /// The endpoint served.
    pub target: Target,
    /// The objects searched, in the order results are given.
    pub records: Vec<Value>,
}

impl Intercom {
    /// An API for `target` over `records`.
    pub fn new(target: Target, records: Vec<Value>) -> Self {
        Intercom { target, records }
    }

    /// The answer of the API to `request`.
    pub fn reply(&self, request: &Recorded) -> Reply {
        if request.method != "POST" || request.path != self.target.search_path() {
            return Reply::error(404, "not_found", "Resource Not Found");
        }
        if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Reply::error(401, "unauthorized", "Access Token Invalid");
        }
        let version = request
            .header("intercom-version")
            .and_then(|v| v.parse::<qc::target::ApiVersion>().ok());
        let Some(version) = version else {
            return Reply::error(
                400,
                "intercom_version_invalid",
                "Requested version is invalid",
            );
        };
        // The endpoint as the version documents it.
        let tz = jiff::tz::TimeZone::UTC;
        let Ok(schema) = qc::Schema::for_version(self.target, version, tz, &[]) else {
            return Reply::error(404, "not_found", "Resource Not Found");
        };
        let validated = qc::check::validate_with(&request.body, &schema);
        let Some(query) = validated.query else {
            let message = validated
                .diagnostics
                .first()
                .map_or_else(|| "invalid body".to_owned(), |d| d.message.clone());
            return Reply::error(400, "parameter_invalid", &message);
        };
        let Some(pagination) = &query.pagination else {
            return Reply::error(400, "parameter_invalid", "pagination is required here");
        };
        let per_page = pagination.per_page as usize;
        let start = match &pagination.starting_after {
            None => 0,
            Some(cursor) => match decode_cursor(cursor) {
                Some(at) => at,
                None => return Reply::error(400, "parameter_invalid", "invalid starting_after"),
            },
        };
        let mut matches: Vec<&Value> = self
            .records
            .iter()
            .filter(|r| qc::eval(&query, r))
            .collect();
        // In the request's order, as `qc filter` orders (a stable sort).
        if let Some(sort) = &query.sort {
            matches.sort_by_cached_key(|r| qc::eval::sort_key(sort, r));
        }
        let end = (start + per_page).min(matches.len());
        let page: Vec<&Value> = matches.get(start..end).unwrap_or_default().to_vec();
        let next = if end < matches.len() {
            json!({"page": start / per_page + 2, "starting_after": encode_cursor(end)})
        } else {
            Value::Null
        };
        let list_type = match self.target {
            Target::Conversations => "conversation.list",
            Target::Contacts | Target::Companies => "list",
            Target::Tickets => "ticket.list",
        };
        let mut body = json!({
            "type": list_type,
            "pages": {
                "type": "pages",
                "page": start / per_page + 1,
                "per_page": per_page,
                "total_pages": matches.len().div_ceil(per_page),
                "next": next
            },
            "total_count": matches.len(),
        });
        body[self.target.list_key()] = json!(page);
        Reply::json(200, &body)
            .header("X-RateLimit-Limit", 10_000)
            .header("X-RateLimit-Remaining", 9_999)
            .header("X-RateLimit-Reset", unix_now() + 10)
    }
}

/// An opaque cursor for "after the first `n` matches".
pub fn encode_cursor(n: usize) -> String {
    format!("WzE3MT{:x}Q==", n * 4099 + 17)
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let hex = cursor.strip_prefix("WzE3MT")?.strip_suffix("Q==")?;
    let n = usize::from_str_radix(hex, 16).ok()?.checked_sub(17)?;
    (n % 4099 == 0).then_some(n / 4099)
}

/// `count` conversations with ids `"1"`, `"2"`, ...: odd ids open, even
/// ids closed; those with an id divisible by 3 tagged `7`.
pub fn conversations(count: usize) -> Vec<Value> {
    (1..=count)
        .map(|i| {
            let tags: Vec<Value> = if i % 3 == 0 {
                vec![json!({"type": "tag", "id": "7", "name": "vip"})]
            } else {
                Vec::new()
            };
            json!({
                "type": "conversation",
                "id": i.to_string(),
                "created_at": 1_700_000_000 + i,
                "state": if i % 2 == 1 { "open" } else { "closed" },
                "tags": {"type": "tag.list", "tags": tags},
                "title": format!("conversation {i}")
            })
        })
        .collect()
}

/// The same objects typed as `object` (`contact`, `ticket`).
pub fn retyped(records: Vec<Value>, object: &str) -> Vec<Value> {
    records
        .into_iter()
        .map(|mut r| {
            r["type"] = json!(object);
            r
        })
        .collect()
}

/// A working API of a workspace's schema: `GET /data_attributes?model=…`
/// (archived attributes only with `include_archived=true`, as the
/// reference says) and `GET /ticket_types`, each list in pages of
/// `page_size` with opaque cursors (`pages.next.starting_after`) when
/// that is set.
#[derive(Debug, Clone, Default)]
pub struct SchemaApi {
    /// The data attributes, each with its `model`.
    pub data_attributes: Vec<Value>,
    /// The ticket types.
    pub ticket_types: Vec<Value>,
    /// Items a page; every list is one page when `None`.
    pub page_size: Option<usize>,
}

impl SchemaApi {
    /// The answer of the API to `request`.
    pub fn reply(&self, request: &Recorded) -> Reply {
        if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Reply::error(401, "unauthorized", "Access Token Invalid");
        }
        if request
            .header("intercom-version")
            .and_then(|v| v.parse::<qc::target::ApiVersion>().ok())
            .is_none()
        {
            return Reply::error(
                400,
                "intercom_version_invalid",
                "Requested version is invalid",
            );
        }
        let (path, query) = request
            .path
            .split_once('?')
            .unwrap_or((request.path.as_str(), ""));
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_owned)
        };
        if request.method != "GET" {
            return Reply::error(404, "not_found", "Resource Not Found");
        }
        let (items, key, list_type): (Vec<Value>, &str, &str) = match path {
            "/data_attributes" => {
                let model = param("model");
                let archived = param("include_archived").as_deref() == Some("true");
                let items = self
                    .data_attributes
                    .iter()
                    .filter(|a| model.as_deref().is_none_or(|m| a["model"] == m))
                    .filter(|a| archived || a["archived"] != true)
                    .cloned()
                    .collect();
                (items, "data", "list")
            }
            "/ticket_types" => (
                self.ticket_types.clone(),
                "ticket_types",
                "ticket_type.list",
            ),
            _ => return Reply::error(404, "not_found", "Resource Not Found"),
        };
        let start = match param("starting_after") {
            None => 0,
            Some(cursor) => match decode_cursor(&cursor.replace("%3D", "=")) {
                Some(at) => at,
                None => return Reply::error(400, "parameter_invalid", "invalid starting_after"),
            },
        };
        let size = self.page_size.unwrap_or(usize::MAX).max(1);
        let end = start.saturating_add(size).min(items.len());
        let mut body = json!({"type": list_type});
        body[key] = json!(items.get(start..end).unwrap_or_default());
        if end < items.len() {
            body["pages"] =
                json!({"type": "pages", "next": {"starting_after": encode_cursor(end)}});
        }
        Reply::json(200, &body)
    }
}

/// A data attribute of `model` as `GET /data_attributes` gives it: custom
/// when `full_name` is under `custom_attributes.`.
pub fn data_attribute(model: &str, full_name: &str, data_type: &str, archived: bool) -> Value {
    let custom = full_name.starts_with("custom_attributes.");
    let name = full_name.rsplit('.').next().unwrap_or(full_name);
    json!({
        "type": "data_attribute",
        "name": name,
        "full_name": full_name,
        "label": name,
        "description": format!("The {name} of the {model}"),
        "data_type": data_type,
        "api_writable": true,
        "custom": custom,
        "archived": archived,
        "model": model
    })
}

/// A ticket type as `GET /ticket_types` gives it, with attributes of
/// `(id, name, data_type)`.
pub fn ticket_type(id: &str, name: &str, attributes: &[(&str, &str, &str)]) -> Value {
    let attributes: Vec<Value> = attributes
        .iter()
        .map(|(attr_id, attr_name, data_type)| {
            json!({
                "type": "ticket_type_attribute",
                "id": attr_id,
                "name": attr_name,
                "description": "",
                "data_type": data_type,
                "input_options": null,
                "ticket_type_id": id,
                "archived": false
            })
        })
        .collect();
    json!({
        "type": "ticket_type",
        "id": id,
        "name": name,
        "description": format!("{name} template"),
        "archived": false,
        "ticket_type_attributes": {"type": "list", "data": attributes},
        "category": "Customer"
    })
}
