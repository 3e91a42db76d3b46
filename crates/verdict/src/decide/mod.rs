//! The verdict: every recipient judged once ([`crate::assess`]), grouped by cause,
//! the group that blocks the most mail first, each with what happened and what to
//! do (`advice.rs`), and the claims a person can check (`evidence.rs`).

use std::net::IpAddr;

use rebound_dsn::Bounce;

use crate::assess::{assess, Assessment};
use crate::cause::Cause;
use crate::hosting::{hosting_of, Hosting};
use crate::plan::{plan, FoundIn, LookupPlan};
use crate::provider::Provider;
use crate::reason::Reason;
use crate::text::{render, Lang, Msg};

mod advice;
mod claims;

pub use claims::Claim;

/// One blocklist answer, as the caller looked it up.
///
/// `Default` gives an empty answer with `listed: None` (unknown); fill the fields in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Evidence {
    /// The IP address or domain looked up.
    pub subject: String,
    /// The zone asked.
    pub zone: String,
    /// The list's display name, e.g. `Spamhaus ZEN`.
    pub list_name: String,
    /// `Some(true)` listed, `Some(false)` not listed, `None` unknown.
    pub listed: Option<bool>,
    /// What the returned codes mean.
    pub meanings: Vec<String>,
    /// Where to ask for removal.
    pub removal_url: Option<String>,
    /// How long listings last / how removal works, in the verdict's language (the
    /// catalog's `expiry` or `expiry_ja`).
    pub expiry: Option<String>,
    /// The answer's return codes, e.g. `127.0.0.2`.
    pub codes: Vec<String>,
    /// The list's TXT record for the subject, when it gave one.
    pub txt: Vec<String>,
    /// Why the answer is unknown, when it is.
    pub error: Option<String>,
    /// The list is an allowlist: being listed is good news.
    pub allowlist: bool,
    /// The list refused to answer this resolver (Spamhaus 127.255.255.254 and the
    /// like): the answer is unknown, and a Spamhaus DQS key would get one.
    pub refused: bool,
    /// The list answered "not listed" but could not be confirmed: its test entry was
    /// not listed, or got no answer (`rebound_rbl::UnknownCause`); the answer is
    /// unknown.
    pub unconfirmed: bool,
}

impl Evidence {
    /// An answer with no meanings, removal URL or expiry; set those fields after.
    ///
    /// ```
    /// let e = rebound_verdict::Evidence::new("192.0.2.1", "zen.spamhaus.org", "Spamhaus ZEN", None);
    /// assert_eq!(e.listed, None);
    /// ```
    pub fn new(subject: &str, zone: &str, list_name: &str, listed: Option<bool>) -> Evidence {
        Evidence {
            subject: subject.to_string(),
            zone: zone.to_string(),
            list_name: list_name.to_string(),
            listed,
            meanings: Vec::new(),
            removal_url: None,
            expiry: None,
            codes: Vec::new(),
            txt: Vec::new(),
            error: None,
            allowlist: false,
            refused: false,
            unconfirmed: false,
        }
    }
}

/// Whether blocklists could be checked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookupOutcome {
    /// Lookups ran; see the evidence (some answers may still be unknown).
    Checked,
    /// The user asked for no DNS queries.
    Offline,
    /// DNS could not be reached; the text says why.
    Unreachable(String),
}

/// One cause of a bounce and the recipients it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CauseGroup {
    /// The cause.
    pub cause: Cause,
    /// The recipients it concerns: indexes into [`Bounce::recipients`].
    pub recipients: Vec<usize>,
    /// Their receiving provider, when all of them share one.
    pub provider: Option<Provider>,
    /// What happened, in the verdict's language.
    pub summary: String,
    /// What to do, most important first.
    pub actions: Vec<String>,
    /// The cause comes from blocklist answers alone (a listing of the sender's
    /// domain beside a refusal the bounce words otherwise), not from the bounce.
    pub from_dns: bool,
}

