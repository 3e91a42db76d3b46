//! Many reports folded into one summary: counts by cause, reason, provider, sending
//! IP and blocklist, and the suppression list. `rebound report` renders it.
//!
//! A [`Summary`] is built one [`Report`] at a time ([`Summary::add`]), so it works
//! over a stream of any length: its memory grows with the number of distinct causes,
//! reasons, providers, IPs and lists, and with the suppressed addresses, never with
//! the number of messages.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::cause::Cause;
use crate::reason::Reason;
use crate::report::Report;
use crate::text::Lang;

/// The summary of many reports. Its JSON form is the output of
/// `rebound report --format json` (`docs/json.md`).
///
/// ```
/// use rebound_verdict::{plan, Cause, Findings, Lang, Report, Summary};
///
/// let bounce = rebound_dsn::parse(b"Final-Recipient: rfc822; taro@example.jp\n\
///     Action: failed\nStatus: 5.1.1\n\
///     Diagnostic-Code: smtp; 550 5.1.1 <taro@example.jp>: Recipient address rejected: \
///     User unknown in local recipient table\n").unwrap();
/// let report = Report::build("a.eml", &bounce, &Findings::offline(&plan(&bounce)), Lang::En);
///
/// let mut summary = Summary::new(Lang::En);
/// summary.add(&report);
/// summary.add(&report); // the same address again: counted, but suppressed once
/// assert_eq!(summary.messages, 2);
/// assert_eq!(summary.recipients.failed, 2);
/// assert_eq!(summary.causes["recipient_problem"].recipients, 2);
/// assert_eq!(summary.reasons["userunknown"].recipients, 2);
/// assert_eq!(summary.suppress.len(), 1);
/// assert_eq!(summary.suppress[0].address, "taro@example.jp");
/// assert_eq!(summary.suppress[0].source, "a.eml");
/// let json = serde_json::to_value(&summary).unwrap();
/// let label = Cause::RecipientProblem.describe(Lang::En);
/// assert_eq!(json["causes"]["recipient_problem"]["label"], label);
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// The language of the labels.
    pub lang: &'static str,
    /// Reports added: one per bounce message.
    pub messages: u64,
    /// Reports of bounces read only up to a limit (`Report::truncated` not empty):
    /// their recipients or texts may be incomplete.
    pub truncated: u64,
    /// Recipients by what became of them.
    pub recipients: Totals,
    /// Recipients by cause, keyed by the cause's name.
    pub causes: BTreeMap<&'static str, CauseCount>,
    /// Recipients by reason, keyed by the reason's name.
    pub reasons: BTreeMap<&'static str, ReasonCount>,
    /// Failed or delayed recipients by receiving provider, keyed by the provider's id;
    /// recipients at no recognised provider are counted in `unrecognised_provider`.
    pub providers: BTreeMap<&'static str, ProviderCount>,
    /// Failed or delayed recipients at no provider rebound recognises.
    pub unrecognised_provider: u64,
    /// Sending IP addresses, keyed by the address.
    pub sending_ips: BTreeMap<String, IpCount>,
    /// Blocklists that list a sending IP or domain, keyed by the list's zone.
    pub lists: BTreeMap<String, ListCount>,
    /// Addresses the verdicts mark `suppress`, each once, in the order first seen.
    pub suppress: Vec<SuppressEntry>,
    #[serde(skip)]
    suppressed: BTreeSet<String>,
    #[serde(skip)]
    language: Lang,
}

/// Recipients by what became of them.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[non_exhaustive]
pub struct Totals {
    /// Every recipient of every report.
    pub total: u64,
    /// Action `failed` (an auto-reply or a complaint report is not counted here).
    pub failed: u64,
    /// Action `delayed`: still being retried.
    pub delayed: u64,
    /// Anything else: delivered, relayed, expanded, an auto-reply, a complaint report.
    pub other: u64,
}

/// The recipients one cause stopped.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CauseCount {
    /// Recipients with this cause.
    pub recipients: u64,
    /// Reports with this cause among their causes.
    pub messages: u64,
    /// The cause in a few words ([`Cause::describe`]).
    pub label: &'static str,
    /// The cause as a heading ([`Cause::heading`]).
    pub heading: &'static str,
    /// What to do, from the first report with this cause (its sentences name that
    /// report's IP, lists and provider).
    pub actions: Vec<String>,
    /// The input those actions come from.
    pub example: String,
}

