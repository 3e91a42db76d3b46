//! IBM (Lotus) Domino:
//!
//! ```text
//! Your message
//!
//!   Subject: Quarterly report
//!
//! was not delivered to:
//!
//!   taro@example.jp
//!
//! because:
//!
//!   User taro (taro@example.jp) not listed in Domino Directory
//! ```

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const LIST_MARKER: &str = "was not delivered to:";
const REASON_MARKER: &str = "because:";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(LIST_MARKER)?;
    let list_start = at + LIST_MARKER.len();
    let reason_at = tail(&text.lower, list_start).find(REASON_MARKER).map(|p| p + list_start)?;
    let list = text.raw.get(list_start..reason_at).unwrap_or("");
    let mut reason = String::new();
    for line in lines(tail(text.raw, reason_at + REASON_MARKER.len())) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if reason.is_empty() {
                continue;
            }
            break;
        }
        reason.push(' ');
        reason.push_str(trimmed);
    }
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(list) {
        if let Some(address) = address_word(line.trim()) {
            push_block(&mut records, address, &reason, false);
        }
    }
    Some(Scan { generator: Some("domino"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_list_and_reason() {
        let raw = "Your message\n\n  Subject: x\n\nwas not delivered to:\n\n  a@example.jp\n\n\
                   because:\n\n  User a (a@example.jp) not listed in Domino Directory\n\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(
            scan.records[0].description,
            "User a (a@example.jp) not listed in Domino Directory"
        );
        assert!(super::scan(&Text::new("was not delivered to: x")).is_none());
    }
}
