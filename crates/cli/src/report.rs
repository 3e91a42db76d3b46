//! The report for one input: the stable JSON interface (`docs/json.md`) and what the
//! text renderer prints. Only this module derives `Serialize`; the library types stay
//! free to change.

use serde::Serialize;

use rebound_dsn::{Bounce, Form, Kind};
use rebound_rbl::{Catalog, Listing, ListingStatus, ZoneKind};
use rebound_verdict::{Evidence, Lang, Verdict};

use crate::lookup::Lookups;

#[derive(Debug, Serialize)]
pub struct Report {
    /// The file name, or `-` for standard input.
    pub input: String,
    /// `delivery_status_report`, `human_readable` or `pasted_text`.
    pub form: &'static str,
    pub reporting_mta: Option<String>,
    pub generator: Option<String>,
    /// The envelope sender of the bounced message, when the bounce gives it.
    pub sender: Option<String>,
    /// When the bounce was written (`Arrival-Date`, else the bounce's `Date`), as given.
    pub date: Option<String>,
    pub recipients: Vec<RecipientOut>,
    pub original_message: OriginalOut,
    pub sending_ips: Vec<SendingIpOut>,
    /// Sending domains checked against domain blocklists.
    pub sending_domains: Vec<SendingDomainOut>,
    pub lookup: LookupOut,
    pub listings: Vec<ListingOut>,
    pub verdict: VerdictOut,
}

