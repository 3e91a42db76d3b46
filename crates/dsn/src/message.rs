//! Reading a bounce message: deciding whether the input is a message at all, and
//! collecting from it its delivery-status parts, its human-readable text and the
//! headers of the message that bounced.
//!
//! The structure comes from [`crate::mime`], which decodes nothing until asked; here
//! only the bounce's own parts are decoded, and an attached original message
//! (`message/rfc822`) is read for its headers only, never scanned for codes. Header
//! values that need decoding (RFC 2047 words in `Subject`, `From`, `To`; `Message-ID`;
//! `Received`) go through `mail-parser`'s field parsers.

use crate::mime::{self, Entity, PartKind};
use crate::text::{
    contains_ci, is_space, lossy, strip_prefix_ci, trim_ascii_set, unfold, unfolded,
};
use crate::OriginalMessage;
use mail_parser::parsers::MessageStream;
use mail_parser::{Address, HeaderValue};
use std::borrow::Cow;
use std::cell::OnceCell;

/// A message: its header fields and its undecoded body.
#[derive(Debug)]
pub(crate) struct Message<'a> {
    root: Entity<'a>,
}

/// Headers whose presence makes the input a message rather than pasted text.
const MESSAGE_HEADERS: &[&str] =
    &["From", "To", "Subject", "Date", "Content-Type", "Received", "Return-Path", "Message-ID"];

fn has_message_header(entity: &Entity<'_>) -> bool {
    entity
        .fields
        .iter()
        .any(|f| MESSAGE_HEADERS.iter().any(|m| f.name.eq_ignore_ascii_case(m.as_bytes())))
}

/// True when the first line of `input` is a header field (`Name: value`, the name
/// made of letters, digits and dashes) or an mbox `From ` line. This keeps pasted
/// text such as `<a@b.example>: host ...` from being read as headers.
fn starts_with_header(input: &[u8]) -> bool {
    if input.starts_with(b"From ") {
        return true;
    }
    let name_len = input.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
    name_len > 0 && input.get(name_len) == Some(&b':')
}

/// Leading blank lines removed (a message may come with an empty line or two pasted
/// in front of it).
fn skip_blank_lines(input: &[u8]) -> &[u8] {
    let mut rest = input;
    // A line is blank when its line break comes before anything but whitespace: the
    // usual first line is not, which its first byte tells.
    while let Some(newline) = rest
        .iter()
        .position(|b| *b == b'\n' || !b.is_ascii_whitespace())
        .filter(|at| rest.get(*at) == Some(&b'\n'))
    {
        rest = rest.get(newline + 1..).unwrap_or_default();
    }
    rest
}

/// Reads `input` as a message when it has real headers (at least one of `From`,
/// `To`, `Subject`, `Date`, `Content-Type`, `Received`, `Return-Path`,
/// `Message-ID`); `None` means it is pasted text.
pub(crate) fn parse_message(input: &[u8]) -> Option<Message<'_>> {
    let input = skip_blank_lines(input);
    if !starts_with_header(input) {
        return None;
    }
    let root = Entity::read(input);
    has_message_header(&root).then_some(Message { root })
}

/// What a bounce message holds, sorted out.
#[derive(Debug, Default)]
pub(crate) struct Contents<'a> {
    /// Bodies of `message/delivery-status` parts.
    pub reports: Vec<Cow<'a, str>>,
    /// The human-readable text (text parts of the bounce itself, HTML turned into
    /// text when there is no plain text), cut before any inline copy of the original.
    pub human: Cow<'a, str>,
    /// Headers of the original message.
    pub original: OriginalMessage,
    /// `Date` of the bounce, raw (see [`Contents::date`]).
    date: Option<&'a [u8]>,
    /// A DSN content type, `X-Failed-Recipients` or a null sender (see
    /// [`Contents::looks_like_bounce`]).
    bounce_headers: bool,
    /// The addresses of the bounce's `X-Failed-Recipients` headers, in order.
    pub failed_recipients: Vec<String>,
    /// Bodies of `message/feedback-report` parts (ARF).
    pub feedback: Vec<Cow<'a, str>>,
    /// The message is a `multipart/report` (of any report type).
    pub is_report: bool,
    /// The raw subject (see [`Contents::subject`]).
    subject_value: Option<&'a [u8]>,
    /// The subject decoded, once it has been asked for.
    subject: OnceCell<Cow<'a, str>>,
    /// The attached message, when it is itself a `multipart/report` (a bounce that
    /// was forwarded, or returned inside another bounce).
    pub attached_report: Option<Vec<u8>>,
    /// The message's own `From` header, unfolded (its address: see
    /// [`Contents::sender_address`]).
    from: Option<Cow<'a, str>>,
    /// The `X-HmXmrOriginalRecipient` header of the attached message: Hotmail's JMRP
    /// complaint names the complaining recipient there.
    pub jmrp_recipient: Option<String>,
}

