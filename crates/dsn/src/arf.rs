//! ARF feedback reports (RFC 5965): a `message/feedback-report` part with
//! `Feedback-Type`, `Original-Rcpt-To`, `Removal-Recipient`, `Original-Mail-From`,
//! `Reporting-MTA` and `Arrival-Date` fields. Not a bounce: every recipient becomes a
//! [`Kind::Feedback`] record without codes.

use crate::rfc3464::{clean_host, fields, NAME_BYTES};
use crate::text::{clean_address, find_address};
use crate::{Kind, RecipientReport};
use std::collections::HashSet;

/// The fields of a feedback report that rebound uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Feedback {
    /// `Feedback-Type`, lower-case.
    pub feedback_type: Option<String>,
    /// `Original-Rcpt-To` addresses, else `Removal-Recipient` addresses, in order.
    pub recipients: Vec<String>,
    /// `Original-Mail-From`.
    pub sender: Option<String>,
    /// `Reporting-MTA` without its type.
    pub reporting_mta: Option<String>,
    /// `Arrival-Date` (or `Received-Date`).
    pub arrival_date: Option<String>,
}

/// Reads the fields of every feedback part.
pub(crate) fn parse_feedback<'a>(parts: impl IntoIterator<Item = &'a str>) -> Feedback {
    let mut feedback = Feedback::default();
    let mut removal = Vec::new();
    let (mut seen, mut seen_removal) = (HashSet::new(), HashSet::new());
    let mut name_buffer = String::with_capacity(NAME_BYTES);
    for part in parts {
        for field in fields(part) {
            let value = field.value();
            let value = value.trim();
            match field.lower_name(&mut name_buffer) {
                "feedback-type" if feedback.feedback_type.is_none() => {
                    let word = value.split_whitespace().next().unwrap_or("");
                    feedback.feedback_type = (!word.is_empty()).then(|| word.to_ascii_lowercase());
                }
                "original-rcpt-to" => push_address(&mut feedback.recipients, &mut seen, value),
                "removal-recipient" => push_address(&mut removal, &mut seen_removal, value),
                "original-mail-from" if feedback.sender.is_none() => {
                    feedback.sender = clean_address(value).filter(|a| a.contains('@'));
                }
                "reporting-mta" if feedback.reporting_mta.is_none() => {
                    feedback.reporting_mta = clean_host(value);
                }
                "arrival-date" | "received-date" if feedback.arrival_date.is_none() => {
                    feedback.arrival_date = (!value.is_empty()).then(|| value.to_string());
                }
                _ => {}
            }
        }
    }
    if feedback.recipients.is_empty() {
        feedback.recipients = removal;
    }
    feedback
}

fn push_address(list: &mut Vec<String>, seen: &mut HashSet<String>, value: &str) {
    if list.len() < crate::family::max_records() {
        if let Some(address) = find_address(value) {
            if seen.insert(address.to_ascii_lowercase()) {
                list.push(address);
            }
        }
    }
}

/// The records of a feedback report: one per reported recipient, else one for the
/// first address of the reported message's `To` (`fallback`), else one without a
/// recipient.
pub(crate) fn records(feedback: &Feedback, fallback: Option<String>) -> Vec<RecipientReport> {
    let mut recipients: Vec<Option<String>> =
        feedback.recipients.iter().cloned().map(Some).collect();
    if recipients.is_empty() {
        recipients.push(fallback);
    }
    recipients
        .into_iter()
        .map(|recipient| RecipientReport {
            recipient,
            kind: Kind::Feedback,
            feedback_type: feedback.feedback_type.clone(),
            ..RecipientReport::default()
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_feedback_fields() {
        let part = "Feedback-Type: Abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\n\
                    Original-Mail-From: <news@example.com>\nOriginal-Rcpt-To: <a@example.net>\n\
                    Original-Rcpt-To: b@example.org\nOriginal-Rcpt-To: A@example.net\n\
                    Reporting-MTA: dns; fbl.example.net\n\
                    Arrival-Date: Thu, 8 Mar 2025 14:00:00 EDT\n";
        let f = parse_feedback([part]);
        assert_eq!(f.feedback_type.as_deref(), Some("abuse"));
        assert_eq!(f.recipients, ["a@example.net", "b@example.org"]);
        assert_eq!(f.sender.as_deref(), Some("news@example.com"));
        assert_eq!(f.reporting_mta.as_deref(), Some("fbl.example.net"));
        assert_eq!(f.arrival_date.as_deref(), Some("Thu, 8 Mar 2025 14:00:00 EDT"));
        let r = records(&f, None);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].kind, Kind::Feedback);
        assert_eq!(r[1].feedback_type.as_deref(), Some("abuse"));
        assert_eq!(r[1].status, None);
    }

    #[test]
    fn falls_back_to_removal_recipient_and_to() {
        let f = parse_feedback(["Feedback-Type: other\nRemoval-Recipient: c@example.net\n"]);
        assert_eq!(f.recipients, ["c@example.net"]);
        let f = parse_feedback(["Feedback-Type: abuse\n"]);
        let r = records(&f, Some("d@example.net".into()));
        assert_eq!(r[0].recipient.as_deref(), Some("d@example.net"));
        assert_eq!(records(&f, None)[0].recipient, None);
    }
}
