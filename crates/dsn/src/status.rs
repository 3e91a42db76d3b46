//! Enhanced mail system status codes (RFC 3463): `class.subject.detail`.

use std::fmt;
use std::str::FromStr;

/// An enhanced status code such as `5.7.1`.
///
/// ```
/// use rebound_dsn::StatusCode;
/// let code: StatusCode = "5.7.1".parse().unwrap();
/// assert_eq!(code.class, 5);
/// assert!(code.is_permanent());
/// assert_eq!(code.to_string(), "5.7.1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    pub class: u8,
    /// The subject: 0 other, 1 addressing, 2 mailbox, 3 mail system, 4 network and
    /// routing, 5 mail delivery protocol, 6 message content, 7 security or policy.
    pub subject: u16,
    /// The detail within the subject.
    pub detail: u16,
}

impl StatusCode {
    /// True for class 5.
    pub fn is_permanent(self) -> bool {
        self.class == 5
    }

    /// True for `X.0.0`, which says nothing beyond the class.
    pub fn is_generic(self) -> bool {
        self.subject == 0 && self.detail == 0
    }
}

/// Why a text is not an enhanced status code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an enhanced status code (want class.subject.detail with class 2, 4 or 5): {0:?}")]
pub struct StatusCodeError(pub String);

impl FromStr for StatusCode {
    type Err = StatusCodeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        StatusCode::parse(text).ok_or_else(|| StatusCodeError(text.to_string()))
    }
}

impl StatusCode {
    /// [`str::parse`] without the error (which copies the text): codes are parsed far
    /// more often than they are reported as bad.
    pub(crate) fn parse(text: &str) -> Option<StatusCode> {
        let mut parts = text.trim().as_bytes().split(|b| *b == b'.');
        let (Some(class), Some(subject), Some(detail), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let number = |part: &[u8], max_digits: usize| {
            if part.is_empty() || part.len() > max_digits {
                return None;
            }
            part.iter()
                .try_fold(0u16, |n, b| b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0')))
        };
        let class = number(class, 1)?;
        if !matches!(class, 2 | 4 | 5) {
            return None;
        }
        Some(StatusCode {
            class: class as u8,
            subject: number(subject, 3)?,
            detail: number(detail, 3)?,
        })
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        for ok in ["2.0.0", "4.4.7", "5.7.606", "5.1.10"] {
            assert_eq!(ok.parse::<StatusCode>().unwrap().to_string(), ok);
        }
        for bad in ["", "5.1", "6.1.1", "5.1.1.1", "5.x.1", "5.1.1234", "550"] {
            assert!(bad.parse::<StatusCode>().is_err(), "{bad} parsed");
        }
    }
}
