//! Property tests: no input makes `parse` panic, and a DSN built from generated fields
//! (folded at random points) parses back to the same fields.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rebound_dsn::{parse, Action, Form};

/// Pieces of bounce vocabulary, so random inputs reach the deeper code paths.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<a@b.example>: ".to_string()),
        Just("host mx.example.com[192.0.2.1] said: ".to_string()),
        Just("host mx.example.com [192.0.2.1]: ".to_string()),
        Just("550 5.1.1 ".to_string()),
        Just("550-5.7.1".to_string()),
        Just("(in reply to RCPT TO command)".to_string()),
        Just("SMTP error from remote mail server after RCPT TO:<a@b.example>:".to_string()),
        Just("The following address(es) failed:\n".to_string()),
        Just("This is the mail system at host ".to_string()),
        Just("----- Transcript of session follows -----\n".to_string()),
        Just("----- The following addresses had permanent fatal errors -----\n".to_string()),
        Just(">>> RCPT To:<a@b.example>\n<<< 550 5.1.1 no\n".to_string()),
        Just("... while talking to mx.example.net.:\n".to_string()),
        Just(
            "------ This is a copy of the message, including all the headers. ------\n".to_string()
        ),
        Just("\n    ".to_string()),
        Just("\r\n".to_string()),
        Just("\n\n".to_string()),
        Just("Final-Recipient: rfc822; ".to_string()),
        Just("Status: 5.0.0\n".to_string()),
        Just("Diagnostic-Code: smtp; ".to_string()),
        Just("Remote-MTA: dns; [".to_string()),
        Just("From: MAILER-DAEMON@x.example\n".to_string()),
        Just("Subject: Undelivered Mail\n".to_string()),
        Just("Content-Type: multipart/report; boundary=b\n".to_string()),
        Just("Content-Type: message/rfc822\n\n".to_string()),
        Just("Content-Type: text/rfc822-headers\n\n".to_string()),
        Just("--b\n".to_string()),
        Just("Content-Type: message/delivery-status\n\n".to_string()),
        Just("<p>html<br></p>&amp;".to_string()),
        Just("Delivery to the following recipients failed permanently:\n".to_string()),
        Just("Technical details of permanent failure:\n".to_string()),
        Just("did not reach the following recipient(s):\n".to_string()),
        Just("a@b.example on Thu, 6 Mar 2025 10:00:05 +0900\n".to_string()),
        Just("Delivery has failed to these recipients or groups:\n".to_string()),
        Just("Diagnostic information for administrators:\n".to_string()),
        Just("This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n".to_string()),
        Just("the following list of recipients:\n".to_string()),
        Just("------- Failure Reasons  --------\n".to_string()),
        Just("was not delivered to:\n".to_string()),
        Just("because:\n".to_string()),
        Just("Your mail sent on: x\n".to_string()),
        Just("Could not be delivered to: <a@b.example>\n".to_string()),
        Just("---The following addresses had delivery errors---\n".to_string()),
        Just("----- The following addresses had delivery problems -----\n".to_string()),
        Just("----- Non-delivered information -----\n".to_string()),
        Just("The user(s) account is disabled.\n".to_string()),
        Just("This is the DragonFly Mail Agent v0.13 at x.example.\n".to_string()),
        Just("There was an error delivering your mail to <a@b.example>.\n".to_string()),
        Just("mx.b.example [192.0.2.2] did not like our RCPT TO:\n".to_string()),
        Just("Message from InterScan Messaging Security Suite\n".to_string()),
        Just("Sent <<< RCPT TO:<a@b.example>\nReceived >>> 550 no\n".to_string()),
        Just("Error message below:\n".to_string()),
        Just("Message details:\n  RCPT TO: a@b.example\n".to_string()),
        Just("Unknown user: a@b.example\n".to_string()),
        Just("Original message follows.\n".to_string()),
        Just("We had trouble delivering your message.\n".to_string()),
        Just(
            "The following recipients returned permanent errors: a@b.example. Reason: ".to_string()
        ),
        Just("{\"notificationType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[".to_string()),
        Just("X-Failed-Recipients: a@b.example\n".to_string()),
        Just("Auto-Submitted: auto-replied\n".to_string()),
        Just("Content-Type: multipart/report; report-type=feedback-report\n".to_string()),
        Just("Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n".to_string()),
        Just("Original-Rcpt-To: a@b.example\n".to_string()),
        Just("groups.google.com/support\n\nGoogle Groups".to_string()),
        Just("554 4.4.7 expired <421 4.4.2 timeout>".to_string()),
        Just("250 2.6.0 ".to_string()),
        ".{0,12}",
    ]
}

fn word() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9,.'()-]{0,11}"
}

