//! The I/O part: asking DNS, within a deadline.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::lookup::Lookup;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;
use tokio::sync::Semaphore;

use crate::catalog::{Catalog, Zone, ZoneKind};
use crate::error::RblError;
use crate::query::{interpret, query_name};
use crate::{CheckerConfig, Listing, ListingStatus, Subject};

/// At most this many queries of one [`Checker::check`] call are on the wire at once
/// (a burst of hundreds of UDP queries makes small servers drop packets).
const MAX_IN_FLIGHT: usize = 64;

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
    resolver: TokioResolver,
    config: CheckerConfig,
    catalog: Catalog,
    /// RFC 5782 self-test results, by zone name: each zone is tested once per checker.
    health: Mutex<HashMap<String, ZoneHealth>>,
}

/// What a zone answered for its RFC 5782 test points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ZoneHealth {
    /// The "must be listed" test entry (127.0.0.2, `TEST`): `None` when unknown.
    lists_positive: Option<bool>,
    /// The "must not be listed" test entry (127.0.0.1, `INVALID`).
    lists_negative: Option<bool>,
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
    /// consulted; each query waits `config.query_timeout` and is retried once.
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
        opts.timeout = config.query_timeout;
        opts.attempts = 1;
        opts.use_hosts_file = ResolveHosts::Never;
        opts.max_active_requests = MAX_IN_FLIGHT * 2;
        let resolver =
            TokioResolver::builder_with_config(resolver_config, TokioRuntimeProvider::default())
                .with_options(opts)
                .build()
                .map_err(|e| RblError::Resolver(e.to_string()))?;
        Ok(Checker { resolver, config, catalog, health: Mutex::new(HashMap::new()) })
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
    /// answer mean not listed; timeouts, SERVFAIL, REFUSED and refusal codes mean
    /// unknown. The whole call ends by `config.deadline`: whatever has not been
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

        let mut jobs: Vec<(String, &Zone)> = Vec::new();
        let mut listings: Vec<Listing> = Vec::new();
        for subject in &unique_subjects {
            for zone in &unique_zones {
                if zone.accepts(subject) {
                    jobs.push((query_name(subject, &zone.name), zone));
                    listings.push(Listing::new(
                        subject.to_string(),
                        zone.name.clone(),
                        ListingStatus::Unknown,
                    ));
                }
            }
        }

        let limit = Semaphore::new(MAX_IN_FLIGHT);
        let mut answered = vec![false; jobs.len()];
        let mut pending = FuturesUnordered::new();
        let run = async {
            for (i, (name, _)) in jobs.iter().enumerate() {
                pending.push(self.limited_lookup(&limit, i, name, RecordType::A));
            }
            while let Some((i, record_type, result)) = pending.next().await {
                let (name, zone) = &jobs[i];
                let listing = &mut listings[i];
                if record_type == RecordType::A {
                    answered[i] = true;
                    apply_a_answer(listing, zone, result);
                    if listing.status == ListingStatus::Listed {
                        pending.push(self.limited_lookup(&limit, i, name, RecordType::TXT));
                    }
                } else if let Ok(lookup) = result {
                    listing.txt = txt_strings(&lookup);
                }
            }
            // Trust, but verify: a zone that says "listed" (or every zone, when asked)
            // must pass its RFC 5782 self-test before its answers count.
            let suspects: Vec<&Zone> = unique_zones
                .iter()
                .copied()
                .filter(|zone| {
                    self.config.verify_lists
                        || listings.iter().any(|l| {
                            l.status == ListingStatus::Listed
                                && l.zone.eq_ignore_ascii_case(&zone.name)
                        })
                })
                .collect();
            let healths =
                futures_util::future::join_all(suspects.iter().map(|zone| self.health(zone))).await;
            for (zone, health) in suspects.iter().zip(healths) {
                for listing in
                    listings.iter_mut().filter(|l| l.zone.eq_ignore_ascii_case(&zone.name))
                {
                    apply_health(listing, zone, health, self.config.verify_lists);
                }
            }
        };
        // Whatever is still pending at the deadline is dropped (cancelled) here.
        let _ = tokio::time::timeout(self.config.deadline, run).await;

        let deadline_error =
            format!("no answer within the {} deadline", fmt_duration(self.config.deadline));
        for (listing, done) in listings.iter_mut().zip(&answered) {
            if !done {
                listing.status = ListingStatus::Unknown;
                listing.error = Some(deadline_error.clone());
            }
        }
        listings
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

    /// The zone's RFC 5782 self-test, asked once per checker.
    async fn health(&self, zone: &Zone) -> ZoneHealth {
        let key = zone.name.to_ascii_lowercase();
        if let Some(known) = self.health.lock().ok().and_then(|h| h.get(&key).copied()) {
            return known;
        }
        let (positive, negative) = test_points(zone);
        let ask = |subject: Subject| async move {
            let fqdn = format!("{}.", query_name(&subject, &zone.name));
            match self.resolver.lookup(fqdn.as_str(), RecordType::A).await {
                Ok(lookup) => {
                    let values: Vec<Ipv4Addr> = lookup
                        .answers()
                        .iter()
                        .filter_map(|r| match &r.data {
                            RData::A(a) => Some(a.0),
                            _ => None,
                        })
                        .collect();
                    match interpret(zone, &values).status {
                        ListingStatus::Listed => Some(true),
                        ListingStatus::NotListed => Some(false),
                        ListingStatus::Unknown => None,
                    }
                }
                Err(e) => describe_failure(&e).is_none().then_some(false),
            }
        };
        let (lists_positive, lists_negative) =
            futures_util::future::join(ask(positive), ask(negative)).await;
        let health = ZoneHealth { lists_positive, lists_negative };
        if let Ok(mut known) = self.health.lock() {
            known.insert(key, health);
        }
        health
    }

    /// One query, waiting for a slot among [`MAX_IN_FLIGHT`].
    async fn limited_lookup(
        &self,
        limit: &Semaphore,
        index: usize,
        name: &str,
        record_type: RecordType,
    ) -> (usize, RecordType, Result<Lookup, NetError>) {
        let _permit = limit.acquire().await;
        let fqdn = format!("{name}.");
        (index, record_type, self.resolver.lookup(fqdn.as_str(), record_type).await)
    }
}

