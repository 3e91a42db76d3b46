//! The structure of a MIME message, found without decoding anything: header fields
//! as raw byte slices, multipart bodies split at their delimiter lines. A part's body
//! is decoded (transfer encoding, then charset, with `mail-parser`'s decoders) only
//! when it is asked for, so the parts a bounce is never read for (the attached
//! original, images, HTML next to plain text) cost a scan for line breaks and
//! nothing more.

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::parsers::MessageStream;
use std::borrow::Cow;
use std::sync::LazyLock;

/// One header field: its name and its raw value (everything after the colon up to
/// and including the line break that ends the field, continuation lines included).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'a> {
    pub name: &'a [u8],
    pub value: &'a [u8],
}

/// A message or a body part: its header fields and its undecoded body.
#[derive(Debug)]
pub(crate) struct Entity<'a> {
    pub fields: Vec<Field<'a>>,
    pub body: &'a [u8],
}

impl<'a> Entity<'a> {
    /// Reads the header fields at the start of `input`; the body is what follows the
    /// blank line that ends them (nothing when there is none).
    ///
    /// As in `mail-parser`: whitespace before a field is skipped, a line without a
    /// colon is skipped, and a field ends at the first line break not followed by a
    /// space or a tab.
    pub fn read(input: &'a [u8]) -> Entity<'a> {
        // Bounces and the messages they return carry a few dozen fields.
        let mut fields = Vec::with_capacity(32);
        let body = read_fields(input, |field| fields.push(field));
        Entity { fields, body }
    }

    /// The raw value of the first field called `name` (any case).
    pub fn first(&self, name: &str) -> Option<&'a [u8]> {
        self.all(name).next()
    }

    /// The raw value of the last field called `name` (any case): the one a reader
    /// that lets later fields override earlier ones (as `mail-parser` does) uses.
    pub fn last(&self, name: &str) -> Option<&'a [u8]> {
        self.fields
            .iter()
            .rev()
            .find(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
            .map(|f| f.value)
    }

    /// Every field called `name`, in order.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a [u8]> + 's {
        self.fields.iter().filter(|f| f.name.eq_ignore_ascii_case(name.as_bytes())).map(|f| f.value)
    }

    /// The `Content-Type`, when the entity has one that can be read.
    pub fn content_type(&self) -> Option<ContentType<'a>> {
        self.last("Content-Type").and_then(ContentType::parse)
    }

    /// The body and its transfer encoding, for decoding.
    pub fn body(&self) -> Body<'a> {
        Body { bytes: self.body, encoding: self.last("Content-Transfer-Encoding") }
    }

    /// The body as text (see [`Body::text`]).
    #[cfg(test)]
    pub fn text(&self) -> Cow<'a, str> {
        self.body().text(self.content_type().as_ref())
    }
}

/// The header fields at the start of `input` (see [`Entity::read`]), each handed to
/// `on_field`; returns the body.
fn read_fields<'a>(input: &'a [u8], mut on_field: impl FnMut(Field<'a>)) -> &'a [u8] {
    let mut at = 0;
    loop {
        // Skip whitespace; an empty line ends the header.
        loop {
            match input.get(at) {
                None => return &[],
                Some(b'\n') => return input.get(at + 1..).unwrap_or(&[]),
                Some(b) if b.is_ascii_whitespace() => at += 1,
                Some(_) => break,
            }
        }
        let rest = input.get(at..).unwrap_or(&[]);
        let Some(stop) = memchr::memchr2(b':', b'\n', rest) else {
            return &[];
        };
        if rest.get(stop) == Some(&b'\n') {
            at += stop + 1;
            continue;
        }
        let name = rest.get(..stop).unwrap_or(&[]).trim_ascii();
        let value_start = at + stop + 1;
        let mut value_end = field_end(input, value_start);
        // Some servers (Office 365 among them) write a `Content-Type` parameter
        // on a line of its own without indenting it: `...;` then `boundary="x"`.
        // Such a line has no colon to be a field of its own, so it must be part
        // of the value.
        if name.eq_ignore_ascii_case(b"Content-Type") {
            while let Some(next) = unindented_parameter(input, value_start, value_end) {
                value_end = field_end(input, next);
            }
        }
        let mut value = input.get(value_start..value_end).unwrap_or(&[]);
        // A value longer than any real one is cut here, before anything decodes or
        // copies it (the limit is looked up only for such a value: fields are many).
        if value.len() > 1024 {
            let max = crate::limits::current().header_length;
            if value.len() > max {
                value = value.get(..max).unwrap_or(value);
                crate::limits::reached(crate::Limit::HeaderLength);
            }
        }
        on_field(Field { name, value });
        at = value_end;
    }
}

/// What walking the MIME tree needs of a part's header: its last `Content-Type` and
/// `Content-Transfer-Encoding` values, read without keeping the other fields.
fn read_part(input: &[u8]) -> (Option<ContentType<'_>>, Body<'_>) {
    let (mut content_type, mut encoding) = (None, None);
    let bytes = read_fields(input, |field| {
        if field.name.eq_ignore_ascii_case(b"Content-Type") {
            content_type = Some(field.value);
        } else if field.name.eq_ignore_ascii_case(b"Content-Transfer-Encoding") {
            encoding = Some(field.value);
        }
    });
    (content_type.and_then(ContentType::parse), Body { bytes, encoding })
}

/// An undecoded body and the `Content-Transfer-Encoding` of its entity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Body<'a> {
    bytes: &'a [u8],
    encoding: Option<&'a [u8]>,
}

