//! MTA logs and sending-service events: each fixture under `tests/fixtures/inputs`
//! is detected as its kind and read into the recipients, actions, codes and reply
//! texts it records; mail stays mail; broken input is an error, never a panic.

mod common;

use common::fixture_in;
use proptest::prelude::*;
use rebound_dsn::{detect, parse_events, Action, Bounce, Form, InputKind, Kind, ParseError};

fn input(name: &str) -> Vec<u8> {
    fixture_in("inputs", name)
}

/// Detects `name` as `kind` and reads it.
fn read(name: &str, kind: InputKind) -> Vec<Bounce> {
    let bytes = input(name);
    assert_eq!(detect(&bytes), kind, "{name}");
    let bounces = parse_events(kind, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    for b in &bounces {
        let want = if matches!(
            kind,
            InputKind::PostfixLog | InputKind::EximLog | InputKind::SendmailLog
        ) {
            Form::MtaLog
        } else {
            Form::ServiceEvent
        };
        assert_eq!(b.form, want, "{name}");
        assert!(b.source_id.is_some(), "{name}: no source id");
        assert!(b.date.is_some(), "{name}: no date");
    }
    bounces
}

/// One recipient as `address action status reply-code | diagnostic`.
fn line(r: &rebound_dsn::RecipientReport) -> String {
    format!(
        "{} {} {} {} | {}",
        r.recipient.as_deref().unwrap_or("-"),
        r.action.as_str(),
        r.status.map_or("-".to_string(), |s| s.to_string()),
        r.reply_code.map_or("-".to_string(), |c| c.to_string()),
        r.diagnostic.as_deref().unwrap_or("-"),
    )
}

fn lines(bounces: &[Bounce]) -> Vec<String> {
    bounces.iter().flat_map(|b| b.recipients.iter().map(line)).collect()
}

#[test]
fn postfix_log() {
    let bounces = read("postfix-maillog.log", InputKind::PostfixLog);
    // The message whose only recipient was delivered is left out.
    let ids: Vec<_> = bounces.iter().map(|b| b.source_id.as_deref().unwrap_or("")).collect();
    assert_eq!(ids, ["4BQ2Lk3ZrLz9vBk", "4BQ2Mf1Xk7z9vC2", "4BQ2Pq6Vb1z9vC8"]);
    assert_eq!(
        lines(&bounces),
        [
            "k.suzuki@example.jp failed 5.1.1 550 | 550 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table",
            "hanako@example.com delivered 2.0.0 250 | 250 2.0.0 OK 1741222803 d2e1a72fcca58-7373f2d4d1fsi12345b3a.141 - gsmtp",
            "ops@example.net failed 5.7.1 550 | 550-5.7.1 [192.0.2.25] Our system has detected that this message is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to this 550 5.7.1 domain, it has been blocked.",
            "taro@example.org delayed 4.4.1 - | connect to mx.example.org[198.51.100.40]:25: Connection timed out",
            "aya@example.co.jp delayed 4.7.1 450 | 450 4.7.1 <aya@example.co.jp>: Recipient address rejected: Greylisted, see http://postgrey.example.co.jp/",
        ]
    );
    let first = &bounces[0];
    assert_eq!(first.generator.as_deref(), Some("postfix"));
    assert_eq!(first.sender.as_deref(), Some("news@shop.example.org"));
    assert_eq!(first.reporting_mta.as_deref(), Some("mx1"));
    assert_eq!(first.date.as_deref(), Some("Mar  6 10:00:02"));
    let r = &first.recipients[0];
    assert_eq!(r.remote_mta.as_deref(), Some("mx.example.jp"));
    assert_eq!(r.remote_ip.map(|ip| ip.to_string()).as_deref(), Some("198.51.100.7"));
    assert_eq!(r.smtp_command.as_deref(), Some("RCPT TO"));
    assert_eq!(first.recipients[2].smtp_command.as_deref(), Some("DATA"));
    assert_eq!(bounces[1].recipients[0].remote_mta.as_deref(), Some("mx.example.org"));
}

#[test]
fn exim_log() {
    let bounces = read("exim-mainlog.log", InputKind::EximLog);
    assert_eq!(
        lines(&bounces),
        [
            "k.suzuki@example.jp failed 5.1.1 550 | 550 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table",
            "hanako@example.com delivered 2.0.0 250 | 250 2.0.0 OK 1741222802 d2e1a72fcca58-7373f2d4d1fsi12345b3a.141 - gsmtp",
            "nobody@nonexistent.example failed - - | Unrouteable address",
            "taro@example.org delayed - - | Connection timed out",
            "aya@example.co.jp delayed 4.7.1 450 | 450 4.7.1 <aya@example.co.jp>: Recipient address rejected: Greylisted, see http://postgrey.example.co.jp/",
        ]
    );
    assert_eq!(bounces[0].source_id.as_deref(), Some("1tqAbC-000Def-Gh"));
    assert_eq!(bounces[0].generator.as_deref(), Some("exim"));
    assert_eq!(bounces[0].sender.as_deref(), Some("news@shop.example.org"));
    assert_eq!(bounces[0].date.as_deref(), Some("2025-03-06 10:00:02"));
    assert_eq!(bounces[0].recipients[0].remote_mta.as_deref(), Some("mx.example.jp"));
    assert_eq!(bounces[2].recipients[0].remote_mta.as_deref(), Some("mx01.example.co.jp"));
    assert_eq!(bounces[2].recipients[0].smtp_command.as_deref(), Some("RCPT TO"));
}

#[test]
fn sendmail_log() {
    let bounces = read("sendmail-maillog.log", InputKind::SendmailLog);
    assert_eq!(
        lines(&bounces),
        [
            "taro@example.com failed 5.1.1 - | User unknown",
            "hanako@example.net delivered 2.0.0 - | Sent (Ok: queued as 4BQ2Lk4Ttbz1xyZ)",
            "jiro@example.org delayed 4.0.0 - | Deferred: Connection timed out with mx.example.org.",
            "aya@example.co.jp failed 5.7.1 - | Service unavailable",
        ]
    );
    assert_eq!(bounces[0].source_id.as_deref(), Some("526A01aQ004242"));
    assert_eq!(bounces[0].generator.as_deref(), Some("sendmail"));
    assert_eq!(bounces[0].sender.as_deref(), Some("news@shop.example.org"));
    assert_eq!(
        bounces[0].recipients[0].remote_ip.map(|i| i.to_string()).as_deref(),
        Some("203.0.113.25")
    );
}

#[test]
fn ses_bounce_raw_and_in_sns() {
    for name in ["ses-bounce-sns.json", "ses-bounce.json"] {
        let bounces = read(name, InputKind::Ses);
        assert_eq!(bounces.len(), 1, "{name}");
        let b = &bounces[0];
        assert_eq!(b.generator.as_deref(), Some("amazonses"));
        assert_eq!(b.sender.as_deref(), Some("news@shop.example.org"));
        assert_eq!(
            b.reporting_mta.as_deref(),
            Some("e226-55.smtp-out.ap-northeast-1.amazonses.com")
        );
        assert_eq!(b.original.subject.as_deref(), Some("March sale"));
        assert_eq!(b.original.message_id.as_deref(), Some("20250306100000.4411@shop.example.org"));
        assert_eq!(
            lines(&bounces),
            [
                "k.suzuki@example.jp failed 5.1.1 550 | 550 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table",
                // SES labels this Permanent; the reply (4.2.2) is what is kept.
                "ops@example.net failed 4.2.2 452 | 452 4.2.2 <ops@example.net>: Mailbox full, try again later",
            ]
        );
        assert_eq!(b.recipients[1].service_label.as_deref(), Some("Permanent/General"));
        assert_eq!(
            b.recipients[0].remote_ip.map(|i| i.to_string()).as_deref(),
            Some("198.51.100.7")
        );
    }
}

#[test]
fn ses_complaint_raw_and_in_sns() {
    for name in ["ses-complaint-sns.json", "ses-complaint.json"] {
        let bounces = read(name, InputKind::Ses);
        let r = &bounces[0].recipients[0];
        assert_eq!(r.recipient.as_deref(), Some("hanako@example.com"), "{name}");
        assert_eq!(r.kind, Kind::Feedback);
        assert_eq!(r.feedback_type.as_deref(), Some("abuse"));
        assert_eq!(r.status, None);
    }
}

#[test]
fn sendgrid_events() {
    let bounces = read("sendgrid-events.json", InputKind::SendGrid);
    // bounce, dropped, deferred and the spam report; the delivery is left out.
    assert_eq!(
        lines(&bounces),
        [
            "k.suzuki@example.jp failed 5.1.1 550 | 550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
            "ops@example.net failed 5.0.0 - | Bounced Address",
            "aya@example.co.jp delayed 4.7.1 450 | 450 4.7.1 <aya@example.co.jp>: Recipient address rejected: Greylisted, see http://postgrey.example.co.jp/",
            "jiro@example.org failed - - | -",
        ]
    );
    assert_eq!(bounces[0].source_id.as_deref(), Some("Ym91bmNlLTAtMTc0MTIyMjgwMg"));
    assert_eq!(bounces[0].date.as_deref(), Some("2025-03-06T01:00:02Z"));
    assert_eq!(
        bounces[0].original.message_id.as_deref(),
        Some("20250306100000.4411@shop.example.org")
    );
    assert_eq!(bounces[0].recipients[0].service_label.as_deref(), Some("bounce/Invalid Address"));
    assert_eq!(bounces[3].recipients[0].kind, Kind::Feedback);
}

#[test]
fn mailgun_events() {
    let permanent = read("mailgun-failed-permanent.json", InputKind::Mailgun);
    let temporary = read("mailgun-failed-temporary.json", InputKind::Mailgun);
    assert_eq!(
        lines(&permanent),
        ["k.suzuki@example.jp failed 5.1.1 550 | 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table"]
    );
    assert_eq!(
        lines(&temporary),
        ["aya@example.co.jp delayed 4.7.1 450 | 4.7.1 <aya@example.co.jp>: Recipient address rejected: Greylisted, see http://postgrey.example.co.jp/"]
    );
    let b = &permanent[0];
    assert_eq!(b.source_id.as_deref(), Some("G9Bn5sl1TC6nu79C8C0bwg"));
    assert_eq!(b.sender.as_deref(), Some("bounce+5d2f3a@mg.shop.example.org"));
    assert_eq!(b.date.as_deref(), Some("2025-03-06T01:00:02Z"));
    assert_eq!(b.recipients[0].remote_mta.as_deref(), Some("mx.example.jp"));
    assert_eq!(b.recipients[0].service_label.as_deref(), Some("permanent/bounce"));
    // Bare events, one per line; the suppressed address has only a description.
    let all = read("mailgun-events.ndjson", InputKind::Mailgun);
    assert_eq!(all.len(), 3);
    assert_eq!(
        line(&all[2].recipients[0]),
        "ops@example.net failed - - | Not delivering to previously bounced address"
    );
}

#[test]
fn postmark_webhooks() {
    let hard = read("postmark-hardbounce.json", InputKind::Postmark);
    assert_eq!(
        lines(&hard),
        ["k.suzuki@example.jp failed 5.1.1 550 | 550 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table"]
    );
    assert_eq!(hard[0].source_id.as_deref(), Some("4323372036854775807"));
    assert_eq!(hard[0].sender.as_deref(), Some("news@shop.example.org"));
    let all = read("postmark-bounces.ndjson", InputKind::Postmark);
    assert_eq!(
        lines(&all)[1..3],
        [
            // Postmark says SoftBounce; the reply is a permanent 5.2.2.
            "ops@example.net failed 5.2.2 552 | 552 5.2.2 <ops@example.net>: Mailbox full, quota exceeded".to_string(),
            "aya@example.co.jp failed 5.7.1 550 | 550 5.7.1 Message rejected as spam by Content Filtering".to_string(),
        ]
    );
    assert_eq!(all[1].recipients[0].service_label.as_deref(), Some("SoftBounce"));
    assert_eq!(all[3].recipients[0].kind, Kind::Feedback);
    let complaint = read("postmark-spamcomplaint.json", InputKind::Postmark);
    assert_eq!(complaint[0].recipients[0].kind, Kind::Feedback);
}

#[test]
fn mail_is_mail() {
    for name in
        ["postfix-dsn-s3150.eml", "exim-dsn-userunknown.eml", "amazonses-bounce-notification.eml"]
    {
        let bytes = fixture_in("", name);
        assert_eq!(detect(&bytes), InputKind::Mail, "{name}");
        let bounces = parse_events(InputKind::Mail, &bytes).unwrap();
        assert_eq!(bounces.len(), 1);
    }
    // Pasted Postfix bounce text is no Postfix log.
    let pasted =
        b"<ken@example.jp>: host mx.example.jp[198.51.100.7] said: 550 5.1.1 User unknown\n";
    assert_eq!(detect(pasted), InputKind::Mail);
    // A syslog line of another program, and JSON of no known service.
    assert_eq!(
        detect(b"Mar  6 10:00:00 mx1 sshd[99]: Accepted publickey for root\n"),
        InputKind::Mail
    );
    assert_eq!(detect(br#"{"hello": "world"}"#), InputKind::Mail);
}

/// Every mail file under `dir` (recursively): `.eml` and `.txt`.
fn mail_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            mail_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "eml" || e == "txt") {
            out.push(path);
        }
    }
}

