//! Base-protocol framing (`Content-Length` headers) that survives bad input.
//!
//! lsp-server's own reader stops at the first body that is not a JSON-RPC
//! message; this one reads the frame itself, hands good bodies to
//! [`Message`]'s deserializer and reports bad ones as [`Incoming::Malformed`]
//! so that the server can answer with a JSON-RPC error and go on.

use std::io::{self, BufRead, Read, Write};

use lsp_server::{ErrorCode, Message, RequestId, Response, ResponseError};

/// Longest header line accepted, in bytes.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// Largest message body accepted, in bytes; larger bodies are skipped.
pub const MAX_BODY: usize = 64 << 20;

/// One frame read from the client.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed JSON-RPC message.
    Message(Message),
    /// A frame that could not be used: what to answer.
    Malformed {
        /// The id of the request, when the body had a usable one.
        id: Option<RequestId>,
        /// The JSON-RPC error code (parse error or invalid request).
        code: ErrorCode,
        /// What was wrong.
        message: String,
    },
}

impl Incoming {
    fn malformed(code: ErrorCode, message: impl Into<String>) -> Self {
        Incoming::Malformed {
            id: None,
            code,
            message: message.into(),
        }
    }
}

/// Reads the next frame; `None` at the end of the input.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut bad_header = None;
    let mut seen_header = false;
    loop {
        let mut line = Vec::new();
        let n = input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if seen_header {
                break;
            }
            continue; // stray blank line between frames
        }
        seen_header = true;
        match line.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("Content-Length") => {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|e| format!("bad Content-Length `{}`: {e}", value.trim())),
                );
            }
            Some(_) => {} // Content-Type and unknown headers
            None => bad_header = Some(format!("malformed header line `{line}`")),
        }
    }
    let length = match length {
        Some(Ok(n)) => n,
        Some(Err(message)) => return Ok(Some(Incoming::malformed(ErrorCode::ParseError, message))),
        None => {
            let message = bad_header.unwrap_or_else(|| "no Content-Length header".to_owned());
            return Ok(Some(Incoming::malformed(ErrorCode::ParseError, message)));
        }
    };
    if length > MAX_BODY {
        let skipped = io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        if skipped < length as u64 {
            return Ok(None);
        }
        return Ok(Some(Incoming::malformed(
            ErrorCode::InvalidRequest,
            format!("message of {length} bytes is larger than the limit of {MAX_BODY} bytes"),
        )));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    Ok(Some(decode(&body)))
}

/// Turns a body into a message, or says why it is not one.
fn decode(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Incoming::malformed(ErrorCode::ParseError, format!("invalid JSON: {e}")),
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    // Message is untagged: anything with an id would pass for a response,
    // so check the shape first.
    let shape_ok = match value.get("method") {
        Some(method) => method.is_string(),
        None => id.is_some() && (value.get("result").is_some() || value.get("error").is_some()),
    };
    if !shape_ok {
        return Incoming::Malformed {
            id,
            code: ErrorCode::InvalidRequest,
            message: "not a JSON-RPC request, response or notification".to_owned(),
        };
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(e) => Incoming::Malformed {
            id,
            code: ErrorCode::InvalidRequest,
            message: format!("not a JSON-RPC request, response or notification: {e}"),
        },
    }
}

/// Writes one message with its header, and flushes.
pub fn write(output: &mut impl Write, message: &Message) -> io::Result<()> {
    message.write(output)
}

/// Writes an error response; its id is `null` when the request's id could
/// not be read (as JSON-RPC prescribes for parse errors).
pub fn write_error(
    output: &mut impl Write,
    id: Option<RequestId>,
    code: ErrorCode,
    message: String,
) -> io::Result<()> {
    match id {
        Some(id) => write(
            output,
            &Message::Response(error_response(id, code, message)),
        ),
        None => {
            let body = serde_json::json!({
                "jsonrpc": "2.0",
                "id": null,
                "error": { "code": code as i32, "message": message },
            })
            .to_string();
            write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
            output.flush()
        }
    }
}

/// An error response to request `id`.
pub fn error_response(id: RequestId, code: ErrorCode, message: String) -> Response {
    Response {
        id,
        result: None,
        error: Some(ResponseError {
            code: code as i32,
            message,
            data: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn read_all(input: &str) -> Vec<Incoming> {
        let mut r = io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(m) = read(&mut r).expect("reading from memory") {
            out.push(m);
        }
        out
    }

    #[test]
    fn bad_bodies_do_not_end_the_stream() {
        let input = [
            frame("this is not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"methd":"x"}"#),
            "Content-Length: nope\r\n\r\n".to_owned(),
            "garbage header\r\n\r\n".to_owned(),
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
        ]
        .concat();
        let got = read_all(&input);
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(matches!(
            &got[0],
            Incoming::Malformed {
                id: None,
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(
            &got[1],
            Incoming::Malformed {
                id: Some(_),
                code: ErrorCode::InvalidRequest,
                ..
            }
        ));
        assert!(matches!(
            &got[2],
            Incoming::Malformed {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(
            &got[3],
            Incoming::Malformed {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(
            matches!(&got[4], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
    }

    #[test]
    fn truncated_body_is_end_of_input() {
        assert!(read_all("Content-Length: 100\r\n\r\n{}").is_empty());
    }

    #[test]
    fn null_id_error_is_framed() {
        let mut out = Vec::new();
        write_error(&mut out, None, ErrorCode::ParseError, "bad".to_owned()).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("header");
        assert_eq!(head, format!("Content-Length: {}", body.len()));
        let v: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(v["id"], serde_json::Value::Null);
        assert_eq!(v["error"]["code"], -32700);
    }
}
