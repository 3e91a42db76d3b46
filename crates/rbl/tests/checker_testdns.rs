//! `Checker` against an in-process authoritative server (`rebound_tests::TestDns`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap freely

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use rebound_rbl::{Catalog, Checker, CheckerConfig, ListingStatus, RblError, Subject, Zone};
use rebound_tests::{closed_port, silent_udp_port, TestDns};

/// Correctness slack on top of a deadline (scheduling, not performance).
const SLACK: Duration = Duration::from_millis(750);

fn checker(server: SocketAddr, deadline: Duration, query_timeout: Duration) -> Checker {
    let mut config = CheckerConfig::default();
    config.nameservers = vec![server];
    config.deadline = deadline;
    config.query_timeout = query_timeout;
    Checker::new(config, Catalog::builtin()).unwrap()
}

fn quick(server: SocketAddr) -> Checker {
    checker(server, Duration::from_secs(5), Duration::from_millis(1500))
}

fn ip(s: &str) -> Subject {
    Subject::Ip(s.parse().unwrap())
}

fn zones<'a>(catalog: &'a Catalog, names: &[&str]) -> Vec<&'a Zone> {
    names.iter().map(|n| catalog.get(n).unwrap_or_else(|| panic!("{n} not in catalog"))).collect()
}

const ZEN: &str = "zen.spamhaus.org";
const SPAMCOP: &str = "bl.spamcop.net";

#[tokio::test]
async fn listed_with_txt() {
    let dns = TestDns::builder()
        .zone(ZEN)
        .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .txt(
            "45.113.0.203.zen.spamhaus.org",
            "Listed in SBL, see https://check.spamhaus.org/sbl/query/SBL1",
        )
        .start();
    let checker = quick(dns.addr());
    let catalog = Catalog::builtin();
    let listings = checker.check(&[ip("203.0.113.45")], &zones(&catalog, &[ZEN])).await;
    assert_eq!(listings.len(), 1);
    let l = &listings[0];
    assert_eq!((l.subject.as_str(), l.zone.as_str()), ("203.0.113.45", ZEN));
    assert_eq!(l.status, ListingStatus::Listed, "{l:?}");
    assert_eq!(l.codes, vec![std::net::Ipv4Addr::new(127, 0, 0, 2)]);
    assert!(l.meanings[0].starts_with("SBL"));
    assert_eq!(
        l.txt,
        vec!["Listed in SBL, see https://check.spamhaus.org/sbl/query/SBL1".to_string()]
    );
    assert_eq!(l.error, None);
    // The zone's must-be-listed test entry alongside the A query, then the TXT for
    // the listing and the must-not-be-listed entry because it answered "listed".
    let mut queries = dns.queries();
    queries.sort();
    assert_eq!(
        queries,
        vec![
            "1.0.0.127.zen.spamhaus.org A",
            "2.0.0.127.zen.spamhaus.org A",
            "45.113.0.203.zen.spamhaus.org A",
            "45.113.0.203.zen.spamhaus.org TXT",
        ]
    );
}

#[tokio::test]
async fn zen_multiple_codes_decoded() {
    let name = "10.2.0.192.zen.spamhaus.org";
    let dns = TestDns::builder()
        .zone(ZEN)
        .a(name, "127.0.0.2")
        .a(name, "127.0.0.4")
        .a(name, "127.0.0.10")
        .txt(name, "https://check.spamhaus.org/sbl/")
        .txt(name, "https://check.spamhaus.org/xbl/")
        .start();
    let catalog = Catalog::builtin();
    let listings = quick(dns.addr()).check(&[ip("192.0.2.10")], &zones(&catalog, &[ZEN])).await;
    let l = &listings[0];
    assert_eq!(l.status, ListingStatus::Listed);
    let mut codes: Vec<u8> = l.codes.iter().map(|c| c.octets()[3]).collect();
    codes.sort();
    assert_eq!(codes, vec![2, 4, 10]);
    assert_eq!(l.meanings.len(), 3);
    for (code, meaning) in l.codes.iter().zip(&l.meanings) {
        let expected = match code.octets()[3] {
            2 => "SBL",
            4 => "XBL",
            _ => "PBL",
        };
        assert!(meaning.starts_with(expected), "{code} -> {meaning}");
    }
    assert_eq!(l.txt.len(), 2);
}

