//! RFC 3464 `message/delivery-status` field groups: one per-message group
//! (`Reporting-MTA`, `Arrival-Date`, `X-Postfix-Sender`, ...) followed by one group
//! per recipient (`Final-Recipient`, `Action`, `Status`, `Diagnostic-Code`, ...).
//!
//! Groups are separated by blank lines; generators that forget the blank line are
//! handled too, by starting a new recipient group when a recipient field repeats.
//! Folded (continuation) lines are unfolded into the field they continue.

use crate::text::{clean_address, is_blank, lines_at, strip_type_prefix, unfolded};
use crate::StatusCode;
use std::borrow::Cow;

/// The fields of a per-recipient group that rebound uses, type prefixes removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RecipientFields {
    pub final_recipient: Option<String>,
    pub original_recipient: Option<String>,
    pub action: Option<String>,
    pub status: Option<StatusCode>,
    pub remote_mta: Option<String>,
    /// Unfolded, type prefix removed.
    pub diagnostic: Option<String>,
    /// The comment after the `Status` code (`Status: 4.4.3 (host name lookup
    /// failure)`), without the parentheses: some generators put the reason only there.
    pub status_comment: Option<String>,
    pub last_attempt_date: Option<String>,
}

/// A parsed `message/delivery-status` body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Report {
    pub reporting_mta: Option<String>,
    pub arrival_date: Option<String>,
    /// `X-Postfix-Sender` and similar: the envelope sender of the bounced message.
    pub sender: Option<String>,
    /// Which generator the field names betray (`X-Postfix-*`, `X-Exim-*`, ...).
    pub generator: Option<&'static str>,
    pub recipients: Vec<RecipientFields>,
}

/// One `Name: value` field, unfolded.
pub(crate) struct Field<'a> {
    /// The field name as written.
    name: &'a str,
    /// The stretch of text the value spans (its lines), not unfolded yet: most
    /// fields' values are never read.
    raw_value: &'a str,
    /// A blank line came before this field.
    after_blank: bool,
}

/// Longer field names than this are read as no name: none that rebound reads is.
pub(crate) const NAME_BYTES: usize = 32;

impl<'a> Field<'a> {
    /// The value, unfolded (borrowed from the text unless that took collapsing).
    pub(crate) fn value(&self) -> Cow<'a, str> {
        unfolded(self.raw_value)
    }

    /// The name lower-cased into `buffer` (reused: no allocation per field); empty
    /// when it is longer than [`NAME_BYTES`]. A `String` rather than a byte array, so
    /// that the lower-cased bytes need no UTF-8 check to be read as text.
    pub(crate) fn lower_name<'b>(&self, buffer: &'b mut String) -> &'b str {
        buffer.clear();
        if self.name.len() > NAME_BYTES {
            return "";
        }
        buffer.push_str(self.name);
        buffer.make_ascii_lowercase();
        buffer
    }

    /// True when the name starts with `prefix` (lower-case), in any case.
    fn name_starts_with(&self, prefix: &str) -> bool {
        self.name.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    }
}

