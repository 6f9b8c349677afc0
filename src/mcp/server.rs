//! The MCP server: its tools, its resource, and serving them over stdio.
//! Each tool converts its input, calls the library and converts the
//! answer; the work runs on a blocking thread, so that a search waiting
//! for the API holds up no other request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::schema_for_output;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt, tool, tool_handler};
use serde::Serialize;
use serde_json::Value;

use super::reference::{REFERENCE_URI, primer, reference};
use super::run::{Connection, Stop, fetch};
use super::tools::{
    CheckInput, CheckOutput, ExplainInput, ExplainOutput, FieldsInput, FieldsOutput, Problem,
    SearchInput, SearchOutput,
};
use crate::compiler::Compiler;
use crate::diagnostic::{Code, closest};
use crate::search::{Redactor, Requests};
use crate::settings::Settings;
use crate::target::Target;

/// The `limit` of a search that names none.
pub const DEFAULT_LIMIT: u64 = 25;

/// The most results a search returns unless the server is given another
/// cap.
pub const DEFAULT_MAX_LIMIT: u64 = 200;

/// What the server is started with.
#[derive(Debug)]
pub struct Config {
    /// The workspace (`qc.toml` and the flags): the default target, the
    /// API version, the time zone, the schema files, "now".
    pub settings: Settings,
    /// How `search` reaches the API.
    pub connection: Connection,
    /// The most results one search returns; a larger `limit` is lowered
    /// to it, with a note.
    pub max_limit: u64,
}

/// The MCP server of qc: tools `search`, `check`, `fields` and `explain`,
/// and the resource [`REFERENCE_URI`].
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
    tool_router: ToolRouter<Server>,
}

