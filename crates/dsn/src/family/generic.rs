//! The last resort for text no family recognises: the first paragraph that carries an
//! SMTP reply code or an enhanced status code becomes one record without recipient
//! (for example a pasted `550 5.7.1 Service unavailable; Client host [192.0.2.85]
//! blocked using zen.spamhaus.org`).

use super::{Text, TextRecord};
use crate::text::{find_codes, paragraphs, tail, unfold};

/// Returns at most one record.
pub(crate) fn scan(text: &Text<'_>) -> Vec<TextRecord> {
    for paragraph in paragraphs(text.raw) {
        let codes = find_codes(&paragraph);
        if codes.reply.is_none() && codes.status.is_none() {
            continue;
        }
        let from = codes.reply_pos.unwrap_or(0);
        let description = unfold(tail(&paragraph, from));
        return vec![TextRecord { description, ..TextRecord::default() }];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_first_paragraph_with_a_code() {
        let raw =
            "Hello,\n\nthe server said: 554 5.7.1 Service unavailable;\n  blocked\n\n550 later";
        let records = scan(&Text::new(raw));
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].description, "554 5.7.1 Service unavailable; blocked");
        assert_eq!(records[0].recipient, None);
        assert!(scan(&Text::new("no codes here\n\nat all")).is_empty());
    }
}
