//! Postfix logs: `postfix/smtp[PID]: QUEUEID: to=<rcpt>, relay=NAME[IP]:25, ...,
//! dsn=5.1.1, status=bounced (host NAME[IP] said: 550 5.1.1 ... (in reply to RCPT TO
//! command))`, with the envelope sender from the `qmgr` line `QUEUEID:
//! from=<sender>, size=..., nrcpt=1 (queue active)`.

use super::syslog::{self, LogLine};
use super::{recipient, Messages};
use crate::text::{clean_address, command_in, diagnostic_in, remote_host_in, LowerCased};
use crate::{Action, RecipientReport};

/// Reads one line of the log into `messages` (any other line is passed over).
pub(super) fn read_line(messages: &mut Messages, line: &str) {
    let Some(l) = syslog::line(line) else { return };
    if !l.program.starts_with("postfix") {
        return;
    }
    let Some((id, rest)) = syslog::queue_id(l.message) else { return };
    if let Some(sender) = rest.strip_prefix("from=<") {
        let sender = sender.split('>').next().unwrap_or("");
        messages.sender(id, sender);
    } else if syslog::is_postfix_result(&l) {
        if let Some(report) = result(&l, rest) {
            messages.result(id, l.time, Some(l.host), report);
        }
    }
}

/// One `to=<...>` line as a recipient report, `None` for a status that is no
/// delivery result (`deliverable`/`undeliverable` of address verification).
fn result(l: &LogLine<'_>, rest: &str) -> Option<RecipientReport> {
    let status = rest.get(rest.find(" status=")? + " status=".len()..)?;
    let (word, explanation) = status.split_once(' ').unwrap_or((status, ""));
    let action = match word.trim_end_matches(',') {
        "bounced" | "expired" => Action::Failed,
        "deferred" => Action::Delayed,
        "sent" => Action::Delivered,
        _ => return None,
    };
    let explanation = explanation.trim();
    let explanation =
        explanation.strip_prefix('(').and_then(|e| e.strip_suffix(')')).unwrap_or(explanation);
    let lower = LowerCased::new(explanation);
    let diagnostic = diagnostic_in(&lower);
    let to = rest.strip_prefix("to=")?;
    let to = to.split(',').next().unwrap_or(to);
    let mut report =
        recipient(Some(to), action, Some(diagnostic.as_str()), syslog::field(rest, "dsn"), None);
    report.original_recipient = syslog::field(rest, "orig_to").and_then(clean_address);
    report.smtp_command = command_in(&lower).map(str::to_string);
    report.last_attempt_date = Some(l.time.to_string());
    if let Some(host) = remote_host_in(&lower) {
        report.remote_mta = host.name;
        report.remote_ip = host.ip;
    } else if let Some(relay) = syslog::field(rest, "relay") {
        let (name, ip) = super::host_and_ip(relay);
        report.remote_mta = name;
        report.remote_ip = ip;
    }
    Some(report)
}

#[cfg(test)]
mod tests {
    use crate::{InputKind, LogReader};

    fn bounced(id: usize) -> String {
        format!(
            "Mar  6 10:00:02 mx1 postfix/smtp[2211]: Q{id:07}: to=<user{id}@example.jp>, \
             relay=mx.example.jp[198.51.100.7]:25, dsn=5.1.1, status=bounced (host \
             mx.example.jp[198.51.100.7] said: 550 5.1.1 User unknown (in reply to RCPT TO command))"
        )
    }

    #[test]
    fn a_long_log_is_handed_out_as_it_is_read_in_bounded_memory() {
        let count = 30_000;
        let mut reader = LogReader::new(InputKind::PostfixLog).unwrap();
        let mut streamed = Vec::new();
        let mut most_open = 0;
        for id in 0..count {
            reader.read_line(&bounced(id));
            streamed.extend(reader.ready());
            most_open = most_open.max(reader.messages.order.len());
        }
        assert!(!streamed.is_empty(), "nothing was handed out before the end");
        assert!(
            most_open <= super::super::OPEN_MESSAGES + super::super::OPEN_MESSAGES / 4 + 1,
            "{most_open} messages open at once"
        );
        streamed.extend(reader.finish().unwrap());
        let whole: String = (0..count).map(|id| bounced(id) + "\n").collect();
        let at_once = crate::parse_events(InputKind::PostfixLog, whole.as_bytes()).unwrap();
        assert_eq!(streamed.len(), count);
        assert_eq!(streamed, at_once, "streaming changed the bounces or their order");
    }

    #[test]
    fn a_message_named_again_after_it_was_closed_is_a_new_bounce() {
        let mut reader = LogReader::new(InputKind::PostfixLog).unwrap();
        reader.read_line(&bounced(0));
        for id in 1..20_000 {
            reader.read_line(&bounced(id));
        }
        let early = reader.ready();
        assert_eq!(early[0].source_id.as_deref(), Some("Q0000000"));
        reader.read_line(&bounced(0));
        let rest = reader.finish().unwrap();
        assert_eq!(rest.last().and_then(|b| b.source_id.as_deref()), Some("Q0000000"));
    }

    #[test]
    fn reads_a_bounced_line() {
        let log = "Mar  6 10:00:02 mx1 postfix/smtp[2211]: 4BQ2Lk3ZrLz9vBk: to=<ken@example.jp>, \
            relay=mx.example.jp[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, \
            status=bounced (host mx.example.jp[198.51.100.7] said: 550 5.1.1 <ken@example.jp>: \
            User unknown (in reply to RCPT TO command))";
        let bounces = crate::parse_events(crate::InputKind::PostfixLog, log.as_bytes()).unwrap();
        let r = &bounces[0].recipients[0];
        assert_eq!(r.diagnostic.as_deref(), Some("550 5.1.1 <ken@example.jp>: User unknown"));
        assert_eq!(r.smtp_command.as_deref(), Some("RCPT TO"));
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.jp"));
        assert_eq!(bounces[0].source_id.as_deref(), Some("4BQ2Lk3ZrLz9vBk"));
    }
}
