//! Gmail's bounce before it sent RFC 3464 reports:
//!
//! ```text
//! Delivery to the following recipient failed permanently:
//!
//!      taro@example.jp
//!
//! Technical details of permanent failure:
//! Google tried to deliver your message, but it was rejected by the server for the
//! recipient domain example.jp by mx.example.jp. [192.0.2.153].
//!
//! The error that the other server returned was:
//! 550 5.1.1 <taro@example.jp>... User Unknown
//! ```
//!
//! or, for a delay, "Delivery to the following recipient has been delayed:" and
//! "Technical details of temporary failure:". The indented addresses after the first
//! line are the recipients; everything after "Technical details" describes all of
//! them.

use super::{push_block, Scan, Text, TextRecord};
use crate::text::{clean_address, find_ci, is_blank, lines, tail, unfold};
use std::net::IpAddr;

const LIST_MARKERS: &[&str] = &[
    "delivery to the following recipient failed permanently",
    "delivery to the following recipients failed permanently",
    "delivery to the following recipient has been delayed",
    "delivery to the following recipients have been delayed",
    "delivery to the following recipients has been delayed",
];

const DETAILS: &str = "technical details";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let (marker_at, marker) = LIST_MARKERS.iter().find_map(|m| text.find(m).map(|at| (at, m)))?;
    let delayed = marker.contains("delayed");
    let after_marker = tail(text.raw, marker_at + marker.len());
    let mut recipients: Vec<String> = Vec::new();
    for line in lines(after_marker).skip(1) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if recipients.is_empty() {
                continue;
            }
            break;
        }
        let bare = trimmed.trim_start_matches(['*', '-', ' ']);
        match clean_address(bare).filter(|a| a.contains('@') && !a.contains(' ')) {
            Some(address) => recipients.push(address),
            None => break,
        }
    }
    let details = match text.find(DETAILS) {
        Some(at) => {
            let details = tail(text.raw, at + DETAILS.len());
            // Skip " of permanent failure:" / " of temporary failure:" / ":".
            details.split_once(':').map_or(details, |(_, rest)| rest)
        }
        None => "",
    };
    // Up to a separator line (`=====`), if any.
    let description: Vec<&str> = lines(details)
        .skip_while(|l| is_blank(l))
        .take_while(|l| {
            let t = l.trim();
            !(t.len() > 3 && t.bytes().all(|b| b == b'=' || b == b'-'))
        })
        .collect();
    let description = description.join("\n");
    let (remote_host, remote_ip) = rejected_by(&description);
    let command = state_command(&description);
    let mut records: Vec<TextRecord> = Vec::new();
    for recipient in recipients {
        push_block(&mut records, recipient, &description, delayed);
        if let Some(last) = records.last_mut() {
            last.remote_host.clone_from(&remote_host);
            last.remote_ip = remote_ip;
            last.command = command;
        }
    }
    Some(Scan { generator: Some("gmail"), reporting_mta: None, records })
}

/// Gmail ends the remote server's reply with the state its SMTP client was in, "550
/// 550 5.1.1 <taro@example.jp>... User Unknown (state 14).": the command that reply
/// answered. The states and their commands are those Sisimai 4.25's Lhost/Gmail.pm
/// lists from observed Gmail bounces (6: MAIL after the TLS check, 8, 9 and 12: AUTH,
/// 13: EHLO, 14: RCPT, 15, 17 and 18: DATA).
fn state_command(description: &str) -> Option<&'static str> {
    let at = find_ci(description, "(state ")?;
    let number = tail(description, at + "(state ".len()).split(')').next()?.trim();
    match number {
        "6" => Some("MAIL FROM"),
        "8" | "9" | "12" => Some("AUTH"),
        "13" => Some("EHLO"),
        "14" => Some("RCPT TO"),
        "15" | "17" | "18" => Some("DATA"),
        _ => None,
    }
}

/// "rejected by the server for the recipient domain example.jp by mx.example.jp.
/// [192.0.2.153]": the remote host and its address.
fn rejected_by(description: &str) -> (Option<String>, Option<IpAddr>) {
    let text = unfold(description);
    let Some(at) = find_ci(&text, "for the recipient domain ") else { return (None, None) };
    let mut words = tail(&text, at).split_whitespace().skip(5);
    if words.next().is_none_or(|w| w != "by") {
        return (None, None);
    }
    let name = words.next().map(|w| w.trim_end_matches('.')).filter(|w| w.contains('.'));
    let ip = words
        .next()
        .and_then(|w| w.trim_end_matches('.').strip_prefix('[')?.strip_suffix(']')?.parse().ok());
    (name.map(str::to_string), ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Action;

    #[test]
    fn reads_recipients_and_details() {
        let raw = "Delivery to the following recipients failed permanently:\n\n     \
                   a@example.jp\n     b@example.jp\n\nTechnical details of permanent \
                   failure:\nGoogle tried to deliver your message, but it was rejected.\n\
                   The error that the other server returned was:\n550 5.1.1 User unknown\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.jp"));
        let r = scan.records[0].clone().into_report();
        assert_eq!(r.diagnostic.as_deref(), Some("550 5.1.1 User unknown"));
        assert_eq!(r.reply_code, Some(550));
        assert_eq!(r.action, Action::Failed);
    }

    #[test]
    fn reads_delays_without_codes() {
        let raw = "THIS IS A WARNING MESSAGE ONLY.\n\nDelivery to the following recipient \
                   has been delayed:\n\n     c@example.org\n\nMessage will be retried for 2 \
                   more day(s)\n\nTechnical details of temporary failure:\nThe recipient \
                   server did not accept our requests to connect.\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        let r = scan.records[0].clone().into_report();
        assert_eq!(r.action, Action::Delayed);
        assert_eq!(r.reply_code, None);
        assert_eq!(
            r.diagnostic.as_deref(),
            Some("The recipient server did not accept our requests to connect.")
        );
        assert!(super::scan(&Text::new("hello")).is_none());
    }
}
