//! Property test: a generated bounce (random recipients, codes, hosts and reply words
//! in Postfix's, Exim's or a provider notice's layout) parses to the same recipients
//! and codes after what happens to pasted text: wrapped at a random width, quoted with
//! `> ` by a mail client, forwarded under an Outlook header block (English or
//! Japanese), re-encoded (UTF-16 with a BOM, Shift_JIS, ISO-2022-JP or EUC-JP) and
//! given CRLF or CR line ends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rebound_dsn::parse;

/// One failed recipient as generated: address, reply code, enhanced status code.
#[derive(Debug, Clone)]
struct Failure {
    address: String,
    reply: u16,
    status: String,
    host: String,
    ip: String,
    words: String,
}

fn failure() -> impl Strategy<Value = Failure> {
    let local = "[a-z]{1,8}(\\.[a-z]{1,6})?";
    let domain = prop::sample::select(vec![
        "example.com",
        "example.net",
        "example.org",
        "example.jp",
        "example.co.jp",
        "mail.example.ne.jp",
    ]);
    let words = prop::sample::select(vec![
        "User unknown",
        "Recipient address rejected: User unknown in virtual mailbox table",
        "Mailbox full",
        "Service unavailable; client blocked using zen.spamhaus.org",
        "Message rejected due to local policy",
        "The email account that you tried to reach does not exist",
        "Requested action not taken: mailbox unavailable",
        "Greylisted, please try again later",
    ]);
    (
        local,
        domain,
        prop::sample::select(vec![450u16, 451, 452, 550, 551, 552, 553, 554]),
        0u16..8,
        0u16..10,
        1u8..9,
        1u8..255,
        words,
    )
        .prop_map(|(local, domain, reply, subject, detail, mx, ip, words)| Failure {
            address: format!("{local}@{domain}"),
            reply,
            status: format!("{}.{subject}.{detail}", reply / 100),
            host: format!("mx{mx}.{domain}"),
            ip: format!("192.0.2.{ip}"),
            words: words.to_string(),
        })
}

/// The bounce layouts people paste.
#[derive(Debug, Clone, Copy)]
enum Layout {
    Postfix,
    Exim,
    GmailEnglish,
    GmailJapanese,
    OutlookJapanese,
}

/// The bounce text, each line a separate string (so that it can be wrapped and
/// quoted line by line), with Postfix's description as one long line that the
/// wrapping folds.
fn render(layout: Layout, failures: &[Failure]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let mut line = |text: String, indent: &'static str| out.push((text, indent));
    match layout {
        Layout::Postfix => {
            line("This is the mail system at host relay.example.com.".into(), "");
            line(String::new(), "");
            line("I'm sorry to have to inform you that your message could not".into(), "");
            line("be delivered to one or more recipients.".into(), "");
            line(String::new(), "");
            for f in failures {
                line(
                    format!(
                        "<{}>: host {}[{}] said: {} {} {} (in reply to RCPT TO command)",
                        f.address, f.host, f.ip, f.reply, f.status, f.words
                    ),
                    "    ",
                );
                line(String::new(), "");
            }
        }
        Layout::Exim => {
            line("This message was created automatically by mail delivery software.".into(), "");
            line(String::new(), "");
            line("A message that you sent could not be delivered to one or more of its".into(), "");
            line(
                "recipients. This is a permanent error. The following address(es) failed:".into(),
                "",
            );
            for f in failures {
                line(String::new(), "");
                line(format!("  {}", f.address), "");
                line(format!("    host {} [{}]", f.host, f.ip), "");
                line(
                    format!(
                        "    SMTP error from remote mail server after RCPT TO:<{}>:",
                        f.address
                    ),
                    "",
                );
                line(format!("    {} {} {}", f.reply, f.status, f.words), "    ");
            }
        }
        Layout::GmailEnglish => {
            let f = &failures[0];
            line("Address not found".into(), "");
            line(
                format!(
                    "Your message wasn't delivered to {} because the address couldn't be found, or is unable to receive mail.",
                    f.address
                ),
                "",
            );
            line("The response was:".into(), "");
            line(format!("{} {} {}", f.reply, f.status, f.words), "");
        }
        Layout::GmailJapanese => {
            let f = &failures[0];
            line("アドレスが見つかりません".into(), "");
            line(
                format!("メールは {} に配信されませんでした。アドレスが見つからないか、メールを受信できないアドレスです。", f.address),
                "",
            );
            line("レスポンス:".into(), "");
            line(format!("{} {} {}", f.reply, f.status, f.words), "");
        }
        Layout::OutlookJapanese => {
            line("配信不能: 打ち合わせ".into(), "");
            line(String::new(), "");
            line("次の受信者またはグループへの配信に失敗しました:".into(), "");
            line(String::new(), "");
            for f in failures {
                line(f.address.clone(), "");
            }
            line("メール アドレスが見つかりませんでした。".into(), "");
            line(String::new(), "");
            line("管理者向けの診断情報:".into(), "");
            for f in failures {
                line(String::new(), "");
                line(f.address.clone(), "");
                line(format!("Remote Server returned '{} {} {}'", f.reply, f.status, f.words), "");
            }
        }
    }
    out
}

