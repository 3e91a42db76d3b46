//! One DNS phase for many inputs at once: every host name resolved, then every
//! sending IP and domain of every input asked of the default lists, all within one
//! deadline. `rebound diagnose` runs it once per command; a program diagnosing many
//! bounces does the same. The request and answer types are plain data (available
//! without the `dns` feature), so a crate that only reads answers needs no DNS client.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::Listing;

/// What one input asks of DNS.
///
/// ```
/// let request = rebound_rbl::BatchRequest::new(
///     vec!["203.0.113.9".parse().unwrap()],
///     vec!["sv1.example.jp".into()],
///     vec!["example.jp".into()],
/// );
/// assert_eq!(request.hosts, ["sv1.example.jp"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchRequest {
    /// Sending IP addresses to check.
    pub ips: Vec<IpAddr>,
    /// Host names whose addresses are sending IPs to check (the reporting server).
    pub hosts: Vec<String>,
    /// Domains to check against domain lists.
    pub domains: Vec<String>,
}

impl BatchRequest {
    /// A request for these IPs, host names and domains.
    pub fn new(ips: Vec<IpAddr>, hosts: Vec<String>, domains: Vec<String>) -> BatchRequest {
        BatchRequest { ips, hosts, domains }
    }
}

/// Every answer of one DNS phase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchAnswers {
    /// Each host name asked, with its addresses or why it could not be resolved.
    pub resolved: BTreeMap<String, Result<Vec<IpAddr>, String>>,
    /// Every listing answer, for every subject of every request.
    pub listings: Vec<Listing>,
    /// `Some(why)` when DNS could not be used at all: nothing answered.
    pub unreachable: Option<String>,
}

impl BatchAnswers {
    /// Answers of a phase that could not run, for this reason.
    ///
    /// ```
    /// let answers = rebound_rbl::BatchAnswers::failed("no resolver");
    /// assert_eq!(answers.unreachable.as_deref(), Some("no resolver"));
    /// ```
    pub fn failed(why: impl Into<String>) -> BatchAnswers {
        BatchAnswers { unreachable: Some(why.into()), ..BatchAnswers::default() }
    }

    /// The addresses of `host`, when it was resolved.
    pub fn addresses_of(&self, host: &str) -> Option<&Result<Vec<IpAddr>, String>> {
        self.resolved.get(host)
    }
}

/// True when a phase that asked something got no usable answer at all. A list that
/// answered but could not be confirmed (its test entry was not listed) or an address
/// that was not asked is no sign that DNS is unreachable: those listings say why.
#[cfg(feature = "dns")]
fn nothing_answered(
    resolved: &BTreeMap<String, Result<Vec<IpAddr>, String>>,
    listings: &[Listing],
) -> bool {
    let asked = !resolved.is_empty() || listings.iter().any(|l| l.cause.is_none());
    asked
        && resolved.values().all(|r| r.is_err())
        && listings.iter().all(|l| l.status == crate::ListingStatus::Unknown && l.cause.is_none())
}

/// The first error of a phase, to say why nothing answered.
#[cfg(feature = "dns")]
fn first_error(
    resolved: &BTreeMap<String, Result<Vec<IpAddr>, String>>,
    listings: &[Listing],
) -> String {
    resolved
        .iter()
        .find_map(|(host, r)| r.as_ref().err().map(|cause| format!("{host}: {cause}")))
        .or_else(|| listings.iter().find_map(|l| l.error.clone()))
        .unwrap_or_else(|| "DNS did not answer".to_string())
}

#[cfg(feature = "dns")]
pub use run::check_batch;

#[cfg(feature = "dns")]
mod run {
    use std::collections::BTreeMap;
    use std::net::IpAddr;
    use std::time::{Duration, Instant};

    use super::{first_error, nothing_answered, BatchAnswers, BatchRequest};
    use crate::{Catalog, Checker, CheckerConfig, Subject};

