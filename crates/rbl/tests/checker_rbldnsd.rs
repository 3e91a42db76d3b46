//! `Checker` against Debian's rbldnsd, the server real DNSBLs run.
//! Every test skips (with a notice on stderr) when /usr/sbin/rbldnsd is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap freely

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use rebound_rbl::{Catalog, Checker, CheckerConfig, Listing, ListingStatus, Subject, Zone};
use rebound_tests::Rbldnsd;

const CATALOG: &str = r#"{ "zones": [
  { "name": "bl.test", "display_name": "Test BL", "operator": "Test", "kind": "ipv4", "default": true,
    "codes": [
      { "value": "127.0.0.2", "kind": "listed", "meaning": "test listing" },
      { "value": "127.0.0.3", "kind": "listed", "meaning": "range listing" },
      { "value": "127.0.0.4", "kind": "listed", "meaning": "custom reason" },
      { "value": "127.0.0.10", "kind": "listed", "meaning": "dash range" } ] },
  { "name": "zen.test", "display_name": "Test ZEN", "operator": "Spamhaus", "kind": "ipv4",
    "codes": [
      { "value": "127.0.0.2", "kind": "listed", "meaning": "SBL: spam source" },
      { "value": "127.0.0.4", "kind": "listed", "meaning": "XBL: exploited host" },
      { "value": "127.0.0.10", "kind": "listed", "meaning": "PBL (policy): should not send direct-to-MX" },
      { "value": "127.255.255.254", "kind": "refused", "meaning": "query refused: the query came through a public/open resolver" } ] },
  { "name": "v6.test", "display_name": "Test v6", "operator": "Test", "kind": "ipv4_and_ipv6",
    "codes": [
      { "value": "127.0.0.2", "kind": "listed", "meaning": "v6 listing" },
      { "value": "127.0.0.3", "kind": "listed", "meaning": "documentation prefix" },
      { "value": "127.0.0.4", "kind": "listed", "meaning": "a /64" } ] },
  { "name": "dbl.test", "display_name": "Test DBL", "operator": "Test", "kind": "domain",
    "codes": [
      { "value": "127.0.1.2", "kind": "listed", "meaning": "spam domain" },
      { "value": "127.0.1.4", "kind": "listed", "meaning": "phishing domain" } ] },
  { "name": "pub.test", "display_name": "Public-resolver refusal", "operator": "Spamhaus", "kind": "ipv4",
    "codes": [
      { "value": "127.0.0.2", "kind": "listed", "meaning": "listed" },
      { "value": "127.255.255.254", "kind": "refused", "meaning": "query refused: the query came through a public/open resolver" } ] },
  { "name": "refuse.test", "display_name": "Refusing", "operator": "Test", "kind": "ipv4",
    "codes": [ { "value": "127.0.0.2", "kind": "listed", "meaning": "listed" } ] },
  { "name": "ignore.test", "display_name": "Ignoring", "operator": "Test", "kind": "ipv4",
    "codes": [ { "value": "127.0.0.2", "kind": "listed", "meaning": "listed" } ] }
] }"#;

const SOA: &str = "$SOA 60 ns.test.invalid. hostmaster.test.invalid. 0 600 300 86400 60\n$NS 60 ns.test.invalid.\n";

const IP4SET: &str = "\
:127.0.0.2:Listed in test ip4set, see https://example.invalid/lookup?ip=$
127.0.0.2
192.0.2.12
192.0.2.10 :127.0.0.4:Custom reason for $ (code 4)
192.0.2.11 :127.0.0.2:
198.51.100.0/24 :127.0.0.3:Whole 198.51.100.0/24 listed
!198.51.100.77
203.0.113.16-203.0.113.31 :127.0.0.10:Dash-range listing
";

const IP6TRIE: &str = "\
:127.0.0.2:IPv6 listed: $
::ffff:7f00:2
2001:db8::/32 :127.0.0.3:documentation prefix
!2001:db8::1
2001:db8:dead:beef::/64 :127.0.0.4:a /64 with its own code
";

const DNSET: &str = "\
:127.0.1.2:Domain $ is listed
test
spammy.example :127.0.1.2:spam domain $
*.phish.example :127.0.1.4:any subdomain of phish.example
";