#[tokio::test]
async fn nxdomain_is_not_listed() {
    let dns = TestDns::builder()
        .zone(ZEN)
        .zone(SPAMCOP)
        .a("2.0.0.127.bl.spamcop.net", "127.0.0.2")
        .start();
    let catalog = Catalog::builtin();
    let listings =
        quick(dns.addr()).check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN, SPAMCOP])).await;
    assert_eq!(listings.len(), 2);
    for l in &listings {
        assert_eq!(l.status, ListingStatus::NotListed, "{l:?}");
        assert!(l.codes.is_empty() && l.txt.is_empty() && l.error.is_none());
    }
    // No TXT query for unlisted subjects; one test entry per zone.
    assert_eq!(dns.query_count(), 4, "{:?}", dns.queries());
}

#[tokio::test]
async fn nodata_is_not_listed() {
    // The name exists (it has a TXT record) but no A record: NOERROR/NODATA.
    let dns = TestDns::builder().zone(ZEN).txt("1.2.0.192.zen.spamhaus.org", "stray").start();
    let catalog = Catalog::builtin();
    let listings = quick(dns.addr()).check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN])).await;
    assert_eq!(listings[0].status, ListingStatus::NotListed, "{:?}", listings[0]);
}

#[tokio::test]
async fn spamhaus_public_resolver_code_is_unknown() {
    let name = "1.2.0.192.zen.spamhaus.org";
    let dns = TestDns::builder()
        .zone(ZEN)
        .a(name, "127.255.255.254")
        .txt(name, "Error: open resolver")
        .start();
    let catalog = Catalog::builtin();
    let listings = quick(dns.addr()).check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN])).await;
    let l = &listings[0];
    assert_eq!(l.status, ListingStatus::Unknown);
    assert!(l.codes.is_empty());
    let error = l.error.as_deref().unwrap();
    assert!(
        error.starts_with("Spamhaus refused the query: 127.255.255.254 means the query came through a public/open resolver"),
        "{error}"
    );
    assert!(error.contains("own recursive resolver") && error.contains("DQS"), "{error}");
    assert_eq!(l.refusal_code, Some(std::net::Ipv4Addr::new(127, 255, 255, 254)));
}

#[tokio::test]
async fn refusal_codes_are_flagged_and_listings_are_not() {
    let dns = TestDns::builder()
        .zone(ZEN)
        .zone("multi.uribl.com")
        .zone(SPAMCOP)
        .a("1.2.0.192.zen.spamhaus.org", "127.255.255.255")
        .a("2.2.0.192.zen.spamhaus.org", "127.0.0.4")
        .a("spammy.example.multi.uribl.com", "127.0.0.1")
        .a("1.2.0.192.bl.spamcop.net", "127.0.0.2")
        .refused_zone("dbl.spamhaus.org")
        .start();
    let catalog = Catalog::builtin();
    let subjects = [ip("192.0.2.1"), ip("192.0.2.2"), Subject::Domain("spammy.example".into())];
    let zone_list = zones(&catalog, &[ZEN, SPAMCOP, "multi.uribl.com", "dbl.spamhaus.org"]);
    let listings = quick(dns.addr()).check(&subjects, &zone_list).await;
    let got: Vec<(&str, &str, ListingStatus, Option<String>)> = listings
        .iter()
        .map(|l| {
            (l.subject.as_str(), l.zone.as_str(), l.status, l.refusal_code.map(|c| c.to_string()))
        })
        .collect();
    let refused = |code: &str| Some(code.to_string());
    assert_eq!(
        got,
        [
            ("192.0.2.1", ZEN, ListingStatus::Unknown, refused("127.255.255.255")),
            ("192.0.2.1", SPAMCOP, ListingStatus::Listed, None),
            ("192.0.2.2", ZEN, ListingStatus::Listed, None),
            ("192.0.2.2", SPAMCOP, ListingStatus::NotListed, None),
            ("spammy.example", "multi.uribl.com", ListingStatus::Unknown, refused("127.0.0.1")),
            // A DNS-level REFUSED is a failure to answer, not a list's refusal code.
            ("spammy.example", "dbl.spamhaus.org", ListingStatus::Unknown, None),
        ]
    );
}

