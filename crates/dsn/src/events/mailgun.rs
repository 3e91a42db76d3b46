//! Mailgun events: a webhook POST body (`signature` and `event-data`), a page of
//! the Events API (`items`), or bare event objects. A `failed` event has
//! `severity` (`permanent` or `temporary`), `reason`, `recipient`, `envelope.sender`
//! and `delivery-status` (`code`, `message`, `description`, `mx-host`); a
//! `complained` event has `recipient`. Layout: Mailgun docs, "Webhooks" and
//! "Events" (event structure).

use super::json::{objects, str_at, text_at, unix_time};
use super::{bounce, recipient};
use crate::{Action, Bounce, Form, Kind, ParseError, RecipientReport};
use serde_json::Value;

/// Reads every failure and complaint in `values`.
pub(super) fn parse(values: &[Value]) -> Result<Vec<Bounce>, ParseError> {
    let mut out = Vec::new();
    for value in objects(values) {
        if let Some(items) = value.get("items").and_then(Value::as_array) {
            for item in items {
                out.extend(one(item)?);
            }
        } else {
            out.extend(one(value.get("event-data").unwrap_or(value))?);
        }
    }
    Ok(out)
}

fn one(event: &Value) -> Result<Option<Bounce>, ParseError> {
    let Some(name) = str_at(event, "event") else {
        return Err(ParseError::Malformed("Mailgun events: an event without `event`".into()));
    };
    let address = str_at(event, "recipient");
    let severity = str_at(event, "severity");
    let report = match name {
        "failed" => {
            let status = event.get("delivery-status");
            let text =
                |key: &str| status.and_then(|s| str_at(s, key)).filter(|t| !t.trim().is_empty());
            let action =
                if severity == Some("temporary") { Action::Delayed } else { Action::Failed };
            let code = status.and_then(|s| s.get("code")).and_then(Value::as_u64);
            let mut r = recipient(
                address,
                action,
                text("message").or_else(|| text("description")),
                text("enhanced-code"),
                code.and_then(|c| u16::try_from(c).ok()),
            );
            r.remote_mta = text("mx-host").map(str::to_string);
            r.service_label = Some(
                [severity, str_at(event, "reason")]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("/"),
            );
            r
        }
        "complained" => RecipientReport {
            recipient: address.and_then(crate::text::clean_address),
            kind: Kind::Feedback,
            feedback_type: Some("abuse".into()),
            service_label: Some("complained".into()),
            ..RecipientReport::default()
        },
        _ => return Ok(None),
    };
    let mut b = bounce(Form::ServiceEvent, "mailgun");
    b.source_id = text_at(event, "id");
    b.date = event.get("timestamp").and_then(unix_time);
    b.sender = event
        .get("envelope")
        .and_then(|e| str_at(e, "sender"))
        .and_then(crate::text::clean_address);
    if let Some(headers) = event.get("message").and_then(|m| m.get("headers")) {
        b.original.message_id =
            str_at(headers, "message-id").map(|m| m.trim_matches(['<', '>']).to_string());
        b.original.subject = str_at(headers, "subject").map(str::to_string);
        b.original.from = str_at(headers, "from").map(str::to_string);
        b.original.to = str_at(headers, "to").map(str::to_string);
    }
    let mut report = report;
    report.last_attempt_date.clone_from(&b.date);
    b.recipients.push(report);
    Ok(Some(b))
}
