//! Real DNS servers on loopback for rebound's tests.
//!
//! - [`TestDns`]: an in-process authoritative server (hickory-server) on
//!   `127.0.0.1:<ephemeral>`, UDP and TCP, on its own thread and Tokio runtime, built
//!   from a list of records, with fault modes (REFUSED, SERVFAIL, delays, silence,
//!   dropping the first copy of each query, truncating UDP answers) and a query
//!   counter.
//! - [`Rbldnsd`]: Debian's `rbldnsd` (the server most real DNSBLs run), started on a
//!   free loopback port with zone files written to a temporary directory.
//! - [`silent_udp_port`] and [`closed_port`]: addresses that never answer.
//!
//! This is test support: failures to set a server up panic with a message, which
//! fails the test that asked for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod rbldnsd;
mod test_dns;

pub use rbldnsd::{Rbldnsd, RbldnsdBuilder};
pub use test_dns::{closed_port, silent_udp_port, Fault, SilentUdpPort, TestDns, TestDnsBuilder};

#[cfg(test)]
mod self_test {
    //! The harness checked with raw DNS messages (no resolver involved).

    use std::net::{SocketAddr, UdpSocket};
    use std::time::{Duration, Instant};

    use hickory_proto::op::{Message, Query, ResponseCode};
    use hickory_proto::rr::{Name, RData, RecordType};

    use super::*;

    /// One query over UDP; `None` when no answer arrives within `wait`.
    fn ask(
        server: SocketAddr,
        name: &str,
        record_type: RecordType,
        wait: Duration,
    ) -> Option<Message> {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(wait)).unwrap();
        let mut query = Message::query();
        query.add_query(Query::query(Name::from_ascii(name).unwrap(), record_type));
        socket.send_to(&query.to_vec().unwrap(), server).unwrap();
        let mut buf = [0u8; 4096];
        let (len, _) = socket.recv_from(&mut buf).ok()?;
        Some(Message::from_vec(&buf[..len]).unwrap())
    }

    const WAIT: Duration = Duration::from_secs(2);

    #[test]
    fn answers_counts_and_faults() {
        let dns = TestDns::builder()
            .zone("bl.test")
            .a("2.0.0.127.bl.test", "127.0.0.2")
            .a("2.0.0.127.bl.test", "127.0.0.4")
            .txt("2.0.0.127.bl.test", &"x".repeat(300))
            .a("host.example.jp", "203.0.113.45")
            .refused_zone("refused.test")
            .servfail_zone("servfail.test")
            .silent_zone("silent.test")
            .delayed_zone("slow.test", Duration::from_millis(300))
            .a("1.slow.test", "127.0.0.2")
            .start();
        let addr = dns.addr();

        let m = ask(addr, "2.0.0.127.bl.test.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.metadata.response_code, ResponseCode::NoError);
        assert_eq!(m.answers.len(), 2);
        let m = ask(addr, "2.0.0.127.bl.test.", RecordType::TXT, WAIT).unwrap();
        match &m.answers[0].data {
            RData::TXT(txt) => assert_eq!(txt.txt_data.iter().map(|p| p.len()).sum::<usize>(), 300),
            other => panic!("{other:?}"),
        }
        let m = ask(addr, "1.0.0.127.bl.test.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
        let m = ask(addr, "host.example.jp.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.answers.len(), 1);
        let m = ask(addr, "host.example.jp.", RecordType::AAAA, WAIT).unwrap();
        assert_eq!((m.metadata.response_code, m.answers.len()), (ResponseCode::NoError, 0));
        let m = ask(addr, "nowhere.invalid.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.metadata.response_code, ResponseCode::Refused);
        let m = ask(addr, "1.refused.test.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.metadata.response_code, ResponseCode::Refused);
        let m = ask(addr, "1.servfail.test.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.metadata.response_code, ResponseCode::ServFail);
        assert!(ask(addr, "1.silent.test.", RecordType::A, Duration::from_millis(300)).is_none());
        let started = Instant::now();
        let m = ask(addr, "1.slow.test.", RecordType::A, WAIT).unwrap();
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(m.answers.len(), 1);

        assert_eq!(dns.query_count(), 10);
        assert_eq!(dns.queries()[0], "2.0.0.127.bl.test A");
        assert_eq!(dns.queries()[2], "1.0.0.127.bl.test A");
    }

    #[test]
    fn drop_first_and_truncate_udp_faults() {
        let dns = TestDns::builder()
            .drop_first_zone("lossy.test")
            .a("1.lossy.test", "127.0.0.2")
            .truncate_udp_zone("big.test")
            .a("1.big.test", "127.0.0.2")
            .start();
        let addr = dns.addr();
        let short = Duration::from_millis(300);
        assert!(ask(addr, "1.lossy.test.", RecordType::A, short).is_none());
        let m = ask(addr, "1.lossy.test.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.answers.len(), 1);
        // Another question is dropped once too.
        assert!(ask(addr, "1.lossy.test.", RecordType::TXT, short).is_none());
        let m = ask(addr, "1.big.test.", RecordType::A, WAIT).unwrap();
        assert!(m.metadata.truncation);
        assert!(m.answers.is_empty());
        assert_eq!(dns.query_count(), 4);
    }

    #[test]
    fn silent_and_closed_ports_never_answer() {
        let silent = silent_udp_port();
        assert!(ask(silent.addr(), "a.test.", RecordType::A, Duration::from_millis(200)).is_none());
        assert!(ask(closed_port(), "a.test.", RecordType::A, Duration::from_millis(200)).is_none());
    }

    #[test]
    fn drop_stops_the_server() {
        let dns = TestDns::builder().zone("bl.test").a("2.0.0.127.bl.test", "127.0.0.2").start();
        let addr = dns.addr();
        assert!(ask(addr, "2.0.0.127.bl.test.", RecordType::A, WAIT).is_some());
        drop(dns);
        assert!(
            ask(addr, "2.0.0.127.bl.test.", RecordType::A, Duration::from_millis(200)).is_none()
        );
    }

    #[test]
    fn rbldnsd_starts_answers_and_stops() {
        if !Rbldnsd::available_or_skip("rbldnsd_starts_answers_and_stops") {
            return;
        }
        let server = Rbldnsd::builder()
            .file("bl.txt", ":127.0.0.2:Listed: $\n127.0.0.2\n")
            .zone("bl.test", "ip4set", "bl.txt")
            .generic("example.jp", "sv1 A 203.0.113.45\n")
            .start()
            .unwrap();
        let m = ask(server.addr(), "2.0.0.127.bl.test.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.answers.len(), 1);
        let m = ask(server.addr(), "1.0.0.127.bl.test.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
        let m = ask(server.addr(), "sv1.example.jp.", RecordType::A, WAIT).unwrap();
        assert_eq!(m.answers.len(), 1);
        let pid = server.pid().unwrap();
        let output = server.stop();
        assert!(output.contains("tot=3"), "{output}");
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists() || {
                // A zombie entry may linger briefly; it must not be running.
                std::fs::read_to_string(format!("/proc/{pid}/status"))
                    .is_ok_and(|s| s.contains("State:\tZ"))
            }
        );
    }

    #[test]
    fn rbldnsd_bad_data_file_fails_loudly() {
        if !Rbldnsd::available_or_skip("rbldnsd_bad_data_file_fails_loudly") {
            return;
        }
        let err = Rbldnsd::builder().zone("bl.test", "ip4set", "missing.txt").start().unwrap_err();
        assert!(err.contains("exited"), "{err}");
    }
}
