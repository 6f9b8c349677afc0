//! `qc schema pull`: the workspace's schema from Intercom, into the one
//! file that `--schema` and `qc.toml` read.
//!
//! The pull uses the client and the connection flags of `qc search`
//! ([`ConnectionArgs`]): the same token, host, version header, retries and
//! redaction. The file is written
//! whole or not at all: into a temporary file beside it, then renamed over
//! it; a file that is there and is not a qc schema is left alone unless
//! `--force` says otherwise.
//!
//! Exit status: 0 written, 2 usage (no token, a bad flag, a file that is
//! not a schema), 3 the API or the network failed, or the file could not
//! be written.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use qc::config::{DEFAULT_MAX_FILE_BYTES, FileSettings, read_bounded};
use qc::schema::{Model, Workspace};
use qc::search::{Client, Event, PullError, SearchError, Stats};
use qc::target::ApiVersion;

use crate::api::{ConnectionArgs, clear_text_warning, io_reason, parse_duration};
use crate::exit::{EXIT_API, EXIT_USAGE};
use crate::report::{self, ColorChoice, Format};
use crate::search::progress::Progress;

/// The file written when `-o` is not given.
const DEFAULT_OUTPUT: &str = "qc-schema.json";

/// `qc schema ...`.
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Fetch the workspace's data attributes (contacts, conversations,
    /// companies, archived ones included) and ticket types from Intercom
    /// into one schema file, and print the `qc.toml` line that uses it.
    /// The token comes from INTERCOM_TOKEN or --token-file. Exit 0 written,
    /// 2 usage, 3 API, network or write failure.
    Pull(PullArgs),
}

/// Arguments of `qc schema pull`.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// Where to write the schema (`-` for stdout).
    #[arg(short, long, value_name = "FILE", default_value = DEFAULT_OUTPUT)]
    output: PathBuf,
    /// Overwrite FILE even when it is not a qc schema.
    #[arg(long)]
    force: bool,
    /// The Intercom API version to pull with (the `Intercom-Version`
    /// header): 2.7 to 2.16, or Preview. Default: `api_version` of
    /// qc.toml, else 2.11.
    #[arg(long, value_name = "VERSION")]
    api_version: Option<String>,
    /// Ignore `qc.toml`.
    #[arg(long)]
    no_config: bool,
    /// No summary and no notes of long waits on stderr (errors are still
    /// printed).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
    /// Waits at least this long get a note on stderr (for tests).
    #[arg(long, value_name = "DURATION", hide = true, default_value = "2s", value_parser = parse_duration)]
    note_waits_from: std::time::Duration,
}

/// Runs `qc schema ...`.
pub fn run(command: SchemaCommand) -> ExitCode {
    match command {
        SchemaCommand::Pull(args) => pull(&args),
    }
}

fn pull(args: &PullArgs) -> ExitCode {
    match try_pull(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn try_pull(args: &PullArgs) -> Result<(), ExitCode> {
    let usage = |message: String| {
        report::eprintln_escaped!("error: {message}");
        ExitCode::from(EXIT_USAGE)
    };
    let config = if args.no_config {
        None
    } else {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        FileSettings::discover(&cwd).map_err(|e| usage(e.to_string()))?
    };
    let version = match args
        .api_version
        .as_deref()
        .or_else(|| config.as_ref().and_then(|(_, s)| s.api_version.as_deref()))
    {
        None => ApiVersion::DEFAULT,
        Some(name) => name.parse::<ApiVersion>().map_err(|e| {
            usage(format!(
                "{e}; qc knows API versions {}",
                ApiVersion::names()
            ))
        })?,
    };
    let to_stdout = args.output.as_os_str() == "-";
    if !to_stdout && !args.force {
        may_replace(&args.output).map_err(usage)?;
    }
    let base = args.connection.base().map_err(usage)?;
    let token = args.connection.token().map_err(usage)?;
    if let Some(warning) = clear_text_warning(&base) {
        report::eprintln_escaped!("{warning}");
    }
    let transport = args.connection.transport(&base).map_err(|refused| {
        report::eprintln_escaped!("error: {}", refused.error);
        eprintln!("help: {}", refused.help);
        ExitCode::from(EXIT_USAGE)
    })?;
    let client = Client::new(token, base)
        .with_transport(transport)
        .with_policy(args.connection.policy())
        .with_version(version);

    let notes = (!args.quiet).then_some(args.note_waits_from);
    let progress = Progress::new(false, notes, "attributes", None);
    let mut pull = client
        .pull_schema()
        .on_event(|event: &Event, stats: &Stats| progress.event(event, stats));
    let document = pull.run().map_err(|e| failed(&e))?;
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    // What is written is read back as qc will read it: an answer that is
    // no schema leaves the file as it was.
    let workspace = Workspace::from_json(&text).map_err(|diagnostics| {
        eprintln!("error: the API's answer is not a schema qc can read:");
        report::eprint(
            &diagnostics,
            &text,
            "the pulled schema",
            Format::Human,
            ColorChoice::Auto,
        );
        ExitCode::from(EXIT_API)
    })?;
    let ticket_types = document["ticket_types"].as_array().map(Vec::len);

    if to_stdout {
        crate::out::text(&text);
        if !args.quiet {
            eprintln!("{}", summary(&workspace, ticket_types, version));
        }
        return Ok(());
    }
    write_atomically(&args.output, text.as_bytes()).map_err(|e| {
        report::eprintln_escaped!("error: cannot write {}: {e}", args.output.display());
        report::eprintln_escaped!("note: {} was left as it was", args.output.display());
        ExitCode::from(EXIT_API)
    })?;
    let (line, note) = toml_line(&args.output, config.as_ref());
    if !args.quiet {
        report::eprintln_escaped!(
            "wrote {}: {}",
            args.output.display(),
            summary(&workspace, ticket_types, version)
        );
        report::eprintln_escaped!("{note}");
    }
    // The path is quoted as JSON: nothing in it controls the terminal.
    crate::out::line(line);
    Ok(())
}

/// Why the file at `path` may not be replaced: it is there and is not a
/// qc schema (any file `--schema` reads), or it cannot be read.
fn may_replace(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let refuse = |why: String| {
        format!(
            "{shown} {why}; refusing to replace it (choose another file with -o, or pass --force)"
        )
    };
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {shown}: {}", io_reason(&e))),
    };
    if !metadata.is_file() {
        return Err(refuse("is not a regular file".to_owned()));
    }
    let text = read_bounded(path, DEFAULT_MAX_FILE_BYTES)
        .map_err(|e| refuse(format!("cannot be read as a schema ({e})")))?;
    match Workspace::from_json(&text) {
        Ok(_) => Ok(()),
        Err(diagnostics) => {
            let first = diagnostics
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_default();
            Err(refuse(format!("is not a qc schema ({first})")))
        }
    }
}

/// Writes `bytes` into a new file beside `path`, then renames it over
/// `path`: readers see the old file or the new one, never a part. The new
/// file keeps the old one's permissions (else those of a new file).
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".qc-schema-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io_reason(&e))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| io_reason(&e))?;
    let permissions = std::fs::metadata(path)
        .map(|m| m.permissions())
        .ok()
        .or_else(new_file_permissions);
    if let Some(permissions) = permissions {
        std::fs::set_permissions(file.path(), permissions).map_err(|e| io_reason(&e))?;
    }
    // On failure the temporary file is removed as it drops.
    file.persist(path).map_err(|e| io_reason(&e.error))?;
    Ok(())
}

