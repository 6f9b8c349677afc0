//! `compile` on arbitrary bytes (as UTF-8 when valid): it must never panic,
//! and whatever it returns must be consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let options = qc::Options {
        now: Some(1_700_000_000),
        ..qc::Options::default()
    };
    match qc::compile(source, &options) {
        Ok(compiled) => {
            // Valid output is JSON with a query, and no diagnostic is an error.
            let text = compiled.to_json_string();
            let value: serde_json::Value =
                serde_json::from_str(&text).expect("emitted JSON parses");
            assert!(value.get("query").is_some());
            assert!(compiled.warnings.iter().all(|d| !d.is_error()));
        }
        Err(error) => {
            let diagnostics = error.diagnostics();
            assert!(
                diagnostics.iter().any(|d| d.is_error()),
                "an error without diagnostics"
            );
            for d in diagnostics {
                // Every diagnostic points inside the input and has a position.
                assert!(d.range.end() <= source.len(), "{d:?}");
                assert!(d.location.is_some(), "{d:?}");
            }
            // The error count is capped.
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            assert!(errors <= 2 * qc::syntax::MAX_ERRORS + 2, "{errors} errors");
        }
    }
});
