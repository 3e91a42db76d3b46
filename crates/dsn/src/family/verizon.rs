//! Verizon Wireless' MMS gateway (`vzwpix.com`):
//!
//! ```text
//! Message could not be delivered to mobile.
//! Error: No valid recipients for this MM
//!
//! Original Message:
//! From: Taro <taro@example.jp>
//! To: 5555550100@vzwpix.com
//! Subject: Lunch
//! ```
//!
//! The recipients are the `To:` addresses of the original message's summary; the
//! `Error:` line is their reason.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const SIGNATURE: &str = "message could not be delivered to mobile.";
const ORIGINAL: &str = "original message:";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(SIGNATURE)?;
    let original_at = text.find(ORIGINAL).filter(|o| *o > at);
    let intro = text.raw.get(at..original_at.unwrap_or(text.raw.len())).unwrap_or("");
    let reason = lines(intro)
        .map(str::trim)
        .find_map(|l| l.strip_prefix("Error:"))
        .map_or_else(|| lines(intro).next().unwrap_or(""), str::trim);
    let mut records: Vec<TextRecord> = Vec::new();
    if let Some(o) = original_at {
        for line in lines(tail(text.raw, o + ORIGINAL.len())).map(str::trim) {
            let Some(to) = line.strip_prefix("To:") else { continue };
            for word in to.split([',', ' ']) {
                if let Some(address) = address_word(word) {
                    push_block(&mut records, address, reason, false);
                }
            }
            break;
        }
    }
    Some(Scan { generator: Some("verizon"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_come_from_the_original_summary() {
        let raw = "Message could not be delivered to mobile.\nError: No valid recipients for \
                   this MM\n\n\nOriginal Message:\nFrom: Taro <taro@example.jp>\nTo: \
                   5555550100@vzwpix.example\nSubject: Lunch\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("5555550100@vzwpix.example"));
        assert_eq!(scan.records[0].description, "No valid recipients for this MM");
        assert!(super::scan(&Text::new("Original Message:\nTo: a@b.example")).is_none());
    }
}