/// `rw-r--r--`: a schema is no secret (the temporary file starts private).
#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

/// The temporary file's own.
#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

/// What was pulled, in words: the custom attributes by model, the archived
/// ones, and the ticket types.
fn summary(workspace: &Workspace, ticket_types: Option<usize>, version: ApiVersion) -> String {
    let count = |model| {
        workspace
            .attributes
            .iter()
            .filter(|a| a.model == model)
            .count()
    };
    let models = [
        (Model::Contact, "contacts"),
        (Model::Conversation, "conversations"),
        (Model::Company, "companies"),
        (Model::Ticket, "tickets"),
    ];
    let parts: Vec<String> = models
        .iter()
        .filter(|(model, _)| *model != Model::Ticket || ticket_types.is_some())
        .map(|&(model, name)| format!("{name} {}", count(model)))
        .collect();
    let archived = workspace.attributes.iter().filter(|a| a.archived).count();
    let mut text = format!(
        "{} custom attributes ({}), {archived} archived",
        workspace.attributes.len(),
        parts.join(", ")
    );
    match ticket_types {
        Some(1) => text.push_str(", 1 ticket type"),
        Some(n) => text.push_str(&format!(", {n} ticket types")),
        None => text.push_str(&format!(
            ", no ticket types (API version {version} has no tickets)"
        )),
    }
    text.push_str(&format!("; API version {version}"));
    text
}

/// The `qc.toml` line that uses the file at `output`, its path relative to
/// the `qc.toml` that applies (or to the working directory), and a note
/// on where the line goes.
fn toml_line(output: &Path, config: Option<&(PathBuf, FileSettings)>) -> (String, String) {
    let absolute = std::fs::canonicalize(output).unwrap_or_else(|_| output.to_path_buf());
    let dir = match config {
        Some((file, _)) => file.parent().map(Path::to_path_buf),
        None => std::env::current_dir().ok(),
    };
    let dir = dir.and_then(|d| std::fs::canonicalize(d).ok());
    let shown = dir
        .as_deref()
        .and_then(|d| absolute.strip_prefix(d).ok())
        .unwrap_or(&absolute);
    let quoted = serde_json::to_string(&shown.to_string_lossy()).unwrap_or_default();
    let line = format!("schema = [{quoted}]");
    let note = match config {
        Some((file, settings)) => {
            let used = settings
                .schema
                .iter()
                .any(|s| std::fs::canonicalize(s).is_ok_and(|s| s == absolute));
            if used {
                format!("{} already uses it:", file.display())
            } else {
                format!("use it with this line in {}:", file.display())
            }
        }
        None => "use it with this line in a qc.toml here:".to_owned(),
    };
    (line, note)
}

/// Reports a failed pull, with what to do where that is certain; the exit
/// status.
fn failed(e: &PullError) -> ExitCode {
    report::eprintln_escaped!("error: cannot pull the schema: {e}");
    let help = match &*e.error {
        SearchError::Api(api) if api.status == 401 => Some(
            "check the access token (INTERCOM_TOKEN or --token-file) and the workspace's region (--region)",
        ),
        SearchError::Api(api) if api.status == 403 => {
            Some("the app needs the permission to read data attributes and tickets")
        }
        SearchError::WaitTooLong { .. } => Some("raise --max-wait to wait that long"),
        SearchError::WaitBudget { .. } => Some("raise --max-total-wait"),
        _ => None,
    };
    if let Some(help) = help {
        eprintln!("help: {help}");
    }
    ExitCode::from(EXIT_API)
}
