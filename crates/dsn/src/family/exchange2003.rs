//! Microsoft Exchange 5.5 to 2003 (and its Internet Mail Service):
//!
//! ```text
//! Your message
//!
//!   To:      taro@example.jp
//!   Subject: Quarterly report
//!   Sent:    Thu, 6 Mar 2025 10:00:00 +0900
//!
//! did not reach the following recipient(s):
//!
//! taro@example.jp on Thu, 6 Mar 2025 10:00:05 +0900
//!     The recipient name is not recognized
//!     The MTS-ID of the original message is: c=jp;a= ;p=example;l=MX1-0000
//!     MSEXCH:IMS:Example:Tokyo:MX1 0 (000C05A6) Unknown Recipient
//! ```
//!
//! A recipient block starts with an unindented `ADDRESS on DATE` (or a bare address)
//! line and runs to the next blank line; Exchange breaks long lines anywhere, so the
//! lines in between may be indented or not.

use super::{push_block, Scan, Text, TextRecord};
use crate::text::{clean_address, is_blank, lines, tail};

const MARKER: &str = "did not reach the following recipient(s):";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(MARKER)?;
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in lines(tail(text.raw, at + MARKER.len())) {
        if is_blank(line) {
            if let Some((recipient, description)) = current.take() {
                push_block(&mut records, recipient, &description, false);
            }
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            if let Some(recipient) = block_start(line) {
                if let Some((previous, description)) = current.take() {
                    push_block(&mut records, previous, &description, false);
                }
                current = Some((recipient, String::new()));
                continue;
            }
        }
        match current.as_mut() {
            Some((_, description)) => {
                description.push(' ');
                description.push_str(line);
            }
            // Text after the last block that is not another recipient.
            None if !records.is_empty() => break,
            None => {}
        }
    }
    if let Some((recipient, description)) = current.take() {
        push_block(&mut records, recipient, &description, false);
    }
    Some(Scan { generator: Some("exchange2003"), reporting_mta: None, records })
}

/// `ADDRESS on DATE` or a line holding only an address.
fn block_start(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    let address = clean_address(words.next()?).filter(|a| a.contains('@'))?;
    match words.next() {
        None => Some(address),
        Some(word) if word.eq_ignore_ascii_case("on") => Some(address),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_with_broken_lines() {
        let raw = "Your message\n\n  To:      a@example.jp\n\ndid not reach the following \
                   recipient(s):\n\na@example.jp on Thu, 6 Mar 2025 10:00:05 +0900\n    The \
                   recipient name is not recognized\n\tThe MTS-ID of the original message is: \
                   c=jp;a=\n;p=example;l=MX1\n    MSEXCH:IMS:Example:MX1 0 (000C05A6) Unknown\n\
                   Recipient\n\nb@example.jp on Thu, 6 Mar 2025 10:00:05 +0900\n    The \
                   recipient name is not recognized\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("a@example.jp"));
        assert!(scan.records[0].description.starts_with("The recipient name is not recognized"));
        assert!(scan.records[0].description.ends_with("(000C05A6) Unknown Recipient"));
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.jp"));
        assert!(super::scan(&Text::new("did not reach")).is_none());
    }
}
