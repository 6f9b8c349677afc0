//! `qc mcp`: the MCP server on stdin and stdout, with the workspace of the
//! other commands (`qc.toml`, `--target`, `--schema`, `--timezone`,
//! `--api-version`) and the connection flags of `qc search`. Everything it
//! says besides the protocol goes to stderr.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use qc::Settings;
use qc::mcp::{Config, Connection, DEFAULT_MAX_LIMIT, Server};

use crate::api::{ApiArgs, clear_text_warning, parse_duration};
use crate::exit::EXIT_USAGE;
use crate::report::{self, ColorChoice};
use crate::workspace::{WorkspaceArgs, usage_error};

/// How an MCP client is set up to start `qc mcp`.
const SETUP: &str = "\
Set-up: the MCP client starts `qc mcp` itself; give the token in its environment (INTERCOM_TOKEN)
or with --token-file, and `command` as qc's absolute path (`which qc`) when the client does not
start from your shell. Claude Desktop (claude_desktop_config.json), Cursor (~/.cursor/mcp.json,
or .cursor/mcp.json in a project):

  {\"mcpServers\": {\"intercom\": {\"command\": \"qc\", \"args\": [\"mcp\", \"--region\", \"eu\"],
                                \"env\": {\"INTERCOM_TOKEN\": \"...\"}}}}

VS Code (.vscode/mcp.json):

  {\"servers\": {\"intercom\": {\"type\": \"stdio\", \"command\": \"qc\", \"args\": [\"mcp\"],
                           \"env\": {\"INTERCOM_TOKEN\": \"...\"}}}}

Try it by hand in the MCP Inspector (Node.js), with the token of your shell:

  npx @modelcontextprotocol/inspector -e INTERCOM_TOKEN=\"$INTERCOM_TOKEN\" qc mcp

More in the README, section \"AI assistants: `qc mcp`\".";

/// Arguments of `qc mcp`.
#[derive(Debug, Args)]
#[command(after_help = SETUP)]
pub struct McpArgs {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    api: ApiArgs,
    /// The most results one search returns; a larger `limit` is lowered to
    /// it, with a note.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_LIMIT,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    max_limit: u64,
    /// The longest one search may take, waits included (`90s`, `5m`).
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    max_time: Duration,
    /// Fix "now" for relative dates (RFC 3339), for reproducible answers.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
}

/// Runs `qc mcp` until the client closes stdin.
pub fn run(args: McpArgs) -> ExitCode {
    let over = Settings {
        now: args.now.clone().map(qc::Now::Text),
        ..Settings::default()
    };
    let settings = match args.workspace.settings(over) {
        Ok(s) => s,
        Err(e) => return usage_error(&e, ColorChoice::Never),
    };
    let base = match args.api.base() {
        Ok(base) => base,
        Err(message) => {
            report::eprintln_escaped!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let transport = match args.api.transport(&base) {
        Ok(transport) => transport,
        Err(refused) => {
            crate::out::eline(format_args!("error: {}", refused.error));
            crate::out::eline(format_args!("help: {}", refused.help));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Some(warning) = clear_text_warning(&base) {
        report::eprintln_escaped!("{warning}");
    }
    // Without a token the server still checks queries; `search` says why
    // it cannot run.
    let token = args.api.token().map_err(|why| {
        format!("{why}, in the configuration that starts `qc mcp`; `check`, `fields` and `explain` work without one")
    });
    if let Err(why) = &token {
        report::eprintln_escaped!("qc mcp: {why}");
    }
    let connection = Connection {
        token,
        base,
        transport: Arc::new(transport),
        policy: args.api.policy(),
        per_page: args.api.per_page,
        max_requests: args.api.max_requests,
        max_time: args.max_time,
        concurrency: args.api.concurrency(),
    };
    let config = Config {
        settings,
        connection,
        max_limit: args.max_limit,
    };
    let server = match Server::new(config) {
        Ok(server) => server,
        Err(e) => return usage_error(&e, ColorChoice::Never),
    };
    match qc::mcp::serve_stdio(server) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report::eprintln_escaped!("error: qc mcp: {e}");
            ExitCode::FAILURE
        }
    }
}
