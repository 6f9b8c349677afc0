//! `qc decompile [FILE|-]`: a JSON search request back to qc text.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use qc::DateStyle;

use crate::exit::EXIT_INVALID;
use crate::report::{self, Format};
use crate::validate::{self, JsonSourceArgs};

/// How `qc decompile` writes dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Dates {
    /// RFC 3339 in UTC: `2024-01-01T00:00:00Z`.
    #[default]
    Rfc3339,
    /// Unix seconds: `1704067200`.
    Unix,
}

/// `qc decompile` arguments.
#[derive(Debug, Args)]
pub struct DecompileArgs {
    #[command(flatten)]
    source: JsonSourceArgs,
    /// How to write dates.
    #[arg(long, value_enum, default_value_t)]
    dates: Dates,
    /// Format of diagnostics on stderr.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Runs `qc decompile`.
pub fn run(args: DecompileArgs) -> ExitCode {
    let dates = match args.dates {
        Dates::Rfc3339 => DateStyle::Rfc3339,
        Dates::Unix => DateStyle::Unix,
    };
    let over = qc::Settings {
        dates: Some(dates),
        ..qc::Settings::default()
    };
    let read = match validate::read(&args.source, over) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let color = args.source.color;
    if let Some(d) = &read.rejected {
        validate::eprint(std::slice::from_ref(d), &read, args.format, color);
        return ExitCode::from(EXIT_INVALID);
    }
    let decompiled = match read.compiler.decompile(&read.text) {
        Ok(d) => d,
        Err(e) => {
            validate::eprint(e.diagnostics(), &read, args.format, color);
            return ExitCode::from(EXIT_INVALID);
        }
    };
    crate::out::line(&decompiled.text);
    validate::eprint(&decompiled.warnings, &read, args.format, color);
    if let Some(p) = &decompiled.query.pagination {
        let mut flags = format!("--per-page {}", p.per_page);
        if let Some(after) = &p.starting_after {
            flags.push_str(&format!(" --starting-after {after}"));
        }
        report::eprintln_escaped!(
            "note: pagination is not part of the query text; compile with `qc {flags}`"
        );
    }
    ExitCode::SUCCESS
}
