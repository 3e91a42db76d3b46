//! JSON inputs: reading one document, a JSON array or newline-delimited JSON
//! (one event per line, as logs of webhooks are often kept), and telling the
//! services apart by their keys.

use super::InputKind;
use crate::ParseError;
use serde_json::Value;

/// Every JSON value in `bytes`: the document, or one per line when the whole is no
/// single document. `what` names the input in the error.
pub(super) fn values(bytes: &[u8], what: &str) -> Result<Vec<Value>, ParseError> {
    let whole = match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => return Ok(vec![value]),
        Err(e) => e,
    };
    let lines: Vec<&[u8]> =
        bytes.split(|b| *b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).collect();
    if lines.len() > 1 {
        let parsed: Result<Vec<Value>, _> =
            lines.iter().map(|l| serde_json::from_slice::<Value>(l)).collect();
        if let Ok(values) = parsed {
            return Ok(values);
        }
    }
    Err(ParseError::Malformed(format!("{what}: not valid JSON ({whole})")))
}

/// The service whose events `body` (starting with `{` or `[`) holds.
pub(super) fn detect(body: &[u8]) -> Option<InputKind> {
    let first = match serde_json::from_slice::<Value>(body) {
        Ok(value) => value,
        Err(_) => {
            let line = body.split(|b| *b == b'\n').next()?;
            serde_json::from_slice::<Value>(line).ok()?
        }
    };
    let sample = match &first {
        Value::Array(items) => items.first()?,
        other => other,
    };
    kind_of(sample)
}

/// The service one event object comes from.
fn kind_of(event: &Value) -> Option<InputKind> {
    let object = event.as_object()?;
    if let Some(message) = sns_message(event) {
        return kind_of(&message);
    }
    let has = |key: &str| object.contains_key(key);
    if (has("notificationType") || has("eventType")) && has("mail") {
        return Some(InputKind::Ses);
    }
    if has("sg_event_id") && has("event") {
        return Some(InputKind::SendGrid);
    }
    if has("event-data")
        || (has("event") && has("log-level") && (has("recipient") || has("delivery-status")))
    {
        return Some(InputKind::Mailgun);
    }
    if let Some(items) = object.get("items").and_then(Value::as_array) {
        return items.first().and_then(kind_of).filter(|k| *k == InputKind::Mailgun);
    }
    if has("RecordType") || (has("Bounces") && has("TotalCount")) {
        return Some(InputKind::Postmark);
    }
    None
}

/// The notification inside an SNS envelope (`"Type": "Notification"`, the
/// notification as the JSON text of `Message`).
pub(super) fn sns_message(event: &Value) -> Option<Value> {
    if event.get("Type").and_then(Value::as_str) != Some("Notification") {
        return None;
    }
    serde_json::from_str(event.get("Message")?.as_str()?).ok()
}

/// The string at `key` of `value`.
pub(super) fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// A value at `key` as text: a string as it is, a number in decimal.
pub(super) fn text_at(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The values of an input that are objects, arrays flattened one level.
pub(super) fn objects(values: &[Value]) -> impl Iterator<Item = &Value> {
    values
        .iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .filter(|v| v.is_object())
}

/// A Unix time in seconds (SendGrid's and Mailgun's `timestamp`) as an RFC 3339
/// UTC time: `2025-03-06T01:00:00Z`. `None` out of the years 1970 to 9999.
pub(super) fn unix_time(value: &Value) -> Option<String> {
    let seconds = value.as_f64()?;
    if !(0.0..253_402_300_800.0).contains(&seconds) {
        return None;
    }
    // In range: the cast neither truncates a sign nor overflows.
    let seconds = seconds as i64;
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_unix_times() {
        assert_eq!(unix_time(&Value::from(0)).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(unix_time(&Value::from(1_741_222_800)).as_deref(), Some("2025-03-06T01:00:00Z"));
        assert_eq!(unix_time(&Value::from(951_782_400.5)).as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(unix_time(&Value::from(-1)), None);
    }
}
