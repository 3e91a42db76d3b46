//! Asynchronous DNS blocklist (DNSBL / RHSBL) lookups.
//!
//! A [`Catalog`] knows the lists: zone names, what each return code means, where to
//! ask for removal. A [`Checker`] asks them, all in parallel, within a deadline,
//! over a small purpose-built DNS client (a fresh UDP socket and random source port
//! every 16 queries, IDs from the OS CSPRNG, answers taken only from the server asked
//! with the question matching and within record limits, queries encoded and answers
//! decoded with hickory-proto, lost packets sent again, TCP for truncated answers,
//! answers cached for their TTL), and turns every answer into a [`Listing`] that is
//! `listed`, `not listed`, or `unknown` with its cause. A refused query, a SERVFAIL, a
//! timeout or a "your resolver is refused" code is never "not listed", and neither is
//! an empty answer from a list whose test entry ([`Zone::test_entry`]) did not answer
//! "listed" in the same run. Private and reserved addresses are never asked
//! ([`is_public`]).
//!
//! The pure parts, [`query_name`] and [`interpret`], need no network, and with the
//! default feature `dns` turned off the crate is only the catalog and these (no
//! tokio, no hickory): that is how `rebound-verdict` reads the catalog.
//!
//! ```
//! use rebound_rbl::{interpret, query_name, Catalog, ListingStatus, Subject};
//! let catalog = Catalog::builtin();
//! let zen = catalog.get("zen.spamhaus.org").unwrap();
//! let subject = Subject::parse("203.0.113.45");
//! assert_eq!(query_name(&subject, &zen.name), "45.113.0.203.zen.spamhaus.org");
//! let answer = interpret(zen, &["127.0.0.4".parse().unwrap()]);
//! assert_eq!(answer.status, ListingStatus::Listed);
//! ```
#![deny(missing_docs)]
// The documentation names the `Checker`, which exists only with the `dns` feature.
#![cfg_attr(not(feature = "dns"), allow(rustdoc::broken_intra_doc_links))]

#[cfg(feature = "dns")]
use std::net::SocketAddr;
use std::net::{IpAddr, Ipv4Addr};
#[cfg(feature = "dns")]
use std::time::Duration;

mod batch;
mod catalog;
#[cfg(feature = "dns")]
mod checker;
mod dqs;
mod error;
mod query;
#[cfg(feature = "dns")]
mod selftest;
mod subject;
#[cfg(feature = "dns")]
mod transport;

#[cfg(feature = "dns")]
pub use batch::check_batch;
pub use batch::{BatchAnswers, BatchRequest};
pub use catalog::{Catalog, CodeKind, List, ReturnCode, Zone, ZoneKind};
#[cfg(feature = "dns")]
pub use checker::Checker;
pub use dqs::{DqsKey, DqsKeyError};
pub use error::{CatalogError, RblError};
pub use query::{interpret, query_name, Interpretation};
#[cfg(feature = "dns")]
pub use selftest::SelfTests;
pub use subject::{is_public, parse_subjects, SubjectError, MAX_RANGE_ADDRESSES};

/// The DNS answer decoding, exposed for the fuzz target (`fuzz/fuzz_targets/dns_answer.rs`)
/// and its regression tests; not a stable interface.
#[cfg(feature = "dns")]
#[doc(hidden)]
pub mod fuzzing {
    use std::net::Ipv4Addr;

    use hickory_resolver::proto::rr::{Name, RecordType};

    use crate::transport::{decode_answer, Decoded};
    pub use crate::transport::{Rejection, MAX_ANSWER_RECORDS, MAX_TXT_LEN};

