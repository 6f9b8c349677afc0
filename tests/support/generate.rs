//! Generators: random valid query texts (written the ways a person might:
//! aliases, keyword case, NOT, redundant parentheses, quoting styles), the
//! [`Choices`] that drive every generator of the tests, and the value pools
//! the queries draw from, so that generated data can hold the same values.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::select;
use qc::Op;
use qc::Options;
use qc::schema::{FieldDef, FieldType, Schema};
use qc::syntax::OpSpelling;
use qc::syntax::lexical::{KEYWORDS, SORT_KEYWORDS};

/// The built-in conversations schema, leaked so that its rows are
/// `'static` for generators.
pub static SCHEMA: LazyLock<&'static Schema> =
    LazyLock::new(|| Box::leak(Box::new(Schema::builtin(qc::Target::Conversations))));

/// The rows of [`SCHEMA`], in the reference's order.
pub static FIELDS: LazyLock<Vec<&'static FieldDef>> = LazyLock::new(|| SCHEMA.fields().collect());

/// Draws from a list of numbers that proptest generates and shrinks
/// towards zero, so failing cases shrink towards simple ones. Generators
/// make choice 0 the plainest (and [`Choices::chance`] false on 0), so
/// that when the list runs out, what is left is written plainly and
/// recursion ends.
pub struct Choices<'a> {
    list: &'a [u32],
    at: usize,
}

impl<'a> Choices<'a> {
    /// Choices drawn from `list` in order (then zeros).
    pub fn new(list: &'a [u32]) -> Self {
        Choices { list, at: 0 }
    }

    /// A number below `n`.
    pub fn pick(&mut self, n: usize) -> usize {
        let v = self.list.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        v as usize % n.max(1)
    }

    /// True one time in `one_in`.
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.pick(one_in) == 1
    }
}

/// Whitespace between tokens.
pub fn space(ch: &mut Choices<'_>) -> &'static str {
    [" ", " ", " ", "  ", "\n", "\t "][ch.pick(6)]
}

/// A keyword in upper case, lower case or alternating (`NoT`).
pub fn keyword(ch: &mut Choices<'_>, k: &str) -> String {
    cased(k, ch.pick(3))
}

/// `word` in upper case (`how` 0), lower case (1) or alternating (2:
/// `NoT`); `how` is taken modulo 3.
pub fn cased(word: &str, how: usize) -> String {
    match how % 3 {
        0 => word.to_uppercase(),
        1 => word.to_lowercase(),
        _ => word
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
    }
}

/// How an operator may be spelled.
fn spellings(op: Op) -> &'static [&'static str] {
    match op {
        Op::Eq => &["="],
        Op::Ne => &["!="],
        Op::Gt => &[">"],
        Op::Ge => &[">="],
        Op::Lt => &["<"],
        Op::Le => &["<="],
        Op::In => &["IN"],
        Op::Nin => &["NIN", "NOT IN"],
        Op::Contains => &["~", "CONTAINS"],
        Op::NotContains => &["!~", "NOT CONTAINS"],
        Op::StartsWith => &["^", "STARTS WITH"],
        Op::EndsWith => &["$", "ENDS WITH"],
    }
}

/// String values, in queries and in generated data.
pub const TEXTS: &[&str] = &[
    "open",
    "refund",
    "jane@example.com",
    "5017691",
    "a b",
    "",
    "and",
    "OR",
    "not",
    "in",
    "say \"hi\"",
    "it's",
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "café",
    "😀",
    "(x)",
    "a,b",
    "[1]",
    "=",
    "x~y",
    "-",
    "https://example.com/a?b=c&d=e",
    "TRUE",
];

