//! The transport against a hostile UDP server on 127.0.0.1 that misbehaves on
//! purpose: wrong-type, oversized and forged answers, floods, garbage and slowness.
//! Each test asserts the outcome and, as a hang guard, that the call returns within
//! its deadline plus slack.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap freely

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, TXT};
use hickory_resolver::proto::rr::{RData, Record, RecordType};
use rebound_rbl::{Catalog, Checker, CheckerConfig, Listing, ListingStatus, Subject};
use tokio::net::UdpSocket;

const SLACK: Duration = Duration::from_millis(750);
const SPAMCOP: &str = "bl.spamcop.net";

#[derive(Clone, Copy)]
enum Mode {
    /// An A query gets a TXT record (ID and question right).
    WrongType,
    /// An A query gets 40 A records.
    TooMany,
    /// Listed, with a TXT record far over the limit.
    LongTxt,
    /// 300 forged answers (random IDs) and garbage per query, never the answer.
    Flood,
    /// The right answer, after this long.
    Slow(Duration),
    /// Listed (127.0.0.2) for every name; records the queries' source ports.
    Honest,
}

/// Starts the server; returns its address and the source ports queries came from.
async fn hostile(mode: Mode) -> (SocketAddr, Arc<Mutex<HashSet<u16>>>) {
    let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let addr = socket.local_addr().unwrap();
    let ports = Arc::new(Mutex::new(HashSet::new()));
    let seen = ports.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        // Bounded: the server stops by itself.
        for _ in 0..10_000 {
            let Ok(Ok((len, from))) =
                tokio::time::timeout(Duration::from_secs(10), socket.recv_from(&mut buf)).await
            else {
                return;
            };
            seen.lock().unwrap().insert(from.port());
            let Ok(query) = Message::from_vec(&buf[..len]) else { continue };
            let Some(question) = query.queries.first().cloned() else { continue };
            let id = query.metadata.id;
            let name = question.name().clone();
            let mut m = Message::new(id, MessageType::Response, OpCode::Query);
            m.metadata.response_code = ResponseCode::NoError;
            m.add_query(question.clone());
            let listed = RData::A(A(Ipv4Addr::new(127, 0, 0, 2)));
            let a = |m: &mut Message| {
                m.add_answer(Record::from_rdata(name.clone(), 60, listed.clone()));
            };
            // RFC 5782's never-listed entry is not listed, or every "listed" would be
            // discounted as a wildcard.
            if name.to_ascii().starts_with("1.0.0.127.") && !matches!(mode, Mode::Flood) {
                m.metadata.response_code = ResponseCode::NXDomain;
                let _ = socket.send_to(&m.to_vec().unwrap(), from).await;
                continue;
            }
            match (mode, question.query_type()) {
                (Mode::WrongType, _) => {
                    m.add_answer(Record::from_rdata(
                        name.clone(),
                        60,
                        RData::TXT(TXT::new(vec!["not an A record".into()])),
                    ));
                }
                (Mode::TooMany, _) => {
                    for i in 0..40u8 {
                        m.add_answer(Record::from_rdata(
                            name.clone(),
                            60,
                            RData::A(A(Ipv4Addr::new(127, 0, 0, i))),
                        ));
                    }
                }
                (Mode::LongTxt, RecordType::TXT) => {
                    let long = vec!["x".repeat(250); 8];
                    m.add_answer(Record::from_rdata(name.clone(), 60, RData::TXT(TXT::new(long))));
                }
                (Mode::Flood, _) => {
                    for i in 0..300u16 {
                        let mut forged = m.clone();
                        forged.metadata.id = id.wrapping_add(1 + i);
                        a(&mut forged);
                        let _ = socket.send_to(&forged.to_vec().unwrap(), from).await;
                        let _ = socket.send_to(b"\x00\x01garbage", from).await;
                    }
                    continue;
                }
                (Mode::Slow(delay), _) => {
                    a(&mut m);
                    let socket = socket.clone();
                    let packet = m.to_vec().unwrap();
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        let _ = socket.send_to(&packet, from).await;
                    });
                    continue;
                }
                _ => a(&mut m),
            }
            let _ = socket.send_to(&m.to_vec().unwrap(), from).await;
        }
    });
    (addr, ports)
}

