//! SendGrid's Event Webhook: a POST body holding an array of events, each with
//! `email`, `timestamp`, `event`, `sg_event_id`, `sg_message_id`, `smtp-id` and,
//! by event, `reason` and `status` (bounce, dropped), `response` and `attempt`
//! (deferred), `type` and `bounce_classification` (bounce). Layout: Twilio
//! SendGrid docs, "Event Webhook Reference".

use super::json::{objects, str_at, text_at, unix_time};
use super::{bounce, recipient};
use crate::{Action, Bounce, Form, Kind, ParseError, RecipientReport};
use serde_json::Value;

/// Reads every bounce, drop, deferral and spam report in `values`.
pub(super) fn parse(values: &[Value]) -> Result<Vec<Bounce>, ParseError> {
    let mut out = Vec::new();
    for event in objects(values) {
        let Some(name) = str_at(event, "event") else {
            return Err(ParseError::Malformed("SendGrid events: an event without `event`".into()));
        };
        let address = str_at(event, "email");
        let report = match name {
            "bounce" | "dropped" => recipient(
                address,
                Action::Failed,
                str_at(event, "reason"),
                str_at(event, "status"),
                None,
            ),
            "deferred" => recipient(
                address,
                Action::Delayed,
                str_at(event, "response").or_else(|| str_at(event, "reason")),
                str_at(event, "status"),
                None,
            ),
            "spamreport" => RecipientReport {
                recipient: address.and_then(crate::text::clean_address),
                kind: Kind::Feedback,
                feedback_type: Some("abuse".into()),
                ..RecipientReport::default()
            },
            _ => continue,
        };
        let mut b = bounce(Form::ServiceEvent, "sendgrid");
        b.source_id = text_at(event, "sg_event_id");
        b.date = event.get("timestamp").and_then(unix_time);
        b.original.message_id =
            str_at(event, "smtp-id").map(|m| m.trim().trim_matches(['<', '>']).to_string());
        let mut report = report;
        report.last_attempt_date.clone_from(&b.date);
        let label = match name {
            "bounce" => str_at(event, "type").unwrap_or("bounce"),
            other => other,
        };
        report.service_label = Some(match str_at(event, "bounce_classification") {
            Some(class) => format!("{label}/{class}"),
            None => label.to_string(),
        });
        b.recipients.push(report);
        out.push(b);
    }
    Ok(out)
}
