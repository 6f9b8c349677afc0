//! Writing to stdout and stderr as command-line tools do: a closed pipe
//! (`qc explain | head -1`, `qc --pretty ... | head`) ends the output
//! quietly, and never panics as `println!` does.
//!
//! Output to stdout stops at the first failed write. A closed pipe
//! (`EPIPE`) is the reader's choice and says nothing; any other failure (a
//! full disk) is reported once on stderr and makes the command exit with
//! status 2. Writes to stderr ignore failures: there is nowhere left to
//! report them.

use std::fmt::Display;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout failed otherwise than by a closed pipe.
static FAILED: AtomicBool = AtomicBool::new(false);

/// Writes `text` and a newline to stdout; false once stdout is closed
/// (or failed), when the caller stops writing.
pub fn line(text: impl Display) -> bool {
    write(format_args!("{text}\n"))
}

/// Writes `text` to stdout as it is; false once stdout is closed.
pub fn text(text: impl Display) -> bool {
    write(format_args!("{text}"))
}

fn write(args: std::fmt::Arguments<'_>) -> bool {
    let mut out = io::stdout().lock();
    match out.write_fmt(args).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(e) => {
            failed(&e);
            false
        }
    }
}

/// Notes a failed write to stdout: quietly for a closed pipe, else once
/// on stderr.
pub fn failed(e: &io::Error) {
    if e.kind() != io::ErrorKind::BrokenPipe && !FAILED.swap(true, Ordering::Relaxed) {
        eline(format_args!("error: cannot write the output: {e}"));
    }
}

/// `status`, or the usage status 2 when writing to stdout failed
/// otherwise than by a closed pipe.
pub fn status(status: ExitCode) -> ExitCode {
    if FAILED.load(Ordering::Relaxed) {
        ExitCode::from(crate::EXIT_USAGE)
    } else {
        status
    }
}

/// Writes `text` and a newline to stderr, ignoring failures.
pub fn eline(text: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Writes `text` to stderr as it is, ignoring failures.
pub fn etext(text: impl Display) {
    let _ = write!(io::stderr().lock(), "{text}");
}
