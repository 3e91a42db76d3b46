//! Two mail gateways' plain notices, each a list of recipients with one reason.
//!
//! McAfee's (Sisimai 4.25 Lhost/McAfee.pm):
//!
//! ```text
//!     --- The following addresses had delivery problems ---
//!
//! <taro@example.co.jp>   (Unknown user taro@example.co.jp)
//! ```
//!
//! One `<ADDRESS>   (reason)` line per recipient.
//!
//! Trustwave MailMarshal's (Sisimai 4.25 Lhost/MailMarshalSMTP.pm):
//!
//! ```text
//! Your message:
//!    From:    hanako@example.com
//!    Subject: Budget
//!
//! Could not be delivered because of
//!
//! 550 5.1.1 User unknown
//!
//! The following recipients were affected:
//!     taro@example.net
//! ```
//!
//! The indented addresses after "The following recipients were affected:" share the
//! reason between "Could not be delivered because of" and that heading.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const MCAFEE: &str = "--- the following addresses had delivery problems ---";

/// McAfee's notice.
pub(crate) fn scan_mcafee(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(MCAFEE)?;
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(tail(text.raw, at + MCAFEE.len())).skip(1) {
        let trimmed = line.trim();
        if trimmed.starts_with("--") {
            break;
        }
        let Some(inner) = trimmed.strip_prefix('<') else { continue };
        let Some((address, reason)) = inner.split_once('>') else { continue };
        if let Some(address) = address_word(address) {
            let reason = reason.trim();
            let reason = reason.strip_prefix('(').and_then(|r| r.strip_suffix(')'));
            push_block(&mut records, address, reason.unwrap_or(""), false);
        }
    }
    Some(Scan { generator: Some("mcafee"), reporting_mta: None, records })
}

const MAILMARSHAL_REASON: &str = "could not be delivered because of";
const MAILMARSHAL_RECIPIENTS: &str = "the following recipients were affected:";

/// MailMarshal's notice.
pub(crate) fn scan_mailmarshal(text: &Text<'_>) -> Option<Scan> {
    let reason_at = text.find(MAILMARSHAL_REASON)?;
    let list_at = text.find(MAILMARSHAL_RECIPIENTS).filter(|at| *at > reason_at)?;
    let reason = text.raw.get(reason_at + MAILMARSHAL_REASON.len()..list_at).unwrap_or("");
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(tail(text.raw, list_at + MAILMARSHAL_RECIPIENTS.len())).skip(1) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if records.is_empty() {
                continue;
            }
            break;
        }
        match address_word(trimmed).filter(|_| !trimmed.contains(char::is_whitespace)) {
            Some(address) => push_block(&mut records, address, reason, false),
            None => break,
        }
    }
    Some(Scan { generator: Some("mailmarshal"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcafee_lines() {
        let raw = "    --- The following addresses had delivery problems ---\n\n\
                   <a@example.jp>   (Unknown user a@example.jp)\n<b@example.jp>   (552 full)\n\n\
                   ------boundary\n<c@example.jp>   (x)\n";
        let scan = scan_mcafee(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[0].description, "Unknown user a@example.jp");
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.jp"));
    }

    #[test]
    fn mailmarshal_list() {
        let raw = "Your message:\n   From:    s@example.com\n\nCould not be delivered because \
                   of\n\n550 5.1.1 User unknown\n\nThe following recipients were affected: \n    \
                   a@example.net\n    b@example.net\n\n\nAdditional Information\n";
        let scan = scan_mailmarshal(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.net"));
        assert_eq!(scan.records[1].description, "550 5.1.1 User unknown");
        assert!(scan_mailmarshal(&Text::new("The following recipients were affected:")).is_none());
    }
}
