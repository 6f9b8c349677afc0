//! Reference rules the properties compare qc against, written here
//! independently of the library's own code.

use qc::{Op, Span};

/// The operator that `NOT op` means (`NOT x <= n` is `x > n`), when there
/// is one: `^` and `$` have no negation in the API.
pub fn complement(op: Op) -> Option<Op> {
    Some(match op {
        Op::Eq => Op::Ne,
        Op::Ne => Op::Eq,
        Op::In => Op::Nin,
        Op::Nin => Op::In,
        Op::Contains => Op::NotContains,
        Op::NotContains => Op::Contains,
        Op::Gt => Op::Le,
        Op::Le => Op::Gt,
        Op::Ge => Op::Lt,
        Op::Lt => Op::Ge,
        Op::StartsWith | Op::EndsWith => return None,
    })
}

/// What is wrong with `span` as a range of `source` (a `Span` is never
/// reversed): past its end, or splitting a character; `None` when it is a
/// range of whole characters inside the source.
pub fn span_fault(source: &str, span: Span) -> Option<&'static str> {
    if span.end() > source.len() {
        Some("is past the end")
    } else if !source.is_char_boundary(span.start()) || !source.is_char_boundary(span.end()) {
        Some("splits a character")
    } else {
        None
    }
}
