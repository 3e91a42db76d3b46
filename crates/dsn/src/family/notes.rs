//! Lotus Notes' SMTP MTA:
//!
//! ```text
//! ------- Failure Reasons  --------
//!
//! User not listed in public Name & Address Book
//! taro@example.jp
//!
//! ------- Returned Message --------
//! ```
//!
//! Lines that are not addresses are the reason for the addresses that follow them.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const MARKER: &str = "------- failure reasons";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(MARKER)?;
    let mut records: Vec<TextRecord> = Vec::new();
    let mut reason = String::new();
    let mut reason_done = false;
    for line in lines(tail(text.raw, at)).skip(1) {
        let trimmed = line.trim();
        if trimmed.starts_with("-------") {
            break;
        }
        if trimmed.is_empty() {
            continue;
        }
        match address_word(trimmed).filter(|_| !trimmed.contains(char::is_whitespace)) {
            Some(address) => {
                push_block(&mut records, address, &reason, false);
                reason_done = true;
            }
            None => {
                if reason_done {
                    reason.clear();
                    reason_done = false;
                }
                reason.push(' ');
                reason.push_str(trimmed);
            }
        }
    }
    Some(Scan { generator: Some("notes"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_precede_addresses() {
        let raw = "------- Failure Reasons  --------\n\nUser not listed in public Name & \
                   Address Book\na@example.jp\nb@example.jp\n\n------- Returned Message \
                   --------\nTo: c@example.jp\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.jp"));
        assert_eq!(scan.records[1].description, "User not listed in public Name & Address Book");
        assert!(super::scan(&Text::new("Failure")).is_none());
    }
}