/// The verdict on a bounce.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// The headline cause: the one that blocks the most mail (`causes[0]`).
    pub cause: Cause,
    /// One paragraph saying what happened: the headline cause's summary, and a
    /// sentence naming the other causes when there are several.
    pub summary: String,
    /// Concrete next steps for the headline cause, most important first.
    pub actions: Vec<String>,
    /// Every distinct cause with its recipients, headline first.
    pub causes: Vec<CauseGroup>,
    /// What the verdict rests on, so a person can check it: lines of the bounce,
    /// blocklist answers, the hosting company recognised.
    pub claims: Vec<Claim>,
    /// Every recipient of the bounce, judged, in report order.
    pub recipients: Vec<Assessment>,
    /// The sender's hosting provider, when recognised.
    pub hosting: Option<Hosting>,
    /// The receiving provider of the headline cause, when recognised.
    pub provider: Option<Provider>,
    /// The reason of the headline cause's first recipient.
    pub reason: Reason,
    /// One reason per recipient of the bounce, in report order.
    pub reasons: Vec<Reason>,
    /// One line per blocklist answer, in the verdict's language; empty when the
    /// headline cause has nothing to do with blocklists (a recipient problem, say).
    pub evidence_notes: Vec<String>,
}

fn is_ip(e: &Evidence) -> bool {
    e.subject.trim().parse::<IpAddr>().is_ok()
}

/// The cause of each recipient once blocklist answers are in. Answers add to what
/// the bounce says and never replace it; the one change is that a refusal for the
/// IP's reputation, when a public list lists that IP, is a blocklisting.
fn final_causes(assessments: &[Assessment], evidence: &[Evidence]) -> Vec<Cause> {
    let ip_listed = evidence.iter().any(|e| is_ip(e) && e.listed == Some(true) && !e.allowlist);
    assessments
        .iter()
        .map(|a| match a.cause {
            Cause::SendingIpReputation if ip_listed => Cause::SendingIpBlocklisted,
            cause => cause,
        })
        .collect()
}

/// Groups the failed recipients by cause, headline first: sender-side causes
/// before recipient problems (they stop every message to that receiver), then the
/// cause with more recipients.
///
/// Recipient problems are grouped by reason too: an unknown address and a full
/// mailbox call for different actions.
fn group(
    causes: &[Cause],
    assessments: &[Assessment],
    evidence: &[Evidence],
) -> Vec<(Cause, Vec<usize>, bool)> {
    let key = |index: usize, cause: Cause| {
        let reason = assessments.get(index).map(|a| a.reason());
        (cause, if cause == Cause::RecipientProblem { reason } else { None })
    };
    let mut groups: Vec<(Cause, Vec<usize>, bool)> = Vec::new();
    for (index, cause) in causes.iter().enumerate() {
        if *cause == Cause::NotAFailure {
            continue;
        }
        let same = |(c, members, _): &&mut (Cause, Vec<usize>, bool)| {
            members.first().is_some_and(|first| key(*first, *c) == key(index, *cause))
        };
        match groups.iter_mut().find(same) {
            Some((_, members, _)) => members.push(index),
            None => groups.push((*cause, vec![index], false)),
        }
    }
    // A listed sender domain is a cause of its own beside whatever the bounce says
    // about the IP or the content; the recipients it may concern are those refused
    // for a sender-side or unknown cause.
    let domain_listed =
        evidence.iter().any(|e| !is_ip(e) && e.listed == Some(true) && !e.allowlist);
    if domain_listed && !groups.iter().any(|(c, _, _)| *c == Cause::SendingDomainBlocklisted) {
        let members: Vec<usize> = groups
            .iter()
            .filter(|(c, _, _)| c.sender_side() || *c == Cause::Unknown)
            .flat_map(|(_, m, _)| m.iter().copied())
            .collect();
        if !members.is_empty() {
            groups.push((Cause::SendingDomainBlocklisted, members, true));
        }
    }
    groups.sort_by_key(|(cause, members, _)| (cause.rank(), std::cmp::Reverse(members.len())));
    groups
}

