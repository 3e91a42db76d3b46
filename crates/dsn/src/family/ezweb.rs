//! au by KDDI's EZweb mail (`ezweb.ne.jp`):
//!
//! ```text
//! The user(s) account is disabled.
//!
//! <taro@ezweb.ne.jp>
//! ```
//!
//! or "Each of the following recipients was rejected by a remote mail server." with
//! `Recipient: <ADDRESS>` and a `>>>` / `<<<` transcript, or "The following
//! recipients did not receive this message:". Every line that holds only an address
//! (or `Recipient: ADDRESS`) is a recipient; the other lines of the text, up to a line
//! of dashes, are the reason of all of them.

use super::verbs::command_word;
use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, strip_prefix_ci};

/// EZweb's own sentences (Sisimai 4.25 Lhost/EZweb.pm's table of them), lower-case.
const SIGNATURES: &[&str] = &[
    "the user(s) account is disabled",
    "the user(s) account is temporarily limited",
    "the user(s) account is temporarily over quota",
    "each of the following recipients was rejected by a remote",
    "the following recipients did not receive this message",
    "your message was not delivered within ",
];

/// The sentences no other family writes: with one of them the text is EZweb's even
/// where a line looks like Postfix's (`<ADDRESS>: 550 user unknown (in reply to RCPT
/// TO command)`, which EZweb copies from the server it relays for).
const OWN_SIGNATURES: &[&str] = &[
    "the user(s) account is disabled",
    // "... temporarily limited" and "... temporarily over quota", in one search.
    "the user(s) account is temporarily ",
    "each of the following recipients was rejected by a remote",
];

/// [`scan`] for a text with one of EZweb's own sentences, tried before the families
/// whose line forms EZweb's notices contain.
pub(crate) fn scan_own(text: &Text<'_>) -> Option<Scan> {
    if !OWN_SIGNATURES.iter().any(|s| text.has(s)) {
        return None;
    }
    scan(text)
}

/// One recipient: its address, its own words (after `<ADDRESS>:` or in its
/// `>>>`/`<<<` transcript) and the command of that transcript.
struct Recipient {
    address: String,
    own: Vec<String>,
    command: Option<&'static str>,
}

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !SIGNATURES.iter().any(|s| text.has(s)) {
        return None;
    }
    let mut recipients: Vec<Recipient> = Vec::new();
    // The notice's sentences, the reason of every recipient.
    let mut reason = String::new();
    for line in lines(text.raw) {
        let trimmed = line.trim();
        if trimmed.len() > 3 && trimmed.bytes().all(|b| b == b'-') {
            break;
        }
        let named = strip_prefix_ci(trimmed, "recipient:").unwrap_or(trimmed).trim();
        // `<ADDRESS>`, `Recipient: <ADDRESS>` or `<ADDRESS>: what the server said`.
        let (word, own) = match named.strip_prefix('<').and_then(|r| r.split_once('>')) {
            Some((inner, rest)) => (inner, rest.trim_start_matches(':').trim()),
            None => (named, ""),
        };
        if let Some(address) = address_word(word).filter(|_| !word.contains(char::is_whitespace)) {
            let own = (!own.is_empty()).then(|| own.to_string()).into_iter().collect();
            recipients.push(Recipient { address, own, command: None });
            continue;
        }
        let transcript = trimmed.strip_prefix(">>>").map(|sent| (sent, true));
        let transcript = transcript.or_else(|| trimmed.strip_prefix("<<<").map(|r| (r, false)));
        match (transcript, recipients.last_mut()) {
            (Some((sent, true)), Some(last)) => last.command = command_word(sent.trim()),
            (Some((reply, false)), Some(last)) => last.own.push(reply.trim().to_string()),
            // The Japanese preface says only that the message could not be sent; the
            // English sentence says why (Sisimai 4.25 Lhost/EZweb.pm skips it too).
            _ if !trimmed.is_empty() && trimmed.is_ascii() => {
                reason.push(' ');
                reason.push_str(trimmed);
            }
            _ => {}
        }
    }
    let mut records: Vec<TextRecord> = Vec::new();
    let reason = reason.trim();
    for recipient in recipients {
        let own = recipient.own.join(" ");
        // `<ADDRESS>: 550 user unknown (in reply to RCPT TO command)` is the relayed
        // reply: EZweb's sentence goes after the reply's words, before the Postfix
        // tail that ends a diagnostic, so that the diagnostic holds both.
        let description = match (recipient.command, own.find("(in reply to ")) {
            (None, Some(at)) => {
                let (words, in_reply) = own.split_at(at);
                format!("{} {reason} {in_reply}", words.trim_end())
            }
            (None, None) if !own.is_empty() => format!("{own} {reason}"),
            _ => format!("{reason} {own}"),
        };
        push_block(&mut records, recipient.address, description.trim(), false);
        if let Some(last) = records.last_mut() {
            last.command = recipient.command;
        }
    }
    // EZweb's gateway speaks Netscape Messaging Server's sentences (flufl.bounce's
    // netscape.py reads the same ones): only a notice about au's own mailboxes is
    // EZweb's; any other is the Messaging Server's.
    let au = records.iter().any(|r| {
        r.recipient.as_deref().is_some_and(|a| {
            let domain = a.rsplit('@').next().unwrap_or_default().to_ascii_lowercase();
            AU_DOMAINS.iter().any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
        })
    });
    let generator = if au || records.is_empty() { "ezweb" } else { "netscape" };
    Some(Scan { generator: Some(generator), reporting_mta: None, records })
}

/// The mail domains of au (KDDI), whose notices are EZweb's.
const AU_DOMAINS: &[&str] = &["ezweb.ne.jp", "au.com"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bare_addresses_and_transcripts() {
        let first = scan(&Text::new("The user(s) account is disabled.\n\n<a@ezweb.ne.jp>\n"))
            .unwrap_or_default();
        assert_eq!(first.records.len(), 1);
        assert_eq!(first.records[0].recipient.as_deref(), Some("a@ezweb.ne.jp"));
        assert_eq!(first.records[0].description, "The user(s) account is disabled.");
        let raw = "Each of the following recipients was rejected by a remote\nmail server.\n\n\
                   \x20   Recipient: <b@ezweb.ne.jp>\n    >>> RCPT TO:<b@ezweb.ne.jp>\n    \
                   <<< 550 <b@ezweb.ne.jp>: User unknown\n";
        let second = scan(&Text::new(raw)).unwrap_or_default();
        let r = second.records[0].clone().into_report();
        assert_eq!(r.recipient.as_deref(), Some("b@ezweb.ne.jp"));
        assert_eq!(r.reply_code, Some(550));
        assert!(super::scan(&Text::new("<a@ezweb.ne.jp>")).is_none());
    }
}