impl<'a> Body<'a> {
    /// The body with its transfer encoding (base64, quoted-printable) undone. A body
    /// that is not valid in its encoding is given as it is.
    /// At most [`Limits::decoded_size`](crate::Limits::decoded_size) bytes of it:
    /// a base64 bomb is decoded only that far.
    pub fn decoded(&self) -> Cow<'a, [u8]> {
        let max = crate::limits::current().decoded_size;
        let encoding = self.encoding.map(<[u8]>::trim_ascii).unwrap_or_default();
        let quoted_printable = encoding.eq_ignore_ascii_case(b"quoted-printable");
        let base64 = encoding.eq_ignore_ascii_case(b"base64");
        // Decoding never makes more bytes than there are, so only what can decode
        // to `max` bytes is decoded: base64 needs 4 for 3, quoted-printable up to 3
        // for 1 (line breaks come on top; the result is cut to `max` anyway).
        let per_byte = if base64 { 2 } else { 3 };
        let input = self.bytes.get(..max.saturating_mul(per_byte)).unwrap_or(self.bytes);
        let mut decoded = if quoted_printable {
            Cow::Owned(decode_quoted_printable(input))
        } else if !base64 {
            Cow::Borrowed(self.bytes)
        } else {
            match MessageStream::new(input).decode_base64_mime(b"") {
                (usize::MAX, _) => Cow::Borrowed(input),
                (_, decoded) => decoded,
            }
        };
        if (quoted_printable || base64) && (decoded.len() > max || input.len() < self.bytes.len()) {
            crate::limits::reached(crate::Limit::DecodedSize);
            decoded = match decoded {
                Cow::Borrowed(bytes) => Cow::Borrowed(bytes.get(..max).unwrap_or(bytes)),
                Cow::Owned(mut bytes) => {
                    bytes.truncate(max);
                    Cow::Owned(bytes)
                }
            };
        }
        decoded
    }

    /// The body as text: transfer encoding undone, then the `charset` of the content
    /// type applied when `mail-parser` knows it, else read as UTF-8 (bytes that are
    /// not UTF-8 replaced).
    pub fn text(&self, content_type: Option<&ContentType<'a>>) -> Cow<'a, str> {
        let bytes = self.decoded();
        let charset = content_type.and_then(|ct| ct.param("charset"));
        // Most bounces are ASCII whatever charset they declare, and every charset but
        // a few (UTF-7, UTF-16, UTF-32, HZ) maps ASCII to itself; ISO-2022 switches away
        // from ASCII only with an escape. (Looked at only when there is a decoder to
        // spare: UTF-8 and a missing charset have none.)
        let keeps_ascii = |charset: &str| {
            let charset = charset.trim();
            !["utf-7", "utf-16", "utf-32", "ucs", "hz", "unicode"]
                .iter()
                .any(|prefix| crate::text::strip_prefix_ci(charset, prefix).is_some())
        };
        let decoder = charset.as_deref().and_then(|charset| {
            let ascii_as_is = || {
                keeps_ascii(charset) && bytes.is_ascii() && memchr::memchr(0x1b, &bytes).is_none()
            };
            charset_decoder(charset.as_bytes()).filter(|_| !ascii_as_is())
        });
        match decoder {
            Some(decode) => Cow::Owned(decode(&bytes)),
            None => utf8_lossy(bytes),
        }
    }

    /// The body as UTF-8 text without any charset (for machine-readable parts such as
    /// `message/delivery-status`, whose fields are ASCII or UTF-8).
    pub fn text_without_charset(&self) -> Cow<'a, str> {
        utf8_lossy(self.decoded())
    }
}

