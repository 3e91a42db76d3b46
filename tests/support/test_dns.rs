//! An in-process authoritative DNS server for tests.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use hickory_proto::op::{Header, HeaderCounts, Metadata, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, SOA, TXT};
use hickory_proto::rr::{LowerName, Name, RData, Record};
use hickory_server::net::runtime::Time;
use hickory_server::net::xfer::Protocol;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{
    AxfrPolicy, Catalog, MessageResponseBuilder, ZoneHandler, ZoneType,
};
use hickory_server::Server;

/// TTL of every record served, and the SOA minimum (negative TTL).
const TTL: u32 = 60;

/// How a zone of a [`TestDns`] misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Every query in the zone gets rcode REFUSED.
    Refused,
    /// Every query in the zone gets rcode SERVFAIL.
    ServFail,
    /// Answers normally, after this delay.
    Delay(Duration),
    /// Never answers (the query is counted, then dropped).
    Silent,
    /// Ignores the first copy of each question (name and type), as if the packet
    /// had been lost; answers normally when the query is sent again.
    DropFirst,
    /// Over UDP, answers with an empty response that has the TC (truncated) bit set;
    /// over TCP, answers normally.
    TruncateUdp,
}

/// Builds a [`TestDns`]; see [`TestDns::builder`].
#[derive(Debug, Default, Clone)]
pub struct TestDnsBuilder {
    zones: Vec<(String, Option<Fault>)>,
    /// Zones declared without the RFC 5782 test entries.
    bare: Vec<String>,
    records: Vec<(String, RData)>,
    delay: Option<Duration>,
}

