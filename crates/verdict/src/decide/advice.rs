//! The sentences of a verdict, per cause: what happened and what to do, assembled
//! from the message table in `text.rs` (so every sentence exists in English and
//! Japanese) and the facts of one group of recipients.

use std::net::IpAddr;

use rebound_dsn::{Action, RecipientReport};

use super::{Evidence, LookupOutcome};
use crate::cause::Cause;
use crate::hosting::Hosting;
use crate::plan::MentionedList;
use crate::provider::Provider;
use crate::reason::Reason;
use crate::text::{fill, render, text, Lang, Msg};

/// Everything the sentences of one cause are made from: the first recipient of the
/// group, and the group's addresses.
pub(super) struct Facts<'a> {
    pub(super) lang: Lang,
    pub(super) report: Option<&'a RecipientReport>,
    pub(super) reason: Reason,
    pub(super) provider: Option<Provider>,
    pub(super) hosting: Option<Hosting>,
    pub(super) ip: Option<IpAddr>,
    pub(super) mentioned: Vec<MentionedList>,
    pub(super) evidence: &'a [Evidence],
    pub(super) lookup: &'a LookupOutcome,
    /// Every address of the group, in report order.
    pub(super) recipients: Vec<String>,
    /// A carrier's "unknown user" that may be the recipient's reception filter.
    pub(super) reception_filter_possible: bool,
}

impl Facts<'_> {
    fn provider_name(&self) -> String {
        self.provider.map_or_else(
            || text(Msg::ReceiverStart, self.lang).to_string(),
            |p| p.display_name(self.lang).to_string(),
        )
    }

    fn owner(&self) -> String {
        self.provider.map_or_else(
            || text(Msg::OwnerUnknown, self.lang).to_string(),
            |p| p.company.to_string(),
        )
    }

    fn provparen(&self) -> String {
        match (self.provider, self.lang) {
            (Some(p), Lang::Ja) => format!("（{}）", p.display_name(Lang::Ja)),
            (Some(p), _) => format!(" ({})", p.name),
            (None, _) => String::new(),
        }
    }

    fn rcpt(&self) -> String {
        if self.recipients.is_empty() {
            return text(Msg::RcptUnknown, self.lang).to_string();
        }
        self.recipients.join(text(Msg::ListSep, self.lang))
    }

    fn ip_text(&self) -> String {
        self.ip.map(|ip| ip.to_string()).unwrap_or_default()
    }

    fn ipphrase(&self) -> String {
        match self.ip {
            Some(ip) => render(Msg::IpPhrase, self.lang, &[("ip", &ip.to_string())]),
            None => text(Msg::IpPhraseUnknown, self.lang).to_string(),
        }
    }

    fn support(&self) -> String {
        match &self.hosting {
            Some(h) => h.support_desk(self.lang),
            None => text(Msg::AdminFallback, self.lang).to_string(),
        }
    }

    fn describe(&self) -> String {
        self.reason.describe(self.lang).to_string()
    }

    fn ip_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.evidence.iter().filter(|e| e.subject.trim().parse::<IpAddr>().is_ok())
    }

    fn transient(&self) -> bool {
        self.report.is_some_and(crate::assess::is_temporary)
    }
}

/// Meanings in parentheses, without a generic "listed:" lead-in. A Japanese
/// verdict given English meanings (a list the catalog has no translation for) keeps
/// only the code before a colon (`SBL: ...` becomes `SBL`), so no English sentence
/// leaks into it.
pub(super) fn meanings_text(meanings: &[String], lang: Lang) -> String {
    const GENERIC: &[&str] = &["listed:", "登録あり:"];
    let specific = |m: &String| {
        let m = m.trim();
        GENERIC.iter().find_map(|g| m.strip_prefix(g)).unwrap_or(m).trim().to_string()
    };
    let shown: Vec<String> = match lang {
        Lang::Ja => meanings
            .iter()
            .map(|m| {
                if m.is_ascii() {
                    let code = m.split(':').next().unwrap_or(m).trim();
                    if code.eq_ignore_ascii_case("listed") {
                        String::new()
                    } else {
                        code.to_string()
                    }
                } else {
                    specific(m)
                }
            })
            .filter(|m| !m.is_empty())
            .collect(),
        _ => meanings.iter().map(specific).filter(|m| !m.is_empty()).collect(),
    };
    if shown.is_empty() {
        return String::new();
    }
    match lang {
        Lang::Ja => format!("（{}）", shown.join("、")),
        _ => format!(" ({})", shown.join("; ")),
    }
}

