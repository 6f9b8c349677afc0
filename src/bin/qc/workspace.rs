//! `--target`, `--api-version`, `--schema` and `--timezone`, over the
//! nearest `qc.toml`:
//! the compiler every command compiles, validates and evaluates with.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use qc::config::FileSettings;
use qc::{Compiler, Schema, Settings, SettingsError};

use crate::exit::EXIT_USAGE;
use crate::report::{self, ColorChoice, Format};

/// The workspace flags, shared by every command.
#[derive(Debug, Clone, Default, Args)]
pub struct WorkspaceArgs {
    /// The search endpoint: conversations (default), contacts, tickets
    /// (API 2.10 and later) or companies (API Preview).
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// The Intercom API version to compile for, as the app is pinned to:
    /// 2.7 to 2.16, or Preview (also called Unstable). Default 2.11.
    #[arg(long, value_name = "VERSION")]
    pub api_version: Option<String>,
    /// A workspace schema: the JSON of `GET /data_attributes` or
    /// `GET /ticket_types` (repeatable).
    #[arg(long = "schema", value_name = "FILE")]
    pub schema: Vec<PathBuf>,
    /// The workspace's IANA time zone (default UTC): `YYYY-MM-DD` is
    /// midnight there, and contacts' dates are days there.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// The largest schema file read, in bytes (default 16 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_file_bytes: Option<u64>,
    /// Ignore `qc.toml`: only flags apply.
    #[arg(long)]
    pub no_config: bool,
    /// Say which `qc.toml` applies, on stderr.
    #[arg(long)]
    pub verbose: bool,
}

impl WorkspaceArgs {
    /// The file settings: the `qc.toml` found from the working directory
    /// (unless `--no-config`), then these flags over it; and the file.
    pub fn file_settings(&self) -> Result<(Option<PathBuf>, FileSettings), SettingsError> {
        let (path, file) = self.file_settings_parts()?;
        let settings = file.overridden_by(FileSettings {
            target: self.target.clone(),
            api_version: self.api_version.clone(),
            schema: self.schema.clone(),
            timezone: self.timezone.clone(),
            max_file_bytes: self.max_file_bytes,
        });
        Ok((path, settings))
    }

    /// The `qc.toml` found from the working directory (unless
    /// `--no-config`) and its settings, without the flags.
    pub fn file_settings_parts(&self) -> Result<(Option<PathBuf>, FileSettings), SettingsError> {
        found(self.no_config)
    }

    /// The settings of the workspace (the `qc.toml` found, then these
    /// flags) with `over` (the command's own options) over them; with
    /// `--verbose`, says on stderr which `qc.toml` applies.
    pub fn settings(&self, over: Settings) -> Result<Settings, SettingsError> {
        let (path, file) = self.file_settings()?;
        if self.verbose {
            match &path {
                Some(p) => report::eprintln_escaped!("qc: using {}", p.display()),
                None => crate::out::eline("qc: no qc.toml applies"),
            }
        }
        Ok(file.settings()?.overridden_by(over))
    }

    /// The compiler of the workspace with `over` (the command's own
    /// options) over it, or the usage exit status after reporting why not.
    pub fn compiler(&self, over: Settings, color: ColorChoice) -> Result<Compiler, ExitCode> {
        self.settings(over)
            .and_then(|settings| settings.compiler())
            .map_err(|e| usage_error(&e, color))
    }

    /// The schema, or the usage exit status after reporting why not.
    pub fn load(&self, color: ColorChoice) -> Result<Arc<Schema>, ExitCode> {
        self.compiler(Settings::default(), color).map(|c| c.schema)
    }
}

/// Reports bad settings; the usage exit status.
pub fn usage_error(e: &SettingsError, color: ColorChoice) -> ExitCode {
    match e {
        SettingsError::Schema {
            name,
            text,
            diagnostics,
        } => {
            let name = name.as_deref().unwrap_or("schema");
            report::eprintln_escaped!("error: invalid schema file {name}");
            report::eprint(diagnostics, text, name, Format::Human, color);
        }
        SettingsError::Type(message) | SettingsError::Value(message) => {
            report::eprintln_escaped!("error: {message}");
        }
    }
    ExitCode::from(EXIT_USAGE)
}

/// The file found, and its settings (without the flags).
fn found(no_config: bool) -> Result<(Option<PathBuf>, FileSettings), qc::SettingsError> {
    if no_config {
        return Ok((None, FileSettings::default()));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    Ok(
        FileSettings::discover(&cwd)?
            .map_or((None, FileSettings::default()), |(p, s)| (Some(p), s)),
    )
}
