//! Sisimai's JSON dump format (`sisimai dump`), so that Sisimai users can switch
//! without changing their code: one flat array of records, one per recipient, with
//! Sisimai's keys.

use std::io::Write;

use serde::Serialize;

use rebound_verdict::Report;

/// One record with Sisimai's keys, in its order.
#[derive(Debug, Serialize)]
struct Record<'a> {
    action: &'a str,
    addresser: String,
    alias: &'a str,
    catch: Option<()>,
    deliverystatus: String,
    destination: &'a str,
    diagnosticcode: &'a str,
    diagnostictype: &'a str,
    feedbacktype: &'a str,
    hardbounce: u8,
    lhost: &'a str,
    listid: &'a str,
    messageid: &'a str,
    origin: &'a str,
    reason: &'a str,
    recipient: &'a str,
    replycode: String,
    rhost: &'a str,
    senderdomain: String,
    smtpagent: &'a str,
    smtpcommand: &'a str,
    subject: &'a str,
    timestamp: Option<i64>,
    timezoneoffset: String,
    token: String,
}

/// Writes one report's records as elements of the array being written (opening
/// it at the first record), after `written` earlier records; so that a run can
/// print reports as they come.
pub fn write_records(
    out: &mut impl Write,
    report: &Report,
    written: &mut usize,
) -> anyhow::Result<()> {
    {
        let addresser = report
            .sender
            .clone()
            .or_else(|| {
                report.original_message.from.as_deref().and_then(address_in).map(str::to_string)
            })
            .unwrap_or_default();
        let date = report.date.as_deref().and_then(crate::date::parse);
        for r in &report.recipients {
            let recipient = r.recipient.as_deref().unwrap_or_default();
            let token =
                date.as_ref().map_or_else(String::new, |d| token(&addresser, recipient, d.unix));
            out.write_all(if *written > 0 { b"," } else { b"[" })?;
            *written += 1;
            serde_json::to_writer(
                &mut *out,
                &Record {
                    action: r.action,
                    senderdomain: domain_of(&addresser).to_string(),
                    addresser: addresser.clone(),
                    alias: "",
                    catch: None,
                    deliverystatus: r.status.clone().unwrap_or_else(|| pseudo_status(r)),
                    destination: domain_of(recipient),
                    diagnosticcode: r.diagnostic.as_deref().unwrap_or_default(),
                    diagnostictype: if r.diagnostic.is_some() { "SMTP" } else { "" },
                    feedbacktype: r.feedback_type.as_deref().unwrap_or_default(),
                    hardbounce: u8::from(r.hard_bounce),
                    lhost: report.reporting_mta.as_deref().unwrap_or_default(),
                    listid: "",
                    messageid: report.original_message.message_id.as_deref().unwrap_or_default(),
                    origin: &report.input,
                    reason: r.reason,
                    recipient,
                    replycode: r.reply_code.map(|c| c.to_string()).unwrap_or_default(),
                    rhost: r.remote_mta.as_deref().unwrap_or_default(),
                    smtpagent: report.generator.as_deref().unwrap_or_default(),
                    smtpcommand: sisimai_command(r.smtp_command.as_deref()),
                    subject: report.original_message.subject.as_deref().unwrap_or_default(),
                    timestamp: date.as_ref().map(|d| d.unix),
                    timezoneoffset: date.as_ref().map(|d| d.offset.clone()).unwrap_or_default(),
                    token,
                },
            )?;
        }
    }
    Ok(())
}

/// Sisimai's record identifier: the SHA-1 of sender, recipient and time, framed
/// with STX, RS and ETX as Sisimai frames them, so tokens agree between the two.
fn token(addresser: &str, recipient: &str, unix: i64) -> String {
    let text = format!(
        "\u{2}{}\u{1e}{}\u{1e}{unix}\u{3}",
        addresser.to_lowercase(),
        recipient.to_lowercase()
    );
    sha1_smol::Sha1::from(text.as_bytes()).digest().to_string()
}

