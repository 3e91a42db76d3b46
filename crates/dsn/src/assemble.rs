//! Putting it together: the machine-readable report (when there is one) is the
//! backbone, and what the human-readable text says about the same recipient fills
//! its gaps (remote IP, SMTP command, a diagnostic the report lacks).

use crate::arf;
use crate::family::{self, Generic};
use crate::message::Message;
use crate::message::{self, inline_copy};
use crate::rfc3464::{self, clean_host, RecipientFields, Report};
use crate::text::{
    clean_address, command_in, find_address, find_codes, remote_host_in, LowerCased,
};
use crate::{Action, Bounce, Form, Kind, OriginalMessage, ParseError, RecipientReport, StatusCode};
use std::net::IpAddr;

/// A bounce that came as a message.
pub(crate) fn from_message(message: &Message<'_>) -> Result<Bounce, ParseError> {
    from_message_nested(message, 0)
}

/// How deep attached reports are followed.
const MAX_NESTING: u8 = 2;

fn from_message_nested(message: &Message<'_>, depth: u8) -> Result<Bounce, ParseError> {
    let contents = message::contents(message);
    if !contents.feedback.is_empty()
        || (contents.jmrp_recipient.is_some() && contents.reports.is_empty())
    {
        return Ok(from_feedback(message, contents));
    }
    let mut report =
        merge_reports(contents.reports.iter().filter_map(|r| rfc3464::parse_report(r)));
    // Some MTAs put the report fields into a text part.
    let text = family::Text::with_failed(&contents.human, &contents.failed_recipients);
    if report.as_ref().is_none_or(|r| r.recipients.is_empty()) && mentions_fields(&text) {
        report = rfc3464::parse_report(&contents.human).filter(|r| !r.recipients.is_empty());
    }
    let has_report = report.as_ref().is_some_and(|r| !r.recipients.is_empty());
    // Many bounces say `Auto-Submitted: auto-replied` too: a report, a header naming
    // failed recipients, or a MAILER-DAEMON sender or bounce subject is no auto-reply.
    let auto_reply_only = !contents.is_report
        && contents.failed_recipients.is_empty()
        && message::auto_replied(message, &contents)
        && !contents.signed_as_bounce();
    // An automatic reply's text may hold anything: only a recognised bounce counts.
    let generic = if has_report {
        Generic::Never
    } else if !auto_reply_only && contents.looks_like_bounce() {
        Generic::Always
    } else {
        Generic::IfRecognised
    };
    let mut scan = family::scan_text(&text, generic);
    // A bounce a user forwarded in the body, quoted or under a forward's header block:
    // read without what the mail client added, when that names recipients.
    if !has_report && scan.records.iter().all(|r| r.recipient.is_none()) {
        if let Some(unwrapped) = crate::paste::unwrapped(&contents.human) {
            let text = family::Text::with_failed(&unwrapped, &contents.failed_recipients);
            let rescan = family::scan_text(&text, generic);
            if rescan.records.iter().any(|r| r.recipient.is_some()) {
                scan = rescan;
            }
        }
    }
    let mut recipients = combine(report.as_mut(), scan.records);
    name_recipients(&mut recipients, &contents.original);
    if recipients.is_empty() && auto_reply_only {
        return Ok(auto_reply(message, contents));
    }
    // Nothing here, but the attached message is itself a report: read that one.
    if recipients.is_empty() && depth < MAX_NESTING {
        if let Some(inner) = contents.attached_report.as_deref().and_then(message::parse_message) {
            if let Ok(bounce) = from_message_nested(&inner, depth + 1) {
                return Ok(bounce);
            }
        }
    }
    // A delivery-status part without any recipient group ("Delivery report
    // unavailable") still reports a failure: of the original message's recipient.
    if recipients.is_empty() && !contents.reports.is_empty() {
        let text = family::summary(&contents.human);
        recipients.push(RecipientReport {
            recipient: contents.original.to.as_deref().and_then(find_address),
            diagnostic: (!text.is_empty()).then_some(text),
            ..RecipientReport::default()
        });
    }
    // Headers that say bounce over a text no family reads: the recipients its
    // sentences name ("Delivery of email to this address ... has failed"), or one
    // record for the failure it states.
    if recipients.is_empty() && contents.looks_like_bounce() {
        recipients = crate::paste::recover(&contents.human);
        name_recipients(&mut recipients, &contents.original);
    }
    if recipients.is_empty() {
        let why = if contents.looks_like_bounce() {
            "the headers look like a bounce, but no delivery-status part, no recipient \
             and no SMTP reply or status code was found"
        } else {
            "an ordinary message: no delivery-status part, no bounce text and no SMTP \
             reply or status code"
        };
        return Err(ParseError::NotABounce(why.to_string()));
    }
    let report = report.unwrap_or_default();
    let form = if has_report {
        Form::DeliveryStatusReport
    } else if recipients.iter().all(|r| r.kind == Kind::Feedback) {
        Form::FeedbackReport
    } else {
        Form::HumanReadable
    };
    Ok(Bounce {
        form,
        reporting_mta: report
            .reporting_mta
            .or(scan.reporting_mta)
            .or_else(|| message::received_by(message)),
        generator: report.generator.or(scan.generator).map(str::to_string),
        date: report.arrival_date.or_else(|| contents.date()),
        recipients,
        sender: report.sender.or_else(|| contents.original.return_path.clone()),
        source_id: None,
        truncated: Vec::new(),
        original: contents.original,
    })
}

