//! `plan`: sending addresses, mentioned lists and sender domains, with naive
//! reference readers the fast ones must agree with.

use super::*;
use rebound_dsn::RecipientReport;

fn ips(text: &str) -> Vec<String> {
    sending_ips(text, None).iter().map(|ip| ip.to_string()).collect()
}

#[test]
fn sender_domain_comes_from_the_sender_not_the_daemon() {
    let mut bounce = Bounce::default();
    bounce.original.from = Some("山田 <Info@Yamada-Shoten.example>".into());
    assert_eq!(
        plan(&bounce).domains,
        vec![("yamada-shoten.example".to_string(), FoundIn::SenderAddress)]
    );
    bounce.sender = Some("MAILER-DAEMON@sv1.example.jp".into());
    assert_eq!(plan(&bounce).domains[0].0, "yamada-shoten.example");
    bounce.sender = Some("bounces+123@mail.shop.example".into());
    assert_eq!(plan(&bounce).domains[0].0, "mail.shop.example");
    let empty = Bounce::default();
    assert!(plan(&empty).domains.is_empty());
}

#[test]
fn sender_domain_reads_angle_brackets_as_before() {
    // As the last '<' and the last '>' anywhere, taken when in that order.
    let cases = [
        ("Info <info@shop.example>", Some("shop.example")),
        ("info@shop.example", Some("shop.example")),
        ("x> <info@shop.example", Some("shop.example")),
        ("<a@one.example> <b@two.example>", Some("two.example")),
        // `a@one.example> x`, whose domain is not plausible.
        ("<a@one.example> x>", None),
        ("<a@one.example", Some("one.example")),
    ];
    for (value, want) in cases {
        let mut bounce = Bounce::default();
        bounce.sender = Some(value.into());
        assert_eq!(sender_domain(&bounce).as_deref(), want, "{value:?}");
    }
}

