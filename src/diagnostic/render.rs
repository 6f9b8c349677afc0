//! Rendering diagnostics for people: a source excerpt with carets (ariadne).
//!
//! Everything drawn is terminal-safe: the messages, labels, help and source
//! name go through [`escape_for_terminal`], and the excerpt through
//! [`escape_source`], with the diagnostic's spans moved to match and the
//! column in the header still counted in the text as written.

use std::borrow::Cow;

use ariadne::{CharSet, Config, IndexType, Label, Report, ReportKind, Source};

use super::terminal::{OffsetMap, escape_for_terminal, escape_source, is_unsafe_for_terminal};
use super::{Diagnostic, Severity};
use crate::span::Span;

/// How to render diagnostics for a terminal.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Use Unicode box-drawing characters (ASCII otherwise).
    pub unicode: bool,
    /// The name shown for the source, e.g. `query` or a file name.
    pub source_name: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            color: false,
            unicode: true,
            source_name: "query".to_owned(),
        }
    }
}

/// Lines longer than this many bytes are shown as an excerpt around the
/// diagnostic rather than whole.
const LONG_LINE: usize = 400;
/// How many bytes of context an excerpt keeps on each side.
const CONTEXT: usize = 80;
/// The longest excerpt drawn, in bytes (from the start of the first line a
/// diagnostic touches to the end of the last). Longer ones, such as a line of
/// a million `(`, are reported on one line instead: drawing them would print
/// megabytes and take minutes.
pub const MAX_EXCERPT_BYTES: usize = 4096;

/// Renders one diagnostic with an excerpt of `source`.
///
/// On very long lines only a window around the range is shown, so that a
/// megabyte-long query gives a readable message, not a megabyte of output.
/// Control and bidi characters from the source or in the messages are
/// shown escaped ([`escape_for_terminal`]), whatever the colour setting.
pub fn render(diagnostic: &Diagnostic, source: &str, options: &RenderOptions) -> String {
    Renderer::new(source, options).render(diagnostic)
}

/// The name query text is shown under when it has no file: the command
/// line's name for a query given as an argument, and the packages'.
pub const QUERY_SOURCE: &str = "query";

/// The name a JSON request body is shown under when it has no file.
pub const REQUEST_SOURCE: &str = "request";

/// Renders every diagnostic as the command line prints them without
/// colour, the source shown under `name` ([`QUERY_SOURCE`],
/// [`REQUEST_SOURCE`] or a file's name): what the packages put in their
/// errors' messages.
pub fn render_plain(diagnostics: &[Diagnostic], source: &str, name: &str) -> String {
    let options = RenderOptions {
        source_name: name.to_owned(),
        ..RenderOptions::default()
    };
    render_all(diagnostics, source, &options)
}

/// Renders every diagnostic, one after another, indexing the source once.
pub fn render_all(diagnostics: &[Diagnostic], source: &str, options: &RenderOptions) -> String {
    let renderer = Renderer::new(source, options);
    diagnostics.iter().map(|d| renderer.render(d)).collect()
}

/// Renders diagnostics of one source; the source's escaped text and line
/// index are built on first use and shared by every diagnostic that shows
/// the whole source.
struct Renderer<'a> {
    text: &'a str,
    whole: std::cell::OnceCell<Shown<'a>>,
    options: &'a RenderOptions,
    /// The source's name, escaped.
    name: Cow<'a, str>,
}

/// Source text as drawn: escaped for the terminal, indexed for ariadne,
/// with where its offsets moved.
struct Shown<'a> {
    /// The text as written.
    text: &'a str,
    escaped: Cow<'a, str>,
    source: Source<Cow<'a, str>>,
    map: OffsetMap,
}

impl<'a> Shown<'a> {
    fn new(text: &'a str) -> Self {
        let (escaped, map) = escape_source(text);
        Self {
            text,
            source: Source::from(escaped.clone()),
            escaped,
            map,
        }
    }
}

impl<'a> Renderer<'a> {
    fn new(text: &'a str, options: &'a RenderOptions) -> Self {
        Self {
            text,
            whole: std::cell::OnceCell::new(),
            options,
            name: escape_for_terminal(&options.source_name),
        }
    }

    fn render(&self, diagnostic: &Diagnostic) -> String {
        let diagnostic = escape_texts(diagnostic);
        let whole = || self.whole.get_or_init(|| Shown::new(self.text));
        match window(&diagnostic, self.text) {
            Window::Whole => self.draw(&diagnostic, whole()),
            Window::WithoutLongLabels(trimmed) => self.draw(&trimmed, whole()),
            Window::Excerpt(excerpt, shifted) => self.draw(&shifted, &Shown::new(&excerpt)),
        }
    }

