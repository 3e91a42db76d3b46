//! au by KDDI's EZweb mail (`ezweb.ne.jp`):
//!
//! ```text
//! The user(s) account is disabled.
//!
//! <taro@ezweb.ne.jp>
//! ```
//!
//! or "Each of the following recipients was rejected by a remote mail server." with
//! `Recipient: <ADDRESS>` and a `>>>` / `<<<` transcript, or "The following
//! recipients did not receive this message:". Every line that holds only an address
//! (or `Recipient: ADDRESS`) is a recipient; the other lines of the text, up to a line
//! of dashes, are the reason of all of them.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::lines;

const SIGNATURES: &[&str] = &[
    "the user(s) account is disabled",
    "each of the following recipients was rejected by a remote",
    "the following recipients did not receive this message",
    "your message was not delivered within ",
];

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !SIGNATURES.iter().any(|s| text.has(s)) {
        return None;
    }
    let mut recipients: Vec<String> = Vec::new();
    let mut reason = String::new();
    for line in lines(text.raw) {
        let trimmed = line.trim();
        if trimmed.len() > 3 && trimmed.bytes().all(|b| b == b'-') {
            break;
        }
        let named = trimmed.strip_prefix("Recipient:").unwrap_or(trimmed).trim();
        match address_word(named).filter(|_| !named.contains(char::is_whitespace)) {
            Some(address) => recipients.push(address),
            None if !trimmed.is_empty() => {
                reason.push(' ');
                reason.push_str(trimmed);
            }
            None => {}
        }
    }
    let mut records: Vec<TextRecord> = Vec::new();
    for address in recipients {
        push_block(&mut records, address, &reason, false);
    }
    Some(Scan { generator: Some("ezweb"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bare_addresses_and_transcripts() {
        let first = scan(&Text::new("The user(s) account is disabled.\n\n<a@ezweb.ne.jp>\n"))
            .unwrap_or_default();
        assert_eq!(first.records.len(), 1);
        assert_eq!(first.records[0].recipient.as_deref(), Some("a@ezweb.ne.jp"));
        assert_eq!(first.records[0].description, "The user(s) account is disabled.");
        let raw = "Each of the following recipients was rejected by a remote\nmail server.\n\n\
                   \x20   Recipient: <b@ezweb.ne.jp>\n    >>> RCPT TO:<b@ezweb.ne.jp>\n    \
                   <<< 550 <b@ezweb.ne.jp>: User unknown\n";
        let second = scan(&Text::new(raw)).unwrap_or_default();
        let r = second.records[0].clone().into_report();
        assert_eq!(r.recipient.as_deref(), Some("b@ezweb.ne.jp"));
        assert_eq!(r.reply_code, Some(550));
        assert!(super::scan(&Text::new("<a@ezweb.ne.jp>")).is_none());
    }
}
