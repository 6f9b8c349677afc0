//! The server's state and what it does with each message.

use std::collections::HashMap;
use std::io::{self, Write};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::convert::{self, Text};
use super::transport::{self, error_response};
use std::path::PathBuf;

use crate::config::FileSettings;
use crate::diagnostic::PositionEncoding;
use crate::syntax::Ast;
use crate::{Compiler, Diagnostic};

/// The optimiser's budget for one query in the editor: a tenth of the
/// command line's, so that diagnostics, completion and hover never wait
/// long behind a hostile document (about 15 ms at most in a release
/// build). Past it the answer is still exact: E0203 says the budget ran
/// out, and `qc plan` has the whole budget.
pub const LSP_OPTIMISER_STEPS: u64 = crate::options::DEFAULT_OPTIMISER_STEPS / 10;

/// What the main loop should do after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next message.
    Continue,
    /// `exit` arrived: stop with this process status.
    Exit(u8),
}

/// An open document.
#[derive(Debug)]
struct Document {
    /// The text, and what diagnosing it found.
    text: Analysed,
    version: i32,
    /// The compiler of the document's project (its `qc.toml`).
    compiler: Compiler,
    /// Completion's states, kept across requests and edits.
    checkpoints: crate::ide::Checkpoints,
}

self_cell::self_cell!(
    /// A document's text and, once diagnosed, its [`Analysis`], whose
    /// syntax tree borrows from the text. A change takes the text out of
    /// the cell ([`Document::change`]), which drops the analysis: what is
    /// kept is always of the text as it is, and one per open document.
    struct Analysed {
        owner: Text,
        #[covariant]
        dependent: MaybeAnalysis,
    }

    impl {Debug}
);

/// The analysis of a text, once made.
type MaybeAnalysis<'a> = Option<Analysis<'a>>;

/// What diagnosing a text found: its diagnostics (which code actions read
/// again) and its syntax tree (in which hover looks up the node at the
/// cursor), so that neither parses the text again.
#[derive(Debug)]
struct Analysis<'a> {
    diagnostics: Vec<Diagnostic>,
    /// `None` when the text is over the input limit and diagnosing did not
    /// parse it; hover parses it then.
    tree: Option<Ast<'a>>,
}

impl<'a> Analysis<'a> {
    /// Diagnoses `text`, keeping the tree the compiler read.
    fn new(text: &'a Text, compiler: &Compiler) -> Analysis<'a> {
        let (diagnostics, tree) = compiler.diagnose_keeping_tree(&text.text);
        Analysis { diagnostics, tree }
    }
}

impl Document {
    fn new(text: String, version: i32, compiler: Compiler) -> Document {
        Document {
            text: Analysed::new(Text::new(text), |_| None),
            version,
            compiler,
            checkpoints: crate::ide::Checkpoints::new(),
        }
    }

    /// Changes the text with `f`, which also sees completion's states;
    /// the analysis of the text before goes.
    fn change(&mut self, f: impl FnOnce(&mut Text, &mut crate::ide::Checkpoints)) {
        let placeholder = Analysed::new(Text::new(String::new()), |_| None);
        let mut text = std::mem::replace(&mut self.text, placeholder).into_owner();
        f(&mut text, &mut self.checkpoints);
        self.text = Analysed::new(text, |_| None);
    }

