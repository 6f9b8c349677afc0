//! `qc completions SHELL` and `qc man` through the real binary: the bash
//! script loads in bash and completes the commands and the flags, the
//! zsh and fish scripts name every command, and the manual pages render
//! in groff without a warning.

use std::process::Command as Process;

use assert_cmd::Command;

/// Every command `qc --help` lists.
fn commands() -> Vec<String> {
    let out = Command::cargo_bin("qc")
        .expect("the qc binary")
        .arg("--help")
        .output()
        .expect("qc ran");
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let listed = help
        .split("Commands:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default();
    let names: Vec<String> = listed
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    assert!(names.len() >= 15, "{help}");
    names
}

fn qc(args: &[&str]) -> String {
    let out = Command::cargo_bin("qc")
        .expect("the qc binary")
        .args(args)
        .output()
        .expect("qc ran");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// What bash's completion of `words` (the last one being completed)
/// offers, with the script of `qc completions bash` loaded.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let cword = words.len() - 1;
    let program = format!(
        "source /dev/stdin <<'QC_COMPLETIONS'\n{script}\nQC_COMPLETIONS\n\
         complete -p qc >/dev/null || exit 3\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE=\"{line}\"; COMP_POINT=${{#COMP_LINE}}\n\
         _qc qc \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$((COMP_CWORD-1))]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        line = words.join(" "),
    );
    let out = Process::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash ran");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_commands_and_flags() {
    let script = qc(&["completions", "bash"]);
    let commands = commands();
    let offered = bash_completes(&script, &["qc", ""]);
    for command in &commands {
        assert!(offered.contains(command), "{command} not in {offered:?}");
    }
    assert_eq!(bash_completes(&script, &["qc", "sch"]), ["schema"]);
    assert_eq!(
        bash_completes(&script, &["qc", "schema", ""]),
        ["-h", "--help", "pull", "help"]
    );
    let pull = bash_completes(&script, &["qc", "schema", "pull", "--to"]);
    assert_eq!(pull, ["--token-file"]);
    let regions = bash_completes(&script, &["qc", "schema", "pull", "--region", ""]);
    assert_eq!(regions, ["us", "eu", "au"]);
}

#[test]
fn zsh_and_fish_scripts_name_every_command() {
    let commands = commands();
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = qc(&["completions", shell]);
        for command in &commands {
            assert!(script.contains(command.as_str()), "{shell}: {command}");
        }
    }
    assert!(qc(&["completions", "zsh"]).starts_with("#compdef qc\n"));
    assert!(qc(&["completions", "fish"]).contains("complete -c qc "));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = Command::cargo_bin("qc")
        .expect("the qc binary")
        .args(["completions", "tcsh"])
        .output()
        .expect("qc ran");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{stderr}"
    );
}

/// The text of a roff page as groff renders it; a warning fails.
fn render(page: &[u8]) -> String {
    use std::io::Write;
    let mut groff = Process::new("groff")
        // Long lines and no hyphenation, so that words stay whole.
        .args(["-man", "-Tutf8", "-ww", "-rLL=400n", "-rHY=0"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("groff runs (Debian's groff-base)");
    groff
        .stdin
        .take()
        .expect("stdin")
        .write_all(page)
        .expect("written");
    let out = groff.wait_with_output().expect("groff ran");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warned");
    // Without a terminal, grotty emboldens and underlines by overstriking:
    // `N\bN`, `_\bx`. Keep the last character of each.
    let mut text = String::new();
    for c in String::from_utf8_lossy(&out.stdout).chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    text
}

#[test]
fn the_man_page_renders_with_every_command() {
    let page = qc(&["man"]);
    assert!(page.contains(".TH qc 1"), "{page}");
    let text = render(page.as_bytes());
    // Words, one space apart (groff justifies lines).
    let plain = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(plain.contains("NAME"));
    assert!(plain.contains("qc - Compile qc queries"), "{plain}");
    for command in commands() {
        assert!(plain.contains(&format!("qc-{command}(1)")), "{command}");
    }
}

#[test]
fn the_out_dir_holds_a_page_for_each_command() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out_dir = dir.path().join("man1");
    qc(&["man", "--out-dir", out_dir.to_str().expect("UTF-8")]);
    for command in commands() {
        let page = std::fs::read(out_dir.join(format!("qc-{command}.1"))).expect("a page");
        render(&page);
    }
    let pull = std::fs::read(out_dir.join("qc-schema-pull.1")).expect("a page");
    let text = render(&pull);
    assert!(text.contains("--token-file"), "{text}");
    assert!(std::fs::metadata(out_dir.join("qc.1")).is_ok());
}
