//! The DNS phase of `diagnose`: resolve the reporting MTAs, then ask the blocklists
//! about every sending IP, all inputs at once and within one deadline.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use rebound_rbl::{Catalog, Checker, CheckerConfig, DqsKey, Listing, ListingStatus, Subject};
use rebound_verdict::{FoundIn, LookupOutcome, LookupPlan};

/// How to reach DNS, from the flags.
#[derive(Debug, Clone)]
pub struct DnsOptions {
    pub offline: bool,
    pub verify_lists: bool,
    pub resolvers: Vec<SocketAddr>,
    pub deadline: Duration,
    /// Ask Spamhaus through DQS with this key (`--dqs-key`).
    pub dqs_key: Option<DqsKey>,
}

/// What the DNS phase found for one input.
#[derive(Debug, Clone)]
pub struct Lookups {
    pub outcome: LookupOutcome,
    /// Every sending IP, with where it was found; IPs from a resolved host name carry
    /// that name.
    pub sending_ips: Vec<SendingIp>,
    /// Sending domains, checked against the domain lists.
    pub sending_domains: Vec<(String, FoundIn)>,
    /// Host names that could not be resolved, with the cause.
    pub unresolved: Vec<(String, String)>,
    pub listings: Vec<Listing>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendingIp {
    pub ip: IpAddr,
    pub found_in: FoundIn,
    pub host: Option<String>,
}

impl From<&crate::args::DnsArgs> for DnsOptions {
    fn from(args: &crate::args::DnsArgs) -> Self {
        DnsOptions {
            offline: args.offline,
            verify_lists: args.verify_lists,
            resolvers: args.resolvers.clone(),
            deadline: args.timeout,
            dqs_key: args.dqs_key.clone(),
        }
    }
}

impl DnsOptions {
    /// A checker configuration for a phase with this much time.
    pub fn checker_config(&self, deadline: Duration) -> CheckerConfig {
        let mut config = CheckerConfig::default();
        config.nameservers = self.resolvers.clone();
        config.deadline = deadline;
        config.verify_lists = self.verify_lists;
        config.dqs_key = self.dqs_key.clone();
        // Leave room for one retry inside the deadline.
        config.query_timeout = (deadline / 2).min(Duration::from_millis(1500));
        config
    }
}

/// Runs the DNS phase for the plans of all inputs.
pub fn run(plans: &[LookupPlan], catalog: &Catalog, options: &DnsOptions) -> Vec<Lookups> {
    let mut lookups = run_phases(plans, catalog, options);
    for (lookup, plan) in lookups.iter_mut().zip(plans) {
        lookup.sending_domains = plan.domains.clone();
    }
    lookups
}

fn run_phases(plans: &[LookupPlan], catalog: &Catalog, options: &DnsOptions) -> Vec<Lookups> {
    let from_text = |plan: &LookupPlan| -> Vec<SendingIp> {
        plan.ips.iter().map(|&(ip, found_in)| SendingIp { ip, found_in, host: None }).collect()
    };
    if options.offline {
        return plans
            .iter()
            .map(|plan| Lookups {
                outcome: LookupOutcome::Offline,
                sending_ips: from_text(plan),
                sending_domains: Vec::new(),
                unresolved: Vec::new(),
                listings: Vec::new(),
            })
            .collect();
    }
    let unreachable = |cause: String| {
        plans
            .iter()
            .map(|plan| Lookups {
                outcome: LookupOutcome::Unreachable(cause.clone()),
                sending_ips: from_text(plan),
                sending_domains: Vec::new(),
                unresolved: Vec::new(),
                listings: Vec::new(),
            })
            .collect()
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => return unreachable(format!("cannot start the DNS client: {err}")),
    };
    match runtime.block_on(lookup_all(plans, catalog, options)) {
        Ok(lookups) => lookups,
        Err(cause) => unreachable(cause),
    }
}

async fn lookup_all(
    plans: &[LookupPlan],
    catalog: &Catalog,
    options: &DnsOptions,
) -> Result<Vec<Lookups>, String> {
    let started = Instant::now();
    let config = |deadline: Duration| options.checker_config(deadline);

    // Phase 1: host names to addresses. They get at most 40% of the budget, so that
    // a slow resolver still leaves time for the blocklists.
    let mut hosts: Vec<&str> =
        plans.iter().flat_map(|p| p.hosts.iter().map(|(h, _)| h.as_str())).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let mut resolved: BTreeMap<&str, Result<Vec<IpAddr>, String>> = BTreeMap::new();
    if !hosts.is_empty() {
        let budget = options.deadline.mul_f64(0.4);
        let resolver = Checker::new(config(budget), catalog.clone()).map_err(|e| e.to_string())?;
        let resolver = &resolver;
        let answers = futures_util::future::join_all(hosts.iter().map(|host| async move {
            match tokio::time::timeout(budget, resolver.resolve_host(host)).await {
                Ok(Ok(ips)) => Ok(ips),
                // The host is printed beside the cause; keep only the cause.
                Ok(Err(err)) => {
                    let text = err.to_string();
                    let prefix = format!("cannot resolve {host}: ");
                    Err(text.strip_prefix(&prefix).map_or(text.clone(), str::to_string))
                }
                Err(_) => Err(format!("no answer within {:.1} s", budget.as_secs_f64())),
            }
        }))
        .await;
        resolved.extend(hosts.iter().copied().zip(answers));
    }

    // Phase 2: every sending IP of every input against the default lists.
    let mut lookups: Vec<Lookups> = plans
        .iter()
        .map(|plan| {
            let mut sending_ips: Vec<SendingIp> = plan
                .ips
                .iter()
                .map(|&(ip, found_in)| SendingIp { ip, found_in, host: None })
                .collect();
            let mut unresolved = Vec::new();
            for (host, found_in) in &plan.hosts {
                match resolved.get(host.as_str()) {
                    Some(Ok(ips)) => {
                        // IPv6 addresses too: they are asked of the lists that take
                        // IPv6 (Spamhaus ZEN, ...) and of no other.
                        for ip in ips.iter().map(IpAddr::to_canonical) {
                            if !sending_ips.iter().any(|s| s.ip == ip) {
                                sending_ips.push(SendingIp {
                                    ip,
                                    found_in: *found_in,
                                    host: Some(host.clone()),
                                });
                            }
                        }
                    }
                    Some(Err(cause)) => unresolved.push((host.clone(), cause.clone())),
                    None => {}
                }
            }
            Lookups {
                outcome: LookupOutcome::Checked,
                sending_ips,
                sending_domains: Vec::new(),
                unresolved,
                listings: Vec::new(),
            }
        })
        .collect();

    let mut subjects: Vec<Subject> = Vec::new();
    for (lookup, plan) in lookups.iter().zip(plans) {
        let ips = lookup.sending_ips.iter().map(|s| Subject::Ip(s.ip));
        let domains = plan.domains.iter().map(|(d, _)| Subject::Domain(d.clone()));
        for subject in ips.chain(domains) {
            if !subjects.contains(&subject) {
                subjects.push(subject);
            }
        }
    }
    let mut listings = Vec::new();
    if !subjects.is_empty() {
        let remaining =
            options.deadline.saturating_sub(started.elapsed()).max(Duration::from_millis(200));
        let checker =
            Checker::new(config(remaining), catalog.clone()).map_err(|e| e.to_string())?;
        let zones: Vec<_> = catalog.default_zones().collect();
        listings = checker.check(&subjects, &zones).await;
    }

    // Nothing answered at all: say so once, instead of a page of "unknown".
    let asked = !resolved.is_empty() || !listings.is_empty();
    let nothing_answered = asked
        && resolved.values().all(|r| r.is_err())
        && listings.iter().all(|l| l.status == ListingStatus::Unknown);
    if nothing_answered {
        let cause = first_error(&resolved, &listings);
        for lookup in &mut lookups {
            lookup.outcome = LookupOutcome::Unreachable(cause.clone());
        }
    }

    for (lookup, plan) in lookups.iter_mut().zip(plans) {
        lookup.listings = listings
            .iter()
            .filter(|l| {
                lookup.sending_ips.iter().any(|s| s.ip.to_string() == l.subject)
                    || plan.domains.iter().any(|(d, _)| *d == l.subject)
            })
            .cloned()
            .collect();
    }
    Ok(lookups)
}

fn first_error(
    resolved: &BTreeMap<&str, Result<Vec<IpAddr>, String>>,
    listings: &[Listing],
) -> String {
    resolved
        .iter()
        .find_map(|(host, r)| r.as_ref().err().map(|cause| format!("{host}: {cause}")))
        .or_else(|| listings.iter().find_map(|l| l.error.clone()))
        .unwrap_or_else(|| "DNS did not answer".to_string())
}
