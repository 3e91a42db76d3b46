//! The I/O part: asking DNS, within a deadline.

use std::net::IpAddr;

use hickory_resolver::config::{
    NameServerConfig, ProtocolConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;

use crate::catalog::{Catalog, Zone};
use crate::error::RblError;
use crate::query::{interpret, query_name};
use crate::selftest::{Entry, Probe, SelfTests, ZoneTests};
use crate::transport::{Cache, Failure, Outcome, Session, Upstream};
use crate::{CheckerConfig, Listing, ListingStatus, Subject, UnknownCause};

/// At most this many queries of one [`Checker::check`] call are on the wire at once;
/// the others wait their turn. A server's socket buffer holds only so many queries
/// (rbldnsd with Linux defaults: about 128; 128 in flight already overflowed it now
/// and then); a lost query is sent again, but only after `query_timeout`, so staying
/// under that keeps bulk checks fast. 100 is also what dnsperf uses by default.
const MAX_IN_FLIGHT: usize = 100;

/// Runs lookups.
///
/// Built once from a [`CheckerConfig`] and a [`Catalog`]; [`Checker::check`] and
/// [`Checker::resolve_host`] then need a Tokio runtime (with the time driver).
///
/// ```no_run
/// use rebound_rbl::{Catalog, Checker, CheckerConfig, Subject};
/// # async fn run() -> Result<(), rebound_rbl::RblError> {
/// let catalog = Catalog::builtin();
/// let checker = Checker::new(CheckerConfig::default(), catalog.clone())?;
/// let zones: Vec<_> = catalog.default_zones().collect();
/// let listings = checker.check(&[Subject::Ip("203.0.113.45".parse().unwrap())], &zones).await;
/// for l in listings {
///     println!("{} in {}: {:?} {:?}", l.subject, l.zone, l.status, l.error);
/// }
/// # Ok(()) }
/// ```
pub struct Checker {
    /// For [`Checker::resolve_host`] only; blocklist queries use [`Session`]s.
    resolver: TokioResolver,
    upstream: Upstream,
    /// Blocklist answers, kept for their TTL.
    cache: Cache,
    config: CheckerConfig,
    catalog: Catalog,
    /// RFC 5782 self-test results, by zone name: each zone is tested once per
    /// configuration ([`CheckerConfig::self_tests`]).
    health: SelfTests,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("config", &self.config)
            .field("zones", &self.catalog.zones().len())
            .finish_non_exhaustive()
    }
}

impl Checker {
    /// Builds a checker.
    ///
    /// With `config.nameservers` empty the system configuration (`/etc/resolv.conf`)
    /// names the servers; if it cannot be read or names none, this fails with
    /// [`RblError::SystemConfig`]. Otherwise queries go over UDP (TCP for truncated
    /// answers) to exactly the given addresses and ports. The hosts file is never
    /// consulted. A blocklist query is sent again (to the next server, if there are
    /// several) each time `config.query_timeout` passes without an answer, until
    /// `config.deadline`; answers are cached for their TTL.
    ///
    /// ```
    /// use std::time::Duration;
    /// use rebound_rbl::{Catalog, Checker, CheckerConfig};
    /// let mut config = CheckerConfig::default();
    /// config.nameservers = vec!["127.0.0.1:5353".parse().unwrap()];
    /// config.deadline = Duration::from_secs(2);
    /// config.query_timeout = Duration::from_millis(500);
    /// let checker = Checker::new(config, Catalog::builtin()).unwrap();
    /// assert_eq!(checker.config().deadline, Duration::from_secs(2));
    /// ```
    pub fn new(config: CheckerConfig, catalog: Catalog) -> Result<Checker, RblError> {
        let (resolver_config, mut opts) = if config.nameservers.is_empty() {
            let (system, opts) = hickory_resolver::system_conf::read_system_conf()
                .map_err(|e| RblError::SystemConfig(format!("/etc/resolv.conf: {e}")))?;
            if system.name_servers().is_empty() {
                return Err(RblError::SystemConfig(
                    "/etc/resolv.conf names no nameserver; give name servers explicitly".into(),
                ));
            }
            (system, opts)
        } else {
            let servers = config
                .nameservers
                .iter()
                .map(|addr| {
                    let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                    for connection in &mut ns.connections {
                        connection.port = addr.port();
                    }
                    ns
                })
                .collect();
            (ResolverConfig::from_parts(None, Vec::new(), servers), ResolverOpts::default())
        };
        let servers = if config.nameservers.is_empty() {
            resolver_config.name_servers().iter().map(udp_address).collect()
        } else {
            config.nameservers.clone()
        };
        let upstream =
            Upstream { servers, query_timeout: config.query_timeout, max_in_flight: MAX_IN_FLIGHT };
        opts.timeout = config.query_timeout;
        opts.attempts = 1;
        opts.use_hosts_file = ResolveHosts::Never;
        opts.max_active_requests = MAX_IN_FLIGHT * 2;
        let resolver =
            TokioResolver::builder_with_config(resolver_config, TokioRuntimeProvider::default())
                .with_options(opts)
                .build()
                .map_err(|e| RblError::Resolver(e.to_string()))?;
        Ok(Checker {
            resolver,
            upstream,
            cache: Cache::default(),
            health: config.self_tests.clone(),
            config,
            catalog,
        })
    }