/// The recipients with one reason.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ReasonCount {
    /// Recipients with this reason.
    pub recipients: u64,
    /// The reason in words ([`Reason::describe`]).
    pub label: &'static str,
}

/// The failed or delayed recipients at one receiving provider.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ProviderCount {
    /// Failed or delayed recipients there.
    pub recipients: u64,
    /// The provider's name, as the first report naming it gives it (in that
    /// report's language).
    pub name: &'static str,
}

/// One sending IP address.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct IpCount {
    /// Reports naming this address as a sending IP.
    pub messages: u64,
    /// Failed or delayed recipients of those reports.
    pub refused: u64,
    /// The providers of those recipients (ids).
    pub providers: BTreeSet<&'static str>,
    /// The blocklists that list it (zones).
    pub lists: BTreeSet<String>,
}

/// One blocklist that lists something.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ListCount {
    /// The list's name.
    pub name: String,
    /// The IPs and domains it lists.
    pub listed: BTreeSet<String>,
    /// Reports with an answer from it saying listed.
    pub messages: u64,
    /// Where to ask for removal, when known.
    pub removal_url: Option<String>,
}

/// One address to stop mailing.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SuppressEntry {
    /// The address, as the bounce gives it.
    pub address: String,
    /// The reason's name (`userunknown`, `hostunknown`, ...).
    pub reason: &'static str,
    /// `address_does_not_exist`, `domain_does_not_exist` or `address_moved`.
    pub suppress_reason: &'static str,
    /// When the bounce was written, as it gives it.
    pub date: Option<String>,
    /// The input it comes from.
    pub source: String,
}

impl Summary {
    /// An empty summary whose labels are in `lang`.
    pub fn new(lang: Lang) -> Summary {
        Summary {
            lang: lang.as_str(),
            messages: 0,
            truncated: 0,
            recipients: Totals::default(),
            causes: BTreeMap::new(),
            reasons: BTreeMap::new(),
            providers: BTreeMap::new(),
            unrecognised_provider: 0,
            sending_ips: BTreeMap::new(),
            lists: BTreeMap::new(),
            suppress: Vec::new(),
            suppressed: BTreeSet::new(),
            language: lang,
        }
    }

    /// The language of the labels.
    pub fn language(&self) -> Lang {
        self.language
    }

    /// Counts one report in.
    pub fn add(&mut self, report: &Report) {
        let lang = self.language;
        self.messages += 1;
        if !report.truncated.is_empty() {
            self.truncated += 1;
        }
        let mut refused = 0;
        let mut refusing: BTreeSet<&'static str> = BTreeSet::new();
        for rcpt in &report.recipients {
            self.recipients.total += 1;
            // An auto-reply or a complaint report comes as `failed` but is not one.
            let not_a_failure = rcpt.cause == Cause::NotAFailure.as_str();
            let failing = match rcpt.action {
                _ if not_a_failure => {
                    self.recipients.other += 1;
                    false
                }
                "failed" => {
                    self.recipients.failed += 1;
                    true
                }
                "delayed" => {
                    self.recipients.delayed += 1;
                    true
                }
                _ => {
                    self.recipients.other += 1;
                    false
                }
            };
            self.count_cause(rcpt.cause, lang).recipients += 1;
            let label = rcpt.reason.parse::<Reason>().map_or("", |r| r.describe(lang));
            self.reasons
                .entry(rcpt.reason)
                .or_insert(ReasonCount { recipients: 0, label })
                .recipients += 1;
            if failing {
                refused += 1;
                match (rcpt.provider, rcpt.provider_name) {
                    (Some(id), Some(name)) => {
                        refusing.insert(id);
                        self.providers
                            .entry(id)
                            .or_insert(ProviderCount { recipients: 0, name })
                            .recipients += 1;
                    }
                    _ => self.unrecognised_provider += 1,
                }
            }
            if let (true, Some(why), Some(address)) =
                (rcpt.suppress, rcpt.suppress_reason, rcpt.recipient.as_ref())
            {
                if self.suppressed.insert(address.to_lowercase()) {
                    self.suppress.push(SuppressEntry {
                        address: address.clone(),
                        reason: rcpt.reason,
                        suppress_reason: why,
                        date: report.date.clone(),
                        source: report.input.clone(),
                    });
                }
            }
        }
        for group in &report.verdict.causes {
            let count = self.count_cause(group.cause, lang);
            count.messages += 1;
            if count.actions.is_empty() && !group.actions.is_empty() {
                count.actions = group.actions.clone();
                count.example = report.input.clone();
            }
        }
        let mut seen_ips = BTreeSet::new();
        for ip in &report.sending_ips {
            if !seen_ips.insert(ip.ip.as_str()) {
                continue;
            }
            let entry = self.sending_ips.entry(ip.ip.clone()).or_default();
            entry.messages += 1;
            entry.refused += refused;
            entry.providers.extend(refusing.iter().copied());
            entry.lists.extend(
                report
                    .listings
                    .iter()
                    .filter(|l| l.subject == ip.ip && l.listed == Some(true) && !l.allowlist)
                    .map(|l| l.zone.clone()),
            );
        }
        let mut seen_lists = BTreeSet::new();
        for listing in report.listings.iter().filter(|l| l.listed == Some(true) && !l.allowlist) {
            let entry = self.lists.entry(listing.zone.clone()).or_insert_with(|| ListCount {
                name: listing.list.clone(),
                listed: BTreeSet::new(),
                messages: 0,
                removal_url: None,
            });
            entry.listed.insert(listing.subject.clone());
            if entry.removal_url.is_none() {
                entry.removal_url.clone_from(&listing.removal_url);
            }
            if seen_lists.insert(listing.zone.as_str()) {
                entry.messages += 1;
            }
        }
    }