async fn check(server: SocketAddr, subjects: &[Subject], deadline: Duration) -> Vec<Listing> {
    let mut config = CheckerConfig::default();
    config.nameservers = vec![server];
    config.deadline = deadline;
    config.query_timeout = Duration::from_millis(300);
    let catalog = Catalog::builtin();
    let checker = Checker::new(config, catalog.clone()).unwrap();
    let zones = [catalog.get(SPAMCOP).unwrap()];
    let started = Instant::now();
    let listings = checker.check(subjects, &zones).await;
    assert!(started.elapsed() < deadline + SLACK, "took {:?}", started.elapsed());
    listings
}

fn ip(s: &str) -> Subject {
    Subject::Ip(s.parse().unwrap())
}

#[tokio::test]
async fn a_wrong_type_answer_is_rejected_and_reported() {
    let (server, _) = hostile(Mode::WrongType).await;
    let listings = check(server, &[ip("192.0.2.1")], Duration::from_secs(2)).await;
    let l = &listings[0];
    assert_eq!(l.status, ListingStatus::Unknown, "{l:?}");
    let error = l.error.as_deref().unwrap_or_default();
    assert!(error.contains("answer rejected") && error.contains("TXT record"), "{error}");
}

#[tokio::test]
async fn an_answer_with_too_many_records_is_rejected() {
    let (server, _) = hostile(Mode::TooMany).await;
    let listings = check(server, &[ip("192.0.2.1")], Duration::from_secs(2)).await;
    assert_eq!(listings[0].status, ListingStatus::Unknown, "{:?}", listings[0]);
    assert!(listings[0].error.as_deref().unwrap_or_default().contains("more than 32 records"));
}

#[tokio::test]
async fn an_oversized_txt_is_dropped_and_the_listing_stands() {
    let (server, _) = hostile(Mode::LongTxt).await;
    let listings = check(server, &[ip("192.0.2.1")], Duration::from_secs(2)).await;
    assert_eq!(listings[0].status, ListingStatus::Listed, "{:?}", listings[0]);
    assert!(listings[0].txt.is_empty(), "{:?}", listings[0].txt);
}

#[tokio::test]
async fn a_flood_of_forged_answers_and_garbage_is_no_answer() {
    let (server, _) = hostile(Mode::Flood).await;
    let deadline = Duration::from_millis(1500);
    let listings = check(server, &[ip("192.0.2.1"), ip("192.0.2.2")], deadline).await;
    for l in &listings {
        assert_eq!(l.status, ListingStatus::Unknown, "{l:?}");
        let error = l.error.as_deref().unwrap_or_default();
        assert!(error.contains("malformed datagrams discarded"), "{error}");
    }
}

#[tokio::test]
async fn an_answer_after_the_deadline_is_not_waited_for() {
    let (server, _) = hostile(Mode::Slow(Duration::from_secs(3))).await;
    let listings = check(server, &[ip("192.0.2.1")], Duration::from_secs(1)).await;
    assert_eq!(listings[0].status, ListingStatus::Unknown, "{:?}", listings[0]);
}

#[tokio::test]
async fn a_slow_answer_within_the_deadline_is_taken() {
    let (server, _) = hostile(Mode::Slow(Duration::from_millis(100))).await;
    let listings = check(server, &[ip("192.0.2.1")], Duration::from_secs(3)).await;
    assert_eq!(listings[0].status, ListingStatus::Listed, "{:?}", listings[0]);
}

#[tokio::test]
async fn queries_come_from_many_source_ports() {
    let (server, ports) = hostile(Mode::Honest).await;
    let subjects: Vec<Subject> = (1..=64).map(|i| ip(&format!("192.0.2.{i}"))).collect();
    let listings = check(server, &subjects, Duration::from_secs(3)).await;
    assert!(listings.iter().all(|l| l.status == ListingStatus::Listed), "{listings:?}");
    // 64 A + 64 TXT + 2 test entries, 16 per socket: at least 8 ports.
    let ports = ports.lock().unwrap().len();
    assert!(ports >= 8, "{ports} source ports");
}
