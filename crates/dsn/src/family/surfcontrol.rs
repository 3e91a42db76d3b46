//! SurfControl E-mail Filter's notice, as Sisimai 4.25's Lhost/SurfControl.pm reads
//! it:
//!
//! ```text
//! Your message could not be sent.
//! A transcript of the attempts to send the message follows.
//! The number of attempts made: 1
//! Addressed To: taro@example.com
//!
//! Thu 29 Apr 2010 23:34:45 +0900
//! Failed to send to identified host,
//! taro@example.com: [192.0.2.5], 550 taro@example.com... No such user
//! --- Message non-deliverable.
//! ```
//!
//! Every `ADDRESS: [IP], reply` line is one recipient's failure; an `Addressed To:`
//! recipient without such a line takes the transcript's last line.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, strip_prefix_ci, tail};
use std::net::IpAddr;

const SIGNATURE: &str = "your message could not be sent.";
const TRANSCRIPT: &str = "a transcript of the attempts to send the message follows.";
const ADDRESSED_TO: &str = "addressed to:";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(SIGNATURE)?;
    if !text.has(TRANSCRIPT) {
        return None;
    }
    let mut addressed: Vec<String> = Vec::new();
    let mut failures: Vec<(String, Option<IpAddr>, &str)> = Vec::new();
    let mut last_line = "";
    for line in lines(tail(text.raw, at)) {
        let trimmed = line.trim();
        if trimmed.starts_with("--- ") || trimmed.starts_with("------") {
            break;
        }
        if let Some(to) = strip_prefix_ci(trimmed, ADDRESSED_TO) {
            addressed.extend(address_word(to.trim()));
            continue;
        }
        if let Some(failure) = failure_line(trimmed) {
            failures.push(failure);
            continue;
        }
        if !trimmed.is_empty() {
            last_line = trimmed;
        }
    }
    let mut records: Vec<TextRecord> = Vec::new();
    for (recipient, ip, reply) in &failures {
        push_block(&mut records, recipient.clone(), reply, false);
        if let Some(last) = records.last_mut() {
            last.remote_ip = *ip;
        }
    }
    for recipient in addressed {
        if !failures.iter().any(|(r, _, _)| r.eq_ignore_ascii_case(&recipient)) {
            push_block(&mut records, recipient, last_line, false);
        }
    }
    Some(Scan { generator: Some("surfcontrol"), reporting_mta: None, records })
}

/// `taro@example.com: [192.0.2.5], 550 ...`: the address, the host's address and the
/// reply.
fn failure_line(line: &str) -> Option<(String, Option<IpAddr>, &str)> {
    let (address, rest) = line.split_once(": ")?;
    let recipient = address_word(address)?;
    let rest = rest.trim_start();
    let (ip, reply) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((ip, reply)) => (ip.trim().parse().ok(), reply.trim_start_matches(',').trim()),
        None => (None, rest),
    };
    Some((recipient, ip, reply))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_failure_lines() {
        let raw = "Your message could not be sent.\n\
                   A transcript of the attempts to send the message follows.\n\
                   Addressed To: a@example.com\nAddressed To: b@example.com\n\n\
                   Failed to send to identified host,\n\
                   a@example.com: [192.0.2.5], 550 a@example.com... No such user\n\
                   --- Message non-deliverable.\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        let a = scan.records[0].clone().into_report();
        assert_eq!(a.reply_code, Some(550));
        assert_eq!(a.remote_ip, "192.0.2.5".parse().ok());
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.com"));
        assert_eq!(scan.records[1].description, "Failed to send to identified host,");
        assert!(super::scan(&Text::new("Your message could not be sent.\n")).is_none());
    }
}
