//! The error catalogue: every code has an entry, and every example really
//! triggers its code.

use std::collections::HashSet;

use assert_cmd::Command;
use qc::Code;

mod support;

/// Codes whose catalogue example is empty, and why; each is triggered
/// another way below.
const WITHOUT_EXAMPLE: &[(&str, &str)] = &[
    ("E0006", "needs 129 nested parentheses"),
    ("E0008", "depends on the size limit, not the text"),
    ("E0009", "raised on bytes before there is text"),
    ("E0010", "needs over 100 errors"),
    ("E0302", "needs JSON nested 129 deep"),
    (
        "W0301",
        "needs a request of over 15 filters, through qc decompile",
    ),
];

fn codes(source: &str) -> Vec<Code> {
    qc::diagnose(source, &support::options())
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn every_code_has_an_entry() {
    let mut seen = HashSet::new();
    for &code in Code::ALL {
        assert!(seen.insert(code.as_str()), "{code} listed twice");
        assert!(!code.title().trim().is_empty(), "{code} has no title");
        assert!(
            code.explanation().len() > 40,
            "{code} has no real explanation"
        );
        assert_eq!(code.as_str().parse::<Code>(), Ok(code));
        assert_eq!(code.as_str().to_lowercase().parse::<Code>(), Ok(code));
    }
}

/// JSON examples belong to the request validator (E03xx), except the
/// compiler's own error for a request body given as a query (E0012).
fn is_json_example(code: Code, example: &str) -> bool {
    code != Code::JsonBody && (example.starts_with('{') || example.starts_with('['))
}

/// Every catalogue example (what `qc explain` shows) triggers its code:
/// query text through the compiler, JSON (E03xx) through the validator.
#[test]
fn every_example_triggers_its_code() {
    let mut checked = 0;
    for &code in Code::ALL {
        let example = code.example();
        if example.is_empty() {
            continue;
        }
        let found = if is_json_example(code, example) {
            qc::json::validate(example)
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect()
        } else {
            codes(example)
        };
        assert!(
            found.contains(&code),
            "{code}: example {example:?} gives {found:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, Code::ALL.len() - WITHOUT_EXAMPLE.len());
}

#[test]
fn only_the_documented_codes_lack_an_example() {
    let without: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.example().is_empty())
        .map(|c| c.as_str())
        .collect();
    let documented: Vec<&str> = WITHOUT_EXAMPLE.iter().map(|(c, _)| *c).collect();
    assert_eq!(without, documented);
    for (code, _) in WITHOUT_EXAMPLE {
        let code: Code = code.parse().expect("a known code");
        assert!(
            code.explanation().contains("No example"),
            "{code} should say why it has no example"
        );
    }
}

#[test]
fn nesting_too_deep_e0006() {
    let depth = qc::syntax::MAX_DEPTH + 1;
    let source = format!("{}state = open{}", "(".repeat(depth), ")".repeat(depth));
    assert!(codes(&source).contains(&Code::NestingTooDeep));
    let ok = format!(
        "{}state = open{}",
        "(".repeat(depth - 1),
        ")".repeat(depth - 1)
    );
    assert!(!qc::parse(&ok).has_errors());
    assert!(
        Code::NestingTooDeep
            .explanation()
            .contains(&qc::syntax::MAX_DEPTH.to_string())
    );
}

#[test]
fn too_many_errors_e0010() {
    let source = "& ".repeat(qc::syntax::MAX_ERRORS + 1);
    assert_eq!(codes(&source).last(), Some(&Code::TooManyErrors));
    assert!(
        Code::TooManyErrors
            .explanation()
            .contains(&qc::syntax::MAX_ERRORS.to_string())
    );
}

#[test]
fn input_too_large_e0008() {
    let options = qc::Options {
        max_input_bytes: 8,
        ..support::options()
    };
    let d = qc::diagnose("state = open", &options);
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::InputTooLarge]
    );
    let out = qc_cmd()
        .args(["check", "--max-input-bytes", "4", "state = open"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("E0008"));
}

#[test]
fn invalid_utf8_e0009() {
    let out = qc_cmd()
        .arg("check")
        .write_stdin(&b"state = \xff\xfe"[..])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("E0009"));
}

fn qc_cmd() -> Command {
    let mut cmd = Command::cargo_bin("qc").expect("the qc binary is built");
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn explain_lists_every_code_and_explains_one() {
    let out = qc_cmd()
        .arg("explain")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    for &code in Code::ALL {
        assert!(
            out.lines()
                .any(|l| l.starts_with(code.as_str()) && l.contains(code.title())),
            "{code} missing from `qc explain`"
        );
    }
    let out = qc_cmd()
        .args(["explain", "e0101"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains("unknown field") && out.contains("stat = open"),
        "{out}"
    );
    qc_cmd().args(["explain", "E9999"]).assert().code(2);
}