/// Splits `text` into fields. Lines that start with whitespace continue the previous
/// field; lines without a colon that do not continue anything are ignored.
pub(crate) fn fields<'a>(text: &'a str) -> Vec<Field<'a>> {
    // Reports usually hold a dozen fields or so.
    let mut out: Vec<Field<'a>> = Vec::with_capacity(16);
    // Where the open field's value starts and where its last line ends: its lines are
    // one stretch of the text, and the line breaks between them are whitespace that
    // unfolding collapses anyway.
    let mut open: Option<(usize, usize)> = None;
    let mut blank_before = false;
    let close = |out: &mut Vec<Field<'a>>, open: &mut Option<(usize, usize)>| {
        if let Some((start, end)) = open.take() {
            if let Some(last) = out.last_mut() {
                last.raw_value = text.get(start..end).unwrap_or("");
            }
        }
    };
    for (at, line) in lines_at(text) {
        let line = line.trim_end_matches('\r');
        let line_end = at + line.len();
        if is_blank(line) {
            close(&mut out, &mut open);
            blank_before = true;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, end)) = open.as_mut() {
                *end = line_end;
            }
            continue;
        }
        close(&mut out, &mut open);
        // Usually the name runs right up to the colon; else blanks may surround it.
        let run = line.bytes().take_while(|b| is_name_byte(*b)).count();
        let (name, colon) = if run > 0 && line.as_bytes().get(run) == Some(&b':') {
            (line.get(..run).unwrap_or_default(), run)
        } else {
            let Some(colon) = memchr::memchr(b':', line.as_bytes()) else { continue };
            let name = line.get(..colon).unwrap_or_default().trim();
            if name.is_empty() || !name.bytes().all(is_name_byte) {
                continue;
            }
            (name, colon)
        };
        out.push(Field { name, raw_value: "", after_blank: blank_before });
        open = Some((at + colon + 1, line_end));
        blank_before = false;
    }
    close(&mut out, &mut open);
    out
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn non_empty(value: &str) -> Option<String> {
    let value = crate::text::trim(value);
    (!value.is_empty()).then(|| value.to_string())
}

/// A host name from `Reporting-MTA` / `Remote-MTA`: type prefix, brackets and the
/// trailing root dot removed.
pub(crate) fn clean_host(value: &str) -> Option<String> {
    let value = strip_type_prefix(value);
    let value = value.split_whitespace().next().unwrap_or("");
    let value = value.trim_end_matches('.').trim_end_matches(':');
    non_empty(value)
}

fn is_recipient_field(name: &str) -> bool {
    matches!(name, "final-recipient" | "original-recipient")
}

fn is_per_recipient_field(name: &str) -> bool {
    matches!(
        name,
        "final-recipient"
            | "original-recipient"
            | "action"
            | "status"
            | "remote-mta"
            | "diagnostic-code"
            | "last-attempt-date"
            | "will-retry-until"
            | "final-log-id"
    )
}

/// Parses a delivery-status body. Returns `None` when it holds no known field at all.
pub(crate) fn parse_report(text: &str) -> Option<Report> {
    let fields = fields(text);
    let mut report = Report::default();
    let mut current: Option<RecipientFields> = None;
    let mut known = false;
    let mut name_buffer = String::with_capacity(NAME_BYTES);
    for field in fields {
        let name = field.lower_name(&mut name_buffer);
        if field.name_starts_with("x-postfix-") {
            report.generator = Some("postfix");
        } else if field.name_starts_with("x-exim-") {
            report.generator.get_or_insert("exim");
        }
        if !is_per_recipient_field(name) {
            match name {
                "reporting-mta" => {
                    report.reporting_mta =
                        report.reporting_mta.take().or_else(|| clean_host(&field.value()));
                    known = true;
                }
                "arrival-date" => {
                    report.arrival_date =
                        report.arrival_date.take().or_else(|| non_empty(&field.value()));
                    known = true;
                }
                "x-postfix-sender" | "x-original-sender" | "x-sender" => {
                    report.sender = report.sender.take().or_else(|| clean_address(&field.value()));
                }
                "received-from-mta" | "original-envelope-id" | "dsn-gateway" => known = true,
                _ => {}
            }
            continue;
        }
        known = true;
        // Start a new recipient group on a blank line, or when a recipient field repeats.
        let starts_group = match &current {
            None => true,
            Some(group) => {
                (field.after_blank
                    && (group.final_recipient.is_some() || group.original_recipient.is_some()))
                    || (name == "final-recipient" && group.final_recipient.is_some())
                    || (name == "original-recipient" && group.original_recipient.is_some())
            }
        };
        if starts_group {
            if let Some(group) = current.take() {
                push_group(&mut report, group);
            }
            current = Some(RecipientFields::default());
        }
        let Some(group) = current.as_mut() else { continue };
        // Unfolded only for the fields read below.
        let value = || field.value();
        match name {
            "final-recipient" => group.final_recipient = recipient_address(&value()),
            "original-recipient" => group.original_recipient = recipient_address(&value()),
            "action" => group.action = non_empty(&value()),
            "status" => {
                let value = value();
                group.status = value.split_whitespace().next().and_then(StatusCode::parse);
                group.status_comment = status_comment(&value);
            }
            "remote-mta" => group.remote_mta = non_empty(strip_type_prefix(&value())),
            "diagnostic-code" => group.diagnostic = non_empty(strip_type_prefix(&value())),
            "last-attempt-date" => group.last_attempt_date = non_empty(&value()),
            _ => {}
        }
        if is_recipient_field(name) && report.recipients.len() >= crate::family::max_records() {
            break;
        }
    }
    if let Some(group) = current.take() {
        push_group(&mut report, group);
    }
    known.then_some(report)
}

