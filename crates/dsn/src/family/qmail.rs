//! qmail's bounce (qmail-send, netqmail, indimail-mta), as qmail-send and
//! qmail-remote write it and Sisimai 4.25's Lhost/qmail.pm reads it:
//!
//! ```text
//! Hi. This is the qmail-send program at mx.example.jp.
//! I'm afraid I wasn't able to deliver your message to the following addresses.
//! This is a permanent error; I've given up. Sorry it didn't work out.
//!
//! <taro@example.net>:
//! 192.0.2.25 does not like recipient.
//! Remote host said: 550 5.1.1 <taro@example.net>... User unknown
//! Giving up on 192.0.2.25.
//!
//! --- Below this line is a copy of the message.
//! ```
//!
//! Every `<ADDRESS>:` line starts a recipient; the lines up to the next one, a blank
//! line or the copy marker describe it. qmail-remote's sentence says which command
//! the reply answered and which host gave it.

use super::{push_block, Scan, Text, TextRecord};
use crate::text::{find_ci, lines, strip_prefix_ci, tail};
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// qmail-send's greeting, lower-case ("Hi. This is the qmail-send program at HOST.").
const GREETING: &str = "hi. this is the qmail";
/// Where the copy of the message starts ("--- Below this line is a copy of the
/// message." in qmail, "--- Enclosed is a copy of the message." in indimail).
const COPY: &[&str] = &["--- below this line is a copy of the message", "--- enclosed is a copy"];

/// qmail-remote's sentences (its `quit()` messages) and the command each names.
const SENTENCES: &[(&str, &str)] = &[
    ("but greeting failed.", "CONNECT"),
    ("but my name was rejected.", "EHLO"),
    ("but sender was rejected.", "MAIL FROM"),
    ("does not like recipient.", "RCPT TO"),
    ("failed on data command.", "DATA"),
    ("failed after i sent the message.", "DATA"),
];

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(GREETING)?;
    let reporting_mta = lines(tail(text.raw, at)).next().and_then(|line| {
        let host = line.rsplit_once(" at ")?.1.trim().trim_end_matches('.');
        (!host.is_empty() && !host.contains(' ')).then(|| host.to_string())
    });
    Some(Scan { generator: Some("qmail"), reporting_mta, records: blocks(text, at) })
}

/// Yahoo! Mail's bounce, written by its qmail-derived MTA in the same layout
/// (Sisimai 4.25 Lhost/Yahoo.pm):
///
/// ```text
/// Sorry, we were unable to deliver your message to the following address.
///
/// <taro@example.org>:
/// Remote host said: 550 5.1.1 <taro@example.org>... User Unknown [RCPT_TO]
///
/// --- Below this line is a copy of the message.
/// ```
///
/// The bracketed tag at the end of the reply names the command.
pub(crate) fn scan_yahoo(text: &Text<'_>) -> Option<Scan> {
    let at = YAHOO_FINDER.find(text.lower.as_bytes())?;
    Some(Scan { generator: Some("yahoo"), reporting_mta: None, records: blocks(text, at) })
}

/// Yahoo's sentence before its recipient blocks, lower-case.
const YAHOO_GREETING: &str = "sorry, we were unable to deliver your message to the following";

/// Built once: every text is asked for it.
static YAHOO_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(YAHOO_GREETING));

/// The `<ADDRESS>:` blocks from `at` to the copy of the message.
fn blocks(text: &Text<'_>, at: usize) -> Vec<TextRecord> {
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in lines(tail(text.raw, at)) {
        let trimmed = line.trim();
        let lower = trimmed.to_ascii_lowercase();
        if COPY.iter().any(|c| lower.starts_with(c)) {
            break;
        }
        if let Some(address) = recipient_line(trimmed) {
            flush(&mut records, current.take());
            current = Some((address, Vec::new()));
        } else if trimmed.is_empty() {
            flush(&mut records, current.take());
        } else if let Some((_, description)) = current.as_mut() {
            description.push(trimmed);
        }
    }
    flush(&mut records, current.take());
    records
}