struct Shared {
    config: Config,
    /// The default target of the settings.
    target: Target,
    /// Removes the token from every answer.
    redactor: Option<Redactor>,
    /// A compiler per target, built once.
    compilers: Mutex<HashMap<Target, Compiler>>,
    reference: OnceLock<String>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A server with `config`; the settings are checked (their default
    /// target must compile) so that a bad `qc.toml` stops it at once.
    pub fn new(config: Config) -> Result<Server, crate::SettingsError> {
        let target = config.settings.target()?;
        let redactor = config.connection.token.as_ref().ok().map(Redactor::new);
        let shared = Arc::new(Shared {
            target,
            redactor,
            compilers: Mutex::new(HashMap::new()),
            reference: OnceLock::new(),
            config,
        });
        let server = Server {
            tool_router: tools(shared.config.max_limit),
            shared,
        };
        server.compiler(None).map_err(crate::SettingsError::Value)?;
        Ok(server)
    }

    /// The compiler for `target` (the default one when `None`).
    fn compiler(&self, target: Option<super::tools::TargetName>) -> Result<Compiler, String> {
        let target = target.map_or(self.shared.target, Target::from);
        let mut compilers = self
            .shared
            .compilers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = compilers.get(&target) {
            return Ok(c.clone());
        }
        let over = Settings {
            target: Some(target.name().to_owned()),
            ..Settings::default()
        };
        let compiler = self
            .shared
            .config
            .settings
            .clone()
            .overridden_by(over)
            .compiler()
            .map_err(|e| e.to_string())?;
        compilers.insert(target, compiler.clone());
        Ok(compiler)
    }

    /// `value` as the structured answer of a tool, the token removed.
    fn answer<T: Serialize>(&self, value: &T, is_error: bool) -> CallToolResult {
        let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
        if let Some(r) = &self.shared.redactor {
            r.value(&mut value);
        }
        if is_error {
            CallToolResult::structured_error(value)
        } else {
            CallToolResult::structured(value)
        }
    }

    /// A tool error saying `message`, the token removed.
    fn refuse(&self, message: &str) -> CallToolResult {
        let text = match &self.shared.redactor {
            Some(r) => r.text(message).as_str().to_owned(),
            None => message.to_owned(),
        };
        CallToolResult::error(vec![ContentBlock::text(text)])
    }

    /// What `check` says of `text`, and its requests when it is valid.
    fn check_text(
        &self,
        text: &str,
        compiler: &Compiler,
    ) -> Result<(CheckOutput, Option<Requests>), String> {
        let (diagnostics, requests) = match crate::search::requests(text, compiler) {
            Ok(r) => (r.warnings.clone(), Some(r)),
            Err(e) if e.diagnostics().is_empty() => return Err(e.to_string()),
            Err(e) => (e.diagnostics().to_vec(), None),
        };
        let output = CheckOutput {
            target: compiler.schema.target().into(),
            api_version: compiler.schema.version().name().to_owned(),
            valid: requests.is_some(),
            fixed: crate::search::fixed(text, compiler),
            diagnostics: Problem::all(&diagnostics, text),
            requests: requests.as_ref().map(Requests::bodies).unwrap_or_default(),
            note: requests.as_ref().and_then(Requests::note),
        };
        Ok((output, requests))
    }

    fn run_search(
        &self,
        input: SearchInput,
        cancelled: impl Fn() -> bool + Send + Sync + 'static,
    ) -> CallToolResult {
        let compiler = match self.compiler(input.target) {
            Ok(c) => c,
            Err(e) => return self.refuse(&e),
        };
        let max = self.shared.config.max_limit;
        let asked = input.limit.unwrap_or(DEFAULT_LIMIT.min(max));
        if asked == 0 {
            return self.refuse("`limit` must be at least 1");
        }
        let mut notes = Vec::new();
        let limit = if asked > max {
            notes.push(format!(
                "`limit` {asked} is over this server's cap of {max}: {max} used"
            ));
            max
        } else {
            asked
        };
        let (check, requests) = match self.check_text(&input.query, &compiler) {
            Ok(checked) => checked,
            Err(e) => return self.refuse(&e),
        };
        let Some(requests) = requests else {
            let output = SearchOutput {
                check,
                results: Vec::new(),
                returned: 0,
                total_count: None,
                truncated: false,
                limit,
                requests_sent: 0,
                notes,
            };
            return self.answer(&output, true);
        };
        let connection = &self.shared.config.connection;
        let stop = Stop::new(cancelled, connection.max_time);
        let target = compiler.schema.target();
        match fetch(
            connection,
            compiler.schema.version(),
            target,
            &requests,
            limit,
            &stop,
        ) {
            Ok(fetched) => {
                let output = SearchOutput {
                    check,
                    returned: fetched.results.len() as u64,
                    results: fetched.results,
                    total_count: fetched.total_count,
                    truncated: fetched.truncated,
                    limit,
                    requests_sent: fetched.requests_sent,
                    notes,
                };
                self.answer(&output, false)
            }
            Err(message) => self.refuse(&message),
        }
    }

    fn run_check(&self, input: CheckInput) -> CallToolResult {
        let compiler = match self.compiler(input.target) {
            Ok(c) => c,
            Err(e) => return self.refuse(&e),
        };
        match self.check_text(&input.query, &compiler) {
            Ok((output, _)) => self.answer(&output, !output.valid),
            Err(e) => self.refuse(&e),
        }
    }

    fn run_fields(&self, input: FieldsInput) -> CallToolResult {
        match self.compiler(input.target) {
            Ok(c) => self.answer(
                &FieldsOutput::of(&c.schema, input.name_contains.as_deref()),
                false,
            ),
            Err(e) => self.refuse(&e),
        }
    }

    fn run_explain(&self, input: ExplainInput) -> CallToolResult {
        let asked = input.code.trim();
        match asked.parse::<Code>() {
            Ok(code) => self.answer(&ExplainOutput::from(code), false),
            Err(()) => {
                let shown = crate::diagnostic::clip(asked);
                let hint = closest(asked, Code::ALL.iter().map(|c| c.as_str()))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                self.refuse(&format!(
                    "unknown code `{shown}`{hint}: a code is the `code` of a diagnostic, such as E0101"
                ))
            }
        }
    }

    /// The reference, built once.
    fn reference(&self) -> &str {
        self.shared
            .reference
            .get_or_init(|| reference(&self.shared.config.settings))
    }
}

/// Runs `work` on a blocking thread.
async fn blocking(
    work: impl FnOnce() -> CallToolResult + Send + 'static,
) -> Result<CallToolResult, ErrorData> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ErrorData::internal_error(format!("the tool stopped: {e}"), None))
}

