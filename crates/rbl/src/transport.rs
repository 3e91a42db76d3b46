//! A small purpose-built DNS client for blocklist queries (A and TXT).
//!
//! One [`Session`] per [`Checker::check`](crate::Checker::check) call: a fresh UDP
//! socket (a new random source port from the kernel) for every [`PORT_REUSE`] queries,
//! closed once its queries are done; 16-bit IDs from the operating system's CSPRNG; a
//! map from ID to the pending query; an answer is taken only when it comes from a
//! server that query was sent to, on the socket it was sent from, with its ID and its
//! question (name, type and class), and when it decodes within the limits of
//! [`decode_answer`] (malformed, oversized or wrong-type answers are rejected and
//! counted); at most `max_in_flight` queries on the wire,
//! the rest queued; retransmission (to the next name server, if there are several)
//! each time a query's timeout passes, for as long as the deadline allows; with
//! several servers, an error code (SERVFAIL, REFUSED, ...) sends the query on to the
//! next server until each has answered; TCP when an answer comes back truncated.
//! No EDNS: blocklist answers are small, and a larger one comes back truncated.
//! Queries are encoded and answers decoded with hickory-proto; answers are kept in a
//! [`Cache`] for their TTL.
//!
//! Everything runs inside the caller's future: no task is spawned, so a session
//! works on any Tokio runtime (current-thread or multi-thread) and is dropped with
//! the call.

use std::cmp::Reverse;
use std::collections::hash_map::RandomState;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use hickory_resolver::proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::{DNSClass, Name, RData, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::Instant;

/// Largest UDP answer read (no EDNS is sent, so servers stay within 512 bytes; a
/// larger buffer costs nothing and tolerates servers that ignore that). A longer
/// datagram is cut to this and then fails to decode.
const UDP_BUFFER: usize = 4096;

/// Queries sent from one socket before the next ones get a fresh socket (and so a
/// fresh random source port): an off-path forger must guess the port as well as the
/// 16-bit ID, and it changes every few queries.
pub(crate) const PORT_REUSE: u32 = 16;

/// Most records an answer section may hold: blocklist answers hold a few A records
/// (ZEN: up to about 4) or TXT records.
pub const MAX_ANSWER_RECORDS: usize = 32;

/// Longest TXT text kept per record, in bytes (the character-strings joined): list
/// explanations are a sentence and a URL.
pub const MAX_TXT_LEN: usize = 1024;

/// Most entries a [`Cache`] keeps; past this, expired ones are dropped, and if that
/// is not enough the cache starts over.
const CACHE_LIMIT: usize = 100_000;

/// The longest a cached answer is kept, whatever its TTL.
const MAX_CACHE_TTL: u32 = 3600;

/// A usable answer: NOERROR (with or without records) or NXDOMAIN.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The A records of the answer section.
    pub(crate) a: Vec<Ipv4Addr>,
    /// The TXT records of the answer section, the character-strings of each joined.
    pub(crate) txt: Vec<String>,
    /// How long the answer may be cached, in seconds (`None`: not cacheable).
    ttl: Option<u32>,
}

/// Why a query got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with an error code (SERVFAIL, REFUSED, ...).
    Rcode(ResponseCode),
    /// The query's name is not a valid DNS name.
    BadName(String),
    /// The query could not be sent, or its TCP connection failed.
    Network(String),
    /// A TCP query (after a truncated UDP answer) got no answer in time.
    TcpTimeout,
    /// The session's deadline passed first. `timed_out`: at least one try had
    /// already waited its full timeout (the server is not answering), as opposed to
    /// a query that simply had no time.
    Expired {
        /// Whether at least one try timed out before the deadline.
        timed_out: bool,
        /// Datagrams the session discarded as not DNS messages at all (garbage or
        /// a flood), reported with the timeout.
        discarded: u32,
    },
    /// Every server's answer had the query's ID and question but was rejected.
    Rejected(Rejection),
}

impl Failure {
    /// The cause in words, as shown in [`Listing::error`](crate::Listing::error).
    pub(crate) fn describe(&self, deadline: Duration) -> String {
        match self {
            Failure::Rcode(code) => crate::checker::response_code_text(*code),
            Failure::BadName(e) => format!("invalid query name: {e}"),
            Failure::Network(e) => format!("network error: {e}"),
            Failure::TcpTimeout | Failure::Expired { timed_out: true, discarded: 0 } => {
                "timed out".to_string()
            }
            Failure::Expired { timed_out: true, discarded } => {
                format!("timed out ({discarded} malformed datagrams discarded)")
            }
            Failure::Expired { timed_out: false, discarded: 0 } => {
                format!("no answer within the {} deadline", crate::error::fmt_duration(deadline))
            }
            Failure::Expired { timed_out: false, discarded } => format!(
                "no answer within the {} deadline ({discarded} malformed datagrams discarded)",
                crate::error::fmt_duration(deadline)
            ),
            Failure::Rejected(why) => format!("answer rejected: {why}"),
        }
    }
}