#[test]
fn every_mail_fixture_stays_mail() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    mail_files(&root.join("tests/fixtures"), &mut files);
    assert!(files.len() > 50);
    // The shared corpora, when this machine has them: no real bounce is a log.
    mail_files(&root.join("../shared/corpus"), &mut files);
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(detect(&bytes), InputKind::Mail, "{}", path.display());
    }
}

#[test]
fn broken_input_is_an_error() {
    let ses = input("ses-bounce-sns.json");
    let truncated = &ses[..ses.len() / 2];
    assert!(matches!(parse_events(InputKind::Ses, truncated), Err(ParseError::Malformed(_))));
    let garbled: Vec<u8> =
        input("sendgrid-events.json").iter().map(|b| if *b == b':' { b';' } else { *b }).collect();
    assert!(matches!(parse_events(InputKind::SendGrid, &garbled), Err(ParseError::Malformed(_))));
    // JSON of the wrong layout names what is missing.
    let Err(ParseError::Malformed(why)) = parse_events(InputKind::Ses, br#"{"a": 1}"#) else {
        panic!("no error")
    };
    assert!(why.contains("notificationType"), "{why}");
    assert!(matches!(
        parse_events(InputKind::Ses, br#"{"notificationType":"Bounce","mail":{}}"#),
        Err(ParseError::Malformed(_))
    ));
    assert!(matches!(
        parse_events(InputKind::Postmark, br#"{"RecordType":"Bounce"}"#),
        Err(ParseError::Malformed(_))
    ));
    // Text that is no log, given as a log.
    for kind in [InputKind::PostfixLog, InputKind::EximLog, InputKind::SendmailLog] {
        assert!(matches!(
            parse_events(kind, b"just some words\nand more"),
            Err(ParseError::NotABounce(_))
        ));
    }
    assert_eq!(parse_events(InputKind::Mailgun, b"  \n"), Err(ParseError::Empty));
    // Random text as a service's events.
    for kind in [InputKind::Ses, InputKind::SendGrid, InputKind::Mailgun, InputKind::Postmark] {
        assert!(parse_events(kind, b"lorem ipsum dolor").is_err());
    }
}

#[test]
fn kind_names_round_trip() {
    for kind in InputKind::ALL {
        assert_eq!(InputKind::from_name(kind.name()), Some(kind));
    }
    assert_eq!(InputKind::from_name("nonsense"), None);
}

#[test]
fn a_log_of_deliveries_only_has_no_bounce() {
    let log = b"Mar  6 10:06:01 mx1 postfix/smtp[2250]: 4BQ2Qr2Tn4z9vD1: to=<jiro@example.com>, \
relay=aspmx.example.com[203.0.113.20]:25, delay=0.9, dsn=2.0.0, status=sent (250 2.0.0 OK)\n";
    assert_eq!(detect(log), InputKind::PostfixLog);
    assert_eq!(parse_events(InputKind::PostfixLog, log), Ok(vec![]));
    // With a byte-order mark and CRLF line ends.
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend_from_slice(&common::crlf(&input("exim-mainlog.log")));
    assert_eq!(detect(&marked), InputKind::EximLog);
    assert_eq!(parse_events(InputKind::EximLog, &marked).unwrap().len(), 3);
    assert_eq!(Action::Delivered.as_str(), "delivered");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn detect_and_parse_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let kind = detect(&bytes);
        let _ = parse_events(kind, &bytes);
        for kind in InputKind::ALL {
            let _ = parse_events(kind, &bytes);
        }
    }

    #[test]
    fn mangled_fixtures_never_panic(
        which in 0usize..6,
        cut in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let names = ["postfix-maillog.log", "exim-mainlog.log", "sendmail-maillog.log",
            "ses-bounce-sns.json", "sendgrid-events.json", "postmark-bounces.ndjson"];
        let mut bytes = input(names[which]);
        let at = cut.index(bytes.len());
        bytes[at] = byte;
        let kind = detect(&bytes);
        let _ = parse_events(kind, &bytes);
        let _ = parse_events(kind, &bytes[..at]);
    }
}
