//! Code shared by the integration tests, one module for each kind of help:
//!
//! - [`cli`]: the real binary, the JSON it prints and transcripts of its
//!   runs;
//! - [`report`]: trees and diagnostics printed for snapshots, and the
//!   fixed "now" of the snapshot tests ([`options`]);
//! - [`generate`]: random valid query texts, the [`generate::Choices`]
//!   that drive every generator, and the value pools that generated data
//!   draws from too;
//! - [`oracle`]: the reference rules that properties compare qc against,
//!   written here independently of qc;
//! - [`intercom`]: an Intercom-compatible search server on 127.0.0.1.
//!
//! Each test crate declares `mod support;` and uses part of it (hence the
//! `allow` of what some crates leave unused).
#![allow(dead_code, unused_imports)]

pub mod cli;
pub mod generate;
pub mod intercom;
pub mod oracle;
pub mod report;

pub use report::{diagnostics, options, report, tree};