/// An ARF feedback report (or a Hotmail JMRP complaint, which names the recipient in
/// the attached message's `X-HmXmrOriginalRecipient`).
fn from_feedback(message: &Message<'_>, contents: message::Contents<'_>) -> Bounce {
    let mut feedback = arf::parse_feedback(contents.feedback.iter().map(|f| f.as_ref()));
    if contents.feedback.is_empty() {
        feedback.feedback_type = Some("abuse".to_string());
    }
    if feedback.recipients.is_empty() {
        feedback.recipients.extend(contents.jmrp_recipient.clone());
    }
    let fallback = contents.original.to.as_deref().and_then(find_address);
    Bounce {
        form: Form::FeedbackReport,
        reporting_mta: feedback.reporting_mta.clone().or_else(|| message::received_by(message)),
        generator: None,
        date: feedback.arrival_date.clone().or_else(|| contents.date()),
        recipients: arf::records(&feedback, fallback),
        sender: feedback.sender.or_else(|| contents.original.return_path.clone()),
        source_id: None,
        truncated: Vec::new(),
        original: contents.original,
    }
}

/// An automatic reply: one record for the address that replied, with its text.
fn auto_reply(message: &Message<'_>, contents: message::Contents<'_>) -> Bounce {
    let text = family::summary(&contents.human);
    Bounce {
        form: Form::AutoReply,
        reporting_mta: message::received_by(message),
        generator: None,
        date: contents.date(),
        recipients: vec![RecipientReport {
            recipient: contents.sender_address(),
            kind: Kind::AutoReply,
            diagnostic: (!text.is_empty()).then_some(text),
            ..RecipientReport::default()
        }],
        sender: contents.original.return_path.clone(),
        source_id: None,
        truncated: Vec::new(),
        original: contents.original,
    }
}

/// Bounce text without headers.
pub(crate) fn from_text(text: &str) -> Result<Bounce, ParseError> {
    let (human, original) = match inline_copy(text) {
        Some((at, headers_from)) => {
            (&text[..at], message::original_from_text(&text[headers_from..]).unwrap_or_default())
        }
        None => (text, Default::default()),
    };
    let scanned = family::Text::new(human);
    let mut report = if mentions_fields(&scanned) {
        rfc3464::parse_report(human).filter(|r| !r.recipients.is_empty())
    } else {
        None
    };
    let generic = if report.is_some() { Generic::Never } else { Generic::Always };
    let scan = family::scan_text(&scanned, generic);
    let mut recipients = combine(report.as_mut(), scan.records);
    name_recipients(&mut recipients, &original);
    if recipients.is_empty() {
        return Err(ParseError::NotABounce(
            "text without headers, and without any recipient block, SMTP reply code or \
             enhanced status code"
                .to_string(),
        ));
    }
    let report = report.unwrap_or_default();
    Ok(Bounce {
        form: Form::PastedText,
        reporting_mta: report.reporting_mta.or(scan.reporting_mta),
        generator: report.generator.or(scan.generator).map(str::to_string),
        date: report.arrival_date,
        recipients,
        sender: report.sender.or_else(|| original.return_path.clone()),
        source_id: None,
        truncated: Vec::new(),
        original,
    })
}