    /// The configuration this checker was built with.
    pub fn config(&self) -> &CheckerConfig {
        &self.config
    }

    /// The catalog this checker was built with.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Looks every subject up in every given zone, all at once.
    ///
    /// Repeated subjects and zones are asked once. Zones that cannot list a subject
    /// (an IPv6 address on an IPv4-only zone, a domain on an address zone) are skipped.
    /// One [`Listing`] per remaining (subject, zone) pair comes back, in subject order,
    /// then zone order. Listed subjects get a TXT query too. NXDOMAIN and an empty
    /// answer mean not listed, but only from a zone whose test entry
    /// ([`Zone::test_entry`], asked alongside) answered "listed" in the same run;
    /// otherwise the listing is unknown with [`UnknownCause::TestEntryNotListed`] or
    /// [`UnknownCause::TestEntryUnanswered`]. A zone that says "listed" is also asked
    /// its must-not-be-listed entry, and when it lists that too none of its answers
    /// count. Addresses that are not public ([`crate::is_public`]) are not asked:
    /// their listings are unknown with [`UnknownCause::NotPublic`]. Timeouts,
    /// SERVFAIL, REFUSED and refusal codes mean unknown. The whole call ends by `config.deadline`: whatever has not been
    /// answered by then is unknown with the error "no answer within the Ns deadline".
    pub async fn check(&self, subjects: &[Subject], zones: &[&Zone]) -> Vec<Listing> {
        let mut unique_subjects: Vec<&Subject> = Vec::new();
        for subject in subjects {
            if !unique_subjects.contains(&subject) {
                unique_subjects.push(subject);
            }
        }
        let mut unique_zones: Vec<&Zone> = Vec::new();
        for zone in zones {
            if !unique_zones.iter().any(|z| z.name.eq_ignore_ascii_case(&zone.name)) {
                unique_zones.push(zone);
            }
        }

        // (query name, zone index, listing index) of each A query to make.
        let mut jobs: Vec<(String, usize, usize)> = Vec::new();
        let mut listings: Vec<Listing> = Vec::new();
        let mut listing_zone: Vec<usize> = Vec::new();
        for subject in &unique_subjects {
            let reserved = match subject {
                Subject::Ip(ip) => crate::is_public(*ip).err(),
                Subject::Domain(_) => None,
            };
            for (z, zone) in unique_zones.iter().enumerate() {
                if !zone.accepts(subject) {
                    continue;
                }
                let mut listing =
                    Listing::new(subject.to_string(), zone.name.clone(), ListingStatus::Unknown);
                match reserved {
                    Some(range) => {
                        listing.cause = Some(UnknownCause::NotPublic);
                        listing.error = Some(format!(
                            "not asked: {subject} is a {range} address, which no public list lists; asking would tell the list about your network"
                        ));
                    }
                    None => {
                        jobs.push((query_name(subject, &self.query_zone(zone)), z, listings.len()))
                    }
                }
                listings.push(listing);
                listing_zone.push(z);
            }
        }

        let deadline = tokio::time::Instant::now() + self.config.deadline;
        let mut session = Session::new(&self.upstream, &self.cache, deadline);
        session.reserve(jobs.len() * 11 / 10 + unique_zones.len());
        // What each submitted query (by token) is for.
        let mut purposes: Vec<Purpose> = Vec::with_capacity(jobs.len() * 11 / 10);
        let mut tests: Vec<ZoneTests> = vec![ZoneTests::default(); unique_zones.len()];
        // The must-be-listed entry of every zone asked (the must-not-be-listed one
        // too with `verify_lists`), alongside the subjects: no round trip added.
        let mut asked = vec![false; unique_zones.len()];
        for &(_, z, _) in &jobs {
            asked[z] = true;
        }
        let mut entries = vec![Entry::Listed];
        if self.config.verify_lists {
            entries.push(Entry::NeverListed);
        }
        for (z, zone) in unique_zones.iter().enumerate().filter(|(z, _)| asked[*z]) {
            for &entry in &entries {
                self.ask_entry(&mut session, &mut purposes, &mut tests[z], z, zone, entry);
            }
        }
        for (j, (name, _, _)) in jobs.iter().enumerate() {
            session.submit(name, RecordType::A);
            purposes.push(Purpose::A(j));
        }
        while let Some((token, outcome)) = session.next().await {
            match purposes.get(token).copied() {
                Some(Purpose::A(j)) => {
                    let (name, z, i) = &jobs[j];
                    let (z, i) = (*z, *i);
                    let zone = unique_zones[z];
                    let listing = &mut listings[i];
                    self.apply_a_answer(listing, zone, outcome);
                    if listing.status == ListingStatus::Listed {
                        session.submit(name, RecordType::TXT);
                        purposes.push(Purpose::Txt(i));
                        // Trust, but verify: a zone that says "listed" must not list
                        // everything.
                        let entry = Entry::NeverListed;
                        self.ask_entry(&mut session, &mut purposes, &mut tests[z], z, zone, entry);
                    }
                }
                Some(Purpose::Txt(i)) => {
                    if let Ok(answer) = outcome {
                        listings[i].txt = answer.txt;
                    }
                }
                Some(Purpose::Test(z, entry)) => {
                    let describe = |f: &Failure| self.hide_key(f.describe(self.config.deadline));
                    tests[z].record(unique_zones[z], entry, outcome, describe, &self.health);
                }
                None => {}
            }
        }
        for (listing, &z) in listings.iter_mut().zip(&listing_zone) {
            if listing.cause.is_none() {
                tests[z].apply(listing, unique_zones[z]);
            }
        }
        listings
    }

