//! Shared text scanning: unwrapping folded lines and finding the pieces every bounce
//! format spells in roughly the same words (reply codes, enhanced status codes,
//! `host NAME[IP] said`, "in reply to RCPT TO command", addresses).
//!
//! Everything here is linear in the input (a constant number of passes), works on
//! `&str` positions that are always char boundaries, and never panics.

use crate::StatusCode;
use aho_corasick::packed;
use aho_corasick::Span;
use memchr::memmem::Finder;
use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::LazyLock;

/// Joins all lines into one, collapsing every run of whitespace (line breaks and the
/// indentation of continuation lines included) into one space, trimmed.
pub(crate) fn unfold(text: &str) -> String {
    unfolded(text).into_owned()
}

/// [`unfold`], borrowing `text` when it has nothing to collapse but its ends (a
/// single-line value, the usual case).
pub(crate) fn unfolded(text: &str) -> Cow<'_, str> {
    if !text.is_ascii() {
        let mut out = String::with_capacity(text.len());
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        return Cow::Owned(out);
    }
    // ASCII: `trim` and `split_whitespace` only see the ASCII whitespace bytes, so the
    // ends are trimmed a byte at a time (no char decoding).
    let trimmed = trim_ascii_set(text, is_space);
    let bytes = trimmed.as_bytes();
    let Some(mut fold) = next_fold(bytes, 0) else { return Cow::Borrowed(trimmed) };
    let mut out = String::with_capacity(trimmed.len());
    let mut word_start = 0;
    loop {
        // `word_start..fold` holds words and single spaces; a space right before
        // `fold` belongs to the run of whitespace being collapsed.
        let clean = trimmed.get(word_start..fold).unwrap_or_default();
        out.push_str(clean.strip_suffix(' ').unwrap_or(clean));
        out.push(' ');
        // The trimmed text ends with a word, so a run of whitespace always ends
        // before it does.
        word_start = fold;
        while bytes.get(word_start).is_some_and(|b| is_space(*b)) {
            word_start += 1;
        }
        match next_fold(bytes, word_start) {
            Some(next) => fold = next,
            None => {
                out.push_str(trimmed.get(word_start..).unwrap_or_default());
                return Cow::Owned(out);
            }
        }
    }
}

/// The ASCII bytes `char::is_whitespace` accepts: space, tab, LF, VT, FF and CR.
pub(crate) fn is_space(byte: u8) -> bool {
    byte == b' ' || (b'\t'..=b'\r').contains(&byte)
}

/// Where whitespace needs collapsing in an ASCII text that starts with a word: the
/// first position at or after `from` of a whitespace byte other than a space, or of a
/// space after a space.
fn next_fold(bytes: &[u8], from: usize) -> Option<usize> {
    let mut start = from.max(1);
    while let (Some(previous), Some(current)) =
        (bytes.get(start - 1..start - 1 + FOLD_CHUNK), bytes.get(start..start + FOLD_CHUNK))
    {
        let (Ok(previous), Ok(current)) = (previous.try_into(), current.try_into()) else {
            break;
        };
        if let Some(at) = fold_in_chunk(previous, current) {
            return Some(start + at);
        }
        start += FOLD_CHUNK;
    }
    // Fewer than a chunk's bytes are left: they are tested as a chunk too, copied
    // after the byte before them and padded with letters (no letter is a fold).
    let rest = bytes.get(start - 1..)?;
    let mut buffer = [b'a'; FOLD_CHUNK + 1];
    buffer.get_mut(..rest.len())?.copy_from_slice(rest);
    let (previous, current) = (buffer.first_chunk()?, buffer.last_chunk()?);
    fold_in_chunk(previous, current).map(|at| start + at)
}

/// How many bytes [`next_fold`] tests at once.
const FOLD_CHUNK: usize = 32;

/// The first position of `current` that is a fold, `previous` holding the byte
/// before each. The whole chunk is tested without branching: a loop of known length
/// over plain comparisons (no short-circuiting) is what the compiler turns into
/// vector code, where a slice of any length was compiled a byte at a time.
fn fold_in_chunk(previous: &[u8; FOLD_CHUNK], current: &[u8; FOLD_CHUNK]) -> Option<usize> {
    let folds = |previous: u8, byte: u8| {
        (byte == b' ') & (previous == b' ') | (byte.wrapping_sub(b'\t') <= b'\r' - b'\t')
    };
    let mut hits = [0u8; FOLD_CHUNK];
    for (hit, (p, b)) in hits.iter_mut().zip(previous.iter().zip(current)) {
        *hit = u8::from(folds(*p, *b));
    }
    // The first fold is found eight positions at a time (the lowest set byte of a
    // word), not by going back over the chunk a byte at a time.
    hits.chunks_exact(8).enumerate().find_map(|(i, eight)| {
        let word = u64::from_le_bytes(eight.try_into().ok()?);
        (word != 0).then(|| i * 8 + (word.trailing_zeros() / 8) as usize)
    })
}

