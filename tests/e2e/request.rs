//! `rebound diagnose --request`: the ready-to-send support request, as text in
//! English and Japanese, in JSON, with the blocklist answers of the in-process DNS
//! server, and never for a bounce nobody on the sending side can fix.

use crate::diagnose_dns::server;
use crate::util::{example, fixture, rebound};

const S3150_LINE: &str = "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. \
Please contact your Internet service provider since part of their network is on our block \
list (S3150). You can also refer your provider to \
http://mail.live.com/mail/troubleshooting.aspx#errors. \
[TY1PEPF00001A2B.eop-eur04.prod.protection.outlook.com 2025-03-03T01:15:02.571Z \
08DD5A1B2C3D4E5F]";

/// The request printed for one input: its `To:` and `Subject:` lines and its body.
fn split(text: &str) -> (String, String, String) {
    let (head, body) = text.split_once("\n\n").unwrap_or_else(|| panic!("no blank line:\n{text}"));
    let mut lines = head.lines();
    let to = lines.next().and_then(|l| l.strip_prefix("To: ")).expect("a To: line");
    let subject = lines.next().and_then(|l| l.strip_prefix("Subject: ")).expect("a Subject: line");
    assert_eq!(lines.next(), None, "{head}");
    (to.to_string(), subject.to_string(), body.to_string())
}

