//! The fml mailing-list manager's notices (they come from the list's `-admin`
//! address, with an `X-MLServer: fml ...` header), as Sisimai 4.25's Lhost/FML.pm
//! reads them:
//!
//! ```text
//! You are not a member of this mailing list <staff@example.jp>.
//!
//! If you know the general guide of this list, please send mail with
//! the mail body
//! ```
//!
//! or "Duplicated Message-ID in <staff@example.jp>.", "reject mail from
//! <taro@example.jp>.", a loop or security warning, ..., followed by "Original mail
//! as follows:" and the refused message. Every line that ends with `<ADDRESS>.` starts
//! a record for that address; its paragraph is the description. No codes.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{is_blank, lines};

/// Where fml's copy of the refused message starts.
const ORIGINAL: &str = "original mail as follows:";

/// fml's refusal of a non-member, which it sends without a copy of the message.
const NOT_MEMBER: &str = "you are not a member of this mailing list";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    // Every other notice (Sisimai 4.25 Lhost/FML.pm lists fml's: "Duplicated
    // Message-ID", "reject mail from", "Spam mail from a spammer is rejected", loop
    // and security alerts) comes with the copy marker.
    let original_at = text.find(ORIGINAL);
    if original_at.is_none() && !text.has(NOT_MEMBER) {
        return None;
    }
    let head = text.raw.get(..original_at.unwrap_or(text.raw.len()))?;
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in lines(head) {
        let trimmed = line.trim();
        if let Some(address) = ends_with_address(trimmed) {
            if let Some((recipient, description)) = current.take() {
                push_block(&mut records, recipient, &description, false);
            }
            current = Some((address, trimmed.to_string()));
        } else if is_blank(line) {
            if let Some((recipient, description)) = current.take() {
                push_block(&mut records, recipient, &description, false);
            }
        } else if let Some((_, description)) = current.as_mut() {
            description.push('\n');
            description.push_str(trimmed);
        }
    }
    if let Some((recipient, description)) = current.take() {
        push_block(&mut records, recipient, &description, false);
    }
    if records.is_empty() {
        return None;
    }
    Some(Scan { generator: Some("fml"), reporting_mta: None, records })
}

/// The address of a line that ends with `<ADDRESS>.`.
fn ends_with_address(line: &str) -> Option<String> {
    let inner = line.strip_suffix(">.")?;
    let (_, address) = inner.rsplit_once('<')?;
    address_word(address)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_list_address() {
        let raw = "You are not a member of this mailing list <staff@example.jp>.\n\n\
                   If you know the general guide of this list, please send mail with\n\
                   the mail body\n\n\tguide\n\nto the address\n\n\tstaff-ctl@example.jp\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.generator, Some("fml"));
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("staff@example.jp"));
        assert_eq!(
            scan.records[0].description,
            "You are not a member of this mailing list <staff@example.jp>."
        );
        // Without the list address, it is only a sentence.
        assert!(super::scan(&Text::new("You are not a member of this mailing list.")).is_none());
        assert!(super::scan(&Text::new("hello")).is_none());
    }

    #[test]
    fn reads_other_notices_before_the_copy() {
        let raw = "Duplicated Message-ID in <club@example.jp>.\nOriginal mail as follows:\n\n\
                   From: a@example.jp\nTo: <club@example.jp>.\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("club@example.jp"));
        assert_eq!(scan.records[0].description, "Duplicated Message-ID in <club@example.jp>.");
        // A line ending with an address is not enough without fml's words.
        assert!(super::scan(&Text::new("Please write to <a@example.jp>.")).is_none());
    }
}
