//! Log lines: the syslog prefix (`Mar  6 10:00:02 host program[pid]: `, or an
//! RFC 3339 time stamp instead of the BSD one), Exim's own
//! (`2025-03-06 10:00:02 `), and the `key=value, ` fields Postfix and Sendmail log.

use super::InputKind;
use crate::text::lossy;

/// A syslog line cut into its parts.
#[derive(Debug)]
pub(super) struct LogLine<'a> {
    /// The time stamp as written.
    pub time: &'a str,
    /// The host that logged it.
    pub host: &'a str,
    /// The program without its `[pid]`: `postfix/smtp`, `sm-mta`.
    pub program: &'a str,
    /// The text after `program[pid]: `.
    pub message: &'a str,
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `HH:MM:SS` at the start of `text`.
fn is_clock(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 8
        && b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|i| b[*i].is_ascii_digit())
}

/// `YYYY-MM-DD` at the start of `text`.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|i| b[*i].is_ascii_digit())
}

/// The length of the time stamp a syslog line starts with: `Mar  6 10:00:02` or
/// `2025-03-06T10:00:02.123456+09:00`.
fn syslog_time(line: &str) -> Option<usize> {
    if is_date(line) && line.as_bytes().get(10) == Some(&b'T') && is_clock(line.get(11..)?) {
        return line.find(' ');
    }
    let month = line.get(..3)?;
    if !MONTHS.contains(&month) || line.as_bytes().get(3) != Some(&b' ') {
        return None;
    }
    let rest = line.get(4..)?;
    let day_len = rest.trim_start_matches(' ').find(' ')?;
    let pad = rest.len() - rest.trim_start_matches(' ').len();
    if !(1..=2).contains(&day_len) || !all_digits(rest.get(pad..pad + day_len)?) {
        return None;
    }
    let clock = 4 + pad + day_len + 1;
    is_clock(line.get(clock..)?).then_some(clock + 8)
}

/// Reads a syslog line: time, host, `program[pid]:` and the message.
pub(super) fn line(line: &str) -> Option<LogLine<'_>> {
    let time_len = syslog_time(line)?;
    let time = line.get(..time_len)?;
    let rest = line.get(time_len..)?.trim_start_matches(' ');
    let (host, rest) = rest.split_once(' ')?;
    let (tag, message) = rest.split_once(": ")?;
    let program = tag.split('[').next().unwrap_or(tag);
    if program.is_empty() || program.contains(' ') {
        return None;
    }
    Some(LogLine { time, host, program, message })
}

/// An Exim main log line: the time stamp (with a time zone when Exim logs one) and
/// the text after it and after the `[pid]` Exim may log.
pub(super) fn exim_line(line: &str) -> Option<(&str, &str)> {
    if !is_date(line) || line.as_bytes().get(10) != Some(&b' ') || !is_clock(line.get(11..)?) {
        return None;
    }
    let mut end = 19;
    // `.123` with log_selector +millisec, ` +0900` with log_timezone.
    if line.as_bytes().get(end) == Some(&b'.') {
        end += 1 + line.get(end + 1..)?.bytes().take_while(u8::is_ascii_digit).count();
    }
    let after = line.get(end..)?;
    if let Some(zone) = after.strip_prefix(' ').filter(|z| {
        z.len() >= 5
            && matches!(z.as_bytes()[0], b'+' | b'-')
            && all_digits(z.get(1..5).unwrap_or(""))
    }) {
        if zone.as_bytes().get(5).is_none_or(|b| *b == b' ') {
            end += 5 + 1;
        }
    }
    let time = line.get(..end)?;
    let mut rest = line.get(end..)?.trim_start_matches(' ');
    if let Some(after_pid) = rest.strip_prefix('[').and_then(|r| r.split_once("] ")) {
        if all_digits(after_pid.0.split('/').next().unwrap_or("")) {
            rest = after_pid.1;
        }
    }
    Some((time, rest))
}

/// The value of `key=` in a `key=value, key=value` list: up to the next `, word=`
/// or the end. The key must start the text or follow a space.
pub(super) fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(pos) = text.get(from..)?.find(key) {
        let at = from + pos;
        from = at + key.len();
        let starts_word = at == 0 || text.as_bytes().get(at - 1) == Some(&b' ');
        if !starts_word || text.as_bytes().get(from) != Some(&b'=') {
            continue;
        }
        let value = text.get(from + 1..)?;
        return Some(value.get(..next_field(value)).unwrap_or(value));
    }
    None
}

/// Where the next `, word=` starts in `value`, or its end.
fn next_field(value: &str) -> usize {
    let mut from = 0;
    while let Some(pos) = value.get(from..).and_then(|v| v.find(", ")) {
        let at = from + pos;
        let word: String = value
            .get(at + 2..)
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() && value.as_bytes().get(at + 2 + word.len()) == Some(&b'=') {
            return at;
        }
        from = at + 2;
    }
    value.len()
}

/// The queue id a Postfix or Sendmail message starts with (`4BQ2Lk3ZrLz9vBk: `).
pub(super) fn queue_id(message: &str) -> Option<(&str, &str)> {
    let (id, rest) = message.split_once(": ")?;
    (id.len() >= 5 && id.bytes().all(|b| b.is_ascii_alphanumeric())).then_some((id, rest))
}