    fn count_cause(&mut self, name: &'static str, lang: Lang) -> &mut CauseCount {
        self.causes.entry(name).or_insert_with(|| {
            let cause = name.parse::<Cause>().unwrap_or(Cause::Unknown);
            CauseCount {
                recipients: 0,
                messages: 0,
                label: cause.describe(lang),
                heading: cause.heading(lang),
                actions: Vec::new(),
                example: String::new(),
            }
        })
    }

    /// The causes, most recipients first; ties in headline order ([`Cause::rank`]).
    ///
    /// ```
    /// let summary = rebound_verdict::Summary::new(rebound_verdict::Lang::En);
    /// assert!(summary.causes_by_count().is_empty());
    /// ```
    pub fn causes_by_count(&self) -> Vec<(&'static str, &CauseCount)> {
        let mut causes: Vec<_> = self.causes.iter().map(|(k, v)| (*k, v)).collect();
        let rank = |name: &str| name.parse::<Cause>().map_or(usize::MAX, Cause::rank);
        causes.sort_by(|a, b| b.1.recipients.cmp(&a.1.recipients).then(rank(a.0).cmp(&rank(b.0))));
        causes
    }

    /// The cause to deal with first: the one stopping the most failed recipients,
    /// not counting [`Cause::NotAFailure`]. `None` when nothing failed.
    ///
    /// ```
    /// let summary = rebound_verdict::Summary::new(rebound_verdict::Lang::En);
    /// assert!(summary.top_cause().is_none());
    /// ```
    pub fn top_cause(&self) -> Option<(&'static str, &CauseCount)> {
        self.causes_by_count()
            .into_iter()
            .find(|(name, count)| *name != Cause::NotAFailure.as_str() && count.recipients > 0)
    }

    /// The reasons, most recipients first, then by name.
    ///
    /// ```
    /// let summary = rebound_verdict::Summary::new(rebound_verdict::Lang::Ja);
    /// assert!(summary.reasons_by_count().is_empty());
    /// ```
    pub fn reasons_by_count(&self) -> Vec<(&'static str, &ReasonCount)> {
        let mut reasons: Vec<_> = self.reasons.iter().map(|(k, v)| (*k, v)).collect();
        reasons.sort_by(|a, b| b.1.recipients.cmp(&a.1.recipients).then(a.0.cmp(b.0)));
        reasons
    }

    /// The providers, most refused recipients first, then by id.
    ///
    /// ```
    /// let summary = rebound_verdict::Summary::new(rebound_verdict::Lang::En);
    /// assert!(summary.providers_by_count().is_empty());
    /// ```
    pub fn providers_by_count(&self) -> Vec<(&'static str, &ProviderCount)> {
        let mut providers: Vec<_> = self.providers.iter().map(|(k, v)| (*k, v)).collect();
        providers.sort_by(|a, b| b.1.recipients.cmp(&a.1.recipients).then(a.0.cmp(b.0)));
        providers
    }

