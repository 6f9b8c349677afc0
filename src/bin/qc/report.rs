//! Printing diagnostics for people (rendered excerpts) or tools (JSON).

use std::io::IsTerminal;

use clap::ValueEnum;
use qc::Diagnostic;
use qc::diagnostic::{RenderOptions, render_all};

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

/// Diagnostics as a JSON array.
pub fn to_json(diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(diagnostics).unwrap_or_else(|_| "[]".to_owned())
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
        Format::Human => eprint!("{}", to_human(diagnostics, source, name, color)),
        Format::Json => eprintln!("{}", to_json(diagnostics)),
    }
}

/// `text` with control characters and bidi controls escaped (`\u{1b}`),
/// for a terminal.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
