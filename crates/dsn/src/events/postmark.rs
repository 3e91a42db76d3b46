//! Postmark bounce and spam complaint webhooks (`RecordType` `Bounce` or
//! `SpamComplaint`, with `ID`, `Type`, `TypeCode`, `MessageID`, `Description`,
//! `Details`, `Email`, `From`, `BouncedAt`, `Subject`), and the Bounces API
//! response (`TotalCount` and `Bounces`, the same fields without `RecordType`).
//! Layout: Postmark developer docs, "Bounce webhook", "Spam complaint webhook" and
//! "Bounces API" (bounce types).

use super::json::{objects, str_at, text_at};
use super::{bounce, recipient};
use crate::{Action, Bounce, Form, Kind, ParseError, RecipientReport};
use serde_json::Value;

/// Reads every bounce and complaint record in `values`.
pub(super) fn parse(values: &[Value]) -> Result<Vec<Bounce>, ParseError> {
    let mut out = Vec::new();
    for value in objects(values) {
        match value.get("Bounces").and_then(Value::as_array) {
            Some(records) => {
                for record in records {
                    out.extend(one(record)?);
                }
            }
            None => out.extend(one(value)?),
        }
    }
    Ok(out)
}

fn one(record: &Value) -> Result<Option<Bounce>, ParseError> {
    match str_at(record, "RecordType") {
        Some("Bounce" | "SpamComplaint") | None => {}
        // Deliveries, opens, clicks, subscription changes.
        Some(_) => return Ok(None),
    }
    let (Some(address), Some(kind)) = (str_at(record, "Email"), str_at(record, "Type")) else {
        return Err(ParseError::Malformed(
            "Postmark webhook: a bounce record without `Email` or `Type`".into(),
        ));
    };
    let text = |key: &str| str_at(record, key).filter(|t| !t.trim().is_empty());
    let mut report = match kind {
        "SpamComplaint" => RecipientReport {
            recipient: crate::text::clean_address(address),
            kind: Kind::Feedback,
            feedback_type: Some("abuse".into()),
            ..RecipientReport::default()
        },
        _ => {
            let action = if kind == "Transient" { Action::Delayed } else { Action::Failed };
            let mut r = recipient(
                Some(address),
                action,
                text("Details").or_else(|| text("Description")),
                None,
                None,
            );
            if kind == "AutoResponder" {
                r.kind = Kind::AutoReply;
            }
            r
        }
    };
    report.service_label = Some(kind.to_string());
    let mut b = bounce(Form::ServiceEvent, "postmark");
    b.source_id = text_at(record, "ID");
    b.date = text("BouncedAt").map(str::to_string);
    b.sender = text("From").and_then(crate::text::clean_address);
    b.original.message_id = text("MessageID").map(str::to_string);
    b.original.subject = text("Subject").map(str::to_string);
    report.last_attempt_date.clone_from(&b.date);
    b.recipients.push(report);
    Ok(Some(b))
}