/// `4.4.3 (example.net: host name lookup failure)`: the text in the parentheses after
/// the code.
fn status_comment(value: &str) -> Option<String> {
    let rest = value.trim_start();
    let rest = rest.get(rest.find(char::is_whitespace)?..)?.trim();
    let inner = rest.strip_prefix('(')?;
    let inner = inner.strip_suffix(')').unwrap_or(inner);
    non_empty(inner.trim())
}

fn push_group(report: &mut Report, group: RecipientFields) {
    let useful = group.final_recipient.is_some()
        || group.original_recipient.is_some()
        || group.status.is_some()
        || group.diagnostic.is_some();
    if useful && report.recipients.len() < crate::family::max_records() {
        report.recipients.push(group);
    }
}

/// A recipient field's address; none for one without a local part (`rfc822;
/// @mx.example.org`, which old Sendmail writes when it rewrote the address to its
/// route; the text part names the recipient then).
fn recipient_address(value: &str) -> Option<String> {
    clean_address(value).filter(|a| !a.starts_with('@'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const POSTFIX: &str = "Reporting-MTA: dns; sv1.example.jp\r\n\
X-Postfix-Queue-ID: 4B7C21A0042\r\n\
X-Postfix-Sender: rfc822; taro@example.jp\r\n\
Arrival-Date: Mon,  3 Mar 2025 10:15:01 +0900 (JST)\r\n\
\r\n\
Final-Recipient: rfc822; k.suzuki@example.com\r\n\
Original-Recipient: rfc822;K.Suzuki@example.com\r\n\
Action: failed\r\n\
Status: 5.0.0\r\n\
Remote-MTA: dns; mx.example.com\r\n\
Diagnostic-Code: smtp; 550 5.7.1 Unfortunately, messages from [203.0.113.45]\r\n\
\x20   weren't sent. Please contact your Internet service\r\n\
\tprovider (S3150).\r\n\
\r\n\
Final-Recipient: rfc822; b@example.com\r\n\
Action: delayed\r\n\
Status: 4.4.1\r\n\
Diagnostic-Code: X-Postfix; connect to mx.example.com[192.0.2.1]:25: Connection\r\n\
\x20   timed out\r\n";

    #[test]
    fn keeps_the_status_comment() {
        assert_eq!(
            status_comment("4.0.0 (example.net: host name lookup failure)").as_deref(),
            Some("example.net: host name lookup failure")
        );
        assert_eq!(status_comment("5.1.1"), None);
        assert_eq!(status_comment("5.1.1 ()"), None);
        assert_eq!(status_comment(" 5.1.1  (unterminated").as_deref(), Some("unterminated"));
        let report = parse_report(
            "Final-Recipient: rfc822; x@example.net\nAction: delayed\n\
             Status: 4.4.3 (example.net: host name lookup failure)\n",
        )
        .unwrap();
        let group = &report.recipients[0];
        assert_eq!(group.status.unwrap().to_string(), "4.4.3");
        assert_eq!(group.status_comment.as_deref(), Some("example.net: host name lookup failure"));
    }

    #[test]
    fn reads_postfix_groups() {
        let r = parse_report(POSTFIX).unwrap();
        assert_eq!(r.reporting_mta.as_deref(), Some("sv1.example.jp"));
        assert_eq!(r.arrival_date.as_deref(), Some("Mon, 3 Mar 2025 10:15:01 +0900 (JST)"));
        assert_eq!(r.sender.as_deref(), Some("taro@example.jp"));
        assert_eq!(r.generator, Some("postfix"));
        assert_eq!(r.recipients.len(), 2);
        let a = &r.recipients[0];
        assert_eq!(a.final_recipient.as_deref(), Some("k.suzuki@example.com"));
        assert_eq!(a.original_recipient.as_deref(), Some("K.Suzuki@example.com"));
        assert_eq!(a.action.as_deref(), Some("failed"));
        assert_eq!(a.status.unwrap().to_string(), "5.0.0");
        assert_eq!(a.remote_mta.as_deref(), Some("mx.example.com"));
        assert_eq!(
            a.diagnostic.as_deref(),
            Some(
                "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. \
                 Please contact your Internet service provider (S3150)."
            )
        );
        let b = &r.recipients[1];
        assert_eq!(b.action.as_deref(), Some("delayed"));
        assert_eq!(
            b.diagnostic.as_deref(),
            Some("connect to mx.example.com[192.0.2.1]:25: Connection timed out")
        );
    }

    #[test]
    fn splits_groups_without_blank_lines() {
        let text = "Reporting-MTA: dns; a.example\nFinal-Recipient: rfc822; x@example.com\n\
Action: failed\nStatus: 5.1.1\nFinal-Recipient: rfc822; y@example.com\nAction: failed\n\
Status: 5.2.2\n";
        let r = parse_report(text).unwrap();
        assert_eq!(r.reporting_mta.as_deref(), Some("a.example"));
        let got: Vec<_> = r.recipients.iter().map(|g| g.final_recipient.clone().unwrap()).collect();
        assert_eq!(got, ["x@example.com", "y@example.com"]);
    }

    #[test]
    fn reads_fields_as_written() {
        let text = "Final-Recipient: rfc822; a@example.com\r\n\
Diagnostic-Code: smtp; 550 a\r\n\r\n \t b\r\n\
\tc  d\r\n\
X-Postfix-A-Field-Name-Longer-Than-The-Buffer: x\r\n\
no colon\r\n \tcontinues nothing\r\n\
\r\n\
ACTION:failed";
        let got = fields(text);
        let names: Vec<&str> = got.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "Final-Recipient",
                "Diagnostic-Code",
                "X-Postfix-A-Field-Name-Longer-Than-The-Buffer",
                "ACTION"
            ]
        );
        let values: Vec<Cow<'_, str>> = got.iter().map(Field::value).collect();
        assert_eq!(values, ["rfc822; a@example.com", "smtp; 550 a", "x", "failed"]);
        assert!(matches!(got[0].value(), Cow::Borrowed(_)));
        assert!(got[2].after_blank && got[3].after_blank && !got[1].after_blank);
        let mut buffer = String::new();
        assert_eq!(got[0].lower_name(&mut buffer), "final-recipient");
        assert_eq!(got[2].lower_name(&mut buffer), "");
        assert_eq!(parse_report(text).unwrap().generator, Some("postfix"));
        let folded = fields("Diagnostic-Code: smtp; 550 a\n b\r\n\t c\n");
        assert_eq!(folded[0].value(), "smtp; 550 a b c");
    }

    #[test]
    fn ignores_text_without_fields() {
        assert_eq!(parse_report("hello\nworld: yes\n"), None);
        assert_eq!(parse_report(""), None);
        assert_eq!(clean_host("dns; mx.example.com."), Some("mx.example.com".into()));
        assert_eq!(clean_host("dns;"), None);
    }
}
