//! `--dqs-key` (Spamhaus through its Data Query Service) and IPv6 sending addresses,
//! end to end against the in-process DNS server.

use std::path::PathBuf;
use std::process::Command;

use rebound_tests::TestDns;

use crate::util::{example, listing, rebound, Run};

/// A key of the right shape; the tests check it is never printed.
const KEY: &str = "dqs0e2e0k3y0abcdefghij0123";

/// The default zones other than Spamhaus's, served empty.
const OTHER_DEFAULTS: &[&str] = &[
    "bl.spamcop.net",
    "b.barracudacentral.org",
    "dnsbl-1.uceprotect.net",
    "psbl.surriel.com",
    "bl.mailspike.net",
];

/// The nibble name (RFC 5782 §2.4) of 2001:db8::77, without the zone.
const NIBBLES_77: &str = "7.7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";

/// Neither the output nor the errors hold the key.
fn assert_key_hidden(run: &Run) {
    let all = format!("{}{}", run.stdout(), run.stderr()).to_ascii_lowercase();
    assert!(!all.contains(KEY), "the DQS key was printed:\n{all}");
}

/// A server whose public Spamhaus mirror refuses (127.255.255.254, as it does public
/// resolvers) and whose DQS zone lists 203.0.113.45 on the SBL.
fn dqs_server() -> TestDns {
    let zen = format!("{KEY}.zen.dq.spamhaus.net");
    let mut builder = TestDns::builder()
        .zone("zen.spamhaus.org")
        .a("*.zen.spamhaus.org", "127.255.255.254")
        .zone(&zen)
        .a(&format!("45.113.0.203.{zen}"), "127.0.0.2")
        .a(&format!("2.0.0.127.{zen}"), "127.0.0.2")
        .txt(&format!("45.113.0.203.{zen}"), "https://check.spamhaus.org/sbl/query/SBL42")
        .zone(&format!("{KEY}.dbl.dq.spamhaus.net"))
        .zone("xserver.jp")
        .a("sv12053.xserver.jp", "203.0.113.45");
    for zone in OTHER_DEFAULTS {
        builder = builder.zone(zone);
    }
    builder.start()
}

