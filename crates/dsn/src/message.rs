//! MIME walking with `mail-parser`: deciding whether the input is a message at all,
//! and collecting from a bounce message its delivery-status parts, its human-readable
//! text and the headers of the message that bounced.
//!
//! Only the bounce's own parts are read for the report; an attached original message
//! (`message/rfc822`) is read for its headers only, never scanned for codes.

use crate::text::{contains_ci, lossy, unfold};
use crate::OriginalMessage;
use mail_parser::parsers::MessageStream;
use mail_parser::{
    Address, Header, HeaderName, Host, Message, MessageParser, MimeHeaders, PartType,
};
use std::borrow::Cow;
use std::sync::LazyLock;

/// The one parser configuration, built once. Only the headers whose parsed values
/// are read (by us, or by `mail-parser` to find the parts) are parsed: `Subject`,
/// `Content-Transfer-Encoding`, `From`, `To`, `Message-ID`, `Content-Type` and
/// `Content-Disposition`. Dates keep their parser too, since a malformed date
/// decides where its header ends. Every other header (`Received` among them) is
/// only delimited: its value is read from the raw bytes (offsets) when needed, and
/// the one parsed value still needed, the `by` host of the last `Received`, is
/// parsed on demand. The value parsers of the other known headers end a header
/// exactly where delimiting does (at the first line break not followed by a space
/// or a tab), so the header offsets are those of the default configuration.
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .header_text(HeaderName::Subject)
        .header_text(HeaderName::ContentTransferEncoding)
        .header_address(HeaderName::From)
        .header_address(HeaderName::To)
        .header_date(HeaderName::Date)
        .header_date(HeaderName::ResentDate)
        .header_id(HeaderName::MessageId)
        .header_content_type(HeaderName::ContentType)
        .header_content_type(HeaderName::ContentDisposition)
        .ignore_header(HeaderName::Received)
        .default_header_ignore()
});

/// Headers whose presence makes the input a message rather than pasted text.
fn is_message_header(name: &HeaderName<'_>) -> bool {
    matches!(
        name,
        HeaderName::From
            | HeaderName::To
            | HeaderName::Subject
            | HeaderName::Date
            | HeaderName::ContentType
            | HeaderName::Received
            | HeaderName::ReturnPath
            | HeaderName::MessageId
    )
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
    loop {
        let line_end = rest.iter().position(|b| *b == b'\n');
        let line = match line_end {
            Some(end) => &rest[..end],
            None => rest,
        };
        if !line.iter().all(u8::is_ascii_whitespace) {
            return rest;
        }
        match line_end {
            Some(end) => rest = &rest[end + 1..],
            None => return rest,
        }
    }
}

/// Parses `input` as a message when it has real headers (at least one of `From`,
/// `To`, `Subject`, `Date`, `Content-Type`, `Received`, `Return-Path`,
/// `Message-ID`); `None` means it is pasted text.
pub(crate) fn parse_message(input: &[u8]) -> Option<Message<'_>> {
    let input = skip_blank_lines(input);
    if !starts_with_header(input) {
        return None;
    }
    let message = PARSER.parse(input)?;
    let root = message.parts.first()?;
    root.headers.iter().any(|h| is_message_header(&h.name)).then_some(message)
}