/// Text with line breaks and indentation inserted before some words, as folding does.
fn fold(words: &[String], breaks: &[bool], indents: &[u8], eol: &str) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            if breaks.get(i).copied().unwrap_or(false) {
                out.push_str(eol);
                let n = indents.get(i).copied().unwrap_or(1).max(1);
                for k in 0..n {
                    out.push(if k % 3 == 2 { '\t' } else { ' ' });
                }
            } else {
                out.push(' ');
            }
        }
        out.push_str(w);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn split_mbox_keeps_every_byte(parts in proptest::collection::vec(prop_oneof![
        Just("From MAILER-DAEMON Thu Mar  6 10:00:00 2025\n".to_string()),
        Just("Subject: x\n".to_string()),
        Just("\n".to_string()),
        Just("From here\n".to_string()),
        ".{0,8}",
    ], 0..40)) {
        let input = parts.concat();
        let messages = rebound_dsn::split_mbox(input.as_bytes());
        prop_assert!(!messages.is_empty());
        prop_assert_eq!(messages.concat(), input.as_bytes());
    }

    #[test]
    fn bounce_like_noise_never_panics(parts in proptest::collection::vec(fragment(), 0..80)) {
        let text = parts.concat();
        let _ = parse(text.as_bytes());
        let _ = parse(text.replace('\n', "\r\n").as_bytes());
    }

    #[test]
    fn generated_dsn_parses_back(
        local in "[a-z][a-z0-9._-]{0,15}",
        domain in "[a-z][a-z0-9-]{0,10}\\.(com|jp|example|co\\.jp)",
        class in prop_oneof![Just(4u8), Just(5u8)],
        subject in 0u16..=7,
        detail in 0u16..=99,
        reply_rest in 0u16..=55,
        words in proptest::collection::vec(word(), 1..30),
        breaks in proptest::collection::vec(any::<bool>(), 30),
        indents in proptest::collection::vec(1u8..6, 30),
        crlf in any::<bool>(),
        generic_field in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let recipient = format!("{local}@{domain}");
        let reply = u16::from(class) * 100 + (reply_rest / 10) * 10 + reply_rest % 10;
        let status = format!("{class}.{subject}.{detail}");
        // The Status field may be the generic X.0.0: the text's code must win.
        let field_status = if generic_field { format!("{class}.0.0") } else { status.clone() };
        let mut diag_words = vec![reply.to_string(), status.clone()];
        diag_words.extend(words.iter().cloned());
        let folded = fold(&diag_words, &breaks, &indents, eol);
        let message = [
            "From: MAILER-DAEMON@mta.example.org",
            "To: sender@example.org",
            "Subject: Undelivered Mail Returned to Sender",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"=_b\"",
            "",
            "--=_b",
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mta.example.org",
            "",
            &format!("Final-Recipient: rfc822; {recipient}"),
            "Action: failed",
            &format!("Status: {field_status}"),
            "Remote-MTA: dns; mx.example.net",
            &format!("Diagnostic-Code: smtp; {folded}"),
            "",
            "--=_b--",
            "",
        ]
        .join(eol);
        let bounce = parse(message.as_bytes()).unwrap();
        prop_assert_eq!(bounce.form, Form::DeliveryStatusReport);
        prop_assert_eq!(bounce.reporting_mta.as_deref(), Some("mta.example.org"));
        prop_assert_eq!(bounce.recipients.len(), 1);
        let r = &bounce.recipients[0];
        prop_assert_eq!(r.recipient.as_deref(), Some(recipient.as_str()));
        prop_assert_eq!(r.action, Action::Failed);
        prop_assert_eq!(r.status.map(|s| s.to_string()), Some(status));
        prop_assert_eq!(r.reply_code, Some(reply));
        prop_assert_eq!(r.diagnostic.clone(), Some(diag_words.join(" ")));
        prop_assert_eq!(r.remote_mta.as_deref(), Some("mx.example.net"));
    }

    #[test]
    fn generated_pasted_postfix_block_parses_back(
        local in "[a-z][a-z0-9._-]{0,15}",
        domain in "[a-z][a-z0-9-]{0,10}\\.(com|jp|example)",
        subject in 0u16..=7,
        detail in 0u16..=99,
        words in proptest::collection::vec(word(), 1..30),
        breaks in proptest::collection::vec(any::<bool>(), 40),
        indents in proptest::collection::vec(1u8..6, 40),
        command in prop_oneof![
            Just(("RCPT TO", "RCPT TO")),
            Just(("MAIL FROM", "MAIL FROM")),
            Just(("end of DATA", "DATA")),
        ],
    ) {
        let recipient = format!("{local}@{domain}");
        let status = format!("5.{subject}.{detail}");
        let mut all = vec![
            format!("<{recipient}>:"), "host".into(), "mx.example.com[198.51.100.9]".into(),
            "said:".into(), "550".into(), status.clone(),
        ];
        all.extend(words.iter().cloned());
        for w in ["(in", "reply", "to"] {
            all.push(w.to_string());
        }
        all.extend(command.0.split(' ').map(str::to_string));
        all.push("command)".into());
        let text = fold(&all, &breaks, &indents, "\n");
        let bounce = parse(text.as_bytes()).unwrap();
        prop_assert_eq!(bounce.form, Form::PastedText);
        prop_assert_eq!(bounce.recipients.len(), 1);
        let r = &bounce.recipients[0];
        prop_assert_eq!(r.recipient.as_deref(), Some(recipient.as_str()));
        prop_assert_eq!(r.status.map(|s| s.to_string()), Some(status.clone()));
        prop_assert_eq!(r.reply_code, Some(550));
        prop_assert_eq!(r.diagnostic.clone(), Some(format!("550 {status} {}", words.join(" "))));
        prop_assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
        prop_assert_eq!(r.remote_ip, "198.51.100.9".parse().ok());
        prop_assert_eq!(r.smtp_command.as_deref(), Some(command.1));
    }
}
