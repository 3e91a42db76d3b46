//! Sendmail's human-readable bounce:
//!
//! ```text
//!    ----- The following addresses had permanent fatal errors -----
//! <taro@example.net>
//!     (reason: 552 5.2.2 <taro@example.net>... Mailbox full)
//!
//!    ----- Transcript of session follows -----
//! ... while talking to mx.example.net.:
//! >>> RCPT To:<taro@example.net>
//! <<< 552 5.2.2 <taro@example.net>... Mailbox full
//! ```
//!
//! The address list gives recipients and reasons; the transcript gives the remote host
//! ("while talking to") and the command each error answered (the last `>>>` line
//! before the `<<<` reply that names the recipient).

use super::{is_delay_warning, max_records, Scan, Text, TextRecord};
use crate::text::{
    clean_address, command_from_verb, contains_ci, find_address, find_ci, find_codes, lines,
    starts_with_reply, strip_prefix_ci, unfold,
};
use crate::Action;

const TRANSCRIPT: &str = "----- transcript of session follows -----";
const LISTS: &[&str] = &[
    "the following addresses had permanent fatal errors",
    "the following addresses had transient non-fatal errors",
];

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !text.has(TRANSCRIPT) && !LISTS.iter().any(|l| text.has(l)) {
        return None;
    }
    let delayed = is_delay_warning(text);
    let mut records = address_list(text);
    let (exchanges, notes) = transcript(text);
    if records.is_empty() {
        // Only a transcript: one record per recipient a reply names (`550
        // <taro@example.jp>... User unknown`), else one per error reply.
        let named: Vec<(String, &Exchange)> = exchanges
            .iter()
            .filter_map(|e| e.reply.as_deref().and_then(named_recipient).map(|r| (r, e)))
            .collect();
        if named.is_empty() {
            for exchange in exchanges.iter().take(max_records()) {
                records.push(TextRecord {
                    description: exchange.reply.clone().unwrap_or_default(),
                    ..TextRecord::default()
                });
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (recipient, exchange) in named {
            if seen.insert(recipient.to_ascii_lowercase()) && records.len() < max_records() {
                let reply = exchange.reply.as_deref().unwrap_or("");
                let description = match (remote_reply(reply), &exchange.cause) {
                    (Some(remote), _) => remote.to_string(),
                    // `554 <taro@example.jp>... Remote protocol error` names the
                    // recipient; the server's words are in the `<<<` line before it.
                    (None, Some(cause)) => match reply.split_once(">... ") {
                        Some((_, own)) if !own.trim().is_empty() => {
                            format!("{cause} ({})", own.trim())
                        }
                        _ => cause.clone(),
                    },
                    (None, None) => reply.to_string(),
                };
                records.push(TextRecord {
                    recipient: Some(recipient),
                    description,
                    ..TextRecord::default()
                });
            }
        }
    }
    for record in &mut records {
        if delayed {
            record.action = Some(Action::Delayed);
        }
        let mentions = |e: &&Exchange| {
            record.recipient.as_deref().is_some_and(|r| {
                e.reply.as_deref().is_some_and(|reply| find_ci(reply, r).is_some())
                    || find_ci(&e.sent, r).is_some()
            })
        };
        // The exchange about this recipient, else the last failed one (a DATA error
        // concerns every recipient).
        let exchange = exchanges.iter().find(mentions).or_else(|| exchanges.last());
        if let Some(exchange) = exchange {
            record.remote_host = record.remote_host.take().or_else(|| exchange.host.clone());
            record.command = record.command.or(exchange.command);
            let has_codes = |t: &str| {
                let codes = find_codes(t);
                codes.reply.is_some() || codes.status.is_some()
            };
            if !has_codes(&record.description) {
                if let Some(reply) = exchange.reply.as_deref().filter(|r| has_codes(r)) {
                    record.description = reply.to_string();
                }
            }
        }
        // No reason and no reply: Sendmail's own line about this recipient in the
        // transcript (`<taro@example.jp>... Deferred: Connection refused by ...`).
        if record.description.trim().is_empty() {
            if let Some(recipient) = record.recipient.as_deref() {
                let note = notes.iter().find(|(a, _)| a.eq_ignore_ascii_case(recipient));
                if let Some((_, note)) = note {
                    record.description = note.clone();
                }
            }
        }
    }
    Some(Scan { generator: Some("sendmail"), reporting_mta: None, records })
}

/// Reads the "following addresses had ... errors" lists.
fn address_list(text: &Text<'_>) -> Vec<TextRecord> {
    let mut records: Vec<TextRecord> = Vec::new();
    // No line can hold a list heading the whole text does not hold.
    if !LISTS.iter().any(|l| text.has(l)) {
        return records;
    }
    let mut in_list = false;
    for line in lines(text.raw) {
        let trimmed = line.trim();
        if LISTS.iter().any(|l| contains_ci(trimmed, l)) {
            in_list = true;
            continue;
        }
        if !in_list {
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with("-----") {
            in_list = false;
            continue;
        }
        if let Some(reason) = strip_prefix_ci(trimmed, "(reason:") {
            let reason = reason.trim_end_matches(')').trim();
            if let Some(last) = records.last_mut() {
                last.description = unfold(reason);
            }
            continue;
        }
        // `"|/usr/local/bin/filter"` then `(expanded from: <taro@example.jp>)`: a
        // program or file the address was expanded to.
        if let Some(alias) = strip_prefix_ci(trimmed, "(expanded from:") {
            if let Some(last) = records.last_mut().filter(|r| r.recipient.is_none()) {
                last.recipient = find_address(alias);
            }
            continue;
        }
        if trimmed.starts_with('(') {
            continue;
        }
        if records.len() < max_records() {
            let recipient = clean_address(trimmed).filter(|a| a.contains('@'));
            records.push(TextRecord { recipient, ..TextRecord::default() });
        }
    }
    records
}

/// The recipient a reply is about: the `<address>` right after its codes, as in
/// `550 5.1.1 <taro@example.jp>... User unknown`.
fn named_recipient(reply: &str) -> Option<String> {
    let word = reply
        .split_whitespace()
        .find(|w| !w.starts_with(|c: char| c.is_ascii_digit() || c == '#'))?;
    let inner = word.strip_prefix('<')?;
    let address = &inner[..inner.find('>')?];
    (address.contains('@')).then(|| address.to_string())
}

/// In `554 <taro@example.jp>... 550 Host unknown` Sendmail's own code comes first and
/// the remote server's reply after the address: that reply, when there is one.
fn remote_reply(reply: &str) -> Option<&str> {
    let (_, after) = reply.split_once(">... ")?;
    starts_with_reply(after).then_some(after)
}

/// One error reply in the transcript and what led to it.
#[derive(Debug)]
struct Exchange {
    host: Option<String>,
    /// The `>>>` line the reply answered.
    sent: String,
    command: Option<&'static str>,
    /// The `<<<` reply, or Sendmail's own line with a reply code.
    reply: Option<String>,
    /// For Sendmail's own line about a recipient: the last `<<<` reply in the same
    /// conversation that named no other recipient, which says why.
    cause: Option<String>,
}

/// Sendmail's own lines about one recipient, without codes: the address and the line
/// (`<taro@example.jp>... Deferred: Name server: example.jp.: host name lookup failure`).
type Note = (String, String);

/// Reads the transcript: for every `<<< 4xx/5xx` reply, the host and the last command;
/// and Sendmail's own code-less `<address>... text` lines.
fn transcript(text: &Text<'_>) -> (Vec<Exchange>, Vec<Note>) {
    let Some(start) = text.find(TRANSCRIPT) else { return (Vec::new(), Vec::new()) };
    let mut exchanges = Vec::new();
    let mut notes: Vec<Note> = Vec::new();
    let mut host: Option<String> = None;
    let mut sent = String::new();
    let mut command: Option<&'static str> = None;
    // The last remote reply of the current "while talking to" conversation, and the
    // recipient it is about.
    let mut remote: Option<(String, Option<String>)> = None;
    // The domain of the first recipient Sendmail named after that reply. One SMTP
    // conversation delivers to one destination, so a later line about a recipient of
    // another domain (`550 <b@example.net>... Host unknown (Name server: ...)`, found
    // without talking to anyone) is not explained by that reply.
    let mut session_domain: Option<String> = None;
    for line in lines(text.raw.get(start..).unwrap_or("")).skip(1) {
        let trimmed = line.trim();
        if trimmed.starts_with("-----") {
            break;
        }
        if let Some(pos) = find_ci(trimmed, "while talking to ") {
            let name = trimmed.get(pos + "while talking to ".len()..).unwrap_or("");
            let name = name.trim_end_matches(':').trim_end_matches('.').trim();
            host = (!name.is_empty()).then(|| name.to_string());
            remote = None;
            session_domain = None;
            sent.clear();
            command = Some("CONNECT");
        } else if let Some(rest) = trimmed.strip_prefix(">>>") {
            sent = rest.trim().to_string();
            command = command_from_verb(&sent);
        } else {
            // `<<< 550 ...` is the remote server's reply; a bare `554 5.3.0 unknown
            // mailer error 255` is Sendmail's own verdict (a local mailer's failure).
            let from_remote = trimmed.starts_with("<<<");
            let reply = trimmed.strip_prefix("<<<").unwrap_or(trimmed).trim();
            let is_reply = starts_with_reply(reply);
            if is_reply && exchanges.len() < max_records() {
                let cause = if from_remote {
                    // Which recipient the reply is about, if any: the one it names or
                    // the one the `RCPT` it answered named.
                    let about = named_recipient(reply).or_else(|| {
                        let rcpt = sent.get(..4).is_some_and(|v| v.eq_ignore_ascii_case("rcpt"));
                        rcpt.then(|| find_address(&sent)).flatten()
                    });
                    remote = Some((reply.to_string(), about));
                    session_domain = None;
                    None
                } else {
                    let named = named_recipient(reply);
                    let domain = named.as_deref().and_then(domain_of).map(str::to_string);
                    let in_session = match (&session_domain, &domain) {
                        (Some(session), Some(domain)) => session.eq_ignore_ascii_case(domain),
                        _ => true,
                    };
                    if !in_session {
                        // The conversation is over: this failure had none.
                        (host, command, remote, session_domain) = (None, None, None, None);
                        sent.clear();
                    }
                    let cause = remote.as_ref().zip(named).and_then(|((cause, about), named)| {
                        let same = about.as_ref().is_none_or(|a| a.eq_ignore_ascii_case(&named));
                        same.then(|| cause.clone())
                    });
                    if cause.is_some() && session_domain.is_none() {
                        session_domain = domain;
                    }
                    cause
                };
                exchanges.push(Exchange {
                    host: host.clone(),
                    sent: sent.clone(),
                    command,
                    reply: Some(reply.to_string()),
                    cause,
                });
            } else if let Some(note) = own_note(trimmed).filter(|_| notes.len() < max_records()) {
                notes.push(note);
            }
        }
    }
    (exchanges, notes)
}

/// The domain of an address (`example.jp` of `taro@example.jp`).
fn domain_of(address: &str) -> Option<&str> {
    address.rsplit_once('@').map(|(_, domain)| domain).filter(|d| !d.is_empty())
}

/// `<taro@example.jp>... Deferred: Connection refused by mx.example.jp.`: the address
/// and the whole line.
fn own_note(line: &str) -> Option<Note> {
    let inner = line.strip_prefix('<')?;
    let (address, rest) = inner.split_once(">...")?;
    let address = address.trim();
    let useful = address.contains('@') && !address.contains(char::is_whitespace);
    (useful && !rest.trim().is_empty()).then(|| (address.to_string(), line.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_list_and_transcript() {
        let raw = "   ----- The following addresses had permanent fatal errors -----\n\
<taro@example.net>\n    (reason: 552 5.2.2 <taro@example.net>... Mailbox full)\n\
<jiro@example.net>\n    (reason: 550 5.1.1 <jiro@example.net>... User unknown)\n\n\
   ----- Transcript of session follows -----\n\
... while talking to mx.example.net.:\n\
>>> RCPT To:<taro@example.net>\n<<< 552 5.2.2 <taro@example.net>... Mailbox full\n\
>>> RCPT To:<jiro@example.net>\n<<< 550 5.1.1 <jiro@example.net>... User unknown\n\
>>> DATA\n<<< 554 5.5.1 no valid recipients\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.records.len(), 2);
        let a = scan.records[0].clone().into_report();
        assert_eq!(a.recipient.as_deref(), Some("taro@example.net"));
        assert_eq!(a.diagnostic.as_deref(), Some("552 5.2.2 <taro@example.net>... Mailbox full"));
        assert_eq!(a.remote_mta.as_deref(), Some("mx.example.net"));
        assert_eq!(a.smtp_command.as_deref(), Some("RCPT TO"));
        let b = scan.records[1].clone().into_report();
        assert_eq!(b.reply_code, Some(550));
        assert_eq!(b.smtp_command.as_deref(), Some("RCPT TO"));
    }

    #[test]
    fn reads_local_mailer_failures() {
        // A pipe the address was expanded to failed: no `<<<` reply, only Sendmail's
        // own verdict line.
        let raw = "   ----- The following addresses had permanent fatal errors -----\n\
\"|/usr/local/bin/filter\"\n    (reason: 255)\n    (expanded from: <a@example.jp>)\n\n\
   ----- Transcript of session follows -----\nfilter: cannot open database\n\
554 5.3.0 unknown mailer error 255\n";
        let scan = scan(&Text::new(raw)).unwrap();
        let a = scan.records[0].clone().into_report();
        assert_eq!(a.recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(a.status.map(|s| s.to_string()).as_deref(), Some("5.3.0"));
        assert_eq!(a.reply_code, Some(554));
    }

    #[test]
    fn a_transcript_gives_one_record_per_named_recipient() {
        let raw = "----- Transcript of session follows -----\n\
... while talking to mx.example.org.:\n>>> RCPT To:<a@example.org>\n\
<<< 550 5.1.1 <a@example.org>... User unknown\n550 5.1.1 <a@example.org>... User unknown\n\
554 <b@example.org>... 550 Host unknown\n";
        let scan = scan(&Text::new(raw)).unwrap();
        let got: Vec<_> = scan.records.iter().map(|r| r.recipient.clone()).collect();
        assert_eq!(got, [Some("a@example.org".to_string()), Some("b@example.org".to_string())]);
        assert_eq!(scan.records[1].description, "550 Host unknown");
        assert_eq!(
            named_recipient("550 5.1.1 <a@example.org>... x").as_deref(),
            Some("a@example.org")
        );
        assert_eq!(named_recipient("550 Host unknown <a@example.org>"), None);
    }

    #[test]
    fn a_recipient_without_a_reason_takes_sendmails_own_line() {
        let raw = "   ----- The following addresses had permanent fatal errors -----\n\
<a@example.org>\n<b@example.org>\n\n   ----- Transcript of session follows -----\n\
<b@example.org>... Deferred: Connection timed out with mx.example.org.\n\
<a@example.org>... Deferred: Name server: example.org.: host name lookup failure\n\
Message could not be delivered for 5 days\n";
        let scan = scan(&Text::new(raw)).unwrap();
        let a = scan.records[0].clone().into_report();
        assert_eq!(
            a.diagnostic.as_deref(),
            Some(
                "<a@example.org>... Deferred: Name server: example.org.: host name lookup failure"
            )
        );
        assert_eq!((a.reply_code, a.status), (None, None));
        let b = scan.records[1].clone().into_report();
        assert_eq!(
            b.diagnostic.as_deref(),
            Some("<b@example.org>... Deferred: Connection timed out with mx.example.org.")
        );
        assert_eq!(own_note("<x@example.org>..."), None);
        assert_eq!(own_note("<not an address>... x"), None);
    }

    #[test]
    fn a_protocol_error_takes_the_servers_reply_before_it() {
        // Old Sendmail: its own line names the recipient, the `<<<` line says why.
        let raw = "   ----- Transcript of session follows -----\n\
While talking to mx.example.edu:\n>>> MAIL From:<a@example.jp>\n<<< 550 Insecure Mail Relay\n\
554 <b@example.edu>... Remote protocol error\n\
While talking to mx.example.org:\n>>> RCPT To:<c@example.org>\n<<< 550 No such user here\n\
554 <d@example.org>... Remote protocol error\n";
        let scan = scan(&Text::new(raw)).unwrap();
        let b = scan.records[0].clone().into_report();
        assert_eq!(b.recipient.as_deref(), Some("b@example.edu"));
        assert_eq!(
            b.diagnostic.as_deref(),
            Some("550 Insecure Mail Relay (Remote protocol error)")
        );
        assert_eq!(b.reply_code, Some(550));
        assert_eq!(b.smtp_command.as_deref(), Some("MAIL FROM"));
        // The reply answered a RCPT for another recipient: not d's reason.
        let d = scan.records[1].clone().into_report();
        assert_eq!(d.diagnostic.as_deref(), Some("554 <d@example.org>... Remote protocol error"));
    }

    #[test]
    fn transcript_alone_gives_records() {
        let raw = "----- Transcript of session follows -----\n\
... while talking to mx.example.org.:\n>>> DATA\n<<< 552 5.3.4 Message too big\n";
        let scan = scan(&Text::new(raw)).unwrap();
        let a = scan.records[0].clone().into_report();
        assert_eq!(a.recipient, None);
        assert_eq!(a.smtp_command.as_deref(), Some("DATA"));
        assert_eq!(a.reply_code, Some(552));
        assert!(super::scan(&Text::new("plain text")).is_none());
    }
}
