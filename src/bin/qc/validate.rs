//! `qc validate [FILE|-]`: check a JSON search request.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use qc::Diagnostic;

use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::input::{self, Input, Origin};
use crate::report::{self, ColorChoice, Format};
use crate::workspace::WorkspaceArgs;

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

/// A JSON request read, with what is needed to check and report on it.
pub struct Read {
    /// The text (a best-effort text when it was rejected).
    pub text: String,
    /// The name shown in diagnostics.
    pub name: String,
    /// Why the input was rejected before validation (too large, not
    /// UTF-8).
    pub rejected: Option<Diagnostic>,
    /// The compiler of the workspace.
    pub compiler: qc::Compiler,
}

/// Reads the request; `Err` is the exit code of a usage error (already
/// reported).
pub fn read(source: &JsonSourceArgs, over: qc::Settings) -> Result<Read, ExitCode> {
    let compiler = source.workspace.compiler(over, source.color)?;
    let origin = Origin::new(None, source.file.clone());
    let name = origin.name();
    let (text, rejected) = match input::read(&origin, source.max_input_bytes) {
        Ok(Input::Text(text)) => (text, None),
        Ok(Input::Rejected(d, text)) => (text, Some(d)),
        Err(message) => {
            report::eprintln_escaped!("error: {message}");
            return Err(ExitCode::from(EXIT_USAGE));
        }
    };
    Ok(Read {
        text,
        name,
        rejected,
        compiler,
    })
}

/// Prints diagnostics on stderr, rendered or as JSON.
pub fn eprint(diagnostics: &[Diagnostic], read: &Read, format: Format, color: ColorChoice) {
    report::eprint(diagnostics, &read.text, &read.name, format, color);
}

/// Runs `qc validate`.
pub fn run(args: ValidateArgs) -> ExitCode {
    let read = match read(&args.source, qc::Settings::default()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let validated = match &read.rejected {
        Some(d) => qc::check::Validated {
            query: None,
            diagnostics: vec![d.clone()],
        },
        None => read.compiler.validate(&read.text),
    };
    let diagnostics = &validated.diagnostics;
    match args.format {
        Format::Json => {
            crate::out::line(report::to_json(diagnostics));
        }
        Format::Human => eprint(diagnostics, &read, Format::Human, args.source.color),
    }
    if validated.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    }
}