/// What a bounce message holds, sorted out.
#[derive(Debug, Default)]
pub(crate) struct Contents {
    /// Bodies of `message/delivery-status` parts.
    pub reports: Vec<String>,
    /// The human-readable text (text parts of the bounce itself, HTML turned into
    /// text when there is no plain text), cut before any inline copy of the original.
    pub human: String,
    /// Headers of the original message.
    pub original: OriginalMessage,
    /// `Date` of the bounce.
    pub date: Option<String>,
    /// The bounce's headers say it is one (null sender, MAILER-DAEMON, a DSN
    /// content type, `X-Failed-Recipients`, a bounce subject).
    pub looks_like_bounce: bool,
    /// The addresses of the bounce's `X-Failed-Recipients` headers, in order.
    pub failed_recipients: Vec<String>,
    /// Bodies of `message/feedback-report` parts (ARF).
    pub feedback: Vec<String>,
    /// The headers say the message is an automatic reply (`Auto-Submitted:
    /// auto-replied`, `X-Autoreply`, an out-of-office subject, ...).
    pub auto_replied: bool,
    /// The message is a `multipart/report` (of any report type).
    pub is_report: bool,
    /// The `From` (MAILER-DAEMON, postmaster) or the subject says it is a bounce.
    pub signed_as_bounce: bool,
    /// The attached message, when it is itself a `multipart/report` (a bounce that
    /// was forwarded, or returned inside another bounce).
    pub attached_report: Option<Vec<u8>>,
    /// The address in the message's own `From` header.
    pub from: Option<String>,
    /// The `X-HmXmrOriginalRecipient` header of the attached message: Hotmail's JMRP
    /// complaint names the complaining recipient there.
    pub jmrp_recipient: Option<String>,
}

/// Walks the bounce's own parts (not those of attached messages).
pub(crate) fn contents(message: &Message<'_>) -> Contents {
    let from = raw_header(message, &HeaderName::From);
    let report = is_report(message);
    let signed_as_bounce = signed_as_bounce(message, from.as_deref());
    let mut contents = Contents {
        date: raw_header(message, &HeaderName::Date),
        looks_like_bounce: looks_like_bounce(message, report, signed_as_bounce),
        failed_recipients: failed_recipients(message),
        auto_replied: auto_replied(message),
        is_report: report,
        signed_as_bounce,
        from: from.as_deref().and_then(crate::text::find_address),
        ..Contents::default()
    };
    // Bodies are borrowed from the parsed message where they can be.
    let mut plain: Vec<Cow<'_, str>> = Vec::new();
    let mut html: Vec<Cow<'_, str>> = Vec::new();
    let mut original: Option<OriginalMessage> = None;
    for part in &message.parts {
        let (ctype, subtype) = match part.content_type() {
            Some(ct) => {
                (ct.ctype().to_ascii_lowercase(), ct.subtype().map(str::to_ascii_lowercase))
            }
            None => ("text".to_string(), Some("plain".to_string())),
        };
        let subtype = subtype.as_deref().unwrap_or("");
        match (ctype.as_str(), subtype) {
            ("multipart", _) => {}
            ("message", "delivery-status" | "global-delivery-status") => {
                contents.reports.push(body_text(&part.body).into_owned());
            }
            ("message", "feedback-report") => {
                contents.feedback.push(body_text(&part.body).into_owned());
            }
            ("message", "rfc822" | "global") | ("text", "rfc822-headers" | "rfc822-header")
                if original.is_none() =>
            {
                original = match &part.body {
                    PartType::Message(inner) => {
                        contents.jmrp_recipient = header_named(inner, "X-HmXmrOriginalRecipient")
                            .as_deref()
                            .and_then(crate::text::find_address);
                        if is_report(inner) {
                            contents.attached_report = Some(inner.raw_message().to_vec());
                        }
                        Some(original_message(inner))
                    }
                    other => original_from_text(&body_text(other)),
                };
            }
            ("message", "rfc822" | "global") | ("text", "rfc822-headers" | "rfc822-header") => {}
            ("text", "html") => html.push(body_text(&part.body)),
            ("text", _) => plain.push(body_text(&part.body)),
            _ => {}
        }
    }
    // A multipart message whose boundary never appears has no parts: its body is
    // all there is.
    if plain.is_empty() && html.is_empty() && contents.reports.is_empty() {
        if let Some(root) = message.parts.first() {
            let body = message
                .raw_message
                .get(root.offset_body as usize..root.offset_end as usize)
                .unwrap_or_default();
            plain.push(lossy(body));
        }
    }
    let mut human = if plain.is_empty() {
        html.iter().map(|h| html_to_text(h)).collect::<Vec<_>>().join("\n\n")
    } else {
        plain.join("\n\n")
    };
    // An inline copy of the original message ends the bounce's own text.
    if let Some((at, headers_from)) = inline_copy(&human) {
        if original.is_none() {
            original = original_from_text(&human[headers_from..]);
        }
        human.truncate(at);
    }
    if let Some(original) = original {
        contents.original = original;
    }
    contents.human = human;
    contents
}

