//! Byte ranges to line:column (1-based, for people) and to editor positions
//! (0-based, UTF-16 or UTF-8 code units), and back.

use qc::diagnostic::{LineIndex, Position, PositionEncoding, WidePosition};

mod support;

const UTF8: PositionEncoding = PositionEncoding::Utf8;
const UTF16: PositionEncoding = PositionEncoding::Utf16;

fn wide(line: u32, character: u32) -> WidePosition {
    WidePosition { line, character }
}

fn pos(line: u32, column: u32) -> Position {
    Position { line, column }
}

/// `"Zoë 😀"` before the error: ë is 2 bytes / 1 UTF-16 unit, 😀 is 4 bytes /
/// 2 UTF-16 units / 1 character.
#[test]
fn error_after_non_ascii_text_on_one_line() {
    let source = "source.subject = \"Zoë 😀\" AND stat = open";
    let d = qc::diagnose(source, &support::options());
    assert_eq!(d.len(), 1);
    let start = d[0].range.start();
    assert_eq!(&source[d[0].range.range()], "stat");
    assert_eq!(start, 33);
    let loc = d[0].location.expect("located");
    assert_eq!((loc.start, loc.end), (pos(1, 30), pos(1, 34)));

    let index = LineIndex::new(source);
    assert_eq!(index.wide_position(start, UTF16), wide(0, 30));
    assert_eq!(index.wide_position(start, UTF8), wide(0, 33));
    assert_eq!(index.offset(wide(0, 30), UTF16), Some(33));
    assert_eq!(index.offset(wide(0, 33), UTF8), Some(33));
}

#[test]
fn errors_on_later_lines_of_a_multi_line_query() {
    let source = "source.subject = \"Zoë 😀\"\n  AND stat = open\r\n  AND (read = tru";
    let d = qc::diagnose(source, &support::options());
    let got: Vec<(String, Position, Position)> = d
        .iter()
        .map(|d| {
            let loc = d.location.expect("located");
            (d.code.to_string(), loc.start, loc.end)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("E0101".to_owned(), pos(2, 7), pos(2, 11)),
            ("E0103".to_owned(), pos(3, 15), pos(3, 18)),
            ("E0004".to_owned(), pos(3, 18), pos(3, 18)),
        ]
    );
    let index = LineIndex::new(source);
    let stat = d[0].range.start();
    assert_eq!(index.wide_position(stat, UTF16), wide(1, 6));
    assert_eq!(index.wide_position(stat, UTF8), wide(1, 6));
    assert_eq!(index.offset(wide(1, 6), UTF16), Some(stat));
    let end = source.len();
    assert_eq!(index.wide_position(end, UTF16), wide(2, 17));
    assert_eq!(index.offset(wide(2, 17), UTF16), Some(end));
}

#[test]
fn non_ascii_on_the_error_line_itself() {
    // The error is on line 2, after an emoji on that same line.
    let source = "state = open\nAND source.subject = \"😀😀\" AND stat = 1";
    let d = qc::diagnose(source, &support::options());
    assert_eq!(d.len(), 1);
    let loc = d[0].location.expect("located");
    // Characters: `AND source.subject = "😀😀" AND ` is 30 characters.
    assert_eq!(loc.start, pos(2, 31));
    let index = LineIndex::new(source);
    assert_eq!(index.wide_position(d[0].range.start(), UTF16), wide(1, 32));
    assert_eq!(index.wide_position(d[0].range.start(), UTF8), wide(1, 36));
}

#[test]
fn every_char_boundary_round_trips() {
    let source = "a = \"Zoë 😀\"\nb\tc = '日本'\n\n😀";
    let index = LineIndex::new(source);
    for (offset, _) in source.char_indices().chain([(source.len(), ' ')]) {
        for enc in [UTF8, UTF16, PositionEncoding::Utf32] {
            let p = index.wide_position(offset, enc);
            assert_eq!(index.offset(p, enc), Some(offset), "{offset} {enc:?} {p:?}");
        }
        let human = index.position(offset);
        let utf32 = index.wide_position(offset, PositionEncoding::Utf32);
        assert_eq!(
            (human.line, human.column),
            (utf32.line + 1, utf32.character + 1)
        );
    }
}

#[test]
fn offsets_inside_a_character_or_past_the_end_never_panic() {
    let source = "😀";
    let index = LineIndex::new(source);
    assert_eq!(index.wide_position(2, UTF16), wide(0, 0));
    assert_eq!(index.wide_position(99, UTF16), wide(0, 2));
    assert_eq!(index.offset(wide(5, 0), UTF16), None);
}
