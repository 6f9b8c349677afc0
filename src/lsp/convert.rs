//! Conversions between the library's types (byte spans, diagnostics,
//! completions, hovers) and LSP's (0-based positions in the negotiated
//! encoding).

use lsp_types as lsp;

use crate::Diagnostic;
use crate::diagnostic::{LineIndex, PositionEncoding, Severity, WidePosition};
use crate::ide::{Completion, CompletionKind, Hover};
use crate::syntax::Span;

/// A document's text with its line index.
#[derive(Debug, Clone)]
pub struct Text {
    /// The text.
    pub text: String,
    /// Its line index.
    pub index: LineIndex,
}

impl Text {
    /// Indexes `text`.
    pub fn new(text: String) -> Self {
        let index = LineIndex::new(&text);
        Self { text, index }
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, offset: usize, encoding: PositionEncoding) -> lsp::Position {
        let p = self.index.wide_position(offset, encoding);
        lsp::Position::new(p.line, p.character)
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: Span, encoding: PositionEncoding) -> lsp::Range {
        lsp::Range::new(
            self.position(span.start(), encoding),
            self.position(span.end(), encoding),
        )
    }

    /// The byte offset of an LSP position. As the protocol asks, a column
    /// past the end of its line means the end of the line, and a line past
    /// the end of the text means the end of the text; a position inside a
    /// character moves to its start.
    pub fn offset(&self, position: lsp::Position, encoding: PositionEncoding) -> usize {
        let line_start = |line: u32| {
            self.index
                .offset(WidePosition { line, character: 0 }, encoding)
        };
        let Some(start) = line_start(position.line) else {
            return self.text.len();
        };
        let mut end = match position.line.checked_add(1).and_then(line_start) {
            Some(next) => next.saturating_sub(1), // before the '\n'
            None => self.text.len(),
        };
        if self.text.get(..end).is_some_and(|t| t.ends_with('\r')) {
            end -= 1;
        }
        let wide = WidePosition {
            line: position.line,
            character: position.character,
        };
        let offset = self
            .index
            .offset(wide, encoding)
            .filter(|&o| o >= start && o <= end)
            .unwrap_or(end);
        floor_char_boundary(&self.text, offset)
    }

    /// The byte span of an LSP range (start and end ordered).
    pub fn span(&self, range: lsp::Range, encoding: PositionEncoding) -> Span {
        let a = self.offset(range.start, encoding);
        let b = self.offset(range.end, encoding);
        Span::new(a.min(b), a.max(b))
    }

    /// Replaces `span` with `with` (an incremental change) and re-indexes;
    /// false, and nothing changed, when `span` is not a range of the text.
    pub fn edit(&mut self, span: Span, with: &str) -> bool {
        if self.text.get(span.range()).is_none() {
            return false;
        }
        self.text.replace_range(span.range(), with);
        self.index = LineIndex::new(&self.text);
        true
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The LSP name of an encoding.
pub fn encoding_kind(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// The encoding to use given what the client offers: UTF-8 when offered
/// (no conversion needed), else the protocol's default UTF-16.
pub fn negotiate(offered: Option<&[lsp::PositionEncodingKind]>) -> PositionEncoding {
    match offered {
        Some(kinds) if kinds.contains(&lsp::PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

/// A qc diagnostic as an LSP diagnostic of document `uri`.
pub fn diagnostic(
    d: &Diagnostic,
    text: &Text,
    uri: &lsp::Uri,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    let severity = match d.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), text.range(l.span, encoding)),
            message: l.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: text.range(d.range, encoding),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_owned())),
        code_description: None,
        source: Some("qc".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A quick fix for a diagnostic that carries a suggestion.
pub fn quick_fix(
    d: &Diagnostic,
    text: &Text,
    uri: &lsp::Uri,
    encoding: PositionEncoding,
) -> Option<lsp::CodeAction> {
    let s = d.suggestion.as_ref()?;
    let edit = lsp::TextEdit::new(text.range(s.span, encoding), s.replacement.clone());
    let changes = std::iter::once((uri.clone(), vec![edit])).collect();
    Some(lsp::CodeAction {
        title: s.message.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic(d, text, uri, encoding)]),
        edit: Some(lsp::WorkspaceEdit::new(changes)),
        command: None,
        is_preferred: Some(true),
        disabled: None,
        data: None,
    })
}

/// A completion candidate as an LSP completion item.
pub fn completion(c: &Completion, text: &Text, encoding: PositionEncoding) -> lsp::CompletionItem {
    let kind = match c.kind {
        CompletionKind::Field => lsp::CompletionItemKind::FIELD,
        CompletionKind::Operator => lsp::CompletionItemKind::OPERATOR,
        CompletionKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
    };
    lsp::CompletionItem {
        label: c.label.clone(),
        kind: Some(kind),
        detail: (!c.detail.is_empty()).then(|| c.detail.clone()),
        documentation: (!c.documentation.is_empty()).then(|| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: c.documentation.clone(),
            })
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
            text.range(c.replace, encoding),
            c.insert_text.clone(),
        ))),
        sort_text: Some(c.sort_text.clone()),
        ..lsp::CompletionItem::default()
    }
}

