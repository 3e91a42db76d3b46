//! Exim main logs: `ID ** rcpt R=router T=transport H=NAME [IP]: SMTP error from
//! remote mail server after RCPT TO:<rcpt>: 550 ...` (failed), `ID == rcpt ...
//! defer (-44) ...: message` (deferred), `ID => rcpt ...` (delivered) and the
//! arrival line `ID <= sender ...` that names the envelope sender.

use super::{recipient, syslog, Messages};
use crate::text::{clean_address, command_in, diagnostic_in, LowerCased};
use crate::Action;

/// Reads one line of the log into `messages` (any other line is passed over).
pub(super) fn read_line(messages: &mut Messages, line: &str) {
    let Some((time, rest)) = syslog::exim_line(line) else { return };
    if let Some((id, arrival)) = rest.split_once(" <= ") {
        if syslog::is_exim_id(id) {
            let sender = arrival.split(' ').next().unwrap_or("");
            if sender != "<>" {
                messages.sender(id, sender);
            }
        }
        return;
    }
    let Some((id, flag, rest)) = syslog::exim_result(rest) else { return };
    let action = match flag {
        "**" => Action::Failed,
        "==" => Action::Delayed,
        _ => Action::Delivered,
    };
    let (address, after) = rest.split_once(' ').unwrap_or((rest, ""));
    let (address, after) = match address.strip_suffix(':') {
        Some(address) => (address, format!(": {after}")),
        None => (address, format!(" {after}")),
    };
    let (fields, message) = after.split_once(": ").unwrap_or((after.as_str(), ""));
    let lower = LowerCased::new(message.trim());
    let diagnostic = match action {
        Action::Delivered => word_field(fields, "C=").map(|c| c.trim_matches('"').to_string()),
        _ => Some(diagnostic_in(&lower)),
    };
    let mut report = recipient(Some(address), action, diagnostic.as_deref(), None, None);
    if let Some(parent) = fields.split_whitespace().next().filter(|w| w.starts_with('<')) {
        report.original_recipient = clean_address(parent);
    }
    report.smtp_command = command_in(&lower).map(str::to_string);
    report.last_attempt_date = Some(time.to_string());
    if let Some(host) = fields.find(" H=").and_then(|at| fields.get(at + 3..)) {
        // `H=NAME [IP]` or `H=NAME [IP]:PORT`; the name ends at the space.
        let name = host.split(' ').next().unwrap_or("");
        let ip = host.get(name.len()..).unwrap_or("").trim_start();
        let ip = if ip.starts_with('[') { ip.split(']').next().unwrap_or("") } else { "" };
        let (name, ip) = super::host_and_ip(&format!("{name}{ip}]"));
        report.remote_mta = name;
        report.remote_ip = ip;
    }
    messages.result(id, time, None, report);
}

/// The value of a ` KEY=value` field (quoted values may hold spaces).
fn word_field<'a>(fields: &'a str, key: &str) -> Option<&'a str> {
    let at = fields.find(&format!(" {key}"))? + 1 + key.len();
    let value = fields.get(at..)?;
    if let Some(quoted) = value.strip_prefix('"') {
        return quoted.split('"').next();
    }
    value.split(' ').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_failed_and_deferred_lines() {
        let log = "2025-03-06 10:00:01 1tqAbC-000Def-Gh <= news@shop.example.org H=app1 [192.0.2.10] P=esmtp S=2048\n\
            2025-03-06 10:00:02 1tqAbC-000Def-Gh ** ken@example.jp R=dnslookup T=remote_smtp \
            H=mx.example.jp [198.51.100.7] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes: SMTP error \
            from remote mail server after RCPT TO:<ken@example.jp>: 550 5.1.1 User unknown\n\
            2025-03-06 10:00:03 1tqAbC-000Def-Gh == aya@example.net R=dnslookup T=remote_smtp \
            defer (-44) H=mx.example.net [203.0.113.9]: SMTP error from remote mail server after \
            RCPT TO:<aya@example.net>: 451 4.7.1 Greylisted\n";
        let bounces = crate::parse_events(crate::InputKind::EximLog, log.as_bytes()).unwrap();
        assert_eq!(bounces.len(), 1);
        let b = &bounces[0];
        assert_eq!(b.sender.as_deref(), Some("news@shop.example.org"));
        assert_eq!(b.recipients[0].diagnostic.as_deref(), Some("550 5.1.1 User unknown"));
        assert_eq!(
            b.recipients[0].remote_ip.map(|i| i.to_string()).as_deref(),
            Some("198.51.100.7")
        );
        assert_eq!(b.recipients[0].smtp_command.as_deref(), Some("RCPT TO"));
        assert_eq!(b.recipients[1].action, Action::Delayed);
        assert_eq!(b.recipients[1].remote_mta.as_deref(), Some("mx.example.net"));
    }
}