pub(super) fn evidence_note(e: &Evidence, lang: Lang) -> String {
    let meanings = meanings_text(&e.meanings, lang);
    let values = [
        ("list", e.list_name.as_str()),
        ("zone", e.zone.as_str()),
        ("subject", e.subject.as_str()),
        ("meanings", meanings.as_str()),
    ];
    let id = match e.listed {
        Some(true) => Msg::NoteListed,
        Some(false) => Msg::NoteNotListed,
        None => Msg::NoteUnknown,
    };
    render(id, lang, &values)
}

/// The sentences about what the public blocklists said.
pub(super) fn evidence_sentences(f: &Facts<'_>, cause: Cause) -> Vec<String> {
    let lang = f.lang;
    match f.lookup {
        LookupOutcome::Offline => return vec![text(Msg::EvOffline, lang).to_string()],
        LookupOutcome::Unreachable(why) => {
            return vec![render(Msg::EvUnreachable, lang, &[("why", why)])];
        }
        LookupOutcome::Checked => {}
    }
    let ip_evidence: Vec<&Evidence> = f.ip_evidence().collect();
    let listed: Vec<&&Evidence> = ip_evidence.iter().filter(|e| e.listed == Some(true)).collect();
    let clean = ip_evidence.iter().filter(|e| e.listed == Some(false)).count();
    let unknown = ip_evidence.iter().filter(|e| e.listed.is_none()).count();
    let mut out = Vec::new();
    let some_unknown = render(Msg::EvSomeUnknown, lang, &[("count", &unknown.to_string())]);
    if !listed.is_empty() {
        for e in listed {
            let meanings = meanings_text(&e.meanings, lang);
            let same = f.ip.is_some_and(|ip| e.subject.trim().parse::<IpAddr>().ok() == Some(ip));
            let id = if same { Msg::EvListedIt } else { Msg::EvListedOther };
            out.push(render(
                id,
                lang,
                &[("subject", &e.subject), ("list", &e.list_name), ("meanings", &meanings)],
            ));
        }
        if unknown > 0 {
            out.push(some_unknown);
        }
    } else if let Some((ip, Err(range))) =
        f.ip.map(|ip| (ip, rebound_rbl::is_public(ip))).filter(|_| unknown == ip_evidence.len())
    {
        // A private or reserved address is never sent to a public list: say so
        // rather than "no results".
        out.push(render(Msg::EvNotPublic, lang, &[("ip", &ip.to_string()), ("range", range)]));
    } else if ip_evidence.is_empty() {
        out.push(text(Msg::EvNoEvidence, lang).to_string());
    } else if unknown == 0 {
        // When the refusal already named the provider's own list, say that the public
        // lists agree rather than repeat the conclusion.
        // A private list is the provider's own only when it is the provider's (Cloudmark
        // or Proofpoint named in a Comcast refusal are services the receiver uses).
        let own_list_named = f.mentioned.iter().any(|m| {
            !m.public
                && (m.id.strip_suffix("-internal").unwrap_or(m.id)
                    == f.provider.map_or("", |p| p.id))
        });
        let id = if cause == Cause::SendingIpReputation {
            Msg::EvNoneListedRep
        } else if own_list_named {
            Msg::EvNoneListedOwnNamed
        } else {
            Msg::EvNoneListed
        };
        out.push(render(id, lang, &[("owner", &f.owner())]));
    } else if clean == 0 && ip_evidence.iter().any(|e| e.unconfirmed) {
        // The lists answered, but none passed its test entry: an empty answer from
        // them is no evidence either way.
        out.push(text(Msg::EvUnconfirmed, lang).to_string());
    } else if clean == 0 {
        out.push(text(Msg::EvAllUnknown, lang).to_string());
    } else {
        out.push(text(Msg::EvNoneAnswered, lang).to_string());
        out.push(some_unknown);
    }
    out
}

pub(super) fn mentioned_sentences(f: &Facts<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let names: Vec<String> = f
        .mentioned
        .iter()
        .map(|m| match m.id {
            "microsoft-internal" => text(Msg::MsInternalList, f.lang).to_string(),
            _ => m.name.clone(),
        })
        .collect();
    if !names.is_empty() {
        let lists = names.join(text(Msg::ListSep, f.lang));
        out.push(render(Msg::Mentioned, f.lang, &[("lists", &lists)]));
    }
    for m in f.mentioned.iter().filter(|m| m.defunct) {
        out.push(match m.defunct_since.as_deref().and_then(|d| since(d, f.lang)) {
            Some(since) => render(Msg::Defunct, f.lang, &[("list", &m.name), ("since", &since)]),
            None => render(Msg::DefunctUndated, f.lang, &[("list", &m.name)]),
        });
    }
    out
}

