//! Every fixture in `tests/fixtures/` parsed and checked field by field, with LF and
//! with CRLF line endings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use rebound_dsn::{parse, Action, Bounce, Form, Kind, ParseError, RecipientReport};
use std::net::IpAddr;
use std::path::PathBuf;

use common::crlf;

fn fixture(name: &str) -> Vec<u8> {
    common::fixture_in("", name)
}

/// Parses the fixture with LF and with CRLF line endings; both must agree.
fn parse_both(name: &str) -> Result<Bounce, ParseError> {
    let lf = fixture(name);
    assert!(!lf.contains(&b'\r'), "{name} should be stored with LF line endings");
    let from_lf = parse(&lf);
    let from_crlf = parse(&crlf(&lf));
    assert_eq!(from_lf, from_crlf, "{name}: LF and CRLF parse differently");
    from_lf
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

/// The fields of one recipient, for one `assert_eq!`.
#[derive(Debug, PartialEq)]
struct Expect<'a> {
    recipient: Option<&'a str>,
    action: Action,
    status: Option<&'a str>,
    reply_code: Option<u16>,
    diagnostic: Option<&'a str>,
    remote_mta: Option<&'a str>,
    remote_ip: Option<IpAddr>,
    smtp_command: Option<&'a str>,
}

fn fields(r: &RecipientReport) -> Expect<'_> {
    Expect {
        recipient: r.recipient.as_deref(),
        action: r.action,
        status: None,
        reply_code: r.reply_code,
        diagnostic: r.diagnostic.as_deref(),
        remote_mta: r.remote_mta.as_deref(),
        remote_ip: r.remote_ip,
        smtp_command: r.smtp_command.as_deref(),
    }
}

fn check(r: &RecipientReport, want: Expect<'_>) {
    let status = r.status.map(|s| s.to_string());
    let got = Expect { status: status.as_deref(), ..fields(r) };
    assert_eq!(got, want);
}

const S3150_TEXT: &str = "Unfortunately, messages from [203.0.113.45] weren't sent. Please \
    contact your Internet service provider since part of their network is on our block list \
    (S3150). You can also refer your provider to \
    http://mail.live.com/mail/troubleshooting.aspx#errors.";

#[test]
fn postfix_dsn_s3150() {
    let b = parse_both("postfix-dsn-s3150.eml").unwrap();
    assert_eq!(b.form, Form::DeliveryStatusReport);
    assert_eq!(b.reporting_mta.as_deref(), Some("sv12053.xserver.jp"));
    assert_eq!(b.generator.as_deref(), Some("postfix"));
    assert_eq!(b.date.as_deref(), Some("Mon, 3 Mar 2025 10:14:58 +0900 (JST)"));
    assert_eq!(b.sender.as_deref(), Some("taro@example.co.jp"));
    assert_eq!(b.recipients.len(), 1);
    let diagnostic = format!(
        "550 5.7.1 {S3150_TEXT} [TY1PEPF00001A2B.eop-eur04.prod.protection.outlook.com \
         2025-03-03T01:15:02.571Z 08DD5A1B2C3D4E5F]"
    );
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("k.suzuki@infoseek.jp"),
            action: Action::Failed,
            // The Status field says 5.0.0; the diagnostic's 5.7.1 is more specific.
            status: Some("5.7.1"),
            reply_code: Some(550),
            diagnostic: Some(&diagnostic),
            remote_mta: Some("infoseek-jp.olc.pamx1.hotmail.com"),
            remote_ip: ip("198.51.100.7"),
            smtp_command: Some("MAIL FROM"),
        },
    );
    assert_eq!(b.recipients[0].original_recipient.as_deref(), Some("k.suzuki@infoseek.jp"));
    assert_eq!(b.recipients[0].last_attempt_date, None);
    let o = &b.original;
    assert_eq!(o.message_id.as_deref(), Some("7c1e9a52-3f0b-4d2e-9a61-2b8f0e4d1c77@example.co.jp"));
    assert_eq!(o.from.as_deref(), Some("山田 太郎 <taro@example.co.jp>"));
    assert_eq!(o.to.as_deref(), Some("k.suzuki@infoseek.jp"));
    assert_eq!(o.subject.as_deref(), Some("お見積もりの件"));
    assert_eq!(o.date.as_deref(), Some("Mon, 3 Mar 2025 10:14:55 +0900"));
    assert_eq!(o.return_path.as_deref(), Some("taro@example.co.jp"));
    assert_eq!(
        o.received,
        ["from [192.168.1.5] (p1234-ipngn.example-isp.ne.jp [198.51.100.200]) \
          (Authenticated sender: taro@example.co.jp) by sv12053.xserver.jp (Postfix) with \
          ESMTPSA id 4Z6QkB6Wq2z1XYZ for <k.suzuki@infoseek.jp>; Mon, 3 Mar 2025 10:14:58 \
          +0900 (JST)"]
    );
}