impl Contents<'_> {
    /// The bounce's subject, decoded the first time it is asked for (only the
    /// questions the structure does not settle need it).
    fn subject(&self) -> &str {
        self.subject
            .get_or_init(|| self.subject_value.and_then(decoded_subject).unwrap_or_default())
    }

    /// `Date` of the bounce, unfolded: read only when the report gives no date.
    pub(crate) fn date(&self) -> Option<String> {
        self.date.and_then(raw_value).map(Cow::into_owned)
    }

    /// The address in the bounce's `From`: looked for only when it is needed (an
    /// automatic reply's sender).
    pub(crate) fn sender_address(&self) -> Option<String> {
        self.from.as_deref().and_then(crate::text::find_address)
    }

    /// The `From` (MAILER-DAEMON, postmaster) or the subject says it is a bounce:
    /// asked only when the structure does not settle it.
    pub(crate) fn signed_as_bounce(&self) -> bool {
        signed_as_bounce(self.subject(), self.from.as_deref())
    }

    /// The bounce's headers say it is one (null sender, MAILER-DAEMON, a DSN
    /// content type, `X-Failed-Recipients`, a bounce subject).
    pub(crate) fn looks_like_bounce(&self) -> bool {
        self.bounce_headers || self.signed_as_bounce()
    }
}

/// Walks the bounce's own parts (not those of attached messages).
pub(crate) fn contents<'a>(message: &Message<'a>) -> Contents<'a> {
    let root = &message.root;
    let from = raw_header(root, "From");
    let root_type = root.content_type();
    let report = root_type.as_ref().is_some_and(|ct| ct.is("multipart", "report"));
    let mut contents = Contents {
        date: root.first("Date"),
        bounce_headers: bounce_headers(root, report),
        failed_recipients: failed_recipients(root),
        is_report: report,
        subject_value: root.last("Subject"),
        from,
        ..Contents::default()
    };
    // Bodies are borrowed from the input where they can be.
    // The text parts joined by blank lines; usually one, used as it is.
    let mut plain: Option<Cow<'a, str>> = None;
    // HTML is decoded only when there is no plain text (it is often the biggest part).
    let mut html: Vec<&mime::Leaf<'_>> = Vec::new();
    let mut original: Option<OriginalMessage> = None;
    let leaves = mime::leaves_typed(root, root_type);
    for leaf in &leaves {
        let part = &leaf.body;
        match leaf.kind {
            PartKind::DeliveryStatus => {
                contents.reports.push(crate::limits::cut_text_lines(part.text_without_charset()));
            }
            PartKind::FeedbackReport => contents.feedback.push(part.text_without_charset()),
            PartKind::Message if original.is_none() => {
                let bytes = part.decoded();
                // Some MTAs leave a blank line between the part's header and the
                // attached message's.
                let inner = Entity::read(skip_blank_lines(&bytes));
                if !inner.fields.is_empty() {
                    contents.jmrp_recipient = raw_header(&inner, "X-HmXmrOriginalRecipient")
                        .as_deref()
                        .and_then(crate::text::find_address);
                    if is_report(&inner) {
                        contents.attached_report = Some(bytes.to_vec());
                    }
                    original = Some(original_message(&inner));
                }
            }
            PartKind::Headers if original.is_none() => {
                original = original_from_text(&leaf.text());
            }
            PartKind::Html => html.push(leaf),
            PartKind::Text => {
                let text = leaf.text();
                plain = Some(match plain {
                    None => text,
                    Some(before) => Cow::Owned(before.into_owned() + "\n\n" + &text),
                });
            }
            PartKind::Message | PartKind::Headers | PartKind::Other => {}
        }
    }
    if plain.is_none() && html.is_empty() && contents.reports.is_empty() {
        plain = Some(lossy(root.body));
    }
    let human: Cow<'a, str> = match plain {
        Some(text) => text,
        None => Cow::Owned(
            html.iter().map(|h| html_to_text(&h.text())).collect::<Vec<_>>().join("\n\n"),
        ),
    };
    let mut human = crate::limits::cut_text_lines(human);
    // An inline copy of the original message ends the bounce's own text.
    if let Some((at, headers_from)) = inline_copy(&human) {
        if original.is_none() {
            original = original_from_text(&human[headers_from..]);
        }
        human = match human {
            Cow::Borrowed(text) => Cow::Borrowed(&text[..at]),
            Cow::Owned(mut text) => {
                text.truncate(at);
                Cow::Owned(text)
            }
        };
    }
    if let Some(original) = original {
        contents.original = original;
    }
    contents.human = human;
    contents
}

