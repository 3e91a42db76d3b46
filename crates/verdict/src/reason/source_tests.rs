//! Tests of the rules built from sources (the registry, the MTAs' own texts, the
//! published provider wordings) and of the safety rule: a temporary failure is never
//! a hard bounce.

use rebound_dsn::{Action, Bounce, RecipientReport};

use super::tests::{bounce, full, report, varied_texts};
use super::{classify, hard_bounce_of, Reason};

/// A report with every field a temporary refusal comes with.
fn temporary(status: &str, reply: u16, action: Action, text: &str) -> RecipientReport {
    let mut r = full(status, text, "RCPT TO", "mx.example.org");
    r.reply_code = Some(reply);
    r.action = action;
    r.recipient = Some("taro@example.org".into());
    r
}

#[test]
fn temporary_refusals_are_never_a_missing_mailbox() {
    let greylisted = "450 4.2.0 <taro@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html";
    let verifying = "450 4.1.1 <taro@example.org>: Recipient address rejected: unverified address: host mx2.example.org[192.0.2.9] said: 450 4.1.1 <taro@example.org>: Recipient address rejected: verification in progress";
    let policy = "450 4.7.1 <taro@example.org>: Recipient address rejected: Access denied";
    let cases: &[(&str, u16, Action, &str, Reason)] = &[
        ("4.2.0", 450, Action::Delayed, greylisted, Reason::Expired),
        // Failed on a temporary answer: the sender retried until it gave up.
        ("4.2.0", 450, Action::Failed, greylisted, Reason::Expired),
        (
            "4.7.1",
            451,
            Action::Failed,
            "451 4.7.1 Client host rejected: Greylisting in action, please come back later",
            Reason::Expired,
        ),
        ("4.1.1", 450, Action::Delayed, verifying, Reason::Expired),
        ("4.1.1", 450, Action::Failed, verifying, Reason::Expired),
        // Exim writes 5.0.0 for a reply that was 450: the reply code says temporary.
        ("5.0.0", 450, Action::Failed, greylisted, Reason::Expired),
        ("4.7.1", 450, Action::Delayed, policy, Reason::Filtered),
    ];
    for (status, reply, action, text, want) in cases {
        let r = temporary(status, *reply, *action, text);
        let got = Reason::classify_in(&r, &Bounce::default());
        assert_eq!(got, *want, "{status} {action:?} {text}");
        assert!(!hard_bounce_of(&r, got), "{status} {text}");
    }
    // The same refusal, permanent, is a missing mailbox and hard.
    let r = temporary("5.1.1", 550, Action::Failed, "550 5.1.1 <taro@example.org>: Recipient address rejected: User unknown in local recipient table");
    assert_eq!(Reason::classify_in(&r, &Bounce::default()), Reason::UserUnknown);
    assert!(hard_bounce_of(&r, Reason::UserUnknown));
}

#[test]
fn no_temporary_or_delayed_failure_is_ever_hard() {
    // (status, reply code, action): each says "temporary" in one of its fields.
    let temporaries: &[(&str, Option<u16>, Action)] = &[
        ("4.1.1", Some(450), Action::Failed),
        ("4.0.0", None, Action::Failed),
        ("", Some(421), Action::Failed),
        ("5.1.1", Some(450), Action::Failed),
        ("5.1.1", Some(550), Action::Delayed),
        ("", None, Action::Delayed),
    ];
    let mut hard_elsewhere = 0;
    for text in varied_texts() {
        for (status, reply, action) in temporaries {
            let mut r = full(status, &text, "RCPT TO", "");
            r.reply_code = *reply;
            r.action = *action;
            let reason = Reason::classify_in(&r, &Bounce::default());
            assert!(
                !hard_bounce_of(&r, reason),
                "{status} {reply:?} {action:?} {text:?}: {reason}"
            );
        }
        // The test can fail: the same texts, permanent, are often hard.
        let mut r = full("5.0.0", &text, "RCPT TO", "");
        r.reply_code = Some(550);
        hard_elsewhere +=
            usize::from(hard_bounce_of(&r, Reason::classify_in(&r, &Bounce::default())));
    }
    assert!(hard_elsewhere > 100, "{hard_elsewhere}");
}

#[test]
fn classifies_the_mtas_own_texts() {
    let cases: &[(&str, &str, Reason)] = &[
        // A refused greeting is about the sending host, whatever words follow.
        ("4.7.1", "450 4.7.1 <bogus.example>: Helo command rejected: Host not found", Reason::Blocked),
        ("", "Connected to 192.0.2.1 but greeting failed.", Reason::Blocked),
        // The sender's own quota is no full mailbox.
        ("5.2.2", "550 5.2.2 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Submission quota exceeded", Reason::RateLimited),
        ("5.4.5", "550 5.4.5 Daily user sending limit exceeded. - gsmtp", Reason::RateLimited),
        ("5.2.2", "552 5.2.2 Boite du destinataire pleine.", Reason::MailboxFull),
        ("", "This message is looping: it already has my Delivered-To line. (#5.4.6)", Reason::NetworkError),
        ("", "mail for mx.example.jp loops back to myself", Reason::NetworkError),
        ("5.1.2", "Sorry, I couldn't find any host named shop.example. (#5.1.2)", Reason::HostUnknown),
        ("", "Connected to 192.0.2.1 but sender was rejected. Remote host said: 553 sorry", Reason::Rejected),
        ("5.0.0", "550 5.0.0 Message is not RFC 2822 compliant", Reason::NotCompliantRfc),
        ("5.1.10", "taro wasn't found at example.com.", Reason::UserUnknown),
        ("5.3.4", "message size 20480000 exceeds size limit 10240000 of server mx.example.jp[192.0.2.1]", Reason::EmailTooLarge),
    ];
    for (status, text, want) in cases {
        assert_eq!(classify(&report(status, text)), *want, "{status} {text}");
    }
}