    /// Runs one DNS phase for every request, blocking until done or until
    /// `config.deadline`: host names first (with at most 40% of the time, so that a
    /// slow resolver still leaves time for the lists), then every distinct subject
    /// against the catalog's default zones, each asked once.
    ///
    /// A phase where nothing answers is [`BatchAnswers::unreachable`], never a page
    /// of unknowns; a phase that cannot start says why the same way.
    pub fn check_batch(
        requests: &[BatchRequest],
        catalog: &Catalog,
        config: &CheckerConfig,
    ) -> BatchAnswers {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime,
            Err(err) => return BatchAnswers::failed(format!("cannot start the DNS client: {err}")),
        };
        runtime.block_on(phases(requests, catalog, config)).unwrap_or_else(BatchAnswers::failed)
    }

    /// A configuration for a part of the phase with this much time.
    fn with_deadline(config: &CheckerConfig, deadline: Duration) -> CheckerConfig {
        let mut config = config.clone();
        config.deadline = deadline;
        // Leave room for one retry inside the deadline.
        config.query_timeout = (deadline / 2).min(Duration::from_millis(1500));
        config
    }

    async fn phases(
        requests: &[BatchRequest],
        catalog: &Catalog,
        config: &CheckerConfig,
    ) -> Result<BatchAnswers, String> {
        let started = Instant::now();
        let mut hosts: Vec<&str> =
            requests.iter().flat_map(|r| r.hosts.iter().map(String::as_str)).collect();
        hosts.sort_unstable();
        hosts.dedup();
        let mut resolved: BTreeMap<String, Result<Vec<IpAddr>, String>> = BTreeMap::new();
        if !hosts.is_empty() {
            let budget = config.deadline.mul_f64(0.4);
            let resolver = Checker::new(with_deadline(config, budget), catalog.clone())
                .map_err(|e| e.to_string())?;
            let resolver = &resolver;
            let answers = futures_util::future::join_all(hosts.iter().map(|host| async move {
                match tokio::time::timeout(budget, resolver.resolve_host(host)).await {
                    Ok(Ok(ips)) => Ok(ips),
                    // The host is shown beside the cause; keep only the cause.
                    Ok(Err(err)) => {
                        let text = err.to_string();
                        let prefix = format!("cannot resolve {host}: ");
                        Err(text.strip_prefix(&prefix).map_or(text.clone(), str::to_string))
                    }
                    Err(_) => Err(format!("no answer within {:.1} s", budget.as_secs_f64())),
                }
            }))
            .await;
            resolved.extend(hosts.iter().map(|h| h.to_string()).zip(answers));
        }

        let mut subjects: Vec<Subject> = Vec::new();
        for request in requests {
            let from_hosts = request
                .hosts
                .iter()
                .filter_map(|h| resolved.get(h).and_then(|r| r.as_ref().ok()))
                .flatten();
            let ips = request.ips.iter().chain(from_hosts).map(|ip| Subject::Ip(*ip));
            let domains = request.domains.iter().map(|d| Subject::Domain(d.clone()));
            for subject in ips.chain(domains) {
                if !subjects.contains(&subject) {
                    subjects.push(subject);
                }
            }
        }
        let mut listings = Vec::new();
        if !subjects.is_empty() {
            let remaining =
                config.deadline.saturating_sub(started.elapsed()).max(Duration::from_millis(200));
            let checker = Checker::new(with_deadline(config, remaining), catalog.clone())
                .map_err(|e| e.to_string())?;
            let zones: Vec<_> = catalog.default_zones().collect();
            listings = checker.check(&subjects, &zones).await;
        }
        // Nothing answered at all: say so once, instead of a page of "unknown".
        let unreachable =
            nothing_answered(&resolved, &listings).then(|| first_error(&resolved, &listings));
        Ok(BatchAnswers { resolved, listings, unreachable })
    }
}