#[tokio::test]
async fn hijacked_answer_is_unknown() {
    let dns =
        TestDns::builder().zone(SPAMCOP).a("1.2.0.192.bl.spamcop.net", "198.51.100.80").start();
    let catalog = Catalog::builtin();
    let listings = quick(dns.addr()).check(&[ip("192.0.2.1")], &zones(&catalog, &[SPAMCOP])).await;
    assert_eq!(listings[0].status, ListingStatus::Unknown);
    assert!(listings[0].error.as_deref().unwrap().contains("outside 127.0.0.0/8"));
}

#[tokio::test]
async fn refused_and_servfail_are_unknown() {
    let dns = TestDns::builder().refused_zone(ZEN).servfail_zone(SPAMCOP).start();
    let catalog = Catalog::builtin();
    let started = Instant::now();
    let listings =
        quick(dns.addr()).check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN, SPAMCOP])).await;
    assert!(started.elapsed() < Duration::from_secs(5) + SLACK);
    assert_eq!(listings[0].zone, ZEN);
    assert_eq!(listings[0].status, ListingStatus::Unknown);
    assert_eq!(listings[0].error.as_deref(), Some("refused (REFUSED)"));
    assert_eq!(listings[1].zone, SPAMCOP);
    assert_eq!(listings[1].status, ListingStatus::Unknown);
    assert_eq!(listings[1].error.as_deref(), Some("server failure (SERVFAIL)"));
}

#[tokio::test]
async fn silent_server_is_unknown_within_the_deadline() {
    let dead = silent_udp_port();
    // Per-query timeout longer than the deadline: the deadline must cut it.
    let deadline = Duration::from_millis(800);
    let checker = checker(dead.addr(), deadline, Duration::from_secs(3));
    let catalog = Catalog::builtin();
    let defaults: Vec<&Zone> = catalog.default_zones().collect();
    let started = Instant::now();
    let listings = checker.check(&[ip("192.0.2.1"), ip("198.51.100.2")], &defaults).await;
    let elapsed = started.elapsed();
    assert!(elapsed < deadline + SLACK, "took {elapsed:?}");
    // Domain lists (the DBL) cannot list an address: skipped.
    let ip_zones = defaults.iter().filter(|z| z.accepts(&ip("192.0.2.1"))).count();
    assert_eq!(listings.len(), 2 * ip_zones);
    for l in &listings {
        assert_eq!(l.status, ListingStatus::Unknown);
        assert_eq!(l.error.as_deref(), Some("no answer within the 800ms deadline"));
    }
}

#[tokio::test]
async fn silent_server_with_short_query_timeout_says_timed_out() {
    let dead = silent_udp_port();
    let deadline = Duration::from_secs(3);
    let checker = checker(dead.addr(), deadline, Duration::from_millis(200));
    let catalog = Catalog::builtin();
    let started = Instant::now();
    let listings = checker.check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN])).await;
    assert!(started.elapsed() < deadline + SLACK);
    assert_eq!(listings[0].status, ListingStatus::Unknown);
    assert_eq!(listings[0].error.as_deref(), Some("timed out"));
}

#[tokio::test]
async fn closed_port_is_unknown_within_the_deadline() {
    let deadline = Duration::from_millis(1500);
    let checker = checker(closed_port(), deadline, Duration::from_millis(500));
    let catalog = Catalog::builtin();
    let defaults: Vec<&Zone> = catalog.default_zones().collect();
    let started = Instant::now();
    let listings = checker.check(&[ip("192.0.2.1")], &defaults).await;
    assert!(started.elapsed() < deadline + SLACK, "took {:?}", started.elapsed());
    let ip_zones = defaults.iter().filter(|z| z.accepts(&ip("192.0.2.1"))).count();
    assert_eq!(listings.len(), ip_zones);
    assert!(
        listings.iter().all(|l| l.status == ListingStatus::Unknown && l.error.is_some()),
        "{listings:?}"
    );
}

