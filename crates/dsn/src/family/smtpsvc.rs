//! Microsoft's SMTP service (SMTPSVC of IIS and Exchange 5.5's connector) before it
//! wrote delivery status reports: a transcript heading, then each failed address
//! alone on its line, followed by what went wrong:
//!
//! ```text
//! ------Transcript of session follows -------
//! taro@example.jp
//! The user's email name is not found.
//! ```
//!
//! Sendmail's transcript (read by its own family first) has the same heading; here a
//! recipient is only a line that is an address and nothing else, and its description
//! is the lines after it up to the next address or blank line.
//!
//! Source: flufl.bounce 4.0's `microsoft.py` ("transcript of session follows", then
//! lines that are a valid address); Debian package `python3-flufl.bounce`.

use super::delimited::plausible_address;
use super::{push_block, Scan, Text, TextRecord};

pub(super) const MARKER: &str = "transcript of session follows";

/// At most this many lines are read after the heading.
const MAX_LINES: usize = 2_000;

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(MARKER)?;
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.raw.get(at..)?.lines().skip(1).take(MAX_LINES) {
        let trimmed = line.trim();
        // A MIME boundary or the returned message's heading ends the transcript.
        if trimmed.starts_with("--") {
            break;
        }
        let lone =
            (!trimmed.contains(char::is_whitespace)).then(|| plausible_address(trimmed)).flatten();
        if let Some(address) = lone {
            if let Some((previous, description)) = current.take() {
                push_block(&mut records, previous, &description, false);
            }
            current = Some((address, String::new()));
        } else if trimmed.is_empty() {
            if let Some((previous, description)) = current.take() {
                push_block(&mut records, previous, &description, false);
            }
        } else if let Some((_, description)) = current.as_mut() {
            description.push_str(trimmed);
            description.push('\n');
        }
    }
    if let Some((previous, description)) = current.take() {
        push_block(&mut records, previous, &description, false);
    }
    (!records.is_empty()).then_some(Scan {
        generator: Some("smtpsvc"),
        reporting_mta: None,
        records,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_address_after_the_heading_is_a_recipient() {
        let raw = "Your message was not delivered.\n\n------Transcript of session follows -------\n\
                   taro@example.jp\nThe user's email name is not found.\nwrite to help@example.jp\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("taro@example.jp"));
        assert!(scan.records[0].description.contains("email name is not found"));
    }
}