impl Server {
    #[tool(
        name = "search",
        annotations(read_only_hint = true, open_world_hint = true),
        output_schema = schema_for_output::<SearchOutput>()
    )]
    async fn search(
        &self,
        Parameters(input): Parameters<SearchInput>,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let server = self.clone();
        let ct = context.ct.clone();
        blocking(move || server.run_search(input, move || ct.is_cancelled())).await
    }

    #[tool(
        name = "check",
        annotations(read_only_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<CheckOutput>()
    )]
    async fn check(
        &self,
        Parameters(input): Parameters<CheckInput>,
    ) -> Result<CallToolResult, ErrorData> {
        let server = self.clone();
        blocking(move || server.run_check(input)).await
    }

    #[tool(
        name = "fields",
        annotations(read_only_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<FieldsOutput>()
    )]
    async fn fields(
        &self,
        Parameters(input): Parameters<FieldsInput>,
    ) -> Result<CallToolResult, ErrorData> {
        let server = self.clone();
        blocking(move || server.run_fields(input)).await
    }

    #[tool(
        name = "explain",
        annotations(read_only_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<ExplainOutput>()
    )]
    async fn explain(
        &self,
        Parameters(input): Parameters<ExplainInput>,
    ) -> Result<CallToolResult, ErrorData> {
        Ok(self.run_explain(input))
    }
}

/// The tools, with their descriptions (which teach the language) and
/// `search`'s cap on `limit` in its schema.
fn tools(max_limit: u64) -> ToolRouter<Server> {
    let primer = primer();
    let mut search = Server::search_tool_attr();
    search.description = Some(
        format!(
            "Search Intercom (read-only) with a qc query; returns the matching objects (id, a \
             summary and the fields the query names), the total count, whether the list was cut \
             at `limit`, and the request bodies sent. An invalid query returns its diagnostics \
             and `fixed` text instead. {primer}"
        )
        .into(),
    );
    if let Some(Value::Object(limit)) = Arc::make_mut(&mut search.input_schema)
        .get_mut("properties")
        .and_then(|p| p.get_mut("limit"))
    {
        limit.insert("maximum".to_owned(), max_limit.into());
        limit.insert("default".to_owned(), DEFAULT_LIMIT.min(max_limit).into());
    }
    let mut check = Server::check_tool_attr();
    check.description = Some(
        format!(
            "Check a qc query without running it: its diagnostics (code, message, range, help, \
             fix), the text with every fix applied when that text is valid (`fixed`), and the \
             JSON request bodies it compiles to. {primer}"
        )
        .into(),
    );
    let mut fields = Server::fields_tool_attr();
    fields.description = Some(
        "The fields a target's queries may use: type, operators, allowed values, and the \
         workspace's custom attributes."
            .into(),
    );
    let mut explain = Server::explain_tool_attr();
    explain.description =
        Some("Explain a diagnostic code (such as E0101): what it means and how to fix it.".into());
    ToolRouter::new()
        .with_route((search, Server::search))
        .with_route((check, Server::check))
        .with_route((fields, Server::fields))
        .with_route((explain, Server::explain))
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("qc", env!("CARGO_PKG_VERSION")))
        .with_instructions(format!(
            "Search Intercom's conversations, contacts, tickets and companies with qc queries \
             that say exactly what they select. Call `check` on a query you are unsure of and \
             apply its fixes, `fields` to see what a target can be searched by, then `search`. \
             {}",
            primer()
        ))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let resource = Resource::new(REFERENCE_URI, "qc-reference")
            .with_title("The qc query language")
            .with_description(
                "Grammar, operators and their exact meaning, dates, each target's fields and examples, diagnostic codes",
            )
            .with_mime_type("text/markdown");
        Ok(ListResourcesResult::with_all_items(vec![resource]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if request.uri != REFERENCE_URI {
            return Err(ErrorData::resource_not_found(
                format!(
                    "no resource `{}`; the one resource is {REFERENCE_URI}",
                    crate::diagnostic::clip(&request.uri)
                ),
                None,
            ));
        }
        let contents = ResourceContents::TextResourceContents {
            uri: REFERENCE_URI.to_owned(),
            mime_type: Some("text/markdown".to_owned()),
            text: self.reference().to_owned(),
            meta: None,
        };
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}

/// Serves `server` on stdin and stdout until the client closes stdin:
/// stdout carries only protocol messages. Runs its own runtime.
pub fn serve_stdio(server: Server) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let service = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(std::io::Error::other)?;
        service.waiting().await.map_err(std::io::Error::other)?;
        Ok(())
    })
}