/// The outcome of one query.
pub(crate) type Outcome = Result<Answer, Failure>;

/// Answers by (lowercase name without trailing dot, type), each until its TTL ends.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    entries: Mutex<HashMap<(String, RecordType), (Instant, Answer)>>,
}

impl Cache {
    fn get(&self, key: &(String, RecordType), now: Instant) -> Option<Answer> {
        let entries = self.entries.lock().ok()?;
        match entries.get(key) {
            Some((expires, answer)) if *expires > now => Some(answer.clone()),
            _ => None,
        }
    }

    fn put(&self, key: (String, RecordType), answer: &Answer, now: Instant) {
        let Some(ttl) = answer.ttl.filter(|&t| t > 0) else { return };
        let expires = now + Duration::from_secs(u64::from(ttl.min(MAX_CACHE_TTL)));
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CACHE_LIMIT {
                entries.retain(|_, (e, _)| *e > now);
                if entries.len() >= CACHE_LIMIT {
                    entries.clear();
                }
            }
            entries.insert(key, (expires, answer.clone()));
        }
    }
}

/// Where and how to ask.
#[derive(Debug, Clone)]
pub(crate) struct Upstream {
    /// The name servers, tried in turn on retransmission.
    pub(crate) servers: Vec<SocketAddr>,
    /// How long one try waits before the query is sent again.
    pub(crate) query_timeout: Duration,
    /// At most this many queries of a session are on the wire at once.
    pub(crate) max_in_flight: usize,
}

/// Where a query is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Queued,
    InFlight,
    Tcp,
    Done,
}

#[derive(Debug)]
struct Slot {
    key: (String, RecordType),
    name: Name,
    /// The encoded query, its ID already in place.
    wire: Vec<u8>,
    id: u16,
    state: State,
    /// Which server the last try went to.
    server: usize,
    /// How many tries were sent.
    tries: u32,
    /// How many tries waited their full timeout.
    timeouts: u32,
    /// How many servers answered SERVFAIL, REFUSED or another error code, or with
    /// an answer that was rejected.
    errors: u32,
    /// The socket the last try went out on (index into `Session::sockets`).
    socket: Option<usize>,
    /// The servers tries went to (bit `i`: server `i`; servers past 63 share bit 63).
    asked: u64,
    /// Why the last answer with this query's ID and question was rejected.
    rejected: Option<Rejection>,
}

/// One UDP socket of a session.
#[derive(Debug)]
struct Sock {
    socket: UdpSocket,
    /// Connected to its family's only server: the kernel drops anyone else's datagrams.
    connected: bool,
    /// Tries sent from it.
    sent: u32,
    /// Queries whose last try went out on it and that are not done.
    open: u32,
}

/// What woke a session up.
enum Event {
    /// The socket at this index is readable.
    Readable(usize),
    Tcp(usize, Outcome),
    Wake,
}

type TcpFuture = Pin<Box<dyn Future<Output = (usize, Outcome)> + Send>>;

/// The queries of one call, on one socket per address family.
pub(crate) struct Session<'a> {
    upstream: &'a Upstream,
    cache: &'a Cache,
    deadline: Instant,
    /// Every socket opened, `None` once closed (indices stay stable).
    sockets: Vec<Option<Sock>>,
    /// The indices of the sockets still open.
    live: Vec<usize>,
    /// The socket new tries go out on, per family (0: IPv4, 1: IPv6).
    current: [Option<usize>; 2],
    /// Datagrams that were not DNS messages, or answered no query.
    discarded: u32,
    slots: Vec<Slot>,
    queue: VecDeque<usize>,
    /// The query on the wire by ID: token + 1, 0 for none (65,536 entries).
    by_id: Vec<u32>,
    /// (when the try times out, slot, try number): stale entries are skipped.
    timers: BinaryHeap<Reverse<(Instant, usize, u32)>>,
    in_flight: usize,
    /// Finished, not yet handed out.
    done: VecDeque<(usize, Outcome)>,
    /// Queries not yet handed out (queued, on the wire, over TCP or in `done`).
    outstanding: usize,
    tcp: FuturesUnordered<TcpFuture>,
    ids: IdSource,
    buf: Vec<u8>,
    expired: bool,
    /// Queries to send again at once, to the next server (the last one answered
    /// with an error code).
    resend: VecDeque<usize>,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("queries", &self.slots.len())
            .field("in_flight", &self.in_flight)
            .field("outstanding", &self.outstanding)
            .finish_non_exhaustive()
    }
}

