//! Google Groups' refusal to post, written in the sender's language, with the group
//! address only in the `X-Failed-Recipients` header:
//!
//! ```text
//! Hello taro@example.jp,
//!
//! We're writing to let you know that the group you tried to contact (staff) may
//! not exist, or you may not have permission to post messages to the group. ...
//!
//! If you have questions related to this or any other Google Group, visit the Help
//! Center at https://groups.google.com/support/.
//!
//! Thanks,
//!
//! Google Groups
//! ```
//!
//! No codes: the whole text is the description of every failed recipient.

use super::{push_summary, summary, Scan, Text, TextRecord};

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    // Whether the text ends with the signature is asked last: it reads the text's end.
    let signed = || text.lower.trim_end().ends_with("google groups");
    if !(text.has("groups.google.com/support") || text.has("groups.google.com") && signed()) {
        return None;
    }
    let description = summary(text.raw);
    let mut records: Vec<TextRecord> = Vec::new();
    for address in text.failed_recipients {
        push_summary(&mut records, address.clone(), &description, false);
    }
    Some(Scan { generator: Some("googlegroups"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failed_recipient_gets_the_text() {
        let raw = "Hello a@example.jp,\n\nthe group you tried to contact (staff) may not \
                   exist.\nVisit https://groups.google.com/support/.\n\nGoogle Groups\n";
        let failed = ["staff@googlegroups.com".to_string()];
        let scan = scan(&Text::with_failed(raw, &failed)).unwrap_or_default();
        assert_eq!(scan.generator, Some("googlegroups"));
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("staff@googlegroups.com"));
        assert!(scan.records[0].description.contains("may not exist"));
        assert!(super::scan(&Text::new("Google Groups")).is_none());
    }
}
