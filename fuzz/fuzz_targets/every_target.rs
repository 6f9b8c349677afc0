//! The one library API, as every shell calls it, on arbitrary text for
//! every target of every API version: the first byte picks the version and
//! target, the second where the editor's cursor is, the rest is the query.
//! No call may panic, and what they return must agree:
//! - a compiled request validates, for its own target and version, to
//!   itself;
//! - the formatter's text compiles to the same request as the query;
//! - a plan exists whenever the query compiles;
//! - every diagnostic, completion and hover lies inside the text.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use qc::{Compiler, Options, Schema};

/// A compiler for each target of each version, built once.
fn compilers() -> &'static [Compiler] {
    static ALL: OnceLock<Vec<Compiler>> = OnceLock::new();
    ALL.get_or_init(|| {
        qc::schema::api_versions()
            .into_iter()
            .flat_map(|v| v.targets.into_iter().map(move |t| (t, v.version)))
            .map(|(target, version)| {
                let schema = Schema::for_version_with_zone(target, version, None, &[])
                    .expect("a listed target of a listed version");
                let options = Options {
                    now: Some(1_700_000_000),
                    ..Options::default()
                };
                Compiler::new(Arc::new(schema), options)
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let [pick, cursor, rest @ ..] = data else {
        return;
    };
    let Ok(source) = std::str::from_utf8(rest) else {
        return;
    };
    let all = compilers();
    let compiler = &all[usize::from(*pick) % all.len()];
    let len = source.len();

    let compiled = compiler.compile(source);
    match &compiled {
        Ok(c) => {
            let json = c.to_json_string();
            let validated = compiler.validate(&json);
            assert!(validated.is_valid(), "{json}: {:?}", validated.diagnostics);
            assert!(compiler.plan(source).is_ok(), "no plan for {source:?}");
        }
        Err(e) => {
            for d in e.diagnostics() {
                assert!(d.range.end() <= len, "{d:?}");
            }
        }
    }
    if let (Ok(formatted), Ok(c)) = (compiler.format(source), &compiled) {
        let again = compiler
            .compile(&formatted)
            .unwrap_or_else(|e| panic!("{formatted:?} does not compile: {:?}", e.diagnostics()));
        assert_eq!(again.to_json_string(), c.to_json_string(), "{formatted:?}");
    }
    for d in compiler.diagnose(source) {
        assert!(d.range.end() <= len, "{d:?}");
    }
    let offset = len * usize::from(*cursor) / 255;
    for c in compiler.complete(source, offset) {
        assert!(c.replace.end() <= len, "{c:?}");
    }
    if let Some(h) = compiler.hover(source, offset) {
        assert!(h.range.end() <= len, "{h:?}");
    }
    let _ = compiler.matcher(source);
});