/// The `by` host of the last `Received` header of the message (the one
/// `Message::received` would give), parsed from its raw bytes.
pub(crate) fn received_by(message: &Message<'_>) -> Option<String> {
    let root = message.parts.first()?;
    let header = root.headers.iter().rev().find(|h| h.name == HeaderName::Received)?;
    let raw = message.raw_message.get(header.offset_start as usize..)?;
    let value = MessageStream::new(raw).parse_received();
    value.as_received().and_then(|r| r.by.as_ref()).map(host_text)
}

/// Whether the message is a `multipart/report`.
fn is_report(message: &Message<'_>) -> bool {
    message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    })
}

/// Whether the headers of the bounce itself say it is a bounce (`is_report` and
/// `signed_as_bounce` being what [`is_report`] and [`signed_as_bounce`] say).
fn looks_like_bounce(message: &Message<'_>, is_report: bool, signed_as_bounce: bool) -> bool {
    let return_path = raw_header(message, &HeaderName::ReturnPath).unwrap_or_default();
    let failed_header = message.parts.first().is_some_and(|root| {
        root.headers.iter().any(|h| h.name.as_str().eq_ignore_ascii_case("X-Failed-Recipients"))
    });
    is_report || failed_header || return_path.trim() == "<>" || signed_as_bounce
}