#[test]
fn check_with_a_dqs_key_asks_the_dqs_zone_and_hides_the_key() {
    let dns = dqs_server();
    let addr = dns.addr().to_string();
    let run = rebound(&[
        "check",
        "--resolver",
        &addr,
        "--dqs-key",
        KEY,
        "--zones",
        "zen.spamhaus.org",
        "--format",
        "json",
        "203.0.113.45",
    ]);
    assert_eq!(run.code(), 1, "listed: {}{}", run.stdout(), run.stderr());
    let report = run.json();
    let zen = listing(&report, "zen.spamhaus.org");
    assert_eq!(zen["listed"], true, "{zen}");
    assert_eq!(zen["codes"][0], "127.0.0.2");
    assert!(zen["meanings"][0].as_str().unwrap().starts_with("SBL"), "{zen}");
    assert_eq!(zen["txt"][0], "https://check.spamhaus.org/sbl/query/SBL42");
    assert_key_hidden(&run);
    let queries = dns.queries();
    assert!(queries.contains(&format!("45.113.0.203.{KEY}.zen.dq.spamhaus.net A")), "{queries:?}");
    assert!(queries.iter().all(|q| !q.ends_with(".zen.spamhaus.org A")), "{queries:?}");

    // The text output shows the public zone's name and the listing too.
    let run = rebound(&["check", "--resolver", &addr, "--dqs-key", KEY, "203.0.113.45"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let text = run.stdout();
    assert!(text.contains("Spamhaus ZEN") && text.contains("LISTED 127.0.0.2"), "{text}");
    assert_key_hidden(&run);
}

#[test]
fn the_key_comes_from_rebound_dqs_key_too() {
    let dns = dqs_server();
    let addr = dns.addr().to_string();
    let started = std::time::Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .args(["check", "--resolver", &addr, "--zones", "zen.spamhaus.org", "203.0.113.45"])
        .env("LC_ALL", "C")
        .env("REBOUND_DQS_KEY", KEY)
        .output()
        .unwrap();
    let run = Run { output, elapsed: started.elapsed() };
    assert_eq!(run.code(), 1, "{}{}", run.stdout(), run.stderr());
    assert!(run.stdout().contains("LISTED 127.0.0.2"), "{}", run.stdout());
    assert_key_hidden(&run);
    assert!(dns.queries().iter().any(|q| q.contains(".zen.dq.spamhaus.net")));
}

#[test]
fn diagnose_with_a_dqs_key_reports_the_listing_and_hides_the_key() {
    let dns = dqs_server();
    let addr = dns.addr().to_string();
    let run = rebound(&[
        "diagnose",
        "--resolver",
        &addr,
        "--dqs-key",
        KEY,
        "--format",
        "json",
        &example(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.report();
    let zen = listing(&report, "zen.spamhaus.org");
    assert_eq!(
        (zen["subject"].as_str(), zen["listed"].as_bool()),
        (Some("203.0.113.45"), Some(true))
    );
    assert!(zen["error"].is_null(), "{zen}");
    assert_eq!(report["verdict"]["cause"], "sending_ip_blocklisted");
    assert_key_hidden(&run);
    for lang in ["en", "ja"] {
        let run = rebound(&[
            "diagnose",
            "--resolver",
            &addr,
            "--dqs-key",
            KEY,
            "--lang",
            lang,
            &example(),
        ]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        assert!(run.stdout().contains("Spamhaus ZEN"), "{}", run.stdout());
        assert_key_hidden(&run);
    }
}

#[test]
fn a_bad_key_is_a_usage_error_that_does_not_repeat_it() {
    let run = rebound(&["check", "--offline", "--dqs-key", "dqs0e2e0k3y.zen", "192.0.2.1"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    let stderr = run.stderr();
    assert!(stderr.contains("--dqs-key") && stderr.contains("letters and digits"), "{stderr}");
    assert!(!stderr.contains("dqs0e2e0k3y"), "{stderr}");
    let run = rebound(&["diagnose", "--offline", "--dqs-key", "short", &example()]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("8 to 63"), "{}", run.stderr());
}

#[test]
fn a_refused_resolver_suggests_a_dqs_key_and_a_refused_key_says_so() {
    let dns = TestDns::builder()
        .zone("zen.spamhaus.org")
        .a("*.zen.spamhaus.org", "127.255.255.254")
        .zone(&format!("{KEY}.zen.dq.spamhaus.net"))
        .a(&format!("*.{KEY}.zen.dq.spamhaus.net"), "127.255.255.251")
        .start();
    let addr = dns.addr().to_string();
    let args = ["check", "--resolver", &addr, "--zones", "zen.spamhaus.org", "192.0.2.1"];
    let run = rebound(&args);
    assert_eq!(run.code(), 3, "nothing could be checked: {}", run.stdout());
    let text = run.stdout();
    assert!(text.contains("--dqs-key KEY") && text.contains("REBOUND_DQS_KEY"), "{text}");
    let run = rebound(&[&args[..], &["--dqs-key", KEY]].concat());
    assert_eq!(run.code(), 3, "{}", run.stdout());
    let text = run.stdout();
    assert!(text.contains("refused the query made with your DQS key"), "{text}");
    assert!(text.contains("127.255.255.251"), "{text}");
    assert_key_hidden(&run);
}

/// A pasted refusal that names an IPv6 sending address.
fn ipv6_bounce() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rebound-e2e-ipv6-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ipv6-refusal.txt");
    std::fs::write(
        &path,
        "550 5.7.1 Service unavailable; Client host [IPv6:2001:db8::77] blocked using \
         zen.spamhaus.org\n",
    )
    .unwrap();
    path
}

#[test]
fn an_ipv6_sending_address_is_asked_of_zen_by_nibble_name_and_of_no_ipv4_only_list() {
    let mut builder = TestDns::builder()
        .zone("zen.spamhaus.org")
        .a(&format!("{NIBBLES_77}.zen.spamhaus.org"), "127.0.0.3")
        .a("2.0.0.127.zen.spamhaus.org", "127.0.0.2")
        .zone("dbl.spamhaus.org");
    for zone in OTHER_DEFAULTS {
        builder = builder.zone(zone);
    }
    let dns = builder.start();
    let addr = dns.addr().to_string();
    let bounce = ipv6_bounce();
    let run =
        rebound(&["diagnose", "--resolver", &addr, "--format", "json", bounce.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.report();
    assert_eq!(report["sending_ips"][0]["ip"], "2001:db8::77");
    let zen = listing(&report, "zen.spamhaus.org");
    assert_eq!(
        (zen["subject"].as_str(), zen["listed"].as_bool()),
        (Some("2001:db8::77"), Some(true))
    );
    assert!(zen["meanings"][0].as_str().unwrap().starts_with("CSS"), "{zen}");
    // Only ZEN answered for the address: the IPv4-only defaults were not asked.
    let listings = report["listings"].as_array().unwrap();
    assert_eq!(listings.len(), 1, "{listings:?}");
    let queries = dns.queries();
    assert!(queries.contains(&format!("{NIBBLES_77}.zen.spamhaus.org A")), "{queries:?}");
    for query in queries.iter().filter(|q| q.starts_with(NIBBLES_77)) {
        assert!(query.contains(".zen.spamhaus.org "), "IPv6 sent to an IPv4-only list: {query}");
    }
    assert_eq!(report["verdict"]["cause"], "sending_ip_blocklisted");
    let _ = std::fs::remove_file(&bounce);
}

#[test]
fn check_takes_ipv6_addresses_where_a_list_does() {
    let mut builder = TestDns::builder().zone("zen.spamhaus.org").zone("dbl.spamhaus.org");
    for zone in OTHER_DEFAULTS {
        builder = builder.zone(zone);
    }
    let dns = builder.start();
    let addr = dns.addr().to_string();
    let run = rebound(&["check", "--resolver", &addr, "--format", "json", "2001:db8::25"]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let report = run.json();
    let zones: Vec<&str> = report["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["zone"].as_str().unwrap())
        .collect();
    assert_eq!(zones, ["zen.spamhaus.org"]);
    // The address, and ZEN's test entry that confirms its "not listed".
    let mut queries = dns.queries();
    queries.sort();
    assert_eq!(queries.len(), 2, "{queries:?}");
    assert_eq!(queries[0], "2.0.0.127.zen.spamhaus.org A");
}