/// Bytes as UTF-8 text, borrowed when they can be, bytes that are not UTF-8 replaced.
/// (Validating first is much faster than `String::from_utf8_lossy` on valid text.)
fn utf8_lossy(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(bytes) => crate::text::lossy(bytes),
        Cow::Owned(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Cow::Owned(text),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

/// Undoes quoted-printable (RFC 2045 6.7), leniently as mail readers do: `=XX` is the
/// byte XX, `=` before the end of a line (spaces may come between) joins the lines,
/// whitespace at the end of a line is dropped, and an `=` that starts no valid escape
/// is kept as it is. Line breaks come out as CRLF once the input has used one, else
/// LF.
///
/// Bounce text is mostly plain ASCII, so runs without `=` or line breaks are copied
/// whole.
fn decode_quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut crlf = false;
    // Trailing whitespace at the end of a line may be cut down to this length, not
    // below: decoded bytes (`=20`) and text before a soft line break stay.
    let mut keep = 0;
    let mut at = 0;
    while at < input.len() {
        let rest = input.get(at..).unwrap_or_default();
        // Escapes often come in a row (`=E3=81=82`): no search when one is next.
        let run = if matches!(rest.first(), Some(b'=' | b'\n' | b'\r')) {
            0
        } else {
            memchr::memchr3(b'=', b'\n', b'\r', rest).unwrap_or(rest.len())
        };
        let chunk = rest.get(..run).unwrap_or_default();
        out.extend_from_slice(chunk);
        if let Some(last) = chunk.iter().rposition(|b| !b.is_ascii_whitespace()) {
            keep = out.len() - chunk.len() + last + 1;
        }
        at += run;
        match input.get(at) {
            Some(b'\r') => {
                crlf = true;
                at += 1;
            }
            Some(b'\n') => {
                out.truncate(keep);
                out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                keep = out.len();
                at += 1;
            }
            Some(b'=') => {
                let hex = |i: usize| input.get(i).and_then(|b| (*b as char).to_digit(16));
                if let (Some(high), Some(low)) = (hex(at + 1), hex(at + 2)) {
                    out.push((high * 16 + low) as u8);
                    keep = out.len();
                    at += 3;
                    continue;
                }
                // A soft line break: `=`, maybe whitespace, then the line's end.
                let mut next = at + 1;
                while input.get(next).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r')) {
                    crlf |= input.get(next) == Some(&b'\r');
                    next += 1;
                }
                match input.get(next) {
                    Some(b'\n') => {
                        keep = out.len();
                        at = next + 1;
                    }
                    None => at = next,
                    Some(_) => {
                        out.push(b'=');
                        keep = out.len();
                        at += 1;
                    }
                }
            }
            _ => break,
        }
    }
    out
}

/// Where the field whose value starts at `from` ends: after the first line break not
/// followed by a space or a tab (or at the end of the input).
fn field_end(input: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(newline) = input.get(at..).and_then(|rest| memchr::memchr(b'\n', rest)) {
        at += newline + 1;
        if !matches!(input.get(at), Some(b' ' | b'\t')) {
            return at;
        }
    }
    input.len()
}

/// When the value in `input[start..end]` ends with `;` and the line at `end` is a
/// `name=value` parameter, where that line's value starts.
fn unindented_parameter(input: &[u8], start: usize, end: usize) -> Option<usize> {
    if !input.get(start..end)?.trim_ascii().ends_with(b";") {
        return None;
    }
    let line = input.get(end..)?;
    let name = line.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
    (name > 0 && line.get(name) == Some(&b'=')).then_some(end + name + 1)
}

/// A parsed `Content-Type` (or `Content-Disposition`) value.
#[derive(Debug, Clone)]
pub(crate) struct ContentType<'a> {
    /// `text` in `text/plain`, as written.
    pub kind: &'a [u8],
    /// `plain` in `text/plain`, as written (empty when there is none).
    pub subtype: &'a [u8],
    /// The parameters after the type, undecoded (`; charset="utf-8"; ...`).
    params: &'a [u8],
}

/// A byte of an RFC 2045 token as the types and subtypes real mail uses.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.+_!#$&^".contains(&b)
}