#[test]
fn exim_dsn_user_unknown() {
    let b = parse_both("exim-dsn-userunknown.eml").unwrap();
    assert_eq!(b.form, Form::DeliveryStatusReport);
    assert_eq!(b.reporting_mta.as_deref(), Some("mail.example.org"));
    assert_eq!(b.generator.as_deref(), Some("exim"));
    assert_eq!(b.date.as_deref(), Some("Tue, 04 Mar 2025 09:12:41 +0000"));
    assert_eq!(b.sender.as_deref(), Some("hanako@example.org"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("jiro.tanaka@example.net"),
            action: Action::Failed,
            status: Some("5.1.1"),
            reply_code: Some(550),
            diagnostic: Some(
                "550 5.1.1 <jiro.tanaka@example.net>: Recipient address rejected: User unknown \
                 in virtual mailbox table",
            ),
            remote_mta: Some("mx1.example.net"),
            remote_ip: ip("192.0.2.25"),
            smtp_command: Some("RCPT TO"),
        },
    );
    let o = &b.original;
    assert_eq!(o.message_id.as_deref(), Some("a1b2c3d4-e5f6-4789-8abc-def012345678@example.org"));
    assert_eq!(o.from.as_deref(), Some("Hanako Sato <hanako@example.org>"));
    assert_eq!(o.to.as_deref(), Some("Jiro Tanaka <jiro.tanaka@example.net>"));
    assert_eq!(o.subject.as_deref(), Some("Meeting notes for Friday"));
    assert_eq!(o.date.as_deref(), Some("Tue, 4 Mar 2025 18:12:38 +0900"));
    assert_eq!(
        o.received,
        ["from [198.51.100.23] (helo=[192.168.0.10]) by mail.example.org with esmtpsa (TLS1.3) \
          tls TLS_AES_256_GCM_SHA384 (Exim 4.97.1) (envelope-from <hanako@example.org>) id \
          1tpHxU-00AbCc-1E for jiro.tanaka@example.net; Tue, 04 Mar 2025 09:12:40 +0000"]
    );
}

#[test]
fn sendmail_dsn_two_mailboxes_full() {
    let b = parse_both("sendmail-dsn-mailboxfull.eml").unwrap();
    assert_eq!(b.form, Form::DeliveryStatusReport);
    assert_eq!(b.reporting_mta.as_deref(), Some("smtp.example.com"));
    assert_eq!(b.generator.as_deref(), Some("sendmail"));
    assert_eq!(b.date.as_deref(), Some("Wed, 5 Mar 2025 14:03:20 +0900"));
    assert_eq!(b.sender.as_deref(), Some("ichiro@example.com"));
    assert_eq!(b.recipients.len(), 2);
    for (r, who) in
        b.recipients.iter().zip(["taro.yamada@example.net", "hanako.yamada@example.net"])
    {
        let diagnostic = format!("552 5.2.2 <{who}>... Mailbox full");
        check(
            r,
            Expect {
                recipient: Some(who),
                action: Action::Failed,
                status: Some("5.2.2"),
                reply_code: Some(552),
                diagnostic: Some(&diagnostic),
                remote_mta: Some("mx.example.net"),
                remote_ip: None,
                smtp_command: Some("RCPT TO"),
            },
        );
        assert_eq!(r.last_attempt_date.as_deref(), Some("Wed, 5 Mar 2025 14:03:22 +0900"));
    }
    let o = &b.original;
    assert_eq!(o.message_id.as_deref(), Some("5f0c1d2e-8a9b-4c3d-b2e1-0a1b2c3d4e5f@example.com"));
    assert_eq!(o.from.as_deref(), Some("Ichiro Sato <ichiro@example.com>"));
    assert_eq!(o.to.as_deref(), Some("taro.yamada@example.net, hanako.yamada@example.net"));
    assert_eq!(o.subject.as_deref(), Some("週末の予定"));
    assert_eq!(o.date.as_deref(), Some("Wed, 5 Mar 2025 14:03:18 +0900"));
    assert_eq!(o.received.len(), 1);
    assert!(o.received[0].starts_with("from [192.168.10.3] (p5012-ipngn.example-isp.ne.jp"));
    assert!(o.received[0].ends_with("verify=NO); Wed, 5 Mar 2025 14:03:20 +0900"));
}

