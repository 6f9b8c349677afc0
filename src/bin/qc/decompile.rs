//! `qc decompile [FILE|-]`: a JSON search request back to qc text.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use qc::decompile::{DateStyle, decompile};
use qc::diagnostic::LineIndex;
use qc::{Code, Diagnostic, Span};

use crate::EXIT_INVALID;
use crate::report::Format;
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
    let read = match validate::read(&args.source) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let color = args.source.color;
    let Some(query) = &read.validated.query else {
        validate::eprint(&read.validated.diagnostics, &read, args.format, color);
        return ExitCode::from(EXIT_INVALID);
    };
    let style = match args.dates {
        Dates::Rfc3339 => DateStyle::Rfc3339,
        Dates::Unix => DateStyle::Unix,
    };
    let text = decompile(query, style);
    println!("{text}");
    let mut notes = read.validated.diagnostics.clone();
    if let Some(d) = round_trip_warning(query, &text, &read) {
        notes.push(d);
    }
    validate::eprint(&notes, &read, args.format, color);
    if let Some(p) = &query.pagination {
        let mut flags = format!("--per-page {}", p.per_page);
        if let Some(after) = &p.starting_after {
            flags.push_str(&format!(" --starting-after {after}"));
        }
        eprintln!("note: pagination is not part of the query text; compile with `qc {flags}`");
    }
    ExitCode::SUCCESS
}

/// A warning when the compiler would not read `text` back to the request
/// (after its normalisation), e.g. because merging nested groups makes a
/// group of more than 15 filters.
fn round_trip_warning(query: &qc::Query, text: &str, read: &validate::Read) -> Option<Diagnostic> {
    let json = &read.text;
    let options = qc::Options {
        now: Some(0),
        ..qc::Options::default()
    };
    let compiler = qc::Compiler::new(read.schema.clone(), options);
    let expected = qc::emit(&qc::Query {
        pagination: None,
        ..query.normalised()
    });
    let why = match compiler.compile(text) {
        Ok(c) if c.json() == expected => return None,
        Ok(_) => "it compiles to a different request".to_owned(),
        Err(e) => {
            let reasons: Vec<&str> = e
                .diagnostics()
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.message.as_str())
                .collect();
            reasons.join("; ")
        }
    };
    let mut d = Diagnostic::new(
        Code::DecompileNotExact,
        Span::new(0, json.len()),
        format!("the decompiled text does not compile back to this request: {why}"),
    )
    .with_help("the text merges nested groups with the same operator; restructure the query (e.g. with IN/NIN) before compiling it");
    d.locate(&LineIndex::new(json));
    Some(d)
}
