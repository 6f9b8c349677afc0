//! The error catalogue: every code has an entry, and every example really
//! triggers its code.
//!
//! An example is query text (compiled for conversations), a JSON request
//! (E03xx, W02xx: validated), or a command line such as
//! `qc --target contacts 'QUERY'`, which is compiled with that target and
//! also run through the real binary.

use std::collections::HashSet;
use std::sync::Arc;

use assert_cmd::Command;
use qc::{Code, Compiler, Schema, Target};

mod support;

/// Codes whose catalogue example is empty, and why; each is triggered
/// another way below.
const WITHOUT_EXAMPLE: &[(&str, &str)] = &[
    ("E0006", "needs 129 nested parentheses"),
    ("E0008", "depends on the size limit, not the text"),
    ("E0009", "raised on bytes before there is text"),
    ("E0010", "needs over 100 errors"),
    ("E0114", "needs a workspace schema"),
    ("E0401", "is about a schema file, not a query"),
    ("E0302", "needs JSON nested 129 deep"),
    (
        "E0311",
        "needs a JSON request for a target and version that sort",
    ),
    (
        "W0102",
        "needs a workspace schema with an archived attribute",
    ),
    ("W0205", "needs a JSON request and --target tickets"),
    ("N0101", "needs ticket types that share an attribute name"),
    (
        "W0301",
        "needs a request of over 15 filters, through qc decompile",
    ),
];

/// Examples that no longer trigger their code since comparisons became
/// strict/inclusive and over-limit queries are rewritten: the catalogue
/// (src/diagnostic/code.rs) needs new ones. Checked by the ignored
/// `stale_examples_trigger_their_code`, skipped by the others.
const STALE: &[(&str, &str)] = &[];

/// "Now" for the examples: not midnight, so that relative dates are not
/// whole days (W0103).
const EXAMPLE_NOW: &str = "2024-01-01T12:34:56Z";

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

/// JSON examples belong to the request validator (E03xx, W02xx), except the
/// compiler's own error for a request body given as a query (E0012).
fn is_json_example(code: Code, example: &str) -> bool {
    code != Code::JsonBody && (example.starts_with('{') || example.starts_with('['))
}

/// The words of a command line written as in a shell: bare words and
/// single-quoted ones (no escapes inside, as in POSIX shells).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        let (word, after) = match rest.strip_prefix('\'') {
            Some(quoted) => {
                let end = quoted.find('\'').expect("a closing quote");
                (&quoted[..end], &quoted[end + 1..])
            }
            None => {
                let end = rest.find(' ').unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        words.push(word.to_owned());
        rest = after.trim_start();
    }
    words
}

/// A command-line example, `qc [--target T] [--api-version V] [--timezone
/// Z] 'QUERY'`: its arguments after `qc`, and the compiler and query they
/// mean.
struct CommandExample {
    args: Vec<String>,
    compiler: Compiler,
    query: String,
}

fn command_example(example: &str) -> Option<CommandExample> {
    let rest = example.strip_prefix("qc ")?;
    let args = shell_words(rest);
    let mut target = Target::Conversations;
    let mut version = qc::target::ApiVersion::DEFAULT;
    let mut timezone = None;
    let mut query = None;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--target" => {
                let name = words.next().expect("a target after --target");
                target = name.parse().expect("a known target");
            }
            "--api-version" => {
                let name = words.next().expect("a version after --api-version");
                version = name.parse().expect("a known version");
            }
            "--timezone" => {
                let name = words.next().expect("a zone after --timezone");
                timezone = Some(qc::schema::timezone(name).expect("a known zone"));
            }
            flag if flag.starts_with("--") => panic!("{example}: unexpected flag {flag}"),
            text => {
                assert!(query.is_none(), "{example}: two queries");
                query = Some(text.to_owned());
            }
        }
    }
    let schema = Arc::new(
        Schema::for_version_with_zone(target, version, timezone, &[])
            .expect("the version has the target"),
    );
    let now = EXAMPLE_NOW.parse::<jiff::Timestamp>().expect("a date-time");
    let options = qc::Options {
        now: Some(now.as_second()),
        ..support::options()
    };
    Some(CommandExample {
        args: args.clone(),
        compiler: Compiler::new(schema, options),
        query: query.expect("a query"),
    })
}

/// Every catalogue example (what `qc explain` shows) triggers its code:
/// query text through the compiler, JSON (E03xx) through the validator.
#[test]
fn every_example_triggers_its_code() {
    let codes: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| !STALE.iter().any(|(s, _)| *s == c.as_str()))
        .collect();
    let wrong = examples_without_their_code(&codes);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The stale examples (see [`STALE`]): each must trigger its code once the