impl<'a> Session<'a> {
    /// A session whose queries all end by `deadline`. Sockets are opened on the first
    /// query that needs them.
    pub(crate) fn new(upstream: &'a Upstream, cache: &'a Cache, deadline: Instant) -> Self {
        Session {
            upstream,
            cache,
            deadline,
            sockets: Vec::new(),
            live: Vec::new(),
            current: [None, None],
            discarded: 0,
            slots: Vec::new(),
            queue: VecDeque::new(),
            by_id: Vec::new(),
            timers: BinaryHeap::new(),
            in_flight: 0,
            done: VecDeque::new(),
            outstanding: 0,
            tcp: FuturesUnordered::new(),
            ids: IdSource::default(),
            buf: vec![0; UDP_BUFFER],
            expired: false,
            resend: VecDeque::new(),
        }
    }

    /// Makes room for `additional` more queries.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
    }

    /// Asks for `name` (no trailing dot) of `record_type`; returns the token that
    /// [`Session::next`] hands back with the outcome. A cached answer is handed back
    /// without a query.
    pub(crate) fn submit(&mut self, name: &str, record_type: RecordType) -> usize {
        let token = self.slots.len();
        let key = (name.trim_end_matches('.').to_ascii_lowercase(), record_type);
        self.outstanding += 1;
        let mut slot = Slot {
            key,
            name: Name::root(),
            wire: Vec::new(),
            id: 0,
            state: State::Done,
            server: 0,
            tries: 0,
            timeouts: 0,
            errors: 0,
            socket: None,
            asked: 0,
            rejected: None,
        };
        let outcome = if self.expired {
            Some(Err(Failure::Expired { timed_out: false, discarded: self.discarded }))
        } else if let Some(answer) = self.cache.get(&slot.key, Instant::now()) {
            Some(Ok(answer))
        } else {
            match encode(&slot.key.0, record_type) {
                Ok((name, wire)) => {
                    slot.name = name;
                    slot.wire = wire;
                    slot.state = State::Queued;
                    None
                }
                Err(e) => Some(Err(e)),
            }
        };
        self.slots.push(slot);
        match outcome {
            Some(outcome) => self.done.push_back((token, outcome)),
            None => self.queue.push_back(token),
        }
        token
    }

    /// The next finished query, or `None` once every submitted query has been handed
    /// back. When the deadline passes, every query still open is handed back as
    /// [`Failure::Expired`].
    pub(crate) async fn next(&mut self) -> Option<(usize, Outcome)> {
        loop {
            if let Some(finished) = self.done.pop_front() {
                self.outstanding -= 1;
                return Some(finished);
            }
            if self.outstanding == 0 {
                return None;
            }
            let now = Instant::now();
            if now >= self.deadline {
                self.expire_all();
                continue;
            }
            self.retransmit_due(now).await;
            while let Some(token) = self.resend.pop_front() {
                let slot = &mut self.slots[token];
                if slot.state == State::InFlight {
                    slot.server = (slot.server + 1) % self.upstream.servers.len().max(1);
                    self.transmit(token).await;
                }
            }
            self.send_queued().await;
            if !self.done.is_empty() {
                continue;
            }
            let wake = match self.timers.peek() {
                Some(Reverse((at, _, _))) => (*at).min(self.deadline),
                None => self.deadline,
            };
            let sockets = &self.sockets;
            let (indices, readable): (Vec<usize>, Vec<_>) = self
                .live
                .iter()
                .filter_map(|&i| Some((i, Box::pin(sockets.get(i)?.as_ref()?.socket.readable()))))
                .unzip();
            // `select_all` refuses an empty list; with no socket, wait on the rest.
            // Only the socket that is ready is read: a read of each of the others
            // would cost a system call for nothing.
            let readable = async move {
                if readable.is_empty() {
                    std::future::pending::<usize>().await
                } else {
                    let (_, at, _) = futures_util::future::select_all(readable).await;
                    indices.get(at).copied().unwrap_or_default()
                }
            };
            let tcp = &mut self.tcp;
            let event = tokio::select! {
                biased;
                index = readable => Event::Readable(index),
                Some((token, outcome)) = tcp.next(), if !tcp.is_empty() => Event::Tcp(token, outcome),
                () = tokio::time::sleep_until(wake) => Event::Wake,
            };
            match event {
                Event::Readable(index) => self.drain(index),
                Event::Tcp(token, outcome) => self.finish(token, outcome),
                Event::Wake => {}
            }
        }
    }

    /// Hands back every open query as expired and drops the rest of the work.
    fn expire_all(&mut self) {
        self.expired = true;
        self.queue.clear();
        self.timers.clear();
        self.tcp = FuturesUnordered::new();
        for token in 0..self.slots.len() {
            let slot = &self.slots[token];
            if slot.state != State::Done {
                let failure = match &slot.rejected {
                    Some(why) => Failure::Rejected(why.clone()),
                    None => {
                        Failure::Expired { timed_out: slot.timeouts > 0, discarded: self.discarded }
                    }
                };
                self.finish(token, Err(failure));
            }
        }
    }

    /// Sends again every query whose try has timed out, to the next server.
    async fn retransmit_due(&mut self, now: Instant) {
        while let Some(Reverse((at, token, try_no))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            let slot = &mut self.slots[token];
            if slot.state != State::InFlight || slot.tries != try_no {
                continue;
            }
            slot.timeouts += 1;
            slot.server = (slot.server + 1) % self.upstream.servers.len().max(1);
            self.transmit(token).await;
        }
    }

    /// Puts queued queries on the wire while there is room.
    async fn send_queued(&mut self) {
        if self.by_id.is_empty() && !self.queue.is_empty() {
            self.by_id = vec![0; usize::from(u16::MAX) + 1];
        }
        while self.in_flight < self.upstream.max_in_flight.max(1) {
            let Some(token) = self.queue.pop_front() else { break };
            let id = self.fresh_id();
            let slot = &mut self.slots[token];
            slot.id = id;
            if let Some(bytes) = slot.wire.get_mut(..2) {
                bytes.copy_from_slice(&id.to_be_bytes());
            }
            slot.state = State::InFlight;
            if let Some(entry) = self.by_id.get_mut(usize::from(id)) {
                *entry = u32::try_from(token + 1).unwrap_or(0);
            }
            self.in_flight += 1;
            self.transmit(token).await;
        }
    }

    /// Sends one try of a query and arms its timer.
    async fn transmit(&mut self, token: usize) {
        let Some(&server) = self.upstream.servers.get(self.slots[token].server) else {
            self.finish(token, Err(Failure::Network("no name server configured".into())));
            return;
        };
        let index = match self.socket_for(server).await {
            Ok(index) => index,
            Err(e) => {
                self.finish(token, Err(Failure::Network(e.to_string())));
                return;
            }
        };
        let previous = self.slots[token].socket.replace(index);
        if previous != Some(index) {
            if let Some(sock) =
                previous.and_then(|p| self.sockets.get_mut(p)).and_then(Option::as_mut)
            {
                sock.open = sock.open.saturating_sub(1);
            }
            if let Some(Some(sock)) = self.sockets.get_mut(index) {
                sock.open += 1;
            }
        }
        let Some(Some(sock)) = self.sockets.get_mut(index) else {
            self.finish(token, Err(Failure::Network("no socket".into())));
            return;
        };
        sock.sent += 1;
        let slot = &mut self.slots[token];
        slot.tries += 1;
        slot.asked |= 1u64 << slot.server.min(63);
        let sent = if sock.connected {
            sock.socket.send(&slot.wire).await
        } else {
            sock.socket.send_to(&slot.wire, server).await
        };
        match sent {
            Ok(_) => {}
            // A dropped query is a lost packet like any other: the timer resends it.
            Err(e) if is_transient(&e) => {}
            Err(e) => {
                self.finish(token, Err(Failure::Network(e.to_string())));
                return;
            }
        }
        let at = Instant::now() + self.upstream.query_timeout;
        self.timers.push(Reverse((at, token, self.slots[token].tries)));
    }

    /// The socket for the next try to `server`: its family's current one, or a fresh
    /// one (a new random source port) once the current one has sent [`PORT_REUSE`]
    /// tries.
    async fn socket_for(&mut self, server: SocketAddr) -> std::io::Result<usize> {
        let family = usize::from(server.is_ipv6());
        if let Some(index) = self.current[family] {
            if self.sockets.get(index).and_then(Option::as_ref).is_some_and(|s| s.sent < PORT_REUSE)
            {
                return Ok(index);
            }
        }
        let any = if server.is_ipv6() {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        };
        let socket = UdpSocket::bind(SocketAddr::new(any, 0)).await?;
        // The only server of its family: a connected socket spares the kernel a route
        // lookup per query and drops datagrams from anyone else.
        let same_family =
            self.upstream.servers.iter().filter(|s| s.is_ipv4() == server.is_ipv4()).count();
        let connected = same_family == 1;
        if connected {
            socket.connect(server).await?;
        }
        self.sockets.push(Some(Sock { socket, connected, sent: 0, open: 0 }));
        let index = self.sockets.len() - 1;
        self.current[family] = Some(index);
        self.live.push(index);
        self.close_idle();
        Ok(index)
    }

    /// Closes the sockets that are no longer current and have no query left: a late
    /// answer to them is then refused by the kernel rather than read.
    fn close_idle(&mut self) {
        let (sockets, current) = (&mut self.sockets, self.current);
        self.live.retain(|&index| {
            let Some(entry) = sockets.get_mut(index) else { return false };
            if entry.as_ref().is_some_and(|s| s.open == 0) && !current.contains(&Some(index)) {
                *entry = None;
            }
            entry.is_some()
        });
    }

    /// Reads the datagrams waiting on socket `index`.
    fn drain(&mut self, index: usize) {
        // Bounded, so that the timers get their turn even under a flood; the socket
        // stays readable and is drained again on the next round.
        for _ in 0..1024 {
            let Some(Some(sock)) = self.sockets.get(index) else { return };
            match sock.socket.try_recv_from(&mut self.buf) {
                Ok((len, from)) => {
                    let buf = std::mem::take(&mut self.buf);
                    if let Some(packet) = buf.get(..len) {
                        self.receive(packet, from, index);
                    }
                    self.buf = buf;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                // An ICMP error reported on the connected socket (nothing listens
                // there, for one): it is consumed by this read; the timers take care
                // of the lost query.
                Err(e) if is_transient(&e) || e.kind() == ErrorKind::ConnectionReset => {}
                Err(_) => return,
            }
        }
    }

    /// Takes one datagram: ignored (and counted) unless it answers a query on the
    /// wire, from a server that query was sent to, on the socket it went out on, with
    /// that query's ID and question.
    fn receive(&mut self, packet: &[u8], from: SocketAddr, socket: usize) {
        let Some(server) = self.upstream.servers.iter().position(|s| *s == from) else {
            self.discarded = self.discarded.saturating_add(1);
            return;
        };
        let Some(id) = packet.get(..2).map(|b| u16::from_be_bytes([b[0], b[1]])) else {
            self.discarded = self.discarded.saturating_add(1);
            return;
        };
        let token = match self.by_id.get(usize::from(id)) {
            Some(&entry) if entry > 0 => entry as usize - 1,
            _ => {
                self.discarded = self.discarded.saturating_add(1);
                return;
            }
        };
        let slot = &self.slots[token];
        if slot.state != State::InFlight
            || slot.socket != Some(socket)
            || slot.asked & (1u64 << server.min(63)) == 0
        {
            self.discarded = self.discarded.saturating_add(1);
            return;
        }
        let outcome = match decode_answer(packet, id, &slot.name, slot.key.1) {
            Ok(Decoded::Truncated) => {
                self.switch_to_tcp(token, from);
                return;
            }
            Ok(Decoded::Answer(answer)) => Ok(answer),
            Ok(Decoded::Error(code)) => Err(Failure::Rcode(code)),
            // Not this query's answer (a forgery, or garbage): keep waiting.
            Err(Rejection::Malformed | Rejection::NotOurs) => {
                self.discarded = self.discarded.saturating_add(1);
                return;
            }
            Err(why) => {
                self.slots[token].rejected = Some(why.clone());
                Err(Failure::Rejected(why))
            }
        };
        if outcome.is_err() {
            // One server's SERVFAIL, REFUSED or unusable answer need not be the
            // others': ask the next one, until each has answered so.
            let slot = &mut self.slots[token];
            slot.errors += 1;
            if (slot.errors as usize) < self.upstream.servers.len() {
                self.resend.push_back(token);
                return;
            }
        }
        self.finish(token, outcome);
    }

    /// Asks again over TCP, the answer over UDP having been truncated.
    fn switch_to_tcp(&mut self, token: usize, server: SocketAddr) {
        let slot = &mut self.slots[token];
        slot.state = State::Tcp;
        let wire = slot.wire.clone();
        let name = slot.name.clone();
        let record_type = slot.key.1;
        let timeout = self.upstream.query_timeout;
        self.tcp.push(Box::pin(async move {
            let outcome =
                match tokio::time::timeout(timeout, tcp_query(server, &wire, &name, record_type))
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err(Failure::TcpTimeout),
                };
            (token, outcome)
        }));
    }

    /// Records a query's outcome (once), caches a good answer, frees its slot.
    fn finish(&mut self, token: usize, outcome: Outcome) {
        let slot = &mut self.slots[token];
        match slot.state {
            State::Done => return,
            State::InFlight | State::Tcp => {
                self.in_flight -= 1;
                if let Some(entry) = self.by_id.get_mut(usize::from(slot.id)) {
                    if *entry as usize == token + 1 {
                        *entry = 0;
                    }
                }
            }
            State::Queued => {}
        }
        slot.state = State::Done;
        slot.wire = Vec::new();
        if let Some(sock) =
            slot.socket.and_then(|i| self.sockets.get_mut(i)).and_then(Option::as_mut)
        {
            sock.open = sock.open.saturating_sub(1);
        }
        if let Ok(answer) = &outcome {
            let key = (std::mem::take(&mut slot.key.0), slot.key.1);
            self.cache.put(key, answer, Instant::now());
        }
        self.done.push_back((token, outcome));
    }

    /// A random ID not used by a query on the wire.
    fn fresh_id(&mut self) -> u16 {
        loop {
            let id = self.ids.next();
            if self.by_id.get(usize::from(id)).is_none_or(|&entry| entry == 0) {
                return id;
            }
        }
    }
}