/// An Exim message id: `1tqAbC-000Def-Gh` (before 4.97) or
/// `1tqAbC-00000000Def-GhIj` (4.97 and later), base-62 parts.
pub(super) fn is_exim_id(word: &str) -> bool {
    let mut parts = word.split('-');
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let base62 = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric());
    a.len() == 6
        && matches!(b.len(), 6 | 11)
        && matches!(c.len(), 2 | 4)
        && [a, b, c].iter().all(|p| base62(p))
}

/// A Postfix delivery result: `QUEUEID: to=<...>, ... status=...`.
pub(super) fn is_postfix_result(line: &LogLine<'_>) -> bool {
    line.program.starts_with("postfix")
        && queue_id(line.message)
            .is_some_and(|(_, rest)| rest.starts_with("to=<") && field(rest, "status").is_some())
}

/// A Sendmail delivery result: `QUEUEID: to=..., ... stat=...`.
pub(super) fn is_sendmail_result(line: &LogLine<'_>) -> bool {
    matches!(line.program, "sendmail" | "sm-mta" | "sm-msp-queue")
        && queue_id(line.message)
            .is_some_and(|(_, rest)| rest.starts_with("to=") && field(rest, "stat").is_some())
}

/// An Exim delivery line: `ID ** address ...`, `ID == ...`, `ID => ...`, `ID -> ...`.
pub(super) fn exim_result(rest: &str) -> Option<(&str, &str, &str)> {
    let (id, rest) = rest.split_once(' ')?;
    let (flag, rest) = rest.split_once(' ')?;
    (is_exim_id(id) && matches!(flag, "**" | "==" | "=>" | "->" | "*>")).then_some((id, flag, rest))
}

/// The log kind of `body`, whose first line must be a log line.
pub(super) fn detect(body: &[u8]) -> Option<InputKind> {
    let first_end = memchr::memchr(b'\n', body).unwrap_or(body.len());
    let first = lossy(body.get(..first_end)?);
    let first = first.trim_end_matches('\r');
    if line(first).is_some() {
        let text = lossy(body);
        for l in text.lines().filter_map(line) {
            if is_postfix_result(&l) {
                return Some(InputKind::PostfixLog);
            }
            if is_sendmail_result(&l) {
                return Some(InputKind::SendmailLog);
            }
        }
        return None;
    }
    exim_line(first)?;
    let text = lossy(body);
    let found = text.lines().filter_map(exim_line).any(|(_, rest)| exim_result(rest).is_some());
    found.then_some(InputKind::EximLog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bsd_and_rfc3339_time_stamps() {
        let bsd =
            line("Mar  6 10:00:02 mx1 postfix/smtp[2211]: 4BQ2Lk3ZrLz9vBk: to=<a@example.jp>")
                .unwrap();
        assert_eq!((bsd.time, bsd.host, bsd.program), ("Mar  6 10:00:02", "mx1", "postfix/smtp"));
        let iso = line("2025-03-06T10:00:02.123456+09:00 mx1 postfix-out/smtp[7]: X: y").unwrap();
        assert_eq!(
            (iso.time, iso.program, iso.message),
            ("2025-03-06T10:00:02.123456+09:00", "postfix-out/smtp", "X: y")
        );
        let two_digit_day = line("Dec 16 23:59:59 mail sm-mta[1]: a").unwrap();
        assert_eq!(two_digit_day.time, "Dec 16 23:59:59");
        for bad in
            ["Mar 6 10:00", "Foo  6 10:00:02 h p: m", "Mar  6 10:00:02 host-without-program", ""]
        {
            assert!(line(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn reads_exim_time_stamps_and_ids() {
        assert_eq!(
            exim_line("2025-03-06 10:00:02 1tqAbC-000Def-Gh ** a@b: x").map(|l| l.1),
            Some("1tqAbC-000Def-Gh ** a@b: x")
        );
        let zoned =
            exim_line("2025-03-06 10:00:02.125 +0900 [4411] 1tqAbC-000Def-Gh => a@b").unwrap();
        assert_eq!(zoned, ("2025-03-06 10:00:02.125 +0900", "1tqAbC-000Def-Gh => a@b"));
        assert!(is_exim_id("1tqAbC-00000000Def-GhIj"));
        assert!(!is_exim_id("1tqAbC-000Def"));
        assert!(!is_exim_id("Message-Id-here"));
    }

    #[test]
    fn reads_fields() {
        let text = "to=<a@example.jp>,<b@example.jp>, delay=00:00:01, relay=mx.example.jp. [192.0.2.1], dsn=5.1.1, stat=User unknown";
        assert_eq!(field(text, "to"), Some("<a@example.jp>,<b@example.jp>"));
        assert_eq!(field(text, "relay"), Some("mx.example.jp. [192.0.2.1]"));
        assert_eq!(field(text, "dsn"), Some("5.1.1"));
        assert_eq!(field(text, "stat"), Some("User unknown"));
        assert_eq!(field(text, "lay"), None);
    }
}