/// `text.lines()` with the byte position where each line starts. Line ends are found
/// with `memchr` (vector code) rather than `str::lines`' search per line.
pub(crate) fn lines_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    let mut newlines = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = newlines.next().map_or(text.len(), |newline| newline + 1);
        let piece = text.get(start..end)?;
        let at = start;
        start = end;
        let line = match piece.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => piece,
        };
        Some((at, line))
    })
}

/// `text.lines()`, quicker (see [`lines_at`]).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    lines_at(text).map(|(_, line)| line)
}

/// The line that starts at byte `at` of `text`, as `str::lines` gives it, and where
/// the next line starts (`text.len()` after the last one).
pub(crate) fn line_at(text: &str, at: usize) -> (&str, usize) {
    let rest = tail(text, at);
    match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(newline) => {
            let line = rest.get(..newline).unwrap_or("");
            (line.strip_suffix('\r').unwrap_or(line), at + newline + 1)
        }
        None => (rest, text.len()),
    }
}

/// Where the first line at or after byte `from` (a line start) begins whose first
/// character after any whitespace is `first` (an ASCII character). Each byte is
/// looked at a bounded number of times, however the lines look.
pub(crate) fn next_line_starting_with(text: &str, from: usize, first: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut line_from = from;
    loop {
        let candidate = line_from + memchr::memchr(first, bytes.get(line_from..)?)?;
        let line_start = memchr::memrchr(b'\n', bytes.get(line_from..candidate)?)
            .map_or(line_from, |newline| line_from + newline + 1);
        if trim_start(text.get(line_start..candidate)?).is_empty() {
            return Some(line_start);
        }
        // No later `first` on this line starts it: go on with the next line.
        line_from = candidate + memchr::memchr(b'\n', bytes.get(candidate..)?)? + 1;
    }
}

/// True when `line` is empty or all whitespace (`line.trim().is_empty()`).
pub(crate) fn is_blank(line: &str) -> bool {
    trim_start(line).is_empty()
}

/// `text.trim()`, quicker (see [`trim_start`]).
pub(crate) fn trim(text: &str) -> &str {
    trim_end(trim_start(text))
}

/// `text.trim_end()`, quicker (see [`trim_start`]).
pub(crate) fn trim_end(text: &str) -> &str {
    // The byte after the last one that is not ASCII whitespace ends a character.
    let kept = text.bytes().rposition(|b| !is_space(b)).map_or(0, |i| i + 1);
    let rest = text.get(..kept).unwrap_or("");
    match rest.as_bytes().last() {
        Some(last) if !last.is_ascii() => rest.trim_end(),
        _ => rest,
    }
}

/// `text.trim_matches(..)` for characters that are all ASCII (`in_set` is false for
/// any other byte), a byte at a time: cutting next to ASCII bytes keeps characters
/// whole.
pub(crate) fn trim_ascii_set(text: &str, in_set: impl Fn(u8) -> bool) -> &str {
    let bytes = text.as_bytes();
    let Some(start) = bytes.iter().position(|b| !in_set(*b)) else { return "" };
    let end = bytes.iter().rposition(|b| !in_set(*b)).map_or(start, |i| i + 1);
    text.get(start..end).unwrap_or("")
}

/// `text.trim_start()`, quicker: ASCII whitespace is skipped a byte at a time, and only
/// text that goes on with a character beyond ASCII is left to `str::trim_start`.
pub(crate) fn trim_start(text: &str) -> &str {
    let spaces = text.bytes().position(|b| !is_space(b)).unwrap_or(text.len());
    let rest = tail(text, spaces);
    match rest.as_bytes().first() {
        Some(first) if !first.is_ascii() => rest.trim_start(),
        _ => rest,
    }
}

/// `String::from_utf8_lossy`, quicker for the usual valid UTF-8 (no replacement
/// needed).
pub(crate) fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// ASCII case-insensitive `find`, returning a byte position in `haystack`.
pub(crate) fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    let last = h.len() - n.len();
    let (lower, upper) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
    // Candidates are the positions of the needle's first byte in either case.
    memchr::memchr2_iter(lower, upper, h.get(..=last).unwrap_or_default())
        .find(|&i| h.get(i..i + n.len()).is_some_and(|w| w.eq_ignore_ascii_case(n)))
}

/// True when `text` contains `needle`, ignoring ASCII case.
pub(crate) fn contains_ci(text: &str, needle: &str) -> bool {
    find_ci(text, needle).is_some()
}

/// `text.strip_prefix(prefix)`, ignoring ASCII case.
pub(crate) fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

/// `text[from..]`, or "" when `from` is out of range or not a char boundary.
pub(crate) fn tail(text: &str, from: usize) -> &str {
    text.get(from..).unwrap_or("")
}

/// Strips an RFC 3464 type prefix such as `rfc822;`, `dns;`, `smtp;`, `X-Postfix;` or
/// `x-unix;` (a word of letters, digits and dashes followed by `;`).
pub(crate) fn strip_type_prefix(value: &str) -> &str {
    let value = trim(value);
    if let Some(semi) = memchr::memchr(b';', value.as_bytes()) {
        let word = trim_end(value.get(..semi).unwrap_or(""));
        if word.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return trim(tail(value, semi + 1));
        }
    }
    value
}