/// The `by` host of the last `Received` header of the message (the first hop the
/// bounce took, usually the host that wrote it).
pub(crate) fn received_by(message: &Message<'_>) -> Option<String> {
    by_host(&lossy(message.root.last("Received")?))
}

/// The host after the `by` keyword of a `Received` value (RFC 5321 4.4), outside
/// comments: `mx.example.jp` (trailing dot removed) or an address literal's IP.
fn by_host(received: &str) -> Option<String> {
    if received.is_ascii() {
        return by_host_in(ascii_words(received));
    }
    by_host_in(received.split(|c: char| c.is_whitespace() || c == ';').filter(|w| !w.is_empty()))
}

/// The words of an ASCII `text` between whitespace and `;`: what splitting at
/// characters gives, without decoding any.
fn ascii_words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let is_separator = |b: &u8| is_space(*b) || *b == b';';
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + bytes.get(at..)?.iter().position(|b| !is_separator(b))?;
        let rest = bytes.get(start..)?;
        at = start + rest.iter().position(is_separator).unwrap_or(rest.len());
        text.get(start..at)
    })
}

/// [`by_host`] over the words of the value.
fn by_host_in<'t>(mut words: impl Iterator<Item = &'t str>) -> Option<String> {
    let mut depth = 0usize;
    while let Some(word) = words.next() {
        // Comments can nest, and `by` inside one (`(... by Postfix ...)`) is no keyword.
        let opens = word.bytes().filter(|b| *b == b'(').count();
        let closes = word.bytes().filter(|b| *b == b')').count();
        let outside = depth == 0 && opens == 0;
        depth = (depth + opens).saturating_sub(closes);
        if !(outside && word.eq_ignore_ascii_case("by")) {
            continue;
        }
        let host = words.next()?.trim_end_matches(',');
        if host.starts_with('(') {
            return None;
        }
        return match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(literal) => {
                let literal = literal.strip_prefix("IPv6:").unwrap_or(literal);
                literal.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string())
            }
            None => {
                let name = host.trim_end_matches('.');
                (!name.is_empty()).then(|| name.to_string())
            }
        };
    }
    None
}

/// Whether the entity is a `multipart/report`.
fn is_report(entity: &Entity<'_>) -> bool {
    entity.content_type().is_some_and(|ct| ct.is("multipart", "report"))
}

/// Whether the structure or the headers of the bounce itself, its sender and subject
/// aside, say it is a bounce (`is_report` being what [`is_report`] says).
fn bounce_headers(root: &Entity<'_>, is_report: bool) -> bool {
    is_report
        || root.first("X-Failed-Recipients").is_some()
        || raw_header(root, "Return-Path").is_some_and(|v| v.trim() == "<>")
}

/// Whether the bounce's `From` (MAILER-DAEMON, postmaster, "Mail Delivery ...") or its
/// subject says it is a bounce; `from` is the bounce's raw `From` header.
fn signed_as_bounce(subject: &str, from: Option<&str>) -> bool {
    let from = from.unwrap_or_default();
    ["mailer-daemon", "postmaster", "mail delivery"].iter().any(|w| contains_ci(from, w))
        || [
            "undeliver",
            "returned mail",
            "delivery status notification",
            "delivery failure",
            "failure notice",
            "delivery failed",
            "not delivered",
            "could not be delivered",
            "mail delivery failed",
            "delivery has failed",
            "bounce",
        ]
        .iter()
        .any(|w| contains_ci(subject, w))
}

/// The addresses of every `X-Failed-Recipients` header (comma-separated lists).
fn failed_recipients(root: &Entity<'_>) -> Vec<String> {
    root.all("X-Failed-Recipients")
        .filter_map(raw_value)
        .flat_map(|value| {
            value.split(',').filter_map(crate::text::find_address).collect::<Vec<_>>()
        })
        .take(crate::family::max_records())
        .collect()
}

/// Whether the headers say the message is an automatic reply (`Auto-Submitted:
/// auto-replied`, `X-Autoreply`, an out-of-office subject, ...): asked only of a
/// message that nothing else marks as a bounce.
pub(crate) fn auto_replied(message: &Message<'_>, contents: &Contents<'_>) -> bool {
    headers_auto_replied(&message.root, contents.subject())
}

