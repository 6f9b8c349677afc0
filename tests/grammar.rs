//! Keeps grammar/qc.ebnf honest: its operators and keywords are the
//! parser's, and every `example:` line compiles.

use std::collections::{BTreeMap, BTreeSet};

use qc::syntax::OpSpelling;
use qc::syntax::lexical::{KEYWORDS, RESERVED, SORT_KEYWORDS};

const EBNF: &str = include_str!("../grammar/qc.ebnf");

/// The grammar without its `(* ... *)` comments.
fn rules() -> String {
    let mut out = String::new();
    let mut rest = EBNF;
    while let Some(start) = rest.find("(*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*)")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out
}

/// The right-hand side of production `name`, up to its `;`.
fn production(name: &str) -> String {
    let rules = rules();
    let start = rules
        .lines()
        .scan(0, |offset, line| {
            let at = *offset;
            *offset += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| line.split_whitespace().next() == Some(name) && line.contains('='))
        .map(|(at, _)| at)
        .unwrap_or_else(|| panic!("no production `{name}`"));
    let body = &rules[start..];
    let eq = body.find('=').expect("a `=`");
    let end = body.find(';').expect("a `;`");
    body[eq + 1..end].to_owned()
}

/// Double-quoted terminals in `text`, in order.
fn terminals(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn operator_production_lists_exactly_the_parsers_spellings() {
    let body = production("operator");
    let in_grammar: BTreeSet<String> = body
        .split('|')
        .map(|alternative| terminals(alternative).join(" "))
        .collect();
    let in_parser: BTreeSet<String> = OpSpelling::ALL
        .iter()
        .filter(|s| s.takes_value())
        .map(|s| s.as_str().to_owned())
        .collect();
    assert_eq!(in_grammar, in_parser);
}

/// `IS NULL` and `IS NOT NULL` hold their value: the grammar has them as
/// comparisons of their own.
#[test]
fn comparison_production_lists_the_null_tests() {
    let body = production("comparison");
    let in_grammar: BTreeSet<String> = body
        .split('|')
        .map(|alternative| terminals(alternative).join(" "))
        .filter(|t| !t.is_empty())
        .collect();
    let in_parser: BTreeSet<String> = OpSpelling::ALL
        .iter()
        .filter(|s| !s.takes_value())
        .map(|s| s.as_str().to_owned())
        .collect();
    assert_eq!(in_grammar, in_parser);
}

/// The comment rule starts with the lexer's comment starts.
#[test]
fn comment_production_uses_the_lexers_comment_starts() {
    let body = production("comment");
    let starts: BTreeSet<String> = terminals(&body).into_iter().collect();
    let known: BTreeSet<String> = qc::syntax::lexical::COMMENT_STARTS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(starts, known);
}

#[test]
fn keywords_used_are_the_lexers_keywords() {
    let used: BTreeSet<String> = terminals(&rules())
        .into_iter()
        .filter(|t| t.len() > 1 && t.chars().all(|c| c.is_ascii_uppercase()))
        .collect();
    let known: BTreeSet<String> = KEYWORDS
        .iter()
        .chain(SORT_KEYWORDS)
        .map(|k| k.to_string())
        .collect();
    assert_eq!(used, known);
}

/// The sort clause's keywords are those of `order_by`, and the orders
/// are `SortOrder`'s.
#[test]
fn order_by_production_lists_the_sort_keywords() {
    let body = production("order_by");
    let words: BTreeSet<String> = terminals(&body).into_iter().collect();
    let known: BTreeSet<String> = SORT_KEYWORDS.iter().map(|k| k.to_string()).collect();
    assert_eq!(words, known);
    for order in qc::op::SortOrder::ALL {
        assert!(body.contains(&format!("\"{}\"", order.keyword())), "{body}");
    }
}

/// `example:` lines, and `example (TARGET VERSION):` lines for another
/// target and API version than conversations in 2.11.
#[test]
fn every_example_compiles() {
    let examples: Vec<(&str, &str)> = EBNF
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("example"))
        .filter_map(|rest| {
            let (tag, text) = rest.split_once(':')?;
            Some((tag.trim(), text.trim()))
        })
        .collect();
    assert!(examples.len() >= 10, "found {} examples", examples.len());
    let sorted = examples
        .iter()
        .filter(|(_, e)| e.contains("ORDER BY") || e.contains("order by"));
    assert!(sorted.count() >= 2, "examples of ORDER BY");
    for (tag, example) in examples {
        let (target, version) = match tag.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            Some(t) => t.split_once(' ').expect("`(TARGET VERSION)`"),
            None => {
                assert!(tag.is_empty(), "unknown example tag `{tag}`");
                ("conversations", "2.11")
            }
        };
        let settings = qc::Settings {
            target: Some(target.to_owned()),
            api_version: Some(version.to_owned()),
            now: Some(qc::Now::Seconds(1_717_200_000.0)),
            ..qc::Settings::default()
        };
        let compiler = settings.compiler().expect("a target of that version");
        if let Err(e) = compiler.compile(example) {
            panic!("grammar example `{example}` ({target} {version}) does not compile: {e}");
        }
    }
}

