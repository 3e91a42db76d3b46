use super::*;
use crate::decide::{Evidence, LookupOutcome};
use crate::findings::{Findings, SendingIp};
use crate::plan::FoundIn;
use rebound_dsn::{Bounce, RecipientReport};

const S3150: &str = "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [TYZPR01CA0000.jpnprd01.prod.outlook.com 2025-06-02T01:02:03.000Z]";
const DATE: &str = "Mon, 2 Jun 2025 10:02:04 +0900 (JST)";

fn recipient(
    rcpt: &str,
    status: &str,
    reply: u16,
    remote: &str,
    diagnostic: &str,
) -> RecipientReport {
    let mut r = RecipientReport::default();
    r.recipient = Some(rcpt.into());
    r.status = status.parse().ok();
    r.reply_code = Some(reply);
    r.remote_mta = Some(remote.into());
    r.smtp_command = Some("RCPT TO".into());
    r.diagnostic = Some(diagnostic.into());
    r
}

fn bounce(reporting: &str, recipients: Vec<RecipientReport>) -> Bounce {
    let mut b = Bounce::default();
    b.reporting_mta = Some(reporting.into());
    b.date = Some(DATE.into());
    b.sender = Some("info@yamada-shoten.example".into());
    b.recipients = recipients;
    b
}

fn s3150_rcpt() -> RecipientReport {
    recipient("hanako@hotmail.co.jp", "5.7.1", 550, "hotmail-com.olc.protection.outlook.com", S3150)
}

fn s3150() -> Bounce {
    bounce("sv12053.xserver.jp", vec![s3150_rcpt()])
}

fn offline(b: &Bounce) -> Report {
    Report::build("test.eml", b, &Findings::offline(&crate::plan(b)), Lang::En)
}

fn checked(b: &Bounce, evidence: Vec<Evidence>) -> Report {
    let ip = SendingIp::new("203.0.113.45".parse().unwrap(), FoundIn::Diagnostic, None);
    let mut findings = Findings::new(LookupOutcome::Checked, vec![ip]);
    findings.evidence = evidence;
    Report::build("test.eml", b, &findings, Lang::En)
}

fn zen_listed() -> Evidence {
    let mut e = Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", Some(true));
    e.codes = vec!["127.0.0.2".into(), "127.0.0.4".into()];
    e.meanings = vec!["SBL".into(), "XBL".into()];
    e
}

/// Both languages of the request, each checked for the properties every request has.
fn both(report: &Report) -> (SupportRequest, SupportRequest) {
    let en = support_request(report, Lang::En).expect("an English request");
    let ja = support_request(report, Lang::Ja).expect("a Japanese request");
    for r in [&en, &ja] {
        for part in [&r.to, &r.subject, &r.body] {
            assert!(!part.contains('{') && !part.contains('}'), "placeholder left: {part}");
            assert!(!part.trim().is_empty());
        }
        assert!(!r.subject.contains('\n'));
    }
    assert!(en.body.starts_with("Dear ") || en.body.starts_with("Hello,"), "{}", en.body);
    assert!(en.body.ends_with("Best regards,"), "{}", en.body);
    assert!(ja.body.contains("お世話になっております。"), "{}", ja.body);
    assert!(ja.body.ends_with("よろしくお願いいたします。"), "{}", ja.body);
    assert_no_stray_english(&ja);
    (en, ja)
}

/// Japanese with no English words outside what is quoted from the bounce (the
/// indented refusal lines), names, host names, addresses, URLs, codes and dates.
fn assert_no_stray_english(request: &SupportRequest) {
    let own: String = format!("{}\n{}\n{}", request.to, request.subject, request.body)
        .lines()
        .filter(|line| !line.starts_with("  "))
        .collect::<Vec<_>>()
        .join("\n");
    // Names, hosts, addresses, URLs and dates as this test's bounces give them.
    let mut rest = own.clone();
    for name in [
        "Microsoft (Outlook.com / Hotmail)",
        "Google (Gmail / Google Workspace)",
        "Spamhaus ZEN",
        "Barracuda BRBL",
        "Spamhaus DBL",
        DATE,
    ] {
        rest = rest.replace(name, "");
    }
    // Runs of printable ASCII; a host name, domain, address, URL or number has a dot,
    // an @, a slash or a digit, and an acronym (SPF, DKIM, PTR) is upper case.
    let english: Vec<&str> = rest
        .split(|c: char| !c.is_ascii_graphic())
        .filter(|w| w.chars().filter(|c| c.is_ascii_alphabetic()).count() > 1)
        .filter(|w| !w.contains(['.', '@', '/']) && !w.contains(|c: char| c.is_ascii_digit()))
        .filter(|w| w.chars().any(|c| c.is_ascii_lowercase()))
        .collect();
    assert!(english.is_empty(), "English {english:?} in Japanese request:\n{own}");
    assert!(own.chars().any(|c| c > '\u{3000}'));
}

