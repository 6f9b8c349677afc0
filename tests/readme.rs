//! The README's ```console examples, run through the real binary: each
//! `$ qc ...` line's output must be what the README shows (stdout when the
//! command succeeds, stderr otherwise; trailing spaces ignored).
//! The ```rust example is a doctest (see `ReadmeDoctests` in lib.rs).

use assert_cmd::Command;

const README: &str = include_str!("../README.md");

/// `(command line, expected output)` for every `$ ` line of every console block.
fn console_examples() -> Vec<(String, String)> {
    let mut examples = Vec::new();
    let mut in_console = false;
    for line in README.lines() {
        if line.starts_with("```") {
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            examples.push((cmd.to_owned(), String::new()));
        } else if let Some((_, out)) = examples.last_mut() {
            out.push_str(line);
            out.push('\n');
        }
    }
    examples
}

/// Splits a command line on spaces outside single quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

fn trim_lines(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_end().to_owned() + "\n")
        .collect()
}

#[test]
fn console_examples_match_the_binary() {
    let examples = console_examples();
    assert!(examples.len() >= 2, "found {} examples", examples.len());
    for (line, expected) in examples {
        let words = shell_words(&line);
        assert_eq!(words.first().map(String::as_str), Some("qc"), "{line}");
        let out = Command::cargo_bin("qc")
            .expect("the qc binary is built")
            .env("NO_COLOR", "1")
            .args(&words[1..])
            .output()
            .expect("qc runs");
        let shown = if out.status.success() {
            &out.stdout
        } else {
            &out.stderr
        };
        assert_eq!(
            trim_lines(&String::from_utf8_lossy(shown)),
            trim_lines(&expected),
            "README example `{line}`"
        );
    }
}

#[test]
fn shell_words_split_like_a_shell() {
    assert_eq!(
        shell_words("qc 'state = open' --pretty"),
        ["qc", "state = open", "--pretty"]
    );
}