fn server() -> Rbldnsd {
    Rbldnsd::builder()
        .file("ip4set.txt", &format!("{SOA}{IP4SET}"))
        .file("zen-sbl.txt", &format!("{SOA}:127.0.0.2:SBL listing $\n192.0.2.50\n"))
        .file("zen-xbl.txt", ":127.0.0.4:XBL listing $\n192.0.2.50\n")
        .file("zen-pbl.txt", ":127.0.0.10:PBL listing $\n192.0.2.0/24\n")
        .file("ip6trie.txt", IP6TRIE)
        .file("dnset.txt", &format!("{SOA}{DNSET}"))
        .file(
            "acl-pub.txt",
            "127.0.0.0/8 :127.255.255.254:Query refused: open/public resolver (simulated)\n",
        )
        .file("acl-refuse.txt", "127.0.0.0/8 :refuse\n")
        .file("acl-ignore.txt", "127.0.0.0/8 :ignore\n")
        .zone("bl.test", "ip4set", "ip4set.txt")
        .zone("zen.test", "ip4set", "zen-sbl.txt")
        .zone("zen.test", "ip4set", "zen-xbl.txt")
        .zone("zen.test", "ip4trie", "zen-pbl.txt")
        .zone("v6.test", "ip6trie", "ip6trie.txt")
        .zone("dbl.test", "dnset", "dnset.txt")
        .zone("pub.test", "ip4set", "ip4set.txt")
        .zone("pub.test", "acl", "acl-pub.txt")
        .zone("refuse.test", "ip4set", "ip4set.txt")
        .zone("refuse.test", "acl", "acl-refuse.txt")
        .zone("ignore.test", "ip4set", "ip4set.txt")
        .zone("ignore.test", "acl", "acl-ignore.txt")
        .start()
        .unwrap()
}

fn checker(addr: SocketAddr, deadline: Duration, query_timeout: Duration) -> (Checker, Catalog) {
    let catalog = Catalog::from_json(CATALOG).unwrap();
    let mut config = CheckerConfig::default();
    config.nameservers = vec![addr];
    config.deadline = deadline;
    config.query_timeout = query_timeout;
    (Checker::new(config, catalog.clone()).unwrap(), catalog)
}

async fn check_one(checker: &Checker, catalog: &Catalog, subject: &str, zone: &str) -> Listing {
    let zone: &Zone = catalog.get(zone).unwrap();
    let mut listings = checker.check(&[Subject::parse(subject)], &[zone]).await;
    assert_eq!(listings.len(), 1, "{listings:?}");
    listings.remove(0)
}

