//! The exit statuses every command shares.

/// Exit status: the query was invalid.
pub const EXIT_INVALID: u8 = 1;
/// Exit status: bad usage (unknown flag, unreadable file).
pub const EXIT_USAGE: u8 = 2;