/// A string value written bare, single- or double-quoted.
fn string_value(ch: &mut Choices<'_>, text: &str) -> String {
    let bare_ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@._-:/".contains(c))
        && !["and", "or", "not"].contains(&text.to_lowercase().as_str());
    if bare_ok && ch.chance(2) {
        return text.to_owned();
    }
    let quote = if ch.chance(3) { '\'' } else { '"' };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str(if ch.chance(2) { "\\t" } else { "\\u{9}" }),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn scalar(ch: &mut Choices<'_>, field: &FieldDef) -> String {
    if field.is_enumerated() {
        let v = &field.values[ch.pick(field.values.len())];
        return string_value(ch, v);
    }
    match field.ty {
        FieldType::String => {
            let text = TEXTS[ch.pick(TEXTS.len())];
            string_value(ch, text)
        }
        FieldType::Integer if ch.chance(2) => INTEGERS[ch.pick(INTEGERS.len())].to_string(),
        FieldType::Integer => (ch.pick(2001) as i64 - 1000).to_string(),
        FieldType::Boolean => ["true", "false", "TRUE", "'false'"][ch.pick(4)].to_owned(),
        FieldType::Date => DATES[ch.pick(DATES.len())].0.to_owned(),
        FieldType::Float => ["0", "2.5", "-1.25", "300"][ch.pick(4)].to_owned(),
        FieldType::Any => {
            let text = TEXTS[ch.pick(TEXTS.len())];
            string_value(ch, text)
        }
    }
}

/// Integer values that queries use often, so that data can hold them too.
pub const INTEGERS: &[i64] = &[-1, 0, 1, 2, 3, 5, 300];

/// What [`options`] takes `now` to be: 2024-06-01T00:00:00Z.
pub const NOW: i64 = 1_717_200_000;

/// Date values as queries write them, with their unix seconds.
pub const DATES: &[(&str, i64)] = &[
    ("1704067200", 1_704_067_200),
    ("0", 0),
    ("2024-01-01", 1_704_067_200),
    ("2024-02-29T12:30:00+02:00", 1_709_202_600),
    ("2023-12-31T23:59:59Z", 1_704_067_199),
    ("now", NOW),
    ("now-7d", NOW - 7 * 86_400),
    ("now+2h", NOW + 2 * 3_600),
];

fn comparison(ch: &mut Choices<'_>, negated: bool) -> String {
    let field = FIELDS[ch.pick(FIELDS.len())];
    let ops: Vec<Op> = field
        .operators()
        .iter()
        .filter(|op| !(negated && matches!(op, Op::StartsWith | Op::EndsWith)))
        .collect();
    let op = ops[ch.pick(ops.len())];
    let spelled = spellings(op)[ch.pick(spellings(op).len())];
    let spelled = if spelled.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
        spelled
            .split(' ')
            .map(|w| keyword(ch, w))
            .collect::<Vec<_>>()
            .join(space(ch))
    } else {
        spelled.to_owned()
    };
    let value = if op.takes_list() {
        let n = 1 + ch.pick(4);
        let items: Vec<String> = (0..n).map(|_| scalar(ch, field)).collect();
        let trailing = if ch.chance(5) { "," } else { "" };
        format!("[{}{trailing}]", items.join(", "))
    } else {
        scalar(ch, field)
    };
    let (a, b) = (space(ch), space(ch));
    format!("{}{a}{spelled}{b}{value}", field.name)
}

/// An expression with groups at most `2 - level` deep; `negated` when an
/// odd number of NOTs apply (then `^`/`$`, which cannot be negated, are
/// avoided). Also tells whether it is a bare group, which needs
/// parentheses as a member of another group.
fn expr(ch: &mut Choices<'_>, level: usize, negated: bool) -> (String, bool) {
    let not = ch.chance(5);
    let negated = negated != not;
    let (text, is_group) = if level >= 2 || ch.pick(3) == 0 {
        (comparison(ch, negated), false)
    } else {
        let op = if ch.chance(2) { "OR" } else { "AND" };
        // At most 3 members at the top and 4 below: even when NOT and
        // same-operator flattening merge groups, no group exceeds 15.
        let n = 2 + ch.pick(if level == 0 { 2 } else { 3 });
        let mut members = Vec::new();
        for _ in 0..n {
            let (member, member_group) = expr(ch, level + 1, negated);
            let member = if member_group || ch.chance(6) {
                format!("({member})")
            } else {
                member
            };
            members.push(member);
        }
        let sep = format!("{}{}{}", space(ch), keyword(ch, op), space(ch));
        (members.join(&sep), true)
    };
    if !not {
        return (text, is_group);
    }
    let text = if is_group || ch.chance(3) {
        format!("{} ({text})", keyword(ch, "NOT"))
    } else {
        format!("{} {text}", keyword(ch, "NOT"))
    };
    (text, false)
}

/// A random valid query text, made from `choices` (256 of them are
/// enough): every one compiles.
pub fn query(choices: &[u32]) -> String {
    let mut ch = Choices::new(choices);
    let (q, _) = expr(&mut ch, 0, false);
    if ch.chance(4) { format!("({q})") } else { q }
}

