//! Tests of the rules built from sources (the registry, the MTAs' own texts, the
//! published provider wordings) and of the safety rule: a temporary failure is never
//! a hard bounce.

use rebound_dsn::{Action, Bounce, RecipientReport};

use super::engine::without_continuations;
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

#[test]
fn a_gateway_named_by_the_remote_host_decides_before_a_provider_it_quotes() {
    // Mimecast in front of a Microsoft 365 tenant, quoting the tenant's host: the
    // answer is Mimecast's (provider-replies.md §1.1 rule 8), though microsoft.toml
    // comes first in file order and its "server busy" phrase is in the text.
    let text = "451 Internal resources are temporarily unavailable - \
        https://community.mimecast.com/docs/DOC-1369#451 [contoso-com.mail.protection.outlook.com: \
        451 4.7.500 Server busy. Please try again later from [192.0.2.1]]";
    let why = |host: &str| {
        let r = full("4.3.0", text, "RCPT TO", host);
        Reason::explain_in(&r, &Bounce::default())
    };
    let gateway = why("us-smtp-inbound-1.mimecast.com");
    assert_eq!(gateway.reason, Reason::OnHold);
    assert!(gateway.rule_id.starts_with("provider.mimecast."), "{}", gateway.rule_id);
    // Answered by Microsoft's own host, Microsoft decides.
    let microsoft = why("contoso-com.mail.protection.outlook.com");
    assert_eq!(microsoft.rule_id, "provider.microsoft.server-busy");
    // With no host, both are recognised by their tokens only: the gateway's answer,
    // the outer one that quotes Microsoft's, decides.
    assert!(why("").rule_id.starts_with("provider.mimecast."), "{}", why("").rule_id);
}

#[test]
fn continuation_prefixes_after_the_first_are_not_matched() {
    let cases = [
        (
            "550-5.7.25 [192.0.2.202] the ip address sending this message does not have a \
             550-5.7.25 ptr record setup. for more information, go to 550 5.7.25 \
             https://support.google.com/mail/answer/81126 - gsmtp",
            "550-5.7.25 [192.0.2.202] the ip address sending this message does not have a \
             ptr record setup. for more information, go to \
             https://support.google.com/mail/answer/81126 - gsmtp",
        ),
        // A reply of several lines with no status code: the last line's bare `NNN `
        // goes too, once; a later one is a number of the text.
        (
            "host said: 550-please see 550-our policy 550 rejected 550 times",
            "host said: 550-please see our policy rejected 550 times",
        ),
        // A one-line reply keeps a bare number that happens to equal its code, and so
        // does a reply whose last line was seen.
        ("550 too many 550 recipients", "550 too many 550 recipients"),
        ("550-5.7.1 a 550 5.7.1 b 550 apples", "550-5.7.1 a b 550 apples"),
        // Another code, a number inside a word, a status after a dot: all kept.
        (
            "550-5.1.1 no such user 451 4.3.0 later x550-y 4.7.550 z",
            "550-5.1.1 no such user 451 4.3.0 later x550-y 4.7.550 z",
        ),
        ("552 5.2.2 mailbox full", "552 5.2.2 mailbox full"),
        ("", ""),
        ("550", "550"),
        ("550-", "550-"),
        ("550-a 550-", "550-a "),
        (
            "no code at all: 25 [192.0.2.1]:25 2026-12-08",
            "no code at all: 25 [192.0.2.1]:25 2026-12-08",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(without_continuations(text), want, "{text}");
    }
    // A phrase broken across two lines of Gmail's reply matches.
    let r = report(
        "5.7.1",
        "550-5.7.1 [192.0.2.1] Our system has detected that this message is 550-5.7.1 likely \
         unsolicited mail. To reduce the amount of spam sent to Gmail, this message 550-5.7.1 \
         has been blocked. - gsmtp",
    );
    let text = without_continuations(&r.diagnostic.clone().unwrap_or_default().to_lowercase())
        .into_owned();
    assert!(text.contains("this message is likely unsolicited mail"), "{text}");
}

#[test]
fn a_named_block_list_is_a_block_not_a_spam_verdict() {
    // provider-replies.md §10: the word "spam" inside a list's name or page is no
    // content verdict.
    let cases = [
        ("5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.25] rejected, see http://www.spamcop.net/bl.shtml?192.0.2.25"),
        ("5.7.1", "550 5.7.1 Rejected: 192.0.2.25 listed at https://check.spamhaus.org/"),
        ("5.7.1", "554 5.7.1 Your IP is in the Spamhaus PBL, see https://www.spamhaus.org/pbl/"),
        ("5.0.0", "550 Your sender's IP address is listed at cbl.abuseat.org"),
        ("5.7.1", "550 5.7.1 rejected - multi-blacklist, see http://www.junkemailfilter.com/spam/"),
        ("", "554 IP 192.0.2.25 is listed on ivmSIP (invaluement), spam source"),
    ];
    for (status, text) in cases {
        let why = Reason::explain_in(&report(status, text), &Bounce::default());
        assert_eq!(why.reason, Reason::Blocked, "{text}: {}", why.rule_id);
    }
    // A spam verdict on the content stays one.
    let r = report("5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering");
    assert_eq!(classify(&r), Reason::SpamDetected);
}

#[test]
fn reads_the_texts_sisimai_and_rebound_disagreed_on() {
    let relay = |status: &str, reply: u16, text: &str, host: &str| {
        let mut r = full(status, text, "RCPT TO", host);
        // 0: the remote host never replied.
        r.reply_code = (reply != 0).then_some(reply);
        r
    };
    let cases = [
        // provider-replies.md §6.2: the text says unknown, whatever 5.2.1 says.
        (relay("5.2.1", 550, "550 5.2.1 <ronc6t@example.net>... Addressee unknown, relay=[192.0.2.25]", "mx.example.net"), Reason::UserUnknown),
        (relay("", 550, "550 mailbox carol@example.cn unavailable", "mx1.example.cn"), Reason::UserUnknown),
        (relay("", 550, "550 Access from ip address 192.0.2.25 blocked. Visit http://win.mail.ru/cgi-bin/support_bl?ip=192.0.2.25", "mxs.mail.ru"), Reason::Blocked),
        // Postfix: NXDOMAIN is a missing domain, a temporary DNS failure is not.
        (relay("5.4.4", 0, "Host or domain name not found. Name service error for name=example.com type=MX: Host not found", ""), Reason::HostUnknown),
        (relay("4.4.3", 0, "Host or domain name not found. Name service error for name=example.com type=MX: Host not found, try again", ""), Reason::NetworkError),
    ];
    for (r, want) in cases {
        let why = Reason::explain_in(&r, &Bounce::default());
        assert_eq!(why.reason, want, "{:?}: {}", r.diagnostic, why.rule_id);
    }
    // Gmail's delay notice about connections its peer refused.
    let mut r = report("", "TEMP_FAILURE: The recipient server did not accept our requests to connect. Learn more at http://mail.google.com/support/bin/answer.py?answer=7720 [mx.example.lv. (10): Connection dropped]");
    r.action = Action::Delayed;
    let why = Reason::explain_in(&r, &bounce("gmail", ""));
    assert_eq!((why.reason, why.rule_id), (Reason::Expired, "lhost.gmail.connection-refused"));
}