impl<'a> ContentType<'a> {
    /// Reads `type/subtype; name=value; ...`; `None` when there is no type.
    pub fn parse(value: &'a [u8]) -> Option<ContentType<'a>> {
        let semicolon = memchr::memchr(b';', value);
        let media = value.get(..semicolon.unwrap_or(value.len()))?;
        let params = semicolon.and_then(|at| value.get(at..)).unwrap_or_default();
        let slash = memchr::memchr(b'/', media);
        let kind = media.get(..slash.unwrap_or(media.len()))?.trim_ascii();
        let subtype =
            slash.and_then(|at| media.get(at + 1..)).map(<[u8]>::trim_ascii).unwrap_or_default();
        let subtype = subtype.get(..subtype.iter().take_while(|b| is_token(**b)).count())?;
        if kind.is_empty() || !kind.iter().all(|b| is_token(*b)) {
            return None;
        }
        Some(ContentType { kind, subtype, params })
    }

    /// Whether this is `kind/subtype` (any case).
    pub fn is(&self, kind: &str, subtype: &str) -> bool {
        self.kind.eq_ignore_ascii_case(kind.as_bytes())
            && self.subtype.eq_ignore_ascii_case(subtype.as_bytes())
    }

    /// The value of parameter `name` (any case), unquoted. A parameter without a
    /// value (`; format;`) is skipped, a comment after an unquoted value
    /// (`charset=iso-2022-jp (JIS)`) is not part of it, and when there is no plain
    /// `name` the RFC 2231 forms are read: `name*=charset'lang'%XX` and the
    /// continuations `name*0`, `name*1*`, ... (joined in order).
    pub fn param(&self, name: &str) -> Option<Cow<'a, str>> {
        let mut rest = self.params;
        // RFC 2231 values, read only when the plain parameter is not there.
        let mut extended: Option<Cow<'a, str>> = None;
        let mut sections: Vec<(u32, Cow<'a, str>)> = Vec::new();
        while !rest.is_empty() {
            let separators = rest
                .iter()
                .take_while(|b| matches!(b, b';' | b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            rest = rest.get(separators..).unwrap_or_default();
            let Some(stop) = memchr::memchr2(b'=', b';', rest) else {
                break;
            };
            if rest.get(stop) == Some(&b';') {
                // A parameter without a value.
                rest = rest.get(stop..).unwrap_or_default();
                continue;
            }
            let key = rest.get(..stop).unwrap_or_default().trim_ascii();
            let after = rest.get(stop + 1..).unwrap_or_default().trim_ascii_start();
            let (value, next) = if let Some(quoted) = after.strip_prefix(b"\"") {
                let (value, next) = unquote(quoted);
                let next = memchr::memchr(b';', next).and_then(|at| next.get(at..));
                (value, next.unwrap_or_default())
            } else {
                let end = memchr::memchr(b';', after).unwrap_or(after.len());
                let value = after.get(..end).unwrap_or_default();
                // `(` cannot be part of a token: a comment starts there.
                let value = value.get(..memchr::memchr(b'(', value).unwrap_or(value.len()));
                (
                    crate::text::lossy(value.unwrap_or_default().trim_ascii()),
                    after.get(end..).unwrap_or_default(),
                )
            };
            rest = next;
            let Some(suffix) = key
                .get(..name.len())
                .filter(|k| k.eq_ignore_ascii_case(name.as_bytes()))
                .and_then(|_| key.get(name.len()..))
            else {
                continue;
            };
            let Some(star) = suffix.strip_prefix(b"*") else {
                if suffix.is_empty() {
                    return Some(value);
                }
                continue;
            };
            if star.is_empty() {
                extended = Some(percent_decoded(&value, true));
                continue;
            }
            let (number, encoded) = match star.strip_suffix(b"*") {
                Some(number) => (number, true),
                None => (star, false),
            };
            let Some(n) = std::str::from_utf8(number).ok().and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            sections.push((n, if encoded { percent_decoded(&value, n == 0) } else { value }));
        }
        if extended.is_some() {
            return extended;
        }
        if sections.is_empty() {
            return None;
        }
        sections.sort_by_key(|(n, _)| *n);
        Some(Cow::Owned(sections.into_iter().map(|(_, v)| v).collect()))
    }
}

/// An RFC 2231 extended value: `charset'language'` dropped from the first section
/// (`first`), `%XX` escapes undone (the bytes read as UTF-8).
fn percent_decoded<'a>(value: &str, first: bool) -> Cow<'a, str> {
    let mut text = value.as_bytes();
    if first {
        let mut quotes = memchr::memchr_iter(b'\'', text);
        if let (Some(_), Some(second)) = (quotes.next(), quotes.next()) {
            text = text.get(second + 1..).unwrap_or_default();
        }
    }
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    while let Some(&b) = text.get(at) {
        let hex = |i: usize| text.get(i).and_then(|b| (*b as char).to_digit(16));
        match (b, hex(at + 1), hex(at + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                at += 3;
            }
            _ => {
                out.push(b);
                at += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// The quoted string at the start of `text` (after its opening quote), with `\`
/// escapes undone, and the text after its closing quote.
fn unquote(text: &[u8]) -> (Cow<'_, str>, &[u8]) {
    let Some(end) = memchr::memchr2(b'"', b'\\', text) else {
        return (crate::text::lossy(text), &[]);
    };
    if text.get(end) == Some(&b'"') {
        let value = crate::text::lossy(text.get(..end).unwrap_or_default());
        return (value, text.get(end + 1..).unwrap_or_default());
    }
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter().enumerate();
    while let Some((i, &b)) = bytes.next() {
        match b {
            b'"' => {
                let value = Cow::Owned(String::from_utf8_lossy(&out).into_owned());
                return (value, text.get(i + 1..).unwrap_or_default());
            }
            b'\\' => out.extend(bytes.next().map(|(_, b)| *b)),
            b => out.push(b),
        }
    }
    (Cow::Owned(String::from_utf8_lossy(&out).into_owned()), &[])
}

/// The leaves of a message's MIME tree in order: every part that is not itself a
/// multipart. Attached messages (`message/rfc822`) are leaves: their insides are not
/// the bounce's own parts. A multipart whose delimiter never appears is a leaf too,
/// read as text.
#[cfg(test)]
pub(crate) fn leaves<'a>(root: &Entity<'a>) -> Vec<Leaf<'a>> {
    leaves_typed(root, root.content_type())
}

/// [`leaves`] of a root whose `Content-Type` the caller has read already.
pub(crate) fn leaves_typed<'a>(
    root: &Entity<'a>,
    content_type: Option<ContentType<'a>>,
) -> Vec<Leaf<'a>> {
    // Reports have three or four leaves, sometimes a few more.
    let mut out = Vec::with_capacity(8);
    collect(root.body(), content_type, false, 0, &mut out);
    out
}

/// One leaf part and how it is to be read.
#[derive(Debug)]
pub(crate) struct Leaf<'a> {
    pub body: Body<'a>,
    pub kind: PartKind,
    content_type: Option<ContentType<'a>>,
}

/// What a leaf part is, as far as reading a bounce goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartKind {
    /// `text/plain` and every other text type not listed below; also a part without
    /// a content type (outside a digest) and a multipart that never used its boundary.
    Text,
    /// `text/html`.
    Html,
    /// `message/delivery-status` or `message/global-delivery-status` (RFC 3464, 6533).
    DeliveryStatus,
    /// `message/feedback-report` (RFC 5965).
    FeedbackReport,
    /// `message/rfc822` or `message/global`: an attached message; also a part without
    /// a content type in a `multipart/digest`.
    Message,
    /// `text/rfc822-headers`: the headers of a message.
    Headers,
    /// Anything else (images, applications, ...).
    Other,
}

impl PartKind {
    fn of(content_type: &ContentType<'_>) -> PartKind {
        let is = |kind: &str, subtypes: &[&str]| {
            content_type.kind.eq_ignore_ascii_case(kind.as_bytes())
                && subtypes.iter().any(|s| content_type.subtype.eq_ignore_ascii_case(s.as_bytes()))
        };
        if is("text", &["html"]) {
            PartKind::Html
        } else if is("text", &["rfc822-headers", "rfc822-header"]) {
            PartKind::Headers
        } else if content_type.kind.eq_ignore_ascii_case(b"text") {
            PartKind::Text
        } else if is("message", &["delivery-status", "global-delivery-status"]) {
            PartKind::DeliveryStatus
        } else if is("message", &["feedback-report"]) {
            PartKind::FeedbackReport
        } else if is("message", &["rfc822", "global"]) {
            PartKind::Message
        } else {
            PartKind::Other
        }
    }
}

impl<'a> Leaf<'a> {
    /// The body as text: transfer encoding undone, then the `charset` of the content
    /// type applied when `mail-parser` knows it, else read as UTF-8 (bytes that are
    /// not UTF-8 replaced).
    pub fn text(&self) -> Cow<'a, str> {
        self.body.text(self.content_type.as_ref())
    }
}