fn code(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

#[tokio::test]
async fn ip4set_listed_not_listed_cidr_exclusion_txt() {
    if !Rbldnsd::available_or_skip("ip4set_listed_not_listed_cidr_exclusion_txt") {
        return;
    }
    let dns = server();
    let (checker, catalog) = checker(dns.addr(), Duration::from_secs(5), Duration::from_secs(1));

    // A listed address, TXT with $ expanded.
    let l = check_one(&checker, &catalog, "192.0.2.12", "bl.test").await;
    assert_eq!(l.status, ListingStatus::Listed, "{l:?}");
    assert_eq!(l.codes, vec![code("127.0.0.2")]);
    assert_eq!(
        l.txt,
        vec!["Listed in test ip4set, see https://example.invalid/lookup?ip=192.0.2.12".to_string()]
    );
    // The RFC 5782 test point itself is loopback: never asked as a subject.
    let l = check_one(&checker, &catalog, "127.0.0.2", "bl.test").await;
    assert_eq!(l.cause, Some(rebound_rbl::UnknownCause::NotPublic), "{l:?}");

    // Not in the set: NXDOMAIN, confirmed by the zone's test entry.
    let l = check_one(&checker, &catalog, "192.0.2.99", "bl.test").await;
    assert_eq!(l.status, ListingStatus::NotListed, "{l:?}");
    assert_eq!(l.error, None);

    let l = check_one(&checker, &catalog, "192.0.2.10", "bl.test").await;
    assert_eq!((l.status, l.codes.clone()), (ListingStatus::Listed, vec![code("127.0.0.4")]));
    assert_eq!(l.meanings, vec!["custom reason".to_string()]);
    assert_eq!(l.txt, vec!["Custom reason for 192.0.2.10 (code 4)".to_string()]);

    // Listed without TXT: NODATA for TXT is not an error.
    let l = check_one(&checker, &catalog, "192.0.2.11", "bl.test").await;
    assert_eq!(l.status, ListingStatus::Listed);
    assert!(l.txt.is_empty() && l.error.is_none(), "{l:?}");

    // CIDR, and an exclusion inside it.
    let l = check_one(&checker, &catalog, "198.51.100.5", "bl.test").await;
    assert_eq!((l.status, l.codes.clone()), (ListingStatus::Listed, vec![code("127.0.0.3")]));
    assert_eq!(l.txt, vec!["Whole 198.51.100.0/24 listed".to_string()]);
    let l = check_one(&checker, &catalog, "198.51.100.77", "bl.test").await;
    assert_eq!(l.status, ListingStatus::NotListed);

    // Dash range.
    let l = check_one(&checker, &catalog, "203.0.113.20", "bl.test").await;
    assert_eq!((l.status, l.codes.clone()), (ListingStatus::Listed, vec![code("127.0.0.10")]));
    let l = check_one(&checker, &catalog, "203.0.113.32", "bl.test").await;
    assert_eq!(l.status, ListingStatus::NotListed);
}

#[tokio::test]
async fn zen_style_multiple_datasets() {
    if !Rbldnsd::available_or_skip("zen_style_multiple_datasets") {
        return;
    }
    let dns = server();
    let (checker, catalog) = checker(dns.addr(), Duration::from_secs(5), Duration::from_secs(1));
    let l = check_one(&checker, &catalog, "192.0.2.50", "zen.test").await;
    assert_eq!(l.status, ListingStatus::Listed);
    let mut codes = l.codes.clone();
    codes.sort();
    assert_eq!(codes, vec![code("127.0.0.2"), code("127.0.0.4"), code("127.0.0.10")]);
    assert!(l.meanings.iter().any(|m| m.starts_with("PBL (policy)")));
    assert_eq!(l.txt.len(), 3, "{:?}", l.txt);
    // Only the PBL range.
    let l = check_one(&checker, &catalog, "192.0.2.99", "zen.test").await;
    assert_eq!(l.codes, vec![code("127.0.0.10")]);
}

#[tokio::test]
async fn ipv6_and_domains() {
    if !Rbldnsd::available_or_skip("ipv6_and_domains") {
        return;
    }
    let dns = server();
    let (checker, catalog) = checker(dns.addr(), Duration::from_secs(5), Duration::from_secs(1));
    let l = check_one(&checker, &catalog, "2001:db8:dead:beef::42", "v6.test").await;
    assert_eq!((l.status, l.codes.clone()), (ListingStatus::Listed, vec![code("127.0.0.4")]));
    assert_eq!(l.txt, vec!["a /64 with its own code".to_string()]);
    let l = check_one(&checker, &catalog, "2001:db8::1", "v6.test").await;
    assert_eq!(l.status, ListingStatus::NotListed, "excluded address");
    let l = check_one(&checker, &catalog, "2001:db8:1::25", "v6.test").await;
    assert_eq!(l.codes, vec![code("127.0.0.3")]);

    let l = check_one(&checker, &catalog, "TEST", "dbl.test").await;
    assert_eq!(l.status, ListingStatus::Listed);
    let l = check_one(&checker, &catalog, "invalid", "dbl.test").await;
    assert_eq!(l.status, ListingStatus::NotListed);
    let l = check_one(&checker, &catalog, "spammy.example", "dbl.test").await;
    assert_eq!(l.txt, vec!["spam domain spammy.example".to_string()]);
    let l = check_one(&checker, &catalog, "a.b.phish.example", "dbl.test").await;
    assert_eq!((l.status, l.codes.clone()), (ListingStatus::Listed, vec![code("127.0.1.4")]));
    let l = check_one(&checker, &catalog, "phish.example", "dbl.test").await;
    assert_eq!(l.status, ListingStatus::NotListed);
}

#[tokio::test]
async fn refusal_code_refused_rcode_and_silence() {
    if !Rbldnsd::available_or_skip("refusal_code_refused_rcode_and_silence") {
        return;
    }
    let dns = server();
    let deadline = Duration::from_secs(2);
    let (checker, catalog) = checker(dns.addr(), deadline, Duration::from_millis(400));

    let l = check_one(&checker, &catalog, "192.0.2.10", "pub.test").await;
    assert_eq!(l.status, ListingStatus::Unknown);
    let error = l.error.unwrap();
    assert!(error.starts_with("Spamhaus refused the query: 127.255.255.254 means the query came through a public/open resolver"), "{error}");

    let l = check_one(&checker, &catalog, "192.0.2.10", "refuse.test").await;
    assert_eq!((l.status, l.error.as_deref()), (ListingStatus::Unknown, Some("refused (REFUSED)")));

    let started = Instant::now();
    let l = check_one(&checker, &catalog, "192.0.2.10", "ignore.test").await;
    assert!(started.elapsed() < deadline + Duration::from_millis(750));
    assert_eq!(l.status, ListingStatus::Unknown);
    assert!(l.error.is_some());
}

#[tokio::test]
async fn whole_default_set_in_one_call_and_stats() {
    if !Rbldnsd::available_or_skip("whole_default_set_in_one_call_and_stats") {
        return;
    }
    let dns = server();
    let (checker, catalog) = checker(dns.addr(), Duration::from_secs(5), Duration::from_secs(1));
    let zones: Vec<&Zone> = catalog.zones().iter().filter(|z| z.name != "ignore.test").collect();
    let subjects: Vec<Subject> =
        (0..40).map(|i| Subject::parse(&format!("198.51.100.{i}"))).collect();
    let listings = checker.check(&subjects, &zones).await;
    // IPv4 subjects: every zone but the domain list.
    assert_eq!(listings.len(), subjects.len() * (zones.len() - 1));
    let bl: Vec<&Listing> = listings.iter().filter(|l| l.zone == "bl.test").collect();
    assert_eq!(bl.len(), 40);
    assert!(bl.iter().all(|l| l.status == ListingStatus::Listed), "{bl:?}");
    assert_eq!(bl[0].subject, "198.51.100.0");
    let output = dns.stop();
    assert!(output.contains("stats for"), "{output}");
}
