//! Settings from the file system: `qc.toml` and the workspace schema files
//! it and `--schema` name, read into a [`Settings`] (feature `config`).
//! The only layer of the library that reads files; the CLI and the
//! language server use it.
//!
//! `qc.toml` is found by walking up from a directory (the working
//! directory, or the document's for the language server). The walk stops
//! at the first directory that holds a `.git` (the repository's root) or
//! is the home directory, after looking there:
//!
//! ```toml
//! target = "contacts"
//! api_version = "2.16"           # Intercom's API version (default 2.11)
//! schema = ["attributes.json"]   # relative to qc.toml
//! timezone = "Europe/Paris"
//! max_file_bytes = 16777216      # the largest schema file read (16 MiB)
//! ```
//!
//! Flags override the file, key by key. Every file is read through a
//! bounded reader: a file over the limit (16 MiB by default) is refused
//! with its size, never read whole.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::settings::{SchemaSource, Settings, SettingsError};

/// The name of the project file.
pub const FILE_NAME: &str = "qc.toml";

/// The largest `qc.toml` or schema file read by default: 16 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 << 20;

/// The keys of `qc.toml` (and of the language server's
/// `initializationOptions`); every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// `conversations` (default), `contacts`, `tickets` or `companies`.
    pub target: Option<String>,
    /// The Intercom API version: `2.7` to `2.16`, `Preview` (default 2.11).
    pub api_version: Option<String>,
    /// Workspace schema files (`GET /data_attributes`, `GET /ticket_types`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schema: Vec<PathBuf>,
    /// The workspace's IANA time zone (default UTC).
    pub timezone: Option<String>,
    /// The largest schema file read, in bytes (default 16 MiB).
    pub max_file_bytes: Option<u64>,
}

impl FileSettings {
    /// The `qc.toml` nearest `dir` (in it or a parent, up to the
    /// repository's root or the home directory), with relative schema
    /// paths made relative to the file; `None` when there is none.
    pub fn discover(dir: &Path) -> Result<Option<(PathBuf, FileSettings)>, SettingsError> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        for d in dir.ancestors() {
            let file = d.join(FILE_NAME);
            if file.is_file() {
                return FileSettings::read(&file).map(|s| Some((file, s)));
            }
            if d.join(".git").exists() || home.as_deref() == Some(d) {
                break;
            }
        }
        Ok(None)
    }

    /// Reads one `qc.toml`.
    pub fn read(file: &Path) -> Result<FileSettings, SettingsError> {
        let text = read_bounded(file, DEFAULT_MAX_FILE_BYTES)?;
        let mut settings: FileSettings = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text.get(..s.start).map_or(0, |t| t.matches('\n').count()) + 1;
                    format!(":{line}")
                })
                .unwrap_or_default();
            SettingsError::Value(format!("invalid {}{at}: {}", file.display(), e.message()))
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
    pub fn overridden_by(self, over: FileSettings) -> FileSettings {
        FileSettings {
            target: over.target.or(self.target),
            api_version: over.api_version.or(self.api_version),
            schema: if over.schema.is_empty() {
                self.schema
            } else {
                over.schema
            },
            timezone: over.timezone.or(self.timezone),
            max_file_bytes: over.max_file_bytes.or(self.max_file_bytes),
        }
    }

    /// The library's settings: the schema files read.
    pub fn settings(&self) -> Result<Settings, SettingsError> {
        let limit = self.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES);
        let schema = self
            .schema
            .iter()
            .map(|path| {
                Ok(SchemaSource {
                    name: Some(path.display().to_string()),
                    text: read_bounded(path, limit)?,
                })
            })
            .collect::<Result<_, SettingsError>>()?;
        Ok(Settings {
            target: self.target.clone(),
            api_version: self.api_version.clone(),
            timezone: self.timezone.clone(),
            schema,
            ..Settings::default()
        })
    }
}

/// The text of the file at `path`, reading at most `limit` bytes: a
/// larger file (or an endless one, such as `/dev/zero`) is refused with
/// its size, and a file that is not UTF-8 with the offset of its first bad
/// byte.
pub fn read_bounded(path: &Path, limit: u64) -> Result<String, SettingsError> {
    let cannot =
        |e: std::io::Error| SettingsError::Value(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file() && m.len() > limit)
            .map_or_else(
                || "more than that".to_owned(),
                |m| format!("{} bytes", m.len()),
            );
        return Err(SettingsError::Value(format!(
            "cannot read {}: it is over the limit of {limit} bytes ({size}); raise it with --max-file-bytes or `max_file_bytes` in qc.toml",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        SettingsError::Value(format!(
            "cannot read {}: not UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 2048]).expect("written");
        let err = read_bounded(&path, 1024).expect_err("over the limit");
        assert!(
            err.to_string()
                .contains("over the limit of 1024 bytes (2048 bytes)"),
            "{err}"
        );
        assert_eq!(read_bounded(&path, 4096).map(|t| t.len()), Ok(2048));
        #[cfg(unix)]
        {
            let err = read_bounded(Path::new("/dev/zero"), 1024).expect_err("endless");
            assert!(err.to_string().contains("(more than that)"), "{err}");
        }
    }

    #[test]
    fn the_walk_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join(FILE_NAME), "target = \"contacts\"\n").expect("written");
        let repo = dir.path().join("repo");
        let inner = repo.join("a/b");
        std::fs::create_dir_all(&inner).expect("created");
        let found = FileSettings::discover(&inner).expect("readable");
        assert_eq!(found.map(|(_, s)| s.target), Some(Some("contacts".into())));
        std::fs::create_dir(repo.join(".git")).expect("created");
        assert_eq!(FileSettings::discover(&inner).expect("readable"), None);
    }
}