#[tokio::test]
async fn slow_zone_does_not_hold_back_the_others() {
    let dns = TestDns::builder()
        .zone(ZEN)
        .a("1.2.0.192.zen.spamhaus.org", "127.0.0.4")
        .delayed_zone(SPAMCOP, Duration::from_secs(5))
        .start();
    let deadline = Duration::from_secs(1);
    let checker = checker(dns.addr(), deadline, Duration::from_secs(2));
    let catalog = Catalog::builtin();
    let started = Instant::now();
    let listings = checker.check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN, SPAMCOP])).await;
    assert!(started.elapsed() < deadline + SLACK);
    assert_eq!(listings[0].status, ListingStatus::Listed);
    assert_eq!(listings[1].status, ListingStatus::Unknown);
    assert_eq!(listings[1].error.as_deref(), Some("no answer within the 1s deadline"));
}

#[tokio::test]
async fn ipv6_nibble_query() {
    let nibbles = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";
    let dns = TestDns::builder()
        .zone("all.s5h.net")
        .a(&format!("{nibbles}.all.s5h.net"), "127.0.0.2")
        .txt(&format!("{nibbles}.all.s5h.net"), "IPv6 listed")
        .zone(ZEN)
        .a(&format!("{nibbles}.zen.spamhaus.org"), "127.0.0.3")
        .zone(SPAMCOP)
        .start();
    let catalog = Catalog::builtin();
    let listings = quick(dns.addr())
        .check(&[ip("2001:db8::1")], &zones(&catalog, &["all.s5h.net", ZEN, SPAMCOP]))
        .await;
    // SpamCop is IPv4-only: skipped, not reported, never asked.
    let got: Vec<(&str, &str, ListingStatus)> =
        listings.iter().map(|l| (l.subject.as_str(), l.zone.as_str(), l.status)).collect();
    assert_eq!(
        got,
        [
            ("2001:db8::1", "all.s5h.net", ListingStatus::Listed),
            ("2001:db8::1", ZEN, ListingStatus::Listed),
        ]
    );
    assert_eq!(listings[0].txt, vec!["IPv6 listed".to_string()]);
    assert!(listings[1].meanings[0].starts_with("CSS"), "{:?}", listings[1]);
    let queries = dns.queries();
    assert!(queries.iter().any(|q| q == &format!("{nibbles}.zen.spamhaus.org A")), "{queries:?}");
    assert!(queries.iter().all(|q| !q.contains("spamcop")), "{queries:?}");
}

#[tokio::test]
async fn ipv6_never_goes_to_an_ipv4_only_zone() {
    let dns = TestDns::builder().zone(SPAMCOP).zone("b.barracudacentral.org").zone(ZEN).start();
    let catalog = Catalog::builtin();
    let ipv4_only: Vec<&Zone> =
        catalog.zones().iter().filter(|z| !z.ipv6 && z.defunct.is_none()).collect();
    let v6 = [ip("2001:db8::25"), ip("2001:db8:1::1")];
    let listings = quick(dns.addr()).check(&v6, &ipv4_only).await;
    assert!(listings.is_empty(), "{listings:?}");
    assert_eq!(dns.query_count(), 0, "{:?}", dns.queries());
    // The defaults: only the zones that take IPv6 are asked, by nibble name.
    let defaults: Vec<&Zone> = catalog.default_zones().collect();
    let listings = quick(dns.addr()).check(&v6[..1], &defaults).await;
    let asked: Vec<&str> = listings.iter().map(|l| l.zone.as_str()).collect();
    assert_eq!(asked, [ZEN]);
    assert!(
        dns.queries().iter().all(|q| q.ends_with(".zen.spamhaus.org A")),
        "{:?}",
        dns.queries()
    );
}

