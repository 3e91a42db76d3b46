//! BIGLOBE's bounce:
//!
//! ```text
//!    ----- The following addresses had delivery problems -----
//! taro@example.biglobe.ne.jp
//!
//!    ----- Non-delivered information -----
//! The number of messages in recipient's mailbox exceeded the local limit.
//! ```
//!
//! The addresses of the first list share the reason of the second.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, tail};

const LIST: &str = "----- the following addresses had delivery problems -----";
const REASON: &str = "----- non-delivered information -----";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let list_at = text.find(LIST)?;
    let reason_at = text.find(REASON);
    let list_end = reason_at.filter(|r| *r > list_at).unwrap_or(text.raw.len());
    let list = text.raw.get(list_at + LIST.len()..list_end).unwrap_or("");
    let reason: Vec<&str> = reason_at.map_or(Vec::new(), |at| {
        lines(tail(text.raw, at + REASON.len()))
            .map(str::trim)
            .skip_while(|l| l.is_empty())
            .take_while(|l| !l.is_empty() && !l.starts_with("--"))
            .collect()
    });
    let reason = reason.join(" ");
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(list) {
        if let Some(address) = address_word(line.trim()) {
            push_block(&mut records, address, &reason, false);
        }
    }
    Some(Scan { generator: Some("biglobe"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_share_the_reason() {
        let raw = "   ----- The following addresses had delivery problems -----\n\
                   a@example.ne.jp\n\n   ----- Non-delivered information -----\n\
                   The number of messages in recipient's mailbox exceeded the local limit.\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("a@example.ne.jp"));
        assert!(scan.records[0].description.starts_with("The number of messages"));
        assert!(super::scan(&Text::new("delivery problems")).is_none());
    }
}
