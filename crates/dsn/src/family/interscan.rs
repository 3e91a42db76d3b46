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
use crate::text::{command_from_verb, find_address, lines, starts_with_reply, strip_prefix_ci};
use memchr::memmem::Finder;
use std::sync::LazyLock;

const SIGNATURE: &str = "message from interscan messaging security suite";

/// The lines of a notice without the signature (the Japanese notice, or one whose
/// banner was cut) that are InterScan's all the same: its transcript, with the arrows
/// either way round, and its own reason (Sisimai 4.25 Lhost/InterScanMSS.pm).
const SENT: &[&str] = &["sent <<<", "sent >>>"];
const RECEIVED: &[&str] = &["received >>>", "received <<<"];
const UNABLE: &str = "unable to deliver message to <";

/// Built once: every text without the banner is asked for them. "sent <<<" and "sent
/// >>>" share "sent " followed by an arrow, found with one search.
static SENT_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("sent "));
static UNABLE_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(UNABLE));

/// True when the text holds one of InterScan's transcript lines.
fn has_transcript(text: &Text<'_>) -> bool {
    let lower = text.lower.as_bytes();
    let sent = SENT_FINDER.find_iter(lower).any(|at| {
        let arrows = lower.get(at + 5..at + 8);
        arrows == Some(b"<<<") || arrows == Some(b">>>")
    });
    sent && RECEIVED.iter().any(|r| text.has(r))
}

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let banner = text.has(SIGNATURE);
    if !banner && !has_transcript(text) && UNABLE_FINDER.find(text.lower.as_bytes()).is_none() {
        return None;
    }
    let mut records: Vec<TextRecord> = Vec::new();
    let mut sent: Option<(Option<String>, Option<&'static str>)> = None;
    for line in lines(text.raw) {
        let trimmed = line.trim();
        if let Some(rest) = SENT.iter().find_map(|s| strip_prefix_ci(trimmed, s)) {
            sent = Some((find_address(rest), command_from_verb(rest)));
        } else if let Some(reply) = RECEIVED.iter().find_map(|r| strip_prefix_ci(trimmed, r)) {
            let (recipient, command) = sent.take().unwrap_or_default();
            let Some(recipient) = recipient.or_else(|| find_address(reply)) else { continue };
            push_block(&mut records, recipient, reply.trim(), false);
            if let Some(last) = records.last_mut() {
                last.command = command;
            }
        } else {
            let reason = strip_prefix_ci(trimmed, "reason:").map_or(trimmed, str::trim_start);
            if strip_prefix_ci(reason, UNABLE).is_some() || reason.len() < trimmed.len() {
                let Some(recipient) = find_address(reason) else { continue };
                let known = records.iter().position(|k| k.recipient.as_ref() == Some(&recipient));
                match known {
                    None => push_block(&mut records, recipient, reason, false),
                    // InterScan VirusWall NT follows "Unable to deliver message to
                    // <a>." with "Reason: 550 <a>... User unknown": the reply replaces
                    // the sentence. A closing line about a recipient the transcript
                    // gave already adds nothing.
                    Some(at)
                        if starts_with_reply(reason)
                            && !starts_with_reply(&records[at].description) =>
                    {
                        let mut reply = Vec::with_capacity(1);
                        push_block(&mut reply, recipient, reason, false);
                        if let Some(record) = reply.pop() {
                            records[at] = record;
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
    if records.is_empty() && !banner {
        return None;
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