#[tokio::test]
async fn order_dedup_and_kind_mismatch() {
    let dns = TestDns::builder()
        .zone(ZEN)
        .zone(SPAMCOP)
        .zone("dbl.spamhaus.org")
        .a("2.0.0.127.bl.spamcop.net", "127.0.0.2")
        .a("spammy.example.dbl.spamhaus.org", "127.0.1.2")
        .start();
    let catalog = Catalog::builtin();
    let subjects = [
        ip("127.0.0.2"),
        Subject::Domain("spammy.example".into()),
        ip("192.0.2.1"),
        ip("127.0.0.2"),
        ip("2001:db8::2"),
    ];
    let zone_list = zones(&catalog, &[SPAMCOP, ZEN, "dbl.spamhaus.org", SPAMCOP]);
    let listings = quick(dns.addr()).check(&subjects, &zone_list).await;
    let got: Vec<(&str, &str, ListingStatus)> =
        listings.iter().map(|l| (l.subject.as_str(), l.zone.as_str(), l.status)).collect();
    assert_eq!(
        got,
        vec![
            // A loopback address is never sent to a list.
            ("127.0.0.2", SPAMCOP, ListingStatus::Unknown),
            ("127.0.0.2", ZEN, ListingStatus::Unknown),
            ("spammy.example", "dbl.spamhaus.org", ListingStatus::Listed),
            ("192.0.2.1", SPAMCOP, ListingStatus::NotListed),
            ("192.0.2.1", ZEN, ListingStatus::NotListed),
            // ZEN takes IPv6 addresses; SpamCop does not.
            ("2001:db8::2", ZEN, ListingStatus::NotListed),
        ]
    );
    assert_eq!(listings[0].cause, Some(rebound_rbl::UnknownCause::NotPublic));
    assert!(listings[0].error.as_deref().unwrap_or_default().contains("loopback"));
    // 4 A queries, each asked once, + the test entry of each zone (the DBL's is
    // dbltest.com) + the TXT for the listed one and the DBL's INVALID, because it
    // answered "listed"; nothing about 127.0.0.2 but the test entries.
    assert_eq!(dns.query_count(), 9, "{:?}", dns.queries());
}

#[tokio::test]
async fn no_subjects_or_zones_means_no_queries() {
    let dns = TestDns::builder().zone(ZEN).start();
    let catalog = Catalog::builtin();
    let checker = quick(dns.addr());
    assert!(checker.check(&[], &zones(&catalog, &[ZEN])).await.is_empty());
    assert!(checker.check(&[ip("192.0.2.1")], &[]).await.is_empty());
    assert_eq!(dns.query_count(), 0);
}

#[tokio::test]
async fn resolve_host_a_and_aaaa() {
    let dns = TestDns::builder()
        .a("sv12053.xserver.jp", "203.0.113.45")
        .aaaa("sv12053.xserver.jp", "2001:db8::45")
        .a("v4only.example.test", "192.0.2.7")
        .zone("example.test")
        .txt("noaddr.example.test", "no address here")
        .start();
    let checker = quick(dns.addr());
    let addrs = checker.resolve_host("sv12053.xserver.jp").await.unwrap();
    assert_eq!(
        addrs,
        vec!["203.0.113.45".parse::<IpAddr>().unwrap(), "2001:db8::45".parse().unwrap()]
    );
    assert_eq!(
        checker.resolve_host("v4only.example.test.").await.unwrap(),
        vec!["192.0.2.7".parse::<IpAddr>().unwrap()]
    );
    assert!(matches!(
        checker.resolve_host("missing.example.test").await,
        Err(RblError::NoSuchHost { host }) if host == "missing.example.test"
    ));
    assert!(matches!(
        checker.resolve_host("noaddr.example.test").await,
        Err(RblError::NoAddresses { .. })
    ));
    // Literal addresses need no DNS.
    let before = dns.query_count();
    assert_eq!(
        checker.resolve_host("192.0.2.9").await.unwrap(),
        vec!["192.0.2.9".parse::<IpAddr>().unwrap()]
    );
    assert_eq!(dns.query_count(), before);
}