/// Records that name no recipient take the one their diagnostic names in angle
/// brackets (`550 5.1.1 <taro@example.jp>... User unknown`) unless it is the sender;
/// a lone such record of a bounce whose original went to one address takes that one.
fn name_recipients(recipients: &mut [RecipientReport], original: &OriginalMessage) {
    // Almost every record names its recipient: then the senders are never needed.
    if recipients.iter().all(|r| r.recipient.is_some()) {
        return;
    }
    let senders: Vec<String> = [original.from.as_deref(), original.return_path.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(find_address)
        .collect();
    let is_sender = |a: &str| senders.iter().any(|s| s.eq_ignore_ascii_case(a));
    for r in recipients.iter_mut().filter(|r| r.recipient.is_none()) {
        r.recipient = r.diagnostic.as_deref().and_then(|d| bracketed(d, &is_sender));
    }
    if let [only] = recipients {
        if only.recipient.is_none() {
            let to = original.to.as_deref().unwrap_or("");
            let addresses: Vec<&str> = to.split(',').filter(|a| a.contains('@')).collect();
            if let [one] = addresses.as_slice() {
                only.recipient = find_address(one).filter(|a| !is_sender(a));
            }
        }
    }
}

/// The first `<address>` in `text` that `skip` does not reject.
fn bracketed(text: &str, skip: &dyn Fn(&str) -> bool) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let inner = &after[..close];
        if inner.contains('@') && !inner.contains(char::is_whitespace) {
            if let Some(address) = clean_address(inner).filter(|a| !skip(a)) {
                return Some(address);
            }
        }
        rest = &after[close + 1..];
    }
    None
}

fn mentions_fields(text: &family::Text<'_>) -> bool {
    text.has("final-recipient:") || text.has("original-recipient:")
}

/// Several delivery-status parts (rare) are read as one report.
fn merge_reports(reports: impl Iterator<Item = Report>) -> Option<Report> {
    reports.reduce(|mut all, next| {
        all.reporting_mta = all.reporting_mta.or(next.reporting_mta);
        all.arrival_date = all.arrival_date.or(next.arrival_date);
        all.sender = all.sender.or(next.sender);
        all.generator = all.generator.or(next.generator);
        all.recipients.extend(next.recipients);
        all
    })
}

/// The recipient records: the report's groups (moved out of it), each completed from
/// the text record about the same recipient; or the text records alone when there is
/// no report.
fn combine(report: Option<&mut Report>, records: Vec<family::TextRecord>) -> Vec<RecipientReport> {
    let texts: Vec<RecipientReport> = records.into_iter().map(|r| r.into_report()).collect();
    let groups = report.map(|r| std::mem::take(&mut r.recipients)).unwrap_or_default();
    if groups.is_empty() {
        return texts;
    }
    let single = groups.len() == 1 && texts.len() == 1;
    groups
        .into_iter()
        .map(|fields| {
            let text = texts.iter().find(|t| same_recipient(&fields, t)).or_else(|| {
                // One report group and one text record are about the same recipient
                // even when the text names it differently (an alias, a rewrite).
                single.then(|| texts.first()).flatten()
            });
            from_fields(fields, text)
        })
        .collect()
}

fn same_recipient(fields: &RecipientFields, text: &RecipientReport) -> bool {
    let Some(named) = text.recipient.as_deref() else { return false };
    [&fields.final_recipient, &fields.original_recipient]
        .iter()
        .any(|r| r.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(named)))
}

/// The status rule: a specific code from the diagnostic (what the remote server
/// said) wins over the `Status` field when both have the same class, and over a
/// generic `X.0.0` field in any case; the text's code stands in for a missing field.
pub(crate) fn choose_status(
    field: Option<StatusCode>,
    text: Option<StatusCode>,
) -> Option<StatusCode> {
    match (field, text) {
        (Some(f), Some(t)) if f.is_generic() && !t.is_generic() => Some(t),
        (Some(f), Some(t)) if f.class == t.class && !t.is_generic() => Some(t),
        (Some(f), _) => Some(f),
        (None, t) => t,
    }
}

