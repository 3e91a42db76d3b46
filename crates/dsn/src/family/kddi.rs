//! KDDI's au one net mail system (`dion.ne.jp`, `auone-net.jp`):
//!
//! ```text
//! Your mail sent on: Thu, 6 Mar 2025 10:00:00 +0900
//!      Could not be delivered to: <taro@example.dion.ne.jp>
//!      As their mailbox is full.
//! ```
//!
//! The lines after "Could not be delivered to:" up to a blank line are the reason.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{is_blank, lines, tail};

const MARKER: &str = "could not be delivered to:";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    // "Your mail sent on: DATE", or "Your mail attempted to be delivered on: DATE"
    // (Sisimai 4.25 Lhost/KDDI.pm reads both).
    let dated = ["your mail sent on", "your mail attempted to be delivered on"];
    if !text.has(MARKER) || !dated.iter().any(|d| text.has(d)) {
        return None;
    }
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in lines(text.raw) {
        let lower = line.to_ascii_lowercase();
        if let Some(at) = lower.find(MARKER) {
            if let Some((recipient, reason)) = current.take() {
                push_block(&mut records, recipient, &reason.join(" "), false);
            }
            let named = tail(line, at + MARKER.len()).split_whitespace().next();
            current = named.and_then(address_word).map(|a| (a, Vec::new()));
        } else if is_blank(line) {
            if let Some((recipient, reason)) = current.take() {
                push_block(&mut records, recipient, &reason.join(" "), false);
            }
        } else if let Some((_, reason)) = current.as_mut() {
            reason.push(line.trim());
        }
    }
    if let Some((recipient, reason)) = current.take() {
        push_block(&mut records, recipient, &reason.join(" "), false);
    }
    Some(Scan { generator: Some("kddi"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_address_and_reason() {
        let raw = "Your mail sent on: Thu, 6 Mar 2025 10:00:00 +0900\n     Could not be \
                   delivered to: <a@example.dion.ne.jp>\n     As their mailbox is full.\n\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("a@example.dion.ne.jp"));
        assert_eq!(scan.records[0].description, "As their mailbox is full.");
        assert!(super::scan(&Text::new("could not be delivered to: a@b.example")).is_none());
    }
}
