//! SMTP reply codes (`550`) and enhanced status codes (`5.1.1`, RFC 3463) in free text.

use super::tail;
use crate::StatusCode;

fn is_digit_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// Reads an enhanced status code starting exactly at byte `i`; returns it and the end
/// position. The code must not be glued to other digits or dots on either side (so
/// parts of IP addresses and version numbers are not codes), and its subject must be
/// 0 to 7 as RFC 3463 defines (so `Exim 4.92.3` is not one).
fn status_at(b: &[u8], i: usize) -> Option<(StatusCode, usize)> {
    if !matches!(b.get(i), Some(b'2' | b'4' | b'5')) || b.get(i + 1) != Some(&b'.') {
        return None;
    }
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.') {
        return None;
    }
    let mut j = i + 2;
    let subject_start = j;
    while is_digit_at(b, j) && j - subject_start < 4 {
        j += 1;
    }
    let subject_len = j - subject_start;
    if subject_len == 0 || subject_len > 3 || b.get(j) != Some(&b'.') {
        return None;
    }
    j += 1;
    let detail_start = j;
    while is_digit_at(b, j) && j - detail_start < 4 {
        j += 1;
    }
    let detail_len = j - detail_start;
    if detail_len == 0 || detail_len > 3 {
        return None;
    }
    // Not followed by more digits or by `.digit` (an IP address or a longer version).
    if b.get(j).is_some_and(|c| c.is_ascii_alphanumeric())
        || (b.get(j) == Some(&b'.') && is_digit_at(b, j + 1))
    {
        return None;
    }
    // The digits are checked: the code is built from them rather than parsed again.
    let number = |digits: &[u8]| digits.iter().fold(0, |n, d| n * 10 + u16::from(d - b'0'));
    let code = StatusCode {
        class: b.get(i)? - b'0',
        subject: number(b.get(subject_start..subject_start + subject_len)?),
        detail: number(b.get(detail_start..detail_start + detail_len)?),
    };
    (code.subject <= 7).then_some((code, j))
}

/// Reads an SMTP reply code (three digits, first 2, 4 or 5) at byte `i`; returns it
/// and the end position. It must stand alone: not glued to letters, digits or dots
/// before, and followed by a space, `-`, end of text or a closing punctuation mark.
/// [`find_codes`] takes a success code (2xx) only when a status code follows it.
fn reply_at(b: &[u8], i: usize) -> Option<(u16, usize)> {
    let (d0, d1, d2) = (*b.get(i)?, *b.get(i + 1)?, *b.get(i + 2)?);
    if !matches!(d0, b'2' | b'4' | b'5') || !(b'0'..=b'5').contains(&d1) || !d2.is_ascii_digit() {
        return None;
    }
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'.' | b'-' | b'/' | b'['))
    {
        return None;
    }
    match b.get(i + 3) {
        None => {}
        Some(c) if c.is_ascii_whitespace() => {}
        Some(b'-' | b')' | b',' | b';' | b':' | b']') => {}
        Some(_) => return None,
    }
    let code = u16::from(d0 - b'0') * 100 + u16::from(d1 - b'0') * 10 + u16::from(d2 - b'0');
    Some((code, i + 3))
}

/// What codes a diagnostic text carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Codes {
    /// The SMTP reply code.
    pub reply: Option<u16>,
    /// Where the reply code starts in the text.
    pub reply_pos: Option<usize>,
    /// The enhanced status code.
    pub status: Option<StatusCode>,
}

/// Finds the reply code and the enhanced status code in a diagnostic text.
///
/// A reply code directly followed by a status code (`550 5.7.1`, `550-5.7.1`,
/// `421-4.7.0`, `550 #5.1.1`) is preferred; otherwise the first stand-alone reply code
/// and the first stand-alone status code are taken independently.
///
/// "Message expired" (`X.4.7`) only says that retrying ran out; when the text goes on
/// with the error that kept the message from going out (`554 4.4.7 Message expired
/// <421 4.4.2 Connection timed out>`), that error's codes are taken.
pub(crate) fn find_codes(text: &str) -> Codes {
    let first = first_codes(text);
    let (Some(status), Some(pos)) = (first.status, first.reply_pos) else { return first };
    if status.subject != 4 || status.detail != 7 {
        return first;
    }
    let from = pos + 3;
    let later = first_codes(tail(text, from));
    match later.status {
        Some(cause) if !cause.is_generic() && cause != status => Codes {
            reply: later.reply.or(first.reply),
            reply_pos: later.reply_pos.map(|p| p + from).or(first.reply_pos),
            status: Some(cause),
        },
        _ => first,
    }
}

