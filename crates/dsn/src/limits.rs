//! How much of a hostile bounce is read: every bound the parser keeps, in one place,
//! with its default and the note a bounce carries when one was reached.
//!
//! A bounce is attacker-controlled input (anyone can send one to a bounce address),
//! so every structure that can grow with the input is bounded. A bound that is
//! reached never fails the parse silently: the message is read up to it and the
//! [`Bounce`](crate::Bounce) says which limit cut it ([`Bounce::truncated`](crate::Bounce::truncated)),
//! except for the message size, which is an error ([`ParseError::TooLarge`](crate::ParseError::TooLarge)).
//! `docs/limits.md` says why each default is what it is.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

/// The bounds one parse keeps. [`Limits::default`] holds the documented defaults;
/// [`parse_with`](crate::parse_with) takes others.
///
/// ```
/// let limits = rebound_dsn::Limits { diagnostic_length: 16, ..Default::default() };
/// let bounce = rebound_dsn::parse_with(
///     b"Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n\
///       Diagnostic-Code: smtp; 550 5.1.1 User unknown, really quite unknown\n",
///     &limits,
/// )
/// .unwrap();
/// assert_eq!(bounce.recipients[0].diagnostic.as_deref(), Some("550 5.1.1 User u"));
/// assert_eq!(bounce.truncated, vec![rebound_dsn::Limit::DiagnosticLength]);
/// assert_eq!(rebound_dsn::Limits::default().mime_depth, 16);
/// ```
// Not `#[non_exhaustive]`: callers set the limits they change and take the rest
// from `..Limits::default()`, which that attribute forbids outside this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input read as one message, in bytes (default 64 MiB). A larger one is
    /// [`ParseError::TooLarge`](crate::ParseError::TooLarge).
    pub message_size: usize,
    /// How deep multiparts inside multiparts are followed (default 16, at most
    /// [`Limits::MAX_MIME_DEPTH`]).
    pub mime_depth: usize,
    /// Most MIME parts read from one message (default 1,000).
    pub mime_parts: usize,
    /// Most recipients read from one bounce (default 10,000).
    pub recipients: usize,
    /// Longest header field value kept, in bytes (default 16 KiB): the bounced
    /// message's `Subject`, `From`, `Received`, ..., and the report's own fields.
    pub header_length: usize,
    /// Longest line of a text part read, in bytes (default 64 KiB); the rest of the
    /// line is skipped.
    pub line_length: usize,
    /// Longest diagnostic kept per recipient, in bytes (default 16 KiB).
    pub diagnostic_length: usize,
    /// Largest decoded size of one part (base64 or quoted-printable), in bytes
    /// (default 16 MiB); a part that decodes to more is read up to this.
    pub decoded_size: usize,
    /// Most sending IPs looked up per bounce (default 16), read by
    /// `rebound_verdict::plan_with`.
    pub ips: usize,
    /// Most host names and domains looked up per bounce (default 8), read by
    /// `rebound_verdict::plan_with`.
    pub domains: usize,
}

impl Limits {
    /// The deepest [`Limits::mime_depth`] there is: the MIME walk recurses once per
    /// level and scans the rest of the message at each, so depth costs stack and
    /// time; a larger setting counts as this one.
    pub const MAX_MIME_DEPTH: usize = 64;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            message_size: 64 << 20,
            mime_depth: 16,
            mime_parts: 1_000,
            recipients: 10_000,
            header_length: 16 << 10,
            line_length: 64 << 10,
            diagnostic_length: 16 << 10,
            decoded_size: 16 << 20,
            ips: 16,
            domains: 8,
        }
    }
}

/// One of the [`Limits`], by name: what a truncated bounce names, and what
/// `rebound --limit NAME=VALUE` sets.
///
/// ```
/// use rebound_dsn::{Limit, Limits};
/// let limit: Limit = "mime-depth".parse().unwrap();
/// assert_eq!(limit, Limit::MimeDepth);
/// assert_eq!(limit.to_string(), "mime-depth");
/// let mut limits = Limits::default();
/// limit.set(&mut limits, 4);
/// assert_eq!(limit.get(&limits), 4);
/// assert!("depth".parse::<Limit>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::message_size`].
    MessageSize,
    /// [`Limits::mime_depth`].
    MimeDepth,
    /// [`Limits::mime_parts`].
    MimeParts,
    /// [`Limits::recipients`].
    Recipients,
    /// [`Limits::header_length`].
    HeaderLength,
    /// [`Limits::line_length`].
    LineLength,
    /// [`Limits::diagnostic_length`].
    DiagnosticLength,
    /// [`Limits::decoded_size`].
    DecodedSize,
    /// [`Limits::ips`].
    Ips,
    /// [`Limits::domains`].
    Domains,
}