#[test]
fn s3150_offline_in_both_languages() {
    let report = offline(&s3150());
    let (en, ja) = both(&report);
    assert_eq!(en.to, "Xserver mail support");
    assert_eq!(
        en.subject,
        "Mail to Microsoft (Outlook.com / Hotmail) refused: our sending IP address 203.0.113.45 is on a block list"
    );
    let body = &en.body;
    assert!(body.starts_with("Dear Xserver mail support team,\n\nMail we sent from our domain yamada-shoten.example to Microsoft (Outlook.com / Hotmail) was refused."), "{body}");
    assert!(body.contains("\nSending server: sv12053.xserver.jp\n"), "{body}");
    assert!(body.contains("\nIP address: 203.0.113.45\n"), "{body}");
    assert!(body.contains("\nRecipient: hanako@hotmail.co.jp\n"), "{body}");
    assert!(body.contains(&format!("\nDate of the bounce: {DATE}\n")), "{body}");
    assert!(body.contains(&format!("The receiving server replied:\n  {S3150}\n")), "{body}");
    assert!(body.contains("\nWe have not checked the public blocklists.\n"), "{body}");
    assert!(body.contains("Microsoft (Outlook.com / Hotmail)'s page for senders: https://support.microsoft.com/supportrequestform/8ad563e3-288e-2a61-8122-3ba03d6b8d75"), "{body}");
    assert!(body.contains("Could you please request the removal of our sending IP address 203.0.113.45 from the block list?\nPlease also tell us whether we should use another outgoing server in the meantime."), "{body}");

    assert_eq!(ja.to, "エックスサーバーのメールサポート");
    assert_eq!(
        ja.subject,
        "Microsoft (Outlook.com / Hotmail) 宛てのメールが拒否される件（送信 IP アドレス 203.0.113.45 のブロック）"
    );
    let body = &ja.body;
    assert!(body.starts_with("エックスサーバーのメールサポートご担当者様\n\nお世話になっております。\n当方のドメイン yamada-shoten.example から Microsoft (Outlook.com / Hotmail) 宛てに送ったメールが、受信を拒否されました。"), "{body}");
    assert!(body.contains("\n送信サーバー：sv12053.xserver.jp\n"), "{body}");
    assert!(body.contains("\nIP アドレス：203.0.113.45\n"), "{body}");
    assert!(body.contains(&format!("\nエラーメールの日時：{DATE}\n")), "{body}");
    assert!(body.contains(&format!("受信側サーバーの応答：\n  {S3150}\n")), "{body}");
    assert!(body.contains("公開ブロックリストへの掲載状況は確認していません。"), "{body}");
    assert!(body.contains("送信 IP アドレス 203.0.113.45 をブロックリストから解除するよう申請していただけますでしょうか。"), "{body}");
}

#[test]
fn a_listing_names_the_list_its_zone_and_codes() {
    let report = checked(
        &s3150(),
        vec![
            zen_listed(),
            Evidence::new("203.0.113.45", "b.barracudacentral.org", "Barracuda BRBL", Some(false)),
        ],
    );
    let (en, ja) = both(&report);
    assert!(
        en.body.contains(
            "\nSpamhaus ZEN (zen.spamhaus.org) lists 203.0.113.45 (answer 127.0.0.2, 127.0.0.4).\n"
        ),
        "{}",
        en.body
    );
    assert!(
        !en.body.contains("Barracuda"),
        "a list that does not list it is not named: {}",
        en.body
    );
    assert!(!en.body.contains("not checked"));
    assert!(ja.body.contains("\nSpamhaus ZEN（zen.spamhaus.org）に 203.0.113.45 が掲載されています（応答 127.0.0.2, 127.0.0.4）。\n"), "{}", ja.body);
}

