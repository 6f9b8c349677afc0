//! The query source every query command shares (the text, a file or
//! stdin, and the flags that go with it), its settings and compiler.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use qc::{Compiler, Settings};

use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::input::{self, Input, Origin};
use crate::report::{self, ColorChoice, Format};
use crate::workspace::WorkspaceArgs;

/// The query and the flags of the commands that read one.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// The query; read from stdin when absent or `-`.
    #[arg(value_parser = clap::value_parser!(OsString))]
    pub query: Option<OsString>,
    /// Read the query from a file (`-` for stdin).
    #[arg(short, long, value_name = "PATH", conflicts_with = "query")]
    pub file: Option<PathBuf>,
    /// Fix "now" for relative dates (RFC 3339), for reproducible output.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Reject inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = qc::DEFAULT_MAX_INPUT_BYTES)]
    pub max_input_bytes: usize,
    /// Colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
    /// Refuse a query over the API's limits instead of rewriting it to fit.
    #[arg(long)]
    pub no_rewrite: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// The settings of the source's flags, with `over` (the command's own).
pub fn settings(source: &SourceArgs, over: Settings) -> Settings {
    Settings {
        now: source.now.clone().map(qc::Now::Text),
        max_input_bytes: Some(source.max_input_bytes as u64),
        rewrite: Some(!source.no_rewrite),
        ..Settings::default()
    }
    .overridden_by(over)
}

/// The compiler for the source's workspace and flags, with `over` (the
/// command's own settings), or the usage exit status.
pub fn compiler(source: &SourceArgs, over: Settings) -> Result<Compiler, ExitCode> {
    source
        .workspace
        .compiler(settings(source, over), source.color)
}

/// Reads the query; on failure prints why and gives the exit code.
pub fn read(source: &SourceArgs, format: Format) -> Result<(String, String), ExitCode> {
    let origin = Origin::new(source.query.clone(), source.file.clone());
    let name = origin.name();
    match input::read(&origin, source.max_input_bytes) {
        Ok(Input::Text(text)) => Ok((text, name)),
        Ok(Input::Rejected(d, shown)) => {
            report::eprint(
                std::slice::from_ref(&d),
                &shown,
                &name,
                format,
                source.color,
            );
            Err(ExitCode::from(EXIT_INVALID))
        }
        Err(message) => {
            report::eprintln_escaped!("error: {message}");
            Err(ExitCode::from(EXIT_USAGE))
        }
    }
}

/// The query text, its name and the compiler for it; or the exit status
/// after reporting why not.
pub fn prepare(
    source: &SourceArgs,
    format: Format,
    over: Settings,
) -> Result<(String, String, Compiler), ExitCode> {
    let (text, name) = read(source, format)?;
    Ok((text, name, compiler(source, over)?))
}