#[test]
fn extracts_sending_ips_from_receiver_wording() {
    let cases: &[(&str, &[&str])] = &[
        ("550 5.7.1 Unfortunately, messages from [192.0.2.77] weren't sent.", &["192.0.2.77"]),
        ("554 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using zen.spamhaus.org", &["192.0.2.85"]),
        ("550 5.7.606 Access denied, banned sending IP [192.0.2.78]. To request removal", &["192.0.2.78"]),
        ("421-4.7.0 [192.0.2.79      15] This message is suspicious due to the very low reputation", &["192.0.2.79"]),
        ("421 4.7.0 [TSS04] Messages from 192.0.2.80 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", &["192.0.2.80"]),
        ("550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.81", &["192.0.2.81"]),
        ("554 resimta comcast 192.0.2.82 found on one or more RBLs (Spamhaus ZEN) BL000001", &["192.0.2.82"]),
        ("554 IP=192.0.2.84 - None/bad reputation. (NOWL)", &["192.0.2.84"]),
        ("550 rejected because 192.0.2.86 is in a black list at zen.spamhaus.org", &["192.0.2.86"]),
        ("550 5.7.1 Mail from IP address [2001:db8:1::25] refused", &["2001:db8:1::25"]),
        ("550 5.7.1 Client host [IPv6:2001:db8::77] blocked using zen.spamhaus.org", &["2001:db8::77"]),
        // An IPv4-mapped address is its IPv4 address.
        ("550 5.7.1 Mail from IP address [::ffff:192.0.2.88] refused", &["192.0.2.88"]),
        ("554 IP address is block listed. For explanation visit https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=192.0.2.83&r=0AbC", &["192.0.2.83"]),
        // Private, loopback and link-local addresses are never sending IPs.
        ("550 Client host [10.1.2.3] blocked; messages from [127.0.0.1]; from [169.254.1.1]; from [fe80::1]; from [fd00::1]", &[]),
        // Deduplicated within one text.
        ("messages from [192.0.2.77] ... Client host [192.0.2.77] blocked", &["192.0.2.77"]),
        // Glued to a word, or a version number after an unrelated phrase: not an address.
        ("see x192.0.2.1 and 192.0.2.1x and version 4.16.55.1", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(ips(text), *want, "{text}");
    }
}

#[test]
fn never_takes_the_remote_mta_address() {
    let text = "host mx.example.org[203.0.113.100] said: 554 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using b.barracudacentral.org";
    // Written as host NAME[IP], the receiver's address is not taken even without remote_ip.
    assert_eq!(ips(text), ["192.0.2.85"]);
    // And remote_ip is never a sending IP, however it is written.
    let remote: IpAddr = "192.0.2.85".parse().unwrap();
    assert!(sending_ips(text, Some(remote)).is_empty());

    let mut bounce = Bounce::default();
    let mut r = RecipientReport::default();
    r.remote_ip = Some("198.51.100.27".parse().unwrap());
    r.diagnostic = Some(
        "Connection from 198.51.100.27 refused; messages from [192.0.2.9] weren't sent".into(),
    );
    bounce.recipients.push(r);
    let plan = plan(&bounce);
    assert_eq!(plan.ips, vec![("192.0.2.9".parse().unwrap(), FoundIn::Diagnostic)]);
}

#[test]
fn excludes_the_authenticated_submission_hop() {
    let mut bounce = Bounce::default();
    bounce.reporting_mta = Some("sv12053.xserver.jp".into());
    bounce.original.received = vec![
        "from sv12053.xserver.jp (sv12053.xserver.jp [203.0.113.45]) by relay.example.net with ESMTP".into(),
        "from [192.168.1.5] (p1234-ipngn.example-isp.ne.jp [198.51.100.66]) by sv12053.xserver.jp (Postfix) with ESMTPSA id 4AbCd; Mon, 2 Jun 2025 10:00:00 +0900".into(),
    ];
    let mut r = RecipientReport::default();
    r.diagnostic =
        Some("550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent.".into());
    bounce.recipients.push(r);
    let plan = plan(&bounce);
    let listed: Vec<String> = plan.ips.iter().map(|(ip, _)| ip.to_string()).collect();
    assert_eq!(listed, ["203.0.113.45"]);
    assert!(!listed.contains(&"198.51.100.66".to_string()), "home ISP hop must not be checked");
    assert_eq!(plan.hosts, vec![("sv12053.xserver.jp".into(), FoundIn::ReportingMta)]);
}

#[test]
fn deduplicates_across_recipients_in_order() {
    let mut bounce = Bounce::default();
    for text in [
        "messages from [192.0.2.2] weren't sent",
        "Client host [192.0.2.1] blocked; messages from [192.0.2.2]",
    ] {
        let mut r = RecipientReport::default();
        r.diagnostic = Some(text.into());
        bounce.recipients.push(r);
    }
    let got: Vec<String> = plan(&bounce).ips.iter().map(|(ip, _)| ip.to_string()).collect();
    assert_eq!(got, ["192.0.2.2", "192.0.2.1"]);
}

/// `sending_ips` as it read before: an ASCII-lower-cased copy, every run of
/// address characters parsed, the triggers matched in the copy.
fn reference_sending_ips(diagnostic: &str, remote_ip: Option<IpAddr>) -> Vec<IpAddr> {
    let text = diagnostic.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_ip_char(bytes[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < bytes.len() && is_ip_char(bytes[i]) {
            i += 1;
        }
        let (mut start, mut end) = (run_start, i);
        if text[..run_start].ends_with("ipv") && text[run_start..i].starts_with("6:") {
            start += 2;
        } else if !text[start..end].starts_with("::") {
            while start < end && matches!(bytes[start], b':' | b'.') {
                start += 1;
            }
        }
        while end > start
            && matches!(bytes[end - 1], b'.' | b':')
            && !text[start..end].ends_with("::")
        {
            end -= 1;
        }
        let glued_before = start == run_start
            && run_start > 0
            && bytes.get(run_start - 1).is_some_and(|b| is_word_byte(*b));
        let glued_after = bytes.get(i).is_some_and(|b| is_word_byte(*b));
        if glued_before || glued_after || start >= end {
            continue;
        }
        if let Ok(ip) = text[start..end].parse::<IpAddr>() {
            tokens.push((ip, start, end));
        }
    }
    let forward = |start: usize| {
        let before = text[..start].trim_end_matches([' ', '[', '(', '=', ':', '\t']);
        let raw = &text[..start];
        FORWARD_TRIGGERS.iter().any(|t| {
            if t.ends_with(['=', ':']) {
                raw.ends_with(t) || raw.trim_end_matches([' ', '[']).ends_with(t)
            } else {
                before.ends_with(t)
                    && before[..before.len() - t.len()]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !c.is_ascii_alphanumeric())
            }
        })
    };
    let backward = |end: usize| {
        let after = text[end..].trim_start_matches([' ', ']', ')', '\t']);
        BACKWARD_TRIGGERS.iter().any(|t| after.starts_with(t))
    };
    let mut seen = Vec::new();
    for (ip, start, end) in tokens {
        let sender = bare_bracketed(&text, start) || forward(start) || backward(end);
        let ip = ip.to_canonical();
        let remote_ip = remote_ip.map(|r| r.to_canonical());
        if sender && is_public(ip) && Some(ip) != remote_ip && !seen.contains(&ip) {
            seen.push(ip);
        }
    }
    seen
}

/// `mentioned_in` done naively: a lower-cased copy searched once per phrase, the
/// catalog's lists and zones looked up one by one.
fn reference_mentioned_in(diagnostic: &str) -> Vec<MentionedList> {
    let text = diagnostic.to_lowercase();
    let catalog = Catalog::shared();
    let mut out: Vec<MentionedList> = Vec::new();
    let mut zones = Vec::new();
    for trigger in ZONE_TRIGGERS {
        let mut from = 0;
        while let Some(pos) = text[from..].find(trigger) {
            let start = from + pos + trigger.len();
            zones.extend(zone_at(&text, start));
            from = start;
        }
    }
    for zone in zones {
        let list = catalog.lists().iter().find(|l| l.mentions.iter().any(|w| zone.contains(w)));
        let found = match list {
            Some(list) => {
                let own = catalog.get(&zone).filter(|z| z.list.as_ref() == Some(&list.id));
                MentionedList {
                    id: list.id.as_str(),
                    name: list.name.clone(),
                    zone: Some(zone.clone()),
                    public: list.public,
                    defunct: own.map_or(list.defunct.is_some(), |z| z.defunct.is_some()),
                    defunct_since: own
                        .map_or(list.defunct_since.clone(), |z| z.defunct_since.clone()),
                    removal_url: own.map_or(list.removal_url.clone(), |z| z.removal_url.clone()),
                    expiry: own.map_or(list.expiry.clone(), |z| z.expiry.clone()),
                    expiry_ja: own.map_or(list.expiry_ja.clone(), |z| z.expiry_ja.clone()),
                }
            }
            None => MentionedList {
                id: "other",
                name: zone.clone(),
                zone: Some(zone.clone()),
                public: true,
                defunct: false,
                defunct_since: None,
                removal_url: None,
                expiry: None,
                expiry_ja: None,
            },
        };
        if !out.iter().any(|m| m.id == found.id && (found.id != "other" || m.name == found.name)) {
            out.push(found);
        }
    }
    for list in catalog.lists() {
        if list.mentions.iter().any(|w| text.contains(w.as_str()))
            && !out.iter().any(|m| m.id == list.id)
        {
            out.push(MentionedList {
                id: list.id.as_str(),
                name: list.name.clone(),
                zone: None,
                public: list.public,
                defunct: list.defunct.is_some(),
                defunct_since: list.defunct_since.clone(),
                removal_url: list.removal_url.clone(),
                expiry: list.expiry.clone(),
                expiry_ja: list.expiry_ja.clone(),
            });
        }
    }
    out
}

/// Diagnostics that put addresses beside every trigger, in every case, glued and
/// not, with list words and zones, and non-ASCII letters that lower-case to ASCII.
fn varied_diagnostics() -> Vec<String> {
    let addresses = [
        "192.0.2.77",
        "[203.0.113.45]",
        "(198.51.100.7)",
        "[IPv6:2001:db8::77]",
        "IPV6:2001:DB8::25",
        "2001:DB8:1::25",
        "::ffff:203.0.113.9",
        "10.1.2.3",
        "x192.0.2.1",
        "192.0.2.1x",
        "4.16.55.1.",
        ":192.0.2.9:",
        "1.2.3",
        "5.7.1",
        "::",
        "fe80::1",
        "203.0.113.300",
    ];
    let mut texts: Vec<String> = vec![
        String::new(),
        "550 5.7.1 Client host [192.0.2.85] blocked using zen.spamhaus.org; see SPAMCOP".into(),
        "BLOCKED USING ZEN.SPAMHAUS.ORG and Blocked Using bl.Example.ORG. and blocked using x"
            .into(),
        "Listed in dnsbl.sorbs.net, listed on b.barracudacentral.org, black list at \
         psbl.surriel.com, blacklisted at bl.spamcop.net, listed in ., listed in a..b"
            .into(),
        "messages from [203.0.113.45] weren't sent: our block list (S3150), Trend Micro".into(),
        "blac\u{212A}listed at bl.example.org; bloc\u{212A}ed using zen.spamhaus.org; \
         l\u{130}sted in x.example; listed in \u{212A}.example.org"
            .into(),
        "Mail-Abuse.com PSBL mailspike SpamRATS cloudmark proofpoint uceprotect sorbs \
         (s3140) Banned Sending IP listed in Spamhaus.org listed in spamhaus.org"
            .into(),
        "listed in listed in zen.spamhaus.org listed on listed on a.b".into(),
        "blocked using dnsbl-3.uceprotect.net; listed at cbl.abuseat.org; Listed In \
         IX.DNSBL.MANITU.NET, blocked using list.dsbl.org; SenderScore, IVMSIP, \
         rbl-plus.mail-abuse.org, listed on multi.surbl.org and multi.uribl.com"
            .into(),
        // Read as it is: letters that lower-case to letters of another length, and
        // Japanese, around ASCII ones in either case.
        "\u{23A}\u{23A} BLOCKED USING ZEN.SPAMHAUS.ORG\u{3002}\u{30EA}\u{30B9}\u{30C8} Listed \
         In bl.\u{23A}x.org, listed on a.B\u{23A}.org; \u{30D6}\u{30ED}listed in SORBS.example"
            .into(),
    ];
    let phrases: Vec<&str> = FORWARD_TRIGGERS
        .iter()
        .chain(BACKWARD_TRIGGERS)
        .chain(ZONE_TRIGGERS)
        .copied()
        .chain(["host mx.example.org", "said:", "x", ""])
        .collect();
    for (i, address) in addresses.iter().enumerate() {
        for phrase in &phrases {
            let upper = phrase.to_uppercase();
            let other = addresses[(i + 3) % addresses.len()];
            texts.push(format!("550 {phrase} {address} refused"));
            texts.push(format!("550 {upper}{address}"));
            texts.push(format!("{address} {phrase} zen.spamhaus.org"));
            texts.push(format!("{address}]) {upper} {other}"));
            texts.push(format!("{phrase}:\t[{address}] ümlaut {other} {upper}="));
        }
    }
    texts
}

#[test]
fn only_host_names_are_resolved() {
    let host_of = |mta: &str| {
        let mut bounce = Bounce::default();
        bounce.reporting_mta = Some(mta.into());
        plan(&bounce).hosts.into_iter().map(|(host, _)| host).collect::<Vec<_>>()
    };
    assert_eq!(host_of("MX-1.Example.JP."), vec!["mx-1.example.jp"]);
    for forged in [
        "mx.example.jp\u{1b}[31m",
        "mx.google.com; evil.example",
        "mx .example.jp",
        "localhost",
        "a..example",
        &format!("{}.example", "a".repeat(64)),
        "mx.例え.jp",
    ] {
        assert_eq!(host_of(forged), Vec::<String>::new(), "{forged:?}");
    }
}

#[test]
fn private_and_reserved_addresses_are_never_senders() {
    for ip in [
        "10.1.2.3",
        "127.0.0.1",
        "192.168.1.1",
        "172.16.0.1",
        "169.254.1.1",
        "0.0.0.0",
        "255.255.255.255",
        "240.0.0.1",
        "224.0.0.1",
        "100.64.0.1",
        "198.18.0.1",
        "192.0.0.8",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:10.0.0.1",
    ] {
        let text = format!("550 5.7.1 Client host [{ip}] blocked using zen.spamhaus.org");
        assert_eq!(ips(&text), Vec::<String>::new(), "{ip}");
    }
    assert_eq!(ips("550 5.7.1 Client host [198.51.100.7] blocked"), vec!["198.51.100.7"]);
}

#[test]
fn the_plan_keeps_the_first_addresses_up_to_the_limits() {
    let listed: Vec<String> = (0..100).map(|i| format!("Client host [198.51.100.{i}]")).collect();
    let mut report = RecipientReport::default();
    report.diagnostic = Some(format!("550 5.7.1 {}", listed.join(" blocked; ")));
    let mut bounce = Bounce::default();
    bounce.recipients.push(report);
    bounce.reporting_mta = Some("mx.example.jp".into());
    bounce.sender = Some("taro@example.jp".into());
    let all = plan(&bounce);
    assert_eq!((all.ips.len(), all.truncated.clone()), (16, vec![Limit::Ips]));
    assert_eq!(all.ips[15].0.to_string(), "198.51.100.15");
    let limits = Limits { ips: 200, domains: 1, ..Limits::default() };
    let more = plan_with(&bounce, &limits);
    assert_eq!(more.ips.len(), 100);
    assert_eq!((more.hosts.len(), more.domains.len()), (1, 0));
    assert_eq!(more.truncated, vec![Limit::Domains]);
}

#[test]
fn finds_the_next_dot_or_colon_as_a_byte_loop_does() {
    let alphabet = b"ab.:\x00\x01\x7f\x80\xae\xba\xff-/;9";
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 40) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|k| alphabet[((state >> (k % 60)) as usize + k) % alphabet.len()])
            .collect();
        for from in 0..=len + 1 {
            let want = bytes
                .get(from..)
                .and_then(|rest| rest.iter().position(|&b| b == b'.' || b == b':'))
                .map(|p| from + p);
            assert_eq!(next_dot_or_colon(&bytes, from), want, "{bytes:?} {from}");
        }
    }
}