/// Gives the verdict.
///
/// Every recipient is judged once ([`crate::assess`]); the failed ones are grouped by
/// cause, and the group that blocks the most mail is the headline: a sender-side
/// block outranks recipient problems. Each group's summary and actions come from
/// the message table in `lang`; the blocklist `evidence` adds sentences and, for a
/// listed sender domain, a cause of its own, but never changes what the bounce says
/// was refused.
///
/// `evidence` answers with `listed: None` are reported as unknown, never as "not
/// listed". With [`LookupOutcome::Offline`] or [`LookupOutcome::Unreachable`] the
/// summary says the public lists could not be checked and why.
///
/// ```
/// use rebound_dsn::{Bounce, RecipientReport};
/// use rebound_verdict::{decide, Cause, Evidence, Lang, LookupOutcome};
///
/// let mut bounce = Bounce::default();
/// bounce.reporting_mta = Some("sv12053.xserver.jp".into());
/// let mut report = RecipientReport::default();
/// report.recipient = Some("hanako@hotmail.co.jp".into());
/// report.status = Some("5.7.1".parse().unwrap());
/// report.remote_mta = Some("apc.olc.protection.outlook.com".into());
/// report.diagnostic = Some("550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't \
///     sent. Please contact your Internet service provider since part of their network is \
///     on our block list (S3150).".into());
/// bounce.recipients.push(report);
/// let mut unknown = RecipientReport::default();
/// unknown.recipient = Some("nobody@example.jp".into());
/// unknown.status = Some("5.1.1".parse().unwrap());
/// unknown.diagnostic = Some("550 5.1.1 <nobody@example.jp>: User unknown".into());
/// bounce.recipients.push(unknown);
///
/// let evidence = [Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", Some(false))];
/// let verdict = decide(&bounce, &evidence, &LookupOutcome::Checked, Lang::En);
/// // The IP block stops all mail to Outlook.com: it is the headline.
/// assert_eq!(verdict.cause, Cause::SendingIpBlocklisted);
/// assert!(verdict.actions[0].contains("Xserver mail support"));
/// assert_eq!(verdict.causes.len(), 2);
/// assert_eq!(verdict.causes[1].cause, Cause::RecipientProblem);
/// assert_eq!(verdict.causes[1].recipients, [1]);
/// assert!(verdict.summary.contains("nobody@example.jp"));
/// ```
pub fn decide(
    bounce: &Bounce,
    evidence: &[Evidence],
    lookup: &LookupOutcome,
    lang: Lang,
) -> Verdict {
    decide_planned(bounce, &plan(bounce), evidence, lookup, lang)
}

