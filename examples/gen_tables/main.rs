//! Writes `src/schema/generated.rs`, qc's field table of every search
//! endpoint in every API version, from Intercom's OpenAPI descriptions
//! (`../shared/intercom/versions/VERSION.yaml`) and qc's overrides
//! (`src/schema/overrides.toml`).
//!
//! ```sh
//! cargo run --example gen_tables            # write the tables
//! cargo run --example gen_tables -- --check # exit 1 when they are out of date
//! ```
//!
//! To follow a new version of the API: drop its description into the
//! versions folder, add the version to `qc::target::ApiVersion`, and run
//! this. `tests/tables.rs` fails while
//! the checked-in tables and the descriptions disagree.

mod generate;

use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().skip(1).any(|a| a == "--check");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = match generate::generate_from(root) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let out = root.join(generate::OUTPUT);
    let current = std::fs::read_to_string(&out).unwrap_or_default();
    if check {
        if current == text {
            println!("{} is up to date", generate::OUTPUT);
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{} is out of date: run `cargo run --example gen_tables`",
            generate::OUTPUT
        );
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::write(&out, &text) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!("wrote {}", out.display());
    ExitCode::SUCCESS
}