#[test]
fn reads_diagnostics_as_lower_cased_copies_did() {
    let remote: Option<IpAddr> = "192.0.2.77".parse().ok();
    let mut compared = 0;
    for text in varied_diagnostics() {
        for remote_ip in [None, remote] {
            assert_eq!(
                sending_ips(&text, remote_ip),
                reference_sending_ips(&text, remote_ip),
                "{text:?}"
            );
        }
        let mut got = Vec::new();
        mentioned_in(&searchable(&text), &mut got);
        assert_eq!(got, reference_mentioned_in(&text), "{text:?}");
        compared += 1;
    }
    assert!(compared > 1000, "{compared}");
}

#[test]
fn finds_mentioned_lists() {
    let mut out = Vec::new();
    mentioned_in("554 5.7.1 service unavailable; client host [192.0.2.85] blocked using zen.spamhaus.org; see also spamcop", &mut out);
    let ids: Vec<_> = out.iter().map(|m| (m.id, m.zone.clone())).collect();
    assert_eq!(ids, [("spamhaus", Some("zen.spamhaus.org".into())), ("spamcop", None)]);

    let mut out = Vec::new();
    mentioned_in("part of their network is on our block list (s3150).", &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].id, "microsoft-internal");
    assert!(!out[0].public);

    let mut out = Vec::new();
    mentioned_in(
        "rejected: blocked using dnsbl.sorbs.net and blocked using bl.example.org",
        &mut out,
    );
    let ids: Vec<_> = out.iter().map(|m| (m.id, m.defunct)).collect();
    assert_eq!(ids, [("sorbs", true), ("other", false)]);
    assert_eq!(out[1].name, "bl.example.org");

    let mut out = Vec::new();
    mentioned_in("blocked using barracuda reputation, and uceprotect", &mut out);
    let ids: Vec<_> = out.iter().map(|m| m.id).collect();
    assert_eq!(ids, ["barracuda", "uceprotect"]);
}