/// Whether a send error means "the packet was lost" rather than "cannot send".
fn is_transient(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::WouldBlock | ErrorKind::Interrupted
    ) || e.raw_os_error() == Some(105) // ENOBUFS
}

/// The query for `name` (no trailing dot), RD set, ID 0 (filled in when sent).
fn encode(name: &str, record_type: RecordType) -> Result<(Name, Vec<u8>), Failure> {
    let fqdn = format!("{name}.");
    // Addresses' query names are plain ASCII: skip the IDNA mapping then.
    let name = if fqdn.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
        Name::from_ascii(&fqdn)
    } else {
        Name::from_utf8(&fqdn)
    }
    .map_err(|e| Failure::BadName(e.to_string()))?;
    let mut message = Message::new(0, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(name.clone(), record_type));
    let wire = message.to_vec().map_err(|e| Failure::BadName(e.to_string()))?;
    Ok((name, wire))
}

/// Whether `message` is a response whose single question is ours.
fn answers_question(message: &Message, name: &Name, record_type: RecordType) -> bool {
    message.metadata.message_type == MessageType::Response
        && message.queries.len() == 1
        && message.queries.first().is_some_and(|q| {
            q.query_type() == record_type && q.query_class() == DNSClass::IN && q.name() == name
        })
}

/// What an answer to a query says, once it is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// NOERROR or NXDOMAIN, with the records.
    Answer(Answer),
    /// The TC bit: ask again over TCP.
    Truncated,
    /// Another response code (SERVFAIL, REFUSED, ...).
    Error(ResponseCode),
}