    /// Decodes `packet` as the answer to query `id` for `name` (A, or TXT when
    /// `txt`): the A addresses and TXT texts, `None` for a truncated answer or an
    /// error code, or why it was rejected. Never panics.
    ///
    /// ```
    /// use rebound_rbl::fuzzing::{dns_answer, Rejection};
    /// assert_eq!(dns_answer(b"junk", 1, "2.0.0.127.bl.test", false), Err(Rejection::Malformed));
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn dns_answer(
        packet: &[u8],
        id: u16,
        name: &str,
        txt: bool,
    ) -> Result<Option<(Vec<Ipv4Addr>, Vec<String>)>, Rejection> {
        let name = Name::from_ascii(format!("{}.", name.trim_end_matches('.')))
            .map_err(|_| Rejection::NotOurs)?;
        let record_type = if txt { RecordType::TXT } else { RecordType::A };
        match decode_answer(packet, id, &name, record_type)? {
            Decoded::Answer(answer) => Ok(Some((answer.a, answer.txt))),
            Decoded::Truncated | Decoded::Error(_) => Ok(None),
        }
    }

    /// [`dns_answer`] with the packet's own ID and question (name; A, or TXT when
    /// `txt`) as the expected ones, when it has one: lets a fuzzer past the checks
    /// into the record limits.
    ///
    /// ```
    /// assert!(rebound_rbl::fuzzing::dns_answer_self(b"junk", false).is_err());
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn dns_answer_self(
        packet: &[u8],
        txt: bool,
    ) -> Result<Option<(Vec<Ipv4Addr>, Vec<String>)>, Rejection> {
        use hickory_resolver::proto::op::Message;
        let message = Message::from_vec(packet).map_err(|_| Rejection::Malformed)?;
        let name = message.queries.first().ok_or(Rejection::NotOurs)?.name().to_ascii();
        dns_answer(packet, message.metadata.id, &name, txt)
    }
}

/// Something to look up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A domain name, for domain lists.
    Domain(String),
}

impl Subject {
    /// An address if `text` is one, a domain name otherwise (trailing dot removed).
    ///
    /// ```
    /// use rebound_rbl::Subject;
    /// assert_eq!(Subject::parse("192.0.2.1"), Subject::Ip("192.0.2.1".parse().unwrap()));
    /// assert_eq!(Subject::parse("example.com."), Subject::Domain("example.com".into()));
    /// ```
    pub fn parse(text: &str) -> Subject {
        let text = text.trim();
        match text.parse::<IpAddr>() {
            Ok(ip) => Subject::Ip(ip),
            Err(_) => Subject::Domain(text.trim_end_matches('.').to_string()),
        }
    }
}

impl From<IpAddr> for Subject {
    fn from(ip: IpAddr) -> Self {
        Subject::Ip(ip)
    }
}

impl std::fmt::Display for Subject {
    /// The address or the domain name, as text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Ip(ip) => write!(f, "{ip}"),
            Subject::Domain(d) => f.write_str(d.trim_end_matches('.')),
        }
    }
}

/// How to reach DNS.
///
/// ```
/// use std::time::Duration;
/// let mut config = rebound_rbl::CheckerConfig::default();
/// assert!(config.nameservers.is_empty()); // the system's resolvers
/// config.deadline = Duration::from_secs(3);
/// config.dqs_key = Some(rebound_rbl::DqsKey::new("abcdefghij0123456789abcdef").unwrap());
/// assert!(!format!("{config:?}").contains("abcdefghij")); // the key stays hidden
/// ```
#[cfg(feature = "dns")]
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CheckerConfig {
    /// Name servers to use; empty means the system's (`/etc/resolv.conf`).
    pub nameservers: Vec<SocketAddr>,
    /// The deadline for a whole [`Checker::check`] call.
    pub deadline: Duration,
    /// How long to wait for one answer before retrying.
    pub query_timeout: Duration,
    /// Also ask every zone's must-not-be-listed entry (`127.0.0.1`, `invalid`), not
    /// only that of zones that answer "listed". (The must-be-listed entry is always
    /// asked: a zone's "not listed" counts only when that entry answered "listed" in
    /// the same run; see [`Zone::test_entry`].)
    pub verify_lists: bool,
    /// A Spamhaus DQS key: the Spamhaus zones that have a DQS twin
    /// ([`Zone::dqs`]) are asked as `KEY.zen.dq.spamhaus.net` and so on instead of
    /// the public mirrors, which refuse public and cloud resolvers. Listings still
    /// name the public zone, and the key never appears in them.
    pub dqs_key: Option<DqsKey>,
    /// The zones' RFC 5782 self-test results, shared by every checker built from this
    /// configuration or a clone of it: a run that makes a checker per batch tests
    /// each zone once, not once per batch.
    pub self_tests: SelfTests,
}