/// Cleans an address: removes a type prefix, angle brackets, quotes and trailing
/// punctuation. Returns `None` when nothing is left.
pub(crate) fn clean_address(value: &str) -> Option<String> {
    let value = strip_type_prefix(value);
    let bytes = value.as_bytes();
    let value = match (memchr::memchr(b'<', bytes), memchr::memrchr(b'>', bytes)) {
        (Some(open), Some(close)) if open < close => value.get(open + 1..close).unwrap_or(""),
        _ => value,
    };
    let value = trim_ascii_set(trim(value), |b| {
        matches!(b, b'<' | b'>' | b'"' | b'\'' | b',' | b';' | b':' | b'(' | b')')
    });
    let value = trim(value.trim_end_matches('.'));
    (!value.is_empty()).then(|| value.to_string())
}

/// Finds the first e-mail address in `text`: the content of the first `<...>`
/// containing `@`, else the first whitespace-separated word containing `@`.
pub(crate) fn find_address(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = memchr::memchr(b'<', rest.as_bytes()) {
        let after = tail(rest, open + 1);
        let Some(close) = memchr::memchr(b'>', after.as_bytes()) else { break };
        let inner = after.get(..close).unwrap_or("");
        if memchr::memchr(b'@', inner.as_bytes()).is_some() && !has_whitespace(inner) {
            return clean_address(inner);
        }
        rest = tail(after, close + 1);
    }
    word_with_at(text).and_then(clean_address)
}

/// The first whitespace-separated word of `text` that holds `@` and is longer than
/// two bytes: `text.split_whitespace().find(..)`, looking only around the `@`s of an
/// ASCII text.
fn word_with_at(text: &str) -> Option<&str> {
    if !text.is_ascii() {
        return text.split_whitespace().find(|w| w.contains('@') && w.len() > 2);
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'@', bytes.get(from..)?).map(|p| from + p) {
        let start = bytes.get(..at)?.iter().rposition(|b| is_space(*b)).map_or(0, |i| i + 1);
        let end =
            bytes.get(at..)?.iter().position(|b| is_space(*b)).map_or(bytes.len(), |i| at + i);
        let word = text.get(start..end)?;
        if word.len() > 2 {
            return Some(word);
        }
        from = end;
    }
    None
}

/// True when `text` holds a whitespace character.
fn has_whitespace(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(is_space)
    } else {
        text.contains(char::is_whitespace)
    }
}

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

/// Where a remote MTA is named in bounce text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RemoteHost {
    /// The host name (or the IP literal's text when only an address is given).
    pub name: Option<String>,
    /// The IP address in brackets, when given.
    pub ip: Option<IpAddr>,
    /// True for "refused to talk to me" (a rejection at connection time).
    pub refused_to_talk: bool,
}

/// Markers after which Postfix, Exim and others name the remote MTA as `NAME[IP]` or
/// `NAME [IP]`.
const HOST_MARKERS: &[&str] =
    &["host ", "connect to ", "lost connection with ", "conversation with ", "delivery to host "];

/// A text with its ASCII lower-cased copy (the same byte positions), for the several
/// case-insensitive searches made in one description with searchers built once.
pub(crate) struct LowerCased<'a> {
    pub text: &'a str,
    pub lower: String,
}

impl<'a> LowerCased<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LowerCased { text, lower: text.to_ascii_lowercase() }
    }
}

/// Finds the first `host NAME[IP]` (also `host NAME [IP]`, `connect to NAME[IP]:25`,
/// `lost connection with NAME[IP]`, ...) in `text`.
#[cfg(test)]
pub(crate) fn find_remote_host(text: &str) -> Option<RemoteHost> {
    remote_host_in(&LowerCased::new(text))
}

/// The first remote host (the forms `find_remote_host` lists), in a text already
/// lower-cased.
pub(crate) fn remote_host_in(text: &LowerCased<'_>) -> Option<RemoteHost> {
    let (raw, lower) = (text.text, text.lower.as_str());
    let mut best: Option<(usize, RemoteHost)> = None;
    for (marker, finder) in HOST_MARKERS.iter().zip(HOST_FINDERS.iter()) {
        let mut from = 0;
        // Look at a few occurrences of each marker: "host" is also an ordinary word.
        for _ in 0..8 {
            let Some(pos) = finder.find(tail(lower, from).as_bytes()) else { break };
            let start = from + pos + marker.len();
            from = start;
            if best.as_ref().is_some_and(|(p, _)| *p < start) {
                break;
            }
            // "Client host [192.0.2.1]" names the sending side, not the remote MTA.
            let before = lower.get(start.saturating_sub(marker.len() + 7)..start - marker.len());
            if before == Some("client ") {
                continue;
            }
            if let Some(host) = host_at(tail(raw, start)) {
                best = Some((start, host));
                break;
            }
        }
    }
    best.map(|(_, h)| h)
}