#[test]
fn no_listing_and_unknown_answers_are_said_as_they_are() {
    let evidence = vec![
        Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", Some(false)),
        Evidence::new("203.0.113.45", "bl.spamcop.net", "SpamCop", Some(false)),
        Evidence::new("203.0.113.45", "b.barracudacentral.org", "Barracuda BRBL", None),
    ];
    let (en, ja) = both(&checked(&s3150(), evidence));
    assert!(en.body.contains("None of the public blocklists we checked (3) lists 203.0.113.45.\n1 of the public blocklists gave no usable answer."), "{}", en.body);
    assert!(
        ja.body.contains(
            "確認した公開ブロックリスト（3 件）のいずれにも、203.0.113.45 は掲載されていません。"
        ),
        "{}",
        ja.body
    );

    let all_unknown = vec![Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", None)];
    let (en, _) = both(&checked(&s3150(), all_unknown));
    assert!(!en.body.contains("None of the public"), "unknown is not 'not listed': {}", en.body);
    assert!(en.body.contains("1 of the public blocklists gave no usable answer."));

    let mut unreachable = checked(&s3150(), Vec::new());
    unreachable.lookup.state = "unreachable";
    let (en, ja) = both(&unreachable);
    assert!(en
        .body
        .contains("We could not check the public blocklists, because DNS could not be reached."));
    assert!(ja.body.contains("DNS に接続できなかったため"));
}

#[test]
fn a_recipient_problem_or_a_temporary_failure_asks_nobody() {
    let unknown = bounce(
        "sv12053.xserver.jp",
        vec![recipient("nobody@example.jp", "5.1.1", 550, "mx.example.jp", "550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown in local recipient table")],
    );
    let report = offline(&unknown);
    assert_eq!(report.verdict.cause, "recipient_problem");
    assert_eq!(support_request(&report, Lang::En), None);
    assert_eq!(support_request(&report, Lang::Ja), None);
    assert!(no_request_reason(&report, Lang::En).contains("only the recipient's side can fix"));
    assert!(no_request_reason(&report, Lang::Ja).contains("受信者側でしか解決できません"));

    let mut greylisted = recipient("a@example.org", "4.2.0", 450, "mx.example.org", "450 4.2.0 <a@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html");
    greylisted.action = rebound_dsn::Action::Delayed;
    let report = offline(&bounce("sv12053.xserver.jp", vec![greylisted]));
    assert_eq!(report.verdict.cause, "temporary_failure");
    assert_eq!(support_request(&report, Lang::En), None);
    assert!(no_request_reason(&report, Lang::En).contains("temporary"));
}

#[test]
fn only_the_sender_side_cause_is_in_the_request() {
    let b = bounce(
        "sv12053.xserver.jp",
        vec![
            recipient(
                "nobody@example.jp",
                "5.1.1",
                550,
                "mx.example.jp",
                "550 5.1.1 <nobody@example.jp>: User unknown",
            ),
            s3150_rcpt(),
        ],
    );
    let (en, _) = both(&offline(&b));
    assert!(en.body.contains("\nRecipient: hanako@hotmail.co.jp\n"), "{}", en.body);
    assert!(!en.body.contains("nobody@example.jp"), "{}", en.body);
    assert!(!en.body.contains("User unknown"), "{}", en.body);
}

#[test]
fn lines_are_quoted_once_and_at_most_three() {
    let rcpts: Vec<RecipientReport> = (0..8)
        .map(|i| {
            let text = if i < 2 {
                S3150.to_string()
            } else {
                S3150.replace("TYZPR01CA0000", &format!("TYZPR01CA000{i}"))
            };
            recipient(
                &format!("u{i}@hotmail.co.jp"),
                "5.7.1",
                550,
                "hotmail-com.olc.protection.outlook.com",
                &text,
            )
        })
        .collect();
    let (en, _) = both(&offline(&bounce("sv12053.xserver.jp", rcpts)));
    let quoted = en.body.lines().filter(|l| l.starts_with("  550 5.7.1")).count();
    assert_eq!(quoted, MAX_LINES, "{}", en.body);
    assert_eq!(en.body.matches("TYZPR01CA0000").count(), 1, "{}", en.body);
    assert!(en.body.contains("Recipients: u0@hotmail.co.jp, u1@hotmail.co.jp, u2@hotmail.co.jp, u3@hotmail.co.jp, u4@hotmail.co.jp and 3 more\n"), "{}", en.body);

    let long = format!(
        "550 5.7.1 Client host [203.0.113.45] blocked using zen.spamhaus.org; {}",
        "x".repeat(2000)
    );
    let (en, _) = both(&offline(&bounce(
        "sv12053.xserver.jp",
        vec![recipient("a@example.org", "5.7.1", 550, "mx.example.org", &long)],
    )));
    let line = en.body.lines().find(|l| l.starts_with("  550")).unwrap();
    assert!(line.ends_with(" […]") && line.chars().count() < 620, "{line}");
}

#[test]
fn authentication_asks_for_ptr_or_spf_dkim_dmarc() {
    let ptr = recipient("a@gmail.com", "5.7.25", 550, "gmail-smtp-in.l.google.com", "550-5.7.25 [203.0.113.45] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.");
    let report = offline(&bounce("mail.yamada-shoten.example", vec![ptr]));
    assert_eq!(report.verdict.cause, "authentication_failure", "{:?}", report.recipients[0].why);
    let (en, ja) = both(&report);
    assert_eq!(
        en.to,
        "your mail server's administrator (your hosting company or IT administrator)"
    );
    assert!(en.body.starts_with("Hello,\n"), "{}", en.body);
    assert!(
        en.subject.contains("no reverse DNS (PTR) for our sending IP address 203.0.113.45"),
        "{}",
        en.subject
    );
    assert!(
        en.body.contains("set a reverse DNS (PTR) record for our sending IP address 203.0.113.45"),
        "{}",
        en.body
    );
    assert!(!en.body.contains("blocklists"), "lists are beside the point: {}", en.body);
    assert!(ja.body.starts_with("ご担当者様\n"), "{}", ja.body);
    assert!(
        ja.body.contains("逆引き（PTR レコード）を設定していただけますでしょうか。"),
        "{}",
        ja.body
    );

    let dmarc = recipient("a@gmail.com", "5.7.26", 550, "gmail-smtp-in.l.google.com", "550-5.7.26 Unauthenticated email from yamada-shoten.example is not accepted due to domain's DMARC policy.");
    let report = offline(&bounce("mail.yamada-shoten.example", vec![dmarc]));
    assert_eq!(report.verdict.cause, "authentication_failure");
    let (en, ja) = both(&report);
    assert!(
        en.body.contains("SPF, DKIM and DMARC for our domain yamada-shoten.example"),
        "{}",
        en.body
    );
    assert!(
        ja.body.contains("当方のドメイン yamada-shoten.example の SPF・DKIM・DMARC"),
        "{}",
        ja.body
    );
}

#[test]
fn relaying_is_asked_about() {
    let relay = recipient(
        "a@example.org",
        "5.7.1",
        554,
        "mx.example.org",
        "554 5.7.1 <a@example.org>: Relay access denied",
    );
    let report = offline(&bounce("mail.yamada-shoten.example", vec![relay]));
    assert_eq!(report.verdict.cause, "policy_rejected", "{:?}", report.recipients[0].why);
    let (en, _) = both(&report);
    assert!(en.subject.ends_with("relaying denied"), "{}", en.subject);
    assert!(en.body.contains("refused to relay our message"), "{}", en.body);
    assert!(
        en.body.contains("Mail we sent from our domain yamada-shoten.example to example.org"),
        "{}",
        en.body
    );
}

#[test]
fn the_report_carries_the_request_only_when_asked() {
    let report = offline(&s3150());
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["verdict"].get("request").is_none());
    let report = report.with_request(Lang::Ja);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["verdict"]["request"]["to"], "エックスサーバーのメールサポート");
    assert!(json["verdict"]["hosting"].get("detail").is_none());
    assert!(json["verdict"]["causes"][0].get("provider_detail").is_none());
}

