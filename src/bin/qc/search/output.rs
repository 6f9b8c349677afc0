//! Writing the results of `qc search` as they arrive on stdout: JSON
//! Lines, a JSON array, or ids.

use std::io::{self, Write};

use serde_json::Value;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// One JSON object a line (the default).
    #[default]
    Jsonl,
    /// One JSON array, an object a line, closed by [`Output::finish`].
    Json,
    /// The `id` of each result, one a line.
    Ids,
}

/// Writes results one at a time. Each result is handed to the writer in
/// one `write_all`, so what has been written always ends on a whole line
/// (for [`Format::Json`], once [`Output::finish`] has closed the array).
#[derive(Debug)]
pub struct Output<W: Write> {
    out: W,
    format: Format,
    written: u64,
    finished: bool,
    line: Vec<u8>,
}

impl<W: Write> Output<W> {
    /// Results to `out` in `format`.
    pub fn new(out: W, format: Format) -> Self {
        Output {
            out,
            format,
            written: 0,
            finished: false,
            line: Vec::new(),
        }
    }

    /// Writes one result. An [`Format::Ids`] result without an `id` is an
    /// `InvalidData` error.
    pub fn write(&mut self, item: &Value) -> io::Result<()> {
        self.line.clear();
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut self.line, item)?;
                self.line.push(b'\n');
            }
            Format::Json => {
                self.line
                    .extend_from_slice(if self.written == 0 { b"[\n" } else { b",\n" });
                serde_json::to_writer(&mut self.line, item)?;
            }
            Format::Ids => {
                match item.get("id") {
                    // An id that would break the line, or reach the
                    // terminal as a control sequence, is shown as JSON.
                    Some(Value::String(id)) if !id.chars().any(char::is_control) => {
                        self.line.extend_from_slice(id.as_bytes());
                    }
                    Some(id @ (Value::String(_) | Value::Number(_))) => {
                        serde_json::to_writer(&mut self.line, id)?;
                    }
                    _ => {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "a result has no `id`",
                        ));
                    }
                }
                self.line.push(b'\n');
            }
        }
        self.out.write_all(&self.line)?;
        self.written += 1;
        Ok(())
    }

    /// Ends the output (closes the JSON array) and flushes it. Later calls
    /// only flush.
    pub fn finish(&mut self) -> io::Result<()> {
        if !self.finished {
            self.finished = true;
            if self.format == Format::Json {
                let end: &[u8] = if self.written == 0 { b"[]\n" } else { b"\n]\n" };
                self.out.write_all(end)?;
            }
        }
        self.out.flush()
    }

    /// Flushes what was written.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(format: Format, items: &[Value]) -> String {
        let mut out = Output::new(Vec::new(), format);
        for item in items {
            out.write(item).unwrap_or_else(|e| panic!("{e}"));
        }
        out.finish().unwrap_or_else(|e| panic!("{e}"));
        out.finish().unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(out.out).unwrap_or_default()
    }

    #[test]
    fn three_formats() {
        let items = [json!({"id": "1", "b": 2, "a": 1}), json!({"id": 2})];
        assert_eq!(
            render(Format::Jsonl, &items),
            "{\"id\":\"1\",\"b\":2,\"a\":1}\n{\"id\":2}\n"
        );
        assert_eq!(
            render(Format::Json, &items),
            "[\n{\"id\":\"1\",\"b\":2,\"a\":1},\n{\"id\":2}\n]\n"
        );
        assert_eq!(render(Format::Ids, &items), "1\n2\n");
        let odd = [
            json!({"id": "a\nb\u{1b}"}),
            json!({"id": 7}),
            json!({"id": "7"}),
        ];
        assert_eq!(render(Format::Ids, &odd), "\"a\\nb\\u001b\"\n7\n7\n");
        assert_eq!(render(Format::Json, &[]), "[]\n");
        assert_eq!(render(Format::Jsonl, &[]), "");
    }

    #[test]
    fn an_id_is_needed_for_ids() {
        let mut out = Output::new(Vec::new(), Format::Ids);
        assert!(out.write(&json!({"name": "x"})).is_err());
        assert!(out.write(&json!({"id": null})).is_err());
        assert_eq!(out.written, 0);
    }
}