    /// Draws `diagnostic` (its words already escaped) against `shown`.
    fn draw(&self, diagnostic: &Diagnostic, shown: &Shown<'_>) -> String {
        let name = self.name.as_ref();
        if let Some(line) = one_line_if_too_long(diagnostic, shown.text, name) {
            return line;
        }
        let moved = move_spans(diagnostic, &shown.map);
        let drawn = render_full(&moved, &shown.escaped, &shown.source, self.options, name);
        keep_written_column(drawn, diagnostic.range.start(), shown, name)
    }
}

/// The diagnostic with its words (message, labels, help, JSON path and the
/// fix's description) escaped for a terminal: a copy only when one needs it.
fn escape_texts(diagnostic: &Diagnostic) -> Cow<'_, Diagnostic> {
    let d = diagnostic;
    let mut texts = std::iter::once(&d.message)
        .chain(&d.help)
        .chain(&d.path)
        .chain(d.labels.iter().map(|l| &l.message))
        .chain(d.suggestion.iter().map(|s| &s.message));
    if !texts.any(|t| t.chars().any(is_unsafe_for_terminal)) {
        return Cow::Borrowed(d);
    }
    let mut escaped = d.clone();
    let escape = |text: &mut String| {
        if let Cow::Owned(e) = escape_for_terminal(text) {
            *text = e;
        }
    };
    escape(&mut escaped.message);
    escaped.help.iter_mut().for_each(escape);
    escaped.path.iter_mut().for_each(escape);
    escaped
        .labels
        .iter_mut()
        .for_each(|l| escape(&mut l.message));
    escaped
        .suggestion
        .iter_mut()
        .for_each(|s| escape(&mut s.message));
    Cow::Owned(escaped)
}

/// The diagnostic with its spans moved as `map` moved the source's text.
fn move_spans<'d>(diagnostic: &'d Diagnostic, map: &OffsetMap) -> Cow<'d, Diagnostic> {
    if map.is_identity() {
        return Cow::Borrowed(diagnostic);
    }
    let moved = |span: Span| Span::new(map.map(span.start()), map.map(span.end()));
    let mut d = diagnostic.clone();
    d.range = moved(d.range);
    for label in &mut d.labels {
        label.span = moved(label.span);
    }
    if let Some(s) = &mut d.suggestion {
        s.span = moved(s.span);
    }
    Cow::Owned(d)
}

/// `drawn` with the column of its header (`[ name:line:column ]`) counted
/// in the text as written rather than as escaped, where they differ, so
/// that it agrees with the diagnostic's location. `start` is the offset of
/// the diagnostic in `shown.text`.
fn keep_written_column(drawn: String, start: usize, shown: &Shown<'_>, name: &str) -> String {
    let line_and_column = |text: &str, offset: usize| {
        let offset = floor(text, offset.min(text.len()));
        let line = text[..offset].matches('\n').count() + 1;
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        (line, text[line_start..offset].chars().count() + 1)
    };
    let (line, written) = line_and_column(shown.text, start);
    let (_, escaped) = line_and_column(&shown.escaped, shown.map.map(start));
    if written == escaped {
        return drawn;
    }
    // The header is the first line after the message.
    let from = drawn.find('\n').unwrap_or(drawn.len());
    let header = format!(" {name}:{line}:{escaped} ");
    match drawn[from..].find(&header) {
        Some(at) => {
            let at = from + at;
            let mut fixed = String::with_capacity(drawn.len());
            fixed.push_str(&drawn[..at]);
            fixed.push_str(&format!(" {name}:{line}:{written} "));
            fixed.push_str(&drawn[at + header.len()..]);
            fixed
        }
        None => drawn,
    }
}

/// How much of the source a diagnostic is drawn against.
enum Window {
    /// All of it.
    Whole,
    /// All of it, without the labels that sit on long lines.
    WithoutLongLabels(Diagnostic),
    /// A shortened copy around the diagnostic, which is moved into it.
    Excerpt(String, Diagnostic),
}