#[test]
fn a_tls_requirement_is_asked_about_and_a_receivers_own_policy_is_not() {
    let tls = recipient(
        "a@example.org",
        "5.7.1",
        550,
        "mx.example.org",
        "550 5.7.1 TLS required for this domain",
    );
    let report = offline(&bounce("mail.yamada-shoten.example", vec![tls]));
    assert_eq!(report.verdict.cause, "policy_rejected");
    let (en, ja) = both(&report);
    assert!(en.subject.ends_with("an encrypted connection (TLS) is required"), "{}", en.subject);
    assert!(en.body.contains("uses TLS (STARTTLS)"), "{}", en.body);
    assert!(!en.body.contains("DKIM"), "not an SPF/DKIM problem: {}", en.body);
    assert!(ja.body.contains("暗号化された接続を求めています"), "{}", ja.body);

    let policy = recipient(
        "a@example.org",
        "5.7.0",
        550,
        "mx.example.org",
        "550 5.7.0 Mail rejected by local policy",
    );
    let report = offline(&bounce("mail.yamada-shoten.example", vec![policy]));
    assert_eq!(report.verdict.cause, "policy_rejected");
    assert_eq!(support_request(&report, Lang::En), None);
    assert!(no_request_reason(&report, Lang::En)
        .contains("no cause in this bounce is one they can fix"));
}

#[test]
fn the_english_check_catches_english() {
    let mut request = support_request(&offline(&s3150()), Lang::Ja).unwrap();
    assert_no_stray_english(&request);
    request.body.push_str("\nPlease remove the listing.");
    assert!(std::panic::catch_unwind(|| assert_no_stray_english(&request)).is_err());
}

