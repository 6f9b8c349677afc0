//! `--target`, `--schema` and `--timezone`, over the nearest `qc.toml`:
//! the schema every command compiles, validates and evaluates with.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use qc::Schema;
use qc::config::{Settings, SettingsError};

use crate::EXIT_USAGE;
use crate::report::{self, ColorChoice, Format};

/// The workspace flags, shared by every command.
#[derive(Debug, Clone, Default, Args)]
pub struct WorkspaceArgs {
    /// The search endpoint: conversations (default), contacts or tickets.
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// A workspace schema: the JSON of `GET /data_attributes` or
    /// `GET /ticket_types` (repeatable).
    #[arg(long = "schema", value_name = "FILE")]
    pub schema: Vec<PathBuf>,
    /// The workspace's IANA time zone (default UTC): `YYYY-MM-DD` is
    /// midnight there, and contacts' dates are days there.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
}

impl WorkspaceArgs {
    /// The settings: `qc.toml` found from the working directory, then
    /// these flags over it.
    pub fn settings(&self) -> Result<Settings, SettingsError> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let file = Settings::discover(&cwd)?
            .map(|(_, s)| s)
            .unwrap_or_default();
        Ok(file.overridden_by(Settings {
            target: self.target.clone(),
            schema: self.schema.clone(),
            timezone: self.timezone.clone(),
        }))
    }

    /// The schema, or the usage exit status after reporting why not.
    pub fn load(&self, color: ColorChoice) -> Result<Arc<Schema>, ExitCode> {
        match self.settings().and_then(|s| s.schema()) {
            Ok(schema) => Ok(Arc::new(schema)),
            Err(SettingsError::Invalid(message)) => {
                eprintln!("error: {message}");
                Err(ExitCode::from(EXIT_USAGE))
            }
            Err(SettingsError::Schema {
                path,
                text,
                diagnostics,
            }) => {
                eprintln!("error: invalid schema file {}", path.display());
                let name = path.display().to_string();
                report::eprint(&diagnostics, &text, &name, Format::Human, color);
                Err(ExitCode::from(EXIT_USAGE))
            }
        }
    }
}