#[derive(Debug, Serialize)]
pub struct RecipientOut {
    pub recipient: Option<String>,
    pub action: &'static str,
    /// `delivery`, `feedback` (an ARF complaint report) or `auto_reply`.
    pub kind: &'static str,
    /// The ARF feedback type (`abuse`, `auth-failure`, ...) of a feedback report.
    pub feedback_type: Option<String>,
    pub status: Option<String>,
    pub reply_code: Option<u16>,
    pub reason: &'static str,
    pub reason_text: String,
    /// Sisimai's hard bounce: retrying will not help because the address is wrong.
    pub hard_bounce: bool,
    pub diagnostic: Option<String>,
    pub remote_mta: Option<String>,
    pub remote_ip: Option<String>,
    pub smtp_command: Option<String>,
    pub provider: Option<&'static str>,
    pub provider_name: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct OriginalOut {
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub date: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SendingIpOut {
    pub ip: String,
    /// `diagnostic` or `reporting_mta`.
    pub found_in: &'static str,
    /// The host name the IP was resolved from, for `reporting_mta`.
    pub host: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SendingDomainOut {
    pub domain: String,
    /// `sender_address`: the domain of the envelope sender or the `From` address.
    pub found_in: &'static str,
}

#[derive(Debug, Serialize)]
pub struct LookupOut {
    /// `checked`, `offline` or `unreachable`.
    pub state: &'static str,
    pub error: Option<String>,
    /// Host names that could not be resolved, with the cause.
    pub unresolved_hosts: Vec<UnresolvedOut>,
}

#[derive(Debug, Serialize)]
pub struct UnresolvedOut {
    pub host: String,
    pub error: String,
}

#[derive(Debug, Serialize)]
pub struct ListingOut {
    pub subject: String,
    pub zone: String,
    pub list: String,
    /// true listed, false not listed, null unknown.
    pub listed: Option<bool>,
    /// An allowlist: being listed is good news.
    pub allowlist: bool,
    pub codes: Vec<String>,
    pub meanings: Vec<String>,
    pub txt: Vec<String>,
    pub error: Option<String>,
    pub removal_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct VerdictOut {
    pub cause: &'static str,
    pub summary: String,
    pub actions: Vec<String>,
    pub hosting: HostingOut,
}

#[derive(Debug, Serialize)]
pub struct HostingOut {
    pub name: Option<String>,
    /// The name in the `--lang` language (e.g. エックスサーバー).
    pub display_name: Option<String>,
    pub shared: Option<bool>,
}

fn listed(status: ListingStatus) -> Option<bool> {
    match status {
        ListingStatus::Listed => Some(true),
        ListingStatus::NotListed => Some(false),
        ListingStatus::Unknown => None,
    }
}

/// The meanings of a listing's codes in the user's language, falling back to English
/// where the catalog has no translation.
fn meanings(listing: &Listing, catalog: &Catalog, lang: Lang) -> Vec<String> {
    let zone = catalog.get(&listing.zone);
    match (lang, zone) {
        (Lang::Ja, Some(zone)) if listing.meanings.len() == listing.codes.len() => listing
            .codes
            .iter()
            .zip(&listing.meanings)
            .map(|(code, english)| {
                zone.code(*code)
                    .and_then(|c| c.meaning_ja.clone())
                    .unwrap_or_else(|| english.clone())
            })
            .collect(),
        _ => listing.meanings.clone(),
    }
}

/// One blocklist answer as the JSON interface shows it (`diagnose` and `check`).
pub fn listing_out(l: &Listing, catalog: &Catalog, lang: Lang) -> ListingOut {
    let zone = catalog.get(&l.zone);
    ListingOut {
        subject: l.subject.clone(),
        zone: l.zone.clone(),
        list: zone.map_or_else(|| l.zone.clone(), |z| z.display_name.clone()),
        listed: listed(l.status),
        allowlist: zone.is_some_and(|z| z.kind == ZoneKind::Allowlist),
        codes: l.codes.iter().map(|c| c.to_string()).collect(),
        meanings: meanings(l, catalog, lang),
        txt: l.txt.clone(),
        error: l.error.clone(),
        removal_url: zone.and_then(|z| z.removal_url.clone()),
    }
}

/// The verdict crate's view of one blocklist answer.
pub fn evidence(listing: &Listing, catalog: &Catalog, lang: Lang) -> Evidence {
    let zone = catalog.get(&listing.zone);
    let mut evidence = Evidence::default();
    evidence.subject = listing.subject.clone();
    evidence.zone = listing.zone.clone();
    evidence.list_name = zone.map_or_else(|| listing.zone.clone(), |z| z.display_name.clone());
    evidence.listed = listed(listing.status);
    evidence.meanings = meanings(listing, catalog, lang);
    evidence.removal_url = zone.and_then(|z| z.removal_url.clone());
    evidence.expiry = zone.and_then(|z| z.expiry.clone());
    evidence
}

/// Builds the report of one diagnosed input.
pub fn build(
    input: &str,
    bounce: &Bounce,
    lookups: &Lookups,
    verdict: &Verdict,
    catalog: &Catalog,
    lang: Lang,
) -> Report {
    let recipients = bounce
        .recipients
        .iter()
        .map(|r| {
            let reason = rebound_verdict::Reason::classify_in(r, bounce);
            let provider = rebound_verdict::provider_of(r);
            RecipientOut {
                recipient: r.recipient.clone(),
                action: r.action.as_str(),
                kind: match r.kind {
                    Kind::Feedback => "feedback",
                    Kind::AutoReply => "auto_reply",
                    _ => "delivery",
                },
                feedback_type: r.feedback_type.clone(),
                status: r.status.map(|s| s.to_string()),
                reply_code: r.reply_code,
                reason: reason.as_str(),
                reason_text: reason.describe(lang).to_string(),
                hard_bounce: rebound_verdict::hard_bounce_of(r, reason),
                diagnostic: r.diagnostic.clone(),
                remote_mta: r.remote_mta.clone(),
                remote_ip: r.remote_ip.map(|ip| ip.to_string()),
                smtp_command: r.smtp_command.clone(),
                provider: provider.map(|p| p.id),
                provider_name: provider.map(|p| p.name),
            }
        })
        .collect();
    let original = &bounce.original;
    let (state, error) = match &lookups.outcome {
        rebound_verdict::LookupOutcome::Offline => ("offline", None),
        rebound_verdict::LookupOutcome::Unreachable(cause) => ("unreachable", Some(cause.clone())),
        _ => ("checked", None),
    };
    Report {
        input: input.to_string(),
        form: match bounce.form {
            Form::DeliveryStatusReport => "delivery_status_report",
            Form::HumanReadable => "human_readable",
            Form::PastedText => "pasted_text",
            Form::FeedbackReport => "feedback_report",
            Form::AutoReply => "auto_reply",
            _ => "other",
        },
        reporting_mta: bounce.reporting_mta.clone(),
        generator: bounce.generator.clone(),
        sender: bounce.sender.clone(),
        date: bounce.date.clone(),
        recipients,
        original_message: OriginalOut {
            message_id: original.message_id.clone(),
            from: original.from.clone(),
            to: original.to.clone(),
            subject: original.subject.clone(),
            date: original.date.clone(),
        },
        sending_ips: lookups
            .sending_ips
            .iter()
            .map(|s| SendingIpOut {
                ip: s.ip.to_string(),
                found_in: s.found_in.as_str(),
                host: s.host.clone(),
            })
            .collect(),
        sending_domains: lookups
            .sending_domains
            .iter()
            .map(|(domain, found_in)| SendingDomainOut {
                domain: domain.clone(),
                found_in: found_in.as_str(),
            })
            .collect(),
        lookup: LookupOut {
            state,
            error,
            unresolved_hosts: lookups
                .unresolved
                .iter()
                .map(|(host, error)| UnresolvedOut { host: host.clone(), error: error.clone() })
                .collect(),
        },
        listings: lookups.listings.iter().map(|l| listing_out(l, catalog, lang)).collect(),
        verdict: VerdictOut {
            cause: verdict.cause.as_str(),
            summary: verdict.summary.clone(),
            actions: verdict.actions.clone(),
            hosting: HostingOut {
                name: verdict.hosting.as_ref().map(|h| h.name.clone()),
                display_name: verdict.hosting.as_ref().map(|h| h.display_name(lang)),
                shared: verdict.hosting.as_ref().map(|h| h.shared),
            },
        },
    }
}
