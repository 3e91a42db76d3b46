//! Every fixture in `tests/fixtures/pasted/`: bounce text as people paste or forward
//! it (re-wrapped, quoted, under a forward's header block, from Gmail's and Outlook's
//! notices in English and Japanese, in UTF-16 and the Japanese charsets, with CR-only
//! line ends), and texts that are no bounce.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use rebound_dsn::{parse, Bounce, Form, ParseError};

fn fixture(name: &str) -> Vec<u8> {
    common::fixture_in("pasted", name)
}

fn bounce(name: &str) -> Bounce {
    parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What one pasted bounce must give: its one recipient, the codes, where the
/// diagnostic starts, and the remote MTA when the text names one.
struct Expected {
    file: &'static str,
    recipient: &'static str,
    status: &'static str,
    reply: u16,
    diagnostic_starts: &'static str,
    remote_mta: Option<&'static str>,
}

const EXPECTED: &[Expected] = &[
    Expected {
        file: "postfix-rewrapped.txt",
        recipient: "k.tanaka@example.jp",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550 5.1.1 <k.tanaka@example.jp>: Recipient address rejected",
        remote_mta: Some("mx1.example.jp"),
    },
    Expected {
        file: "postfix-rewrapped-bare.txt",
        recipient: "h.kimura@example.jp",
        status: "5.7.1",
        reply: 554,
        diagnostic_starts: "554 5.7.1 Service unavailable; Client host [203.0.113.45] blocked",
        remote_mta: Some("mx01.example.jp"),
    },
    Expected {
        file: "quoted-postfix.txt",
        recipient: "s.watanabe@example.co.jp",
        status: "5.2.2",
        reply: 552,
        diagnostic_starts:
            "552 5.2.2 <s.watanabe@example.co.jp>: Recipient address rejected: Mailbox full",
        remote_mta: Some("mx.example.co.jp"),
    },
    Expected {
        file: "quoted-nospace.txt",
        recipient: "h.ito@example.com",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550-5.1.1 The email account that you tried to reach does not exist.",
        remote_mta: Some("aspmx.example.com"),
    },
    Expected {
        file: "quoted-twice-exim.txt",
        recipient: "m.kobayashi@example.org",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550 5.1.1 <m.kobayashi@example.org>",
        remote_mta: Some("mx2.example.org"),
    },
    Expected {
        file: "forwarded-outlook.txt",
        recipient: "r.nakamura@example.net",
        status: "5.7.1",
        reply: 550,
        diagnostic_starts: "550 5.7.1 Message rejected due to local policy",
        remote_mta: Some("mx.example.net"),
    },
    Expected {
        file: "forwarded-outlook-ja.txt",
        recipient: "t.yoshida@example.ne.jp",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550 5.1.1 <t.yoshida@example.ne.jp>... User Unknown",
        remote_mta: Some("mx.example.ne.jp"),
    },
    Expected {
        file: "forwarded-gmail.txt",
        recipient: "a.suzuki@example.org",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550 5.1.1 <a.suzuki@example.org>",
        remote_mta: None,
    },
    Expected {
        file: "gmail-en.txt",
        recipient: "n.hayashi@example.net",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550 5.1.1 The email account that you tried to reach does not exist.",
        remote_mta: None,
    },
    Expected {
        file: "gmail-ja.txt",
        recipient: "y.matsumoto@example.co.jp",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550 5.1.1 <y.matsumoto@example.co.jp>",
        remote_mta: None,
    },
    Expected {
        file: "gmail-ja-blocked.txt",
        recipient: "k.fujita@example.jp",
        status: "5.7.1",
        reply: 550,
        diagnostic_starts: "550 5.7.1 Message rejected as spam",
        remote_mta: None,
    },
    Expected {
        file: "outlook-ndr-en.txt",
        recipient: "j.smith@example.org",
        status: "5.1.10",
        reply: 550,
        diagnostic_starts:
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        remote_mta: None,
    },
    Expected {
        file: "outlook-web-en.txt",
        recipient: "p.garcia@example.com",
        status: "5.2.2",
        reply: 554,
        diagnostic_starts: "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception",
        remote_mta: None,
    },
    Expected {
        file: "gmail-blocked-en.txt",
        recipient: "b.walker@example.org",
        status: "5.7.1",
        reply: 550,
        diagnostic_starts: "550-5.7.1 [203.0.113.8 12] Our system has detected",
        remote_mta: None,
    },
    Expected {
        file: "outlook-web-ja.txt",
        recipient: "y.ogawa@example.co.jp",
        status: "5.1.10",
        reply: 550,
        diagnostic_starts: "550 5.1.10 RESOLVER.ADR.RecipientNotFound",
        remote_mta: None,
    },
    Expected {
        file: "exchange-mailto-list.txt",
        recipient: "s.okada@example.com",
        status: "5.4.1",
        reply: 550,
        diagnostic_starts: "550 5.4.1 Recipient address rejected: Access denied.",
        remote_mta: None,
    },
    Expected {
        file: "gateway-unable-to-deliver.txt",
        recipient: "n.mori@example.net",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550 5.1.1 <n.mori@example.net>... User unknown",
        remote_mta: None,
    },
    Expected {
        file: "outlook-ndr-ja.txt",
        recipient: "m.saito@example.jp",
        status: "5.1.1",
        reply: 550,
        diagnostic_starts: "550 5.1.1 User unknown",
        remote_mta: None,
    },
];

#[test]
fn pasted_forms_give_the_recipient_and_codes() {
    for want in EXPECTED {
        let got = bounce(want.file);
        assert_eq!(got.form, Form::PastedText, "{}", want.file);
        assert_eq!(got.recipients.len(), 1, "{}: {:?}", want.file, got.recipients);
        let r = &got.recipients[0];
        assert_eq!(r.recipient.as_deref(), Some(want.recipient), "{}", want.file);
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some(want.status), "{}", want.file);
        assert_eq!(r.reply_code, Some(want.reply), "{}", want.file);
        let diagnostic = r.diagnostic.as_deref().unwrap_or_default();
        assert!(diagnostic.starts_with(want.diagnostic_starts), "{}: {diagnostic:?}", want.file);
        // Nothing the mail client added is left in the diagnostic.
        assert!(!diagnostic.contains(" >") && !diagnostic.ends_with('\''), "{diagnostic:?}");
        assert_eq!(r.remote_mta.as_deref(), want.remote_mta, "{}", want.file);
    }
}

