//! Reading a query from an argument, a file or stdin, within a size limit.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;

use qc::diagnostic::LineIndex;
use qc::{Code, Diagnostic, Span};

/// Where the query comes from.
pub enum Origin {
    /// A command-line argument.
    Arg(OsString),
    /// A file.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

impl Origin {
    /// From the optional positional argument and `--file`; `-` or nothing
    /// means stdin.
    pub fn new(arg: Option<OsString>, file: Option<PathBuf>) -> Self {
        match (arg, file) {
            (_, Some(path)) if path.as_os_str() != "-" => Origin::File(path),
            (Some(a), None) if a != "-" => Origin::Arg(a),
            _ => Origin::Stdin,
        }
    }

    /// The name shown in diagnostics.
    pub fn name(&self) -> String {
        match self {
            Origin::Arg(_) => qc::diagnostic::QUERY_SOURCE.to_owned(),
            Origin::File(p) => p.display().to_string(),
            Origin::Stdin => "stdin".to_owned(),
        }
    }
}

/// The query text, or why it cannot be had.
pub enum Input {
    /// Valid UTF-8 text within the limit.
    Text(String),
    /// The bytes were read but are not acceptable (too large, not UTF-8):
    /// a diagnostic and a best-effort text to show it against.
    Rejected(Diagnostic, String),
}

/// Reads the query. I/O failures (missing file, ...) are `Err` with a
/// message: a usage error.
pub fn read(origin: &Origin, max_bytes: usize) -> Result<Input, String> {
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let bytes = match origin {
        Origin::Arg(a) => a.as_encoded_bytes().to_vec(),
        Origin::File(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut buf = Vec::new();
            file.take(limit)
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            buf
        }
        Origin::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            buf
        }
    };
    if bytes.len() > max_bytes {
        let len = matches!(origin, Origin::Arg(_)).then_some(bytes.len());
        let d = qc::input_too_large(len, max_bytes);
        return Ok(Input::Rejected(d, String::new()));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Input::Text(text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let end = lossy[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let mut d = Diagnostic::new(
                Code::InvalidUtf8,
                Span::new(at, end),
                format!("the input is not valid UTF-8 (invalid byte at offset {at})"),
            )
            .with_help("queries must be UTF-8 text");
            d.locate(&LineIndex::new(&lossy));
            Ok(Input::Rejected(d, lossy))
        }
    }
}