/// For a diagnostic on a long line: a shortened source (earlier lines kept
/// as empty lines so line numbers stay right) and the diagnostic moved into it.
/// Labels on other long lines are dropped, so no long line is printed whole.
fn window(diagnostic: &Diagnostic, source: &str) -> Window {
    let start = floor(source, diagnostic.range.start().min(source.len()));
    let (line_start, line_end) = line_bounds(source, start);
    let on_long_line = |offset: usize| {
        let (s, e) = line_bounds(source, floor(source, offset.min(source.len())));
        e - s > LONG_LINE
    };
    if line_end - line_start <= LONG_LINE {
        if !diagnostic
            .labels
            .iter()
            .any(|l| on_long_line(l.span.start()))
        {
            return Window::Whole;
        }
        let mut kept = diagnostic.clone();
        kept.labels.retain(|l| !on_long_line(l.span.start()));
        return Window::WithoutLongLabels(kept);
    }
    let from = floor(source, start.saturating_sub(CONTEXT).max(line_start));
    let end = diagnostic.range.end().clamp(start, line_end);
    let to = floor(source, (end.min(start + CONTEXT) + CONTEXT).min(line_end));
    let newlines = source[..line_start].matches('\n').count();
    let mut excerpt = "\n".repeat(newlines);
    if from > line_start {
        excerpt.push('…');
    }
    let base = excerpt.len();
    excerpt.push_str(&source[from..to]);
    if to < line_end {
        excerpt.push('…');
    }
    let shift = |offset: usize| base + offset.clamp(from, to) - from;
    let mut shifted = diagnostic.clone();
    shifted.range = Span::new(shift(start), shift(end));
    shifted
        .labels
        .retain(|l| l.span.start() >= from && l.span.end() <= to);
    for l in &mut shifted.labels {
        l.span = Span::new(shift(l.span.start()), shift(l.span.end()));
    }
    let at = diagnostic
        .location
        .map(|l| {
            format!(
                " (the excerpt starts at column {}; the problem is at {}:{})",
                source[line_start..from].chars().count() + 1,
                l.start.line,
                l.start.column
            )
        })
        .unwrap_or_default();
    shifted.help = Some(match &diagnostic.help {
        Some(h) => format!("{h}\nnote: long line shortened{at}"),
        None => format!("note: long line shortened{at}"),
    });
    Window::Excerpt(excerpt, shifted)
}

/// The start and end (excluding the newline) of the line holding `offset`.
fn line_bounds(source: &str, offset: usize) -> (usize, usize) {
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    (start, end)
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The one-line form of a diagnostic whose excerpt of `source` would be
/// over [`MAX_EXCERPT_BYTES`], or `None` to draw it.
fn one_line_if_too_long(diagnostic: &Diagnostic, source: &str, name: &str) -> Option<String> {
    let spans = std::iter::once(diagnostic.range).chain(diagnostic.labels.iter().map(|l| l.span));
    let excerpt = spans
        .map(|s| excerpt_len(source, s.range()))
        .max()
        .unwrap_or(0);
    if excerpt <= MAX_EXCERPT_BYTES {
        return None;
    }
    let mut line = format!("{diagnostic}");
    if diagnostic.location.is_none() {
        line.push_str(&format!(" (at byte {})", diagnostic.range.start()));
    }
    Some(format!(
        "{name}: {line}\n  (the source is not shown: its lines are {excerpt} bytes long)\n"
    ))
}

/// Draws `diagnostic` against `source` (both escaped for the terminal).
fn render_full(
    diagnostic: &Diagnostic,
    source: &str,
    cache: &Source<Cow<'_, str>>,
    options: &RenderOptions,
    name: &str,
) -> String {
    let clamp = |r: std::ops::Range<usize>| {
        let end = r.end.min(source.len());
        r.start.min(end)..end
    };
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
        Severity::Note => ReportKind::Advice,
    };
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(options.color)
        .with_char_set(if options.unicode {
            CharSet::Unicode
        } else {
            CharSet::Ascii
        });
    let primary = clamp(diagnostic.range.range());
    let mut report = Report::build(kind, (name, primary.clone()))
        .with_config(config)
        .with_code(diagnostic.code)
        .with_message(diagnostic.message_with_path())
        .with_label(Label::new((name, primary)).with_message(label_text(diagnostic)));
    for label in &diagnostic.labels {
        report
            .add_label(Label::new((name, clamp(label.span.range()))).with_message(&label.message));
    }
    // A fix for another part of the text (`=` -> `IN` for a list) is shown
    // where it applies.
    if let Some(s) = diagnostic
        .suggestion
        .as_ref()
        .filter(|s| s.span != diagnostic.range)
    {
        report.add_label(Label::new((name, clamp(s.span.range()))).with_message(&s.message));
    }
    if let Some(help) = &diagnostic.help {
        report.set_help(help);
    }
    let mut out = Vec::new();
    let written = report.finish().write((name, cache), &mut out);
    match written {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        // The renderer only fails on I/O; fall back to the one-line form.
        Err(_) => format!("{diagnostic}\n"),
    }
}

fn label_text(diagnostic: &Diagnostic) -> String {
    match &diagnostic.suggestion {
        Some(s) if s.span == diagnostic.range => s.message.clone(),
        _ => diagnostic.code.title().to_owned(),
    }
}

/// Bytes from the start of the line holding `range.start` to the end of the
/// line holding `range.end`.
fn excerpt_len(source: &str, range: std::ops::Range<usize>) -> usize {
    let bytes = source.as_bytes();
    let end = range.end.min(bytes.len());
    let start = range.start.min(end);
    let line_start = bytes[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[end..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| end + i);
    line_end - line_start
}
