//! The access token, kept out of every message.

use std::fmt;

/// An Intercom access token.
///
/// Its `Debug` and `Display` print `<redacted>`, so a token inside a
/// client, a request or an error never reaches a log or a terminal by
/// accident. [`Token::secret`] is the one way to read it.
///
/// ```
/// let token = qc::search::Token::new("dG9rOjEyMzQ=")?;
/// assert_eq!(format!("{token} {token:?}"), "<redacted> Token(<redacted>)");
/// assert_eq!(token.secret(), "dG9rOjEyMzQ=");
/// # Ok::<(), qc::search::TokenError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// Why a string is not usable as a token. The messages never quote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Empty, or only whitespace.
    #[error("the access token is empty")]
    Empty,
    /// It holds a space, a control character or a non-ASCII character,
    /// which cannot be sent in an HTTP header.
    #[error(
        "the access token contains a space, a control character or a non-ASCII character, \
         so it cannot be sent in a header"
    )]
    Invalid,
}

impl Token {
    /// A token from its text; surrounding whitespace (a file's final
    /// newline) is removed.
    pub fn new(text: impl Into<String>) -> Result<Self, TokenError> {
        let text = text.into();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(TokenError::Empty);
        }
        if !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(TokenError::Invalid);
        }
        Ok(Token(trimmed.to_owned()))
    }

    /// The token itself, for the `Authorization` header.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_rejects_what_a_header_cannot_hold() {
        assert_eq!(Token::new(" abc\n").map(|t| t.0), Ok("abc".to_owned()));
        assert_eq!(Token::new(" \n"), Err(TokenError::Empty));
        assert_eq!(Token::new("a b"), Err(TokenError::Invalid));
        assert_eq!(Token::new("a\u{7f}"), Err(TokenError::Invalid));
        assert_eq!(Token::new("jeton-é"), Err(TokenError::Invalid));
    }

    #[test]
    fn never_formats_the_secret() {
        let token = Token::new("s3cr3t-T0KEN").unwrap_or_else(|e| panic!("{e}"));
        let shown = format!("{token} {token:?} {:?}", Some(&token));
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}
