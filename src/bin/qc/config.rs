//! `qc config`: the settings that apply here, and where each came from.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use qc::config::DEFAULT_MAX_FILE_BYTES;
use qc::diagnostic::escape_for_terminal;
use serde::Serialize;

use crate::report::{ColorChoice, Format};
use crate::workspace::{WorkspaceArgs, usage_error};

/// `qc config` arguments.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    workspace: WorkspaceArgs,
}

/// One setting: its value, and where it came from.
#[derive(Debug, Serialize)]
struct Setting {
    key: &'static str,
    value: String,
    from: String,
}

/// Runs `qc config`.
pub fn run(args: ConfigArgs) -> ExitCode {
    let flags = &args.workspace;
    let (path, file) = match args.workspace.file_settings_parts() {
        Ok(found) => found,
        Err(e) => return usage_error(&e, ColorChoice::Auto),
    };
    let file_name = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let from = |flag: bool, in_file: bool| {
        if flag {
            "flag".to_owned()
        } else if in_file {
            file_name.clone()
        } else {
            "default".to_owned()
        }
    };
    let schema: Vec<PathBuf> = if flags.schema.is_empty() {
        file.schema.clone()
    } else {
        flags.schema.clone()
    };
    let settings = vec![
        Setting {
            key: "file",
            value: if path.is_some() {
                file_name.clone()
            } else if flags.no_config {
                "(ignored: --no-config)".to_owned()
            } else {
                "(none found)".to_owned()
            },
            from: "search from the working directory up to the repository root or home".to_owned(),
        },
        Setting {
            key: "target",
            value: flags
                .target
                .clone()
                .or(file.target.clone())
                .unwrap_or_else(|| qc::Target::default().to_string()),
            from: from(flags.target.is_some(), file.target.is_some()),
        },
        Setting {
            key: "api_version",
            value: flags
                .api_version
                .clone()
                .or(file.api_version.clone())
                .unwrap_or_else(|| qc::target::ApiVersion::DEFAULT.to_string()),
            from: from(flags.api_version.is_some(), file.api_version.is_some()),
        },
        Setting {
            key: "timezone",
            value: flags
                .timezone
                .clone()
                .or(file.timezone.clone())
                .unwrap_or_else(|| "not set (UTC assumed)".to_owned()),
            from: from(flags.timezone.is_some(), file.timezone.is_some()),
        },
        Setting {
            key: "schema",
            value: schema
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            from: from(!flags.schema.is_empty(), !file.schema.is_empty()),
        },
        Setting {
            key: "max_file_bytes",
            value: flags
                .max_file_bytes
                .or(file.max_file_bytes)
                .unwrap_or(DEFAULT_MAX_FILE_BYTES)
                .to_string(),
            from: from(
                flags.max_file_bytes.is_some(),
                file.max_file_bytes.is_some(),
            ),
        },
    ];
    // The settings must also be usable: the same check as every command.
    if let Err(code) = args.workspace.load(ColorChoice::Auto) {
        return code;
    }
    match args.format {
        Format::Json => {
            crate::out::line(serde_json::to_string_pretty(&settings).unwrap_or_default());
        }
        Format::Human => {
            for s in &settings {
                let shown = crate::out::line(format_args!(
                    "{:15} {}  ({})",
                    s.key,
                    escape_for_terminal(&s.value),
                    escape_for_terminal(&s.from)
                ));
                if !shown {
                    break;
                }
            }
        }
    }
    ExitCode::SUCCESS
}