    /// Asks `zone` for its test `entry`, unless this configuration already knows the
    /// answer or this check already asked.
    fn ask_entry(
        &self,
        session: &mut Session<'_>,
        purposes: &mut Vec<Purpose>,
        tests: &mut ZoneTests,
        z: usize,
        zone: &Zone,
        entry: Entry,
    ) {
        let probe = tests.probe(entry);
        if *probe != Probe::NotAsked {
            return;
        }
        if let Some(lists) = self.health.get(zone, entry) {
            *probe = Probe::Known(lists);
            return;
        }
        let subject = match entry {
            Entry::Listed => zone.test_entry(),
            Entry::NeverListed => zone.never_listed_entry(),
        };
        *probe = Probe::Pending;
        // Tokens are handed out in order, one per submit, as `purposes` is filled.
        session.submit(&query_name(&subject, &self.query_zone(zone)), RecordType::A);
        purposes.push(Purpose::Test(z, entry));
    }

    /// Resolves a host name to its addresses (A and AAAA), within `config.deadline`.
    ///
    /// An IP address literal is returned as it is. A name that does not exist gives
    /// [`RblError::NoSuchHost`], one without addresses [`RblError::NoAddresses`], no
    /// answer in time [`RblError::Deadline`], anything else [`RblError::Resolve`].
    pub async fn resolve_host(&self, host: &str) -> Result<Vec<IpAddr>, RblError> {
        let trimmed = host.trim().trim_end_matches('.');
        if let Ok(ip) = trimmed.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        if trimmed.is_empty() {
            return Err(RblError::Resolve {
                host: host.to_string(),
                cause: "empty host name".into(),
            });
        }
        let fqdn = format!("{trimmed}.");
        let both = futures_util::future::join(
            self.resolver.lookup(fqdn.as_str(), RecordType::A),
            self.resolver.lookup(fqdn.as_str(), RecordType::AAAA),
        );
        let (a, aaaa) = tokio::time::timeout(self.config.deadline, both).await.map_err(|_| {
            RblError::Deadline { host: trimmed.to_string(), deadline: self.config.deadline }
        })?;

        let mut addrs = Vec::new();
        for lookup in [&a, &aaaa].into_iter().flatten() {
            for record in lookup.answers() {
                let ip = match &record.data {
                    RData::A(a) => IpAddr::V4(a.0),
                    RData::AAAA(aaaa) => IpAddr::V6(aaaa.0),
                    _ => continue,
                };
                if !addrs.contains(&ip) {
                    addrs.push(ip);
                }
            }
        }
        if !addrs.is_empty() {
            return Ok(addrs);
        }
        let host = trimmed.to_string();
        let errors: Vec<&NetError> =
            [&a, &aaaa].into_iter().filter_map(|r| r.as_ref().err()).collect();
        if errors.iter().any(|e| e.is_nx_domain()) {
            return Err(RblError::NoSuchHost { host });
        }
        match errors.iter().find(|e| describe_failure(e).is_some()) {
            Some(e) => {
                Err(RblError::Resolve { host, cause: describe_failure(e).unwrap_or_default() })
            }
            None => Err(RblError::NoAddresses { host }),
        }
    }