#[test]
fn sendmail_reason_only_in_the_transcript() {
    // No Diagnostic-Code and no `(reason: ...)`: Sendmail's own transcript line about
    // each recipient is its diagnostic.
    let b = parse_both("sendmail-transcript-deferred.eml").unwrap();
    assert_eq!(b.form, Form::DeliveryStatusReport);
    assert_eq!(b.generator.as_deref(), Some("sendmail"));
    assert_eq!(b.reporting_mta.as_deref(), Some("relay.example.com"));
    assert_eq!(b.recipients.len(), 2);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("sakura@branch.example.net"),
            action: Action::Failed,
            status: Some("4.4.7"),
            reply_code: None,
            diagnostic: Some(
                "<sakura@branch.example.net>... Deferred: Name server: branch.example.net.: \
                 host name lookup failure",
            ),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
    check(
        &b.recipients[1],
        Expect {
            recipient: Some("kenta@example.org"),
            action: Action::Failed,
            status: Some("4.4.7"),
            reply_code: None,
            diagnostic: Some(
                "<kenta@example.org>... Deferred: Connection timed out with mx.example.org.",
            ),
            remote_mta: Some("mx.example.org"),
            remote_ip: None,
            smtp_command: None,
        },
    );
}

#[test]
fn old_sendmail_protocol_error_takes_the_servers_reply() {
    // Sendmail 5.x: no address list, only the transcript. Sendmail's own line names
    // the recipient and the `<<<` line before it gives the server's reason.
    let b = parse_both("sendmail-v5-protocol-error.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("sendmail"));
    assert_eq!(b.recipients.len(), 2);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("ichiro@example.ac.jp"),
            action: Action::Failed,
            status: None,
            reply_code: Some(553),
            diagnostic: Some("553 Relaying not allowed from your host (Remote protocol error)"),
            remote_mta: Some("relay.example.ac.jp"),
            remote_ip: None,
            smtp_command: Some("MAIL FROM"),
        },
    );
    check(
        &b.recipients[1],
        Expect {
            recipient: Some("jiro@example.ne.jp"),
            action: Action::Failed,
            status: None,
            reply_code: Some(550),
            diagnostic: Some("550 No such mailbox here (User unknown)"),
            remote_mta: Some("mail.example.ne.jp"),
            remote_ip: None,
            smtp_command: Some("RCPT TO"),
        },
    );
    assert_eq!(b.original.subject.as_deref(), Some("meeting on Friday"));
}

#[test]
fn status_comment_is_the_diagnostic_of_last_resort() {
    let b = parse_both("rfc3464-status-comment.eml").unwrap();
    assert_eq!(b.form, Form::DeliveryStatusReport);
    assert_eq!(b.reporting_mta.as_deref(), Some("gw.example.edu"));
    assert_eq!(b.recipients.len(), 2);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("park@lab.example.net"),
            action: Action::Delayed,
            status: Some("4.0.0"),
            reply_code: None,
            diagnostic: Some("lab.example.net: host name lookup failure"),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
    // A Diagnostic-Code wins over the comment.
    check(
        &b.recipients[1],
        Expect {
            recipient: Some("choi@example.org"),
            action: Action::Failed,
            status: Some("5.0.0"),
            reply_code: Some(550),
            diagnostic: Some("550 choi... mailbox disabled"),
            remote_mta: Some("mail.example.org"),
            remote_ip: None,
            smtp_command: None,
        },
    );
}

