//! The `qc` command: compile queries to Intercom search JSON, check them,
//! list the searchable fields and explain diagnostic codes.
#![forbid(unsafe_code)]

#[cfg(feature = "search")]
mod api;
mod changes;
mod compare;
mod config;
mod decompile;
mod docs;
mod exit;
mod filter;
mod fmt;
mod input;
#[cfg(feature = "mcp")]
mod mcp;
mod out;
mod report;
#[cfg(feature = "search")]
mod schema;
#[cfg(feature = "search")]
mod search;
mod source;
mod validate;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use qc::options::MAX_PER_PAGE;
use qc::{Code, Schema, Settings};

use exit::{EXIT_INVALID, EXIT_USAGE};
use report::Format;
use source::{SourceArgs, prepare};
use workspace::WorkspaceArgs;

/// Compile qc queries into the JSON body of Intercom's search endpoints
/// (`POST /conversations/search`, `/contacts/search`, `/tickets/search`).
///
/// With no subcommand, compiles QUERY (or stdin when QUERY is absent or `-`)
/// and prints the JSON on stdout. Diagnostics go to stderr; the exit status
/// is 0 when the query compiled, 1 when it is invalid, 2 on bad usage.
#[derive(Debug, Parser)]
#[command(name = "qc", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    compile: CompileArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile a query to JSON (the default command).
    Compile(CompileArgs),
    /// Report diagnostics only; `--format json` prints them as JSON on stdout.
    Check(CheckArgs),
    /// List the searchable fields: name, type, operators, allowed values.
    Fields {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// List what differs from this API version instead: fields added
        /// and removed, type, operator, value and meaning changes.
        #[arg(long, value_name = "VERSION")]
        changes_from: Option<String>,
        #[command(flatten)]
        workspace: WorkspaceArgs,
    },
    /// Check a JSON search request (`{"query": ...}` or a bare query) against
    /// the compiler's rules; exit 0 valid, 1 invalid, 2 usage.
    Validate(validate::ValidateArgs),
    /// Turn a valid JSON search request back into qc text.
    Decompile(decompile::DecompileArgs),
    /// Print the settings that apply here (target, time zone, schema files)
    /// and where each came from: a flag, `qc.toml`, or the default.
    Config(config::ConfigArgs),
    /// Explain a diagnostic code, e.g. `qc explain E0101`.
    Explain {
        /// The code to explain; all codes are listed when omitted.
        code: Option<String>,
    },
    /// Print the requests whose union is exactly the query, one JSON body
    /// per line (for queries no single request can express).
    Plan(PlanArgs),
    /// Print a query file in canonical form; `--check` only tells whether it is.
    Fmt(fmt::FmtArgs),
    /// Print the conversations of a JSON Lines file (or stdin) that match a query.
    ///
    /// The objects are those of `--target` (conversations by default), as
    /// the API returns them, one a line; matching lines are printed
    /// unchanged, in input order. A query that ends in `ORDER BY field
    /// [ASC|DESC]` (where the target and API version sort; without ASC or
    /// DESC, descending) prints them in that order instead: the matching
    /// lines are then held in memory until the input ends, at most
    /// `--max-sort-bytes`. Exit 0 done, 1 invalid query (or a malformed
    /// line with `--strict`), 2 unreadable input, 3 over `--max-sort-bytes`.
    Filter(filter::FilterArgs),
    /// Run a query against Intercom and print every result, all pages;
    /// the token comes from INTERCOM_TOKEN or --token-file. Exit 0 done,
    /// 1 invalid query, 2 usage, 3 API or network failure.
    #[cfg(feature = "search")]
    Search(search::SearchArgs),
    /// The workspace's schema: `qc schema pull` fetches its custom
    /// attributes and ticket types from Intercom into a file that
    /// `--schema` and qc.toml read.
    #[cfg(feature = "search")]
    #[command(subcommand)]
    Schema(schema::SchemaCommand),
    /// Print the completion script for SHELL, e.g. `qc completions bash >
    /// ~/.local/share/bash-completion/completions/qc`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `qc man | man -l -`; with
    /// `--out-dir DIR`, write a page for qc and each command into DIR.
    Man {
        /// Write `qc.1`, `qc-search.1`, ... into this directory.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// Run the language server on stdin/stdout (for editors).
    #[cfg(feature = "lsp")]
    Lsp,
    /// Run the MCP server on stdin/stdout, for AI assistants: tools
    /// search, check, fields and explain, and the language's reference.
    /// Takes the workspace of the other commands and the connection flags
    /// of `qc search`; without a token only searching is refused.
    #[cfg(feature = "mcp")]
    Mcp(mcp::McpArgs),
}

