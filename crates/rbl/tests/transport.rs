//! The blocklist transport (sockets, IDs, retransmission, TCP
//! fallback, cache) against real servers on 127.0.0.1: the in-process hickory server
//! with fault modes, a scripted UDP server that sends junk, and rbldnsd.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap freely

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::rdata::A;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use rebound_rbl::{Catalog, Checker, CheckerConfig, ListingStatus, Subject, Zone};
use rebound_tests::{silent_udp_port, Rbldnsd, TestDns};

/// Correctness slack on top of a deadline (scheduling, not performance).
const SLACK: Duration = Duration::from_millis(750);
const ZEN: &str = "zen.spamhaus.org";
const SPAMCOP: &str = "bl.spamcop.net";

fn checker_for(servers: Vec<SocketAddr>, deadline: Duration, query_timeout: Duration) -> Checker {
    let mut config = CheckerConfig::default();
    config.nameservers = servers;
    config.deadline = deadline;
    config.query_timeout = query_timeout;
    Checker::new(config, Catalog::builtin()).unwrap()
}

fn ip(s: &str) -> Subject {
    Subject::Ip(s.parse().unwrap())
}

fn zones<'a>(catalog: &'a Catalog, names: &[&str]) -> Vec<&'a Zone> {
    names.iter().map(|n| catalog.get(n).unwrap()).collect()
}