#[test]
fn offline_request_in_english_and_japanese() {
    let eml = fixture("postfix-dsn-s3150.eml");
    let run = rebound(&["diagnose", "--offline", "--request", &eml]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    // Only the message is printed, so all of it can be copied.
    assert!(text.starts_with("To: "), "{text}");
    assert!(!text.contains("Verdict:") && !text.contains("Bounce:"), "{text}");
    let (to, subject, body) = split(&text);
    assert_eq!(to, "Xserver mail support");
    assert_eq!(
        subject,
        "Mail to Microsoft (Outlook.com / Hotmail) refused: our sending IP address 203.0.113.45 is on a block list"
    );
    for want in [
        "Dear Xserver mail support team,\n",
        "Mail we sent from our domain example.co.jp to Microsoft (Outlook.com / Hotmail) was refused.",
        "\nSending server: sv12053.xserver.jp\n",
        "\nIP address: 203.0.113.45\n",
        "\nRecipient: k.suzuki@infoseek.jp\n",
        "\nDate of the bounce: Mon, 3 Mar 2025 10:14:58 +0900 (JST)\n",
        "\nWe have not checked the public blocklists.\n",
        "request the removal of our sending IP address 203.0.113.45 from the block list?",
        "whether we should use another outgoing server in the meantime.",
    ] {
        assert!(body.contains(want), "{want:?} missing:\n{body}");
    }
    assert!(body.contains(&format!("The receiving server replied:\n  {S3150_LINE}\n")), "{body}");
    assert!(body.trim_end().ends_with("Best regards,"), "{body}");

    let run = rebound(&["diagnose", "--offline", "--request", "--lang", "ja", &eml]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let (to, subject, body) = split(&run.stdout());
    assert_eq!(to, "エックスサーバーのメールサポート");
    assert_eq!(
        subject,
        "Microsoft (Outlook.com / Hotmail) 宛てのメールが拒否される件（送信 IP アドレス 203.0.113.45 のブロック）"
    );
    for want in [
        "エックスサーバーのメールサポートご担当者様\n\nお世話になっております。\n",
        "当方のドメイン example.co.jp から Microsoft (Outlook.com / Hotmail) 宛てに送ったメールが、受信を拒否されました。",
        "\n送信サーバー：sv12053.xserver.jp\n",
        "\nIP アドレス：203.0.113.45\n",
        "\n宛先：k.suzuki@infoseek.jp\n",
        "\nエラーメールの日時：Mon, 3 Mar 2025 10:14:58 +0900 (JST)\n",
        "\n公開ブロックリストへの掲載状況は確認していません。\n",
        "送信 IP アドレス 203.0.113.45 をブロックリストから解除するよう申請していただけますでしょうか。",
    ] {
        assert!(body.contains(want), "{want:?} missing:\n{body}");
    }
    assert!(body.contains(&format!("受信側サーバーの応答：\n  {S3150_LINE}\n")), "{body}");
    assert!(body.trim_end().ends_with("よろしくお願いいたします。"), "{body}");
}

#[test]
fn json_carries_the_request_only_when_asked() {
    let eml = fixture("postfix-dsn-s3150.eml");
    let plain = rebound(&["diagnose", "--offline", "--format", "json", &eml]).report();
    assert!(plain["verdict"].get("request").is_none(), "{:#}", plain["verdict"]);

    for (lang, to, greeting) in [
        ("en", "Xserver mail support", "Dear Xserver mail support team,"),
        ("ja", "エックスサーバーのメールサポート", "エックスサーバーのメールサポートご担当者様"),
    ] {
        let run = rebound(&[
            "diagnose",
            "--offline",
            "--request",
            "--format",
            "json",
            "--lang",
            lang,
            &eml,
        ]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        let report = run.report();
        let plain =
            rebound(&["diagnose", "--offline", "--format", "json", "--lang", lang, &eml]).report();
        let request = &report["verdict"]["request"];
        assert_eq!(request["to"], to);
        assert!(request["subject"].as_str().unwrap().contains("203.0.113.45"), "{request}");
        let body = request["body"].as_str().unwrap();
        assert!(body.starts_with(greeting), "{body}");
        assert!(body.contains(S3150_LINE), "{body}");
        // The rest of the report is the same as without --request.
        assert_eq!(report["verdict"]["cause"], plain["verdict"]["cause"]);
        assert_eq!(report["recipients"], plain["recipients"]);
    }
}

#[test]
fn nothing_to_ask_for_a_bad_address() {
    let txt = fixture("pasted-userunknown.txt");
    let run = rebound(&["diagnose", "--offline", "--request", &txt]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    assert!(!text.contains("To:") && !text.contains("Subject:"), "{text}");
    assert!(text.contains("There is nothing to ask your hosting company or mail administrator: the problem is the recipient's address or mailbox"), "{text}");
    let ja = rebound(&["diagnose", "--offline", "--request", "--lang", "ja", &txt]).stdout();
    assert!(ja.contains("依頼することはありません。"), "{ja}");

    let json = rebound(&["diagnose", "--offline", "--request", "--format", "json", &txt]).report();
    assert_eq!(json["verdict"]["cause"], "recipient_problem");
    assert!(json["verdict"].get("request").is_none(), "{:#}", json["verdict"]);
}

#[test]
fn several_inputs_are_told_apart_and_sisimai_is_refused() {
    let run = rebound(&[
        "diagnose",
        "--offline",
        "--request",
        &fixture("postfix-human-only-spamhaus.eml"),
        &fixture("pasted-userunknown.txt"),
        &fixture("exim-human-only-dmarc.eml"),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    let pages: Vec<&str> = text.split(&"=".repeat(78)).collect();
    assert_eq!(pages.len(), 3, "{text}");
    assert!(
        pages[0].starts_with("Bounce: ") && pages[0].contains("postfix-human-only-spamhaus.eml")
    );
    assert!(pages[0].contains("To: Sakura Internet support\n"), "{}", pages[0]);
    assert!(
        pages[0].contains("Client host [203.0.113.45] blocked using zen.spamhaus.org"),
        "{}",
        pages[0]
    );
    assert!(pages[1].contains("nothing to ask"), "{}", pages[1]);
    assert!(pages[2].contains("To: your mail server's administrator"), "{}", pages[2]);
    assert!(pages[2].contains("SPF, DKIM and DMARC"), "{}", pages[2]);

    let run = rebound(&["diagnose", "--offline", "--request", "--format", "sisimai", &example()]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("--request"), "{}", run.stderr());
}

#[test]
fn the_listing_found_is_named_in_the_request() {
    let dns = server();
    let addr = dns.addr().to_string();
    let run = rebound(&["diagnose", "--resolver", &addr, "--request", &example()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let (to, _, body) = split(&run.stdout());
    assert_eq!(to, "Xserver mail support");
    assert!(
        body.contains("\nSpamhaus ZEN (zen.spamhaus.org) lists 203.0.113.45 (answer 127.0.0.2).\n"),
        "{body}"
    );
    assert!(
        !body.contains("SpamCop") && !body.contains("Barracuda"),
        "lists that do not list it: {body}"
    );
    assert!(!body.contains("not checked"), "{body}");

    let run = rebound(&["diagnose", "--resolver", &addr, "--request", "--lang", "ja", &example()]);
    let (_, _, body) = split(&run.stdout());
    assert!(body.contains("\nSpamhaus ZEN（zen.spamhaus.org）に 203.0.113.45 が掲載されています（応答 127.0.0.2）。\n"), "{body}");

    let run =
        rebound(&["diagnose", "--resolver", &addr, "--request", "--format", "json", &example()]);
    let body = run.report()["verdict"]["request"]["body"].as_str().unwrap().to_string();
    assert!(
        body.contains("Spamhaus ZEN (zen.spamhaus.org) lists 203.0.113.45 (answer 127.0.0.2)."),
        "{body}"
    );
}

/// A refusal of the sending IP whose text carries terminal control sequences.
const HOSTILE: &str =
    "Reporting-MTA: dns; mail.example.jp\n\nFinal-Recipient: rfc822; taro@example.org\n\
Action: failed\nStatus: 5.7.1\nRemote-MTA: dns; mx.example.org\n\
Diagnostic-Code: smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using \
zen.spamhaus.org \u{1b}[2J\u{1b}]0;owned\u{7} \u{9b}31m \u{202e}gpj.exe\n";

#[test]
fn no_control_sequence_reaches_the_terminal_in_a_request() {
    let path =
        std::env::temp_dir().join(format!("rebound-hostile-request-{}.txt", std::process::id()));
    std::fs::write(&path, HOSTILE).unwrap();
    let name = path.to_str().unwrap();
    for lang in ["en", "ja"] {
        let text = rebound(&["diagnose", "--offline", "--request", "--lang", lang, name]).stdout();
        assert!(text.starts_with("To: "), "{text}");
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!text.contains(bad), "{bad:?} reached the terminal:\n{text}");
        }
        assert!(text.contains("blocked using zen.spamhaus.org <U+001B>[2J"), "{text}");
    }
    // JSON keeps the line exact: JSON escapes it.
    let json = rebound(&["diagnose", "--offline", "--request", "--format", "json", name]).report();
    assert!(json["verdict"]["request"]["body"].as_str().unwrap().contains("\u{1b}[2J"));
    std::fs::remove_file(&path).ok();
}