#[derive(Debug, Args)]
struct CompileArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Add pagination: results per page (1 to 150).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PER_PAGE)))]
    per_page: Option<u32>,
    /// Add pagination: continue after this cursor (per_page defaults to 20).
    #[arg(long, value_name = "CURSOR")]
    starting_after: Option<String>,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
    /// Format of diagnostics on stderr.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Args)]
struct PlanArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Refuse plans of more requests (bodies) than this [default: 50, or
    /// `max_requests` in qc.toml].
    #[arg(long, value_name = "N", alias = "max-requests")]
    max_plan: Option<u64>,
    /// Results per page in each request (1 to 150).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PER_PAGE)))]
    per_page: Option<u32>,
    /// Format of diagnostics on stderr.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Compare query files between this API version and `--api-version`:
    /// the arguments are files, and those whose request or validity
    /// differs are listed with the reason (exit status 1 when any does).
    #[arg(long, value_name = "VERSION")]
    compare: Option<String>,
    /// More query files, with `--compare`.
    #[arg(requires = "compare", value_name = "FILE")]
    files: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return out::status(usage(&e)),
    };
    let status = match cli.command {
        None => compile(cli.compile),
        Some(Command::Compile(args)) => compile(args),
        Some(Command::Check(args)) => check(args),
        Some(Command::Fields {
            format,
            changes_from: Some(from),
            workspace,
        }) => changes::run(format, &workspace, &from),
        Some(Command::Fields {
            format, workspace, ..
        }) => fields(format, &workspace),
        Some(Command::Validate(args)) => validate::run(args),
        Some(Command::Decompile(args)) => decompile::run(args),
        Some(Command::Config(args)) => config::run(args),
        Some(Command::Explain { code }) => explain(code.as_deref()),
        Some(Command::Plan(args)) => plan(args),
        Some(Command::Fmt(args)) => fmt::run(args),
        Some(Command::Filter(args)) => filter::run(args),
        #[cfg(feature = "search")]
        Some(Command::Search(args)) => search::run(args),
        #[cfg(feature = "search")]
        Some(Command::Schema(command)) => schema::run(command),
        Some(Command::Completions { shell }) => docs::completions(shell, Cli::command()),
        Some(Command::Man { out_dir }) => docs::man(out_dir.as_deref(), Cli::command()),
        #[cfg(feature = "lsp")]
        Some(Command::Lsp) => lsp(),
        #[cfg(feature = "mcp")]
        Some(Command::Mcp(args)) => mcp::run(args),
    };
    out::status(status)
}

/// Prints clap's message (an error, or the help and version texts) with
/// what the command line quoted escaped line by line; its exit status.
fn usage(e: &clap::Error) -> ExitCode {
    let text = e.render().to_string();
    let safe: Vec<_> = text
        .lines()
        .map(qc::diagnostic::escape_for_terminal)
        .collect();
    let text = safe.join("\n");
    if e.use_stderr() {
        out::eline(text.trim_end());
    } else {
        out::line(text.trim_end());
    }
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE))
}

fn compile(args: CompileArgs) -> ExitCode {
    let over = Settings {
        per_page: args.per_page.map(Into::into),
        starting_after: args.starting_after,
        ..Settings::default()
    };
    let (text, name, compiler) = match prepare(&args.source, args.format, over) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match compiler.compile(&text) {
        Ok(compiled) => {
            report::eprint(
                &compiled.warnings,
                &text,
                &name,
                args.format,
                args.source.color,
            );
            out::line(qc::emit_string(&compiled.query, args.pretty));
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::eprint(
                e.diagnostics(),
                &text,
                &name,
                args.format,
                args.source.color,
            );
            ExitCode::from(EXIT_INVALID)
        }
    }
}