fn collect<'a>(
    body: Body<'a>,
    content_type: Option<ContentType<'a>>,
    in_digest: bool,
    depth: usize,
    out: &mut Vec<Leaf<'a>>,
) {
    let Some(ct) = content_type.as_ref() else {
        let kind = if in_digest { PartKind::Message } else { PartKind::Text };
        out.push(Leaf { body, kind, content_type });
        return;
    };
    if !ct.kind.eq_ignore_ascii_case(b"multipart") {
        let kind = PartKind::of(ct);
        out.push(Leaf { body, kind, content_type });
        return;
    }
    let digest = ct.subtype.eq_ignore_ascii_case(b"digest");
    let boundary = ct.param("boundary");
    let parts = boundary.as_deref().and_then(|b| split_multipart_rest(body.bytes, b.as_bytes()));
    let parts = parts.map(|(mut parts, mut after)| {
        // A part that is a multipart with the same boundary (broken, but mail-parser
        // reads it) ends at the first close delimiter: the parts after it are ours.
        let boundary = boundary.as_deref().unwrap_or_default().as_bytes();
        let mut nested = 0;
        let mut counted = 0;
        while !after.is_empty() && memchr::memmem::find(after, boundary).is_some() {
            nested += parts
                .get(counted..)
                .unwrap_or_default()
                .iter()
                .filter(|p| same_boundary(p, boundary))
                .count();
            counted = parts.len();
            if nested == 0 {
                break;
            }
            nested -= 1;
            let Some((more, rest)) = split_multipart_rest(after, boundary) else {
                break;
            };
            parts.extend(more);
            after = rest;
        }
        parts
    });
    // Real bounces nest two or three levels and have a handful of parts; the limits
    // only stop hostile input (and say so).
    let limits = crate::limits::current();
    match parts {
        Some(parts) if depth < limits.mime_depth.min(crate::Limits::MAX_MIME_DEPTH) => {
            for part in parts {
                if out.len() >= limits.mime_parts {
                    crate::limits::reached(crate::Limit::MimeParts);
                    return;
                }
                let (content_type, body) = read_part(part);
                collect(body, content_type, digest, depth + 1, out);
            }
        }
        Some(_) => {
            crate::limits::reached(crate::Limit::MimeDepth);
            out.push(Leaf { body, kind: PartKind::Text, content_type });
        }
        // No delimiter anywhere: the body is all there is, as text.
        _ => out.push(Leaf { body, kind: PartKind::Text, content_type }),
    }
}

