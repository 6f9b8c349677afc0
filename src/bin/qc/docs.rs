//! `qc completions SHELL` and `qc man`: the shell completion scripts
//! (clap_complete) and the manual pages (clap_mangen) of the command line
//! they are given, so that both always match its flags.

use std::path::Path;
use std::process::ExitCode;

use clap_complete::Shell;

use crate::exit::EXIT_USAGE;
use crate::report;

/// Prints the completion script of `command` for `shell` on stdout.
pub fn completions(shell: Shell, mut command: clap::Command) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "qc", &mut out);
    print(&out)
}

/// Prints the manual page of `command` (roff) on stdout, or with `out_dir`
/// writes one page per command there: `qc.1`, `qc-search.1`, ...
pub fn man(out_dir: Option<&Path>, command: clap::Command) -> ExitCode {
    let Some(dir) = out_dir else {
        let mut out = Vec::new();
        return match clap_mangen::Man::new(command).render(&mut out) {
            Ok(()) => print(&out),
            Err(e) => {
                report::eprintln_escaped!("error: cannot render the manual page: {e}");
                ExitCode::FAILURE
            }
        };
    };
    let written =
        std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report::eprintln_escaped!(
                "error: cannot write the manual pages into {}: {e}",
                dir.display()
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Writes `bytes` on stdout ([`crate::out`]: a closed stdout is no
/// error).
fn print(bytes: &[u8]) -> ExitCode {
    crate::out::text(String::from_utf8_lossy(bytes));
    ExitCode::SUCCESS
}