#[test]
fn exim_failed_pipe_takes_the_generated_text() {
    let b = parse_both("exim-pipe-failed.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("exim"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("support@example.jp"),
            action: Action::Failed,
            status: None,
            reply_code: None,
            diagnostic: Some(
                "pipe to |/opt/helpdesk/bin/ingest --queue support: ingest: queue \"support\" \
                 is locked by another process ingest: message not stored",
            ),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
    assert_eq!(b.original.subject.as_deref(), Some("Printer on 3F is jammed again"));
}

#[test]
fn fml_refuses_a_non_member() {
    // A mailing list's refusal of a post, not an MTA bounce: the list address failed.
    let b = parse_both("fml-not-a-member.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("fml"));
    assert_eq!(b.reporting_mta.as_deref(), Some("mx.example.com"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("photo-club@lists.example.jp"),
            action: Action::Failed,
            status: None,
            reply_code: None,
            diagnostic: Some(
                "You are not a member of this mailing list <photo-club@lists.example.jp>.",
            ),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
}

#[test]
fn postfix_human_readable_only() {
    let b = parse_both("postfix-human-only-spamhaus.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.reporting_mta.as_deref(), Some("www1234.sakura.ne.jp"));
    assert_eq!(b.generator.as_deref(), Some("postfix"));
    assert_eq!(b.date.as_deref(), Some("Thu, 6 Mar 2025 16:40:11 +0900 (JST)"));
    assert_eq!(b.sender, None);
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("yamamoto@example.com"),
            action: Action::Failed,
            status: Some("5.7.1"),
            reply_code: Some(554),
            diagnostic: Some(
                "554 5.7.1 Service unavailable; Client host [203.0.113.45] blocked using \
                 zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.45",
            ),
            remote_mta: Some("mx01.example.com"),
            remote_ip: ip("192.0.2.44"),
            smtp_command: Some("RCPT TO"),
        },
    );
    assert_eq!(b.original, Default::default());
}

#[test]
fn exim_human_readable_only_with_inline_copy() {
    let b = parse_both("exim-human-only-dmarc.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    // No Reporting-MTA and no Postfix greeting: the bounce's own top Received header.
    assert_eq!(b.reporting_mta.as_deref(), Some("mail.example.org"));
    assert_eq!(b.generator.as_deref(), Some("exim"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("sato@example.com"),
            action: Action::Failed,
            status: Some("5.7.26"),
            reply_code: Some(550),
            diagnostic: Some(
                "550-5.7.26 This mail is unauthenticated, 550-5.7.26 which poses a security \
                 risk to the sender and has been blocked. 550 5.7.26 Please authenticate your \
                 domain.",
            ),
            remote_mta: Some("mx.example.com"),
            remote_ip: ip("192.0.2.60"),
            smtp_command: Some("DATA"),
        },
    );
    let o = &b.original;
    assert_eq!(o.message_id.as_deref(), Some("20250307020001.GA1234@laptop.example.org"));
    assert_eq!(o.from.as_deref(), Some("Ken <ken@example.org>"));
    assert_eq!(o.to.as_deref(), Some("sato@example.com"));
    assert_eq!(o.subject.as_deref(), Some("Invoice 2025-03"));
    assert_eq!(o.date.as_deref(), Some("Fri, 7 Mar 2025 11:00:01 +0900"));
    assert_eq!(o.return_path.as_deref(), Some("ken@example.org"));
    assert_eq!(b.sender.as_deref(), Some("ken@example.org"));
    assert_eq!(
        o.received,
        ["from [198.51.100.77] (helo=laptop.example.org) by mail.example.org with esmtp (Exim \
          4.96) (envelope-from <ken@example.org>) id 1tq9Zy-0003Aa-2k for sato@example.com; \
          Fri, 07 Mar 2025 02:00:02 +0000"]
    );
}

#[test]
fn pasted_s3150() {
    let b = parse_both("pasted-s3150.txt").unwrap();
    assert_eq!(b.form, Form::PastedText);
    assert_eq!(b.reporting_mta, None);
    assert_eq!(b.generator.as_deref(), Some("postfix"));
    assert_eq!(b.date, None);
    assert_eq!(b.recipients.len(), 1);
    let diagnostic = format!(
        "550 5.7.1 {S3150_TEXT} [TY1PEPF00001A2B.eop-eur04.prod.protection.outlook.com ...]"
    );
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("k.suzuki@infoseek.jp"),
            action: Action::Failed,
            status: Some("5.7.1"),
            reply_code: Some(550),
            diagnostic: Some(&diagnostic),
            remote_mta: Some("infoseek-jp.olc.pamx1.hotmail.com"),
            remote_ip: ip("198.51.100.7"),
            smtp_command: Some("MAIL FROM"),
        },
    );
    assert_eq!(b.original, Default::default());
}

#[test]
fn pasted_user_unknown() {
    let b = parse_both("pasted-userunknown.txt").unwrap();
    assert_eq!(b.form, Form::PastedText);
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("m.tanaka@example.net"),
            action: Action::Failed,
            status: Some("5.1.1"),
            reply_code: Some(550),
            diagnostic: Some(
                "550 5.1.1 <m.tanaka@example.net>: Recipient address rejected: User unknown in \
                 virtual mailbox table",
            ),
            remote_mta: Some("mx.example.net"),
            remote_ip: ip("192.0.2.33"),
            smtp_command: Some("RCPT TO"),
        },
    );
}