/// "on 5 June 2024" / "2024 年 6 月 5 日に" from an ISO date (or "in 2008" / "2008
/// 年に" from a year alone), as the catalog records a list's shutdown.
fn since(iso: &str, lang: Lang) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = iso.split('-').map(|p| p.parse::<u32>().ok());
    let year = parts.next()??;
    match (parts.next(), parts.next(), lang) {
        (None, None, Lang::Ja) => Some(format!(" {year} 年に")),
        (None, None, _) => Some(format!("in {year}")),
        (Some(Some(month)), Some(Some(day)), lang) => {
            let name = MONTHS.get(usize::try_from(month).ok()?.checked_sub(1)?)?;
            Some(match lang {
                Lang::Ja => format!(" {year} 年 {month} 月 {day} 日に"),
                _ => format!("on {day} {name} {year}"),
            })
        }
        _ => None,
    }
}

pub(super) fn join(lang: Lang, parts: &[String]) -> String {
    let sep = if lang == Lang::Ja { "" } else { " " };
    parts.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join(sep)
}

pub(super) fn ip_verdict(f: &Facts<'_>, cause: Cause) -> (String, Vec<String>) {
    let lang = f.lang;
    let blocklisted = cause == Cause::SendingIpBlocklisted;
    let provider = f.provider_name();
    let ipphrase = f.ipphrase();
    let lead = if blocklisted { Msg::SumIpBlocked } else { Msg::SumIpReputation };
    let mut parts = vec![render(lead, lang, &[("provider", &provider), ("ipphrase", &ipphrase)])];
    parts.extend(mentioned_sentences(f));
    parts.extend(evidence_sentences(f, cause));
    if let Some(h) = f.hosting.as_ref().filter(|h| h.shared) {
        let id = if blocklisted { Msg::Shared } else { Msg::SharedRep };
        parts.push(render(id, lang, &[("host", &h.host), ("hosting", &h.display_name(lang))]));
    }
    let summary = join(lang, &parts);

    let mut actions = Vec::new();
    let support = f.support();
    actions.push(match (&f.hosting, blocklisted) {
        (Some(_), true) => render(Msg::ActHostSupport, lang, &[("support", &support)]),
        (None, true) => text(Msg::ActAdminSupport, lang).to_string(),
        (Some(_), false) => render(Msg::ActHostSupportRep, lang, &[("support", &support)]),
        (None, false) => text(Msg::ActAdminSupportRep, lang).to_string(),
    });
    // The provider's own route for senders, from its data file.
    if let Some((p, advice)) = f.provider.and_then(|p| Some((p, p.advice(lang)?))) {
        let url = p.advice_url().unwrap_or_default();
        actions.push(fill(advice, lang, &[("url", url), ("ip", &f.ip_text())]));
    }
    if f.lookup == &LookupOutcome::Checked {
        for e in f.ip_evidence().filter(|e| e.listed == Some(true)) {
            actions.push(list_removal(e, lang));
        }
    }
    if blocklisted {
        if let Some(note) = f.hosting.as_ref().and_then(|h| h.removal_note(lang)) {
            actions.push(note.to_string());
        }
    } else {
        actions.push(text(Msg::ActAuthBasics, lang).to_string());
    }
    if !blocklisted && f.transient() {
        actions.push(text(Msg::ActWaitRetrying, lang).to_string());
    } else {
        actions.push(text(Msg::ActMeanwhile, lang).to_string());
    }
    // Paid express removal is offered by public lists: worth a warning when one is
    // involved, named by the refusal or listing the address.
    let public_list = f.mentioned.iter().any(|m| m.public && !m.defunct)
        || f.ip_evidence().any(|e| e.listed == Some(true) && !e.allowlist);
    if blocklisted && public_list {
        actions.push(text(Msg::ActNoPaidDelisting, lang).to_string());
    }
    if let Some(dqs) = dqs_advice(f) {
        actions.push(dqs);
    }
    (summary, actions)
}

/// The DQS sentence, when a Spamhaus zone refused this resolver.
pub(super) fn dqs_advice(f: &Facts<'_>) -> Option<String> {
    let mut lists: Vec<&str> = f
        .evidence
        .iter()
        .filter(|e| e.refused && e.zone.contains("spamhaus"))
        .map(|e| e.list_name.as_str())
        .collect();
    lists.dedup();
    if lists.is_empty() {
        return None;
    }
    let lists = lists.join(text(Msg::ListSep, f.lang));
    Some(render(Msg::ActDqsKey, f.lang, &[("lists", &lists)]))
}