/// Options with a fixed `now` ([`NOW`]).
pub fn options() -> Options {
    Options {
        now: Some(NOW),
        ..Options::default()
    }
}

/// A request the API accepts (an AND of 10 `id` filters and a nested AND of
/// 10 `tag_ids` filters) whose groups merge, in text, into one group of 20:
/// more than the compiler allows.
pub fn request_that_merges_past_the_limit() -> String {
    let filters = |field: &str| -> Vec<String> {
        (0..10)
            .map(|i| format!(r#"{{"field":"{field}","operator":"=","value":"{i}"}}"#))
            .collect()
    };
    format!(
        r#"{{"query":{{"operator":"AND","value":[{},{{"operator":"AND","value":[{}]}}]}}}}"#,
        filters("id").join(","),
        filters("tag_ids").join(",")
    )
}

/// Pieces of qc text, valid and not (typos, other languages' operators,
/// broken escapes, typographic quotes, control characters), to glue into
/// token soup.
const PIECES: &[&str] = &[
    "state",
    "open",
    "created_at",
    "tag_ids",
    "source.body",
    "read",
    "(",
    ")",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "\\",
    "\\u{",
    "}",
    "\\u{1F600}",
    "\\n",
    "1",
    "-1",
    "2.5",
    "2024-01-01",
    "2024-13-01",
    "2024-01-01T00:00:00+02:00",
    "now",
    "now-7d",
    "now+",
    "now-1M",
    "now-1mo",
    "today",
    "yesterday",
    "null",
    "NULL",
    "\"null\"",
    "90s",
    "2h",
    "1w",
    "2024-1-5",
    "01/02/2024",
    "1717200000000",
    ">=",
    "<=",
    "true",
    "FALSE",
    "é",
    "日本",
    "\u{1F600}",
    "\0",
    "\n",
    "\r\n",
    "\t",
    "&",
    "|",
    "!",
    "9223372036854775807",
    "-9223372036854775808",
    "\"a b\"",
    "'x'",
    "priority",
    "closed",
    "\u{7}",
    "\u{feff}",
    "#",
    "# note\n",
    "--",
    "-- note\n",
    "a--b",
    "“",
    "”",
    "‘",
    "’",
    "“a b”",
    "‘x’",
    "IS NULL",
    "IS NOT NULL",
    "LIKE",
    "\"%a%\"",
    "BETWEEN",
    "==",
    "<>",
    ":",
    "state:open",
    "{",
    "stat",
    "source.subject",
    "custom_attributes.x",
    "=",
    "!=",
    ">",
    "<",
    "~",
    "!~",
    "^",
    "$",
    "IN",
    "NIN",
    "NOT",
    "CONTAINS",
    "STARTS",
    "ENDS",
    "WITH",
    "AND",
    "OR",
    "and",
    "opne",
    "tru",
    "\"Zoë 😀\"",
    "\"a\\qb\"",
    "\"\\u{110000}\"",
    "||",
    "😀",
    " ",
    "",
    "# c\n",
    "-- c",
    "now-7d--x",
    "‘a’",
    "“x y”",
    "IS",
    "a:b",
];

/// Token soup: up to 40 pieces of the language (every operator spelling,
/// every keyword in both cases, `ORDER BY`'s too, some field names) and of
/// [`PIECES`],
/// separated by nothing, spaces or line breaks.
pub fn token_soup() -> impl Strategy<Value = String> {
    let mut pieces: Vec<String> = OpSpelling::ALL
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    pieces.extend(KEYWORDS.iter().chain(SORT_KEYWORDS).map(|k| k.to_string()));
    pieces.extend(
        KEYWORDS
            .iter()
            .chain(SORT_KEYWORDS)
            .map(|k| k.to_lowercase()),
    );
    pieces.extend(["ORDER BY".to_owned(), "order by".to_owned()]);
    pieces.extend(FIELDS.iter().step_by(4).map(|f| f.name.to_string()));
    pieces.extend(PIECES.iter().map(|p| p.to_string()));
    let separators = vec!["", " ", "  ", "\n"];
    prop::collection::vec((select(pieces), select(separators)), 0..40).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(t, sep)| [t, sep.to_owned()])
            .collect()
    })
}