#[cfg(feature = "dns")]
impl Default for CheckerConfig {
    fn default() -> Self {
        CheckerConfig {
            nameservers: Vec::new(),
            deadline: Duration::from_secs(5),
            query_timeout: Duration::from_millis(1500),
            verify_lists: false,
            dqs_key: None,
            self_tests: SelfTests::default(),
        }
    }
}

/// The answer of one zone about one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Listing {
    /// The IP address or domain looked up, as text.
    pub subject: String,
    /// The zone asked, by its public name (`zen.spamhaus.org` also when it was asked
    /// through Spamhaus DQS).
    pub zone: String,
    /// Listed, not listed, or unknown.
    pub status: ListingStatus,
    /// The A record values returned (listing codes only).
    pub codes: Vec<Ipv4Addr>,
    /// The meaning of each code, from the catalog.
    pub meanings: Vec<String>,
    /// The TXT records the list gave for this subject.
    pub txt: Vec<String>,
    /// Why the status is unknown (timeout, SERVFAIL, REFUSED, refused resolver), or a
    /// note about ignored answers.
    pub error: Option<String>,
    /// The refusal code the list answered with, when it refused the query rather
    /// than answer it: Spamhaus 127.255.255.254 (public or unattributable resolver),
    /// .255 (too many queries), .252 (no such zone), .250/.251 (DQS key disabled or
    /// rejected), URIBL's 127.0.0.1, ... (the catalog's `refused` codes). The status
    /// is then [`ListingStatus::Unknown`]. A Spamhaus zone that refuses with .254 or
    /// .255 answers through DQS ([`Zone::dqs`]; `CheckerConfig::dqs_key`).
    pub refusal_code: Option<Ipv4Addr>,
    /// Why the status is unknown, when it is for one of the reasons a report words
    /// itself (the list could not be confirmed, the address was not asked); the
    /// details are in [`Listing::error`].
    pub cause: Option<UnknownCause>,
}

/// Why a listing is unknown although the list may well have answered.
///
/// ```
/// use rebound_rbl::UnknownCause;
/// assert!(UnknownCause::TestEntryNotListed.unconfirmed());
/// assert!(!UnknownCause::NotPublic.unconfirmed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnknownCause {
    /// The list's test entry (RFC 5782's `127.0.0.2` / `test`, or the catalog's) was
    /// not listed: this resolver gets no answers from the list (a list that refuses a
    /// resolver often answers "not listed" to everything), so its "not listed" means
    /// nothing.
    TestEntryNotListed,
    /// The list's test entry got no usable answer in time, so its "not listed" could
    /// not be confirmed.
    TestEntryUnanswered,
    /// The address is private, loopback, link-local or otherwise reserved (RFC 6890):
    /// no public list lists it, and it was not sent to them.
    NotPublic,
}

impl UnknownCause {
    /// Whether the list answered but could not be confirmed to answer truthfully.
    pub fn unconfirmed(self) -> bool {
        matches!(self, UnknownCause::TestEntryNotListed | UnknownCause::TestEntryUnanswered)
    }
}

impl Listing {
    /// A listing with no codes, TXT or error (for building results in tests and tools).
    ///
    /// ```
    /// use rebound_rbl::{Listing, ListingStatus};
    /// let l = Listing::new("192.0.2.1", "bl.example.test", ListingStatus::NotListed);
    /// assert!(l.codes.is_empty() && l.error.is_none());
    /// ```
    pub fn new(
        subject: impl Into<String>,
        zone: impl Into<String>,
        status: ListingStatus,
    ) -> Listing {
        Listing {
            subject: subject.into(),
            zone: zone.into(),
            status,
            codes: Vec::new(),
            meanings: Vec::new(),
            txt: Vec::new(),
            error: None,
            refusal_code: None,
            cause: None,
        }
    }
}

/// Whether a subject is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListingStatus {
    /// The zone lists the subject.
    Listed,
    /// The zone answered that it does not.
    NotListed,
    /// No trustworthy answer; see [`Listing::error`].
    Unknown,
}