/// `Remote-MTA` without its type: `mx.example.com`, `[192.0.2.1]`,
/// `mx.example.com [192.0.2.1]`, `192.0.2.1`.
fn split_remote(value: &str) -> (Option<String>, Option<IpAddr>) {
    let value = value.trim();
    if let Some(open) = value.find('[') {
        let inner = &value[open + 1..];
        let ip = inner.find(']').and_then(|close| {
            let literal = inner[..close].trim();
            literal.strip_prefix("IPv6:").unwrap_or(literal).parse().ok()
        });
        let name = clean_host(value[..open].trim_end());
        return (name, ip);
    }
    let bare = value.trim_end_matches('.');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return (None, Some(ip));
    }
    (clean_host(value), None)
}

/// One report group, completed from the text record about the same recipient.
fn from_fields(fields: RecipientFields, text: Option<&RecipientReport>) -> RecipientReport {
    // The field's diagnostic, unless it holds no code while the text's does (Sendmail's
    // `Diagnostic-Code: X-Unix; 255` against "554 5.3.0 unknown mailer error 255").
    let text_diagnostic = text.and_then(|t| t.diagnostic.as_deref());
    let has_codes = |d: &str| {
        let codes = find_codes(d);
        codes.reply.is_some() || codes.status.is_some()
    };
    let diagnostic = match (fields.diagnostic, text_diagnostic) {
        (Some(field), Some(text)) if !has_codes(&field) && has_codes(text) => {
            Some(text.to_string())
        }
        (field, text) => field.or_else(|| text.map(str::to_string)),
    }
    // Without any diagnostic, the comment of the `Status` field
    // (`Status: 4.4.3 (host name lookup failure)`) is the only reason given.
    .or(fields.status_comment);
    let codes = diagnostic.as_deref().map(find_codes).unwrap_or_default();
    let text_status = codes.status.or_else(|| text.and_then(|t| t.status));
    let (mut remote_mta, mut remote_ip) =
        fields.remote_mta.as_deref().map(split_remote).unwrap_or_default();
    // Lower-cased once for both searches below.
    let lowered = diagnostic.as_deref().map(LowerCased::new);
    let diag_host = lowered.as_ref().and_then(remote_host_in);
    for (name, ip) in [
        diag_host.as_ref().map(|h| (h.name.clone(), h.ip)),
        text.map(|t| (t.remote_mta.clone(), t.remote_ip)),
    ]
    .into_iter()
    .flatten()
    {
        let agrees = match (&remote_mta, &name) {
            (Some(known), Some(named)) => known.eq_ignore_ascii_case(named),
            _ => true,
        };
        if agrees {
            remote_mta = remote_mta.or(name);
            remote_ip = remote_ip.or(ip);
        }
    }
    let command = lowered
        .as_ref()
        .and_then(command_in)
        .map(str::to_string)
        .or_else(|| text.and_then(|t| t.smtp_command.clone()))
        .or_else(|| diag_host.filter(|h| h.refused_to_talk).map(|_| "CONNECT".to_string()));
    // A file or program (Exim's `Final-Recipient: rfc822;/var/mail/taro`) gives way
    // to the address the text says it was generated from.
    let recipient = [
        fields.final_recipient.as_ref(),
        fields.original_recipient.as_ref(),
        text.and_then(|t| t.recipient.as_ref()),
    ]
    .into_iter()
    .flatten()
    .find(|r| r.contains('@'))
    .or(fields.final_recipient.as_ref())
    .or(fields.original_recipient.as_ref())
    .cloned();
    RecipientReport {
        recipient,
        action: fields
            .action
            .as_deref()
            .map(Action::from_field)
            .or_else(|| text.map(|t| t.action))
            .unwrap_or_default(),
        status: choose_status(fields.status, text_status),
        reply_code: codes.reply.or_else(|| text.and_then(|t| t.reply_code)),
        diagnostic,
        remote_mta,
        remote_ip,
        smtp_command: command,
        original_recipient: fields.original_recipient,
        last_attempt_date: fields.last_attempt_date,
        ..RecipientReport::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Option<StatusCode> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn status_rule() {
        assert_eq!(choose_status(code("5.0.0"), code("5.7.1")), code("5.7.1"));
        assert_eq!(choose_status(code("5.1.1"), code("5.7.1")), code("5.7.1"));
        assert_eq!(choose_status(code("5.4.7"), code("4.4.2")), code("5.4.7"));
        assert_eq!(choose_status(code("5.1.1"), code("5.0.0")), code("5.1.1"));
        assert_eq!(choose_status(code("5.0.0"), code("5.0.0")), code("5.0.0"));
        assert_eq!(choose_status(code("5.0.0"), None), code("5.0.0"));
        assert_eq!(choose_status(None, code("4.2.2")), code("4.2.2"));
        assert_eq!(choose_status(None, None), None);
    }

    #[test]
    fn a_text_diagnostic_with_codes_beats_a_field_without() {
        let report = rfc3464::parse_report(
            "Final-Recipient: rfc822; x@example.com\nAction: failed\nStatus: 5.0.0\n\
             Diagnostic-Code: X-Unix; 255\n",
        );
        let text = RecipientReport {
            recipient: Some("x@example.com".into()),
            diagnostic: Some("554 5.3.0 unknown mailer error 255".into()),
            ..RecipientReport::default()
        };
        let fields = report.unwrap().recipients.remove(0);
        let got = from_fields(fields, Some(&text));
        assert_eq!(got.diagnostic.as_deref(), Some("554 5.3.0 unknown mailer error 255"));
        assert_eq!(got.status, code("5.3.0"));
        assert_eq!(got.reply_code, Some(554));
    }

    #[test]
    fn names_recipients_from_diagnostics_and_the_original() {
        let original = OriginalMessage {
            from: Some("Taro <taro@example.jp>".into()),
            to: Some("Hanako <hanako@example.net>".into()),
            ..OriginalMessage::default()
        };
        let record = |d: &str| RecipientReport {
            diagnostic: Some(d.to_string()),
            ..RecipientReport::default()
        };
        let mut two = vec![
            record("553 5.1.8 <taro@example.jp>... Domain of sender address does not exist"),
            record("550 5.1.1 <jiro@example.net>... User unknown"),
        ];
        name_recipients(&mut two, &original);
        assert_eq!(two[0].recipient, None);
        assert_eq!(two[1].recipient.as_deref(), Some("jiro@example.net"));
        let mut one = vec![record("550 No such user here")];
        name_recipients(&mut one, &original);
        assert_eq!(one[0].recipient.as_deref(), Some("hanako@example.net"));
        let many = OriginalMessage { to: Some("a@example.net, b@example.net".into()), ..original };
        let mut one = vec![record("550 No such user here")];
        name_recipients(&mut one, &many);
        assert_eq!(one[0].recipient, None);
    }

    #[test]
    fn splits_remote_mta_values() {
        assert_eq!(split_remote("mx.example.com."), (Some("mx.example.com".into()), None));
        assert_eq!(
            split_remote("mx.example.com [192.0.2.1]"),
            (Some("mx.example.com".into()), "192.0.2.1".parse().ok())
        );
        assert_eq!(split_remote("[IPv6:2001:db8::1]"), (None, "2001:db8::1".parse().ok()));
        assert_eq!(split_remote("192.0.2.7"), (None, "192.0.2.7".parse().ok()));
    }

    #[test]
    fn report_groups_take_gaps_from_the_text() {
        let mut report = rfc3464::parse_report(
            "Reporting-MTA: dns; a.example\n\nFinal-Recipient: rfc822; x@example.com\n\
             Action: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx.example.com\n\
             Diagnostic-Code: smtp; 550 5.7.1 go away\n",
        );
        let text = family::scan(
            "<x@example.com>: host mx.example.com[192.0.2.5] said: 550 5.7.1 go away (in\n    \
             reply to MAIL FROM command)\n",
            &[],
            Generic::Never,
        );
        let got = combine(report.as_mut(), text.records);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].status, code("5.7.1"));
        assert_eq!(got[0].remote_ip, "192.0.2.5".parse().ok());
        assert_eq!(got[0].smtp_command.as_deref(), Some("MAIL FROM"));
        assert_eq!(got[0].diagnostic.as_deref(), Some("550 5.7.1 go away"));
    }
}
