//! Exim's human-readable bounce:
//!
//! ```text
//! This message was created automatically by mail delivery software.
//!
//! A message that you sent could not be delivered to one or more of its
//! recipients. This is a permanent error. The following address(es) failed:
//!
//!   taro@example.net
//!     host mx.example.net [192.0.2.25]
//!     SMTP error from remote mail server after RCPT TO:<taro@example.net>:
//!     550 5.1.1 <taro@example.net>: Recipient address rejected: User unknown
//! ```
//!
//! (older Exim writes `SMTP error ... after RCPT TO:<...>:` first and
//! `host NAME [IP]: 550 ...` on the next line). Every recipient block is an address
//! indented by at most three spaces, followed by lines indented deeper.

use super::{is_delay_warning, push_block, Scan, Text, TextRecord};
use crate::text::{clean_address, unfold};
use crate::Action;

/// Phrases only Exim's bounces use.
const SIGNATURES: &[&str] = &[
    "this message was created automatically by mail delivery software",
    "smtp error from remote mail server after",
    "the following address(es) failed",
    "following address(es) have not yet been delivered",
];

/// The line after which the recipient blocks come.
const LIST_MARKERS: &[&str] =
    &["address(es) failed", "have not yet been delivered", "address(es) deferred"];

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !SIGNATURES.iter().any(|s| text.has(s)) {
        return None;
    }
    let delayed = is_delay_warning(text);
    // Start after the list marker when there is one, else read the whole text.
    let start = LIST_MARKERS
        .iter()
        .filter_map(|m| text.lower.find(m))
        .min()
        .and_then(|pos| text.raw.get(pos..))
        .and_then(|rest| rest.find('\n').and_then(|nl| rest.get(nl + 1..)))
        .unwrap_or(text.raw);
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(usize, String, String)> = None;
    let mut flat = false;
    let finish = |current: &mut Option<(usize, String, String)>, records: &mut Vec<TextRecord>| {
        if let Some((_, recipient, description)) = current.take() {
            push_block(records, recipient, &description, delayed);
        }
    };
    for line in start.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with("------") {
            break;
        }
        let indent = line.len() - line.trim_start().len();
        let deeper = current.as_ref().is_some_and(|(at, _, _)| indent > *at);
        if !deeper {
            if let Some(recipient) = address_line(trimmed).filter(|_| indent < 4) {
                finish(&mut current, &mut records);
                let rest = trimmed.split_once(char::is_whitespace).map_or("", |(_, r)| r);
                current = Some((indent, recipient, rest.to_string()));
                continue;
            }
            // Unindented text after the blocks ends them, unless the blocks
            // themselves are not indented (GMX writes them flush left).
            if indent == 0 && !records.is_empty() && !flat {
                break;
            }
        }
        if let Some((at, _, description)) = current.as_mut() {
            flat |= records.is_empty() && indent <= *at;
            description.push(' ');
            description.push_str(trimmed);
        }
    }
    finish(&mut current, &mut records);
    // A pasted fragment without the address list: the whole text is one record.
    if records.is_empty() && text.has("smtp error from remote mail server") {
        records.push(TextRecord {
            description: unfold(text.raw),
            action: delayed.then_some(Action::Delayed),
            ..TextRecord::default()
        });
    }
    Some(Scan { generator: Some("exim"), reporting_mta: None, records })
}

/// An address line: its first word is an address (`user@domain`, maybe with `<>` or
/// a trailing colon).
fn address_line(trimmed: &str) -> Option<String> {
    let word = trimmed.split_whitespace().next()?;
    // `Message-ID:<a@b>` and other header fields of an inline copy are not addresses.
    let header_like =
        word.find(':').is_some_and(|colon| word.find('@').is_some_and(|at| colon < at));
    if !word.contains('@') || word.starts_with('(') || header_like {
        return None;
    }
    clean_address(word).filter(|a| a.contains('@') && !a.contains(['<', '>', '(', ')']))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_new_and_old_layouts() {
        let raw = r"This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  taro@example.net
    host mx.example.net [192.0.2.25]
    SMTP error from remote mail server after RCPT TO:<taro@example.net>:
    550 5.1.1 <taro@example.net>: User unknown

  jiro@example.org
    SMTP error from remote mail server after MAIL FROM:<a@example.jp> SIZE=1543:
    host mx.example.org [192.0.2.20]: 550 5.7.0 Please use your ISP

------ This is a copy of the message, including all the headers. ------
  hanako@example.com
";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.generator, Some("exim"));
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("taro@example.net"));
        assert_eq!(
            scan.records[0].description,
            "host mx.example.net [192.0.2.25] SMTP error from remote mail server after \
             RCPT TO:<taro@example.net>: 550 5.1.1 <taro@example.net>: User unknown"
        );
        let report = scan.records[1].clone().into_report();
        assert_eq!(report.recipient.as_deref(), Some("jiro@example.org"));
        assert_eq!(report.smtp_command.as_deref(), Some("MAIL FROM"), "{report:?}");
        assert_eq!(report.remote_mta.as_deref(), Some("mx.example.org"));
        assert_eq!(report.diagnostic.as_deref(), Some("550 5.7.0 Please use your ISP"));
        let first = scan.records[0].clone().into_report();
        assert_eq!(first.smtp_command.as_deref(), Some("RCPT TO"));
        assert_eq!(first.remote_ip, "192.0.2.25".parse().ok());
        assert_eq!(first.diagnostic.as_deref(), Some("550 5.1.1 <taro@example.net>: User unknown"));
    }

    #[test]
    fn reads_flush_left_blocks() {
        // GMX writes the blocks without indentation.
        let raw = "This message was created automatically by mail delivery software.\n\n\
                   A message that you sent could not be delivered to one or more of\n\
                   its recipients. This is a permanent error. The following address(es)\n\
                   failed:\n\n\"a@example.jp\":\nSMTP error from remote server after RCPT \
                   command:\nhost: mx.example.jp\n5.1.1 <a@example.jp>... User Unknown\n\n\
                   \"b@example.jp\":\nSMTP error from remote server after RCPT command:\n\
                   host: mx.example.jp\n5.2.2 <b@example.jp>... Mailbox Full\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.records.len(), 2);
        let b = scan.records[1].clone().into_report();
        assert_eq!(b.recipient.as_deref(), Some("b@example.jp"));
        assert_eq!(b.status.map(|s| s.to_string()).as_deref(), Some("5.2.2"));
    }

    #[test]
    fn header_fields_are_not_addresses() {
        assert_eq!(address_line("Message-ID:<x1@example.jp>"), None);
        assert_eq!(address_line("<a@example.jp>:").as_deref(), Some("a@example.jp"));
    }

    #[test]
    fn reads_a_pasted_fragment() {
        let raw = "SMTP error from remote mail server after end of data:\n\
                   552 5.3.4 Message size exceeds fixed limit";
        let scan = scan(&Text::new(raw)).unwrap();
        let report = scan.records[0].clone().into_report();
        assert_eq!(report.recipient, None);
        assert_eq!(report.smtp_command.as_deref(), Some("DATA"));
        assert_eq!(report.reply_code, Some(552));
        assert!(super::scan(&Text::new("hello")).is_none());
    }
}
