//! `qc validate [FILE|-]`: check a JSON search request.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use qc::Diagnostic;

use crate::input::{self, Input, Origin};
use crate::report::{self, ColorChoice, Format};
use crate::workspace::WorkspaceArgs;
use crate::{EXIT_INVALID, EXIT_USAGE};

/// Arguments shared by the commands that read a JSON request.
#[derive(Debug, Args)]
pub struct JsonSourceArgs {
    /// The JSON file; stdin when absent or `-`.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Reject inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = qc::DEFAULT_MAX_INPUT_BYTES)]
    pub max_input_bytes: usize,
    /// Colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// `qc validate` arguments.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    source: JsonSourceArgs,
    /// Output format: diagnostics rendered on stderr, or a JSON array on stdout.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// A JSON request read and validated, with what is needed to report on it.
pub struct Read {
    /// The text (a best-effort text when it was rejected).
    pub text: String,
    /// The name shown in diagnostics.
    pub name: String,
    /// The validation result.
    pub validated: qc::json::Validated,
    /// The schema it was validated against.
    pub schema: std::sync::Arc<qc::Schema>,
}

/// Reads and validates the request; `Err` is the exit code of a usage error
/// (already reported).
pub fn read(source: &JsonSourceArgs) -> Result<Read, ExitCode> {
    let schema = source.workspace.load(source.color)?;
    let origin = Origin::new(None, source.file.clone());
    let name = origin.name();
    match input::read(&origin, source.max_input_bytes) {
        Ok(Input::Text(text)) => {
            let validated = qc::json::validate_with(&text, &schema);
            Ok(Read {
                text,
                name,
                validated,
                schema,
            })
        }
        Ok(Input::Rejected(d, text)) => Ok(Read {
            text,
            name,
            schema,
            validated: qc::json::Validated {
                query: None,
                diagnostics: vec![d],
            },
        }),
        Err(message) => {
            eprintln!("error: {message}");
            Err(ExitCode::from(EXIT_USAGE))
        }
    }
}

/// Prints diagnostics on stderr, rendered or as JSON.
pub fn eprint(diagnostics: &[Diagnostic], read: &Read, format: Format, color: ColorChoice) {
    report::eprint(diagnostics, &read.text, &read.name, format, color);
}

/// Runs `qc validate`.
pub fn run(args: ValidateArgs) -> ExitCode {
    let read = match read(&args.source) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let diagnostics = &read.validated.diagnostics;
    match args.format {
        Format::Json => println!("{}", report::to_json(diagnostics)),
        Format::Human => eprint(diagnostics, &read, Format::Human, args.source.color),
    }
    if read.validated.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    }
}