impl Limit {
    /// Every limit, in the order `docs/limits.md` lists them.
    pub const ALL: [Limit; 10] = [
        Limit::MessageSize,
        Limit::MimeDepth,
        Limit::MimeParts,
        Limit::Recipients,
        Limit::HeaderLength,
        Limit::LineLength,
        Limit::DiagnosticLength,
        Limit::DecodedSize,
        Limit::Ips,
        Limit::Domains,
    ];

    /// The name: `message-size`, `mime-depth`, ...
    ///
    /// ```
    /// assert_eq!(rebound_dsn::Limit::DecodedSize.name(), "decoded-size");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Limit::MessageSize => "message-size",
            Limit::MimeDepth => "mime-depth",
            Limit::MimeParts => "mime-parts",
            Limit::Recipients => "recipients",
            Limit::HeaderLength => "header-length",
            Limit::LineLength => "line-length",
            Limit::DiagnosticLength => "diagnostic-length",
            Limit::DecodedSize => "decoded-size",
            Limit::Ips => "ips",
            Limit::Domains => "domains",
        }
    }

    /// Whether the value is a number of bytes (so `64M` makes sense for it).
    ///
    /// ```
    /// assert!(rebound_dsn::Limit::MessageSize.is_bytes());
    /// assert!(!rebound_dsn::Limit::Recipients.is_bytes());
    /// ```
    pub fn is_bytes(self) -> bool {
        matches!(
            self,
            Limit::MessageSize
                | Limit::HeaderLength
                | Limit::LineLength
                | Limit::DiagnosticLength
                | Limit::DecodedSize
        )
    }

    /// This limit's value in `limits`.
    pub fn get(self, limits: &Limits) -> usize {
        *self.field(&mut limits.clone())
    }

    /// Sets this limit's value in `limits`.
    pub fn set(self, limits: &mut Limits, value: usize) {
        *self.field(limits) = value;
    }

    fn field(self, limits: &mut Limits) -> &mut usize {
        match self {
            Limit::MessageSize => &mut limits.message_size,
            Limit::MimeDepth => &mut limits.mime_depth,
            Limit::MimeParts => &mut limits.mime_parts,
            Limit::Recipients => &mut limits.recipients,
            Limit::HeaderLength => &mut limits.header_length,
            Limit::LineLength => &mut limits.line_length,
            Limit::DiagnosticLength => &mut limits.diagnostic_length,
            Limit::DecodedSize => &mut limits.decoded_size,
            Limit::Ips => &mut limits.ips,
            Limit::Domains => &mut limits.domains,
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is none of the [`Limit`]s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown limit {0:?} (known: message-size, mime-depth, mime-parts, recipients, header-length, line-length, diagnostic-length, decoded-size, ips, domains)")]
pub struct UnknownLimit(pub String);

impl std::str::FromStr for Limit {
    type Err = UnknownLimit;

    fn from_str(name: &str) -> Result<Limit, UnknownLimit> {
        Limit::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| UnknownLimit(name.to_string()))
    }
}

/// The limits of the parse running on this thread, and the ones it reached.
///
/// Why a scope rather than an argument: the limits are read a dozen calls deep, in
/// the MIME walker, the report reader and the text scanners of every bounce family;
/// passing them down would put them in every scanner's signature. The scope is
/// per call and per thread (parses on other threads have their own), set and
/// cleared by [`scoped`] only.
struct Scope {
    limits: Limits,
    reached: Vec<Limit>,
}

thread_local! {
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Runs `f` with `limits` in force; returns its result and the limits it reached,
/// each once, in the order they were first reached.
pub(crate) fn scoped<T>(limits: &Limits, f: impl FnOnce() -> T) -> (T, Vec<Limit>) {
    let outer = SCOPE.with(|s| s.replace(Some(Scope { limits: *limits, reached: Vec::new() })));
    let value = f();
    let scope = SCOPE.with(|s| s.replace(outer));
    (value, scope.map(|s| s.reached).unwrap_or_default())
}

/// The limits in force (the defaults outside [`scoped`], as for a unit test of one
/// scanner).
pub(crate) fn current() -> Limits {
    SCOPE.with(|s| s.borrow().as_ref().map(|s| s.limits)).unwrap_or_default()
}

/// Records that `limit` cut something.
pub(crate) fn reached(limit: Limit) {
    SCOPE.with(|s| {
        if let Some(scope) = s.borrow_mut().as_mut() {
            if !scope.reached.contains(&limit) {
                scope.reached.push(limit);
            }
        }
    });
}

/// `text` cut to at most `max` bytes at a character boundary; records `limit` when
/// it cut.
pub(crate) fn cut(text: &mut String, max: usize, limit: Limit) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        reached(limit);
    }
}