/// [`auto_replied`], by RFC 3834 and the older conventions vacation programs use.
fn headers_auto_replied(root: &Entity<'_>, subject: &str) -> bool {
    let header = |name: &str| raw_header(root, name);
    header("Auto-Submitted").is_some_and(|v| strip_prefix_ci(&v, "auto-replied").is_some())
        || header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("X-Apple-Action").is_some_and(|v| contains_ci(&v, "vacation"))
        || header("Precedence").is_some_and(|v| contains_ci(&v, "auto_reply"))
        || auto_reply_subject(subject.trim_start())
}

/// How the subjects of automatic replies start (lower case).
const AUTO_REPLY_SUBJECTS: &[&str] = &[
    "auto:",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-respons",
    "autorespons",
    "automatic reply",
    "out of office",
    "out of the office",
];

/// Whether a subject (leading blanks removed) starts the way automatic replies' do.
fn auto_reply_subject(subject: &str) -> bool {
    // The first letter rules out nearly every subject before any comparison.
    let Some(first) = subject.as_bytes().first().map(u8::to_ascii_lowercase) else {
        return false;
    };
    AUTO_REPLY_SUBJECTS.iter().any(|start| {
        start.as_bytes().first() == Some(&first) && strip_prefix_ci(subject, start).is_some()
    })
}

/// The `Subject` (the last one, as mail readers show it), RFC 2047 words decoded.
fn subject<'a>(entity: &Entity<'a>) -> Option<Cow<'a, str>> {
    entity.last("Subject").and_then(decoded_subject)
}

/// A raw `Subject` value, RFC 2047 words decoded; `None` when it is blank.
fn decoded_subject(value: &[u8]) -> Option<Cow<'_, str>> {
    if has_encoded_word(value) {
        return match MessageStream::new(value).parse_unstructured() {
            HeaderValue::Text(text) => Some(text),
            _ => None,
        };
    }
    // No encoded words: what `parse_unstructured` gives, without its token list:
    // every line trimmed of spaces, tabs and CRs, the non-empty ones joined by a space.
    let joined = |text: &str| -> Option<String> {
        let lines: Vec<&str> = text
            .split('\n')
            .map(|line| line.trim_matches([' ', '\t', '\r']))
            .filter(|line| !line.is_empty())
            .collect();
        (!lines.is_empty()).then(|| lines.join(" "))
    };
    match lossy(value) {
        Cow::Borrowed(text) => {
            let line = trim_ascii_set(text, |b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
            if line.is_empty() {
                None
            } else if !line.contains('\n') {
                Some(Cow::Borrowed(line))
            } else {
                joined(text).map(Cow::Owned)
            }
        }
        Cow::Owned(text) => joined(&text).map(Cow::Owned),
    }
}

/// Whether `value` may hold an RFC 2047 encoded word (`=?`). Values are short: a
/// look at each `=` costs less than building a substring searcher.
fn has_encoded_word(value: &[u8]) -> bool {
    memchr::memchr_iter(b'=', value).any(|at| value.get(at + 1) == Some(&b'?'))
}

/// A raw header value, unfolded; `None` when empty. Borrowed from the input when
/// unfolding only trims it (most values are only looked at, not kept).
fn raw_value(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let value = match lossy(bytes) {
        Cow::Borrowed(text) => unfolded(text),
        Cow::Owned(text) => Cow::Owned(unfold(&text)),
    };
    (!value.is_empty()).then_some(value)
}

/// The first header called `name` (any case), unfolded, as written.
fn raw_header<'a>(entity: &Entity<'a>, name: &str) -> Option<Cow<'a, str>> {
    entity.first(name).and_then(raw_value)
}

/// An address header as written, with RFC 2047 encoded words decoded.
fn address_header(entity: &Entity<'_>, name: &str) -> Option<String> {
    let raw = raw_header(entity, name)?.into_owned();
    if !has_encoded_word(raw.as_bytes()) {
        return Some(raw);
    }
    let value = MessageStream::new(entity.first(name)?).parse_address();
    match value.as_address() {
        Some(address) => {
            let shown: Vec<String> = address_list(address);
            if shown.is_empty() {
                Some(raw)
            } else {
                Some(shown.join(", "))
            }
        }
        None => Some(raw),
    }
}

