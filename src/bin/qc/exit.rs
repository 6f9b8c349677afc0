//! The exit statuses every command shares.

/// Exit status: the query was invalid.
pub const EXIT_INVALID: u8 = 1;
/// Exit status: bad usage (unknown flag, unreadable file).
pub const EXIT_USAGE: u8 = 2;
/// Exit status: the API or the network failed (`qc search`, `qc schema
/// pull`).
pub const EXIT_API: u8 = 3;
/// Exit status: a bound was reached before the end (`qc filter
/// --max-sort-bytes`; `qc search`'s bounds exit with [`EXIT_API`]'s 3 too).
pub const EXIT_BOUND: u8 = 3;
