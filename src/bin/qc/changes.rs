//! `qc fields --changes-from VERSION`: what differs for the target between
//! the API version given and the one compiled for.

use std::process::ExitCode;

use qc::schema::changes::changes;
use qc::target::ApiVersion;

use crate::EXIT_USAGE;
use crate::report::{self, ColorChoice, Format};
use crate::workspace::WorkspaceArgs;

/// Prints what differs from version `from` to the workspace's version.
pub fn run(format: Format, workspace: &WorkspaceArgs, from: &str) -> ExitCode {
    let color = ColorChoice::Auto;
    let version: ApiVersion = match from.parse() {
        Ok(v) => v,
        Err(e) => {
            report::eprintln_escaped!("error: --changes-from: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let to = match workspace.load(color) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let before = if qc::schema::versions_of(to.target()).contains(&version) {
        let over = qc::Settings {
            api_version: Some(version.name().to_owned()),
            ..qc::Settings::default()
        };
        match workspace.compiler(over, color) {
            Ok(c) => Some(c.schema),
            Err(code) => return code,
        }
    } else {
        None
    };
    let list = changes(before.as_deref(), &to);
    match format {
        Format::Json => {
            crate::out::line(serde_json::to_string(&list).unwrap_or_default());
        }
        Format::Human => {
            crate::out::line(format_args!(
                "{} search, API version {version} → {}:",
                to.target(),
                to.version()
            ));
            if before.is_none() {
                crate::out::line(format_args!(
                    "  {} search is not in API version {version}",
                    to.target()
                ));
            }
            if list.is_empty() {
                crate::out::line("  no differences");
            }
            let width = list.iter().map(|c| c.field.len()).max().unwrap_or(0);
            for c in &list {
                let mark = match c.change {
                    "added" => '+',
                    "removed" => '-',
                    _ => '~',
                };
                if !crate::out::line(format_args!("{mark} {:width$}  {}", c.field, c.describe())) {
                    break;
                }
            }
        }
    }
    ExitCode::SUCCESS
}
