//! Ipswitch IMail Server:
//!
//! ```text
//! Unknown user: taro@example.jp
//!
//! Original message follows.
//! ```
//!
//! or, for a refusal by the remote server,
//!
//! ```text
//! undeliverable to taro@example.jp
//!
//! Body of message generated response:
//! 550 5.7.1 Message rejected
//! ```
//!
//! A `REASON: ADDRESS` line names a recipient and why; "undeliverable to ADDRESS"
//! names one whose reason is the server response after "Body of message generated
//! response:".

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const COPY: &str = "original message follows.";
const RESPONSE: &str = "body of message generated response:";
const UNDELIVERABLE: &str = "undeliverable to ";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let copy_at = text.find(COPY);
    let response_at = text.find(RESPONSE);
    if copy_at.is_none() && response_at.is_none() {
        return None;
    }
    let body = text.raw.get(..copy_at.unwrap_or(text.raw.len())).unwrap_or(text.raw);
    let response = response_at.map_or("", |at| {
        let rest = tail(body, at + RESPONSE.len());
        rest.split("\n\n").find(|p| !p.trim().is_empty()).unwrap_or("")
    });
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(body) {
        let trimmed = line.trim();
        let lower = trimmed.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix(UNDELIVERABLE) {
            let raw_rest = tail(trimmed, trimmed.len() - rest.len());
            if let Some(address) = raw_rest.split_whitespace().next().and_then(address_word) {
                push_block(&mut records, address, response, false);
            }
            continue;
        }
        let Some((reason, address)) = trimmed.rsplit_once(": ") else { continue };
        let address = address.trim();
        // A reason is words ("Unknown user"); `To: a@b` is a header field.
        if !reason.contains(' ') || address.contains(char::is_whitespace) {
            continue;
        }
        if let Some(address) = address_word(address) {
            push_block(&mut records, address, trimmed, false);
        }
    }
    if records.is_empty() {
        return None;
    }
    Some(Scan { generator: Some("imail"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_reason_lines_and_responses() {
        let scan = scan(&Text::new(
            "Unknown user: a@example.jp\n\nOriginal message follows.\n\n\
                                    To: b@example.jp\n",
        ))
        .unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(scan.records[0].description, "Unknown user: a@example.jp");
        let raw = "undeliverable to c@example.jp\n\nBody of message generated response:\n\
                   550 5.7.1 Message rejected\n\nOriginal message follows.\n";
        let r = scan_report(raw);
        assert_eq!(r.recipient.as_deref(), Some("c@example.jp"));
        assert_eq!(r.reply_code, Some(550));
        assert!(super::scan(&Text::new("Original message follows.\nTo: x@example.jp")).is_none());
    }

    fn scan_report(raw: &str) -> crate::RecipientReport {
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        scan.records.first().cloned().unwrap_or_default().into_report()
    }
}