/// Why a datagram was not taken as the answer to a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// Not a DNS message (garbage, cut short, or a record that does not decode).
    #[error("not a DNS message")]
    Malformed,
    /// A DNS message, but not a response with this query's ID and question.
    #[error("not an answer to this query")]
    NotOurs,
    /// More records in the answer section than [`MAX_ANSWER_RECORDS`].
    #[error("more than {MAX_ANSWER_RECORDS} records")]
    TooManyRecords,
    /// A record of a type, class or owner name the question does not ask for (an A
    /// answer holding TXT records, say).
    #[error("a {0} record in an answer to a {1} query")]
    WrongType(String, String),
    /// A TXT record longer than [`MAX_TXT_LEN`] bytes.
    #[error("a TXT record longer than {MAX_TXT_LEN} bytes")]
    TxtTooLong,
}

/// Decodes `packet` as the answer to the query with `id` for `name` (a fully
/// qualified name) of `record_type` (A or TXT), or says why it is not one.
///
/// Accepted: a response with that ID and that single question (case-insensitive
/// name, type, class IN) whose answer section holds at most [`MAX_ANSWER_RECORDS`]
/// records, each of class IN, owned by the question's name (or by a CNAME target
/// of the answer), and either of the question's type or a CNAME; TXT records at most
/// [`MAX_TXT_LEN`] bytes. Never panics, whatever the bytes.
pub(crate) fn decode_answer(
    packet: &[u8],
    id: u16,
    name: &Name,
    record_type: RecordType,
) -> Result<Decoded, Rejection> {
    let message = Message::from_vec(packet).map_err(|_| Rejection::Malformed)?;
    if message.metadata.id != id || !answers_question(&message, name, record_type) {
        return Err(Rejection::NotOurs);
    }
    if message.metadata.truncation {
        return Ok(Decoded::Truncated);
    }
    match message.metadata.response_code {
        ResponseCode::NoError | ResponseCode::NXDomain => {}
        code => return Ok(Decoded::Error(code)),
    }
    if message.answers.len() > MAX_ANSWER_RECORDS {
        return Err(Rejection::TooManyRecords);
    }
    let mut owners: Vec<&Name> = vec![name];
    for record in &message.answers {
        if let RData::CNAME(target) = &record.data {
            owners.push(&target.0);
        }
    }
    for record in &message.answers {
        let kind = record.record_type();
        let expected = kind == record_type || kind == RecordType::CNAME;
        if !expected || record.dns_class != DNSClass::IN || !owners.contains(&&record.name) {
            return Err(Rejection::WrongType(kind.to_string(), record_type.to_string()));
        }
        if let RData::TXT(txt) = &record.data {
            if txt.txt_data.iter().map(|part| part.len()).sum::<usize>() > MAX_TXT_LEN {
                return Err(Rejection::TxtTooLong);
            }
        }
    }
    Ok(Decoded::Answer(decode(&message)))
}

