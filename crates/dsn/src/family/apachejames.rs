//! Apache James:
//!
//! ```text
//! Error: Invalid user address
//!
//! Error message below:
//! 550 - Requested action not taken: no such user here
//!
//! Message details:
//!   Subject: Quarterly report
//!   MAIL FROM: hanako@example.org
//!   RCPT TO: taro@example.jp
//! ```
//!
//! The `RCPT TO:` lines of the message details are the recipients; the error message
//! describes all of them.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const ERROR: &str = "error message below:";
const DETAILS: &str = "message details:";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let error_at = text.find(ERROR)?;
    let details_at = text.find(DETAILS).filter(|d| *d > error_at)?;
    let error = text.raw.get(error_at + ERROR.len()..details_at).unwrap_or("");
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(tail(text.raw, details_at + DETAILS.len())) {
        let trimmed = line.trim();
        let Some(list) = trimmed.get(..8).filter(|p| p.eq_ignore_ascii_case("rcpt to:")) else {
            continue;
        };
        for word in tail(trimmed, list.len()).split([',', ' ']) {
            if let Some(address) = address_word(word) {
                push_block(&mut records, address, error, false);
            }
        }
    }
    Some(Scan { generator: Some("apachejames"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_come_from_the_details() {
        let raw = "Error: Invalid user address\n\nError message below:\n550 - Requested \
                   action not taken: no such user here\n\nMessage details:\n  Subject: x\n  \
                   MAIL FROM: b@example.org\n  RCPT TO: a@example.jp\n  From: b@example.org\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        let r = scan.records[0].clone().into_report();
        assert_eq!(r.recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(r.reply_code, Some(550));
        assert_eq!(
            r.diagnostic.as_deref(),
            Some("550 - Requested action not taken: no such user here")
        );
        assert!(super::scan(&Text::new("Message details:\nRCPT TO: a@b.example")).is_none());
    }
}