#[test]
fn pasted_bare_spamhaus_line() {
    let b = parse_both("pasted-spamhaus-line.txt").unwrap();
    assert_eq!(b.form, Form::PastedText);
    assert_eq!(b.generator, None);
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: None,
            action: Action::Failed,
            status: Some("5.7.1"),
            reply_code: Some(550),
            diagnostic: Some(
                "550 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using \
                 zen.spamhaus.org",
            ),
            // "Client host [192.0.2.85]" is the sender's side, not a remote MTA.
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
}

#[test]
fn gmail_legacy_two_recipients() {
    let b = parse_both("gmail-legacy-userunknown.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("gmail"));
    assert_eq!(b.recipients.len(), 2);
    let diagnostic = "550 5.1.1 <yamada@example.jp>... User unknown";
    for (r, who) in b.recipients.iter().zip(["yamada@example.jp", "suzuki@example.jp"]) {
        check(
            r,
            Expect {
                recipient: Some(who),
                action: Action::Failed,
                status: Some("5.1.1"),
                reply_code: Some(550),
                diagnostic: Some(diagnostic),
                remote_mta: Some("mx.example.jp"),
                remote_ip: ip("192.0.2.71"),
                smtp_command: None,
            },
        );
        assert_eq!(r.kind, Kind::Delivery);
    }
    assert_eq!(b.original.subject.as_deref(), Some("Spring conference"));
}

#[test]
fn googlegroups_recipient_from_header() {
    let b = parse_both("googlegroups-no-permission.eml").unwrap();
    // `Auto-Submitted: auto-replied`, yet a bounce: X-Failed-Recipients names the group.
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("googlegroups"));
    assert_eq!(b.recipients.len(), 1);
    let r = &b.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("board@googlegroups.com"));
    assert_eq!(r.kind, Kind::Delivery);
    assert_eq!((r.status, r.reply_code), (None, None));
    let diagnostic = r.diagnostic.as_deref().unwrap();
    assert!(diagnostic.starts_with("Hello hanako@example.org, We're writing"), "{diagnostic}");
    assert!(diagnostic.contains("you may not have permission to post messages"));
    assert!(diagnostic.ends_with("Thanks, Google Groups"), "{diagnostic}");
    assert_eq!(b.original.subject.as_deref(), Some("Agenda for Monday"));
}