#[tokio::test]
async fn resolve_host_refused_and_silent() {
    let dns = TestDns::builder().refused_zone("example.test").start();
    let err = quick(dns.addr()).resolve_host("mx.example.test").await.unwrap_err();
    assert!(
        matches!(&err, RblError::Resolve { cause, .. } if cause == "refused (REFUSED)"),
        "{err}"
    );

    let dead = silent_udp_port();
    let deadline = Duration::from_millis(600);
    let checker = checker(dead.addr(), deadline, Duration::from_secs(2));
    let started = Instant::now();
    let err = checker.resolve_host("mx.example.test").await.unwrap_err();
    assert!(started.elapsed() < deadline + SLACK);
    assert!(matches!(err, RblError::Deadline { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "cannot resolve mx.example.test: no answer within the 600ms deadline"
    );
}

#[test]
fn works_from_a_sync_test_with_its_own_runtime() {
    // The server runs on its own thread, so a caller's runtime can be anything.
    let dns = TestDns::builder().zone(SPAMCOP).a("2.2.0.192.bl.spamcop.net", "127.0.0.2").start();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let catalog = Catalog::builtin();
    let listings =
        runtime.block_on(quick(dns.addr()).check(&[ip("192.0.2.2")], &zones(&catalog, &[SPAMCOP])));
    assert_eq!(listings[0].status, ListingStatus::Listed);
    // A, TXT, and the self-test's 127.0.0.2 and 127.0.0.1.
    assert_eq!(dns.query_count(), 4);
}

#[test]
fn system_config_is_used_or_reported() {
    // Depends on this machine's /etc/resolv.conf: either it works, or the error says why.
    match Checker::new(CheckerConfig::default(), Catalog::builtin()) {
        Ok(checker) => assert!(checker.config().nameservers.is_empty()),
        Err(RblError::SystemConfig(message)) => {
            assert!(message.contains("resolv.conf"), "{message}")
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[tokio::test]
async fn a_zone_that_lists_everything_is_broken_and_ignored() {
    // A dead list that wildcards the world: every name answers 127.0.0.2, the
    // must-not-be-listed 127.0.0.1 included.
    let dns = TestDns::builder()
        .zone(SPAMCOP)
        .zone(ZEN)
        .a("*.bl.spamcop.net", "127.0.0.2")
        .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .a("2.0.0.127.zen.spamhaus.org", "127.0.0.2")
        .start();
    let catalog = Catalog::builtin();
    let listings =
        quick(dns.addr()).check(&[ip("203.0.113.45")], &zones(&catalog, &[SPAMCOP, ZEN])).await;
    let spamcop = &listings[0];
    assert_eq!(spamcop.zone, SPAMCOP);
    assert_eq!(spamcop.status, ListingStatus::Unknown, "{spamcop:?}");
    let error = spamcop.error.as_deref().unwrap_or_default();
    assert!(error.contains("broken") && error.contains("127.0.0.1"), "{error}");
    // A healthy zone's listing stands.
    assert_eq!(listings[1].status, ListingStatus::Listed, "{:?}", listings[1]);
    assert_eq!(listings[1].error, None);
}

#[tokio::test]
async fn a_zone_without_its_test_entry_is_unconfirmed() {
    // ZEN answers NXDOMAIN for everything, its 127.0.0.2 test entry included: the
    // resolver is being refused silently. SpamCop passes its self-test.
    let dns = TestDns::builder()
        .bare_zone(ZEN)
        .zone(SPAMCOP)
        .a("2.0.0.127.bl.spamcop.net", "127.0.0.2")
        .start();
    let catalog = Catalog::builtin();
    let mut config = CheckerConfig::default();
    config.nameservers = vec![dns.addr()];
    config.deadline = Duration::from_secs(3);
    config.query_timeout = Duration::from_millis(500);
    config.verify_lists = true;
    let checker = Checker::new(config, catalog.clone()).unwrap();
    let listings = checker.check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN, SPAMCOP])).await;
    assert_eq!(listings[0].status, ListingStatus::Unknown, "{:?}", listings[0]);
    assert_eq!(listings[0].cause, Some(rebound_rbl::UnknownCause::TestEntryNotListed));
    assert!(listings[0].error.as_deref().unwrap_or_default().contains("127.0.0.2"));
    assert_eq!(listings[1].status, ListingStatus::NotListed, "{:?}", listings[1]);
    // Each zone is self-tested once per checker, however often it is asked.
    let before = dns.query_count();
    let again = checker.check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN, SPAMCOP])).await;
    assert_eq!(again, listings);
    assert!(dns.query_count() - before <= 2, "{:?}", dns.queries());
}