fn address_list(address: &Address<'_>) -> Vec<String> {
    address
        .iter()
        .map(|addr| match (addr.name(), addr.address()) {
            (Some(name), Some(mail)) => format!("{name} <{mail}>"),
            (None, Some(mail)) => mail.to_string(),
            (Some(name), None) => name.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The message id in a `Message-ID` value, read as `mail-parser` reads it: the text
/// between `<` and `>` (blanks around it dropped); when there is no `<...>`, the text
/// there is; and nothing when there are several ids, or when the value does not end
/// with a line break (a header cut short).
fn message_id<'a>(value: &'a [u8]) -> Option<Cow<'a, str>> {
    if !value.ends_with(b"\n") {
        return None;
    }
    let blank = |b: &u8| matches!(b, b'\n' | b' ' | b'\t' | b'\r');
    let trim = |text: &'a [u8]| -> &'a [u8] {
        let start = text.iter().position(|b| !blank(b)).unwrap_or(text.len());
        let end = text.iter().rposition(|b| !blank(b)).map_or(start, |i| i + 1);
        text.get(start..end).unwrap_or_default()
    };
    // The usual value, one `<id>` and nothing else, needs no byte-by-byte reading.
    if let Some(inner) = trim(value).strip_prefix(b"<").and_then(|v| v.strip_suffix(b">")) {
        if memchr::memchr2(b'<', b'>', inner).is_none() {
            let id = trim(inner);
            return (!id.is_empty()).then(|| lossy(id));
        }
    }
    let mut ids: Vec<&[u8]> = Vec::new();
    let mut in_id = false;
    // First and last non-blank byte of the id being read, and of the text outside ids.
    let mut id: Option<(usize, usize)> = None;
    let mut outside: Option<(usize, usize)> = None;
    for (at, &b) in value.iter().enumerate() {
        match b {
            b'\n' | b' ' | b'\t' | b'\r' => continue,
            b'<' => {
                in_id = true;
                continue;
            }
            b'>' => {
                in_id = false;
                match id.take() {
                    Some((start, end)) => ids.push(value.get(start..=end).unwrap_or_default()),
                    None => continue,
                }
            }
            _ => {}
        }
        let span = if in_id { &mut id } else { &mut outside };
        match span {
            Some((_, end)) => *end = at,
            None => *span = Some((at, at)),
        }
    }
    match ids.as_slice() {
        [one] => Some(lossy(one)),
        [] => outside.map(|(start, end)| lossy(value.get(start..=end).unwrap_or_default())),
        _ => None,
    }
}

/// The headers of the message that bounced.
fn original_message(entity: &Entity<'_>) -> OriginalMessage {
    let message_id = entity
        .last("Message-ID")
        .and_then(message_id)
        .map(|id| id.trim().trim_start_matches('<').trim_end_matches('>').to_string());
    OriginalMessage {
        message_id: message_id.filter(|id| !id.is_empty()),
        from: address_header(entity, "From"),
        to: address_header(entity, "To"),
        subject: subject(entity).map(|s| unfold(&s)).filter(|s| !s.is_empty()),
        date: raw_header(entity, "Date").map(Cow::into_owned),
        received: entity.all("Received").filter_map(raw_value).map(Cow::into_owned).collect(),
        return_path: raw_header(entity, "Return-Path").and_then(|v| crate::text::clean_address(&v)),
    }
}

/// Original headers given as text (`text/rfc822-headers`, or an inline copy).
pub(crate) fn original_from_text(text: &str) -> Option<OriginalMessage> {
    let start = text.trim_start_matches(['\r', '\n']);
    let entity = Entity::read(start.as_bytes());
    has_message_header(&entity).then(|| original_message(&entity))
}

/// Separator lines that introduce an inline copy of the original message (each holds
/// `message` or `headers`).
const COPY_MARKERS: &[&str] = &[
    "this is a copy of the message",
    "this is a copy of the headers",
    "copy of the message's headers",
    "original message",
    "unsent message follows",
    "message header follows",
    "original message header",
    "below this line is a copy of the message",
    "undelivered message",
    "returned message",
];

/// Whole lines (without separator dashes) that introduce an inline copy. They stay
/// part of the bounce's text, since they are how their family is recognised.
const PLAIN_COPY_MARKERS: &[&str] =
    &["original message follows.", "message headers follow.", "original message follows:"];

/// Finds a separator line such as `------ This is a copy of the message, including
/// all the headers. ------` or `----- Original message -----`: returns where the
/// bounce's own text ends (where the line starts, or after an undecorated line such as
/// `Original message follows.`) and where the copied headers start.
pub(crate) fn inline_copy(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut offset = 0;
    while offset < bytes.len() {
        let start = offset;
        offset = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n + 1);
        let line = &text[start..offset];
        // Every marker line starts (once trimmed) with `-`, `=`, `o` or `m`: any other
        // ASCII byte first rules the line out without trimming it. (The ASCII
        // characters `trim` removes are space, tab, LF, VT, FF and CR.)
        let first =
            line.bytes().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r'));
        if first.is_none_or(|b| b.is_ascii() && !matches!(b | 0x20, b'-' | b'=' | b'o' | b'm')) {
            continue;
        }
        let trimmed = crate::text::trim(line);
        if PLAIN_COPY_MARKERS.iter().any(|m| trimmed.eq_ignore_ascii_case(m)) {
            return Some((offset, offset));
        }
        if !(trimmed.starts_with("--") || trimmed.starts_with("==")) {
            continue;
        }
        // Every marker holds `message` or `headers`, which most separator lines (MIME
        // delimiters, rules) do not.
        let may_mark = contains_ci(trimmed, "message") || contains_ci(trimmed, "headers");
        if may_mark && COPY_MARKERS.iter().any(|m| contains_ci(trimmed, m)) {
            return Some((start, offset));
        }
    }
    None
}