    /// The sending IPs, most refused recipients first, then by address.
    ///
    /// ```
    /// let summary = rebound_verdict::Summary::new(rebound_verdict::Lang::En);
    /// assert!(summary.ips_by_count().is_empty());
    /// ```
    pub fn ips_by_count(&self) -> Vec<(&str, &IpCount)> {
        let mut ips: Vec<_> = self.sending_ips.iter().map(|(k, v)| (k.as_str(), v)).collect();
        ips.sort_by(|a, b| b.1.refused.cmp(&a.1.refused).then(a.0.cmp(b.0)));
        ips
    }

    /// The name of the provider with this id in the summary's language, or the id.
    ///
    /// ```
    /// let summary = rebound_verdict::Summary::new(rebound_verdict::Lang::En);
    /// assert_eq!(summary.provider_name("no-such-provider"), "no-such-provider");
    /// ```
    pub fn provider_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.providers.get(id).map_or(id, |p| p.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{plan, Findings};

    fn report(input: &str, text: &str) -> Report {
        let bounce = rebound_dsn::parse(text.as_bytes()).unwrap();
        Report::build(input, &bounce, &Findings::offline(&plan(&bounce)), Lang::En)
    }

    const UNKNOWN: &str = "Final-Recipient: rfc822; Taro@example.jp\nAction: failed\n\
        Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <taro@example.jp>: Recipient address \
        rejected: User unknown in local recipient table\n";
    const S3150: &str = "Final-Recipient: rfc822; hanako@hotmail.co.jp\nAction: failed\n\
        Status: 5.7.1\nDiagnostic-Code: smtp; 550 5.7.1 Unfortunately, messages from \
        [203.0.113.45] weren't sent. Please contact your Internet service provider since \
        part of their network is on our block list (S3150).\n";
    const DELAYED: &str = "Final-Recipient: rfc822; jiro@example.org\nAction: delayed\n\
        Status: 4.4.1\nDiagnostic-Code: smtp; 421 4.4.1 connection timed out\n";

    #[test]
    fn counts_add_up_over_reports() {
        let mut summary = Summary::new(Lang::En);
        for (input, text) in [("a", UNKNOWN), ("b", S3150), ("c", S3150), ("d", DELAYED)] {
            summary.add(&report(input, text));
        }
        assert_eq!(summary.messages, 4);
        let t = summary.recipients;
        assert_eq!((t.total, t.failed, t.delayed, t.other), (4, 3, 1, 0));
        let causes: u64 = summary.causes.values().map(|c| c.recipients).sum();
        assert_eq!(causes, t.total);
        let reasons: u64 = summary.reasons.values().map(|c| c.recipients).sum();
        assert_eq!(reasons, t.total);
        let at_providers: u64 = summary.providers.values().map(|c| c.recipients).sum();
        assert_eq!(at_providers + summary.unrecognised_provider, t.failed + t.delayed);
        assert_eq!(summary.providers["microsoft"].recipients, 2);

        let top = summary.top_cause().unwrap();
        assert_eq!(top.1.recipients, 2);
        assert_eq!(top.1.example, "b", "the first report with the cause gives the actions");
        assert!(!top.1.actions.is_empty());

        let ip = &summary.sending_ips["203.0.113.45"];
        assert_eq!((ip.messages, ip.refused), (2, 2));
        assert!(ip.providers.contains("microsoft"));
        assert!(ip.lists.is_empty(), "offline: no list answered");
    }

    #[test]
    fn suppression_list_has_each_address_once() {
        let mut summary = Summary::new(Lang::Ja);
        summary.add(&report("one.eml", UNKNOWN));
        summary.add(&report("two.eml", &UNKNOWN.replace("Taro@", "taro@")));
        summary.add(&report("three.eml", S3150));
        assert_eq!(summary.suppress.len(), 1, "{:?}", summary.suppress);
        let entry = &summary.suppress[0];
        assert_eq!(entry.address, "Taro@example.jp");
        assert_eq!(
            (entry.reason, entry.suppress_reason),
            ("userunknown", "address_does_not_exist")
        );
        assert_eq!(entry.source, "one.eml");
        assert_eq!(summary.reasons["userunknown"].label, Reason::UserUnknown.describe(Lang::Ja));
    }
}