/// What a response means for the query.
#[cfg(test)]
fn outcome_of(message: &Message) -> Outcome {
    match message.metadata.response_code {
        ResponseCode::NoError | ResponseCode::NXDomain => Ok(decode(message)),
        code => Err(Failure::Rcode(code)),
    }
}

/// The records of a NOERROR or NXDOMAIN answer, and how long to keep it: the
/// smallest TTL of the answer section, or for an empty answer the SOA's negative
/// TTL (RFC 2308); without either the answer is not cached.
fn decode(message: &Message) -> Answer {
    let mut answer = Answer::default();
    for record in &message.answers {
        match &record.data {
            RData::A(a) => answer.a.push(a.0),
            RData::TXT(txt) => answer.txt.push(
                txt.txt_data.iter().map(|part| String::from_utf8_lossy(part)).collect::<String>(),
            ),
            _ => {}
        }
    }
    answer.ttl = if message.answers.is_empty() {
        message.authorities.iter().find_map(|r| match &r.data {
            RData::SOA(soa) => Some(r.ttl.min(soa.minimum)),
            _ => None,
        })
    } else {
        message.answers.iter().map(|r| r.ttl).min()
    };
    answer
}

/// One query over TCP (RFC 1035 §4.2.2 framing).
async fn tcp_query(
    server: SocketAddr,
    wire: &[u8],
    name: &Name,
    record_type: RecordType,
) -> Outcome {
    let network = |e: std::io::Error| Failure::Network(format!("TCP to {server}: {e}"));
    let mut stream = TcpStream::connect(server).await.map_err(network)?;
    let len = u16::try_from(wire.len()).map_err(|_| Failure::Network("query too long".into()))?;
    let mut framed = Vec::with_capacity(wire.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(wire);
    stream.write_all(&framed).await.map_err(network)?;
    let id = wire.get(..2).map(|b| u16::from_be_bytes([b[0], b[1]])).unwrap_or_default();
    loop {
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).await.map_err(network)?;
        let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut body).await.map_err(network)?;
        match decode_answer(&body, id, name, record_type) {
            Ok(Decoded::Answer(answer)) => return Ok(answer),
            Ok(Decoded::Error(code)) => return Err(Failure::Rcode(code)),
            Ok(Decoded::Truncated) => return Err(Failure::Network("truncated over TCP".into())),
            Err(Rejection::Malformed | Rejection::NotOurs) => {}
            Err(why) => return Err(Failure::Rejected(why)),
        }
    }
}

