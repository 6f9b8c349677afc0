//! `qc fmt`: print a query in canonical form, or check that it is.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::input::{self, Input, Origin};
use crate::report::{self, ColorChoice, Format};
use crate::workspace::WorkspaceArgs;

/// Arguments of `qc fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The file holding the query; stdin when absent or `-`.
    file: Option<PathBuf>,
    /// Print nothing; exit 1 (naming the file on stderr) when the input is
    /// not formatted, 0 when it is.
    #[arg(long)]
    check: bool,
    /// Break queries longer than this many columns at OR/AND.
    #[arg(long, value_name = "COLUMNS", default_value_t = qc::format::DEFAULT_WIDTH)]
    width: usize,
    /// Reject inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = qc::DEFAULT_MAX_INPUT_BYTES)]
    max_input_bytes: usize,
    /// Format of diagnostics on stderr.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    /// Formatting needs no schema; these are accepted so that every
    /// command takes the same workspace flags, and checked.
    #[command(flatten)]
    workspace: WorkspaceArgs,
}

/// Runs `qc fmt`. The formatted text of a file is the formatted query
/// followed by one newline; that is what `--check` compares with.
pub fn run(args: FmtArgs) -> ExitCode {
    let over = qc::Settings {
        width: Some(args.width as u64),
        ..qc::Settings::default()
    };
    let compiler = match args.workspace.compiler(over, args.color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let origin = Origin::new(None, args.file.clone());
    let name = origin.name();
    let text = match input::read(&origin, args.max_input_bytes) {
        Ok(Input::Text(text)) => text,
        Ok(Input::Rejected(d, shown)) => {
            report::eprint(&[d], &shown, &name, args.format, args.color);
            return ExitCode::from(EXIT_INVALID);
        }
        Err(message) => {
            report::eprintln_escaped!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let formatted = match compiler.format(&text) {
        Ok(mut f) => {
            f.push('\n');
            f
        }
        Err(e) => {
            report::eprint(e.diagnostics(), &text, &name, args.format, args.color);
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if args.check {
        if formatted == text {
            return ExitCode::SUCCESS;
        }
        report::eprintln_escaped!("{name}: not formatted; run `qc fmt` on it");
        return ExitCode::from(EXIT_INVALID);
    }
    crate::out::text(&formatted);
    ExitCode::SUCCESS
}