/// [`HOST_MARKERS`] as searchers, built once.
static HOST_FINDERS: LazyLock<Vec<Finder<'static>>> =
    LazyLock::new(|| HOST_MARKERS.iter().map(Finder::new).collect());

/// Parses `NAME[IP]` / `NAME [IP]` / `[IP]` at the start of `text`.
fn host_at(text: &str) -> Option<RemoteHost> {
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(text.len());
    let name = text[..name_end].trim_end_matches('.');
    let rest = &text[name_end..];
    let rest_trim = rest.strip_prefix(' ').unwrap_or(rest);
    let mut ip = None;
    let mut after = rest;
    if let Some(inner) = rest_trim.strip_prefix('[') {
        if let Some(close) = inner.find(']') {
            let literal = inner[..close].trim();
            let literal = literal.strip_prefix("IPv6:").unwrap_or(literal);
            ip = literal.parse::<IpAddr>().ok();
            after = &inner[close + 1..];
        }
    }
    // Postfix and Exim always name the host (the IP again when it has no name).
    if !(name.contains('.') || name.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let refused_to_talk = strip_prefix_ci(after.trim_start(), "refused to talk").is_some();
    let name = Some(name.to_string());
    // A bare name with neither brackets nor "said" is too weak ("host name lookup").
    if ip.is_none() {
        let next = after.trim_start();
        let head = next.get(..next.len().min(24)).unwrap_or("");
        let said = ["said", "refused"].iter().any(|w| strip_prefix_ci(head, w).is_some());
        if !(said || head.starts_with(':')) {
            return None;
        }
    }
    Some(RemoteHost { name, ip, refused_to_talk })
}

/// Verbs as bounce texts spell them (lower-case), and the command they stand for.
const VERBS: &[(&str, &str)] = &[
    ("rcpt to", "RCPT TO"),
    ("mail from", "MAIL FROM"),
    ("end of data", "DATA"),
    ("end of message", "DATA"),
    ("data", "DATA"),
    ("ehlo", "EHLO"),
    ("helo", "EHLO"),
    ("lhlo", "EHLO"),
    ("initial connection", "CONNECT"),
    ("initial server greeting", "CONNECT"),
    ("initial greeting", "CONNECT"),
    ("the initial server greeting", "CONNECT"),
    ("receiving the initial server greeting", "CONNECT"),
    ("performing the ehlo handshake", "EHLO"),
    ("performing the helo handshake", "EHLO"),
];

/// The command a lower-case text starts with.
fn verb_at(lower: &str) -> Option<&'static str> {
    VERBS
        .iter()
        .find(|(spelled, _)| {
            lower.starts_with(spelled)
                && !lower.as_bytes().get(spelled.len()).is_some_and(u8::is_ascii_alphabetic)
        })
        .map(|(_, command)| *command)
}

/// The command an SMTP line starts with (`RCPT To:<a@b>` gives `RCPT TO`), as in a
/// Sendmail transcript's `>>>` lines.
pub(crate) fn command_from_verb(line: &str) -> Option<&'static str> {
    verb_at(&line.trim_start().to_ascii_lowercase())
}

/// Phrases that introduce the command a failure answered.
const COMMAND_MARKERS: &[&str] =
    &["in reply to ", "after pipelined ", "after ", "while sending ", "while ", "during "];

/// Finds the SMTP command a failure answered: Postfix "(in reply to RCPT TO command)",
/// "(in reply to end of DATA command)", Exim "after RCPT TO:<...>", "after end of
/// data", "after initial connection", "refused to talk to me" (CONNECT), Postfix
/// "while sending MAIL FROM" / "while receiving the initial server greeting".
///
/// `HELO` and `LHLO` are reported as `EHLO`.
#[cfg(test)]
pub(crate) fn find_command(text: &str) -> Option<&'static str> {
    command_in(&LowerCased::new(text))
}

