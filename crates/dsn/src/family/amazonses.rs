//! Amazon SES notifications delivered by e-mail through SNS: the message body is a
//! JSON document.
//!
//! ```text
//! {"notificationType":"Bounce","bounce":{"bounceType":"Permanent",
//!  "bouncedRecipients":[{"emailAddress":"taro@example.jp","action":"failed",
//!  "status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}], ...},
//!  "mail":{...}}
//! ```
//!
//! `Bounce` gives one record per bounced recipient, `Delivery` one delivered record
//! per recipient with the `smtpResponse`, and `Complaint` one feedback record per
//! complained recipient.

use super::{max_records, Scan, Text, TextRecord};
use crate::text::{strip_type_prefix, unfold};
use crate::{Action, Kind};
use serde_json::Value;

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !text.has("\"notificationtype\"") {
        return None;
    }
    let start = text.raw.find('{')?;
    let end = text.raw.rfind('}')?;
    let json = text.raw.get(start..=end)?;
    // Sendmail breaks lines longer than 990 bytes with "!" and a continuation line.
    let json = json.replace("!\r\n ", "").replace("!\n ", "");
    let value: Value = serde_json::from_str(&json).ok()?;
    let kind = value.get("notificationType").and_then(Value::as_str).unwrap_or("");
    let mut records: Vec<TextRecord> = Vec::new();
    match kind {
        "Bounce" => {
            for r in list(&value, "bounce", "bouncedRecipients") {
                let description = str_at(r, "diagnosticCode")
                    .map(strip_type_prefix)
                    .filter(|d| !d.is_empty())
                    .or_else(|| str_at(r, "status"))
                    .unwrap_or("");
                let action = str_at(r, "action").map(Action::from_field);
                push(&mut records, str_at(r, "emailAddress"), description, action, None);
            }
        }
        "Delivery" => {
            let response = value
                .get("delivery")
                .and_then(|d| d.get("smtpResponse"))
                .and_then(Value::as_str)
                .unwrap_or("");
            for r in list(&value, "delivery", "recipients") {
                push(&mut records, r.as_str(), response, Some(Action::Delivered), None);
            }
        }
        "Complaint" => {
            let feedback_type = value
                .get("complaint")
                .and_then(|c| c.get("complaintFeedbackType"))
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase);
            for r in list(&value, "complaint", "complainedRecipients") {
                let recipient = str_at(r, "emailAddress");
                push(&mut records, recipient, "", None, Some(feedback_type.clone()));
            }
        }
        _ => return None,
    }
    Some(Scan { generator: Some("amazonses"), reporting_mta: None, records })
}

fn list<'v>(value: &'v Value, object: &str, key: &str) -> impl Iterator<Item = &'v Value> {
    value
        .get(object)
        .and_then(|o| o.get(key))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(max_records())
}

fn str_at<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

/// One record; `feedback` is `Some` for a complaint (with its feedback type).
fn push(
    records: &mut Vec<TextRecord>,
    recipient: Option<&str>,
    description: &str,
    action: Option<Action>,
    feedback: Option<Option<String>>,
) {
    let Some(recipient) = recipient.and_then(super::address_word) else { return };
    records.push(TextRecord {
        recipient: Some(recipient),
        description: unfold(description),
        action,
        kind: if feedback.is_some() { Kind::Feedback } else { Kind::Delivery },
        feedback_type: feedback.flatten(),
        ..TextRecord::default()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bounces_deliveries_and_complaints() {
        let bounce = concat!(
            r#"{"notificationType":"Bounce","bounce":{"bouncedRecipients":[{"#,
            r#""emailAddress":"a@example.jp","action":"failed","status":"5.1.1","#,
            r#""diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}"#
        );
        let r = scan(&Text::new(bounce)).unwrap_or_default().records[0].clone().into_report();
        assert_eq!(r.recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(r.diagnostic.as_deref(), Some("550 5.1.1 user unknown"));
        assert_eq!(r.reply_code, Some(550));
        let delivery = "{\"notificationType\":\"Delivery\",\"delivery\":{\"recipients\":\
                        [\"b@example.jp\"],\"smtpResp!\n onse\":\"250 2.6.0 Message received\"}}";
        let r = scan(&Text::new(delivery)).unwrap_or_default().records[0].clone().into_report();
        assert_eq!(r.action, Action::Delivered);
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("2.6.0"));
        let complaint = concat!(
            r#"{"notificationType":"Complaint","complaint":{"complainedRecipients":"#,
            r#"[{"emailAddress":"c@example.jp"}],"complaintFeedbackType":"abuse"}}"#
        );
        let r = scan(&Text::new(complaint)).unwrap_or_default().records[0].clone().into_report();
        assert_eq!(r.kind, Kind::Feedback);
        assert_eq!(r.feedback_type.as_deref(), Some("abuse"));
        assert!(super::scan(&Text::new("{\"notificationType\": 1")).is_none());
    }
}