#[tokio::test]
async fn checkers_of_one_configuration_self_test_a_zone_once() {
    let dns = TestDns::builder()
        .zone(ZEN)
        .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .a("46.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .a("2.0.0.127.zen.spamhaus.org", "127.0.0.2")
        .start();
    let mut config = CheckerConfig::default();
    config.nameservers = vec![dns.addr()];
    let catalog = Catalog::builtin();
    // Two checkers, as a run makes one per batch, from clones of one configuration.
    let first = Checker::new(config.clone(), Catalog::builtin()).unwrap();
    let listed = first.check(&[ip("203.0.113.45")], &zones(&catalog, &[ZEN])).await;
    assert_eq!(listed[0].status, ListingStatus::Listed);
    let second = Checker::new(config.clone(), Catalog::builtin()).unwrap();
    let listed = second.check(&[ip("203.0.113.46")], &zones(&catalog, &[ZEN])).await;
    assert_eq!(listed[0].status, ListingStatus::Listed);
    let tests = dns.queries().iter().filter(|q| q.starts_with("2.0.0.127.")).count();
    assert_eq!(tests, 1, "{:?}", dns.queries());
    // A fresh configuration tests again.
    let mut fresh = CheckerConfig::default();
    fresh.nameservers = vec![dns.addr()];
    let third = Checker::new(fresh, Catalog::builtin()).unwrap();
    third.check(&[ip("203.0.113.45")], &zones(&catalog, &[ZEN])).await;
    let tests = dns.queries().iter().filter(|q| q.starts_with("2.0.0.127.")).count();
    assert_eq!(tests, 2, "{:?}", dns.queries());
}

#[tokio::test]
async fn a_resolver_that_answers_nxdomain_to_everything_confirms_nothing() {
    // A filtered network, or lists silently ignoring this resolver: every name,
    // the test entries included, is NXDOMAIN. Nothing may come back "not listed".
    let dns = TestDns::builder().bare_zone(ZEN).bare_zone(SPAMCOP).start();
    let catalog = Catalog::builtin();
    let subjects = [ip("203.0.113.45"), ip("2001:db8::2")];
    let listings = quick(dns.addr()).check(&subjects, &zones(&catalog, &[ZEN, SPAMCOP])).await;
    assert_eq!(listings.len(), 3);
    for l in &listings {
        assert_eq!(l.status, ListingStatus::Unknown, "{l:?}");
        assert_eq!(l.cause, Some(rebound_rbl::UnknownCause::TestEntryNotListed), "{l:?}");
        let error = l.error.as_deref().unwrap_or_default();
        assert!(error.contains("gets no answers from it"), "{error}");
    }
}

#[tokio::test]
async fn a_test_entry_without_an_answer_leaves_the_list_unconfirmed() {
    // The subject's query is answered (NXDOMAIN) but the test entry is not.
    let dns = TestDns::builder()
        .bare_zone(ZEN)
        .a("2.0.0.127.zen.spamhaus.org", "127.255.255.254")
        .start();
    let catalog = Catalog::builtin();
    let listings = quick(dns.addr()).check(&[ip("203.0.113.45")], &zones(&catalog, &[ZEN])).await;
    assert_eq!(listings[0].status, ListingStatus::Unknown, "{:?}", listings[0]);
    assert_eq!(listings[0].cause, Some(rebound_rbl::UnknownCause::TestEntryUnanswered));
}
