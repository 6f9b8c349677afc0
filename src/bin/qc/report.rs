//! Printing diagnostics for people (rendered excerpts) or tools (JSON),
//! and any other text on stderr, all terminal-safe: a character from input,
//! a file name or a server that could control the terminal is escaped
//! ([`qc::diagnostic::escape_for_terminal`]).

use std::io::{self, IsTerminal};

use clap::ValueEnum;
use qc::Diagnostic;
use qc::diagnostic::{RenderOptions, is_unsafe_for_terminal, render_all};
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// `eprintln!` for text that may quote input, a file name, a command-line
/// value or a server's answer: the line is printed with every character
/// that could control the terminal escaped.
macro_rules! eprintln_escaped {
    ($($arg:tt)*) => {
        crate::out::eline(qc::diagnostic::escape_for_terminal(&format!($($arg)*)))
    };
}
pub(crate) use eprintln_escaped;

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Source excerpts with carets.
    #[default]
    Human,
    /// A JSON array of diagnostics.
    Json,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// When stderr is a terminal and NO_COLOR is unset.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
            }
        }
    }
}

/// Diagnostics as a JSON array, indented. The characters that could
/// control a terminal are written as `\uXXXX` escapes, the control
/// characters by serde_json itself and the others (DEL, C1, bidi controls)
/// by [`TerminalSafe`]: the JSON means the same, and is safe to print.
pub fn to_json(diagnostics: &[Diagnostic]) -> String {
    let mut out = Vec::new();
    let mut json = serde_json::Serializer::with_formatter(&mut out, TerminalSafe::default());
    match diagnostics.serialize(&mut json) {
        // serde_json writes UTF-8.
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "[]".to_owned()),
        Err(_) => "[]".to_owned(),
    }
}

/// serde_json's pretty printer, which also escapes the characters of
/// [`is_unsafe_for_terminal`] that serde_json writes as they are.
#[derive(Default)]
struct TerminalSafe(PrettyFormatter<'static>);

impl Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut copied = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe_for_terminal(c) {
                writer.write_all(&fragment.as_bytes()[copied..i])?;
                // Every such character is in the Basic Multilingual Plane.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                copied = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[copied..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Diagnostics rendered against their source.
pub fn to_human(
    diagnostics: &[Diagnostic],
    source: &str,
    name: &str,
    color: ColorChoice,
) -> String {
    let options = RenderOptions {
        color: color.enabled(),
        source_name: name.to_owned(),
        ..RenderOptions::default()
    };
    render_all(diagnostics, source, &options)
}

/// Writes diagnostics to stderr in the chosen format.
pub fn eprint(
    diagnostics: &[Diagnostic],
    source: &str,
    name: &str,
    format: Format,
    color: ColorChoice,
) {
    if diagnostics.is_empty() {
        return;
    }
    match format {
        Format::Human => crate::out::etext(to_human(diagnostics, source, name, color)),
        Format::Json => crate::out::eline(to_json(diagnostics)),
    }
}