#[tokio::test]
async fn a_dropped_query_is_sent_again() {
    let name = "45.113.0.203.zen.spamhaus.org";
    let dns = TestDns::builder()
        .drop_first_zone(ZEN)
        .a(name, "127.0.0.2")
        .txt(name, "SBL listing")
        .a("2.0.0.127.zen.spamhaus.org", "127.0.0.2")
        .start();
    let query_timeout = Duration::from_millis(200);
    let checker = checker_for(vec![dns.addr()], Duration::from_secs(5), query_timeout);
    let catalog = Catalog::builtin();
    let started = Instant::now();
    let listings = checker.check(&[ip("203.0.113.45")], &zones(&catalog, &[ZEN])).await;
    let elapsed = started.elapsed();
    let l = &listings[0];
    assert_eq!(l.status, ListingStatus::Listed, "{l:?}");
    assert_eq!(l.txt, vec!["SBL listing".to_string()]);
    assert_eq!(l.error, None);
    // Each step (A with the must-be-listed test entry, then TXT with the
    // must-not-be-listed one) lost its first packets and waited one timeout.
    assert!(elapsed >= query_timeout * 2, "took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    let queries = dns.queries();
    for question in
        [format!("{name} A"), format!("{name} TXT"), "1.0.0.127.zen.spamhaus.org A".into()]
    {
        assert_eq!(queries.iter().filter(|q| **q == question).count(), 2, "{queries:?}");
    }
}

#[tokio::test]
async fn many_dropped_queries_are_all_answered() {
    // Every first copy of 200 queries is lost at once: all come back answered.
    let dns = TestDns::builder().drop_first_zone(SPAMCOP).start();
    let checker = checker_for(vec![dns.addr()], Duration::from_secs(5), Duration::from_millis(150));
    let catalog = Catalog::builtin();
    let subjects: Vec<Subject> = (0..200).map(|i| ip(&format!("192.0.2.{i}"))).collect();
    let listings = checker.check(&subjects, &zones(&catalog, &[SPAMCOP])).await;
    assert_eq!(listings.len(), 200);
    assert!(listings.iter().all(|l| l.status == ListingStatus::NotListed), "{listings:?}");
    // Each question twice (more only if a second copy took longer than the timeout).
    assert!(dns.query_count() >= 400, "{}", dns.query_count());
    let queries = dns.queries();
    assert!(subjects.iter().all(|s| {
        let Subject::Ip(std::net::IpAddr::V4(v4)) = s else { return false };
        let [a, b, c, d] = v4.octets();
        let question = format!("{d}.{c}.{b}.{a}.bl.spamcop.net A");
        queries.iter().filter(|q| **q == question).count() >= 2
    }));
}

#[tokio::test]
async fn a_truncated_answer_is_asked_again_over_tcp() {
    let name = "45.113.0.203.zen.spamhaus.org";
    let long_reason = format!("Listed in SBL: {}", "x".repeat(600));
    let dns = TestDns::builder()
        .truncate_udp_zone(ZEN)
        .a(name, "127.0.0.2")
        .a(name, "127.0.0.4")
        .txt(name, &long_reason)
        .a("2.0.0.127.zen.spamhaus.org", "127.0.0.2")
        .start();
    let checker = checker_for(vec![dns.addr()], Duration::from_secs(5), Duration::from_secs(1));
    let catalog = Catalog::builtin();
    let listings = checker.check(&[ip("203.0.113.45")], &zones(&catalog, &[ZEN])).await;
    let l = &listings[0];
    assert_eq!(l.status, ListingStatus::Listed, "{l:?}");
    assert_eq!(l.codes.len(), 2, "{l:?}");
    assert_eq!(l.txt, vec![long_reason]);
    // A, TXT, 127.0.0.2 and 127.0.0.1: each once over UDP (truncated), once over TCP.
    assert_eq!(dns.query_count(), 8, "{:?}", dns.queries());
}

#[tokio::test]
async fn a_silent_server_is_retried_until_the_deadline() {
    let dns = TestDns::builder().silent_zone(ZEN).start();
    let deadline = Duration::from_millis(1000);
    let checker = checker_for(vec![dns.addr()], deadline, Duration::from_millis(100));
    let catalog = Catalog::builtin();
    let started = Instant::now();
    let listings = checker.check(&[ip("192.0.2.1")], &zones(&catalog, &[ZEN])).await;
    let elapsed = started.elapsed();
    assert!(elapsed >= deadline - Duration::from_millis(50), "gave up early: {elapsed:?}");
    assert!(elapsed < deadline + SLACK, "took {elapsed:?}");
    assert_eq!(listings[0].status, ListingStatus::Unknown);
    assert_eq!(listings[0].error.as_deref(), Some("timed out"));
    // About one try per query timeout, for the subject and the zone's test entry.
    let tries = dns.query_count();
    assert!((10..=24).contains(&tries), "{tries} tries");
}

#[tokio::test]
async fn the_next_server_is_tried_when_the_first_is_silent() {
    let dead = silent_udp_port();
    let dns = TestDns::builder().zone(SPAMCOP).a("2.2.0.192.bl.spamcop.net", "127.0.0.2").start();
    let checker = checker_for(
        vec![dead.addr(), dns.addr()],
        Duration::from_secs(3),
        Duration::from_millis(200),
    );
    let catalog = Catalog::builtin();
    let listings =
        checker.check(&[ip("192.0.2.2"), ip("192.0.2.3")], &zones(&catalog, &[SPAMCOP])).await;
    assert_eq!(listings[0].status, ListingStatus::Listed, "{listings:?}");
    assert_eq!(listings[1].status, ListingStatus::NotListed, "{listings:?}");
}

#[tokio::test]
async fn a_refusing_server_is_followed_by_the_next() {
    let refusing = TestDns::builder().refused_zone(SPAMCOP).start();
    let dns = TestDns::builder().zone(SPAMCOP).a("2.2.0.192.bl.spamcop.net", "127.0.0.2").start();
    let servers = vec![refusing.addr(), dns.addr()];
    let checker = checker_for(servers, Duration::from_secs(3), Duration::from_secs(1));
    let catalog = Catalog::builtin();
    let started = Instant::now();
    let listings =
        checker.check(&[ip("192.0.2.2"), ip("192.0.2.3")], &zones(&catalog, &[SPAMCOP])).await;
    assert!(started.elapsed() < Duration::from_secs(1), "no waiting for a timeout");
    assert_eq!(listings[0].status, ListingStatus::Listed, "{listings:?}");
    assert_eq!(listings[1].status, ListingStatus::NotListed, "{listings:?}");

    // When every server refuses, the answer is unknown: refused.
    let also_refusing = TestDns::builder().refused_zone(SPAMCOP).start();
    let servers = vec![refusing.addr(), also_refusing.addr()];
    let checker = checker_for(servers, Duration::from_secs(3), Duration::from_secs(1));
    let listings = checker.check(&[ip("192.0.2.2")], &zones(&catalog, &[SPAMCOP])).await;
    assert_eq!(listings[0].status, ListingStatus::Unknown);
    assert_eq!(listings[0].error.as_deref(), Some("refused (REFUSED)"));
    // The subject and the zone's test entry, once each.
    assert_eq!(also_refusing.query_count(), 2);
}

#[tokio::test]
async fn answers_are_cached_for_their_ttl() {
    let dns = TestDns::builder().zone(SPAMCOP).a("2.2.0.192.bl.spamcop.net", "127.0.0.2").start();
    let checker = checker_for(vec![dns.addr()], Duration::from_secs(3), Duration::from_secs(1));
    let catalog = Catalog::builtin();
    let subjects = [ip("192.0.2.2"), ip("192.0.2.3")];
    let first = checker.check(&subjects, &zones(&catalog, &[SPAMCOP])).await;
    let asked = dns.query_count();
    // 2 A, 1 TXT, the self-test's 127.0.0.1 and 127.0.0.2.
    assert_eq!(asked, 5, "{:?}", dns.queries());
    let second = checker.check(&subjects, &zones(&catalog, &[SPAMCOP])).await;
    assert_eq!(first, second);
    assert_eq!(dns.query_count(), asked, "answered from the cache: {:?}", dns.queries());
    // A new checker has a new cache.
    let fresh = checker_for(vec![dns.addr()], Duration::from_secs(3), Duration::from_secs(1));
    assert_eq!(fresh.check(&subjects, &zones(&catalog, &[SPAMCOP])).await, first);
    assert_eq!(dns.query_count(), 2 * asked);
}

/// A UDP "server" on 127.0.0.1 that answers each A query with junk first: bytes that
/// are no DNS message, an answer with another ID, answers to other questions, a
/// query instead of a response. Only then the real answer (127.0.0.4).
struct JunkServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl JunkServer {
    fn start() -> JunkServer {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let addr = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut buf = [0u8; 1024];
            while !stopping.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(20) {
                let Ok((len, from)) = socket.recv_from(&mut buf) else { continue };
                let Ok(query) = Message::from_vec(&buf[..len]) else { continue };
                let Some(question) = query.queries.first().cloned() else { continue };
                let id = query.metadata.id;
                let respond = |id: u16, name: &Name, record_type: RecordType, value: [u8; 4]| {
                    let mut m = Message::new(id, MessageType::Response, OpCode::Query);
                    m.metadata.response_code = ResponseCode::NoError;
                    let mut q = question.clone();
                    q.set_name(name.clone());
                    q.set_query_type(record_type);
                    m.add_query(q);
                    m.add_answer(Record::from_rdata(
                        name.clone(),
                        60,
                        RData::A(A(Ipv4Addr::from(value))),
                    ));
                    m.to_vec().unwrap()
                };
                let name = question.name().clone();
                let other = Name::from_ascii("9.9.9.9.bl.spamcop.net.").unwrap();
                let mut as_query =
                    Message::from_vec(&respond(id, &name, RecordType::A, [127, 0, 0, 3])).unwrap();
                as_query.metadata.message_type = MessageType::Query;
                let junk: Vec<Vec<u8>> = vec![
                    b"definitely not a DNS message".to_vec(),
                    vec![0u8; 3],
                    respond(id.wrapping_add(1), &name, RecordType::A, [127, 0, 0, 2]),
                    respond(id, &other, RecordType::A, [127, 0, 0, 2]),
                    respond(id, &name, RecordType::TXT, [127, 0, 0, 2]),
                    as_query.to_vec().unwrap(),
                    real_answer(id, &name, question.query_type()),
                ];
                for packet in junk {
                    let _ = socket.send_to(&packet, from);
                }
            }
        });
        JunkServer { addr, stop, thread: Some(thread) }
    }
}

