//! fml's refusal of a post from someone who is not a member of the list (fml is a
//! mailing-list manager; the notice comes from the list's admin address):
//!
//! ```text
//! You are not a member of this mailing list <staff@example.jp>.
//!
//! If you know the general guide of this list, please send mail with
//! the mail body
//! ```
//!
//! The recipient is the list address the sentence names; the sentence is the
//! description. No codes.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::lines;

const NOT_MEMBER: &str = "you are not a member of this mailing list";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(NOT_MEMBER)?;
    let sentence = text.raw.get(at..)?;
    let sentence = lines(sentence).next().unwrap_or("").trim();
    // The list address right after the phrase, in angle brackets.
    let after = sentence.get(NOT_MEMBER.len()..)?.trim_start();
    let list = after
        .strip_prefix('<')
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(inner, _)| address_word(inner))?;
    let mut records: Vec<TextRecord> = Vec::new();
    push_block(&mut records, list, sentence, false);
    Some(Scan { generator: Some("fml"), reporting_mta: None, records })
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
}
