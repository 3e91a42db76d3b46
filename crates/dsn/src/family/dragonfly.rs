//! DragonFly Mail Agent (dma):
//!
//! ```text
//! This is the DragonFly Mail Agent v0.13 at mail.example.org.
//!
//! There was an error delivering your mail to <taro@example.jp>.
//!
//! mx.example.jp [192.0.2.25] did not like our RCPT TO:
//! 550 5.1.1 <taro@example.jp>: Recipient address rejected: User unknown
//!
//! Original message follows.
//! ```
//!
//! Each `There was an error delivering your mail to <ADDRESS>.` starts a recipient;
//! the paragraphs after it, up to the copy marker, describe it. `NAME [IP] did not
//! like our COMMAND:` names the remote host and the command.

use super::{address_word, max_records, Scan, Text, TextRecord};
use crate::text::{command_from_verb, find_ci, lines, tail, unfold};
use std::net::IpAddr;

const GREETING: &str = "this is the dragonfly mail agent";
const START: &str = "there was an error delivering your mail to ";
const DISLIKE: &str = " did not like our ";
const ENDS: &[&str] = &["message headers follow.", "original message follows."];

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !text.has(GREETING) && !text.has(START) {
        return None;
    }
    let reporting_mta = text.find(GREETING).and_then(|at| {
        let line = lines(tail(text.raw, at)).next().unwrap_or("");
        let host = line.rsplit_once(" at ")?.1.trim().trim_end_matches('.');
        (!host.is_empty() && !host.contains(' ')).then(|| host.to_string())
    });
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(String, String)> = None;
    let mut all_lines = lines(text.raw);
    loop {
        let line = all_lines.next();
        let trimmed = line.map_or("", str::trim);
        let starts = find_ci(trimmed, START);
        let ends = line.is_none()
            || starts.is_some()
            || ENDS.iter().any(|e| trimmed.eq_ignore_ascii_case(e));
        if ends {
            if let Some((recipient, description)) = current.take() {
                push_record(&mut records, recipient, &description);
            }
        }
        let Some(line) = line else { break };
        if let Some(at) = starts {
            let named = tail(line.trim(), at + START.len()).trim().trim_end_matches('.');
            current = address_word(named).map(|a| (a, String::new()));
        } else if let Some((_, description)) = current.as_mut() {
            description.push_str(line);
            description.push('\n');
        }
    }
    Some(Scan { generator: Some("dragonfly"), reporting_mta, records })
}

/// One recipient and what follows its "There was an error" line.
fn push_record(records: &mut Vec<TextRecord>, recipient: String, description: &str) {
    let (remote_host, remote_ip, command) = dislike(description);
    if records.len() < max_records() {
        records.push(TextRecord {
            recipient: Some(recipient),
            description: unfold(description),
            remote_host,
            remote_ip,
            command,
            ..TextRecord::default()
        });
    }
}

/// "mx.example.jp [192.0.2.25] did not like our RCPT TO:": the host, its address and
/// the command; or "Could not perform server greeting at mx.example.jp [192.0.2.25]:
/// 554 ...": the host refused the connection (dma's `net.c`, the strings of Debian's
/// dma 0.13).
fn dislike(description: &str) -> (Option<String>, Option<IpAddr>, Option<&'static str>) {
    for line in lines(description) {
        if let Some((host, said)) = line.split_once(DISLIKE) {
            let (name, ip) = host_and_ip(host);
            let said = said.trim_start();
            let said = said.strip_prefix("final ").unwrap_or(said);
            return (name, ip, command_from_verb(said));
        }
        if let Some(at) = find_ci(line, GREETING_FAILED) {
            let (name, ip) = host_and_ip(tail(line, at + GREETING_FAILED.len()));
            return (name, ip, Some("CONNECT"));
        }
    }
    (None, None, None)
}

/// dma's refusal at the greeting, before the host's name.
const GREETING_FAILED: &str = "could not perform server greeting at ";

/// "mx.example.jp [192.0.2.25]" at the start of `text`: the name and the address.
fn host_and_ip(text: &str) -> (Option<String>, Option<IpAddr>) {
    let mut words = text.split_whitespace();
    let name = words.next().filter(|h| h.contains('.')).map(str::to_string);
    let ip = words.next().and_then(|w| {
        let w = w.trim_end_matches(':');
        w.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
    });
    (name, ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recipient_host_and_command() {
        let raw = "This is the DragonFly Mail Agent v0.13 at mail.example.org.\n\n\
                   There was an error delivering your mail to <a@example.jp>.\n\n\
                   mx.example.jp [192.0.2.25] did not like our final DATA:\n\
                   550-5.7.26 Unauthenticated email\n550 5.7.26 is not accepted\n\n\
                   Message headers follow.\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.reporting_mta.as_deref(), Some("mail.example.org"));
        assert_eq!(scan.records.len(), 1);
        let r = scan.records[0].clone().into_report();
        assert_eq!(r.recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.jp"));
        assert_eq!(r.remote_ip, "192.0.2.25".parse().ok());
        assert_eq!(r.smtp_command.as_deref(), Some("DATA"));
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.7.26"));
        assert!(super::scan(&Text::new("hello")).is_none());
    }
}
