//! Trend Micro InterScan Messaging Security Suite:
//!
//! ```text
//! ****** Message from InterScan Messaging Security Suite ******
//!
//! Sent <<< RCPT TO:<taro@example.jp>
//! Received >>> 550 5.1.1 <taro@example.jp>... user unknown
//!
//! Could not deliver mail to this user.
//! ```
//!
//! or, without a transcript, "Reason:  Unable to deliver message to <taro@example.jp>
//! (and other recipients in the same domain)." Note the arrows: InterScan's `<<<` is
//! what it sent and `>>>` what it received.

use super::{push_block, Scan, Text, TextRecord};
use crate::text::{command_from_verb, find_address, lines};

const SIGNATURE: &str = "message from interscan messaging security suite";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !text.has(SIGNATURE) {
        return None;
    }
    let mut records: Vec<TextRecord> = Vec::new();
    let mut sent: Option<(Option<String>, Option<&'static str>)> = None;
    for line in lines(text.raw) {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("Sent <<<") {
            sent = Some((find_address(rest), command_from_verb(rest)));
        } else if let Some(reply) = trimmed.strip_prefix("Received >>>") {
            let (recipient, command) = sent.take().unwrap_or_default();
            let Some(recipient) = recipient.or_else(|| find_address(reply)) else { continue };
            push_block(&mut records, recipient, reply, false);
            if let Some(last) = records.last_mut() {
                last.command = command;
            }
        } else if let Some(reason) = trimmed.strip_prefix("Reason:") {
            if let Some(recipient) = find_address(reason) {
                push_block(&mut records, recipient, reason, false);
            }
        }
    }
    Some(Scan { generator: Some("interscan"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_transcripts_and_reasons() {
        let raw = "****** Message from InterScan Messaging Security Suite ******\n\n\
                   Sent <<< RCPT TO:<a@example.jp>\nReceived >>> 550 5.1.1 <a@example.jp>... \
                   user unknown\n";
        let first = scan(&Text::new(raw)).unwrap_or_default();
        let r = first.records[0].clone().into_report();
        assert_eq!(r.recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(r.smtp_command.as_deref(), Some("RCPT TO"));
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
        let raw = "****** Message from InterScan Messaging Security Suite ******\n\
                   Reason:  Unable to deliver message to <b@example.jp> (and other \
                   recipients in the same domain).\n";
        let second = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(second.records[0].recipient.as_deref(), Some("b@example.jp"));
        assert!(super::scan(&Text::new("Reason: <c@example.jp>")).is_none());
    }
}