/// Failures stated in words only, without any code: the recipient the sentence (or
/// the summary of the failed message) names, the statement as the diagnostic, and no
/// made-up code.
#[test]
fn failures_stated_in_words_name_their_recipient() {
    for (file, recipient, says) in [
        (
            "wrapped-sentence-mailbox-full.txt",
            "c.nishimura@example.ch",
            "has failed due to a full mailbox",
        ),
        (
            "summary-to-after-failure.eml",
            "e.takahashi@example.com",
            "unable to deliver your message",
        ),
    ] {
        let got = bounce(file);
        assert_eq!(got.recipients.len(), 1, "{file}");
        let r = &got.recipients[0];
        assert_eq!(r.recipient.as_deref(), Some(recipient), "{file}");
        assert_eq!((r.status, r.reply_code), (None, None), "{file}");
        assert!(r.diagnostic.as_deref().unwrap_or_default().contains(says), "{file}");
    }
}

/// A message whose body is a bounce the user forwarded inline, quoted, under Gmail's
/// forward header block: read as the Postfix bounce it quotes.
#[test]
fn a_bounce_forwarded_inline_in_a_message_is_read() {
    let got = bounce("forwarded-inline-message.eml");
    assert_eq!(got.form, Form::HumanReadable);
    assert_eq!(got.generator.as_deref(), Some("postfix"));
    assert_eq!(got.recipients.len(), 1);
    let r = &got.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("d.ishikawa@example.org"));
    assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
    assert_eq!(r.remote_mta.as_deref(), Some("mx.example.org"));
    assert_eq!(r.smtp_command.as_deref(), Some("RCPT TO"));
    assert_eq!(
        r.diagnostic.as_deref(),
        Some("550 5.1.1 <d.ishikawa@example.org>: Recipient address rejected: User unknown in local recipient table")
    );
}

/// The same text saved in another encoding or with other line ends parses the same.
#[test]
fn encodings_and_line_ends_do_not_change_the_answer() {
    for (encoded, original) in [
        ("utf16le-bom-postfix.txt", "postfix-rewrapped.txt"),
        ("cr-only-postfix.txt", "postfix-rewrapped.txt"),
        ("utf16be-bom-gmail-ja.txt", "gmail-ja.txt"),
        ("iso2022jp-gmail-ja.txt", "gmail-ja.txt"),
        ("shiftjis-outlook-ndr-ja.txt", "outlook-ndr-ja.txt"),
        ("eucjp-outlook-ndr-ja.txt", "outlook-ndr-ja.txt"),
    ] {
        assert_ne!(fixture(encoded), fixture(original));
        assert_eq!(bounce(encoded), bounce(original), "{encoded}");
    }
}

fn not_a_bounce(input: &[u8]) -> String {
    match parse(input) {
        Err(ParseError::NotABounce(why)) => why,
        other => panic!("expected NotABounce, got {other:?}"),
    }
}

#[test]
fn texts_without_a_failure_are_no_bounce() {
    for name in ["not-a-bounce-note.txt", "not-a-bounce-ja.txt", "not-a-bounce-delivered.txt"] {
        let why = not_a_bounce(&fixture(name));
        assert!(!why.is_empty(), "{name}");
    }
}

/// Random bytes (a pseudo-random generator, so that a failure can be replayed) are
/// binary data, with and without NUL bytes among them.
#[test]
fn binary_data_is_no_bounce() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut random = |len: usize| -> Vec<u8> {
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    };
    let with_nul = random(1 << 20);
    assert!(not_a_bounce(&with_nul).contains("binary"));
    let without_nul: Vec<u8> = random(1 << 16).into_iter().filter(|b| *b != 0).collect();
    assert!(not_a_bounce(&without_nul).contains("binary"));
}
