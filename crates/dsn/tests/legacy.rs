//! Legacy bounce forms (Mailman's, flufl.bounce's and Mail::DeliveryStatus::
//! BounceParser's detectors describe them): every fixture in `tests/fixtures/legacy/`
//! parsed with LF and with CRLF line endings, checked for the family that read it,
//! its recipients, their action, and the codes where the text gives them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use rebound_dsn::{parse, Action, Bounce, Kind, ParseError};
use std::path::PathBuf;

use common::crlf;

fn fixture(name: &str) -> Vec<u8> {
    common::fixture_in("legacy", name)
}

/// Parses the fixture with LF and with CRLF line endings; both must agree.
fn parse_both(name: &str) -> Result<Bounce, ParseError> {
    let lf = fixture(name);
    assert!(!lf.contains(&b'\r'), "{name} should be stored with LF line endings");
    let from_lf = parse(&lf);
    assert_eq!(from_lf, parse(&crlf(&lf)), "{name}: LF and CRLF parse differently");
    from_lf
}

/// One fixture's expected answer.
struct Case {
    file: &'static str,
    /// The family that reads it (`None`: an older family, not asserted here).
    generator: Option<&'static str>,
    recipients: &'static [&'static str],
    action: Action,
    /// The status of the first recipient, where the text gives one.
    status: Option<&'static str>,
    /// The reply code of the first recipient, where the text gives one.
    reply_code: Option<u16>,
}

const fn failed(
    file: &'static str,
    generator: &'static str,
    recipients: &'static [&'static str],
) -> Case {
    Case {
        file,
        generator: Some(generator),
        recipients,
        action: Action::Failed,
        status: None,
        reply_code: None,
    }
}

const fn delayed(
    file: &'static str,
    generator: Option<&'static str>,
    recipient: &'static [&'static str],
) -> Case {
    Case {
        file,
        generator,
        recipients: recipient,
        action: Action::Delayed,
        status: None,
        reply_code: None,
    }
}

const fn with_codes(case: Case, status: Option<&'static str>, reply_code: Option<u16>) -> Case {
    Case { status, reply_code, ..case }
}