    /// The zone under which to ask: its DQS twin when there is a key.
    fn query_zone<'z>(&self, zone: &'z Zone) -> std::borrow::Cow<'z, str> {
        zone.query_zone(self.config.dqs_key.as_ref())
    }

    /// Fills `listing` from the A query's outcome.
    fn apply_a_answer(&self, listing: &mut Listing, zone: &Zone, outcome: Outcome) {
        match outcome {
            Ok(answer) => {
                let meaning = interpret(zone, &answer.a);
                listing.status = meaning.status;
                listing.codes = meaning.codes;
                listing.meanings = meaning.meanings;
                listing.error = meaning.error;
                listing.refusal_code = meaning.refusal_code;
            }
            Err(failure) => {
                listing.status = ListingStatus::Unknown;
                listing.error = Some(self.hide_key(failure.describe(self.config.deadline)));
            }
        }
    }

    /// `text` with the DQS key, should a failure quote the query name, replaced by
    /// `<key>`: the key is a secret and listings are printed.
    fn hide_key(&self, text: String) -> String {
        match &self.config.dqs_key {
            Some(key) if text.to_ascii_lowercase().contains(key.as_str()) => {
                let lower = text.to_ascii_lowercase();
                let mut out = String::with_capacity(text.len());
                let mut from = 0;
                for (at, _) in lower.match_indices(key.as_str()) {
                    out.push_str(&text[from..at]);
                    out.push_str("<key>");
                    from = at + key.as_str().len();
                }
                out.push_str(&text[from..]);
                out
            }
            _ => text,
        }
    }
}

/// What a query of [`Checker::check`] is for.
#[derive(Debug, Clone, Copy)]
enum Purpose {
    /// The A query of job `j`.
    A(usize),
    /// The TXT query for listing `i`, listed.
    Txt(usize),
    /// A test entry of zone `z`.
    Test(usize, Entry),
}

/// The UDP address of a configured name server (port 53 unless its config says).
fn udp_address(ns: &NameServerConfig) -> std::net::SocketAddr {
    let port = ns
        .connections
        .iter()
        .find(|c| matches!(c.protocol, ProtocolConfig::Udp))
        .or(ns.connections.first())
        .map_or(53, |c| c.port);
    std::net::SocketAddr::new(ns.ip, port)
}

/// `None` when the error is a negative answer (NXDOMAIN, or NOERROR without records);
/// otherwise the cause in words.
fn describe_failure(error: &NetError) -> Option<String> {
    let cause = match error {
        NetError::Dns(DnsError::NoRecordsFound(no_records)) => match no_records.response_code {
            ResponseCode::NXDomain | ResponseCode::NoError => return None,
            code => format!("error response ({code})"),
        },
        NetError::Dns(DnsError::ResponseCode(code)) => response_code_text(*code),
        NetError::Timeout => "timed out".to_string(),
        NetError::Io(e) => format!("network error: {e}"),
        NetError::NoConnections => "no name server could be reached".to_string(),
        NetError::Busy => "resolver busy".to_string(),
        other => other.to_string(),
    };
    Some(cause)
}

pub(crate) fn response_code_text(code: ResponseCode) -> String {
    match code {
        ResponseCode::ServFail => "server failure (SERVFAIL)".to_string(),
        ResponseCode::Refused => "refused (REFUSED)".to_string(),
        ResponseCode::FormErr => "format error (FORMERR)".to_string(),
        ResponseCode::NotImp => "not implemented (NOTIMP)".to_string(),
        other => format!("error response ({other})"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::error::fmt_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(Duration::from_secs(5)), "5s");
        assert_eq!(fmt_duration(Duration::from_millis(800)), "800ms");
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn the_key_is_hidden_in_any_case() {
        let config = CheckerConfig {
            nameservers: vec!["127.0.0.1:53".parse().unwrap()],
            dqs_key: Some(crate::DqsKey::new("SecretKey0123").unwrap()),
            ..CheckerConfig::default()
        };
        let checker = Checker::new(config, Catalog::builtin()).unwrap();
        assert_eq!(
            checker.hide_key("bad name 1.secretkey0123.zen.dq and SECRETKEY0123.".into()),
            "bad name 1.<key>.zen.dq and <key>."
        );
        assert_eq!(checker.hide_key("timed out".into()), "timed out");
        assert!(!format!("{checker:?}").to_ascii_lowercase().contains("secretkey"));
    }

    #[test]
    fn failures_described() {
        assert_eq!(describe_failure(&NetError::Timeout).as_deref(), Some("timed out"));
        assert_eq!(
            describe_failure(&NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)))
                .as_deref(),
            Some("server failure (SERVFAIL)")
        );
        assert_eq!(
            describe_failure(&NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)))
                .as_deref(),
            Some("refused (REFUSED)")
        );
    }
}
