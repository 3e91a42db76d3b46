//! An unnamed Japanese MTA ("X1" in Sisimai's catalogue):
//!
//! ```text
//! The original message was received at Thu, 6 Mar 2025 10:00:00 +0900
//! from hanako@example.jp
//!
//! ---The following addresses had delivery errors---
//!
//! taro@example.jp [User unknown]
//! ```
//!
//! Each `ADDRESS [reason]` line is one recipient.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const MARKER: &str = "---the following addresses had delivery errors---";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(MARKER)?;
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(tail(text.raw, at + MARKER.len())) {
        let trimmed = line.trim();
        if trimmed.starts_with("--") {
            break;
        }
        let (address, reason) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
        if let Some(address) = address_word(address) {
            let reason = reason.trim().trim_start_matches('[').trim_end_matches(']');
            push_block(&mut records, address, reason, false);
        }
    }
    Some(Scan { generator: Some("x1"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_address_lines() {
        let raw = "---The following addresses had delivery errors---\n\n\
                   a@example.jp [User unknown]\nb@example.jp [Mailbox full]\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.jp"));
        assert_eq!(scan.records[1].description, "Mailbox full");
        assert!(super::scan(&Text::new("a@example.jp [x]")).is_none());
    }
}