/// Whether `part` is a multipart whose boundary is `boundary`.
fn same_boundary(part: &[u8], boundary: &[u8]) -> bool {
    read_part(part).0.is_some_and(|ct| {
        ct.kind.eq_ignore_ascii_case(b"multipart")
            && ct.param("boundary").is_some_and(|b| b.as_bytes() == boundary)
    })
}

/// The parts of a multipart body (see [`split_multipart_rest`]).
#[cfg(test)]
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Option<Vec<&'a [u8]>> {
    split_multipart_rest(body, boundary).map(|(parts, _)| parts)
}

/// The parts of a multipart body: what lies between its delimiter lines (`--` and
/// the boundary at the start of a line), without the line break before each
/// delimiter; and what follows the close delimiter line (empty when there is none).
/// `None` when no delimiter line appears at all.
fn split_multipart_rest<'a>(body: &'a [u8], boundary: &[u8]) -> Option<(Vec<&'a [u8]>, &'a [u8])> {
    if boundary.is_empty() {
        return None;
    }
    // Room for the parts of a report and more: no regrowing as parts are found.
    let mut parts = Vec::with_capacity(8);
    // Start of the current part (after its delimiter line), once one was seen.
    let mut open: Option<usize> = None;
    // Only lines that start with `--` can be delimiters, and there are few of them:
    // one searcher for `\n--`, built once, finds them all.
    static LINE_DASHES: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\n--"));
    let mut line_start = if body.starts_with(b"--") { 0 } else { usize::MAX };
    let mut search_from = 0;
    loop {
        if line_start == usize::MAX {
            match body.get(search_from..).and_then(|rest| LINE_DASHES.find(rest)) {
                Some(found) => line_start = search_from + found + 1,
                None => break,
            }
        }
        let line_end =
            memchr::memchr(b'\n', body.get(line_start..)?).map_or(body.len(), |n| line_start + n);
        let line = body.get(line_start..line_end)?;
        let after = line.strip_prefix(b"--").and_then(|l| l.strip_prefix(boundary));
        if let Some(after) = after {
            let closing = after.starts_with(b"--");
            let rest = if closing { after.get(2..).unwrap_or_default() } else { after };
            if rest.iter().all(u8::is_ascii_whitespace) {
                if let Some(start) = open {
                    // The line break before the delimiter belongs to the delimiter.
                    let mut end = line_start.saturating_sub(1).max(start);
                    if end > start && body.get(end - 1) == Some(&b'\r') {
                        end -= 1;
                    }
                    parts.push(body.get(start..end).unwrap_or_default());
                }
                if closing {
                    return Some((parts, body.get(line_end + 1..).unwrap_or_default()));
                }
                open = Some((line_end + 1).min(body.len()));
            }
        }
        search_from = line_end;
        line_start = usize::MAX;
    }
    let start = open?;
    parts.push(body.get(start..).unwrap_or_default());
    Some((parts, &[]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn names<'a>(entity: &Entity<'a>) -> Vec<&'a str> {
        entity.fields.iter().map(|f| std::str::from_utf8(f.name).unwrap()).collect()
    }

    #[test]
    fn reads_fields_and_body() {
        let raw = b"From: a@example.jp\r\nSubject: one\r\n two\r\nno colon here\r\n\
X-Empty:\r\n\r\nbody\r\n";
        let entity = Entity::read(raw);
        assert_eq!(names(&entity), ["From", "Subject", "X-Empty"]);
        assert_eq!(entity.first("subject"), Some(&b" one\r\n two\r\n"[..]));
        assert_eq!(entity.body, b"body\r\n");
        // No blank line: all header; no colon at all: nothing.
        assert_eq!(Entity::read(b"From: a\nTo: b").fields.len(), 2);
        assert!(Entity::read(b"just words").fields.is_empty());
        assert_eq!(Entity::read(b"A: 1\nA: 2\n\n").last("a"), Some(&b" 2\n"[..]));
        // A content-type parameter on a line of its own, not indented.
        let raw = b"Content-Type: multipart/alternative; differences=Content-Type;\r\n\
boundary=\"b1\"\r\nFrom: a\r\n\r\n";
        let entity = Entity::read(raw);
        assert_eq!(names(&entity), ["Content-Type", "From"]);
        assert_eq!(entity.content_type().unwrap().param("boundary").as_deref(), Some("b1"));
    }

    #[test]
    fn reads_content_types() {
        let ct = ContentType::parse(
            b" multipart/report; report-type=delivery-status;\r\n\tboundary=\"=_a;b\\\"c\"",
        )
        .unwrap();
        assert!(ct.is("Multipart", "REPORT"));
        assert_eq!(ct.param("report-type").as_deref(), Some("delivery-status"));
        assert_eq!(ct.param("BOUNDARY").as_deref(), Some("=_a;b\"c"));
        assert_eq!(ct.param("charset"), None);
        let ct = ContentType::parse(b"text/plain;charset=iso-2022-jp (comment)").unwrap();
        assert_eq!(ct.param("charset").as_deref(), Some("iso-2022-jp"));
        assert!(ContentType::parse(b"").is_none());
        assert_eq!(ContentType::parse(b"text").unwrap().subtype, b"");
    }

    #[test]
    fn splits_multiparts_at_delimiter_lines_only() {
        let body = b"preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b \r\n\r\n\
two --b not a delimiter\r\n--bb not one either\r\n--b--\r\nepilogue\r\n";
        let parts = split_multipart(body, b"b").unwrap();
        assert_eq!(
            parts,
            [
                &b"Content-Type: text/plain\r\n\r\none"[..],
                &b"\r\ntwo --b not a delimiter\r\n--bb not one either"[..]
            ]
        );
        assert_eq!(split_multipart(b"no delimiter\n", b"b"), None);
        // An unclosed last part runs to the end.
        assert_eq!(split_multipart(b"--b\n\nx\n", b"b").unwrap(), [&b"\nx\n"[..]]);
    }

    #[test]
    fn lists_leaves_without_entering_attached_messages() {
        let raw = b"Content-Type: multipart/mixed; boundary=o\n\n--o\n\
Content-Type: multipart/alternative; boundary=i\n\n--i\nContent-Type: text/plain\n\nplain\n\
--i\nContent-Type: text/html\n\n<p>html</p>\n--i--\n--o\nContent-Type: message/rfc822\n\n\
Content-Type: multipart/mixed; boundary=x\n\n--x\n\ninside\n--x--\n--o--\n";
        let leaves = leaves(&Entity::read(raw));
        let kinds: Vec<_> = leaves.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [PartKind::Text, PartKind::Html, PartKind::Message]);
        assert_eq!(leaves[0].text(), "plain");
        // A multipart that never uses its boundary is one text leaf.
        let raw = b"Content-Type: multipart/report; boundary=never\n\nAction: failed\n";
        let leaves = super::leaves(&Entity::read(raw));
        assert_eq!((leaves.len(), leaves[0].kind), (1, PartKind::Text));
    }

    #[test]
    fn decodes_only_on_request() {
        let raw = "Content-Type: text/plain; charset=iso-2022-jp\n\
Content-Transfer-Encoding: base64\n\nGyRCJTUlJCVIGyhC\n";
        let entity = Entity::read(raw.as_bytes());
        assert_eq!(entity.text(), "サイト");
        let raw = b"Content-Transfer-Encoding: quoted-printable\n\n550 =E3=81=82=\n b\n";
        assert_eq!(Entity::read(raw).text(), "550 \u{3042} b\n");
        let qp = |t: &[u8]| String::from_utf8(decode_quoted_printable(t)).unwrap();
        assert_eq!(qp(b"a=3Db  \r\nc=20\r\nd =\r\ne= \t\r\nf\r\n"), "a=b\r\nc \r\nd ef\r\n");
        assert_eq!(qp(b"100% =XY and =4"), "100% =XY and =4");
        assert_eq!(qp(b"end="), "end");
        assert_eq!(qp(b"=e3=81=82"), "\u{3042}");
        // Not base64 after all: the body as it is.
        let raw = b"Content-Transfer-Encoding: base64\n\n550 5.1.1 unknown\n";
        assert_eq!(Entity::read(raw).text(), "550 5.1.1 unknown\n");
    }
    /// RFC 2231 forms, a parameter without a value and a comment after an unquoted
    /// value must not hide `boundary` or `charset` (mail-parser reads all of these).
    #[test]
    fn reads_rfc2231_and_odd_parameters() {
        let param = |value: &'static [u8], name: &str| {
            ContentType::parse(value).unwrap().param(name).map(|v| v.into_owned())
        };
        let boundary = |value: &'static [u8]| param(value, "boundary");
        assert_eq!(
            boundary(b"multipart/report; boundary*0=\"b1\"; boundary*1=\"-x\"").as_deref(),
            Some("b1-x")
        );
        assert_eq!(
            boundary(b"multipart/report; boundary*1=\"-x\"; boundary*0=\"b1\"").as_deref(),
            Some("b1-x")
        );
        assert_eq!(boundary(b"multipart/mixed; boundary*=us-ascii'en'b%31").as_deref(), Some("b1"));
        assert_eq!(
            boundary(b"multipart/mixed; boundary*0*=us-ascii''b%31; boundary*1=x").as_deref(),
            Some("b1x")
        );
        assert_eq!(boundary(b"multipart/mixed; format; boundary=b1").as_deref(), Some("b1"));
        assert_eq!(boundary(b"multipart/mixed; boundary=b1 (the boundary)").as_deref(), Some("b1"));
        assert_eq!(
            param(b"text/plain; charset=iso-2022-jp (JIS)", "charset").as_deref(),
            Some("iso-2022-jp")
        );
        // Unchanged: quoted values keep their `;` and `(`; plain beats RFC 2231.
        assert_eq!(boundary(b"multipart/mixed; boundary=\"a;(b)\"").as_deref(), Some("a;(b)"));
        assert_eq!(boundary(b"multipart/mixed; boundary=p; boundary*=''q").as_deref(), Some("p"));
        assert_eq!(boundary(b"multipart/mixed; x-boundary=p; boundary-x=q"), None);
    }

    /// The structure of a report whose boundary is written the RFC 2231 way: without
    /// the fix the whole body is one text leaf (no delivery-status part, and the
    /// attached message's headers are lost).
    #[test]
    fn splits_multiparts_whose_boundary_is_an_rfc2231_parameter() {
        let raw = b"Content-Type: multipart/report; report-type=delivery-status;\n \
boundary*0=\"b\"; boundary*1=\"1\"\n\n--b1\nContent-Type: text/plain\n\nsorry\n\
--b1\nContent-Type: message/delivery-status\n\nAction: failed\n--b1--\n";
        let kinds: Vec<_> = leaves(&Entity::read(raw)).iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [PartKind::Text, PartKind::DeliveryStatus]);
    }

    /// `charset=iso-2022-jp (JIS)`: the comment kept the charset from being known, so
    /// the text came out as raw ISO-2022-JP escapes.
    #[test]
    fn decodes_a_charset_followed_by_a_comment() {
        let raw = b"Content-Type: text/plain; charset=iso-2022-jp (JIS)\n\n\x1b$B%5%$%H\x1b(B\n";
        assert_eq!(Entity::read(raw).text(), "\u{30b5}\u{30a4}\u{30c8}\n");
    }

    /// A part that is itself a multipart with its parent's boundary (broken, but
    /// mail-parser reads it): its close delimiter must not end the parent, or every
    /// part after it (here the delivery-status part) is lost.
    #[test]
    fn reads_on_after_a_nested_multipart_with_the_same_boundary() {
        let raw = b"Content-Type: multipart/report; boundary=b\n\n--b\n\
Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nsorry\n--b--\n\
--b\nContent-Type: message/delivery-status\n\nAction: failed\n--b--\nepilogue\n";
        let leaves = leaves(&Entity::read(raw));
        let kinds: Vec<_> = leaves.iter().map(|l| l.kind).collect();
        assert!(kinds.contains(&PartKind::DeliveryStatus), "{kinds:?}");
        assert!(leaves.iter().any(|l| l.text() == "sorry"));
        // An epilogue that quotes the boundary, with no nested multipart, is no part.
        let raw = b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b--\n--b\n\ntwo\n";
        assert_eq!(super::leaves(&Entity::read(raw)).len(), 1);
    }
}