/// `input` with every line longer than [`Limits::line_length`] cut to it (the rest
/// of the line skipped; records [`Limit::LineLength`]); borrowed when no line is.
pub(crate) fn cut_lines(input: &[u8]) -> Cow<'_, [u8]> {
    let max = current().line_length;
    if !has_long_line(input, max) {
        return Cow::Borrowed(input);
    }
    reached(Limit::LineLength);
    let mut out = Vec::with_capacity(input.len().min(max.saturating_mul(64)));
    for line in input.split_inclusive(|&b| b == b'\n') {
        if line.len() > max {
            out.extend_from_slice(line.get(..max).unwrap_or(line));
            if line.ends_with(b"\n") {
                out.push(b'\n');
            }
        } else {
            out.extend_from_slice(line);
        }
    }
    Cow::Owned(out)
}

/// [`cut_lines`] for text: lines are cut at a character boundary.
pub(crate) fn cut_text_lines(text: Cow<'_, str>) -> Cow<'_, str> {
    let max = current().line_length;
    if !has_long_line(text.as_bytes(), max) {
        return text;
    }
    reached(Limit::LineLength);
    let mut out = String::with_capacity(text.len().min(max.saturating_mul(64)));
    for line in text.split_inclusive('\n') {
        if line.len() > max {
            let mut end = max;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            out.push_str(line.get(..end).unwrap_or_default());
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

/// Whether a line of `input` is longer than `max` bytes (one pass over the line
/// breaks).
fn has_long_line(input: &[u8], max: usize) -> bool {
    if input.len() <= max {
        return false;
    }
    let mut start = 0;
    for at in memchr::memchr_iter(b'\n', input) {
        if at - start > max {
            return true;
        }
        start = at + 1;
    }
    input.len() - start > max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for limit in Limit::ALL {
            assert_eq!(limit.name().parse::<Limit>(), Ok(limit));
            let mut limits = Limits::default();
            limit.set(&mut limits, 7);
            assert_eq!(limit.get(&limits), 7);
        }
    }

    #[test]
    fn a_scope_records_each_limit_once_and_ends() {
        let limits = Limits { mime_depth: 3, ..Limits::default() };
        let ((), reached_limits) = scoped(&limits, || {
            assert_eq!(current().mime_depth, 3);
            reached(Limit::Recipients);
            reached(Limit::MimeDepth);
            reached(Limit::Recipients);
        });
        assert_eq!(reached_limits, vec![Limit::Recipients, Limit::MimeDepth]);
        assert_eq!(current(), Limits::default());
        let mut text = "日本語".to_string();
        cut(&mut text, 4, Limit::HeaderLength);
        assert_eq!(text, "日");
    }

    #[test]
    fn long_lines_are_cut() {
        let limits = Limits { line_length: 4, ..Limits::default() };
        let (out, hit) = scoped(&limits, || cut_lines(b"abcdefg\nab\nabcdef").into_owned());
        assert_eq!(out, b"abcd\nab\nabcd");
        assert_eq!(hit, vec![Limit::LineLength]);
        let (out, hit) = scoped(&limits, || cut_text_lines("日本\nab".into()).into_owned());
        assert_eq!((out.as_str(), hit), ("日\nab", vec![Limit::LineLength]));
        let (out, hit) = scoped(&limits, || cut_lines(b"abcd\nabc\n").into_owned());
        assert_eq!((out.as_slice(), hit), (&b"abcd\nabc\n"[..], vec![]));
    }
}