pub(super) fn list_removal(e: &Evidence, lang: Lang) -> String {
    // The catalog's expiry, in the verdict's language (the caller chose it).
    let expiry = match lang {
        Lang::Ja => e.expiry.clone().unwrap_or_default(),
        _ => e.expiry.as_ref().map(|t| format!(" {t}")).unwrap_or_default(),
    };
    let values = [
        ("list", e.list_name.as_str()),
        ("subject", e.subject.as_str()),
        ("url", e.removal_url.as_deref().unwrap_or_default()),
        ("expiry", expiry.as_str()),
    ];
    let id = if e.removal_url.is_some() { Msg::ActListRemoval } else { Msg::ActListNoUrl };
    render(id, lang, &values)
}

pub(super) fn domain_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
    let mut parts = vec![render(Msg::SumDomain, lang, &[("provider", &f.provider_name())])];
    parts.extend(mentioned_sentences(f));
    let summary = join(lang, &parts);
    let mut actions = vec![
        text(Msg::ActDomainCheck, lang).to_string(),
        text(Msg::ActDomainSecurity, lang).to_string(),
    ];
    for e in f.evidence.iter().filter(|e| e.listed == Some(true)) {
        if e.subject.trim().parse::<IpAddr>().is_err() {
            actions.push(list_removal(e, lang));
        }
    }
    actions.push(text(Msg::ActAuthBasics, lang).to_string());
    actions.extend(dqs_advice(f));
    (summary, actions)
}

pub(super) fn recipient_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
    let rcpt = f.rcpt();
    let provparen = f.provparen();
    let reason = f.describe();
    let values =
        [("rcpt", rcpt.as_str()), ("provparen", provparen.as_str()), ("reason", reason.as_str())];
    let (summary_id, action_ids): (Msg, &[Msg]) = match f.reason {
        // The carrier's "unknown user" after DATA is most often the recipient's
        // reception filter (provider-replies.md §1.1 rules 3 and 4): do not say the
        // address does not exist.
        _ if f.reception_filter_possible => {
            (Msg::SumCarrierFilter, &[Msg::ActContactOther, Msg::ActCheckTypo])
        }
        Reason::UserUnknown => (
            Msg::SumUserUnknown,
            &[Msg::ActCheckTypo, Msg::ActContactOther, Msg::ActRemoveFromLists],
        ),
        Reason::MailboxFull => {
            (Msg::SumMailboxFull, &[Msg::ActTellRecipientFull, Msg::ActResendLater])
        }
        Reason::HostUnknown => (
            Msg::SumHostUnknown,
            &[Msg::ActCheckDomainTypo, Msg::ActContactOther, Msg::ActRemoveFromLists],
        ),
        Reason::Suspend => (Msg::SumSuspend, &[Msg::ActContactOther, Msg::ActRemoveFromLists]),
        _ => (Msg::SumRecipientOther, &[Msg::ActCheckTypo, Msg::ActContactOther]),
    };
    let mut actions: Vec<String> = action_ids.iter().map(|id| render(*id, lang, &values)).collect();
    if f.reception_filter_possible {
        actions.insert(1, text(Msg::ActCarrierFilter, lang).to_string());
    }
    (render(summary_id, lang, &values), actions)
}

/// A summary and actions from the message table, for causes whose sentences need
/// only the provider, the IP phrase, the reason and who runs the server.
fn said(f: &Facts<'_>, summary_id: Msg, action_ids: &[Msg]) -> (String, Vec<String>) {
    let provider = f.provider_name();
    let ipphrase = f.ipphrase();
    let reason = f.describe();
    let support = f.support();
    let values = [
        ("provider", provider.as_str()),
        ("ipphrase", ipphrase.as_str()),
        ("reason", reason.as_str()),
        ("support", support.as_str()),
    ];
    (
        render(summary_id, f.lang, &values),
        action_ids.iter().map(|id| render(*id, f.lang, &values)).collect(),
    )
}

pub(super) fn auth_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    const SPF_DKIM_DMARC: &[Msg] =
        &[Msg::ActSpf, Msg::ActDkim, Msg::ActDmarc, Msg::ActResendAfterFix];
    match f.reason {
        Reason::RequirePtr => said(f, Msg::SumPtr, &[Msg::ActPtr, Msg::ActResendAfterFix]),
        Reason::Rejected | Reason::SecurityError => said(f, Msg::SumRejectedSender, SPF_DKIM_DMARC),
        _ => said(f, Msg::SumAuth, SPF_DKIM_DMARC),
    }
}