    /// `f` of the text, its analysis (made now when the text changed since
    /// the last) and the document's compiler.
    fn analysed<R>(
        &mut self,
        f: impl for<'a> FnOnce(&'a Text, &mut Analysis<'a>, &Compiler) -> R,
    ) -> R {
        let compiler = &self.compiler;
        self.text.with_dependent_mut(|text, kept| {
            let analysis = kept.get_or_insert_with(|| Analysis::new(text, compiler));
            f(text, analysis, compiler)
        })
    }
}

/// The server: open documents and the protocol's lifecycle.
pub struct Server<W: Write> {
    out: W,
    documents: HashMap<lsp::Uri, Document>,
    encoding: PositionEncoding,
    initialized: bool,
    shutdown: bool,
    /// Settings from the client's `initializationOptions`.
    defaults: FileSettings,
    /// The compiler of each project, by the path of its `qc.toml` (`None`:
    /// no project file).
    projects: HashMap<Option<PathBuf>, Compiler>,
}

/// A handler's result: a value, or a JSON-RPC error code and message.
type Handled<T> = Result<T, (ErrorCode, String)>;
type Reply = Handled<serde_json::Value>;

impl<W: Write> Server<W> {
    /// A server writing to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            documents: HashMap::new(),
            encoding: PositionEncoding::Utf16,
            initialized: false,
            shutdown: false,
            defaults: FileSettings::default(),
            projects: HashMap::new(),
        }
    }

    /// The status to exit with when the input ends without `exit`.
    pub fn status_at_end(&self) -> u8 {
        if self.shutdown { 0 } else { 1 }
    }

    /// Answers a frame that was not a usable message.
    pub fn malformed(
        &mut self,
        id: Option<RequestId>,
        code: ErrorCode,
        message: String,
    ) -> io::Result<()> {
        transport::write_error(&mut self.out, id, code, message)
    }

    /// Handles one message.
    pub fn handle(&mut self, message: Message) -> io::Result<Flow> {
        match message {
            Message::Request(r) => self.request(r).map(|()| Flow::Continue),
            Message::Notification(n) if n.method == note::Exit::METHOD => {
                Ok(Flow::Exit(self.status_at_end()))
            }
            Message::Notification(n) => self.notification(n).map(|()| Flow::Continue),
            Message::Response(_) => Ok(Flow::Continue), // we send no requests
        }
    }

    fn send(&mut self, message: Message) -> io::Result<()> {
        transport::write(&mut self.out, &message)
    }

    fn request(&mut self, r: Request) -> io::Result<()> {
        let id = r.id.clone();
        let reply = if r.method == req::Initialize::METHOD {
            self.initialize(r)
        } else if !self.initialized {
            Err((
                ErrorCode::ServerNotInitialized,
                "the server has not been initialized".to_owned(),
            ))
        } else if self.shutdown {
            Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_owned(),
            ))
        } else {
            match r.method.as_str() {
                req::Shutdown::METHOD => {
                    self.shutdown = true;
                    Ok(serde_json::Value::Null)
                }
                req::Completion::METHOD => self.with_params(r, Self::completion),
                req::HoverRequest::METHOD => self.with_params(r, Self::hover),
                req::CodeActionRequest::METHOD => self.with_params(r, Self::code_action),
                method => Err((
                    ErrorCode::MethodNotFound,
                    format!("unknown method `{method}`"),
                )),
            }
        };
        let response = match reply {
            Ok(result) => Response {
                id,
                result: Some(result),
                error: None,
            },
            Err((code, message)) => error_response(id, code, message),
        };
        self.send(Message::Response(response))
    }

    fn with_params<P: DeserializeOwned, R: Serialize>(
        &mut self,
        r: Request,
        f: fn(&mut Self, P) -> Handled<R>,
    ) -> Reply {
        let params = serde_json::from_value(r.params).map_err(|e| {
            (
                ErrorCode::InvalidParams,
                format!("invalid params for `{}`: {e}", r.method),
            )
        })?;
        to_value(f(self, params)?)
    }

    fn initialize(&mut self, r: Request) -> Reply {
        if self.initialized {
            return Err((
                ErrorCode::InvalidRequest,
                "initialize was already received".to_owned(),
            ));
        }
        let params: lsp::InitializeParams = serde_json::from_value(r.params).map_err(|e| {
            (
                ErrorCode::InvalidParams,
                format!("invalid initialize params: {e}"),
            )
        })?;
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        self.encoding = convert::negotiate(offered);
        if let Some(options) = params.initialization_options {
            match serde_json::from_value::<FileSettings>(options) {
                Ok(settings) => self.defaults = settings,
                Err(e) => {
                    return Err((
                        ErrorCode::InvalidParams,
                        format!(
                            "invalid initializationOptions (expected `target`, `schema`, `timezone`): {e}"
                        ),
                    ));
                }
            }
        }
        self.initialized = true;
        to_value(lsp::InitializeResult {
            capabilities: capabilities(self.encoding),
            server_info: Some(lsp::ServerInfo {
                name: "qc".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        })
    }

    fn document_mut(&mut self, uri: &lsp::Uri) -> Handled<&mut Document> {
        self.documents.get_mut(uri).ok_or_else(|| not_open(uri))
    }

    fn completion(&mut self, p: lsp::CompletionParams) -> Handled<lsp::CompletionResponse> {
        let at = &p.text_document_position;
        let encoding = self.encoding;
        let doc = self.document_mut(&at.text_document.uri)?;
        let text = doc.text.borrow_owner();
        let offset = text.offset(at.position, encoding);
        let items = doc
            .checkpoints
            .complete(&text.text, offset, &doc.compiler.schema)
            .iter()
            .map(|c| convert::completion(c, text, encoding))
            .collect();
        Ok(lsp::CompletionResponse::Array(items))
    }

    fn hover(&mut self, p: lsp::HoverParams) -> Handled<Option<lsp::Hover>> {
        let at = &p.text_document_position_params;
        let encoding = self.encoding;
        let doc = self.document_mut(&at.text_document.uri)?;
        Ok(doc.analysed(|text, analysis, compiler| {
            let offset = text.offset(at.position, encoding);
            let tree = analysis
                .tree
                .get_or_insert_with(|| crate::parse(&text.text).ast);
            crate::ide::hover_in(tree, offset, &compiler.schema)
                .map(|h| convert::hover(&h, text, encoding))
        }))
    }

    fn code_action(&mut self, p: lsp::CodeActionParams) -> Handled<Vec<lsp::CodeActionOrCommand>> {
        let uri = &p.text_document.uri;
        let encoding = self.encoding;
        let doc = self.document_mut(uri)?;
        Ok(doc.analysed(|text, analysis, _| {
            let wanted = text.span(p.range, encoding);
            analysis
                .diagnostics
                .iter()
                .filter(|d| d.range.touches(wanted))
                .filter_map(|d| convert::quick_fix(d, text, uri, encoding))
                .map(lsp::CodeActionOrCommand::CodeAction)
                .collect()
        }))
    }

    fn notification(&mut self, n: Notification) -> io::Result<()> {
        if !self.initialized {
            return Ok(()); // dropped, as the protocol says
        }
        let method = n.method.clone();
        let outcome = match method.as_str() {
            note::DidOpenTextDocument::METHOD => self.on_params(n, Self::did_open),
            note::DidChangeTextDocument::METHOD => self.on_params(n, Self::did_change),
            note::DidCloseTextDocument::METHOD => self.on_params(n, Self::did_close),
            _ => Ok(()), // initialized, $/cancelRequest, didSave, unknown: nothing to do
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(Problem::Io(e)) => Err(e),
            Err(Problem::Client(message)) => self.log(lsp::MessageType::WARNING, message),
        }
    }

    fn on_params<P: DeserializeOwned>(
        &mut self,
        n: Notification,
        f: fn(&mut Self, P) -> Result<(), Problem>,
    ) -> Result<(), Problem> {
        let params = serde_json::from_value(n.params).map_err(|e| {
            Problem::Client(format!("ignored `{}` with invalid params: {e}", n.method))
        })?;
        f(self, params)
    }

    /// The compiler for a document: its project's `qc.toml` (found from
    /// the document's directory) over the client's settings. A broken
    /// project file or schema is reported to the client, and the built-in
    /// conversations schema used meanwhile.
    fn compiler_for(&mut self, uri: &lsp::Uri) -> io::Result<Compiler> {
        let dir = uri
            .as_str()
            .strip_prefix("file://")
            .map(|p| PathBuf::from(percent_decode(p)))
            .and_then(|p| p.parent().map(PathBuf::from));
        let found = match dir.as_deref().map(FileSettings::discover) {
            Some(Ok(found)) => found,
            Some(Err(e)) => {
                self.log(lsp::MessageType::ERROR, format!("qc: {e}"))?;
                None
            }
            None => None,
        };
        let key = found.as_ref().map(|(path, _)| path.clone());
        if let Some(compiler) = self.projects.get(&key) {
            return Ok(compiler.clone());
        }
        let settings = match found {
            Some((_, file)) => self.defaults.clone().overridden_by(file),
            None => self.defaults.clone(),
        };
        let lsp = crate::Settings {
            optimiser_steps: Some(LSP_OPTIMISER_STEPS),
            ..crate::Settings::default()
        };
        let compiler = match settings
            .settings()
            .and_then(|s| s.overridden_by(lsp).compiler())
        {
            Ok(compiler) => compiler,
            Err(e) => {
                self.log(lsp::MessageType::ERROR, format!("qc: {e}"))?;
                Compiler::new(
                    crate::Schema::conversations(),
                    crate::Options {
                        optimiser_steps: LSP_OPTIMISER_STEPS,
                        ..crate::Options::default()
                    },
                )
            }
        };
        self.projects.insert(key, compiler.clone());
        Ok(compiler)
    }

    fn did_open(&mut self, p: lsp::DidOpenTextDocumentParams) -> Result<(), Problem> {
        let doc = p.text_document;
        let compiler = self.compiler_for(&doc.uri).map_err(Problem::Io)?;
        self.documents.insert(
            doc.uri.clone(),
            Document::new(doc.text, doc.version, compiler),
        );
        self.publish(&doc.uri).map_err(Problem::Io)
    }

    fn did_change(&mut self, p: lsp::DidChangeTextDocumentParams) -> Result<(), Problem> {
        let uri = p.text_document.uri;
        let encoding = self.encoding;
        let Some(doc) = self.documents.get_mut(&uri) else {
            return Err(Problem::Client(format!(
                "ignored a change to `{}`, which is not open",
                uri.as_str()
            )));
        };
        doc.change(|text, checkpoints| {
            for change in p.content_changes {
                match change.range {
                    Some(range) => {
                        let span = text.span(range, encoding);
                        if text.edit(span, &change.text) {
                            checkpoints.edit(span, change.text.len());
                        }
                    }
                    None => {
                        *text = Text::new(change.text);
                        *checkpoints = crate::ide::Checkpoints::new();
                    }
                }
            }
        });
        doc.version = p.text_document.version;
        self.publish(&uri).map_err(Problem::Io)
    }

    fn did_close(&mut self, p: lsp::DidCloseTextDocumentParams) -> Result<(), Problem> {
        let uri = p.text_document.uri;
        if self.documents.remove(&uri).is_some() {
            let clear = lsp::PublishDiagnosticsParams::new(uri, Vec::new(), None);
            self.notify::<note::PublishDiagnostics>(clear)
                .map_err(Problem::Io)?;
        }
        Ok(())
    }

    /// Sends the diagnostics of an open document (diagnosing it, unless
    /// they are kept from before).
    fn publish(&mut self, uri: &lsp::Uri) -> io::Result<()> {
        let encoding = self.encoding;
        let Some(doc) = self.documents.get_mut(uri) else {
            return Ok(());
        };
        let diagnostics = doc.analysed(|text, analysis, _| {
            analysis
                .diagnostics
                .iter()
                .map(|d| convert::diagnostic(d, text, uri, encoding))
                .collect()
        });
        let params =
            lsp::PublishDiagnosticsParams::new(uri.clone(), diagnostics, Some(doc.version));
        self.notify::<note::PublishDiagnostics>(params)
    }

    fn log(&mut self, typ: lsp::MessageType, message: String) -> io::Result<()> {
        self.notify::<note::LogMessage>(lsp::LogMessageParams { typ, message })
    }

    fn notify<N: note::Notification>(&mut self, params: N::Params) -> io::Result<()> {
        let params = serde_json::to_value(params).map_err(io::Error::other)?;
        self.send(Message::Notification(Notification {
            method: N::METHOD.to_owned(),
            params,
        }))
    }
}

/// Why a notification could not be acted on.
enum Problem {
    /// The client sent something unusable: log it and go on.
    Client(String),
    /// Writing to the client failed.
    Io(io::Error),
}

/// The error of a request about a document that is not open.
fn not_open(uri: &lsp::Uri) -> (ErrorCode, String) {
    (
        ErrorCode::InvalidParams,
        format!("document `{}` is not open", uri.as_str()),
    )
}

fn to_value(value: impl Serialize) -> Reply {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// What the server offers.
fn capabilities(encoding: PositionEncoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(encoding)),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                ..lsp::TextDocumentSyncOptions::default()
            },
        )),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![" ".to_owned(), "[".to_owned(), ",".to_owned()]),
            ..lsp::CompletionOptions::default()
        }),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..lsp::CodeActionOptions::default()
            },
        )),
        ..lsp::ServerCapabilities::default()
    }
}

/// A `file://` URI's path with `%XX` escapes decoded.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