#[test]
fn exchange2003_recipient_not_recognized() {
    let b = parse_both("exchange2003-recipient-unknown.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("exchange2003"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("nakamura@example.co.jp"),
            action: Action::Failed,
            status: None,
            reply_code: None,
            diagnostic: Some(
                "The recipient name is not recognized The MTS-ID of the original message is: \
                 c=jp;a= ;p=example;l=MAIL0250310 0200ABCDEF MSEXCH:IMS:Example:Tokyo:MAIL 0 \
                 (000C05A6) Unknown Recipient",
            ),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
    assert_eq!(b.original.message_id.as_deref(), Some("20250310105958.1234@example.org"));
}

#[test]
fn exchange2007_text_fills_the_report() {
    let b = parse_both("exchange2007-recipient-not-found.eml").unwrap();
    assert_eq!(b.form, Form::DeliveryStatusReport);
    assert_eq!(b.reporting_mta.as_deref(), Some("MX2.example.net"));
    assert_eq!(b.generator.as_deref(), Some("exchange2007"));
    assert_eq!(b.recipients.len(), 1);
    // The report has `Status: 5.0.0` and no Diagnostic-Code: the administrators' part
    // of the text gives both.
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("tanaka@example.net"),
            action: Action::Failed,
            status: Some("5.1.10"),
            reply_code: Some(550),
            diagnostic: Some(
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP \
                 address lookup'",
            ),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
}

#[test]
fn opensmtpd_two_recipients() {
    let b = parse_both("opensmtpd-domain-not-found.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("opensmtpd"));
    assert_eq!(b.recipients.len(), 2);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("kimura@example.net"),
            action: Action::Failed,
            status: Some("5.1.2"),
            reply_code: Some(550),
            diagnostic: Some("550 5.1.2 Domain not found"),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
    check(
        &b.recipients[1],
        Expect {
            recipient: Some("ono@example.com"),
            action: Action::Failed,
            status: Some("5.7.26"),
            reply_code: Some(550),
            diagnostic: Some(
                "550 5.7.26 <ono@example.com>: Recipient address rejected: DMARC policy \
                 violation",
            ),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
    assert_eq!(b.original.subject.as_deref(), Some("Photos"));
}

/// The families whose bounces carry no codes: one recipient and its reason.
fn reason_only(name: &str, generator: &str, recipient: &str, diagnostic: &str) -> Bounce {
    let b = parse_both(name).unwrap();
    assert_eq!(b.form, Form::HumanReadable, "{name}");
    assert_eq!(b.generator.as_deref(), Some(generator), "{name}");
    assert_eq!(b.recipients.len(), 1, "{name}");
    check(
        &b.recipients[0],
        Expect {
            recipient: Some(recipient),
            action: Action::Failed,
            status: None,
            reply_code: None,
            diagnostic: Some(diagnostic),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
    b
}

#[test]
fn notes_user_not_listed() {
    let b = reason_only(
        "notes-user-not-listed.eml",
        "notes",
        "ogawa@notes.example.co.jp",
        "User not listed in public Name & Address Book",
    );
    // The copy after "------- Returned Message --------" gives the original headers.
    assert_eq!(b.original.subject.as_deref(), Some("Shipping schedule"));
}

#[test]
fn domino_not_listed() {
    reason_only(
        "domino-not-listed.eml",
        "domino",
        "fujii@example.com",
        "User Shun Fujii (fujii@example.com) not listed in Domino Directory",
    );
}

#[test]
fn kddi_mailbox_full() {
    let b = reason_only(
        "kddi-mailbox-full.eml",
        "kddi",
        "miki@example.dion.ne.jp",
        "As their mailbox is full.",
    );
    assert_eq!(b.original.subject.as_deref(), Some("Dinner"));
}

#[test]
fn x1_user_unknown() {
    reason_only("x1-user-unknown.eml", "x1", "hirano@example.co.jp", "User unknown");
}

#[test]
fn biglobe_mailbox_full() {
    reason_only(
        "biglobe-mailbox-full.eml",
        "biglobe",
        "sakamoto@example.biglobe.ne.jp",
        "The number of messages in recipient's mailbox exceeded the local limit.",
    );
}

#[test]
fn ezweb_account_disabled() {
    reason_only(
        "ezweb-account-disabled.eml",
        "ezweb",
        "daisuke-0318@ezweb.ne.jp",
        "The user(s) account is disabled.",
    );
}

#[test]
fn imail_unknown_user() {
    let b = reason_only(
        "imail-unknown-user.eml",
        "imail",
        "mendez@example.net",
        "Unknown user: mendez@example.net",
    );
    assert_eq!(b.original.subject.as_deref(), Some("Quarterly numbers"));
}

#[test]
fn arf_feedback_report() {
    let b = parse_both("arf-abuse-report.eml").unwrap();
    assert_eq!(b.form, Form::FeedbackReport);
    assert_eq!(b.reporting_mta.as_deref(), Some("fbl.example.net"));
    assert_eq!(b.date.as_deref(), Some("Thu, 20 Mar 2025 05:10:02 +0000"));
    assert_eq!(b.sender.as_deref(), Some("news@example.org"));
    let got: Vec<_> = b.recipients.iter().map(|r| r.recipient.as_deref()).collect();
    assert_eq!(got, [Some("member1@example.net"), Some("member2@example.net")]);
    for r in &b.recipients {
        assert_eq!(r.kind, Kind::Feedback);
        assert_eq!(r.feedback_type.as_deref(), Some("abuse"));
        assert_eq!((r.status, r.reply_code, r.diagnostic.as_deref()), (None, None, None));
    }
    assert_eq!(b.original.message_id.as_deref(), Some("weekly-20250320@example.org"));
}

#[test]
fn auto_reply_vacation() {
    let b = parse_both("autoreply-vacation.eml").unwrap();
    assert_eq!(b.form, Form::AutoReply);
    assert_eq!(b.recipients.len(), 1);
    let r = &b.recipients[0];
    assert_eq!(r.kind, Kind::AutoReply);
    assert_eq!(r.recipient.as_deref(), Some("keiko.abe@example.net"));
    assert_eq!((r.status, r.reply_code), (None, None));
    assert_eq!(
        r.diagnostic.as_deref(),
        Some(
            "I am out of the office until March 31 with limited access to email. For urgent \
             matters please contact desk@example.net. Keiko Abe"
        )
    );
}

#[test]
fn dragonfly_dmarc_rejected() {
    let b = parse_both("dragonfly-dmarc-rejected.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("dragonfly"));
    assert_eq!(b.reporting_mta.as_deref(), Some("mail.example.org"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("yuki@example.net"),
            action: Action::Failed,
            status: Some("5.7.26"),
            reply_code: Some(550),
            diagnostic: Some(
                "550-5.7.26 Unauthenticated email from example.org is not accepted due to \
                 550-5.7.26 the domain's DMARC policy. 550 5.7.26 Please contact the \
                 administrator of example.org.",
            ),
            remote_mta: Some("mx1.example.net"),
            remote_ip: ip("192.0.2.45"),
            smtp_command: Some("DATA"),
        },
    );
    // The headers after "Message headers follow." are the original's.
    assert_eq!(b.original.subject.as_deref(), Some("Hanami"));
}

#[test]
fn interscan_transcript() {
    let b = parse_both("interscan-user-unknown.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("interscan"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("morita@example.co.jp"),
            action: Action::Failed,
            status: Some("5.1.1"),
            reply_code: Some(550),
            diagnostic: Some("550 5.1.1 <morita@example.co.jp>... User unknown"),
            remote_mta: None,
            remote_ip: None,
            smtp_command: Some("RCPT TO"),
        },
    );
    assert_eq!(b.original.subject.as_deref(), Some("Contract draft"));
}

#[test]
fn forwarded_report_is_read() {
    // A user forwarded the bounce as an attachment: the attached report is read.
    let b = parse_both("forwarded-postfix-dsn.eml").unwrap();
    assert_eq!(b.form, Form::DeliveryStatusReport);
    assert_eq!(b.reporting_mta.as_deref(), Some("mail.example.com"));
    assert_eq!(b.generator.as_deref(), Some("postfix"));
    assert_eq!(b.sender.as_deref(), Some("sachiko@example.com"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("watanabe@example.net"),
            action: Action::Failed,
            status: Some("5.1.1"),
            reply_code: Some(550),
            diagnostic: Some(
                "550 5.1.1 <watanabe@example.net>: Recipient address rejected: User unknown \
                 in local recipient table",
            ),
            remote_mta: Some("mx.example.net"),
            remote_ip: ip("192.0.2.17"),
            smtp_command: Some("RCPT TO"),
        },
    );
    assert_eq!(b.original.subject.as_deref(), Some("Order confirmation"));
}

#[test]
fn amazonses_json_bounce() {
    let b = parse_both("amazonses-bounce-notification.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("amazonses"));
    assert_eq!(b.recipients.len(), 2);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("noriko@example.net"),
            action: Action::Failed,
            status: Some("5.1.1"),
            reply_code: Some(550),
            diagnostic: Some(
                "550 5.1.1 <noriko@example.net>: Recipient address rejected: User unknown",
            ),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
    check(
        &b.recipients[1],
        Expect {
            recipient: Some("tadashi@example.com"),
            action: Action::Failed,
            status: Some("5.2.2"),
            reply_code: Some(552),
            diagnostic: Some("552 5.2.2 Mailbox full"),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
}

#[test]
fn apachejames_no_such_user() {
    let b = parse_both("apachejames-no-such-user.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("apachejames"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("sugiyama@example.net"),
            action: Action::Failed,
            status: None,
            reply_code: Some(550),
            diagnostic: Some("550 - Requested action not taken: no such user here"),
            remote_mta: None,
            remote_ip: None,
            smtp_command: None,
        },
    );
}

#[test]
fn x6_hop_count_exceeded() {
    // `Auto-Submitted: auto-replied`, but from MAILER-DAEMON: a bounce, not an auto-reply.
    let b = parse_both("x6-hop-count.eml").unwrap();
    assert_eq!(b.form, Form::HumanReadable);
    assert_eq!(b.generator.as_deref(), Some("x6"));
    assert_eq!(b.recipients.len(), 1);
    check(
        &b.recipients[0],
        Expect {
            recipient: Some("hideki@example.com"),
            action: Action::Failed,
            status: Some("5.4.6"),
            reply_code: Some(554),
            diagnostic: Some("554 5.4.6 Hop count exceeded - possible mail loop"),
            remote_mta: None,
            remote_ip: None,
            smtp_command: Some("DATA"),
        },
    );
    assert_eq!(b.original.subject.as_deref(), Some("Travel plans"));
}

#[test]
fn verizon_no_valid_recipients() {
    reason_only(
        "verizon-no-valid-recipients.eml",
        "verizon",
        "5555550123@vzwpix.example",
        "No valid recipients for this MM",
    );
}

#[test]
fn ordinary_mail_is_not_a_bounce() {
    // The body mentions "Room 550": an ordinary message must not become a bounce.
    match parse_both("not-a-bounce.eml") {
        Err(ParseError::NotABounce(why)) => assert!(why.contains("ordinary message"), "{why}"),
        other => panic!("expected NotABounce, got {other:?}"),
    }
}

#[test]
fn empty_inputs() {
    for input in [&b""[..], b"   ", b"\r\n\r\n", b"\t\n "] {
        assert_eq!(parse(input), Err(ParseError::Empty));
    }
    assert!(matches!(parse(b"hello there"), Err(ParseError::NotABounce(_))));
}

/// Every fixture is read by a test: its name is in this file or in another test file
/// of this crate (`families.rs` checks the families' formats).
#[test]
fn every_fixture_is_covered() {
    let tests = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let sources: String = std::fs::read_dir(&tests)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml") || n.ends_with(".txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 35, "{names:?}");
    let untested: Vec<&String> =
        names.iter().filter(|n| !sources.contains(&format!("\"{n}\""))).collect();
    assert!(untested.is_empty(), "fixtures without a test: {untested:?}");
}
