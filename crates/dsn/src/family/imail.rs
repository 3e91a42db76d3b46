//! Ipswitch IMail Server:
//!
//! ```text
//! Unknown user: taro@example.jp
//!
//! Original message follows.
//! ```
//!
//! or, for a refusal by the remote server,
//!
//! ```text
//! undeliverable to taro@example.jp
//!
//! Body of message generated response:
//! 550 5.7.1 Message rejected
//! ```
//!
//! A `REASON: ADDRESS` line names a recipient and why; "undeliverable to ADDRESS"
//! names one whose reason is the server response after "Body of message generated
//! response:".

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, strip_prefix_ci};

const COPY: &str = "original message follows.";
const RESPONSE: &str = "body of message generated response:";
const UNDELIVERABLE: &str = "undeliverable to ";

/// The headings IMail writes above a remote server's response, and the command that
/// response answered (Sisimai 4.25 Lhost/IMailServer.pm, from IMail's own texts).
const RESPONSE_HEADINGS: &[(&str, Option<&str>)] = &[
    (RESPONSE, None),
    ("smtp connection failed,", Some("CONNECT")),
    ("unexpected connection response from server:", Some("CONNECT")),
    ("unexpected response to ehlo/helo:", Some("EHLO")),
    ("server response to mail from:", Some("MAIL FROM")),
    ("additional rcpt to generated following response:", Some("RCPT TO")),
    ("data command generated response:", Some("DATA")),
];

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let copy_at = text.find(COPY);
    if copy_at.is_none() && !text.has(RESPONSE) {
        return None;
    }
    let body = text.raw.get(..copy_at.unwrap_or(text.raw.len())).unwrap_or(text.raw);
    let mut records: Vec<TextRecord> = Vec::new();
    // The recipient of an "undeliverable to" line, and the response read after it.
    let mut pending: Option<(String, Vec<&str>, Option<&'static str>)> = None;
    for line in lines(body) {
        let trimmed = line.trim();
        if let Some(rest) = strip_prefix_ci(trimmed, UNDELIVERABLE) {
            if let Some((recipient, response, command)) = pending.take() {
                push_response(&mut records, recipient, &response, command);
            }
            if let Some(address) = rest.split_whitespace().next().and_then(address_word) {
                pending = Some((address, Vec::new(), None));
            }
            continue;
        }
        if let Some((_, response, command)) = pending.as_mut() {
            let heading = RESPONSE_HEADINGS
                .iter()
                .find_map(|(h, c)| strip_prefix_ci(trimmed, h).map(|rest| (rest, *c)));
            match heading {
                Some((rest, heading_command)) => {
                    *command = heading_command.or(*command);
                    if !rest.trim().is_empty() {
                        response.push(rest.trim());
                    }
                }
                None if !trimmed.is_empty() => response.push(trimmed),
                None => {}
            }
            continue;
        }
        let Some((reason, address)) = trimmed.rsplit_once(": ") else { continue };
        let address = address.trim();
        // A reason is words ("Unknown user"); `To: a@b` is a header field.
        if !reason.contains(' ') || address.contains(char::is_whitespace) {
            continue;
        }
        if let Some(address) = address_word(address) {
            push_block(&mut records, address, trimmed, false);
        }
    }
    if let Some((recipient, response, command)) = pending.take() {
        push_response(&mut records, recipient, &response, command);
    }
    if records.is_empty() {
        return None;
    }
    Some(Scan { generator: Some("imail"), reporting_mta: None, records })
}

/// One "undeliverable to" recipient with the response lines read after it.
fn push_response(
    records: &mut Vec<TextRecord>,
    recipient: String,
    response: &[&str],
    command: Option<&'static str>,
) {
    push_block(records, recipient, &response.join("\n"), false);
    if let Some(last) = records.last_mut() {
        last.command = command;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_reason_lines_and_responses() {
        let scan = scan(&Text::new(
            "Unknown user: a@example.jp\n\nOriginal message follows.\n\n\
                                    To: b@example.jp\n",
        ))
        .unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(scan.records[0].description, "Unknown user: a@example.jp");
        let raw = "undeliverable to c@example.jp\n\nBody of message generated response:\n\
                   550 5.7.1 Message rejected\n\nOriginal message follows.\n";
        let r = scan_report(raw);
        assert_eq!(r.recipient.as_deref(), Some("c@example.jp"));
        assert_eq!(r.reply_code, Some(550));
        assert!(super::scan(&Text::new("Original message follows.\nTo: x@example.jp")).is_none());
    }

    fn scan_report(raw: &str) -> crate::RecipientReport {
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        scan.records.first().cloned().unwrap_or_default().into_report()
    }
}