/// A running authoritative DNS server on 127.0.0.1 (UDP and TCP on the same port).
///
/// Runs on its own thread with its own Tokio runtime, so it works from plain `#[test]`
/// functions and from `#[tokio::test]` ones alike. Dropping it stops the server.
///
/// Names under a declared zone that have no records answer NXDOMAIN; names outside
/// every zone answer REFUSED (like a real authoritative server).
///
/// ```
/// use rebound_tests::TestDns;
/// let dns = TestDns::builder()
///     .zone("zen.spamhaus.org")
///     .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
///     .txt("45.113.0.203.zen.spamhaus.org", "Listed in SBL, see https://check.spamhaus.org/")
///     .a("sv12053.xserver.jp", "203.0.113.45") // a zone of its own is made for it
///     .refused_zone("bl.spamcop.net")
///     .start();
/// let server: std::net::SocketAddr = dns.addr(); // pass to the resolver under test
/// assert_eq!(dns.query_count(), 0);
/// # let _ = server;
/// ```
#[derive(Debug)]
pub struct TestDns {
    addr: SocketAddr,
    queries: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestDns {
    /// An empty builder.
    pub fn builder() -> TestDnsBuilder {
        TestDnsBuilder::default()
    }

    /// The server's address (UDP and TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many DNS messages the server has received so far (over UDP and TCP, all
    /// zones, faulty ones included).
    pub fn query_count(&self) -> usize {
        self.queries.load(Ordering::SeqCst)
    }

    /// The questions received so far, as `"name TYPE"` (lowercase name, no trailing
    /// dot), in arrival order.
    pub fn queries(&self) -> Vec<String> {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

impl Drop for TestDns {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl TestDnsBuilder {
    /// Declares a zone that answers normally. Records added later whose names fall
    /// under it belong to it. It lists the RFC 5782 §5 test entries that a blocklist
    /// must list (`2.0.0.127.<zone>` and `test.<zone>`, 127.0.0.2), as every working
    /// list does and as the checker asks before it believes a "not listed"; see
    /// [`TestDnsBuilder::bare_zone`] for one without them.
    pub fn zone(self, name: &str) -> Self {
        self.zone_with(name, None)
    }

    /// Declares a zone that answers normally but lacks the RFC 5782 test entries: a
    /// list that silently refuses this resolver, answering NXDOMAIN to everything.
    pub fn bare_zone(mut self, name: &str) -> Self {
        self.bare.push(normalize(name));
        self.zone_with(name, None)
    }

    /// Declares a zone that misbehaves as `fault` says.
    pub fn faulty_zone(self, name: &str, fault: Fault) -> Self {
        self.zone_with(name, Some(fault))
    }

    /// Declares a zone whose every answer is rcode REFUSED.
    pub fn refused_zone(self, name: &str) -> Self {
        self.faulty_zone(name, Fault::Refused)
    }

    /// Declares a zone whose every answer is rcode SERVFAIL.
    pub fn servfail_zone(self, name: &str) -> Self {
        self.faulty_zone(name, Fault::ServFail)
    }

    /// Declares a zone that answers normally but only after `delay`.
    pub fn delayed_zone(self, name: &str, delay: Duration) -> Self {
        self.faulty_zone(name, Fault::Delay(delay))
    }

    /// Declares a zone that never answers.
    pub fn silent_zone(self, name: &str) -> Self {
        self.faulty_zone(name, Fault::Silent)
    }

    /// Declares a zone that ignores the first copy of each question; see
    /// [`Fault::DropFirst`].
    pub fn drop_first_zone(self, name: &str) -> Self {
        self.faulty_zone(name, Fault::DropFirst)
    }

    /// Declares a zone whose UDP answers are truncated (TC bit, no records), so that
    /// only TCP gets the records; see [`Fault::TruncateUdp`].
    pub fn truncate_udp_zone(self, name: &str) -> Self {
        self.faulty_zone(name, Fault::TruncateUdp)
    }

    /// Delays every answer of the server by `delay` (on top of any zone delay).
    pub fn delay_all(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Adds an A record. `ip` must be an IPv4 address.
    pub fn a(self, name: &str, ip: &str) -> Self {
        let ip: Ipv4Addr =
            ip.parse().unwrap_or_else(|_| panic!("TestDns: {ip:?} is not an IPv4 address"));
        self.record(name, RData::A(A(ip)))
    }

    /// Adds an AAAA record. `ip` must be an IPv6 address.
    pub fn aaaa(self, name: &str, ip: &str) -> Self {
        let ip: Ipv6Addr =
            ip.parse().unwrap_or_else(|_| panic!("TestDns: {ip:?} is not an IPv6 address"));
        self.record(name, RData::AAAA(AAAA(ip)))
    }

    /// Adds an A or AAAA record, depending on the address.
    pub fn ip(self, name: &str, ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => self.record(name, RData::A(A(v4))),
            IpAddr::V6(v6) => self.record(name, RData::AAAA(AAAA(v6))),
        }
    }

    /// Adds a TXT record (split into 255-byte character-strings when longer).
    pub fn txt(self, name: &str, text: &str) -> Self {
        self.record(name, RData::TXT(TXT::new(split_txt(text))))
    }

    /// Adds a CNAME record.
    pub fn cname(self, name: &str, target: &str) -> Self {
        let target = fqdn(target);
        self.record(name, RData::CNAME(CNAME(target)))
    }

    /// Adds any record.
    pub fn record(mut self, name: &str, data: RData) -> Self {
        self.records.push((normalize(name), data));
        self
    }

    /// Starts the server; panics if it cannot.
    pub fn start(self) -> TestDns {
        let (catalog, faults) = self.build_catalog();
        let queries = Arc::new(AtomicUsize::new(0));
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler = CountingHandler {
            catalog,
            faults,
            delay: self.delay,
            queries: queries.clone(),
            log: log.clone(),
            seen: Mutex::new(HashSet::new()),
        };

        let (ready_tx, ready_rx) = mpsc::channel::<Result<SocketAddr, String>>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("test-dns".into())
            .spawn(move || serve(handler, ready_tx, stop_rx))
            .expect("TestDns: cannot spawn the server thread");
        let addr = match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(addr)) => addr,
            Ok(Err(e)) => panic!("TestDns: cannot start: {e}"),
            Err(e) => panic!("TestDns: the server thread did not start: {e}"),
        };
        TestDns { addr, queries, log, stop: Some(stop_tx), thread: Some(thread) }
    }

    fn zone_with(mut self, name: &str, fault: Option<Fault>) -> Self {
        let name = normalize(name);
        match self.zones.iter_mut().find(|(z, _)| *z == name) {
            Some(existing) => existing.1 = fault,
            None => self.zones.push((name, fault)),
        }
        self
    }

    fn build_catalog(&self) -> (Catalog, Vec<(String, Fault)>) {
        // Every record goes to the longest declared zone containing it; a record outside
        // every zone gets a zone of its own.
        let mut zones: Vec<(String, Vec<Record>)> =
            self.zones.iter().map(|(z, _)| (z.clone(), Vec::new())).collect();
        let mut records = self.records.clone();
        for (zone, fault) in &self.zones {
            let _ = fault;
            if !self.bare.contains(zone) {
                for entry in ["2.0.0.127", "test"] {
                    let name = format!("{entry}.{zone}");
                    if !records.iter().any(|(n, _)| *n == name) {
                        records.push((name, RData::A(A(Ipv4Addr::new(127, 0, 0, 2)))));
                    }
                }
            }
        }
        for (name, data) in &records {
            let index = match longest_suffix(zones.iter().map(|(z, _)| z.as_str()), name) {
                Some(i) => i,
                None => {
                    zones.push((name.clone(), Vec::new()));
                    zones.len() - 1
                }
            };
            zones[index].1.push(Record::from_rdata(fqdn(name), TTL, data.clone()));
        }

        let mut catalog = Catalog::new();
        for (zone, records) in zones {
            let origin = fqdn(&zone);
            let mut handler: InMemoryZoneHandler =
                InMemoryZoneHandler::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny);
            let soa = SOA::new(
                fqdn("ns.test.invalid"),
                fqdn("hostmaster.test.invalid"),
                1,
                600,
                300,
                86400,
                TTL,
            );
            handler.upsert_mut(Record::from_rdata(origin.clone(), TTL, RData::SOA(soa)), 1);
            for record in records {
                handler.upsert_mut(record, 1);
            }
            catalog
                .upsert(LowerName::from(&origin), vec![Arc::new(handler) as Arc<dyn ZoneHandler>]);
        }
        let faults = self.zones.iter().filter_map(|(z, f)| f.map(|f| (z.clone(), f))).collect();
        (catalog, faults)
    }
}

/// The server thread: binds, reports the address, serves until told to stop.
fn serve(
    handler: CountingHandler,
    ready: mpsc::Sender<Result<SocketAddr, String>>,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(format!("tokio runtime: {e}")));
            return;
        }
    };
    runtime.block_on(async move {
        let (udp, tcp) = match bind_udp_and_tcp().await {
            Ok(pair) => pair,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let addr = match udp.local_addr() {
            Ok(a) => a,
            Err(e) => {
                let _ = ready.send(Err(e.to_string()));
                return;
            }
        };
        let mut server = Server::new(handler);
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 32);
        let _ = ready.send(Ok(addr));
        let _ = stop.await;
        let _ = tokio::time::timeout(Duration::from_secs(2), server.shutdown_gracefully()).await;
    });
}