/// Whether the bounce's `From` (MAILER-DAEMON, postmaster, "Mail Delivery ...") or its
/// subject says it is a bounce; `from` is the bounce's raw `From` header.
fn signed_as_bounce(message: &Message<'_>, from: Option<&str>) -> bool {
    let from = from.unwrap_or_default();
    let subject = message.subject().unwrap_or_default();
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
fn failed_recipients(message: &Message<'_>) -> Vec<String> {
    let Some(root) = message.parts.first() else { return Vec::new() };
    root.headers
        .iter()
        .filter(|h| h.name.as_str().eq_ignore_ascii_case("X-Failed-Recipients"))
        .filter_map(|h| raw_value(message, h))
        .flat_map(|value| {
            value.split(',').filter_map(crate::text::find_address).collect::<Vec<_>>()
        })
        .take(crate::family::MAX_RECORDS)
        .collect()
}

/// Whether the headers say the message is an automatic reply (RFC 3834 and the
/// older conventions vacation programs use).
fn auto_replied(message: &Message<'_>) -> bool {
    let header = |name: &str| header_named(message, name).map(|v| v.to_ascii_lowercase());
    let subject = message.subject().unwrap_or_default().to_ascii_lowercase();
    header("Auto-Submitted").is_some_and(|v| v.starts_with("auto-replied"))
        || header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("X-Apple-Action").is_some_and(|v| v.contains("vacation"))
        || header("Precedence").is_some_and(|v| v.contains("auto_reply"))
        || [
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
        ]
        .iter()
        .any(|w| subject.trim_start().starts_with(w))
}

/// The first header called `name` (any case), unfolded, as written.
fn header_named(message: &Message<'_>, name: &str) -> Option<String> {
    let root = message.parts.first()?;
    let header = root.headers.iter().find(|h| h.name.as_str().eq_ignore_ascii_case(name))?;
    raw_value(message, header)
}

/// A part body as text (lossy for bytes that are not UTF-8), borrowed when it can be.
fn body_text<'a>(body: &'a PartType<'_>) -> Cow<'a, str> {
    match body {
        PartType::Text(text) | PartType::Html(text) => Cow::Borrowed(text),
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => lossy(bytes),
        PartType::Message(message) => lossy(message.raw_message()),
        PartType::Multipart(_) => Cow::Borrowed(""),
    }
}

fn host_text(host: &Host<'_>) -> String {
    match host {
        Host::Name(name) => name.trim_end_matches('.').to_string(),
        Host::IpAddr(ip) => ip.to_string(),
    }
}

/// The raw value of one header of `header`, unfolded (first occurrence).
fn raw_value(message: &Message<'_>, header: &Header<'_>) -> Option<String> {
    let bytes =
        message.raw_message.get(header.offset_start as usize..header.offset_end as usize)?;
    let value = unfold(&lossy(bytes));
    (!value.is_empty()).then_some(value)
}

/// The first header called `name`, unfolded, as written.
fn raw_header(message: &Message<'_>, name: &HeaderName<'_>) -> Option<String> {
    let root = message.parts.first()?;
    let header = root.headers.iter().find(|h| &h.name == name)?;
    raw_value(message, header)
}

/// An address header as written, with RFC 2047 encoded words decoded.
fn address_header(message: &Message<'_>, name: &HeaderName<'_>) -> Option<String> {
    let raw = raw_header(message, name)?;
    if !raw.contains("=?") {
        return Some(raw);
    }
    let root = message.parts.first()?;
    let value = root.headers.iter().find(|h| &h.name == name)?.value.as_address();
    match value {
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

/// The headers of the message that bounced.
pub(crate) fn original_message(message: &Message<'_>) -> OriginalMessage {
    let received = message
        .parts
        .first()
        .map(|root| {
            root.headers
                .iter()
                .filter(|h| h.name == HeaderName::Received)
                .filter_map(|h| raw_value(message, h))
                .collect()
        })
        .unwrap_or_default();
    OriginalMessage {
        message_id: message
            .message_id()
            .map(|id| id.trim().trim_start_matches('<').trim_end_matches('>').to_string())
            .filter(|id| !id.is_empty()),
        from: address_header(message, &HeaderName::From),
        to: address_header(message, &HeaderName::To),
        subject: message.subject().map(unfold).filter(|s| !s.is_empty()),
        date: raw_header(message, &HeaderName::Date),
        received,
        return_path: return_path(message),
    }
}

/// The original message's `Return-Path` address, when it has one.
fn return_path(message: &Message<'_>) -> Option<String> {
    raw_header(message, &HeaderName::ReturnPath).and_then(|v| crate::text::clean_address(&v))
}

/// Original headers given as text (`text/rfc822-headers`, or an inline copy).
pub(crate) fn original_from_text(text: &str) -> Option<OriginalMessage> {
    let start = text.trim_start_matches(['\r', '\n']);
    let message = PARSER.parse_headers(start.as_bytes())?;
    let root = message.parts.first()?;
    if !root.headers.iter().any(|h| is_message_header(&h.name)) {
        return None;
    }
    Some(original_message(&message))
}

/// Separator lines that introduce an inline copy of the original message.
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
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        // Every marker line starts (once trimmed) with `-`, `=`, `o` or `m`: any other
        // ASCII byte first rules the line out without trimming it. (The ASCII
        // characters `trim` removes are space, tab, LF, VT, FF and CR.)
        let first =
            line.bytes().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r'));
        if first.is_none_or(|b| b.is_ascii() && !matches!(b | 0x20, b'-' | b'=' | b'o' | b'm')) {
            continue;
        }
        let trimmed = line.trim();
        if PLAIN_COPY_MARKERS.iter().any(|m| trimmed.eq_ignore_ascii_case(m)) {
            return Some((offset, offset));
        }
        if !(trimmed.starts_with("--") || trimmed.starts_with("==")) {
            continue;
        }
        if COPY_MARKERS.iter().any(|m| contains_ci(trimmed, m)) {
            return Some((start, offset));
        }
    }
    None
}

/// A rough plain-text rendering of HTML: tags removed, block tags turned into line
/// breaks, the common entities decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = after[..close].trim_start_matches('/').to_ascii_lowercase();
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        if matches!(name, "br" | "p" | "div" | "tr" | "li" | "table" | "h1" | "h2" | "h3" | "pre") {
            out.push('\n');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
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
    }

    /// The parser configuration keeps what the default one gives: the `by` host of
    /// the last `Received`, and header offsets (a date that swallows the next line).
    #[test]
    fn reads_received_and_headers_as_the_default_parser() {
        let raws: [&[u8]; 6] = [
            b"Received: from a.example by first.example; Mon, 3 Mar 2025 10:00:00 +0900\n\
Received: from b.example (b.example [192.0.2.1])\n\tby mx.example.jp. (Postfix) with ESMTP id X;\n \
Mon, 3 Mar 2025 10:00:00 +0900\nFrom: a@example.jp\n\nbody\n",
            b"Received: from x by [192.0.2.7] with SMTP\nSubject: s\n\nbody\n",
            b"Received: garbage\nFrom: a@example.jp\n\nbody\n",
            b"Date: Thu, 20 Apr 2008 23:34:45 UT\nFrom: Sender <a@example.jp>\nTo: b@example.jp\n\nx\n",
            b"Return-Path: <a@example.jp>\nCc: \"x\n y\" <c@example.jp>,\n =?UTF-8?B?5aSq\n 6YOO?= <d@x>\n\
References: <r1@x>\n <r2@x>\nIn-Reply-To: <r1@x\nList-Id: =?utf-8?q?a=20?= <l.x>\n\
Reply-To: (c\n) e@x\nContent-ID: <i@x>\nKeywords: a, =?utf-8?q?b?=\nComments: c\n\
Resent-Message-ID: <m@x>\nContent-Language: ja\nMIME-Version: 1.0\nFrom: a@example.jp\n\nx\n",
            b"Sender: =?utf-8?B?5aSq\nCc: =?utf-8?q?a\n =20b?= <c@x>\nBcc: \"q\nTo: t@x\n\nx\n",
        ];
        for raw in raws {
            let ours = parse_message(raw).unwrap();
            let default = MessageParser::default().parse(raw).unwrap();
            assert_eq!(
                received_by(&ours),
                default.received().and_then(|r| r.by.as_ref()).map(host_text)
            );
            let offsets = |m: &Message<'_>| {
                m.parts[0]
                    .headers
                    .iter()
                    .map(|h| (h.offset_start, h.offset_end))
                    .collect::<Vec<_>>()
            };
            assert_eq!(offsets(&ours), offsets(&default));
            assert_eq!(original_message(&ours), original_message(&default));
        }
        let raw = b"Received: from b by mx.example.jp; Mon, 3 Mar 2025\nFrom: a@example.jp\n\nx\n";
        assert_eq!(received_by(&parse_message(raw).unwrap()).as_deref(), Some("mx.example.jp"));
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
        assert!(contents.auto_replied);
        assert_eq!(contents.from.as_deref(), Some("taro@example.jp"));
        assert_eq!(contents.failed_recipients, ["a@example.jp", "b@example.jp"]);
        let raw = b"From: Taro <taro@example.jp>\nSubject: Re: vacation plans\n\nSee you.\n";
        assert!(!contents_of(raw).auto_replied);
        let raw = b"From: a@example.jp\nAuto-Submitted: auto-replied (vacation)\n\nAway.\n";
        assert!(contents_of(raw).auto_replied);
        let raw = b"From: a@example.jp\nAuto-Submitted: auto-generated\n\nReport.\n";
        assert!(!contents_of(raw).auto_replied);
    }

    fn contents_of(raw: &[u8]) -> Contents {
        contents(&parse_message(raw).unwrap())
    }

    #[test]
    fn finds_inline_copies_and_renders_html() {
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
    }
}