/// Lines folded at spaces to at most `width` bytes, continuation lines taking each
/// line's own indentation; a line without one stays whole (a sentence a client
/// would not break).
fn wrap(lines: &[(String, &'static str)], width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (text, indent) in lines {
        if indent.is_empty() || text.len() <= width {
            out.push(text.clone());
            continue;
        }
        let body = text.trim_start();
        let mut current = text[..text.len() - body.len()].to_string();
        let mut empty = true;
        for word in body.split(' ') {
            if !empty && current.len() + 1 + word.len() > width {
                out.push(std::mem::take(&mut current));
                current.push_str(indent);
            } else if !empty {
                current.push(' ');
            }
            current.push_str(word);
            empty = false;
        }
        out.push(current);
    }
    out
}

#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    ShiftJis,
    Iso2022Jp,
    EucJp,
}

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    let with = |e: &'static encoding_rs::Encoding| e.encode(text).0.into_owned();
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf16Le => {
            [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
        }
        Encoding::Utf16Be => {
            [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect()
        }
        Encoding::ShiftJis => with(encoding_rs::SHIFT_JIS),
        Encoding::Iso2022Jp => with(encoding_rs::ISO_2022_JP),
        Encoding::EucJp => with(encoding_rs::EUC_JP),
    }
}

const OUTLOOK_FORWARD: &str = "Could you check why this came back?\n\n-----Original Message-----\n\
    From: Mail Delivery System <MAILER-DAEMON@relay.example.com>\nSent: Tuesday, March 4, 2025 10:12 AM\n\
    To: news@example.com\nSubject: Undelivered Mail Returned to Sender\n\n";

const OUTLOOK_FORWARD_JA: &str = "以下のメールが戻ってきました。\n\n-----Original Message-----\n\
    差出人: Mail Delivery System <MAILER-DAEMON@relay.example.com>\n送信日時: 2025年3月6日 14:03\n\
    宛先: eigyo@example.co.jp\n件名: 配信不能\n\n";

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::Postfix),
        Just(Layout::Exim),
        Just(Layout::GmailEnglish),
        Just(Layout::GmailJapanese),
        Just(Layout::OutlookJapanese),
    ]
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        Just(Encoding::Utf8),
        Just(Encoding::Utf16Le),
        Just(Encoding::Utf16Be),
        Just(Encoding::ShiftJis),
        Just(Encoding::Iso2022Jp),
        Just(Encoding::EucJp),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn pasted_bounces_survive_what_clients_do_to_them(
        mut failures in prop::collection::vec(failure(), 1..4),
        layout in layout(),
        width in 30usize..100,
        quote in prop::sample::select(vec!["", "> ", ">", ">> ", "> > "]),
        forward in 0u8..3,
        encoding in encoding(),
        line_end in prop::sample::select(vec!["\n", "\r\n", "\r"]),
    ) {
        failures.dedup_by(|a, b| a.address.eq_ignore_ascii_case(&b.address));
        let mut seen = std::collections::HashSet::new();
        failures.retain(|f| seen.insert(f.address.to_ascii_lowercase()));
        if matches!(layout, Layout::GmailEnglish | Layout::GmailJapanese) {
            failures.truncate(1);
        }
        let lines = wrap(&render(layout, &failures), width);
        let mut text = match forward {
            1 => OUTLOOK_FORWARD.to_string(),
            2 => OUTLOOK_FORWARD_JA.to_string(),
            _ => String::new(),
        };
        for line in &lines {
            text.push_str(quote);
            text.push_str(line);
            text.push('\n');
        }
        let text = text.replace('\n', line_end);
        let bytes = encode(&text, encoding);
        let bounce = parse(&bytes);
        prop_assert!(bounce.is_ok(), "{bounce:?}\n{text}");
        let bounce = bounce.unwrap();
        let got: Vec<(Option<String>, Option<String>, Option<u16>)> = bounce
            .recipients
            .iter()
            .map(|r| (r.recipient.clone(), r.status.map(|s| s.to_string()), r.reply_code))
            .collect();
        let want: Vec<(Option<String>, Option<String>, Option<u16>)> = failures
            .iter()
            .map(|f| (Some(f.address.clone()), Some(f.status.clone()), Some(f.reply)))
            .collect();
        prop_assert_eq!(got, want, "{}", text);
        for r in &bounce.recipients {
            let diagnostic = r.diagnostic.as_deref().unwrap_or_default();
            prop_assert!(!diagnostic.contains(" >"), "{diagnostic:?}");
        }
    }
}
