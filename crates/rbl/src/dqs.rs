//! Spamhaus Data Query Service (DQS) keys.
//!
//! Spamhaus's free public mirrors refuse queries that come through public, shared or
//! cloud resolvers (127.255.255.254). A free DQS key asks the same data through any
//! resolver: the key is the first label of the query name, `KEY.zen.dq.spamhaus.net`.
//! The key is a secret, so it never appears in what this crate prints or reports
//! (dnsbl-zones.md §2: "keys are a secret, so hide them in output").

/// The longest key accepted: one DNS label.
const MAX_LEN: usize = 63;
/// The shortest key accepted: shorter is a typo or a truncated paste.
const MIN_LEN: usize = 8;

/// A Spamhaus DQS key: ASCII letters and digits, 8 to 63 of them (one DNS label).
///
/// Its `Debug` output hides the key, so a configuration holding one can be logged.
///
/// ```
/// use rebound_rbl::DqsKey;
/// let key = DqsKey::new("abcdefghijklmnopqrstuvwxyz")?;
/// assert_eq!(key.as_str(), "abcdefghijklmnopqrstuvwxyz");
/// assert_eq!(format!("{key:?}"), "DqsKey(<hidden>)");
/// assert!(DqsKey::new("abc.def.ghi").is_err());
/// assert!(DqsKey::new("short").is_err());
/// # Ok::<(), rebound_rbl::DqsKeyError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DqsKey(String);

impl DqsKey {
    /// Checks `text` (surrounding white space removed) and keeps it in lower case
    /// (DNS names ignore case).
    pub fn new(text: &str) -> Result<DqsKey, DqsKeyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DqsKeyError::Empty);
        }
        if let Some((position, c)) =
            text.chars().enumerate().find(|(_, c)| !c.is_ascii_alphanumeric())
        {
            return Err(DqsKeyError::BadCharacter { position: position + 1, character: c });
        }
        if !(MIN_LEN..=MAX_LEN).contains(&text.len()) {
            return Err(DqsKeyError::BadLength(text.len()));
        }
        Ok(DqsKey(text.to_ascii_lowercase()))
    }

    /// The key itself, for building query names. Do not print it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DqsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DqsKey(<hidden>)")
    }
}

impl std::str::FromStr for DqsKey {
    type Err = DqsKeyError;

    fn from_str(text: &str) -> Result<DqsKey, DqsKeyError> {
        DqsKey::new(text)
    }
}

/// Why a text is not a DQS key. The messages never repeat the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DqsKeyError {
    /// Nothing was given.
    #[error("the Spamhaus DQS key is empty")]
    Empty,
    /// A character other than an ASCII letter or digit.
    #[error("the Spamhaus DQS key may hold only letters and digits, but character {position} is {character:?}")]
    BadCharacter {
        /// 1-based position of the character.
        position: usize,
        /// The character.
        character: char,
    },
    /// Too short or too long.
    #[error("the Spamhaus DQS key has {0} characters; a key has {MIN_LEN} to {MAX_LEN}")]
    BadLength(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_checked_and_errors_hide_the_key() {
        assert_eq!(DqsKey::new("  ABCdef123456  ").map(|k| k.0), Ok("abcdef123456".into()));
        assert_eq!(DqsKey::new(" "), Err(DqsKeyError::Empty));
        assert_eq!(DqsKey::new("1234567"), Err(DqsKeyError::BadLength(7)));
        assert_eq!(DqsKey::new(&"a".repeat(64)), Err(DqsKeyError::BadLength(64)));
        assert!(DqsKey::new(&"a".repeat(63)).is_ok());
        let secret = "secretkey12.zen";
        let err = DqsKey::new(secret).unwrap_err();
        assert_eq!(err, DqsKeyError::BadCharacter { position: 12, character: '.' });
        assert!(!err.to_string().contains("secretkey"), "{err}");
        for bad in ["key with space", "kéyabcdefgh", "key-abcdefgh", "key_abcdefgh"] {
            assert!(DqsKey::new(bad).is_err(), "{bad}");
        }
    }
}
