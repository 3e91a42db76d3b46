//! Netscape Messaging Server 3.6 and 4.1: a text part (sometimes inside a
//! `multipart/report` whose report names no recipient) that gives the reason first
//! and then the failed addresses in angle brackets:
//!
//! ```text
//! This Message was undeliverable due to the following reason:
//!
//! The user(s) account is temporarily over quota.
//!
//! <taro@example.jp>
//!
//! Please reply to <Postmaster@example.jp>
//! if you feel this message to be in error.
//! ```
//!
//! Every `<address>` after the sentence is a recipient except on a line that asks for
//! a reply ("Please reply to"); the reason is the text between the sentence and the
//! first address.
//!
//! Source: flufl.bounce 4.0's `netscape.py`; Debian package `python3-flufl.bounce`.

use super::delimited::{add_unique, plausible_address};
use super::{push_block, Scan, Text, TextRecord};

pub(super) const MARKER: &str = "this message was undeliverable due to the following reason:";

/// At most this many lines are read after the sentence.
const MAX_LINES: usize = 2_000;

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(MARKER)? + MARKER.len();
    let mut reason = String::new();
    let mut addresses: Vec<String> = Vec::new();
    for line in text.raw.get(at..)?.lines().take(MAX_LINES) {
        let angled = line
            .find('<')
            .and_then(|open| line.get(open + 1..))
            .and_then(|rest| rest.get(..rest.find('>')?))
            .and_then(plausible_address);
        match angled {
            Some(address) if !line.to_ascii_lowercase().contains("please reply to") => {
                add_unique(&mut addresses, address);
            }
            Some(_) => {}
            None if addresses.is_empty() => {
                reason.push_str(line);
                reason.push('\n');
            }
            None => {}
        }
    }
    let mut records: Vec<TextRecord> = Vec::new();
    for address in addresses {
        push_block(&mut records, address, &reason, false);
    }
    (!records.is_empty()).then_some(Scan {
        generator: Some("netscape"),
        reporting_mta: None,
        records,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn addresses_after_the_reason_except_the_reply_address() {
        let raw = "This Message was undeliverable due to the following reason:\n\n\
                   The user(s) account is temporarily over quota.\n\n<taro@example.jp>\n\
                   <jiro@example.jp>\n\nPlease reply to <Postmaster@example.jp>\n";
        let scan = scan(&Text::new(raw)).unwrap();
        let got: Vec<_> = scan.records.iter().filter_map(|r| r.recipient.as_deref()).collect();
        assert_eq!(got, ["taro@example.jp", "jiro@example.jp"]);
        assert!(scan.records[0].description.contains("over quota"));
    }
}