/// catalogue is updated.
#[test]
fn stale_examples_trigger_their_code() {
    let codes: Vec<Code> = STALE
        .iter()
        .map(|(c, _)| c.parse().expect("a code"))
        .collect();
    let wrong = examples_without_their_code(&codes);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// For each code with an example, the example's diagnostics (and, for a
/// command line, the binary's stderr) when they lack the code.
fn examples_without_their_code(wanted: &[Code]) -> Vec<String> {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for &code in wanted {
        let example = code.example();
        if example.is_empty() {
            continue;
        }
        let found: Vec<Code> = if is_json_example(code, example) {
            qc::check::validate(example)
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect()
        } else if let Some(command) = command_example(example) {
            // The binary, run exactly as written, reports the code too.
            let out = qc_cmd()
                .args(&command.args)
                .args(["--now", EXAMPLE_NOW])
                .output()
                .expect("qc runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !stderr.contains(&format!("[{code}]")) {
                wrong.push(format!("{code}: `{example}` prints {stderr}"));
            }
            command
                .compiler
                .diagnose(&command.query)
                .iter()
                .map(|d| d.code)
                .collect()
        } else {
            codes(example)
        };
        if !found.contains(&code) {
            wrong.push(format!("{code}: example {example:?} gives {found:?}"));
        }
        checked += 1;
    }
    let without = wanted
        .iter()
        .filter(|c| WITHOUT_EXAMPLE.iter().any(|(w, _)| *w == c.as_str()))
        .count();
    assert_eq!(checked, wanted.len() - without);
    wrong
}

#[test]
fn command_examples_are_read_like_a_shell() {
    assert_eq!(
        shell_words("--target contacts 'last_seen_at != null'"),
        ["--target", "contacts", "last_seen_at != null"]
    );
    let example = command_example("qc --target contacts 'role = lead'").expect("a command");
    assert_eq!(example.compiler.schema.target(), Target::Contacts);
    assert_eq!(example.query, "role = lead");
    assert!(command_example("role = lead").is_none());
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

fn workspace_fixture(file: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/workspace/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("the fixture is readable")
}

#[test]
fn invalid_schema_e0401() {
    let errors = qc::schema::Workspace::from_json(&workspace_fixture("bad_data_type.json"))
        .expect_err("an invalid schema file");
    assert_eq!(
        errors.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::InvalidSchema]
    );
    let out = qc_cmd()
        .args([
            "--schema",
            "tests/fixtures/workspace/bad_data_type.json",
            "state = open",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("[E0401]"));
}

#[test]
fn archived_attribute_w0102() {
    let workspace = qc::schema::Workspace::from_json(&workspace_fixture("data_attributes.json"))
        .expect("a valid schema file");
    let schema = Schema::new(Target::Contacts, jiff::tz::TimeZone::UTC, &[workspace]);
    let compiler = Compiler::new(Arc::new(schema), support::options());
    let codes: Vec<Code> = compiler
        .diagnose("custom_attributes.legacy_tier = gold")
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, [Code::ArchivedAttribute]);
}

/// The explanations' operator lists come from the operator tables: every
/// slot is filled in, the API's enum is exactly `Op::ALL`, each type's list
/// is its operators, and the fields the text names take the equality
/// operators it lists for them.
#[test]
fn explanations_list_the_operators_of_the_tables() {
    use qc::op::Op;
    use qc::schema::{FieldType, OpSet};

    let listed = |ops: &mut dyn Iterator<Item = Op>| {
        ops.map(|op| format!("`{op}`"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for &code in Code::ALL {
        let text = code.explanation();
        assert!(
            !text.contains("{operators") && !text.contains("{equality operators}"),
            "{code} has an unfilled slot: {text}"
        );
    }
    let api = Code::UnknownOperator.explanation();
    let all = listed(&mut Op::ALL.iter().copied());
    assert!(api.contains(&format!("enum: {all}.")), "{api}");

    let by_type = Code::OperatorNotAllowed.explanation();
    for (ty, named) in [
        (FieldType::String, "String: "),
        (FieldType::Integer, "Integer, Float and Date: "),
        (FieldType::Boolean, "Boolean: "),
    ] {
        let want = format!("{named}{}.", listed(&mut ty.operators().iter()));
        assert!(by_type.contains(&want), "{by_type} lacks {want}");
    }
    // One list stands for Integer, Float and Date: they must agree.
    for ty in [FieldType::Float, FieldType::Date] {
        assert_eq!(ty.operators(), FieldType::Integer.operators(), "{ty}");
    }
    // The fields named with the equality operators take exactly those.
    let equality = format!("`tag_id`: {}.", listed(&mut OpSet::EQUALITY.iter()));
    assert!(by_type.contains(&equality), "{by_type} lacks {equality}");
    for (target, name) in [
        (Target::Conversations, "state"),
        (Target::Conversations, "priority"),
        (Target::Conversations, "source.type"),
        (Target::Contacts, "role"),
        (Target::Contacts, "tag_id"),
    ] {
        let schema = Schema::builtin(target);
        let field = schema.field(name).expect("a built-in field");
        assert_eq!(field.operators(), OpSet::EQUALITY, "{name} on {target:?}");
    }
}

/// `qc explain` prints the filled-in lists.
#[test]
fn qc_explain_prints_the_operator_lists() {
    let out = Command::cargo_bin("qc")
        .expect("the qc binary")
        .args(["explain", "E0306"])
        .output()
        .expect("qc runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("enum: `=` `!=` `IN` `NIN` `<` `<=` `>` `>=` `~` `!~` `^` `$`."),
        "{text}"
    );
}