/// A UDP socket and a TCP listener on the same ephemeral loopback port.
async fn bind_udp_and_tcp() -> Result<(tokio::net::UdpSocket, tokio::net::TcpListener), String> {
    let mut last_error = String::new();
    for _ in 0..50 {
        let udp = tokio::net::UdpSocket::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind UDP: {e}"))?;
        let addr = udp.local_addr().map_err(|e| e.to_string())?;
        match tokio::net::TcpListener::bind(addr).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last_error = format!("bind TCP {addr}: {e}"),
        }
    }
    Err(last_error)
}

/// Counts and logs every request, applies zone faults, hands the rest to the catalog.
struct CountingHandler {
    catalog: Catalog,
    faults: Vec<(String, Fault)>,
    delay: Option<Duration>,
    queries: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<String>>>,
    /// Questions seen by [`Fault::DropFirst`] zones.
    seen: Mutex<HashSet<String>>,
}

#[async_trait::async_trait]
impl RequestHandler for CountingHandler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        self.queries.fetch_add(1, Ordering::SeqCst);
        let (fault, question) = match request.request_info() {
            Ok(info) => {
                let name = normalize(&info.query.name().to_string());
                let question = format!("{name} {}", info.query.query_type());
                if let Ok(mut log) = self.log.lock() {
                    log.push(question.clone());
                }
                let fault = longest_suffix(self.faults.iter().map(|(z, _)| z.as_str()), &name)
                    .map(|i| self.faults[i].1);
                (fault, question)
            }
            Err(_) => (None, String::new()),
        };
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        let rcode = match fault {
            None => None,
            Some(Fault::Refused) => Some(ResponseCode::Refused),
            Some(Fault::ServFail) => Some(ResponseCode::ServFail),
            Some(Fault::Delay(delay)) => {
                tokio::time::sleep(delay).await;
                None
            }
            Some(Fault::Silent) => return no_response(request),
            Some(Fault::DropFirst) => {
                let first = self.seen.lock().map(|mut seen| seen.insert(question)).unwrap_or(true);
                if first {
                    return no_response(request);
                }
                None
            }
            Some(Fault::TruncateUdp) => {
                if request.protocol() == Protocol::Udp {
                    let mut metadata = Metadata::response_from_request(&request.metadata);
                    metadata.truncation = true;
                    let response = MessageResponseBuilder::new(&request.queries, None)
                        .build_no_records(metadata);
                    return match response_handle.send_response(response).await {
                        Ok(info) => info,
                        Err(_) => no_response(request),
                    };
                }
                None
            }
        };
        match rcode {
            None => self.catalog.handle_request::<R, T>(request, response_handle).await,
            Some(code) => {
                let response = MessageResponseBuilder::new(&request.queries, None)
                    .error_msg(&request.metadata, code);
                match response_handle.send_response(response).await {
                    Ok(info) => info,
                    Err(_) => {
                        let mut metadata = Metadata::response_from_request(&request.metadata);
                        metadata.response_code = ResponseCode::ServFail;
                        ResponseInfo::from(Header { metadata, counts: HeaderCounts::default() })
                    }
                }
            }
        }
    }
}

