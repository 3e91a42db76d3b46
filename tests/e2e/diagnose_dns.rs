//! The shared-hosting S3150 case against an in-process hickory DNS server.

use rebound_tests::TestDns;

use crate::util::{example, listing, rebound};

/// The blocklists rebound asks by default, and the sending IP of the example.
pub(crate) const ZONES: &[&str] = &[
    "zen.spamhaus.org",
    "bl.spamcop.net",
    "b.barracudacentral.org",
    "dnsbl-1.uceprotect.net",
    "psbl.surriel.com",
    "bl.mailspike.net",
];

/// A server that lists 203.0.113.45 on Spamhaus ZEN (SBL) with a TXT reason, knows
/// the reporting server's address, and serves the other lists empty.
pub(crate) fn server() -> TestDns {
    let mut builder = TestDns::builder();
    for zone in ZONES {
        builder = builder.zone(zone);
    }
    builder
        .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .txt("45.113.0.203.zen.spamhaus.org", "https://check.spamhaus.org/sbl/query/SBL999999")
        .zone("xserver.jp")
        .a("sv12053.xserver.jp", "203.0.113.45")
        .start()
}

#[test]
fn json_names_the_listing_the_provider_and_the_host() {
    let dns = server();
    let addr = dns.addr().to_string();
    let run = rebound(&["diagnose", "--resolver", &addr, "--format", "json", &example()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.report();

    let recipient = &report["recipients"][0];
    assert_eq!(recipient["recipient"], "k.suzuki@infoseek.jp");
    assert_eq!(recipient["action"], "failed");
    assert_eq!(recipient["status"], "5.7.1");
    assert_eq!(recipient["reply_code"], 550);
    assert_eq!(recipient["reason"], "blocked");
    assert_eq!(recipient["provider"], "microsoft");
    assert_eq!(recipient["remote_mta"], "infoseek-jp.olc.pamx1.hotmail.com");
    assert_eq!(recipient["smtp_command"], "MAIL FROM");
    let diagnostic = recipient["diagnostic"].as_str().unwrap();
    assert!(diagnostic
        .starts_with("550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent."));
    assert!(diagnostic.contains("on our block list (S3150)"));
    assert!(!diagnostic.contains('\n'));
    assert_eq!(report["reporting_mta"], "sv12053.xserver.jp");
    assert_eq!(report["original_message"]["subject"], "【ご確認】11月分の請求書送付のご案内");

    // The receiver named the IP; the reporting server resolves to the same one. The
    // ESMTPSA client address (the sender's home line) is not a sending server.
    let ips = report["sending_ips"].as_array().unwrap();
    assert_eq!(ips[0]["ip"], "203.0.113.45");
    assert_eq!(ips[0]["found_in"], "diagnostic");
    assert!(ips.iter().all(|ip| ip["ip"] != "198.51.100.201"), "{ips:?}");
    assert!(
        ips.iter().all(|ip| ip["ip"] != "198.51.100.7"),
        "the receiver is not a sender: {ips:?}"
    );

    let zen = listing(&report, "zen.spamhaus.org");
    assert_eq!(zen["subject"], "203.0.113.45");
    assert_eq!(zen["listed"], true);
    assert_eq!(zen["codes"][0], "127.0.0.2");
    assert!(zen["meanings"][0].as_str().unwrap().contains("SBL"), "{zen}");
    assert_eq!(zen["txt"][0], "https://check.spamhaus.org/sbl/query/SBL999999");
    for zone in &ZONES[1..] {
        let other = listing(&report, zone);
        assert_eq!(other["listed"], false, "{other}");
        assert!(other["error"].is_null());
    }

    let verdict = &report["verdict"];
    assert_eq!(verdict["cause"], "sending_ip_blocklisted");
    assert_eq!(verdict["hosting"]["name"], "Xserver");
    assert_eq!(verdict["hosting"]["shared"], true);
    let summary = verdict["summary"].as_str().unwrap();
    assert!(summary.contains("Microsoft"), "{summary}");
    assert!(summary.contains("203.0.113.45"), "{summary}");
    assert!(summary.contains("Spamhaus"), "{summary}");
    let actions = verdict["actions"].to_string();
    assert!(actions.contains("Xserver"), "{actions}");
    assert!(actions.contains("check.spamhaus.org"), "{actions}");
    assert!(actions.contains("support.microsoft.com"), "{actions}");
    assert!(dns.query_count() > 0);
}

#[test]
fn english_text_explains_cause_lists_and_steps() {
    let dns = server();
    let addr = dns.addr().to_string();
    let run = rebound(&["diagnose", "--resolver", &addr, &example()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    for expected in [
        "Verdict: The sending server's IP address is on a blocklist",
        "What to do:",
        "k.suzuki@infoseek.jp",
        "5.7.1 (SMTP 550)",
        "infoseek-jp.olc.pamx1.hotmail.com",
        "203.0.113.45",
        "Spamhaus ZEN",
        "LISTED 127.0.0.2",
        "not listed",
        "Xserver (shared hosting)",
        "【ご確認】11月分の請求書送付のご案内",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn japanese_text_has_japanese_labels_and_verdict() {
    let dns = server();
    let addr = dns.addr().to_string();
    let run = rebound(&["diagnose", "--resolver", &addr, "--lang", "ja", &example()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    for expected in [
        "診断結果: 送信サーバーの IP アドレスがブロックリストに登録されています",
        "対処方法:",
        "配送できなかった宛先:",
        "送信元 IP アドレス",
        "ブロックリスト:",
        "登録あり 127.0.0.2: SBL: 迷惑メールの直接の送信元",
        "登録なし",
        "ホスティング: エックスサーバー (共用サーバー)",
        "check.spamhaus.org",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // No English label or verdict sentence leaks into the Japanese output.
    for english in [
        "Verdict",
        "What to do",
        "Failed recipients",
        "not listed",
        "shared hosting",
        "The sending",
    ] {
        assert!(!text.contains(english), "English {english:?} in Japanese output:\n{text}");
    }
    // The verdict itself is written in Japanese.
    let report =
        rebound(&["diagnose", "--resolver", &addr, "--lang", "ja", "--format", "json", &example()])
            .report();
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("マイクロソフト") || summary.contains("Microsoft"), "{summary}");
    assert!(summary.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)), "{summary}");
}

#[test]
fn no_public_listing_means_microsofts_own_list() {
    let mut builder = TestDns::builder();
    for zone in ZONES {
        builder = builder.zone(zone);
    }
    let dns = builder.zone("xserver.jp").a("sv12053.xserver.jp", "203.0.113.45").start();
    let addr = dns.addr().to_string();
    let report =
        rebound(&["diagnose", "--resolver", &addr, "--format", "json", &example()]).report();
    for zone in ZONES {
        assert_eq!(listing(&report, zone)["listed"], false);
    }
    assert_eq!(report["verdict"]["cause"], "sending_ip_blocklisted");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("Microsoft"), "{summary}");
    assert!(
        summary.to_lowercase().contains("own"),
        "must say it is Microsoft's own list: {summary}"
    );
}

#[test]
fn sender_domain_is_checked_against_domain_lists() {
    let mut builder = TestDns::builder();
    for zone in ZONES {
        builder = builder.zone(zone);
    }
    let dns = builder
        .zone("dbl.spamhaus.org")
        .a("yamada-shoten.example.dbl.spamhaus.org", "127.0.1.2")
        .zone("xserver.jp")
        .a("sv12053.xserver.jp", "203.0.113.45")
        .start();
    let addr = dns.addr().to_string();
    let report =
        rebound(&["diagnose", "--resolver", &addr, "--format", "json", &example()]).report();
    assert_eq!(report["sending_domains"][0]["domain"], "yamada-shoten.example");
    assert_eq!(report["sending_domains"][0]["found_in"], "sender_address");
    let dbl = listing(&report, "dbl.spamhaus.org");
    assert_eq!(dbl["subject"], "yamada-shoten.example");
    assert_eq!(dbl["listed"], true);
    assert!(dbl["meanings"][0].as_str().unwrap().contains("DBL"), "{dbl}");
    // Domain lists are asked about domains only, never about the IP.
    let asked: Vec<&str> = report["listings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["zone"] == "dbl.spamhaus.org")
        .map(|l| l["subject"].as_str().unwrap())
        .collect();
    assert_eq!(asked, ["yamada-shoten.example"]);
}

/// A resolver that answers NXDOMAIN to every blocklist name, the lists' test entries
/// included (a filtered network, or lists silently ignoring it): nothing is "not
/// listed", and the verdict says the lists could not be confirmed.
#[test]
fn a_resolver_that_answers_nxdomain_to_everything_confirms_nothing() {
    let mut builder = TestDns::builder();
    for zone in ZONES.iter().chain(&["dbl.spamhaus.org"]) {
        builder = builder.bare_zone(zone);
    }
    let dns = builder.zone("xserver.jp").a("sv12053.xserver.jp", "203.0.113.45").start();
    let addr = dns.addr().to_string();

    let run = rebound(&["diagnose", "--resolver", &addr, "--format", "json", &example()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.report();
    let listings = report["listings"].as_array().unwrap();
    assert!(!listings.is_empty());
    for l in listings {
        assert!(l["listed"].is_null(), "{l}");
    }
    assert_eq!(report["lookup"]["state"], "checked", "{}", report["lookup"]);

    for lang in ["en", "ja"] {
        let run = rebound(&["diagnose", "--resolver", &addr, "--lang", lang, &example()]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        let out = run.stdout();
        if lang == "en" {
            assert!(out.contains("The public lists could not be confirmed"), "{out}");
            assert!(!out.contains("None of the public lists"), "{out}");
            assert!(!out.contains("is not listed"), "{out}");
        } else {
            assert!(out.contains("公開ブロックリストの回答を確認できませんでした"), "{out}");
            assert!(!out.contains("掲載されていません"), "{out}");
        }
    }
}