#[test]
fn status_codes_alone_read_as_the_registry_says() {
    let cases: &[(&str, &str, Reason)] = &[
        ("5.7.13", "", Reason::Suspend),
        ("5.6.1", "", Reason::ContentError),
        ("5.6.0", "", Reason::ContentError),
        ("5.7.509", "", Reason::AuthFailure),
        ("5.7.20", "", Reason::AuthFailure),
        ("5.7.24", "", Reason::AuthFailure),
        ("5.7.17", "", Reason::HasMoved),
        ("4.4.4", "", Reason::NetworkError),
        ("5.4.4", "", Reason::HostUnknown),
        ("5.5.3", "", Reason::RateLimited),
        ("5.4.14", "", Reason::NetworkError),
        ("5.2.0", "", Reason::Filtered),
        ("5.1.10", "", Reason::NotAccept),
        // Microsoft's 5.1.10 is its "recipient not found", known by its words.
        (
            "5.1.10",
            "Your message to taro@example.com couldn't be delivered. Outlook",
            Reason::UserUnknown,
        ),
        ("5.7.10", "", Reason::FailedStartTls),
        ("5.7.8", "", Reason::SecurityError),
    ];
    for (status, text, want) in cases {
        let why = Reason::explain_in(&report(status, text), &Bounce::default());
        assert_eq!(why.reason, *want, "{status} {text}");
        assert!(why.rule_id.starts_with("status."), "{status}: {}", why.rule_id);
    }
}

#[test]
fn a_bare_address_rejected_yields_to_a_status_that_names_the_cause() {
    // (status, reply text, reason): the refusal answered RCPT TO in each case.
    let cases: &[(&str, &str, Reason)] = &[
        (
            "5.7.1",
            "551 5.7.1 <taro@example.org>: Recipient address rejected: Security error",
            Reason::SecurityError,
        ),
        (
            "5.7.13",
            "525 5.7.13 <taro@example.org>: Recipient address rejected: User account disabled",
            Reason::Suspend,
        ),
        (
            "5.6.0",
            "550 5.6.0 <taro@example.org>: Recipient address rejected: Content error",
            Reason::ContentError,
        ),
        ("5.1.0", "550 5.1.0 <taro@example.org>: Recipient address rejected", Reason::UserUnknown),
        ("5.0.0", "550 5.0.0 <taro@example.org>: Recipient address rejected", Reason::UserUnknown),
    ];
    for (status, text, want) in cases {
        let r = full(status, text, "RCPT TO", "");
        assert_eq!(classify(&r), *want, "{status} {text}");
    }
}

#[test]
fn classifies_published_provider_wordings_generically() {
    // Texts from provider-replies.md that no provider file is needed for.
    let cases: &[(&str, &str, Reason)] = &[
        ("4.2.1", "450 4.2.1 The user you are trying to contact is receiving email at a rate that prevents additional messages from being delivered.", Reason::RateLimited),
        ("4.7.3", "450 4.7.3 Organization queue quota exceeded.", Reason::RateLimited),
        ("4.0.0", "421 VS1-IP Excessive unknown recipients - possible Open Relay (#4.1.8)", Reason::BadReputation),
        ("5.7.0", "554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1", Reason::Blocked),
        ("5.0.0", "550 Administrative prohibition", Reason::PolicyViolation),
        ("5.0.0", "550 Bad DNS PTR resource record", Reason::RequirePtr),
        ("4.0.0", "421 mx.example.jp Service not available, closing transmission channel", Reason::SystemError),
        ("5.0.0", "554 Message not allowed - Headers are not RFC compliant[291]", Reason::NotCompliantRfc),
    ];
    for (status, text, want) in cases {
        assert_eq!(classify(&report(status, text)), *want, "{status} {text}");
    }
}

#[test]
fn classifies_by_the_mtas_own_failure_strings() {
    // (generator, status, diagnostic, reason with the generator, reason without)
    let cases: &[(&str, &str, &str, Reason, Reason)] = &[
        (
            "gmail",
            "",
            "DNS Error: Domain name not found",
            Reason::HostUnknown,
            Reason::NetworkError,
        ),
        (
            "gmail",
            "",
            "DNS Error: Could not contact DNS servers",
            Reason::Expired,
            Reason::NetworkError,
        ),
        (
            "exim",
            "5.0.0",
            "all relevant MX records point to non-existent hosts",
            Reason::HostUnknown,
            Reason::OnHold,
        ),
        (
            "exim",
            "5.0.0",
            "Too many \"Received\" headers - suspected mail loop",
            Reason::ContentError,
            Reason::NetworkError,
        ),
        ("opensmtpd", "", "No valid route to destination", Reason::NetworkError, Reason::OnHold),
        (
            "opensmtpd",
            "",
            "Destination seem to reject all mails",
            Reason::NotAccept,
            Reason::OnHold,
        ),
        ("biglobe", "", "Mail Delivery Failed... User unknown", Reason::Filtered, Reason::Filtered),
        (
            "domino",
            "",
            "Cannot route mail to user (taro@example.jp)",
            Reason::Filtered,
            Reason::OnHold,
        ),
    ];
    for (generator, status, text, with, without) in cases {
        let r = report(status, text);
        assert_eq!(Reason::classify_in(&r, &bounce(generator, "")), *with, "{generator}: {text}");
        assert_eq!(classify(&r), *without, "no generator: {text}");
    }
}