/// What a handler returns for a request it does not answer.
fn no_response(request: &Request) -> ResponseInfo {
    let metadata = Metadata::response_from_request(&request.metadata);
    ResponseInfo::from(Header { metadata, counts: HeaderCounts::default() })
}

/// A bound UDP socket that never answers; see [`silent_udp_port`].
#[derive(Debug)]
pub struct SilentUdpPort {
    socket: StdUdpSocket,
}

impl SilentUdpPort {
    /// The address queries can be sent to (and will be ignored at).
    pub fn addr(&self) -> SocketAddr {
        self.socket.local_addr().expect("a bound socket has an address")
    }
}

/// A "dead" DNS server: a UDP socket bound on 127.0.0.1 that receives queries and
/// never answers. Keep the returned value alive for as long as the port should stay
/// silent.
///
/// ```
/// let dead = rebound_tests::silent_udp_port();
/// assert!(dead.addr().ip().is_loopback());
/// ```
pub fn silent_udp_port() -> SilentUdpPort {
    let socket = StdUdpSocket::bind("127.0.0.1:0").expect("bind a UDP socket on 127.0.0.1");
    SilentUdpPort { socket }
}

/// An address on 127.0.0.1 where nothing listens (a port bound, then released).
///
/// ```
/// let closed = rebound_tests::closed_port();
/// assert!(closed.ip().is_loopback());
/// ```
pub fn closed_port() -> SocketAddr {
    let socket = StdUdpSocket::bind("127.0.0.1:0").expect("bind a UDP socket on 127.0.0.1");
    socket.local_addr().expect("a bound socket has an address")
}

/// Lowercase, no surrounding whitespace, no trailing dot.
fn normalize(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn fqdn(name: &str) -> Name {
    let name = normalize(name);
    Name::from_ascii(format!("{name}."))
        .unwrap_or_else(|e| panic!("TestDns: bad DNS name {name:?}: {e}"))
}

/// Index of the longest zone that is `name` or a parent of it.
fn longest_suffix<'a>(zones: impl Iterator<Item = &'a str>, name: &str) -> Option<usize> {
    zones
        .enumerate()
        .filter(|(_, zone)| name == *zone || name.ends_with(&format!(".{zone}")))
        .max_by_key(|(_, zone)| zone.len())
        .map(|(i, _)| i)
}

/// Splits a TXT text into character-strings of at most 255 bytes.
fn split_txt(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if current.len() + c.len_utf8() > 255 {
            parts.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    parts.push(current);
    parts
}
