//! OpenSMTPD's bounce:
//!
//! ```text
//!     Hi!
//!
//!     This is the MAILER-DAEMON, please DO NOT REPLY to this email.
//!
//!     An error has occurred while attempting to deliver a message for
//!     the following list of recipients:
//!
//! taro@example.jp: 550 5.1.1 <taro@example.jp>: Recipient address rejected
//!
//!     Below is a copy of the original message:
//! ```
//!
//! Every unindented `ADDRESS: description` line between the list marker and the
//! copy marker is one recipient.

use super::{address_word, is_delay_warning, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const LIST_MARKER: &str = "list of recipients:";
const END_MARKER: &str = "below is a copy of the original message";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !text.has("this is the mailer-daemon, please do not reply") {
        return None;
    }
    let at = text.find(LIST_MARKER)?;
    let delayed = is_delay_warning(text) || text.has("a message is delayed for more than");
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(tail(text.raw, at + LIST_MARKER.len())) {
        if line.to_ascii_lowercase().contains(END_MARKER) {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((address, description)) = line.split_once(": ") else { continue };
        if let Some(address) = address_word(address) {
            push_block(&mut records, address, description, delayed);
        }
    }
    Some(Scan { generator: Some("opensmtpd"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recipient_lines() {
        let raw = "    Hi!\n\n    This is the MAILER-DAEMON, please DO NOT REPLY to this \
                   email.\n\n    An error has occurred while attempting to deliver a message \
                   for\n    the following list of recipients:\n\na@example.jp: 550 5.7.26 \
                   <a@example.jp>: Recipient address rejected: DMARC\nb@example.org: Domain \
                   does not exist\n\n    Below is a copy of the original message:\n\n\
                   To: c@example.net\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        let a = scan.records[0].clone().into_report();
        assert_eq!(a.recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(a.status.map(|s| s.to_string()).as_deref(), Some("5.7.26"));
        assert_eq!(scan.records[1].description, "Domain does not exist");
        assert!(super::scan(&Text::new("Hi!")).is_none());
    }
}
