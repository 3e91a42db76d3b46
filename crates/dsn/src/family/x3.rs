//! An unnamed MTA ("X3" in Sisimai's catalogue; `From: Mail Delivery System`,
//! `Subject: Delivery status notification`), as Sisimai 4.25's Lhost/X3.pm reads it:
//!
//! ```text
//! ============================================================================
//!       This is an automatically generated Delivery Status Notification.
//!
//! Delivery to the following recipients failed permanently:
//!
//!    * taro@example.com
//!
//! ============================================================================
//!                              Technical details:
//!
//! SMTP:RCPT host 192.0.2.8: 553 5.3.0 <taro@example.com>... No such user here
//! ============================================================================
//! ```
//!
//! Every `* ADDRESS` line is a recipient. Under "Technical details:", `SMTP:VERB host
//! IP: reply` is the reply to that command, `Routing: ...` a failure to find a route
//! and `Diagnostic-Code: smtp; ...` a reply; a line that names a recipient is that
//! recipient's, one that names none is everyone's. Without details (a delivery
//! "aborted after N second(s)"), the heading is the description.

use super::verbs::command_word;
use super::{address_word, max_records, push_block, Scan, Text, TextRecord};
use crate::text::{find_ci, lines, strip_prefix_ci, tail};
use std::net::IpAddr;

const SIGNATURE: &str = "this is an automatically generated delivery status notification.";
const HEADING: &str = "delivery to the following recipients";
const DETAILS: &str = "technical details:";

/// One line of the technical details.
struct Detail<'a> {
    command: Option<&'static str>,
    ip: Option<IpAddr>,
    /// The reply or the reason, without the `SMTP:VERB host IP:` prefix.
    said: &'a str,
}

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    // Without its details, X3 sends a delivery-status part (read as a report); the
    // details heading is a known phrase, found without a search.
    if !text.has("technical details") {
        return None;
    }
    let signature_at = text.find(SIGNATURE)?;
    let after_signature = tail(text.raw, signature_at + SIGNATURE.len());
    let mut heading = "";
    let mut recipients: Vec<String> = Vec::new();
    let mut details: Vec<Detail<'_>> = Vec::new();
    let mut in_details = false;
    for line in lines(after_signature) {
        let trimmed = line.trim();
        // The end of the text part: a MIME boundary or the attached message.
        if trimmed.starts_with("--") && !trimmed.starts_with("---") {
            break;
        }
        if strip_prefix_ci(trimmed, HEADING).is_some() {
            heading = trimmed;
            continue;
        }
        if trimmed.eq_ignore_ascii_case(DETAILS) {
            in_details = true;
            continue;
        }
        if in_details {
            if let Some(detail) = detail(trimmed) {
                details.push(detail);
            }
        } else if let Some(address) = trimmed.strip_prefix("* ").and_then(address_word) {
            recipients.push(address);
        }
    }
    if recipients.is_empty() {
        return None;
    }
    let mut records: Vec<TextRecord> = Vec::new();
    for recipient in recipients.into_iter().take(max_records()) {
        let named = details.iter().find(|d| find_ci(d.said, &recipient).is_some());
        let detail = named.or_else(|| details.iter().find(|d| !names_an_address(d.said)));
        let description = detail.map_or(heading, |d| d.said);
        push_block(&mut records, recipient, description, false);
        if let (Some(last), Some(detail)) = (records.last_mut(), detail) {
            last.command = detail.command;
            last.remote_ip = detail.ip;
        }
    }
    Some(Scan { generator: Some("x3"), reporting_mta: None, records })
}

/// `SMTP:RCPT host 192.0.2.8: 553 ...`, `Routing: ...` or `Diagnostic-Code: smtp; ...`.
fn detail(line: &str) -> Option<Detail<'_>> {
    if let Some(rest) = strip_prefix_ci(line, "smtp:") {
        let (verb, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        let (ip, said) = match strip_prefix_ci(rest.trim_start(), "host ") {
            Some(host) => {
                let (address, said) = host.split_once(": ").unwrap_or((host, ""));
                (address.trim().parse().ok(), said)
            }
            None => (None, rest),
        };
        return Some(Detail { command: command_word(verb), ip, said: said.trim() });
    }
    let said = strip_prefix_ci(line, "routing:")
        .or_else(|| strip_prefix_ci(line, "diagnostic-code:"))?
        .trim();
    let said = strip_prefix_ci(said, "smtp;").unwrap_or(said).trim();
    Some(Detail { command: None, ip: None, said })
}

/// True when a reply names an address (and so is about that recipient only).
fn names_an_address(said: &str) -> bool {
    said.split_whitespace().any(|w| address_word(w.trim_end_matches("...")).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bullets_and_details() {
        let raw = "      This is an automatically generated Delivery Status Notification.\n\n\
                   Delivery to the following recipients failed permanently:\n\n\
                   \x20  * a@example.com\n   * b@example.com\n\n\
                   ====\n                 Technical details:\n\n\
                   SMTP:RCPT host 192.0.2.8: 550 5.1.1 <b@example.com>... unknown\n\
                   SMTP:RCPT host 192.0.2.8: 552 5.2.2 <a@example.com>... full\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        let a = scan.records[0].clone().into_report();
        assert_eq!(a.recipient.as_deref(), Some("a@example.com"));
        assert_eq!(a.reply_code, Some(552));
        assert_eq!(a.smtp_command.as_deref(), Some("RCPT TO"));
        assert_eq!(a.remote_ip, "192.0.2.8".parse().ok());
        let b = scan.records[1].clone().into_report();
        assert_eq!(b.reply_code, Some(550));
        assert!(super::scan(&Text::new("Delivery to the following recipients\n* a@b.c")).is_none());
    }
}
