//! Novell GroupWise Internet Agent's notice (also written by NTMail):
//!
//! ```text
//! The message that you sent was undeliverable to the following:
//!     taro@example.jp (user not found)
//!
//! Possible causes:
//! ```
//!
//! The list under the sentence has one recipient a line, an address followed by the
//! reason in parentheses (or an address in angle brackets); it ends at the first
//! blank line after it. GroupWise often gives the user name alone, without a domain:
//! such a line names no address we can know from the text, and is left out.
//!
//! Sources: Mail::DeliveryStatus::BounceParser 1.543's `p_novell_groupwise` (a line
//! `RECIPIENT (REASON)`, a bare user name completed with the bounce's own domain) and
//! flufl.bounce 4.0's `groupwise.py` (`<address>` lines, or the first word of a line
//! holding `@`); Debian packages `libmail-deliverystatus-bounceparser-perl` and
//! `python3-flufl.bounce`.

use super::delimited::plausible_address;
use super::{push_block, Scan, Text, TextRecord};

pub(super) const MARKERS: &[&str] =
    &["was undeliverable to the following:", "had the following undeliverable recipient"];

/// At most this many lines are read after the sentence.
const MAX_LINES: usize = 1_000;

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = MARKERS.iter().find_map(|m| text.find(m).map(|at| at + m.len()))?;
    let mut records: Vec<TextRecord> = Vec::new();
    for line in text.raw.get(at..)?.lines().skip(1).take(MAX_LINES) {
        let entry = line.trim();
        if entry.is_empty() {
            if records.is_empty() {
                continue;
            }
            break;
        }
        let address = match entry.split_once(char::is_whitespace) {
            Some((first, reason)) if reason.trim_start().starts_with('(') => {
                plausible_address(first)
            }
            None => plausible_address(entry),
            Some(_) => entry
                .find('<')
                .and_then(|open| entry.get(open..))
                .and_then(|angled| angled.split_whitespace().next())
                .and_then(plausible_address),
        };
        if let Some(address) = address {
            push_block(&mut records, address, entry, false);
        }
    }
    (!records.is_empty()).then_some(Scan {
        generator: Some("groupwise"),
        reporting_mta: None,
        records,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_address_and_reason_lines() {
        let raw = "The message that you sent was undeliverable to the following:\n\
                   \ttaro@example.jp (user not found)\n\tjiro (user not found)\n\
                   \t<hanako@example.jp> mailbox full\n\nPossible causes:\n\tmail@example.jp (x)\n";
        let scan = scan(&Text::new(raw)).unwrap();
        let got: Vec<_> = scan.records.iter().filter_map(|r| r.recipient.as_deref()).collect();
        assert_eq!(got, ["taro@example.jp", "hanako@example.jp"]);
        assert_eq!(scan.records[0].description, "taro@example.jp (user not found)");
    }
}
