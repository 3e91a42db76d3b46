//! Amazon SES notifications (`notificationType`) and published events
//! (`eventType`) for bounces, complaints and delivery delays, raw or inside an SNS
//! envelope. Layout: the SES Developer Guide, "Contents of notifications for Amazon
//! SES" and "Contents of event data that Amazon SES publishes to Amazon SNS".

use super::json::{objects, sns_message, str_at};
use super::{bounce, recipient};
use crate::text::strip_type_prefix;
use crate::{Action, Bounce, Form, Kind, ParseError, RecipientReport};
use serde_json::Value;

const WHAT: &str = "SES notification";

/// Reads every bounce, complaint and delivery delay in `values`.
pub(super) fn parse(values: &[Value]) -> Result<Vec<Bounce>, ParseError> {
    let mut out = Vec::new();
    for value in objects(values) {
        let unwrapped;
        let event = match value.get("Type").and_then(Value::as_str) {
            Some("Notification") => {
                unwrapped = sns_message(value).ok_or_else(|| {
                    ParseError::Malformed(format!("{WHAT}: the SNS Message is no JSON object"))
                })?;
                &unwrapped
            }
            // Subscription confirmations and the like carry no event.
            Some(_) if value.get("TopicArn").is_some() => continue,
            _ => value,
        };
        if let Some(b) = one(event)? {
            out.push(b);
        }
    }
    Ok(out)
}

fn one(event: &Value) -> Result<Option<Bounce>, ParseError> {
    let kind = str_at(event, "notificationType").or_else(|| str_at(event, "eventType"));
    let Some(kind) = kind else {
        return Err(ParseError::Malformed(format!("{WHAT}: no notificationType or eventType")));
    };
    let (section, list, action) = match kind {
        "Bounce" => ("bounce", "bouncedRecipients", Action::Failed),
        "Complaint" => ("complaint", "complainedRecipients", Action::Failed),
        "DeliveryDelay" => ("deliveryDelay", "delayedRecipients", Action::Delayed),
        _ => return Ok(None),
    };
    let missing = || ParseError::Malformed(format!("{WHAT}: a {kind} without {section}.{list}"));
    let detail = event.get(section).ok_or_else(missing)?;
    let listed = detail.get(list).and_then(Value::as_array).ok_or_else(missing)?;
    let mut b = bounce(Form::ServiceEvent, "amazonses");
    let mail = event.get("mail");
    b.source_id = mail.and_then(|m| str_at(m, "messageId")).map(str::to_string);
    b.sender = mail.and_then(|m| str_at(m, "source")).and_then(crate::text::clean_address);
    b.date = str_at(detail, "timestamp").map(str::to_string);
    b.reporting_mta = str_at(detail, "reportingMTA").map(|m| strip_type_prefix(m).to_string());
    if let Some(common) = mail.and_then(|m| m.get("commonHeaders")) {
        b.original.subject = str_at(common, "subject").map(str::to_string);
        b.original.message_id =
            str_at(common, "messageId").map(|m| m.trim_matches(['<', '>']).to_string());
        b.original.date = str_at(common, "date").map(str::to_string);
        let joined = |key: &str| {
            common
                .get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
        };
        b.original.from = joined("from");
        b.original.to = joined("to");
    }
    let label = match kind {
        "Bounce" => [str_at(detail, "bounceType"), str_at(detail, "bounceSubType")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("/"),
        "DeliveryDelay" => str_at(detail, "delayType").unwrap_or("").to_string(),
        _ => str_at(detail, "complaintFeedbackType").unwrap_or("").to_string(),
    };
    let remote_ip = str_at(detail, "remoteMtaIp").and_then(|ip| ip.parse().ok());
    for listed in listed {
        let address = str_at(listed, "emailAddress");
        let mut r: RecipientReport = if kind == "Complaint" {
            RecipientReport {
                recipient: address.and_then(crate::text::clean_address),
                kind: Kind::Feedback,
                feedback_type: str_at(detail, "complaintFeedbackType").map(str::to_ascii_lowercase),
                ..RecipientReport::default()
            }
        } else {
            let action = str_at(listed, "action").map_or(action, Action::from_field);
            recipient(
                address,
                action,
                str_at(listed, "diagnosticCode"),
                str_at(listed, "status"),
                None,
            )
        };
        r.remote_ip = remote_ip;
        r.last_attempt_date.clone_from(&b.date);
        r.service_label = (!label.is_empty()).then(|| label.clone());
        b.recipients.push(r);
    }
    Ok(Some(b))
}
