//! What mail clients add around a bounce that a user pastes or forwards: `> `
//! quoting (at any depth), and the header block of a forward or reply (Outlook's
//! `-----Original Message-----` with From/Sent/To/Subject, in English or Japanese,
//! Gmail's `---------- Forwarded message ---------` with From/Date/Subject/To, Apple
//! Mail's `Begin forwarded message:`), with the note the user wrote above it.

use crate::text::{find_codes, is_blank, lines, trim, trim_start};
use std::borrow::Cow;

/// The text without quote markers and without the user's note and the header block
/// of a forward; borrowed when there is neither.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    let mut unforwarded = unquote(text);
    // A forward of a forward has a header block for each.
    for _ in 0..MAX_FORWARDS {
        let Some(start) = forwarded(&unforwarded) else { break };
        unforwarded = Cow::Owned(unforwarded.get(start..).unwrap_or_default().to_string());
    }
    match bracket_recipient_lines(&unforwarded) {
        Some(bracketed) => Cow::Owned(bracketed),
        None => unforwarded,
    }
}

/// Postfix's recipient line as people retype or re-wrap it, `user@example.jp: host
/// ...` (the address without its angle brackets), given them back so that it reads
/// as Postfix's `<user@example.jp>: host ...`; `None` when no line starts so.
fn bracket_recipient_lines(text: &str) -> Option<String> {
    let bare = |line: &str| {
        let trimmed = trim_start(line);
        let colon = trimmed.find(':')?;
        let word = trimmed.get(..colon)?;
        let is_address = word.contains('@')
            && !word.starts_with('@')
            && !word.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ','));
        is_address.then_some((line.len() - trimmed.len(), colon))
    };
    if !lines(text).any(|line| bare(line).is_some()) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for line in lines(text) {
        match bare(line) {
            Some((indent, colon)) => {
                let (head, rest) = line.split_at(indent + colon);
                let (spaces, address) = head.split_at(indent);
                out.push_str(spaces);
                out.push('<');
                out.push_str(address);
                out.push('>');
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    Some(out)
}

/// How many nested forwards are unwrapped.
const MAX_FORWARDS: usize = 4;

/// SMTP verbs a Sendmail transcript writes after `>>> `: such a line is no quote.
const TRANSCRIPT_VERBS: &[&str] =
    &["RCPT", "MAIL", "DATA", "EHLO", "HELO", "LHLO", "QUIT", "RSET", "STARTTLS", "."];

/// Every line without its quote markers (`>`, `> `, `>> `, `> > `), but a Sendmail
/// transcript's `>>> RCPT To:<...>` line keeps its arrows. Text with fewer than two
/// quoted lines is returned as it is.
fn unquote(text: &str) -> Cow<'_, str> {
    let quoted = lines(text).filter(|line| quote_depth(line).0 > 0).take(2).count();
    if quoted < 2 {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in lines(text) {
        let (_, rest) = quote_depth(line);
        out.push_str(rest);
        out.push('\n');
    }
    Cow::Owned(out)
}

/// How many quote markers a line starts with, and the line after them (and after
/// the one space that follows each).
fn quote_depth(line: &str) -> (usize, &str) {
    let mut rest = trim_start(line);
    if !rest.starts_with('>') {
        return (0, line);
    }
    let mut depth = 0;
    while let Some(after) = rest.strip_prefix('>') {
        if let Some(command) = rest.strip_prefix(">>> ") {
            if TRANSCRIPT_VERBS.iter().any(|verb| command.starts_with(verb)) {
                break;
            }
        }
        depth += 1;
        rest = after.strip_prefix(' ').unwrap_or(after);
    }
    (depth, rest)
}

/// Lines that introduce a forwarded or replied-to message (compared without the
/// dashes or underscores around them, ignoring ASCII case): Outlook's, Gmail's,
/// Thunderbird's, Apple Mail's and Japanese Outlook's and Thunderbird's.
const FORWARD_MARKERS: &[&str] = &[
    "original message",
    "forwarded message",
    "begin forwarded message:",
    "元のメッセージ",
    "転送メッセージ",
    "転送されたメッセージ",
];

/// Fields of a forward's header block, as clients write them (English and Japanese
/// Outlook, Gmail, Thunderbird).
const FORWARD_FIELDS: &[&str] = &[
    "from",
    "sent",
    "date",
    "to",
    "cc",
    "bcc",
    "subject",
    "reply-to",
    "差出人",
    "送信者",
    "送信日時",
    "日付",
    "宛先",
    "件名",
];

/// Where the forwarded text starts: after the header block of the first forward whose
/// marker line (or, at the very start of the text, whose `From:` line) is followed
/// by at least two header fields, when the text above it holds no SMTP code (it is
/// the user's note, not a bounce that quotes its original).
fn forwarded(text: &str) -> Option<usize> {
    let mut offset = 0;
    let mut at_start = true;
    let all: Vec<&str> = lines(text).collect();
    let mut starts = Vec::with_capacity(all.len());
    for line in &all {
        starts.push(offset);
        offset += line.len() + 1;
        // `lines` drops a CR before the LF.
        if text.as_bytes().get(offset - 1) == Some(&b'\r') {
            offset += 1;
        }
    }
    // Whether a line before the current one holds an SMTP code (then the text above
    // a marker is a bounce, not a note), kept as the lines go by.
    let mut code_above = false;
    for (i, line) in all.iter().enumerate() {
        let marker = is_marker(line);
        if !(marker || (at_start && field_name(line).is_some())) {
            if !is_blank(line) {
                at_start = false;
            }
            let codes = find_codes(line);
            code_above |= codes.reply.is_some() || codes.status.is_some();
            continue;
        }
        let first_field = if marker { i + 1 } else { i };
        let fields = all
            .get(first_field..)
            .unwrap_or_default()
            .iter()
            .take_while(|l| field_name(l).is_some() || (l.starts_with([' ', '\t']) && !is_blank(l)))
            .count();
        let named_from = all.get(first_field).and_then(|l| field_name(l)).is_some_and(|name| {
            ["from", "差出人", "送信者"].iter().any(|f| name.eq_ignore_ascii_case(f))
        });
        if fields >= 2 && named_from && !code_above {
            return starts.get(first_field + fields).copied().or(Some(text.len()));
        }
        at_start = false;
    }
    None
}

/// A forward marker line: `-----Original Message-----`, `---------- Forwarded
/// message ---------`, `Begin forwarded message:`, a rule of underscores (Outlook's
/// reply header), ...
fn is_marker(line: &str) -> bool {
    let trimmed = trim(line);
    let decorated = trimmed.starts_with("--") || trimmed.starts_with("__");
    let inner = trim(trimmed.trim_matches(|c| c == '-' || c == '_'));
    if !decorated && !inner.eq_ignore_ascii_case("begin forwarded message:") {
        return false;
    }
    if inner.is_empty() {
        // A rule of dashes is a MIME delimiter or a signature as often: only
        // Outlook's rule of underscores counts.
        return trimmed.len() >= 10 && trimmed.starts_with("__");
    }
    FORWARD_MARKERS.iter().any(|m| inner.eq_ignore_ascii_case(m))
}

/// The name of a forward header field the line starts with (`From:`, `件名：`).
fn field_name(line: &str) -> Option<&str> {
    let colon = line.find([':', '：'])?;
    let name = trim(line.get(..colon)?);
    FORWARD_FIELDS.iter().any(|f| name.eq_ignore_ascii_case(f)).then_some(name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn removes_quote_markers_at_any_depth() {
        let text = "> a\n>> b\n>\n> > c\n>d\nnot quoted\n";
        assert_eq!(clean(text), "a\nb\n\nc\nd\nnot quoted\n");
        // One line starting with `>` is no quoting.
        assert_eq!(clean("a\n> b\n"), "a\n> b\n");
    }

    #[test]
    fn brackets_bare_recipient_lines() {
        assert_eq!(
            clean("a@example.jp: host\n    mx.example.jp[192.0.2.1] said: 550\n"),
            "<a@example.jp>: host\n    mx.example.jp[192.0.2.1] said: 550\n"
        );
        let kept = "From: a@example.jp\n<b@example.jp>: x\nsee a@example.jp: no\n";
        assert_eq!(clean(kept), kept);
    }

    #[test]
    fn keeps_transcript_arrows() {
        let text = "> >>> RCPT To:<a@b.example>\n> <<< 550 5.1.1 unknown\n>>> DATA\n";
        assert_eq!(clean(text), ">>> RCPT To:<a@b.example>\n<<< 550 5.1.1 unknown\n>>> DATA\n");
    }

    #[test]
    fn drops_the_note_and_header_block_of_a_forward() {
        let outlook = "Please see below.\n\n-----Original Message-----\nFrom: MAILER-DAEMON\n\
                       Sent: Tuesday\nTo: me@example.com\nSubject: Undeliverable\n\nbody 550\n";
        assert_eq!(clean(outlook), "\nbody 550\n");
        let japanese = "確認してください。\n-----Original Message-----\n差出人: MAILER-DAEMON\n\
                        送信日時: 2025年3月6日\n宛先: a@example.jp\n件名: 配信不能\n\n本文\n";
        assert_eq!(clean(japanese), "\n本文\n");
        let gmail = "---------- Forwarded message ---------\nFrom: Mail Delivery Subsystem\n\
                     Date: Wed, Mar 5, 2025\nSubject: Delivery Status Notification\n\
                     To: <a@example.com>\n\n\nAddress not found\n";
        assert_eq!(clean(gmail), "\n\nAddress not found\n");
        let twice = format!("FYI\n\n{outlook}");
        let twice = twice.replace("body 550", &format!("see below\n{japanese}"));
        assert_eq!(clean(&twice), "\n本文\n\n");
        let at_start = "差出人: MAILER-DAEMON\n件名: 配信不能\n\n本文\n";
        assert_eq!(clean(at_start), "\n本文\n");
    }

    #[test]
    fn keeps_a_bounce_that_quotes_its_original() {
        let bounce = "<a@b.example>: host x[192.0.2.1] said: 550 5.1.1 unknown\n\n\
                      ----- Original message -----\nFrom: me@example.com\nTo: a@b.example\n";
        assert_eq!(clean(bounce), bounce);
        let plain = "-----Original Message-----\nnot a header\n";
        assert_eq!(clean(plain), plain);
    }
}
