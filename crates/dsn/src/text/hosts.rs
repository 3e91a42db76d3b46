//! The remote MTA (`host NAME[IP] said`), the SMTP command a failure answered ("in
//! reply to RCPT TO command"), and the server's reply cut out of an MTA's description.

use super::{find_codes, strip_prefix_ci, tail, trim, trim_end, trim_start, LowerCased};
use aho_corasick::packed;
use aho_corasick::Span;
use memchr::memmem::Finder;
use std::net::IpAddr;
use std::sync::LazyLock;

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