/// Hover information as an LSP hover.
pub fn hover(h: &Hover, text: &Text, encoding: PositionEncoding) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.contents.clone(),
        }),
        range: Some(text.range(h.range, encoding)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTF16: PositionEncoding = PositionEncoding::Utf16;
    const UTF8: PositionEncoding = PositionEncoding::Utf8;

    #[test]
    fn offsets_round_trip_through_both_encodings() {
        let text = Text::new("a = \"Zoë 😀\"\nb = 1\r\nc".to_owned());
        for (offset, c) in text.text.char_indices() {
            if c == '\n' && text.text[..offset].ends_with('\r') {
                continue; // between `\r` and `\n`: no LSP position names it
            }
            for enc in [UTF8, UTF16] {
                let p = text.position(offset, enc);
                assert_eq!(text.offset(p, enc), offset, "{offset} {enc:?} {p:?}");
            }
        }
    }

    #[test]
    fn positions_past_a_line_clamp_to_its_end() {
        let text = Text::new("ab\r\ncd\nef".to_owned());
        assert_eq!(text.offset(lsp::Position::new(0, 99), UTF16), 2);
        assert_eq!(text.offset(lsp::Position::new(1, 99), UTF16), 6);
        assert_eq!(text.offset(lsp::Position::new(2, 99), UTF16), 9);
        assert_eq!(text.offset(lsp::Position::new(7, 0), UTF16), 9);
    }

    #[test]
    fn position_inside_a_surrogate_pair_moves_to_the_char_start() {
        let text = Text::new("😀x".to_owned());
        // UTF-16 column 1 is between the two halves of the emoji.
        assert_eq!(text.offset(lsp::Position::new(0, 1), UTF16), 0);
        assert_eq!(text.offset(lsp::Position::new(0, 2), UTF16), 4);
        // UTF-8 column 2 is inside the emoji's four bytes.
        assert_eq!(text.offset(lsp::Position::new(0, 2), UTF8), 0);
    }

    #[test]
    fn edits_apply_and_reindex() {
        let mut text = Text::new("stat = open\nread = tru".to_owned());
        let span = text.span(
            lsp::Range::new(lsp::Position::new(0, 0), lsp::Position::new(0, 4)),
            UTF16,
        );
        text.edit(span, "state");
        assert_eq!(text.text, "state = open\nread = tru");
        assert_eq!(
            text.position(text.text.len(), UTF16),
            lsp::Position::new(1, 10)
        );
    }

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        use lsp::PositionEncodingKind as K;
        assert_eq!(negotiate(None), UTF16);
        assert_eq!(negotiate(Some(&[K::UTF16, K::UTF8])), UTF8);
        assert_eq!(negotiate(Some(&[K::UTF32])), UTF16);
    }
}