/// The playground's highlighter, web/src/language.js.
fn playground_js() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/web/src/language.js"))
        .expect("web/src/language.js is readable")
}

/// The JSON literal that `const NAME = ` starts in `js`, up to its `;`.
fn js_constant(js: &str, name: &str) -> serde_json::Value {
    let start = format!("const {name} = ");
    let at = js
        .find(&start)
        .unwrap_or_else(|| panic!("language.js has no `{start}`"))
        + start.len();
    let end = js[at..].find(';').expect("a `;` after the constant") + at;
    serde_json::from_str(&js[at..end])
        .unwrap_or_else(|e| panic!("`{name}` in language.js is not a JSON literal: {e}"))
}

/// The highlighter's sort words are the lexer's.
#[test]
fn playground_sort_keywords_match_the_lexer() {
    let in_js: Vec<String> = serde_json::from_value(js_constant(&playground_js(), "SORT_KEYWORDS"))
        .expect("SORT_KEYWORDS is a list of words");
    let lexer: Vec<String> = SORT_KEYWORDS.iter().map(|k| k.to_lowercase()).collect();
    assert_eq!(in_js, lexer);
}

/// The highlighter's keywords are the lexer's, each with the role the
/// operator table gives it: `and`, `or` and `not` join ("field": a
/// comparison follows); a word that ends an operator spelling is followed
/// by a value (`in`, `with`), or ends the comparison for `IS NULL`; any
/// other word of a spelling is followed by more operator (`starts`, `is`).
#[test]
fn playground_keywords_match_the_lexer() {
    let in_js: BTreeMap<String, String> =
        serde_json::from_value(js_constant(&playground_js(), "KEYWORDS"))
            .expect("KEYWORDS maps words to what follows them");
    let mut roles: BTreeMap<String, String> = RESERVED
        .iter()
        .map(|k| (k.to_lowercase(), "field".to_owned()))
        .collect();
    for spelling in OpSpelling::ALL {
        let words: Vec<&str> = spelling.as_str().split(' ').collect();
        for (i, word) in words.iter().enumerate() {
            let word = word.to_lowercase();
            if !word.chars().all(|c| c.is_ascii_alphabetic())
                || roles.get(&word).is_some_and(|r| r == "field")
            {
                continue;
            }
            let role = match (i + 1 == words.len(), spelling.takes_value()) {
                (true, true) => "value",
                (true, false) => "joiner",
                (false, _) => "operator",
            };
            let previous = roles.insert(word.clone(), role.to_owned());
            assert!(
                previous.is_none_or(|p| p == role),
                "`{word}` has two roles in OpSpelling::ALL"
            );
        }
    }
    let keywords: BTreeSet<String> = KEYWORDS.iter().map(|k| k.to_lowercase()).collect();
    assert_eq!(
        roles.keys().cloned().collect::<BTreeSet<_>>(),
        keywords,
        "the operator table's words are the keywords"
    );
    assert_eq!(in_js, roles, "language.js's KEYWORDS");
}

/// The highlighter's symbolic operators are the lexer's, both ways.
#[test]
fn playground_symbols_match_the_lexer() {
    let in_js: BTreeSet<String> =
        serde_json::from_value(js_constant(&playground_js(), "SYMBOL_OPERATORS"))
            .expect("SYMBOL_OPERATORS is a list of strings");
    let in_lexer: BTreeSet<String> = OpSpelling::ALL
        .iter()
        .filter(|s| matches!(s, OpSpelling::Symbol(_)))
        .map(|s| s.as_str().to_owned())
        .collect();
    assert_eq!(in_js, in_lexer);
}

/// The playground's highlighter splits words where the lexer does.
#[test]
fn playground_word_breakers_match_the_lexer() {
    let js = playground_js();
    let expected = format!(
        "const WORD_BREAKERS = {};",
        serde_json::to_string(qc::syntax::lexical::WORD_BREAKERS).expect("a string serialises")
    );
    assert!(js.contains(&expected), "language.js lacks {expected}");
    // It knows the comments and the typographic quotes as the lexer does.
    for start in qc::syntax::lexical::COMMENT_STARTS {
        let matched = format!("stream.match({start:?}, false)");
        assert!(js.contains(&matched), "language.js lacks {matched}");
    }
    let quotes = qc::syntax::lexical::SMART_DOUBLE_QUOTES
        .iter()
        .chain(&qc::syntax::lexical::SMART_SINGLE_QUOTES);
    for &q in quotes {
        let escaped = format!("\\u{:04X}", u32::from(q));
        assert!(js.contains(&escaped), "language.js lacks {escaped}");
    }
}
