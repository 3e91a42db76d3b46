//! An unnamed gateway ("X6" in Sisimai's catalogue):
//!
//! ```text
//! We had trouble delivering your message. Full details follow:
//!
//! 1 error(s):
//!
//! The following recipients returned permanent errors: taro@example.jp. Reason: SMTP
//! Server <192.0.2.223> refused to accept your message (DATA), with the following
//! error message: [554 5.4.6 Hop count exceeded - possible mail loop]
//! ```
//!
//! Each "The following recipients returned ... errors: ADDRESSES. Reason: ..." line
//! gives its recipients and their reason.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{command_from_verb, find_ci, lines, tail};

const MARKER: &str = "the following recipients returned ";
const REASON: &str = "reason:";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !text.has("we had trouble delivering your message") || !text.has(MARKER) {
        return None;
    }
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(text.raw) {
        let Some(at) = find_ci(line, MARKER) else { continue };
        let rest = tail(line, at + MARKER.len());
        let delayed = rest.to_ascii_lowercase().starts_with("temporary");
        let Some((_, listed)) = rest.split_once(':') else { continue };
        let (addresses, reason) = match find_ci(listed, REASON) {
            Some(r) => (listed.get(..r).unwrap_or(""), tail(listed, r + REASON.len())),
            None => (listed, ""),
        };
        // "refused to accept your message (DATA)": the command in parentheses.
        let command = find_ci(reason, "your message (")
            .and_then(|p| command_from_verb(tail(reason, p + "your message (".len())));
        let reason = reason.replace(['[', ']'], "");
        for word in addresses.split([',', ' ']) {
            if let Some(address) = address_word(word.trim_end_matches('.')) {
                push_block(&mut records, address, &reason, delayed);
                if let Some(last) = records.last_mut() {
                    last.command = command;
                }
            }
        }
    }
    Some(Scan { generator: Some("x6"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recipients_and_reason() {
        let raw = "We had trouble delivering your message. Full details follow:\n\n1 error(s):\n\n\
                   The following recipients returned permanent errors: a@example.jp. Reason: \
                   SMTP Server <192.0.2.223> refused to accept your message (DATA), with the \
                   following error message: [554 5.4.6 Hop count exceeded]\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        let r = scan.records[0].clone().into_report();
        assert_eq!(r.recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.4.6"));
        assert_eq!(r.reply_code, Some(554));
        assert_eq!(r.smtp_command.as_deref(), Some("DATA"));
        assert!(super::scan(&Text::new("The following recipients returned x")).is_none());
    }
}
