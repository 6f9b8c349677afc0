//! `qc lsp`: a language server over stdio.
//!
//! A thin layer over the library: diagnostics come from [`crate::diagnose`],
//! completion and hover from [`crate::ide`], quick fixes from each
//! diagnostic's suggestion. Messages are lsp-server's JSON-RPC types and
//! lsp-types' protocol types; the framing is read here so that a malformed
//! message gets an error response instead of ending the session.
//!
//! Documents are synced fully or incrementally; positions are UTF-16 unless
//! the client offers UTF-8.

// `lsp_types::Uri` caches parts of the parsed URI in cells, but it hashes
// and compares its text, which never changes: it is a sound map key.
#![allow(clippy::mutable_key_type)]

mod convert;
mod handlers;
mod transport;

use std::io::{self, BufRead, Write};

use handlers::{Flow, Server};
use transport::Incoming;

/// Serves one client reading from `input` and writing to `output` until
/// `exit` or the end of the input. Returns the process status the protocol
/// prescribes: 0 when `shutdown` came before, 1 otherwise.
///
/// ```
/// let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
/// let input = [
///     frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#),
///     frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#),
///     frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
/// ]
/// .concat();
/// let mut output = Vec::new();
/// let status = qc::lsp::serve(input.as_bytes(), &mut output)?;
/// assert_eq!(status, 0);
/// assert!(String::from_utf8_lossy(&output).contains(r#""positionEncoding":"utf-16""#));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn serve(mut input: impl BufRead, output: impl Write) -> io::Result<u8> {
    let mut server = Server::new(output);
    while let Some(incoming) = transport::read(&mut input)? {
        match incoming {
            Incoming::Message(message) => {
                if let Flow::Exit(status) = server.handle(message)? {
                    return Ok(status);
                }
            }
            Incoming::Malformed { id, code, message } => server.malformed(id, code, message)?,
        }
    }
    Ok(server.status_at_end())
}

/// [`serve`] on the process's stdin and stdout.
pub fn serve_stdio() -> io::Result<u8> {
    serve(io::stdin().lock(), io::stdout().lock())
}