fn plan(args: PlanArgs) -> ExitCode {
    let over = Settings {
        per_page: args.per_page.map(Into::into),
        max_requests: args.max_plan,
        ..Settings::default()
    };
    let (text, name, compiler) = match prepare(&args.source, args.format, over) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match compiler.plan(&text) {
        Ok(planned) => {
            report::eprint(
                &planned.warnings,
                &text,
                &name,
                args.format,
                args.source.color,
            );
            for request in &planned.requests {
                if !out::line(qc::emit_string(request, false)) {
                    return ExitCode::SUCCESS;
                }
            }
            if let Some(note) = planned.note() {
                out::eline(format_args!("note: {note}"));
            }
            ExitCode::SUCCESS
        }
        Err(qc::Error::Invalid(diagnostics)) => {
            report::eprint(&diagnostics, &text, &name, args.format, args.source.color);
            ExitCode::from(EXIT_INVALID)
        }
        Err(qc::Error::Plan(e)) => {
            report::eprintln_escaped!("error: cannot plan the query: {e}");
            report::eprintln_escaped!("help: {}", e.advice());
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => {
            report::eprintln_escaped!("error: {e}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    if let Some(from) = &args.compare {
        let files = (args.source.query.iter().map(PathBuf::from))
            .chain(args.source.file.clone())
            .chain(args.files.iter().cloned())
            .collect();
        return compare::run(
            files,
            from,
            args.source.max_input_bytes,
            args.format,
            |over| source::compiler(&args.source, over),
        );
    }
    let (text, name, compiler) = match prepare(&args.source, args.format, Settings::default()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let diagnostics = compiler.diagnose(&text);
    match args.format {
        Format::Json => {
            out::line(report::to_json(&diagnostics));
        }
        Format::Human => {
            report::eprint(&diagnostics, &text, &name, Format::Human, args.source.color)
        }
    }
    if qc::diagnostic::has_errors(&diagnostics) {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

fn fields(format: Format, workspace: &WorkspaceArgs) -> ExitCode {
    let schema: std::sync::Arc<Schema> = match workspace.load(report::ColorChoice::Auto) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let fields: Vec<&qc::schema::FieldDef> = schema.fields().collect();
    match format {
        Format::Json => {
            out::line(serde_json::to_string(&fields).unwrap_or_default());
        }
        Format::Human => {
            let width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
            if !out::line(format_args!(
                "{:width$}  {:7}  {:32}  VALUES",
                "FIELD", "TYPE", "OPERATORS"
            )) {
                return ExitCode::SUCCESS;
            }
            for f in &fields {
                let values = if f.values.is_empty() {
                    "any".to_owned()
                } else {
                    let v: Vec<&str> = f.values.iter().map(|v| v.as_ref()).collect();
                    v.join(", ")
                };
                let mut notes = String::new();
                if f.is_custom() {
                    notes.push_str("  (custom");
                    if let Some(alias) = &f.alias {
                        notes.push_str(&format!(", also `{alias}`"));
                    }
                    if !f.value_ids.is_empty() {
                        notes.push_str(", options sent as their ids");
                    }
                    notes.push(')');
                }
                if let Some(spelling) = f.reference_spelling {
                    notes.push_str(&format!("  (the reference's table spells it `{spelling}`)"));
                }
                let shown = out::line(format_args!(
                    "{:width$}  {:7}  {:32}  {values}{notes}",
                    f.name,
                    f.ty.name(),
                    f.operators().join()
                ));
                if !shown {
                    return ExitCode::SUCCESS;
                }
            }
            if let Some(prefix) = schema.open_prefix() {
                out::line(format_args!(
                    "\n{prefix}NAME is accepted unchecked (pass --schema to check custom attributes)"
                ));
            }
            let colon = if schema.notes().is_empty() { "." } else { ":" };
            out::line(format_args!(
                "\n{} search as API version {} documents it{colon}",
                schema.target(),
                schema.version()
            ));
            for note in schema.notes() {
                out::line(format_args!("  {note}"));
            }
            out::line(sort_line(&schema));
        }
    }
    ExitCode::SUCCESS
}

/// What `qc fields` says of `ORDER BY` on the schema's target and version.
fn sort_line(schema: &Schema) -> String {
    if !schema.sorts() {
        return format!(
            "No ORDER BY: this search cannot sort (ORDER BY is in {}).",
            qc::schema::sorting_described()
        );
    }
    let not: Vec<String> = schema
        .fields()
        .filter(|f| !f.sortable)
        .map(|f| format!("`{}`", f.name))
        .collect();
    let which = if not.is_empty() {
        "any field".to_owned()
    } else {
        format!("any field but {}", not.join(", "))
    };
    format!(
        "ORDER BY field [ASC|DESC] sorts the results by {which} (descending without ASC or DESC, as the API does)."
    )
}

fn explain(code: Option<&str>) -> ExitCode {
    let Some(code) = code else {
        for c in Code::ALL {
            if !out::line(format_args!("{c}  {}", c.title())) {
                break;
            }
        }
        return ExitCode::SUCCESS;
    };
    let Ok(c) = code.parse::<Code>() else {
        report::eprintln_escaped!(
            "error: unknown code `{code}`; run `qc explain` to list the codes"
        );
        return ExitCode::from(EXIT_USAGE);
    };
    if out::line(format_args!("{c}: {}\n\n{}", c.title(), c.explanation()))
        && !c.example().is_empty()
    {
        out::line(format_args!("\nExample:\n\n    {}", c.example()));
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "lsp")]
fn lsp() -> ExitCode {
    match qc::lsp::serve_stdio() {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            out::eline(format_args!("error: qc lsp: {e}"));
            ExitCode::FAILURE
        }
    }
}