/// 127.0.0.4 for every name but the RFC 5782 "never listed" entry (NXDOMAIN).
fn real_answer(id: u16, name: &Name, record_type: RecordType) -> Vec<u8> {
    let mut m = Message::new(id, MessageType::Response, OpCode::Query);
    m.add_query(Query::query(name.clone(), record_type));
    if name.to_ascii().starts_with("1.0.0.127.") {
        m.metadata.response_code = ResponseCode::NXDomain;
    } else {
        m.add_answer(Record::from_rdata(
            name.clone(),
            60,
            RData::A(A(Ipv4Addr::new(127, 0, 0, 4))),
        ));
    }
    m.to_vec().unwrap()
}

impl Drop for JunkServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[tokio::test]
async fn junk_and_mismatched_answers_are_ignored() {
    let server = JunkServer::start();
    let checker = checker_for(vec![server.addr], Duration::from_secs(3), Duration::from_secs(1));
    let catalog = Catalog::builtin();
    let subjects: Vec<Subject> = (1..=20).map(|i| ip(&format!("192.0.2.{i}"))).collect();
    let started = Instant::now();
    let listings = checker.check(&subjects, &zones(&catalog, &[SPAMCOP])).await;
    // The first well-formed answer to each question is taken, without waiting for a
    // retransmission.
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    assert_eq!(listings.len(), 20);
    for l in &listings {
        assert_eq!(l.status, ListingStatus::Listed, "{l:?}");
        assert_eq!(l.codes, vec![Ipv4Addr::new(127, 0, 0, 4)], "{l:?}");
    }
}