const CASES: &[Case] = &[
    // flufl.bounce simplematch.py forms.
    failed("sdm-list-of-failed.eml", "simple", &["j.weber@sdm.example.de"]),
    failed(
        "smail-failed-addresses.eml",
        "smail",
        &["lucia.romero@example.net", "p.okafor@example.net"],
    ),
    with_codes(
        failed("mdaemon-did-not-receive.eml", "mdaemon", &["chris.doyle@turbo.example.com"]),
        None,
        Some(550),
    ),
    failed("usanet-intended-recipient.eml", "simple", &["e.fischer@usa.example.net"]),
    failed("hotpop-undeliverable-address.eml", "hotpop", &["kim.bergstrom@hotpop.example.com"]),
    failed("demon-addressed-to.eml", "simple", &["alan.price@demon.example.co.uk"]),
    failed("prodigy-mailbox-full.eml", "simple", &["r.santos@prodigy.example.net"]),
    failed("smtpsvc-email-below.eml", "smtpsvc", &["tomas.novak@example.com"]),
    failed("kundenserver-de.eml", "simple", &["mueller.k@kundenserver.example.de"]),
    failed(
        "smtpsvc-delivery-failed.eml",
        "simple",
        &["rachel.kim@songbird.example.com", "d.osei@songbird.example.com"],
    ),
    failed("your-message-because.eml", "simple", &["joao.pereira@example.com"]),
    with_codes(
        failed("interscan-nt-unable.eml", "interscan", &["an.peeters@example.be"]),
        None,
        Some(550),
    ),
    with_codes(
        failed("earthlink-sorry-unable.eml", "simple", &["w.chambers@earthlink.example.net"]),
        None,
        Some(552),
    ),
    failed("ademe-could-not-be-delivered.eml", "simple", &["helene.marchand@example.fr"]),
    with_codes(
        failed("lsmtp-error-for.eml", "lsmtp", &["nadia.ali@example.com"]),
        Some("5.1.1"),
        None,
    ),
    failed("socgen-could-not-be-delivered-to.eml", "simple", &["claire.dubois@example.fr"]),
    failed("dadoservice-delivery-problems.eml", "simple", &["giulia.ferri@example.it"]),
    failed("eyou-deliver-program.eml", "eyou", &["wang.lei@eyou.example.cn"]),
    failed("ieo-email-server.eml", "qmail", &["marco.conti@ieo.example.it"]),
    failed("mdaemon-no-such-user.eml", "mdaemon", &["rosa.benitez@example.net.py"]),
    with_codes(
        failed("mxlogic-address-failed.eml", "mxlogic", &["k.adeyemi@example.net"]),
        None,
        Some(550),
    ),
    with_codes(
        failed("fastdns-could-not-be-reached.eml", "simple", &["l.moreau@fastdns.example.com"]),
        None,
        Some(550),
    ),
    with_codes(
        failed("could-not-deliver-failed-recipient.eml", "simple", &["olga.petrova@example.com"]),
        None,
        Some(550),
    ),
    with_codes(
        failed("uci-not-delivered-addresses.eml", "simple", &["h.nguyen@example.edu"]),
        None,
        Some(550),
    ),
    failed("dovecot-automatically-rejected.eml", "dovecot", &["sven.holm@example.com"]),
    with_codes(
        failed("mailru-rejected.eml", "simple", &["sokolov.a@mail.example.ru"]),
        None,
        Some(550),
    ),
    failed("mailenable-some-recipients.eml", "mailenable", &["thabo.nkosi@example.co.za"]),
    failed("yahoo-wasnt-able.eml", "yahoo-legacy", &["f.lindqvist@example.se"]),
    failed("delivery-failure-notification.eml", "simple", &["ana.silva@example.org"]),
    // Forms older families read already (kept so that a change there shows).
    Case {
        generator: None,
        ..failed("newmailru-machine-generated.eml", "", &["ivanova.n@newmail.example.ru"])
    },
    Case { generator: None, ..failed("e500-failed-recipients.eml", "", &["b.walsh@example.org"]) },
    Case {
        generator: None,
        ..failed("andrew-invalid-userid.eml", "", &["s.tanaka@andrew.example.ac.jp"])
    },
    Case { generator: None, ..failed("qmail-trilingual.eml", "", &["martin.sosa@example.com.ar"]) },
    with_codes(
        Case {
            generator: None,
            ..failed("yahoo-unable-to-deliver.eml", "", &["pablo.ruiz@example.es"])
        },
        None,
        Some(554),
    ),
    Case {
        generator: None,
        status: Some("5.1.1"),
        reply_code: Some(550),
        ..failed(
            "yahoo-sbc-unable-to-deliver.eml",
            "",
            &["grace.obi@sbc.example.net", "m.haddad@sbc.example.net"],
        )
    },
    Case {
        generator: None,
        status: Some("5.1.2"),
        ..failed(
            "yahoo-four-recipients.eml",
            "",
            &[
                "ana.lima@example.com.br",
                "bo.chen@example.com",
                "c.ozturk@example.com",
                "dina.k@example.com",
            ],
        )
    },
    failed("exchange-ims-x400.eml", "exchange-ims", &["wilma.ford@ims.example.com"]),
    failed("smtp32-userid.eml", "imail", &["ghost@imail.example.net"]),
    // Provider and MTA formats of their own.
    failed("aol-not-accepting.eml", "aol", &["gardengnome77@aol.com"]),
    failed("groupwise-undeliverable.eml", "groupwise", &["tlopez@gw.example.edu"]),
    failed("smtpsvc-transcript.eml", "smtpsvc", &["ben.carter@win.example.com"]),
    failed("netscape-undeliverable.eml", "netscape", &["s.murray@nms.example.au"]),
    // flufl.bounce simplewarning.py forms: the delayed address, action delayed.
    delayed("warning-not-yet-delivered.eml", None, &["p.kowalski@example.pl"]),
    delayed("warning-messageswitch.eml", Some("messageswitch"), &["lena.fischer@example.com"]),
    delayed("warning-symantec.eml", Some("symantec"), &["omar.farouk@example.com"]),
    delayed("warning-googlemail-delayed.eml", None, &["yusuf.demir@example.com.tr"]),
    delayed(
        "warning-exchange-advisory.eml",
        Some("exchange-advisory"),
        &["hannah.lee@exchange.example.com"],
    ),
    delayed("warning-kundenserver-de.eml", Some("simple"), &["schulz.t@kundenserver.example.de"]),
    delayed(
        "warning-exchange-postponed.eml",
        Some("exchange-advisory"),
        &["ravi.menon@exchange.example.com"],
    ),
    delayed("warning-sendmail-deferred.eml", Some("sendmail"), &["pavel.n@example.cz"]),
    delayed("warning-exchange-delayed.eml", None, &["nora.quinn@ex.example.com"]),
];

#[test]
fn legacy_forms_give_their_recipients() {
    for case in CASES {
        let bounce = parse_both(case.file).unwrap_or_else(|e| panic!("{}: {e}", case.file));
        if case.generator.is_some() {
            assert_eq!(bounce.generator.as_deref(), case.generator, "{}", case.file);
        }
        let recipients: Vec<_> =
            bounce.recipients.iter().map(|r| r.recipient.as_deref().unwrap_or("")).collect();
        assert_eq!(recipients, case.recipients, "{}", case.file);
        for r in &bounce.recipients {
            assert_eq!(r.action, case.action, "{}", case.file);
            assert_eq!(r.kind, Kind::Delivery, "{}", case.file);
        }
        let first = &bounce.recipients[0];
        assert_eq!(first.status.map(|s| s.to_string()).as_deref(), case.status, "{}", case.file);
        assert_eq!(first.reply_code, case.reply_code, "{}", case.file);
    }
}

/// Every fixture in the folder is checked by a case (or is one of the non-bounces).
#[test]
fn every_legacy_fixture_has_a_case() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/legacy");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".eml") {
            continue;
        }
        let known = CASES.iter().any(|c| c.file == name) || name.starts_with("not-a-bounce-");
        assert!(known, "{name} has no case");
    }
}

/// Text that names addresses near the legacy forms' phrases, but reports no failure,
/// gives no delivery record.
#[test]
fn ordinary_mail_with_legacy_phrases_gives_no_recipient() {
    for file in ["not-a-bounce-out-of-office.eml", "not-a-bounce-forwarded-discussion.eml"] {
        match parse_both(file) {
            Err(ParseError::NotABounce(_)) => {}
            Ok(bounce) => {
                assert!(bounce.recipients.iter().all(|r| r.kind != Kind::Delivery), "{file}")
            }
            Err(e) => panic!("{file}: {e}"),
        }
    }
}
