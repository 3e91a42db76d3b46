//! Postfix's human-readable bounce (the first part of its DSN, or the whole bounce
//! when the DSN part is missing or was not pasted):
//!
//! ```text
//! This is the mail system at host sv1234.example.jp.
//! ...
//! <k.suzuki@example.jp>: host mx.example.jp[198.51.100.7] said: 550 5.7.1
//!     Service unavailable (in reply to RCPT TO command)
//! ```
//!
//! Every recipient block starts with `<address>:` (optionally
//! `<address> (expanded from <alias>):`) and continues on the following lines up to a
//! blank line or the next block.

use super::{is_delay_warning, max_description_bytes, push_block, Scan, Text, TextRecord};
use crate::text::{
    clean_address, is_blank, line_at, lines, next_line_starting_with, tail, trim_start,
};

const GREETING: &str = "this is the mail system at host ";

/// Recognises the text by its greeting or by at least one `<address>: ...` block.
pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let raw = text.raw;
    let reporting_mta = reporting_mta(text);
    let delayed = is_delay_warning(text);
    let mut records: Vec<TextRecord> = Vec::new();
    // The open block: its recipient and the stretch of the text its description
    // spans (from after the address's colon to the end of its last line).
    let mut current: Option<(String, usize, usize)> = None;
    let finish = |current: &mut Option<(String, usize, usize)>, records: &mut Vec<TextRecord>| {
        if let Some((recipient, start, end)) = current.take() {
            let stretch = raw.get(start..end).unwrap_or("");
            // Unfolding the stretch gives what unfolding its lines joined with spaces
            // gives (line breaks are whitespace too), without copying them first; only
            // a stretch long enough to be cut is joined, so that it is cut where the
            // joined lines are.
            if stretch.len() <= max_description_bytes() {
                push_block(records, recipient, stretch, delayed);
            } else {
                let joined = lines(stretch).collect::<Vec<_>>().join(" ");
                push_block(records, recipient, &joined, delayed);
            }
            // Postfix's smtp client writes "connect to HOST[IP]:PORT: <error>" when
            // the connection itself failed: no command was sent.
            if let Some(record) = records.last_mut().filter(|r| is_connect_failure(&r.description))
            {
                record.command = Some("CONNECT");
            }
        }
    };
    let mut at = 0;
    while at < raw.len() {
        // Outside a block only a line that starts with `<` matters: jump to the next.
        if current.is_none() {
            let Some(start) = next_line_starting_with(raw, at, b'<') else { break };
            at = start;
        }
        let line_start = at;
        let (line, next) = line_at(raw, at);
        at = next;
        if is_blank(line) {
            finish(&mut current, &mut records);
            continue;
        }
        // An indented line continues the open block, even when it starts with an
        // address (`    <a@b.example>: Recipient address rejected`).
        let indented = line.starts_with([' ', '\t']);
        if let Some((recipient, rest)) =
            block_start(line).filter(|_| current.is_none() || !indented)
        {
            finish(&mut current, &mut records);
            // `rest` ends the line.
            let line_end = line_start + line.len();
            current = Some((recipient, line_end - rest.len(), line_end));
            continue;
        }
        if let Some((_, _, end)) = current.as_mut() {
            *end = line_start + line.len();
        }
    }
    finish(&mut current, &mut records);
    if records.is_empty() && reporting_mta.is_none() {
        return None;
    }
    Some(Scan { generator: Some("postfix"), reporting_mta, records })
}

/// Whether a description is Postfix's failure to connect, `connect to
/// mx.example.jp[192.0.2.1]:25: Connection refused` (smtp_connect.c "connect to
/// %s[%s]:%d: %m").
fn is_connect_failure(description: &str) -> bool {
    description
        .trim_start()
        .strip_prefix("connect to ")
        .is_some_and(|rest| rest.split_whitespace().next().is_some_and(|host| host.contains("]:")))
}

fn reporting_mta(text: &Text<'_>) -> Option<String> {
    let pos = text.find(GREETING)?;
    let rest = tail(text.raw, pos + GREETING.len());
    let host = rest.split_whitespace().next()?.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_string())
}

/// `<address>: rest` or `<address> (expanded from <alias>): rest`; returns the
/// address and the rest of the line.
fn block_start(line: &str) -> Option<(String, &str)> {
    let trimmed = trim_start(line).strip_prefix('<')?;
    let close = trimmed.find('>')?;
    let address = &trimmed[..close];
    if !address.contains('@') || address.contains(char::is_whitespace) {
        return None;
    }
    let mut after = trimmed[close + 1..].trim_start();
    if after.starts_with("(expanded from") {
        let end = after.find(')')?;
        after = after[end + 1..].trim_start();
    }
    let rest = after.strip_prefix(':')?;
    Some((clean_address(address)?, rest))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Action;

    #[test]
    fn reads_blocks() {
        let raw = "This is the mail system at host sv1.example.jp.\n\n\
                   <a@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1\n    \
                   unknown (in reply to RCPT TO command)\n\n\
                   <b@example.com> (expanded from <c@example.org>): mailbox full\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.reporting_mta.as_deref(), Some("sv1.example.jp"));
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("a@example.com"));
        assert_eq!(
            scan.records[0].description,
            "host mx.example.com[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO command)"
        );
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.com"));
        assert_eq!(scan.records[1].description, "mailbox full");
        assert_eq!(scan.records[1].action, None);
    }

    /// A description is what its lines joined with spaces give, cut where they are.
    #[test]
    fn descriptions_are_the_joined_lines() {
        for (lines, len) in [(3, 10), (40, 100), (41, 100), (200, 30)] {
            let line = format!("{}x", "y ".repeat(len / 2));
            let body: Vec<String> = (0..lines).map(|i| format!("  {i} {line}\t")).collect();
            let raw = format!("<a@example.com>: first  \r\n{}\r\n\r\n", body.join("\r\n"));
            // What the scan once built: the rest of the first line, then a space and
            // each further line.
            let joined = format!(" first   {}", body.join(" "));
            let mut want = Vec::new();
            push_block(&mut want, "a@example.com".into(), &joined, false);
            assert_eq!(scan(&Text::new(&raw)).unwrap().records, want, "{lines} x {len}");
        }
    }

    #[test]
    fn indented_addresses_continue_the_block() {
        let raw = "  <a@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1\n    \
                   <a@example.com>: Recipient address rejected\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.records.len(), 1);
        assert!(scan.records[0]
            .description
            .ends_with("550 5.1.1 <a@example.com>: Recipient address rejected"));
    }

    #[test]
    fn a_failed_connection_answered_no_command() {
        let raw = "This is the mail system at host mail.example.com.\n\n\
                   <a@example.jp>: connect to mx.example.jp[192.0.2.1]:25: Connection\n    \
                   refused\n\n\
                   <b@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1 unknown\n    \
                   (in reply to RCPT TO command)\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.records[0].command, Some("CONNECT"));
        assert_eq!(scan.records[1].command, None);
    }

    #[test]
    fn ignores_other_text() {
        assert!(scan(&Text::new("hello <postmaster>: no\n<a@b> no colon")).is_none());
        assert_eq!(
            block_start("<a@b.example> (expanded from <x>): y"),
            Some(("a@b.example".into(), " y"))
        );
    }

    #[test]
    fn marks_delay_warnings() {
        let raw = "####### THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND #######\n\n\
                   <a@example.com>: connect to mx.example.com[192.0.2.1]:25: timed out\n";
        let scan = scan(&Text::new(raw)).unwrap();
        assert_eq!(scan.records[0].action, Some(Action::Delayed));
    }
}