/// [`decide`] with the bounce's [`plan`] already made (by whoever made it to look
/// the bounce up): the same verdict without planning twice.
pub(crate) fn decide_planned(
    bounce: &Bounce,
    lookup_plan: &LookupPlan,
    evidence: &[Evidence],
    lookup: &LookupOutcome,
    lang: Lang,
) -> Verdict {
    let assessments: Vec<Assessment> =
        bounce.recipients.iter().map(|r| assess(r, bounce)).collect();
    let causes = final_causes(&assessments, evidence);
    let hosting = hosting_of(bounce);
    let mut groups = group(&causes, &assessments, evidence);
    if groups.is_empty() {
        // Nothing failed: a delivery notice, an automatic reply, a complaint, or a
        // report with no recipient at all.
        let cause = if bounce.recipients.is_empty() { Cause::Unknown } else { Cause::NotAFailure };
        groups.push((cause, (0..bounce.recipients.len().min(1)).collect(), false));
    }
    let address = |index: usize| bounce.recipients.get(index).and_then(|r| r.recipient.clone());
    let built: Vec<CauseGroup> = groups
        .iter()
        .map(|(cause, members, from_dns)| {
            let first = members.first().copied();
            let report = first.and_then(|i| bounce.recipients.get(i));
            let judged = first.and_then(|i| assessments.get(i));
            let providers: Vec<Option<&str>> = members
                .iter()
                .map(|i| assessments.get(*i).and_then(|a| a.provider.map(|p| p.id)))
                .collect();
            let provider = judged
                .and_then(|a| a.provider)
                .filter(|_| providers.windows(2).all(|w| w[0] == w[1]));
            // The sending IP: the one this recipient's receiver named, else any
            // named one.
            let ip = report
                .and_then(|r| {
                    r.diagnostic
                        .as_deref()
                        .and_then(|d| crate::plan::sending_ips(d, r.remote_ip).first().copied())
                })
                .or_else(|| {
                    lookup_plan
                        .ips
                        .iter()
                        .find(|(_, found)| *found == FoundIn::Diagnostic)
                        .map(|(ip, _)| *ip)
                })
                // A private or reserved one last: the evidence then says why no list
                // was asked about it.
                .or_else(|| lookup_plan.reserved_ips.first().copied());
            let facts = advice::Facts {
                lang,
                report,
                reason: judged.map_or(Reason::Undefined, |a| a.reason()),
                provider,
                hosting: hosting.clone(),
                ip,
                mentioned: lookup_plan.mentioned_lists.clone(),
                evidence,
                lookup,
                recipients: members.iter().filter_map(|i| address(*i)).collect(),
                reception_filter_possible: members
                    .iter()
                    .any(|i| assessments.get(*i).is_some_and(|a| a.reception_filter_possible)),
            };
            let (summary, actions) = advice::sentences(&facts, *cause);
            CauseGroup {
                cause: *cause,
                recipients: members.clone(),
                provider,
                summary,
                actions,
                from_dns: *from_dns,
            }
        })
        .collect();

    let headline = &built[0];
    let mut summary = headline.summary.clone();
    if built.len() > 1 {
        let others: Vec<String> = built[1..]
            .iter()
            .map(|g| {
                let who: Vec<String> = g.recipients.iter().filter_map(|i| address(*i)).collect();
                // Recipient problems are grouped by reason: name the reason.
                let reason = g.recipients.first().and_then(|i| assessments.get(*i));
                let label = match reason {
                    Some(a) if g.cause == Cause::RecipientProblem => {
                        let text = a.reason().describe(lang).trim_end_matches(['.', '。']);
                        // A sentence's first word, now inside a sentence.
                        let mut chars = text.chars();
                        chars.next().map_or_else(String::new, |first| {
                            first.to_lowercase().chain(chars).collect::<String>()
                        })
                    }
                    _ => g.cause.describe(lang).to_string(),
                };
                render(
                    Msg::OtherCauseItem,
                    lang,
                    &[
                        ("cause", &label),
                        ("recipients", &who.join(crate::text::text(Msg::ListSep, lang))),
                    ],
                )
            })
            .collect();
        let sentence = render(
            Msg::OtherCauses,
            lang,
            &[("causes", &others.join(crate::text::text(Msg::ItemSep, lang)))],
        );
        summary = advice::join(lang, &[summary, sentence]);
    }
    let evidence_notes = match headline.cause {
        Cause::SendingIpBlocklisted
        | Cause::SendingIpReputation
        | Cause::SendingDomainBlocklisted
        | Cause::Unknown => evidence.iter().map(|e| advice::evidence_note(e, lang)).collect(),
        _ => Vec::new(),
    };
    let headline_first = headline.recipients.first().copied();
    let claims = claims::collect(bounce, &assessments, &built, evidence, hosting.as_ref());
    Verdict {
        cause: headline.cause,
        summary,
        actions: headline.actions.clone(),
        provider: headline.provider,
        reason: headline_first
            .and_then(|i| assessments.get(i))
            .map_or(Reason::Undefined, |a| a.reason()),
        reasons: assessments.iter().map(|a| a.reason()).collect(),
        recipients: assessments,
        causes: built,
        claims,
        hosting,
        evidence_notes,
    }
}

#[cfg(test)]
mod tests;
