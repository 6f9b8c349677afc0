//! Settings from `qc.toml` and flags: the target, the workspace schema
//! files and the time zone, turned into a [`Schema`]. Shared by the CLI
//! and the language server (feature `config`).
//!
//! `qc.toml` is found by walking up from a directory (the working
//! directory, or the document's for the language server):
//!
//! ```toml
//! target = "contacts"
//! schema = ["attributes.json"]   # relative to qc.toml
//! timezone = "Europe/Paris"
//! ```
//!
//! Flags override the file, key by key.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::schema::{Schema, Workspace, timezone};
use crate::target::Target;

/// The name of the project file.
pub const FILE_NAME: &str = "qc.toml";

/// Target, schema files and time zone; every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `conversations` (default), `contacts` or `tickets`.
    pub target: Option<String>,
    /// Workspace schema files (`GET /data_attributes`, `GET /ticket_types`).
    #[serde(default)]
    pub schema: Vec<PathBuf>,
    /// The workspace's IANA time zone (default UTC).
    pub timezone: Option<String>,
}

/// Why settings could not become a schema.
#[derive(Debug, Clone)]
pub enum SettingsError {
    /// A setting is wrong (unknown target or zone, unreadable file).
    Invalid(String),
    /// A schema file is malformed: its path, text and diagnostics.
    Schema {
        /// The file.
        path: PathBuf,
        /// Its text, for rendering the diagnostics.
        text: String,
        /// What is wrong, with JSON paths and positions.
        diagnostics: Vec<Diagnostic>,
    },
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingsError::Invalid(message) => f.write_str(message),
            SettingsError::Schema {
                path, diagnostics, ..
            } => {
                for (i, d) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    let at = d
                        .location
                        .as_ref()
                        .map(|l| format!(":{}:{}", l.start.line, l.start.column))
                        .unwrap_or_default();
                    write!(
                        f,
                        "invalid schema file {}{at}: {}",
                        path.display(),
                        d.message_with_path()
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl Settings {
    /// The settings of the `qc.toml` nearest `dir` (in it or a parent),
    /// with relative schema paths made relative to the file; `None` when
    /// there is none.
    pub fn discover(dir: &Path) -> Result<Option<(PathBuf, Settings)>, SettingsError> {
        for d in dir.ancestors() {
            let file = d.join(FILE_NAME);
            if file.is_file() {
                return Settings::read(&file).map(|s| Some((file, s)));
            }
        }
        Ok(None)
    }

    /// Reads one `qc.toml`.
    pub fn read(file: &Path) -> Result<Settings, SettingsError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| SettingsError::Invalid(format!("cannot read {}: {e}", file.display())))?;
        let mut settings: Settings = toml::from_str(&text).map_err(|e| {
            SettingsError::Invalid(format!("invalid {}: {}", file.display(), e.message()))
        })?;
        let base = file.parent().unwrap_or(Path::new("."));
        for path in &mut settings.schema {
            if path.is_relative() {
                *path = base.join(&*path);
            }
        }
        Ok(settings)
    }

    /// These settings, with every key `over` sets replacing ours.
    pub fn overridden_by(mut self, over: Settings) -> Settings {
        if over.target.is_some() {
            self.target = over.target;
        }
        if !over.schema.is_empty() {
            self.schema = over.schema;
        }
        if over.timezone.is_some() {
            self.timezone = over.timezone;
        }
        self
    }

    /// The target named, conversations by default.
    pub fn target(&self) -> Result<Target, SettingsError> {
        self.target.as_deref().map_or(Ok(Target::default()), |t| {
            t.parse()
                .map_err(|e: crate::target::UnknownTarget| SettingsError::Invalid(e.to_string()))
        })
    }

    /// Reads the schema files and builds the schema.
    pub fn schema(&self) -> Result<Schema, SettingsError> {
        let target = self.target()?;
        let tz = match &self.timezone {
            Some(name) => timezone(name).map_err(SettingsError::Invalid)?,
            None => jiff::tz::TimeZone::UTC,
        };
        let mut workspaces = Vec::with_capacity(self.schema.len());
        for path in &self.schema {
            let text = std::fs::read_to_string(path).map_err(|e| {
                SettingsError::Invalid(format!("cannot read schema file {}: {e}", path.display()))
            })?;
            match Workspace::from_json(&text) {
                Ok(w) => workspaces.push(w),
                Err(diagnostics) => {
                    return Err(SettingsError::Schema {
                        path: path.clone(),
                        text,
                        diagnostics,
                    });
                }
            }
        }
        Ok(Schema::new(target, tz, &workspaces))
    }
}
