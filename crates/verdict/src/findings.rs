//! What the DNS phase found for one bounce ([`Findings`]), the input of
//! [`crate::Report::build`] besides the bounce: from the plan alone (offline), or from
//! the answers of one `rebound_rbl` batch ([`Findings::from_answers`]). Only a mapping
//! of data: the DNS itself is `rebound_rbl::check_batch`.

use std::net::IpAddr;

use rebound_rbl::{BatchAnswers, BatchRequest, Catalog};

use crate::decide::{Evidence, LookupOutcome};
use crate::plan::{FoundIn, LookupPlan};
use crate::text::Lang;

/// A sending IP address found for a bounce, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SendingIp {
    /// The address.
    pub ip: IpAddr,
    /// Where it was found.
    pub found_in: FoundIn,
    /// The host name it was resolved from, when it came from one.
    pub host: Option<String>,
}

impl SendingIp {
    /// An address found in `found_in`, resolved from `host` when given.
    ///
    /// ```
    /// use rebound_verdict::{FoundIn, SendingIp};
    /// let ip = SendingIp::new("192.0.2.1".parse().unwrap(), FoundIn::Diagnostic, None);
    /// assert_eq!(ip.host, None);
    /// ```
    pub fn new(ip: IpAddr, found_in: FoundIn, host: Option<String>) -> SendingIp {
        SendingIp { ip, found_in, host }
    }
}

/// What the DNS phase found for one bounce: the input of [`Report::build`] besides
/// the bounce itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Findings {
    /// Whether blocklists could be checked.
    pub outcome: LookupOutcome,
    /// Every sending IP, with where it was found.
    pub sending_ips: Vec<SendingIp>,
    /// Sending domains checked against domain lists.
    pub sending_domains: Vec<(String, FoundIn)>,
    /// Host names that could not be resolved, with the cause.
    pub unresolved: Vec<(String, String)>,
    /// Every blocklist answer.
    pub evidence: Vec<Evidence>,
}

impl Findings {
    /// The findings of a run without DNS: the sending IPs the bounce text names and
    /// the sending domains (not checked).
    ///
    /// ```
    /// let findings = rebound_verdict::Findings::offline(&Default::default());
    /// assert_eq!(findings.outcome, rebound_verdict::LookupOutcome::Offline);
    /// ```
    pub fn offline(plan: &LookupPlan) -> Findings {
        let mut findings = Findings::new(
            LookupOutcome::Offline,
            plan.ips.iter().map(|&(ip, found_in)| SendingIp::new(ip, found_in, None)).collect(),
        );
        findings.sending_domains = plan.domains.clone();
        findings
    }

    /// Findings with `outcome` and `sending_ips` and nothing else yet; fill in the
    /// other fields.
    pub fn new(outcome: LookupOutcome, sending_ips: Vec<SendingIp>) -> Findings {
        Findings {
            outcome,
            sending_ips,
            sending_domains: Vec::new(),
            unresolved: Vec::new(),
            evidence: Vec::new(),
        }
    }
}

impl LookupPlan {
    /// What this plan asks of DNS, for `rebound_rbl::check_batch`.
    ///
    /// ```
    /// let plan = rebound_verdict::LookupPlan::default();
    /// assert!(plan.request().ips.is_empty());
    /// ```
    pub fn request(&self) -> BatchRequest {
        BatchRequest::new(
            self.ips.iter().map(|(ip, _)| *ip).collect(),
            self.hosts.iter().map(|(host, _)| host.clone()).collect(),
            self.domains.iter().map(|(domain, _)| domain.clone()).collect(),
        )
    }
}

impl Findings {
    /// The findings of one bounce from the answers of the batch its plan was part
    /// of: its sending IPs (those the text names, then the addresses of its host
    /// names), the host names that did not resolve, and the blocklist answers about
    /// its own subjects, as [`Evidence`] in `lang`.
    ///
    /// ```
    /// use rebound_rbl::{BatchAnswers, Catalog, Listing, ListingStatus};
    /// use rebound_verdict::{plan, Findings, Lang, LookupOutcome};
    ///
    /// let bounce = rebound_dsn::parse(b"Final-Recipient: rfc822; a@example.jp\n\
    ///     Action: failed\nStatus: 5.7.1\nDiagnostic-Code: smtp; 554 5.7.1 Service \
    ///     unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org\n").unwrap();
    /// let plan = plan(&bounce);
    /// let mut answers = BatchAnswers::default();
    /// answers.listings.push(Listing::new("203.0.113.9", "zen.spamhaus.org", ListingStatus::Listed));
    /// answers.listings.push(Listing::new("198.51.100.1", "zen.spamhaus.org", ListingStatus::Listed));
    /// let findings = Findings::from_answers(&plan, &answers, Catalog::shared(), Lang::En);
    /// assert_eq!(findings.outcome, LookupOutcome::Checked);
    /// // Only this bounce's own subject.
    /// assert_eq!(findings.evidence.len(), 1);
    /// assert_eq!(findings.evidence[0].list_name, "Spamhaus ZEN");
    /// ```
    pub fn from_answers(
        plan: &LookupPlan,
        answers: &BatchAnswers,
        catalog: &Catalog,
        lang: Lang,
    ) -> Findings {
        let mut sending_ips: Vec<SendingIp> =
            plan.ips.iter().map(|&(ip, found_in)| SendingIp::new(ip, found_in, None)).collect();
        let mut unresolved = Vec::new();
        for (host, found_in) in &plan.hosts {
            match answers.addresses_of(host) {
                Some(Ok(ips)) => {
                    for &ip in ips {
                        if !sending_ips.iter().any(|s| s.ip == ip) {
                            sending_ips.push(SendingIp::new(ip, *found_in, Some(host.clone())));
                        }
                    }
                }
                Some(Err(cause)) => unresolved.push((host.clone(), cause.clone())),
                None => {}
            }
        }
        let outcome = match &answers.unreachable {
            Some(why) => LookupOutcome::Unreachable(why.clone()),
            None => LookupOutcome::Checked,
        };
        let evidence = answers
            .listings
            .iter()
            .filter(|l| {
                sending_ips.iter().any(|s| s.ip.to_string() == l.subject)
                    || plan.domains.iter().any(|(d, _)| *d == l.subject)
            })
            .map(|l| Evidence::from_listing(l, catalog, lang))
            .collect();
        let mut findings = Findings::new(outcome, sending_ips);
        findings.sending_domains = plan.domains.clone();
        findings.unresolved = unresolved;
        findings.evidence = evidence;
        findings
    }
}