/// A rough plain-text rendering of HTML: tags removed, block tags turned into line
/// breaks, the common entities decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    const BLOCK_TAGS: &[&str] = &["br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "pre"];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = memchr::memchr(b'<', rest.as_bytes()) {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = memchr::memchr(b'>', after.as_bytes()) else {
            rest = "";
            break;
        };
        let tag = after[..close].trim_start_matches('/');
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        if BLOCK_TAGS.iter().any(|block| name.eq_ignore_ascii_case(block)) {
            text.push('\n');
        }
        rest = &after[close + 1..];
    }
    text.push_str(rest);
    decode_entities(&text)
}

/// The common HTML entities decoded, each once (`&amp;lt;` is `&lt;`).
fn decode_entities(text: &str) -> String {
    const ENTITIES: &[(&str, &str)] = &[
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        match ENTITIES.iter().find(|(entity, _)| candidate.starts_with(entity)) {
            Some((entity, character)) => {
                out.push_str(character);
                rest = &candidate[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tells_messages_from_pasted_text() {
        assert!(parse_message(b"From: a@b.example\nSubject: x\n\nbody").is_some());
        assert!(parse_message(b"\n\nSubject: x\n\nbody").is_some());
        assert!(parse_message(b"<a@b.example>: host x[192.0.2.1] said: 550\n").is_none());
        assert!(parse_message(b"Final-Recipient: rfc822; a@b.example\nAction: failed\n").is_none());
        assert!(parse_message(b"550 5.7.1 blocked").is_none());
        assert!(parse_message(b"").is_none());
        for (input, kept) in [
            (&b""[..], &b""[..]),
            (b"  \n \r\nFrom: a", b"From: a"),
            (b"\n \t ", b" \t "),
            (b" a\n", b" a\n"),
            (b"\n\n", b""),
        ] {
            assert_eq!(skip_blank_lines(input), kept);
        }
    }

    /// The `by` host of the last `Received`, and fields that follow odd ones (a bare
    /// date zone, unclosed quotes and encoded words) are still read.
    #[test]
    fn reads_received_and_fields_after_odd_ones() {
        let cases: [(&[u8], Option<&str>, Option<&str>); 5] = [
            (
                b"Received: from a.example by first.example; Mon, 3 Mar 2025 10:00:00 +0900\n\
Received: from b.example (b.example [192.0.2.1])\n\tby mx.example.jp. (Postfix) with ESMTP id X;\n \
Mon, 3 Mar 2025 10:00:00 +0900\nFrom: a@example.jp\n\nbody\n",
                Some("mx.example.jp"),
                Some("a@example.jp"),
            ),
            (b"Received: from x by [192.0.2.7] with SMTP\nSubject: s\n\nbody\n", Some("192.0.2.7"), None),
            (b"Received: garbage\nFrom: a@example.jp\n\nbody\n", None, Some("a@example.jp")),
            (
                b"Date: Thu, 20 Apr 2008 23:34:45 UT\nFrom: Sender <a@example.jp>\nTo: b@example.jp\n\nx\n",
                None,
                Some("Sender <a@example.jp>"),
            ),
            (
                b"Sender: =?utf-8?B?5aSq\nCc: =?utf-8?q?a\n =20b?= <c@x>\nBcc: \"q\nFrom: a@example.jp\n\nx\n",
                None,
                Some("a@example.jp"),
            ),
        ];
        for (raw, by, from) in cases {
            let message = parse_message(raw).unwrap();
            assert_eq!(received_by(&message).as_deref(), by);
            assert_eq!(original_message(&message.root).from.as_deref(), from);
        }
    }

    #[test]
    fn finds_the_by_host_of_a_received_value() {
        let cases = [
            (
                " from a (a [192.0.2.1]) by mx.example.jp. (Postfix) with ESMTP",
                Some("mx.example.jp"),
            ),
            (" from a (HELO by-pass by x.example) BY [192.0.2.9]; Mon, 3 Mar", Some("192.0.2.9")),
            (" from a by [IPv6:2001:db8::1] with SMTP", Some("2001:db8::1")),
            (" (qmail 1 invoked by uid 0); 3 Mar 2025", None),
            (" from a by", None),
            (" by (no host)", None),
        ];
        for (value, host) in cases {
            assert_eq!(by_host(value).as_deref(), host, "{value}");
        }
        for text in ["", " ;a;; b\t\x0Bc\r\n", "a", "(x) by\x0Cy;"] {
            let general: Vec<_> = text
                .split(|c: char| c.is_whitespace() || c == ';')
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(ascii_words(text).collect::<Vec<_>>(), general, "{text:?}");
        }
    }

    /// The same ids `mail-parser`'s `parse_id` gives.
    #[test]
    fn reads_message_ids_as_mail_parser_does() {
        for value in [
            " <a@example.jp>\n",
            " <a@example.jp>\r\n",
            "  < a@example.jp >  \n",
            " a@example.jp\n",
            " <a@example.jp> <b@example.jp>\n",
            " <a@example.jp\n",
            " junk <a@example.jp> more\n",
            " junk <> more\n",
            " <a@example.jp>",
            " <a@\n example.jp>\n",
            "\n",
            " <\u{3042}@example.jp>\n",
            " <>\n",
            " < \t>\n",
            "<a@example.jp>\r\n",
            " <a@example.jp>x\n",
        ] {
            let ours = message_id(value.as_bytes()).map(|id| id.into_owned());
            let theirs = match MessageStream::new(value.as_bytes()).parse_id() {
                HeaderValue::Text(id) => Some(id.into_owned()),
                _ => None,
            };
            assert_eq!(ours, theirs, "{value:?}");
        }
    }

    #[test]
    fn reads_original_headers() {
        let raw = "Received: from a.example (a.example [192.0.2.1])\n\tby b.example with ESMTP;\n \
                   Mon, 3 Mar 2025 10:00:00 +0900\nMessage-ID: <x1@a.example>\n\
                   From: =?UTF-8?B?5aSq6YOO?= <taro@a.example>\nTo: hanako@b.example\n\
                   Subject: =?UTF-8?B?44GK6KaL56mN44KC44KK?=\nDate: Mon, 3 Mar 2025 10:00:00 +0900\n\n";
        let original = original_from_text(raw).unwrap();
        assert_eq!(original.message_id.as_deref(), Some("x1@a.example"));
        assert_eq!(original.from.as_deref(), Some("太郎 <taro@a.example>"));
        assert_eq!(original.to.as_deref(), Some("hanako@b.example"));
        assert_eq!(original.subject.as_deref(), Some("お見積もり"));
        assert_eq!(original.date.as_deref(), Some("Mon, 3 Mar 2025 10:00:00 +0900"));
        assert_eq!(
            original.received,
            ["from a.example (a.example [192.0.2.1]) by b.example with ESMTP; Mon, 3 Mar 2025 10:00:00 +0900"]
        );
        assert!(original_from_text("no headers here").is_none());
    }

    #[test]
    fn a_multipart_without_parts_is_read_whole() {
        let raw = b"From: MAILER-DAEMON@example.net\nSubject: Delivery Notification\n\
Content-Type: multipart/report; boundary=\"never-used\"; report-type=delivery-status\n\n\
Final-recipient: rfc822;a@example.jp\nAction: failed\nStatus: 5.1.1\n";
        let message = parse_message(raw).unwrap();
        let contents = contents(&message);
        assert!(contents.human.contains("Final-recipient: rfc822;a@example.jp"));
    }

    #[test]
    fn reads_headers_of_auto_replies_and_failed_recipients() {
        let raw = b"From: Taro <taro@example.jp>\nSubject: Out of Office: hello\n\
X-Failed-Recipients: a@example.jp, <b@example.jp>\n\nAway.\n";
        let message = parse_message(raw).unwrap();
        let contents = contents(&message);
        assert!(auto_replied(&message, &contents));
        assert_eq!(contents.sender_address().as_deref(), Some("taro@example.jp"));
        assert_eq!(contents.failed_recipients, ["a@example.jp", "b@example.jp"]);
        let auto_replied_of = |raw: &[u8]| {
            let message = parse_message(raw).unwrap();
            auto_replied(&message, &super::contents(&message))
        };
        let raw = b"From: Taro <taro@example.jp>\nSubject: Re: vacation plans\n\nSee you.\n";
        assert!(!auto_replied_of(raw));
        let raw = b"From: a@example.jp\nAuto-Submitted: auto-replied (vacation)\n\nAway.\n";
        assert!(auto_replied_of(raw));
        let raw = b"From: a@example.jp\nAuto-Submitted: auto-generated\n\nReport.\n";
        assert!(!auto_replied_of(raw));
    }

    fn contents_of(raw: &[u8]) -> Contents<'_> {
        contents(&parse_message(raw).unwrap())
    }

    #[test]
    fn finds_inline_copies_and_renders_html() {
        // `inline_copy` looks for these two words before it looks for markers.
        assert!(COPY_MARKERS.iter().all(|m| m.contains("message") || m.contains("headers")));
        let text = "intro\n------ This is a copy of the message, including all the headers. ------\nFrom: a\n";
        let (at, from) = inline_copy(text).unwrap();
        assert_eq!(&text[..at], "intro\n");
        assert_eq!(&text[from..], "From: a\n");
        assert_eq!(inline_copy("-- \nsignature"), None);
        // Lines are trimmed of any whitespace before they are compared.
        let text = "a\n\u{3000}----- Original message -----\nb\n";
        assert_eq!(inline_copy(text), Some((2, text.len() - 2)));
        assert_eq!(inline_copy("a\n\x0b ORIGINAL MESSAGE FOLLOWS.\nb"), Some((30, 30)));
        assert_eq!(inline_copy("a\n+ original message follows.\nb"), None);
        let text = "Unknown user: a@example.jp\n\nOriginal message follows.\n\nFrom: b\n";
        let (at, from) = inline_copy(text).unwrap();
        assert!(text[..at].ends_with("Original message follows.\n"));
        assert_eq!(&text[from..], "\nFrom: b\n");
        assert_eq!(html_to_text("<p>550 &lt;a@b&gt;</p>x<br>y<"), "\n550 <a@b>\nx\ny");
        assert_eq!(
            html_to_text("<BR/>a&amp;lt;b &nbsp;&#39;&quot;&x<DIV class=x>"),
            "\na&lt;b  '\"&x\n"
        );
    }
    /// lhost-x3-01 and lhost-x3-03 in the corpus: a blank line between the
    /// `message/rfc822` part's header and the attached message's header. The
    /// original headers (and so the sending IPs from its `Received`) were lost.
    #[test]
    fn reads_attached_headers_after_a_blank_line() {
        for eol in ["\n", "\r\n"] {
            let raw = "From: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered Mail\n\
Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n\
550 5.1.1 <a@example.jp>: user unknown\n--b\nContent-Type: message/rfc822\n\
Content-Transfer-Encoding: 8bit\n\n\n\
Received: from a.example ([192.0.2.1]) by mx.example.jp; Mon, 3 Mar 2025 10:00:00 +0900\n\
Message-ID: <id1@example.com>\nSubject: hello\n\nbody\n--b--\n"
                .replace('\n', eol);
            let contents = contents_of(raw.as_bytes());
            assert_eq!(contents.original.message_id.as_deref(), Some("id1@example.com"));
            assert_eq!(contents.original.subject.as_deref(), Some("hello"));
            assert_eq!(contents.original.received.len(), 1);
        }
    }

    /// End to end: a nested multipart reusing the report's boundary made the whole
    /// bounce `NotABounce`.
    #[test]
    fn a_nested_multipart_with_the_reports_boundary_keeps_the_report() {
        let raw = b"From: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered Mail\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n\
Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n\
The mail could not be delivered.\n--b--\n--b\nContent-Type: message/delivery-status\n\n\
Reporting-MTA: dns; mx.example.jp\n\nFinal-Recipient: rfc822; a@example.jp\nAction: failed\n\
Status: 5.1.1\n--b--\n";
        let bounce = crate::parse(raw).unwrap();
        assert_eq!(bounce.recipients[0].recipient.as_deref(), Some("a@example.jp"));
    }
}