pub(super) fn content_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    match f.reason {
        Reason::SpamDetected => {
            said(f, Msg::SumSpam, &[Msg::ActSpamContent, Msg::ActAuthBasics, Msg::ActContentAdmin])
        }
        Reason::VirusDetected => said(f, Msg::SumVirus, &[Msg::ActVirus, Msg::ActContentAdmin]),
        Reason::EmailTooLarge => said(f, Msg::SumTooLarge, &[Msg::ActTooLarge]),
        _ => said(f, Msg::SumContentOther, &[Msg::ActContentAdmin]),
    }
}

pub(super) fn policy_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    match f.reason {
        Reason::NoRelaying => said(f, Msg::SumRelay, &[Msg::ActRelayAuth, Msg::ActContentAdmin]),
        Reason::FailedStartTls => said(f, Msg::SumTls, &[Msg::ActTls]),
        Reason::Rejected => {
            said(f, Msg::SumRejectedSender, &[Msg::ActPolicyAskRecipient, Msg::ActContentAdmin])
        }
        _ => said(f, Msg::SumPolicy, &[Msg::ActPolicyAskRecipient, Msg::ActContentAdmin]),
    }
}

pub(super) fn rate_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
    let summary = render(Msg::SumRate, lang, &[("provider", &f.provider_name())]);
    let mut actions =
        vec![text(Msg::ActWaitRetry, lang).to_string(), text(Msg::ActSlowDown, lang).to_string()];
    if f.transient() {
        actions.insert(0, text(Msg::ActWaitRetrying, lang).to_string());
    }
    (summary, actions)
}

pub(super) fn temporary_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
    let rcpt = f.rcpt();
    let provparen = f.provparen();
    let reason = f.describe();
    let values =
        [("rcpt", rcpt.as_str()), ("provparen", provparen.as_str()), ("reason", reason.as_str())];
    let delayed = f.report.is_some_and(|r| r.action == Action::Delayed);
    let (summary_id, action_id) = if delayed {
        (Msg::SumDelayed, Msg::ActNoActionYet)
    } else if f.reason == Reason::Expired {
        (Msg::SumExpired, Msg::ActResendLaterExpired)
    } else if f.transient() {
        (Msg::SumTempOther, Msg::ActNoActionYet)
    } else {
        (Msg::SumTempOther, Msg::ActResendLaterExpired)
    };
    (render(summary_id, lang, &values), vec![render(action_id, lang, &values)])
}

pub(super) fn unknown_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
    let reason = f.describe();
    let rcpt = f.rcpt();
    let values = [("reason", reason.as_str()), ("rcpt", rcpt.as_str())];
    match f.reason {
        Reason::Delivered => {
            (text(Msg::SumDelivered, lang).to_string(), vec![text(Msg::ActNone, lang).to_string()])
        }
        Reason::Vacation => {
            (render(Msg::SumNotBounce, lang, &values), vec![text(Msg::ActNone, lang).to_string()])
        }
        // A complaint needs no fix to the mail system, but the sender must stop
        // mailing the person who complained.
        Reason::Feedback => (
            render(Msg::SumNotBounce, lang, &values),
            vec![render(Msg::ActStopComplainer, lang, &values)],
        ),
        _ => {
            let mut parts = vec![render(Msg::SumUnknown, lang, &values)];
            parts.extend(mentioned_sentences(f));
            let support = f.support();
            let mut actions = vec![render(Msg::ActForwardUnknown, lang, &[("support", &support)])];
            actions.extend(dqs_advice(f));
            (join(lang, &parts), actions)
        }
    }
}

/// The summary and actions for one cause.
pub(super) fn sentences(f: &Facts<'_>, cause: Cause) -> (String, Vec<String>) {
    match cause {
        Cause::SendingIpBlocklisted | Cause::SendingIpReputation => ip_verdict(f, cause),
        Cause::SendingDomainBlocklisted => domain_verdict(f),
        Cause::RecipientProblem => recipient_verdict(f),
        Cause::AuthenticationFailure => auth_verdict(f),
        Cause::ContentRejected => content_verdict(f),
        Cause::PolicyRejected => policy_verdict(f),
        Cause::RateLimited => rate_verdict(f),
        Cause::TemporaryFailure => temporary_verdict(f),
        Cause::Unknown | Cause::NotAFailure => unknown_verdict(f),
    }
}