/// `<taro@example.net>:`: the address.
fn recipient_line(line: &str) -> Option<String> {
    let inner = line.strip_prefix('<')?.strip_suffix(">:")?;
    (inner.contains('@') && !inner.contains(char::is_whitespace)).then(|| inner.to_string())
}

/// One recipient's lines: the description, the command and the remote host.
fn flush(records: &mut Vec<TextRecord>, block: Option<(String, Vec<&str>)>) {
    let Some((recipient, description)) = block else { return };
    let description = description.join("\n");
    let (command, host) = session(&description);
    push_block(records, recipient, &description, false);
    if let Some(last) = records.last_mut() {
        last.command = command;
        last.remote_host =
            host.filter(|h| h.parse::<std::net::IpAddr>().is_err()).map(str::to_string);
        last.remote_ip = host.and_then(|h| h.parse().ok());
    }
}

/// The command and host qmail-remote's sentence names: "192.0.2.25 does not like
/// recipient.", "Connected to 192.0.2.25 but sender was rejected.", "Sorry, no SMTP
/// connection got far enough; most progress was RCPT TO response; remote host
/// 192.0.2.25 said: ...".
fn session(description: &str) -> (Option<&'static str>, Option<&str>) {
    // Yahoo's tag: "... User Unknown [RCPT_TO]".
    for (tag, command) in
        [("[rcpt_to]", "RCPT TO"), ("[mail_from]", "MAIL FROM"), ("[data]", "DATA")]
    {
        if find_ci(description, tag).is_some() {
            return (Some(command), None);
        }
    }
    for (sentence, command) in SENTENCES {
        let Some(at) = find_ci(description, sentence) else { continue };
        let before = description.get(..at).unwrap_or("").trim_end();
        let host = before.rsplit(char::is_whitespace).next().filter(|h| h.contains('.'));
        return (Some(command), host);
    }
    if let Some(at) = find_ci(description, "most progress was ") {
        let progress = tail(description, at + "most progress was ".len());
        let command = [("rcpt", "RCPT TO"), ("mail", "MAIL FROM"), ("data", "DATA")]
            .iter()
            .find(|(verb, _)| strip_prefix_ci(progress, verb).is_some())
            .map(|(_, command)| *command);
        let host = find_ci(description, "remote host ")
            .and_then(|at| tail(description, at + "remote host ".len()).split_whitespace().next());
        return (command, host);
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recipients_commands_and_hosts() {
        let raw = "Hi. This is the qmail-send program at mx.example.jp.\n\
                   I'm afraid I wasn't able to deliver your message to the following addresses.\n\n\
                   <a@example.net>:\nConnected to 192.0.2.25 but sender was rejected.\n\
                   Remote host said: 553 sorry, your envelope sender is in my badmailfrom list\n\n\
                   <b@example.net>:\nmx.example.net does not like recipient.\n\
                   Remote host said: 550 5.1.1 <b@example.net>... User unknown\n\
                   Giving up on mx.example.net.\n\n\
                   --- Below this line is a copy of the message.\n\n<c@example.net>:\nx\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.reporting_mta.as_deref(), Some("mx.example.jp"));
        assert_eq!(scan.records.len(), 2);
        let a = scan.records[0].clone().into_report();
        assert_eq!(a.smtp_command.as_deref(), Some("MAIL FROM"));
        assert_eq!(a.remote_ip, "192.0.2.25".parse().ok());
        assert_eq!(a.reply_code, Some(553));
        let b = scan.records[1].clone().into_report();
        assert_eq!(b.recipient.as_deref(), Some("b@example.net"));
        assert_eq!(b.smtp_command.as_deref(), Some("RCPT TO"));
        assert_eq!(b.remote_mta.as_deref(), Some("mx.example.net"));
        assert!(super::scan(&Text::new("<a@example.net>:\nx\n")).is_none());
    }
}