#[tokio::test]
async fn bulk_1000_ips_by_10_zones_against_rbldnsd_loses_nothing() {
    if !Rbldnsd::available_or_skip("bulk_1000_ips_by_10_zones_against_rbldnsd_loses_nothing") {
        return;
    }
    let zone_names: Vec<String> = (0..10).map(|z| format!("z{z}.test")).collect();
    let ips: Vec<String> = (0..1000).map(|i| format!("11.1.{}.{}", i / 250, i % 250 + 1)).collect();
    let mut builder = Rbldnsd::builder();
    for (z, zone) in zone_names.iter().enumerate() {
        let mut data = String::from(
            "$SOA 60 ns.test.invalid. hostmaster.test.invalid. 0 600 300 86400 60\n:127.0.0.2:listed $\n127.0.0.2\n",
        );
        for (i, ip) in ips.iter().enumerate() {
            if (i + z) % 10 == 0 {
                data.push_str(ip);
                data.push('\n');
            }
        }
        builder = builder.ip4set(zone, &data);
    }
    let server = builder.start().unwrap();
    let entries: Vec<String> = zone_names
        .iter()
        .map(|zone| {
            format!(
                r#"{{"name": "{zone}", "display_name": "{zone}", "operator": "test", "kind": "ipv4",
                "codes": [{{"value": "127.0.0.2", "kind": "listed", "meaning": "listed"}}]}}"#
            )
        })
        .collect();
    let catalog = Catalog::from_json(&format!(r#"{{"zones": [{}]}}"#, entries.join(","))).unwrap();
    let mut config = CheckerConfig::default();
    config.nameservers = vec![server.addr()];
    config.deadline = Duration::from_secs(30);
    config.query_timeout = Duration::from_millis(500);
    let checker = Checker::new(config, catalog.clone()).unwrap();
    let subjects: Vec<Subject> = ips.iter().map(|s| Subject::parse(s)).collect();
    let zones: Vec<&Zone> = catalog.zones().iter().collect();
    let listings = checker.check(&subjects, &zones).await;
    assert_eq!(listings.len(), 10_000);
    let unknown: Vec<_> = listings.iter().filter(|l| l.status == ListingStatus::Unknown).collect();
    assert!(unknown.is_empty(), "{} unknown, e.g. {:?}", unknown.len(), unknown.first());
    let listed: Vec<_> = listings.iter().filter(|l| l.status == ListingStatus::Listed).collect();
    assert_eq!(listed.len(), 1000);
    assert!(listed.iter().all(|l| l.txt.len() == 1 && l.txt[0].starts_with("listed 11.1.")));
    let output = server.stop();
    assert!(output.contains("stats for"), "{output}");
}

#[test]
fn check_is_send() {
    // The CLI may run checks on a multi-threaded runtime's worker tasks.
    fn assert_send<T: Send>(_: &T) {}
    let checker = checker_for(
        vec![rebound_tests::closed_port()],
        Duration::from_secs(1),
        Duration::from_secs(1),
    );
    let subjects = [ip("192.0.2.1")];
    let future = checker.check(&subjects, &[]);
    assert_send(&future);
}
