//! Spamhaus DQS through `CheckerConfig::dqs_key`, against the in-process server: the
//! queries go to `KEY.<zone>.dq.spamhaus.net`, the listings name the public zone,
//! and the key appears nowhere in them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap freely

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use rebound_rbl::{Catalog, Checker, CheckerConfig, DqsKey, Listing, ListingStatus, Subject, Zone};
use rebound_tests::TestDns;

const KEY: &str = "k3y0dqs0test0abcdefghijkl";

fn checker(server: SocketAddr, key: Option<&str>) -> Checker {
    let mut config = CheckerConfig::default();
    config.nameservers = vec![server];
    config.deadline = Duration::from_secs(5);
    config.dqs_key = key.map(|k| DqsKey::new(k).unwrap());
    Checker::new(config, Catalog::builtin()).unwrap()
}

fn ip(s: &str) -> Subject {
    Subject::Ip(s.parse().unwrap())
}

fn zones<'a>(catalog: &'a Catalog, names: &[&str]) -> Vec<&'a Zone> {
    names.iter().map(|n| catalog.get(n).unwrap()).collect()
}

/// No field of a listing holds the key.
fn assert_key_hidden(listings: &[Listing]) {
    let text = format!("{listings:?}").to_ascii_lowercase();
    assert!(!text.contains(&KEY.to_ascii_lowercase()), "the key leaked: {text}");
}

#[tokio::test]
async fn dqs_queries_go_to_the_key_zone_and_listings_name_the_public_zone() {
    let zen = format!("{KEY}.zen.dq.spamhaus.net");
    let dbl = format!("{KEY}.dbl.dq.spamhaus.net");
    let dns = TestDns::builder()
        .zone(&zen)
        .a(&format!("45.113.0.203.{zen}"), "127.0.0.2")
        .a(&format!("2.0.0.127.{zen}"), "127.0.0.2")
        .txt(&format!("45.113.0.203.{zen}"), "https://check.spamhaus.org/sbl/query/SBL1")
        .zone(&dbl)
        .a(&format!("spammy.example.{dbl}"), "127.0.1.2")
        // The DBL's own test entry (the catalog's `test_entry`), not RFC 5782's `test`.
        .a(&format!("dbltest.com.{dbl}"), "127.0.1.2")
        .zone("bl.spamcop.net")
        // The public mirrors would refuse: never asked.
        .zone("zen.spamhaus.org")
        .a("45.113.0.203.zen.spamhaus.org", "127.255.255.254")
        .start();
    let catalog = Catalog::builtin();
    let subjects = [ip("203.0.113.45"), Subject::Domain("spammy.example".into())];
    let asked = zones(&catalog, &["zen.spamhaus.org", "dbl.spamhaus.org", "bl.spamcop.net"]);
    let listings = checker(dns.addr(), Some(KEY)).check(&subjects, &asked).await;
    let got: Vec<(&str, &str, ListingStatus)> =
        listings.iter().map(|l| (l.subject.as_str(), l.zone.as_str(), l.status)).collect();
    assert_eq!(
        got,
        [
            ("203.0.113.45", "zen.spamhaus.org", ListingStatus::Listed),
            ("203.0.113.45", "bl.spamcop.net", ListingStatus::NotListed),
            ("spammy.example", "dbl.spamhaus.org", ListingStatus::Listed),
        ]
    );
    assert!(listings[0].meanings[0].starts_with("SBL"), "{:?}", listings[0]);
    assert_eq!(listings[0].txt, ["https://check.spamhaus.org/sbl/query/SBL1"]);
    assert_eq!(listings[0].refusal_code, None);
    assert_key_hidden(&listings);
    let queries = dns.queries();
    assert!(queries.contains(&format!("45.113.0.203.{zen} A")), "{queries:?}");
    assert!(queries.contains(&format!("spammy.example.{dbl} A")), "{queries:?}");
    // The self-test of a listing zone goes through DQS too.
    assert!(queries.contains(&format!("2.0.0.127.{zen} A")), "{queries:?}");
    assert!(queries.contains(&format!("dbltest.com.{dbl} A")), "{queries:?}");
    assert!(queries.contains(&"45.113.0.203.bl.spamcop.net A".to_string()), "{queries:?}");
    assert!(queries.iter().all(|q| !q.contains(".spamhaus.org")), "{queries:?}");
}

#[tokio::test]
async fn dqs_ipv6_and_key_refusals() {
    let zen = format!("{KEY}.zen.dq.spamhaus.net");
    let nibbles = "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";
    let dns = TestDns::builder()
        .zone(&zen)
        .a(&format!("{nibbles}.{zen}"), "127.0.0.4")
        .a(&format!("2.0.0.127.{zen}"), "127.0.0.2")
        .a(&format!("9.2.0.192.{zen}"), "127.255.255.251")
        .start();
    let catalog = Catalog::builtin();
    let listings = checker(dns.addr(), Some(KEY))
        .check(&[ip("2001:db8::25"), ip("192.0.2.9")], &zones(&catalog, &["zen.spamhaus.org"]))
        .await;
    assert_eq!(listings.len(), 2);
    assert_eq!(
        (listings[0].subject.as_str(), listings[0].status),
        ("2001:db8::25", ListingStatus::Listed)
    );
    assert!(listings[0].meanings[0].starts_with("XBL"));
    let refused = &listings[1];
    assert_eq!(refused.status, ListingStatus::Unknown);
    assert_eq!(refused.refusal_code, Some(Ipv4Addr::new(127, 255, 255, 251)));
    assert!(refused.error.as_deref().unwrap().contains("DQS key"), "{refused:?}");
    assert_key_hidden(&listings);
}

#[tokio::test]
async fn failures_never_quote_the_key() {
    let zen = format!("{KEY}.zen.dq.spamhaus.net");
    let dns = TestDns::builder()
        .servfail_zone(&zen)
        .refused_zone(&format!("{KEY}.dbl.dq.spamhaus.net"))
        .start();
    let catalog = Catalog::builtin();
    // A domain so long that, with the key, the query name is too long for DNS.
    let long = format!("{}.example", vec!["a".repeat(55); 4].join("."));
    let subjects =
        [ip("192.0.2.1"), Subject::Domain("spammy.example".into()), Subject::Domain(long)];
    let listings = checker(dns.addr(), Some(KEY))
        .check(&subjects, &zones(&catalog, &["zen.spamhaus.org", "dbl.spamhaus.org"]))
        .await;
    assert_eq!(listings.len(), 3);
    assert!(listings.iter().all(|l| l.status == ListingStatus::Unknown && l.error.is_some()));
    assert_key_hidden(&listings);
}

#[tokio::test]
async fn without_a_key_the_public_mirrors_are_asked() {
    let dns = TestDns::builder().zone("zen.spamhaus.org").start();
    let catalog = Catalog::builtin();
    let listings = checker(dns.addr(), None)
        .check(&[ip("192.0.2.1")], &zones(&catalog, &["zen.spamhaus.org"]))
        .await;
    assert_eq!(listings[0].status, ListingStatus::NotListed);
    let mut queries = dns.queries();
    queries.sort();
    // The subject, and the test entry that confirms the zone's "not listed".
    assert_eq!(queries, ["1.2.0.192.zen.spamhaus.org A", "2.0.0.127.zen.spamhaus.org A"]);
}