/// True when the reply code [`find_codes`] finds in `text` starts it: `text` is a
/// server's reply (`550 5.1.1 ...`). Most lines do not start with a code at all,
/// which one look at their first bytes tells.
pub(crate) fn starts_with_reply(text: &str) -> bool {
    // `find_codes` only reports positions where `reply_at` reads a code.
    reply_at(text.as_bytes(), 0).is_some() && find_codes(text).reply_pos == Some(0)
}

/// [`find_codes`] without the look past an expiry.
fn first_codes(text: &str) -> Codes {
    let b = text.as_bytes();
    let mut first_reply: Option<(u16, usize)> = None;
    let mut first_status: Option<StatusCode> = None;
    // Both kinds of code start with 2, 4 or 5: jump from one such digit to the next.
    for i in memchr::memchr3_iter(b'2', b'4', b'5', b) {
        if let Some((reply, end)) = reply_at(b, i) {
            // A status code right after the reply code: `550 5.7.1`, `550-5.7.1`.
            let mut j = end;
            if matches!(b.get(j), Some(b' ' | b'-')) {
                j += 1;
            }
            if matches!(b.get(j), Some(b'#' | b'\'' | b'"')) {
                j += 1;
            }
            if let Some((status, _)) = status_at(b, j) {
                return Codes { reply: Some(reply), reply_pos: Some(i), status: Some(status) };
            }
            if first_reply.is_none() && reply >= 400 {
                first_reply = Some((reply, i));
            }
            if reply >= 400 {
                continue;
            }
        }
        if first_status.is_none() {
            if let Some((status, _)) = status_at(b, i) {
                first_status = Some(status);
            }
        }
    }
    Codes {
        reply: first_reply.map(|(r, _)| r),
        reply_pos: first_reply.map(|(_, p)| p),
        status: first_status,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn status(s: &str) -> Option<StatusCode> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn finds_reply_and_status_codes() {
        let c = find_codes("550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent");
        assert_eq!((c.reply, c.status), (Some(550), status("5.7.1")));
        let c = find_codes("host x said: 550-5.7.1 [192.0.2.1] Our system has detected");
        assert_eq!((c.reply, c.status), (Some(550), status("5.7.1")));
        let c = find_codes("421-4.7.0 [198.51.100.3 15] Our system");
        assert_eq!((c.reply, c.status), (Some(421), status("4.7.0")));
        let c = find_codes("Mailbox full 5.2.2 then 552 later");
        assert_eq!((c.reply, c.status), (Some(552), status("5.2.2")));
        let c = find_codes("550-'5.7.1 <a@b.example>... Access denied'");
        assert_eq!((c.reply, c.status), (Some(550), status("5.7.1")));
        let c = find_codes("553 #5.1.1 no such user");
        assert_eq!((c.reply, c.status), (Some(553), status("5.1.1")));
        // IP addresses, versions and other numbers are not codes.
        let c = find_codes("from [10.5.7.1] Exim 4.92.3 port 465 id 5.1.1.1 2.0.113.5");
        assert_eq!((c.reply, c.status), (None, None));
        let c = find_codes("");
        assert_eq!(c, Codes::default());
        assert_eq!(find_codes("Error: 554").reply, Some(554));
        let c = find_codes("250 2.6.0 Message received");
        assert_eq!((c.reply, c.status), (Some(250), status("2.6.0")));
        let c = find_codes("queued as 250 messages, 2.1.5 ok");
        assert_eq!((c.reply, c.status), (None, status("2.1.5")));
        assert_eq!(find_codes("a5.1.1 550x").status, None);
        for code in ["2.0.0", "4.4.7", "5.7.606", "5.1.10", "5.007.010"] {
            assert_eq!(find_codes(&format!("550 {code} x")).status, status(code), "{code}");
        }
        let c = find_codes("554 4.4.7 Message expired: <421 4.4.2 Connection timed out>");
        assert_eq!((c.reply, c.status), (Some(421), status("4.4.2")));
        let c = find_codes("550 4.4.7 QUEUE.Expired; message expired");
        assert_eq!((c.reply, c.status), (Some(550), status("4.4.7")));
    }

    #[test]
    fn tells_replies_and_prefixes() {
        for text in [
            "550 5.1.1 x",
            "550 x 421 4.4.2 y",
            "554 4.4.7 expired <421 4.4.2 timed out>",
            "250 ok",
            "x 550",
            "5501",
            "",
            "421-4.7.0 x",
        ] {
            assert_eq!(starts_with_reply(text), find_codes(text).reply_pos == Some(0), "{text:?}");
        }
    }
}