#[test]
fn mentioned_lists_carry_the_catalogs_facts() {
    let catalog = Catalog::shared();
    let mut out = Vec::new();
    mentioned_in(
        "blocked using dnsbl-3.uceprotect.net; listed at cbl.abuseat.org; blocked using \
         dnsbl.sorbs.net; blocked using ix.dnsbl.manitu.net; blocked using cloudmark",
        &mut out,
    );
    let got: Vec<_> = out.iter().map(|m| (m.id, m.defunct, m.defunct_since.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("uceprotect", false, None),
            ("sorbs", true, Some("2024-06-05")),
            ("nixspam", true, Some("2025-01-16")),
            // Named by their words alone (`listed at` is not a zone trigger, and
            // `cloudmark` is no zone), in catalog order.
            ("cloudmark", false, None),
            ("cbl", true, None),
        ]
    );
    // The zone's own expiry, in both languages, where the text gives a zone.
    let l3 = catalog.get("dnsbl-3.uceprotect.net").unwrap();
    assert_eq!(out[0].expiry, l3.expiry);
    assert_eq!(out[0].expiry_ja, l3.expiry_ja);
    assert_eq!(out[0].removal_url.as_deref(), Some("https://www.uceprotect.net/en/rblcheck.php"));
    // The list's own where the text names only the list.
    let mut words = Vec::new();
    mentioned_in("rejected: listed by uceprotect", &mut words);
    let uceprotect = catalog.list("uceprotect").unwrap();
    assert_eq!((words[0].zone.as_deref(), &words[0].expiry_ja), (None, &uceprotect.expiry_ja));
    // Private services: not public, with their own pages.
    let cloudmark = &out[3];
    assert!(!cloudmark.public);
    assert_eq!(cloudmark.removal_url.as_deref(), Some("https://csi.cloudmark.com/reset-request/"));
    assert!(cloudmark.expiry_ja.is_some());
}
