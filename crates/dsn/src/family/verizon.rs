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
use crate::text::{lines, strip_prefix_ci, tail};

const SIGNATURE: &str = "message could not be delivered to mobile.";
const ORIGINAL: &str = "original message:";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let Some(at) = text.find(SIGNATURE) else { return scan_vtext(text) };
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

/// Verizon's SMS gateway (`post_master@vtext.com`, Sisimai 4.25 Lhost/Verizon.pm):
///
/// ```text
/// Error: Unable to deliver your message.
///
/// 550 - Requested action not taken: no such user here
///
/// Message details:
///   Subject: Lunch
///   MAIL FROM: taro@example.jp
///   RCPT TO: 5555550100@vtext.com
/// ```
///
/// The `RCPT TO:` lines of the message details are the recipients; the `NNN - text`
/// line (else the `Error:` line) is their reason.
fn scan_vtext(text: &Text<'_>) -> Option<Scan> {
    let details_at = text.find(VTEXT_DETAILS)?;
    let head = text.raw.get(..details_at)?;
    let error_line = lines(head).map(str::trim).find(|l| l.starts_with("Error:"))?;
    let reply = lines(head).map(str::trim).find(|l| {
        let b = l.as_bytes();
        b.len() > 6 && b[..3].iter().all(u8::is_ascii_digit) && &b[3..6] == b" - "
    });
    let reason = reply.unwrap_or_else(|| error_line.trim_start_matches("Error:").trim());
    let mut records: Vec<TextRecord> = Vec::new();
    // The details, from the line after the heading to a blank line.
    for line in lines(tail(text.raw, details_at + VTEXT_DETAILS.len())).skip(1) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            break;
        }
        if let Some(list) = strip_prefix_ci(trimmed, "rcpt to:") {
            for word in list.split([',', ' ']) {
                if let Some(address) = address_word(word) {
                    push_block(&mut records, address, reason, false);
                }
            }
        }
    }
    Some(Scan { generator: Some("verizon"), reporting_mta: None, records })
}

/// The heading of the vtext.com notice's summary of the message.
const VTEXT_DETAILS: &str = "message details:";

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
