//! Sendmail logs: `sm-mta[PID]: QUEUEID: to=<rcpt>, delay=..., mailer=esmtp,
//! relay=NAME. [IP], dsn=5.1.1, stat=User unknown`, with the envelope sender from
//! the line `QUEUEID: from=<sender>, size=..., nrcpts=1, ...`.

use super::{recipient, syslog, Messages};
use crate::text::{command_in, LowerCased};
use crate::Action;

/// Reads one line of the log into `messages` (any other line is passed over).
pub(super) fn read_line(messages: &mut Messages, line: &str) {
    let Some(l) = syslog::line(line) else { return };
    let Some((id, rest)) = syslog::queue_id(l.message) else { return };
    if rest.starts_with("from=") {
        if let Some(sender) = syslog::field(rest, "from").filter(|s| *s != "<>") {
            messages.sender(id, sender);
        }
        return;
    }
    if !syslog::is_sendmail_result(&l) {
        return;
    }
    // `stat=` is the last field: its text may hold anything.
    let Some(stat) = rest.find(" stat=").and_then(|at| rest.get(at + 6..)) else { return };
    let dsn = syslog::field(rest, "dsn");
    let action = if stat.starts_with("Sent") {
        Action::Delivered
    } else if stat.starts_with("Deferred") || dsn.is_some_and(|d| d.starts_with('4')) {
        Action::Delayed
    } else {
        Action::Failed
    };
    let lower = LowerCased::new(stat);
    let relay = syslog::field(rest, "relay").map(super::host_and_ip);
    for to in syslog::field(rest, "to").unwrap_or("").split(',').filter(|t| !t.trim().is_empty()) {
        let mut report = recipient(Some(to), action, Some(stat), dsn, None);
        report.smtp_command = command_in(&lower).map(str::to_string);
        report.last_attempt_date = Some(l.time.to_string());
        if let Some((name, ip)) = relay.clone() {
            report.remote_mta = name;
            report.remote_ip = ip;
        }
        messages.result(id, l.time, Some(l.host), report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dsn_and_stat() {
        let log = "Mar  6 10:00:05 mail sm-mta[4243]: 526A0x3Q004242: to=<taro@example.com>, \
            delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=122048, \
            relay=mx.example.com. [203.0.113.25], dsn=5.1.1, stat=User unknown";
        let bounces = crate::parse_events(crate::InputKind::SendmailLog, log.as_bytes()).unwrap();
        let r = &bounces[0].recipients[0];
        assert_eq!(r.recipient.as_deref(), Some("taro@example.com"));
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
        assert_eq!(r.diagnostic.as_deref(), Some("User unknown"));
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
        assert_eq!(bounces[0].reporting_mta.as_deref(), Some("mail"));
    }

    #[test]
    fn one_line_for_two_recipients_gives_two() {
        let log = "Mar  6 10:01:41 mail sm-mta[4303]: 526A1AbN004301: to=<a@example.org>,<b@example.org>, \
            delay=00:00:31, mailer=esmtp, relay=mx.example.org., dsn=4.0.0, \
            stat=Deferred: 421 4.7.0 Try again later";
        let bounces = crate::parse_events(crate::InputKind::SendmailLog, log.as_bytes()).unwrap();
        let rs = &bounces[0].recipients;
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[1].recipient.as_deref(), Some("b@example.org"));
        assert_eq!(rs[1].action, Action::Delayed);
        assert_eq!(rs[1].status.map(|s| s.to_string()).as_deref(), Some("4.7.0"));
        assert_eq!(rs[1].reply_code, Some(421));
    }
}