/// Query IDs from the operating system's CSPRNG (`getrandom`), drawn 32 at a time:
/// an off-path forger cannot predict the next ID from the ones seen.
#[derive(Debug, Default)]
struct IdSource {
    pool: [u8; 32],
    /// Bytes of `pool` already used; 64 (or a fresh source's 0 with `filled` false)
    /// means refill.
    used: usize,
    filled: bool,
    /// Mixed in should the CSPRNG fail (it does not on Linux): IDs then still
    /// differ, from the process's random hash keys and a counter.
    fallback: u64,
}

impl IdSource {
    fn next(&mut self) -> u16 {
        if !self.filled || self.used + 2 > self.pool.len() {
            self.filled = getrandom::fill(&mut self.pool).is_ok();
            self.used = 0;
            if !self.filled {
                self.fallback = self.fallback.wrapping_add(1);
                let mut hasher = RandomState::new().build_hasher();
                hasher.write_u64(self.fallback);
                return (hasher.finish() >> 48) as u16;
            }
        }
        let id = u16::from_be_bytes([self.pool[self.used], self.pool[self.used + 1]]);
        self.used += 2;
        id
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn query_encoding_sets_rd_and_question() {
        let (name, wire) = encode("2.0.0.127.bl.test", RecordType::A).unwrap();
        let message = Message::from_vec(&wire).unwrap();
        assert!(message.metadata.recursion_desired);
        assert_eq!(message.metadata.message_type, MessageType::Query);
        assert_eq!(message.queries.len(), 1);
        assert_eq!(message.queries[0].name(), &name);
        assert_eq!(message.queries[0].query_type(), RecordType::A);
    }

    #[test]
    fn question_must_match() {
        let (name, wire) = encode("2.0.0.127.bl.test", RecordType::A).unwrap();
        let mut message = Message::from_vec(&wire).unwrap();
        assert!(!answers_question(&message, &name, RecordType::A), "a query is no answer");
        message.metadata.message_type = MessageType::Response;
        assert!(answers_question(&message, &name, RecordType::A));
        let upper = Name::from_ascii("2.0.0.127.BL.TEST.").unwrap();
        assert!(answers_question(&message, &upper, RecordType::A), "case-insensitive");
        assert!(!answers_question(&message, &name, RecordType::TXT));
        let other = Name::from_ascii("3.0.0.127.bl.test.").unwrap();
        assert!(!answers_question(&message, &other, RecordType::A));
    }

    #[test]
    fn cache_honours_ttl() {
        let cache = Cache::default();
        let now = Instant::now();
        let key = ("2.0.0.127.bl.test".to_string(), RecordType::A);
        let answer = Answer { a: vec![Ipv4Addr::new(127, 0, 0, 2)], txt: vec![], ttl: Some(60) };
        cache.put(key.clone(), &answer, now);
        assert_eq!(cache.get(&key, now + Duration::from_secs(59)), Some(answer));
        assert_eq!(cache.get(&key, now + Duration::from_secs(60)), None);
        assert_eq!(cache.get(&(key.0.clone(), RecordType::TXT), now), None);
        // TTL 0 and uncacheable answers are not kept.
        for ttl in [Some(0), None] {
            let other = ("3.0.0.127.bl.test".to_string(), RecordType::A);
            cache.put(other.clone(), &Answer { a: vec![], txt: vec![], ttl }, now);
            assert_eq!(cache.get(&other, now), None);
        }
    }

    #[test]
    fn negative_ttl_from_soa() {
        use hickory_resolver::proto::rr::rdata::SOA;
        use hickory_resolver::proto::rr::Record;
        let name = Name::from_ascii("1.0.0.127.bl.test.").unwrap();
        let mut message = Message::new(7, MessageType::Response, OpCode::Query);
        message.metadata.response_code = ResponseCode::NXDomain;
        message.add_query(Query::query(name, RecordType::A));
        let zone = Name::from_ascii("bl.test.").unwrap();
        let soa = SOA::new(zone.clone(), zone.clone(), 1, 600, 300, 86400, 30);
        message.add_authority(Record::from_rdata(zone, 120, RData::SOA(soa)));
        let answer = outcome_of(&message).unwrap();
        assert!(answer.a.is_empty());
        assert_eq!(answer.ttl, Some(30));
        message.metadata.response_code = ResponseCode::ServFail;
        assert_eq!(outcome_of(&message), Err(Failure::Rcode(ResponseCode::ServFail)));
    }

    #[test]
    fn ids_vary() {
        let mut source = IdSource::default();
        let ids: std::collections::HashSet<u16> = (0..1000).map(|_| source.next()).collect();
        assert!(ids.len() > 900, "{}", ids.len());
    }
}
