//! The DNS flags as the library's checker configuration. The DNS phase itself is
//! `rebound_rbl::check_batch`, and its answers become each bounce's findings in
//! `rebound_verdict::Findings::from_answers`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use rebound_rbl::{BatchAnswers, BatchRequest, Catalog, CheckerConfig, Listing};

use crate::args::DnsArgs;

/// The checker configuration the flags ask for.
pub fn checker_config(args: &DnsArgs) -> CheckerConfig {
    let mut config = CheckerConfig::default();
    config.nameservers = args.resolvers.clone();
    config.deadline = args.timeout;
    config.verify_lists = args.verify_lists;
    config.dqs_key = args.dqs_key.clone();
    // Leave room for one retry inside the deadline.
    config.query_timeout = (args.timeout / 2).min(Duration::from_millis(1500));
    config
}

/// The answers of a run's DNS phases so far, so that a streaming run, which asks
/// DNS once per batch of messages, asks each host name and subject once in all.
#[derive(Default)]
pub struct AnswerCache {
    resolved: HashMap<String, Result<Vec<IpAddr>, String>>,
    /// Listings by subject; a subject asked that no zone answered has an empty list.
    listings: HashMap<String, Vec<Listing>>,
}

impl AnswerCache {
    /// Runs one DNS phase for what `requests` ask that no earlier phase answered,
    /// and returns the answers for all of `requests`. When the phase could not use
    /// DNS at all, its answers say so and nothing is kept, so a later batch asks
    /// again.
    pub fn check(
        &mut self,
        requests: &[BatchRequest],
        catalog: &Catalog,
        config: &CheckerConfig,
    ) -> BatchAnswers {
        let new: Vec<BatchRequest> = requests
            .iter()
            .map(|r| {
                BatchRequest::new(
                    r.ips
                        .iter()
                        .filter(|ip| !self.listings.contains_key(&ip.to_string()))
                        .copied()
                        .collect(),
                    r.hosts.iter().filter(|h| !self.resolved.contains_key(*h)).cloned().collect(),
                    r.domains.iter().filter(|d| !self.listings.contains_key(*d)).cloned().collect(),
                )
            })
            .filter(|r| !(r.ips.is_empty() && r.hosts.is_empty() && r.domains.is_empty()))
            .collect();
        if !new.is_empty() {
            let answers = rebound_rbl::check_batch(&new, catalog, config);
            if answers.unreachable.is_some() {
                return answers;
            }
            let mut asked: Vec<String> = Vec::new();
            for request in &new {
                asked.extend(request.ips.iter().map(IpAddr::to_string));
                asked.extend(request.domains.iter().cloned());
            }
            for addresses in answers.resolved.values().flatten() {
                asked.extend(addresses.iter().map(IpAddr::to_string));
            }
            for subject in asked {
                self.listings.entry(subject).or_default();
            }
            for listing in answers.listings {
                self.listings.entry(listing.subject.clone()).or_default().push(listing);
            }
            self.resolved.extend(answers.resolved);
        }
        // The answers for this batch only, so that each bounce's findings are
        // drawn from a list the size of its batch.
        let mut view = BatchAnswers::default();
        let mut subjects: Vec<String> = Vec::new();
        for request in requests {
            subjects.extend(request.ips.iter().map(IpAddr::to_string));
            subjects.extend(request.domains.iter().cloned());
            for host in &request.hosts {
                if let Some(answer) = self.resolved.get(host) {
                    if let Ok(addresses) = answer {
                        subjects.extend(addresses.iter().map(IpAddr::to_string));
                    }
                    view.resolved.insert(host.clone(), answer.clone());
                }
            }
        }
        subjects.sort();
        subjects.dedup();
        for subject in subjects {
            if let Some(listings) = self.listings.get(&subject) {
                view.listings.extend(listings.iter().cloned());
            }
        }
        view
    }
}