/// The SMTP command a failure answered (the forms `find_command` lists), in a text
/// already lower-cased.
pub(crate) fn command_in(text: &LowerCased<'_>) -> Option<&'static str> {
    let lower = text.lower.as_str();
    let mut best: Option<(usize, &'static str)> = None;
    for (marker, finder) in COMMAND_MARKERS.iter().zip(COMMAND_FINDERS.iter()) {
        let mut from = 0;
        while let Some(pos) = finder.find(tail(lower, from).as_bytes()) {
            let at = from + pos;
            from = at + marker.len();
            if best.is_some_and(|(p, _)| p <= at) {
                break;
            }
            // The marker must start a word.
            if at > 0 && lower.as_bytes()[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let rest = tail(lower, from);
            let rest = rest.strip_prefix("pipelined ").unwrap_or(rest);
            if let Some(command) = verb_at(rest) {
                best = Some((at, command));
                break;
            }
        }
    }
    if let Some(pos) = REFUSED_FINDER.find(lower.as_bytes()) {
        if best.is_none_or(|(p, _)| pos < p) {
            best = Some((pos, "CONNECT"));
        }
    }
    best.map(|(_, c)| c)
}

/// [`COMMAND_MARKERS`] as searchers, built once.
static COMMAND_FINDERS: LazyLock<Vec<Finder<'static>>> =
    LazyLock::new(|| COMMAND_MARKERS.iter().map(Finder::new).collect());

/// What a server says when it turns a client away at connection time.
const REFUSED_TO_TALK: &str = "refused to talk to me";

static REFUSED_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(REFUSED_TO_TALK));

/// Whether a lower-cased text holds a marker [`remote_host_in`] looks for, and one
/// [`command_in`] looks for: without one, neither can find anything. Most
/// descriptions hold neither or only one kind, and this one pass over them spares a
/// search per marker. Without the vector searcher (a CPU that lacks its
/// instructions) both are `true`, which costs only the searches.
pub(crate) fn markers_in(lower: &str) -> (bool, bool) {
    let Some(searcher) = MARKERS.as_ref() else { return (true, true) };
    let bytes = lower.as_bytes();
    let (mut host, mut command) = (false, false);
    let mut from = 0;
    while let Some(found) = searcher.find_in(bytes, Span::from(from..bytes.len())) {
        if found.pattern().as_usize() < HOST_MARKERS.len() {
            host = true;
        } else {
            command = true;
        }
        if host && command {
            break;
        }
        // One byte on, not past the match: a marker may start inside another.
        from = found.start() + 1;
    }
    (host, command)
}

/// [`HOST_MARKERS`], then [`COMMAND_MARKERS`] and [`REFUSED_TO_TALK`], in one
/// vector searcher, built once.
static MARKERS: LazyLock<Option<packed::Searcher>> = LazyLock::new(|| {
    packed::Config::new()
        .match_kind(packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(HOST_MARKERS.iter().chain(COMMAND_MARKERS).chain(&[REFUSED_TO_TALK]))
        .build()
});

/// Turns the description a human-readable bounce gives for one recipient into the
/// diagnostic: the remote server's answer (after `said:`, or from the reply code on)
/// without Postfix's trailing "(in reply to ... command)". `description` must already
/// be unfolded.
pub(crate) fn diagnostic_in(description: &LowerCased<'_>) -> String {
    let mut text = trim(description.text);
    // The lower-cased `text`: trimming cuts the same bytes from both.
    let trimmed_start = description.text.len() - trim_start(description.text).len();
    let lower = tail(&description.lower, trimmed_start);
    if let Some(pos) = IN_REPLY_FINDER.find(lower.get(..text.len()).unwrap_or("").as_bytes()) {
        text = trim_end(text.get(..pos).unwrap_or(""));
    }
    if let Some(pos) = SAID_FINDER.find(lower.get(..text.len()).unwrap_or("").as_bytes()) {
        let after = trim(tail(text, pos + " said:".len()));
        if !after.is_empty() {
            return after.to_string();
        }
    }
    if let Some(pos) = find_codes(text).reply_pos {
        return trim(tail(text, pos)).to_string();
    }
    text.trim_matches(|c: char| c == ':' || c.is_whitespace()).to_string()
}

static IN_REPLY_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("(in reply to "));

static SAID_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(" said:"));

/// Splits `text` into paragraphs separated by blank lines (lines of only whitespace).
pub(crate) fn paragraphs(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut lines = text.lines().peekable();
    std::iter::from_fn(move || {
        while lines.peek().is_some_and(|l| is_blank(l)) {
            lines.next();
        }
        lines.peek()?;
        let mut para = String::new();
        while let Some(line) = lines.next_if(|l| !is_blank(l)) {
            para.push_str(line.trim_end_matches('\r'));
            para.push('\n');
        }
        Some(para)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn status(s: &str) -> Option<StatusCode> {
        Some(s.parse().unwrap())
    }

    /// The ASCII fast path of [`unfold`] and the general one agree.
    #[test]
    fn unfolds_ascii_as_unicode_text() {
        let general = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        for text in [
            "",
            " ",
            "a",
            " a\x0B b\x0Cc\r\n\td ",
            "x\u{1c}y",
            "a  b\n\n c",
            "\u{a0}a\u{a0}b",
            " a b c ",
            "a b  c",
            "a b\tc",
            " \r\na b",
            "a b \n",
            "a\x0Bb",
            "\x0Ca b\x0C",
            "a b c",
        ] {
            assert_eq!(unfold(text), general(text), "{text:?}");
        }
        // Every short text over a few bytes, and long ones whose folds fall on both
        // sides of the chunk boundaries.
        let alphabet = [b'a', b' ', b'\t', b'\n', b'\x0B', b'\r', 0x1c];
        for len in 0..=6u32 {
            for mut n in 0..(alphabet.len() as u32).pow(len) {
                let mut bytes = Vec::new();
                for _ in 0..len {
                    bytes.push(alphabet[(n % alphabet.len() as u32) as usize]);
                    n /= alphabet.len() as u32;
                }
                let text = String::from_utf8(bytes).unwrap();
                assert_eq!(unfold(&text), general(&text), "{text:?}");
            }
        }
        for at in 0..80 {
            for fold in ["  ", "\r\n ", "\t", " \n\t  "] {
                let text = format!("{}{fold}{}", "ab c".repeat(at / 4 + 1), "de f".repeat(20));
                assert_eq!(unfold(&text), general(&text), "{text:?}");
                let text = format!("{}{}{fold}z", "x".repeat(at), " y".repeat(at));
                assert_eq!(unfold(&text), general(&text), "{text:?}");
            }
        }
        assert!(matches!(unfolded(" one line\r\n"), Cow::Borrowed("one line")));
        for text in [
            "é",
            " é ",
            "a é",
            "é a",
            "a\u{3000}b",
            "\u{3000}a",
            "a\u{3000}",
            "a  b\u{a0}",
            "ab é\n c",
        ] {
            assert_eq!(unfold(text), general(text), "{text:?}");
            let long = format!("{}{text}", "x y ".repeat(20));
            assert_eq!(unfold(&long), general(&long), "{long:?}");
        }
        assert_eq!(lossy(b"caf\xc3\xa9"), "café");
        assert_eq!(lossy(b"a\xffb"), "a\u{fffd}b");
    }

    /// [`lines_at`] cuts as `str::lines` does.
    #[test]
    fn cuts_lines_as_str_lines() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "\r\n\r",
            "a\r\r\nb",
            "é\nü\r\n",
        ] {
            let got: Vec<(usize, &str)> = lines_at(text).collect();
            let want: Vec<&str> = text.lines().collect();
            assert_eq!(got.iter().map(|(_, l)| *l).collect::<Vec<_>>(), want, "{text:?}");
            for (at, line) in got {
                assert!(text[at..].starts_with(line), "{text:?}");
            }
        }
    }

    #[test]
    fn tells_blank_lines() {
        for line in [
            "",
            " ",
            "\t\r",
            "\u{3000}",
            "a",
            " a",
            "\u{3000}a",
            "é",
            "\x1c",
            " \x0B\u{3000} é",
            "\u{85} ",
        ] {
            assert_eq!(is_blank(line), line.trim().is_empty(), "{line:?}");
            assert_eq!(trim_start(line), line.trim_start(), "{line:?}");
            assert_eq!(trim_end(line), line.trim_end(), "{line:?}");
            let padded = format!(" \t{line}\u{3000}{line}\r\n");
            assert_eq!(trim(&padded), padded.trim(), "{padded:?}");
        }
    }

    /// [`line_at`] walks the lines `str::lines` gives, and [`next_line_starting_with`]
    /// finds the first of them that starts with a character after whitespace.
    #[test]
    fn walks_lines_and_finds_line_starts() {
        for text in [
            "",
            "\n",
            "a",
            "a\r\nb\r",
            "a\r\r\n\nb\n",
            "é\n<x",
            " x<\n \u{3000}<a\n<",
            "<",
            "x\n  \t<y",
            "a<b<c\n<",
        ] {
            let mut walked = Vec::new();
            let mut at = 0;
            while at < text.len() {
                let (line, next) = line_at(text, at);
                walked.push(line);
                at = next;
            }
            assert_eq!(walked, text.lines().collect::<Vec<_>>(), "{text:?}");
            let mut starts = Vec::new();
            let mut from = 0;
            while let Some(start) = next_line_starting_with(text, from, b'<') {
                starts.push(start);
                from = line_at(text, start).1;
                if from >= text.len() {
                    break;
                }
            }
            let want: Vec<usize> = lines_at(text)
                .filter(|(_, line)| line.trim_start().starts_with('<'))
                .map(|(at, _)| at)
                .collect();
            assert_eq!(starts, want, "{text:?}");
        }
    }

    /// [`find_ci`] finds what a naive scan finds.
    #[test]
    fn finds_ignoring_case_as_a_naive_scan() {
        let naive = |h: &str, n: &str| {
            (0..=h.len().saturating_sub(n.len()))
                .find(|&i| {
                    h.as_bytes()
                        .get(i..i + n.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(n.as_bytes()))
                })
                .filter(|_| n.len() <= h.len())
        };
        let hay = "Host mx[1] said: HOST host é Connect to 550-HoSt";
        for needle in [
            "host ",
            "HOST",
            "said:",
            "é",
            "connect to ",
            "t",
            "550-host",
            "xyz",
            "Host mx[1] said: HOST host é Connect to 550-HoSt!",
        ] {
            assert_eq!(find_ci(hay, needle), naive(hay, needle), "{needle:?}");
        }
        // Matches on both sides of the chunk boundaries, letters against the bytes
        // that differ from them only in bit 0x20 (`@` and `` ` ``, `[` and `{`).
        for at in 0..70 {
            let hay = format!("{}Final-Recipient:{}", "@[`{ fINAL".repeat(at / 10), "x".repeat(at));
            for needle in ["final-recipient:", "FINAL", "`", "@", "[", "{", "l", "x:", "nal-r"] {
                assert_eq!(find_ci(&hay, needle), naive(&hay, needle), "{needle:?} in {hay:?}");
            }
        }
    }

    #[test]
    fn unfolds_and_collapses() {
        assert_eq!(unfold("  550 5.7.1 a\r\n    b\tc  \n d "), "550 5.7.1 a b c d");
        assert_eq!(unfold(" \n "), "");
    }

    #[test]
    fn strips_type_prefixes() {
        assert_eq!(strip_type_prefix("rfc822; a@b.example"), "a@b.example");
        assert_eq!(strip_type_prefix("dns;mx.example.com"), "mx.example.com");
        assert_eq!(strip_type_prefix("smtp; 550 5.1.1 x; y"), "550 5.1.1 x; y");
        assert_eq!(strip_type_prefix("X-Postfix; host not found"), "host not found");
        assert_eq!(strip_type_prefix("x-unix; procmail"), "procmail");
        assert_eq!(strip_type_prefix("550 5.7.1 blocked; see"), "550 5.7.1 blocked; see");
        assert_eq!(
            clean_address("rfc822; <K.Suzuki@example.jp>"),
            Some("K.Suzuki@example.jp".into())
        );
        assert_eq!(clean_address("rfc822;"), None);
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
        assert_eq!(strip_prefix_ci("(Reason: 550)", "(reason:"), Some(" 550)"));
        assert_eq!(strip_prefix_ci("(reas", "(reason:"), None);
        assert_eq!(strip_prefix_ci("éé", "é"), Some("é"));
        assert_eq!(strip_prefix_ci("é", "\u{c3}"), None);
    }

    #[test]
    fn finds_remote_hosts() {
        let h = find_remote_host("host mx.example.com[198.51.100.7] said: 550").unwrap();
        assert_eq!(h.name.as_deref(), Some("mx.example.com"));
        assert_eq!(h.ip, "198.51.100.7".parse().ok());
        assert!(!h.refused_to_talk);
        let h = find_remote_host("x: host mx.example.jp [192.0.2.20]: 550 5.7.0").unwrap();
        assert_eq!(h.name.as_deref(), Some("mx.example.jp"));
        assert_eq!(h.ip, "192.0.2.20".parse().ok());
        let h =
            find_remote_host("host mx.example.org[192.0.2.9] refused to talk to me: 554").unwrap();
        assert!(h.refused_to_talk);
        let h = find_remote_host("connect to mx.example.net[2001:db8::25]:25: Connection refused")
            .unwrap();
        assert_eq!(h.ip, "2001:db8::25".parse().ok());
        assert!(find_remote_host("the host name lookup failed").is_none());
        assert!(find_remote_host("host").is_none());
        assert!(find_remote_host("host é[").is_none());
        assert!(find_remote_host("Client host [192.0.2.85] blocked").is_none());
        assert!(find_remote_host("host [192.0.2.85] said").is_none());
    }

    #[test]
    fn finds_commands() {
        assert_eq!(find_command("550 x (in reply to RCPT TO command)"), Some("RCPT TO"));
        assert_eq!(find_command("(in reply to end of DATA command)"), Some("DATA"));
        assert_eq!(find_command("(in reply to MAIL FROM command)"), Some("MAIL FROM"));
        assert_eq!(
            find_command("SMTP error from remote mail server after RCPT TO:<a@b.example>:"),
            Some("RCPT TO")
        );
        assert_eq!(
            find_command("SMTP error from remote mail server after end of data:"),
            Some("DATA")
        );
        assert_eq!(find_command("after pipelined MAIL FROM:<a@b> SIZE=1"), Some("MAIL FROM"));
        assert_eq!(find_command("SMTP error after initial connection:"), Some("CONNECT"));
        assert_eq!(find_command("host x[192.0.2.1] refused to talk to me: 554"), Some("CONNECT"));
        assert_eq!(
            find_command(
                "lost connection with x[192.0.2.1] while receiving the initial server greeting"
            ),
            Some("CONNECT")
        );
        assert_eq!(find_command("(in reply to HELO command)"), Some("EHLO"));
        assert_eq!(find_command("after database update"), None);
        assert_eq!(find_command("nothing here"), None);
    }

    #[test]
    fn builds_diagnostics_from_descriptions() {
        let diagnostic = |description: &str| diagnostic_in(&LowerCased::new(description));
        assert_eq!(
            diagnostic(
                "host mx.example.com[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO command)"
            ),
            "550 5.1.1 unknown"
        );
        assert_eq!(
            diagnostic(
                "SMTP error from remote mail server after RCPT TO:<a@b.example>: host mx [192.0.2.1]: 550 5.1.1 no"
            ),
            "550 5.1.1 no"
        );
        assert_eq!(diagnostic("unknown user: \"neko\""), "unknown user: \"neko\"");
        // Case and surrounding whitespace do not move the cuts.
        assert_eq!(
            diagnostic("  \u{3000}Host x[192.0.2.1] SAID: 550 No (In Reply To RCPT TO command) "),
            "550 No"
        );
        assert_eq!(diagnostic(" a SAID: "), "a SAID");
    }

    /// The byte-at-a-time address readers agree with the `str` methods they replace.
    #[test]
    fn reads_addresses_as_the_str_methods_would() {
        fn strip_reference(value: &str) -> &str {
            let value = value.trim();
            if let Some(semi) = value.find(';') {
                let word = value[..semi].trim_end();
                if !word.is_empty()
                    && word.as_bytes()[0].is_ascii_alphabetic()
                    && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return value[semi + 1..].trim();
                }
            }
            value
        }
        fn clean_reference(value: &str) -> Option<String> {
            let value = strip_reference(value);
            let value = match (value.find('<'), value.rfind('>')) {
                (Some(open), Some(close)) if open < close => &value[open + 1..close],
                _ => value,
            };
            let value = value
                .trim()
                .trim_matches(|c: char| {
                    matches!(c, '<' | '>' | '"' | '\'' | ',' | ';' | ':' | '(' | ')')
                })
                .trim_end_matches('.')
                .trim();
            (!value.is_empty()).then(|| value.to_string())
        }
        fn find_reference(text: &str) -> Option<String> {
            let mut rest = text;
            while let Some(open) = rest.find('<') {
                let after = &rest[open + 1..];
                let Some(close) = after.find('>') else { break };
                let inner = &after[..close];
                if inner.contains('@') && !inner.contains(char::is_whitespace) {
                    return clean_reference(inner);
                }
                rest = &after[close + 1..];
            }
            text.split_whitespace()
                .find(|w| w.contains('@') && w.len() > 2)
                .and_then(clean_reference)
        }
        for text in [
            "",
            " rfc822; <K.Suzuki@example.jp>",
            "rfc822;",
            "X-Unix; |/usr/bin/procmail",
            " 1x; a@b ",
            "\"taro@example.jp\".",
            "(a@b.example), ",
            "<a b@c> x@y.example",
            "<a\u{3000}b@c> <d@e.example>",
            "@ a@ @b ab@c.example",
            "é@ x ü@é.example\u{3000}z",
            "<postmaster> no",
            "to:<>@:;",
            "\u{85}<a@b.example>.\u{a0}",
            "a@b.example...",
            ";;;",
            "Name <name@example.com>, Other <other@example.org>",
        ] {
            assert_eq!(strip_type_prefix(text), strip_reference(text), "{text:?}");
            assert_eq!(clean_address(text), clean_reference(text), "{text:?}");
            assert_eq!(find_address(text), find_reference(text), "{text:?}");
        }
    }

    #[test]
    fn finds_addresses_and_paragraphs() {
        assert_eq!(find_address("to <a@b.example> x").as_deref(), Some("a@b.example"));
        assert_eq!(find_address("  a@b.example:").as_deref(), Some("a@b.example"));
        assert_eq!(find_address("<postmaster> no"), None);
        let p: Vec<String> = paragraphs("\n\na\nb\n\n \nc\r\n").collect();
        assert_eq!(p, vec!["a\nb\n".to_string(), "c\n".to_string()]);
        assert_eq!(find_ci("abcDEF", "cde"), Some(2));
        assert_eq!(find_ci("ab", "abc"), None);
    }

    /// Where the searches find a host or a command, the markers say there may be one;
    /// and the markers tell a text that names both from one that names neither.
    #[test]
    fn markers_cover_the_host_and_command_searches() {
        let mut texts = vec![
            "host mx.example.com[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO command)"
                .to_string(),
            "SMTP error from remote mail server after pipelined RCPT TO:<a@b>: host \
             mx.example.com [192.0.2.1]: 550 no"
                .to_string(),
            "delivery to host mx.example.com[192.0.2.1] failed while sending MAIL FROM".into(),
            "mx.example.com[192.0.2.1] refused to talk to me: 554".into(),
            "lost connection with mx.example.com[192.0.2.1] while receiving the initial \
             server greeting"
                .into(),
            "conversation with mx.example.com[192.0.2.1] timed out during EHLO".into(),
            "connect to mx.example.com[192.0.2.1]:25: Connection refused".into(),
            "550 5.1.1 <a@b.example>: Recipient address rejected".into(),
        ];
        for marker in HOST_MARKERS.iter().chain(COMMAND_MARKERS).chain(&[REFUSED_TO_TALK]) {
            texts.push(format!("{marker}mx.example.com[192.0.2.1] said: rcpt to"));
            texts.push(format!("X {} data", marker.to_uppercase()));
        }
        for text in &texts {
            let lower = LowerCased::new(text);
            let (host, command) = markers_in(&lower.lower);
            assert!(host || remote_host_in(&lower).is_none(), "{text:?}");
            assert!(command || command_in(&lower).is_none(), "{text:?}");
        }
        if MARKERS.is_some() {
            assert_eq!(markers_in(&texts[0].to_lowercase()), (true, true));
            assert_eq!(markers_in(&texts[7].to_lowercase()), (false, false));
        }
    }
}