/// The RFC 5782 §5 test points of a zone: one that must be listed, one that must not.
fn test_points(zone: &Zone) -> (Subject, Subject) {
    match zone.kind {
        ZoneKind::Domain => {
            (Subject::Domain("test".to_string()), Subject::Domain("invalid".to_string()))
        }
        _ => (
            Subject::Ip(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2))),
            Subject::Ip(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1))),
        ),
    }
}

/// Discounts a zone's answer when its self-test shows it cannot be trusted: a zone
/// that lists its must-not-be-listed entry lists everything (dead or wildcarded); a
/// zone that does not list its must-be-listed entry is refusing this resolver
/// silently, so "not listed" from it means nothing (judged only with
/// `verify_lists`: some live lists skip the positive entry, and a zone that lists
/// something is evidently answering).
fn apply_health(listing: &mut Listing, zone: &Zone, health: ZoneHealth, verify_lists: bool) {
    let (positive, negative) = test_points(zone);
    if health.lists_negative == Some(true) && listing.status != ListingStatus::Unknown {
        listing.status = ListingStatus::Unknown;
        listing.error = Some(format!(
            "{} is broken: it also lists its RFC 5782 test entry {negative}, which no working list does, so it answers \"listed\" for everything (a dead or wildcarded list); its answer is ignored",
            zone.name
        ));
    } else if verify_lists
        && health.lists_positive == Some(false)
        && listing.status == ListingStatus::NotListed
    {
        listing.status = ListingStatus::Unknown;
        listing.error = Some(format!(
            "{} does not list its RFC 5782 test entry {positive}: it is probably refusing your resolver without saying so, so its \"not listed\" cannot be trusted; use your own recursive resolver",
            zone.name
        ));
    }
}

/// Fills `listing` from the A lookup's outcome.
fn apply_a_answer(listing: &mut Listing, zone: &Zone, result: Result<Lookup, NetError>) {
    match result {
        Ok(lookup) => {
            let values: Vec<Ipv4Addr> = lookup
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::A(a) => Some(a.0),
                    _ => None,
                })
                .collect();
            let meaning = interpret(zone, &values);
            listing.status = meaning.status;
            listing.codes = meaning.codes;
            listing.meanings = meaning.meanings;
            listing.error = meaning.error;
        }
        Err(e) => match describe_failure(&e) {
            None => listing.status = ListingStatus::NotListed,
            Some(cause) => {
                listing.status = ListingStatus::Unknown;
                listing.error = Some(cause);
            }
        },
    }
}

/// The TXT strings of a lookup; the character-strings of one record are joined.
fn txt_strings(lookup: &Lookup) -> Vec<String> {
    lookup
        .answers()
        .iter()
        .filter_map(|r| match &r.data {
            RData::TXT(txt) => Some(
                txt.txt_data.iter().map(|part| String::from_utf8_lossy(part)).collect::<String>(),
            ),
            _ => None,
        })
        .collect()
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

fn response_code_text(code: ResponseCode) -> String {
    match code {
        ResponseCode::ServFail => "server failure (SERVFAIL)".to_string(),
        ResponseCode::Refused => "refused (REFUSED)".to_string(),
        ResponseCode::FormErr => "format error (FORMERR)".to_string(),
        ResponseCode::NotImp => "not implemented (NOTIMP)".to_string(),
        other => format!("error response ({other})"),
    }
}

/// "5s", "1.5s", "800ms".
pub(crate) fn fmt_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(Duration::from_secs(5)), "5s");
        assert_eq!(fmt_duration(Duration::from_millis(800)), "800ms");
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.5s");
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