#[test]
fn reputation_and_rate_limits_are_asked_about() {
    let google = "550-5.7.1 [203.0.113.45] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been blocked. gsmtp";
    let r = recipient("a@gmail.com", "5.7.1", 550, "gmail-smtp-in.l.google.com", google);
    let report = offline(&bounce("mail.yamada-shoten.example", vec![r]));
    assert_eq!(report.verdict.cause, "sending_ip_reputation");
    let (en, ja) = both(&report);
    assert!(
        en.subject.ends_with("refused: reputation of our sending IP address 203.0.113.45"),
        "{}",
        en.subject
    );
    assert!(en.body.contains("look into the reputation of our sending IP address 203.0.113.45 with Google (Gmail / Google Workspace)"), "{}", en.body);
    assert!(en.body.contains("We have not checked the public blocklists."), "{}", en.body);
    assert!(
        en.body.contains(
            "Google (Gmail / Google Workspace)'s page for senders: https://postmaster.google.com"
        ),
        "{}",
        en.body
    );
    assert!(ja.body.contains("評判（レピュテーション）"), "{}", ja.body);

    let r = recipient(
        "a@example.org",
        "4.7.0",
        421,
        "mx.example.org",
        "421 4.7.0 Too many messages from your IP, rate limited",
    );
    let report = offline(&bounce("mail.yamada-shoten.example", vec![r]));
    assert_eq!(report.verdict.cause, "rate_limited");
    let (en, ja) = both(&report);
    assert!(
        en.subject
            .starts_with("Mail to example.org limited: too much mail from our sending IP address"),
        "{}",
        en.subject
    );
    assert!(en.body.contains("whether the sending rate can be lowered"), "{}", en.body);
    assert!(!en.body.contains("blocklists"), "{}", en.body);
    assert!(ja.body.contains("送信ペースを下げられるか"), "{}", ja.body);
}

#[test]
fn a_listed_sender_domain_is_asked_about_beside_the_ip() {
    let mut domain =
        Evidence::new("yamada-shoten.example", "dbl.spamhaus.org", "Spamhaus DBL", Some(true));
    domain.codes = vec!["127.0.1.2".into()];
    let report = checked(&s3150(), vec![zen_listed(), domain]);
    assert_eq!(report.verdict.causes.len(), 2, "{:?}", report.verdict.causes);
    let (en, ja) = both(&report);
    assert!(
        en.subject.contains("203.0.113.45 is on a block list"),
        "the IP comes first: {}",
        en.subject
    );
    assert!(
        en.body.contains(
            "Spamhaus DBL (dbl.spamhaus.org) lists yamada-shoten.example (answer 127.0.1.2)."
        ),
        "{}",
        en.body
    );
    assert!(
        en.body.contains("request the removal of our sending IP address 203.0.113.45"),
        "{}",
        en.body
    );
    assert!(
        en.body
            .contains("whether our domain yamada-shoten.example or our website has been misused"),
        "{}",
        en.body
    );
    assert!(ja.body.contains("当方のドメイン yamada-shoten.example やウェブサイトが迷惑メールの送信に悪用されていないか"), "{}", ja.body);
}

#[test]
fn a_refused_sender_is_asked_about_only_when_its_domain_is_at_fault() {
    let members_only = recipient(
        "photo-club@lists.example.jp",
        "5.0.0",
        550,
        "lists.example.jp",
        "You are not a member of this mailing list <photo-club@lists.example.jp>.",
    );
    let report = offline(&bounce("mail.yamada-shoten.example", vec![members_only]));
    assert_eq!(report.recipients[0].reason, "rejected");
    assert_eq!(support_request(&report, Lang::En), None);

    let dns = recipient(
        "a@example.org",
        "5.1.8",
        553,
        "mx.example.org",
        "553 5.1.8 <info@yamada-shoten.example>: Sender address rejected: Domain not found",
    );
    let report = offline(&bounce("mail.yamada-shoten.example", vec![dns]));
    assert_eq!(report.verdict.cause, "policy_rejected", "{:?}", report.recipients[0].why);
    let (en, ja) = both(&report);
    assert!(
        en.subject.ends_with("the receiver could not verify our domain yamada-shoten.example"),
        "{}",
        en.subject
    );
    assert!(
        en.body.contains("check that our domain yamada-shoten.example has DNS records (MX or A)"),
        "{}",
        en.body
    );
    assert!(ja.body.contains("DNS レコード（MX または A）が正しく引けるか"), "{}", ja.body);
}