/// Sisimai gives every failure a status code: when the bounce has none, it makes one
/// up from the reason, with subject 9 (never a real RFC 3463 subject), in the class
/// of the reply code. So do we, in this format only, so that code reading Sisimai's
/// output sees what it expects; our own JSON leaves the status null.
fn pseudo_status(r: &rebound_verdict::report::RecipientOut) -> String {
    // Sisimai's detail numbers per reason.
    const DETAILS: &[(&str, u16)] = &[
        ("blocked", 134),
        ("emailtoolarge", 161),
        ("expired", 340),
        ("failedstarttls", 350),
        ("filtered", 210),
        ("hostunknown", 212),
        ("mailboxfull", 220),
        ("mailererror", 230),
        ("networkerror", 341),
        ("norelaying", 214),
        ("notaccept", 215),
        ("notcompliantrfc", 162),
        ("rejected", 110),
        ("requireptr", 133),
        ("spamdetected", 164),
        ("suspend", 221),
        ("syntaxerror", 351),
        ("systemerror", 231),
        ("undefined", 300),
        ("userunknown", 213),
    ];
    if matches!(r.kind, "feedback" | "auto_reply") || r.action == "delivered" {
        return String::new();
    }
    let class = match (r.reply_code, r.action) {
        (Some(code), _) if code / 100 == 4 => 4,
        (None, "delayed") => 4,
        _ => 5,
    };
    let detail = DETAILS.iter().find(|(reason, _)| *reason == r.reason).map_or(301, |(_, d)| *d);
    format!("{class}.9.{detail}")
}

/// SMTP commands as Sisimai 5 writes them in `smtpcommand` (its list of commands it
/// accepts; `CONN` is its own name for the connection and greeting), the verb alone.
/// Sisimai 4.25 keeps only `EHLO`, `HELO`, `MAIL`, `RCPT`, `DATA` and `QUIT` of these
/// (`Sisimai::Data`), but already tests `CONN` in its reason rules.
const SISIMAI_COMMANDS: &[&str] = &[
    "HELO", "EHLO", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "NOOP", "VRFY", "ETRN", "EXPN", "HELP",
    "AUTH", "STARTTLS", "XFORWARD", "CONN",
];

/// The command the failure answered, as Sisimai writes it: `RCPT TO` is `RCPT`,
/// `MAIL FROM` is `MAIL`, the connection (`CONNECT`) is `CONN`; anything else, or
/// nothing, is the empty string, as in Sisimai.
fn sisimai_command(command: Option<&str>) -> &'static str {
    let verb = command.and_then(|c| c.split_whitespace().next()).unwrap_or_default();
    let verb = if verb.eq_ignore_ascii_case("CONNECT") { "CONN" } else { verb };
    SISIMAI_COMMANDS.iter().find(|known| known.eq_ignore_ascii_case(verb)).copied().unwrap_or("")
}

/// The part of an address after the last `@`, or "".
fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, domain)| domain)
}

/// The address in a `From` value: inside angle brackets, else the whole value when
/// it looks like an address.
fn address_in(from: &str) -> Option<&str> {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => from.get(open + 1..close),
        _ => from.contains('@').then_some(from.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_parts() {
        assert_eq!(domain_of("a@b.example"), "b.example");
        assert_eq!(domain_of("nobody"), "");
        assert_eq!(address_in("山田 <info@shop.example>"), Some("info@shop.example"));
        assert_eq!(address_in("info@shop.example"), Some("info@shop.example"));
        assert_eq!(address_in("Mail Delivery System"), None);
    }

    #[test]
    fn smtp_commands_are_written_as_sisimai_writes_them() {
        assert_eq!(sisimai_command(Some("RCPT TO")), "RCPT");
        assert_eq!(sisimai_command(Some("MAIL FROM")), "MAIL");
        assert_eq!(sisimai_command(Some("CONNECT")), "CONN");
        assert_eq!(sisimai_command(Some("DATA")), "DATA");
        assert_eq!(sisimai_command(Some("ehlo")), "EHLO");
        assert_eq!(sisimai_command(Some("STARTTLS")), "STARTTLS");
        assert_eq!(sisimai_command(Some("AUTH PLAIN")), "AUTH");
        assert_eq!(sisimai_command(Some("LHLO")), "", "not one of Sisimai's commands");
        assert_eq!(sisimai_command(Some("")), "");
        assert_eq!(sisimai_command(None), "");
    }

    #[test]
    fn token_is_sha1_of_framed_fields() {
        // Python: hashlib.sha1(b"\x02a@b.example\x1ec@d.example\x1e0\x03").hexdigest()
        let expected = "42157c5a06da854bb3e984e832fddcc01c385960";
        assert_eq!(token("A@b.example", "c@d.example", 0), expected);
        assert_eq!(token("a@b.example", "C@D.example", 0), expected);
    }
}
