//! The verdict: which cause, what happened and what to do.
//!
//! The cause comes from the table [`CAUSE_RULES`], keyed by the primary recipient's
//! [`Reason`] and conditions on the blocklist evidence and the text. The sentences
//! come from the message table in `text.rs`, so every one exists in English and
//! Japanese.

use std::net::IpAddr;

use rebound_dsn::{Action, Bounce, RecipientReport};

use crate::cause::Cause;
use crate::hosting::{hosting_of, Hosting};
use crate::plan::{plan, FoundIn, MentionedList};
use crate::provider::{provider_of, Provider};
use crate::reason::{classify, Reason};
use crate::text::{render, text, Lang, Msg};

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
    /// How long listings last / how removal works.
    pub expiry: Option<String>,
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

/// The verdict on a bounce.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// The cause.
    pub cause: Cause,
    /// One paragraph saying what happened.
    pub summary: String,
    /// Concrete next steps, most important first.
    pub actions: Vec<String>,
    /// The sender's hosting provider, when recognised.
    pub hosting: Option<Hosting>,
    /// The receiving provider of the recipient the verdict is about, when recognised.
    pub provider: Option<Provider>,
    /// The reason of the recipient the verdict is about (the first failed one).
    pub reason: Reason,
    /// One reason per recipient of the bounce, in report order.
    pub reasons: Vec<Reason>,
    /// One line per blocklist answer, in the verdict's language; empty when the
    /// cause has nothing to do with blocklists (a recipient problem, say).
    pub evidence_notes: Vec<String>,
}

/// Conditions a cause rule may require beyond the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Always,
    /// A public list answered that a sending IP is listed.
    IpListed,
    /// The text or the evidence points at a domain rather than an IP.
    DomainListed,
    /// The failure is temporary (action delayed, or a 4.x.x status).
    Transient,
}

struct CauseRule {
    /// Reasons the rule applies to; empty means any reason.
    reasons: &'static [Reason],
    when: When,
    cause: Cause,
}

/// From (reason, evidence, text) to cause; the first matching row wins.
#[rustfmt::skip]
const CAUSE_RULES: &[CauseRule] = &[
    CauseRule { reasons: &[Reason::UserUnknown, Reason::MailboxFull, Reason::HostUnknown,
        Reason::Suspend, Reason::HasMoved, Reason::Filtered, Reason::NotAccept, Reason::Suppressed],
        when: When::Always, cause: Cause::RecipientProblem },
    CauseRule { reasons: &[Reason::Delivered, Reason::Vacation, Reason::Feedback],
        when: When::Always, cause: Cause::Unknown },
    CauseRule { reasons: &[Reason::Blocked, Reason::BadReputation, Reason::SpamDetected],
        when: When::DomainListed, cause: Cause::SendingDomainBlocklisted },
    CauseRule { reasons: &[Reason::Blocked], when: When::Always, cause: Cause::SendingIpBlocklisted },
    CauseRule { reasons: &[Reason::BadReputation], when: When::IpListed, cause: Cause::SendingIpBlocklisted },
    CauseRule { reasons: &[Reason::BadReputation], when: When::Always, cause: Cause::SendingIpReputation },
    CauseRule { reasons: &[Reason::AuthFailure, Reason::RequirePtr, Reason::Rejected, Reason::SecurityError],
        when: When::Always, cause: Cause::AuthenticationFailure },
    CauseRule { reasons: &[Reason::SpamDetected, Reason::VirusDetected, Reason::ContentError,
        Reason::EmailTooLarge, Reason::NotCompliantRfc, Reason::PolicyViolation],
        when: When::Always, cause: Cause::ContentRejected },
    CauseRule { reasons: &[Reason::RateLimited], when: When::Always, cause: Cause::RateLimited },
    CauseRule { reasons: &[Reason::Expired, Reason::NetworkError, Reason::SystemError,
        Reason::SystemFull, Reason::MailerError, Reason::FailedStartTls],
        when: When::Always, cause: Cause::TemporaryFailure },
    CauseRule { reasons: &[], when: When::Transient, cause: Cause::TemporaryFailure },
];

/// Words saying that a *domain* (not the IP) is what the receiver refuses.
const DOMAIN_WORDS: &[&str] = &[
    "spamhaus dbl",
    "dbl.spamhaus",
    "domain present in",
    "reputation of the sending domain",
    "domain is blacklisted",
    "domain reputation",
    "uribl",
    "surbl",
    "domain is listed",
    "bad outbound sender",
    "banned sender domain",
];

/// Per-provider advice for IP causes: (provider variant, message).
const PROVIDER_ADVICE: &[(&str, Msg)] = &[
    ("outlook.com", Msg::ActMsConsumerForm),
    ("microsoft365", Msg::ActMs365Delist),
    ("google", Msg::ActGoogle),
    ("yahoo", Msg::ActYahoo),
    ("apple", Msg::ActApple),
    ("gmx", Msg::ActGmx),
];

/// Usual removal times in Japanese for well-known lists, keyed by a zone substring;
/// used in Japanese output in place of the English `Evidence::expiry`.
#[rustfmt::skip]
const LIST_TIMES_JA: &[(&str, &str)] = &[
    ("spamhaus", "Spamhaus の確認ツール（https://check.spamhaus.org）で理由を確認し、案内に従って解除します。SBL の解除はサーバー会社などネットワークの管理者しか申請できません。"),
    ("barracuda", "解除フォームから一度申請すれば、通常 24 時間ほどで処理されます。"),
    ("spamcop", "通報が止まれば自動的に外れます（目安は 24〜48 時間）。"),
    ("uceprotect", "dnsbl-1 は最後の迷惑メールから 7 日で自動的に外れます。dnsbl-2・dnsbl-3 はサーバー会社のネットワーク全体が改善されるまで外れません。"),
    ("psbl", "Web フォームから解除でき、時間がたつと自動的にも外れます。"),
    ("mailspike", "評価は時間とともに自動的に改善します。"),
    ("spamrats", "逆引きなどの問題を直してから、解除フォームで申請します。"),
];

/// Mobile carriers whose "user unknown" may be the recipient's own filter.
const CARRIERS: &[&str] = &["docomo", "kddi", "softbank"];

/// Everything decide() works from.
struct Facts<'a> {
    lang: Lang,
    report: Option<&'a RecipientReport>,
    reason: Reason,
    provider: Option<Provider>,
    hosting: Option<Hosting>,
    ip: Option<IpAddr>,
    mentioned: Vec<MentionedList>,
    evidence: &'a [Evidence],
    lookup: &'a LookupOutcome,
}

impl Facts<'_> {
    fn provider_name(&self) -> String {
        self.provider
            .map_or_else(|| text(Msg::ReceiverStart, self.lang).to_string(), |p| p.name.to_string())
    }

    fn owner(&self) -> String {
        self.provider.map_or_else(
            || text(Msg::OwnerUnknown, self.lang).to_string(),
            |p| p.company.to_string(),
        )
    }

    fn provparen(&self) -> String {
        match (self.provider, self.lang) {
            (Some(p), Lang::Ja) => format!("（{}）", p.name),
            (Some(p), _) => format!(" ({})", p.name),
            (None, _) => String::new(),
        }
    }

    fn rcpt(&self) -> String {
        self.report
            .and_then(|r| r.recipient.clone())
            .unwrap_or_else(|| text(Msg::RcptUnknown, self.lang).to_string())
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
        self.report
            .is_some_and(|r| r.action == Action::Delayed || r.status.is_some_and(|s| s.class == 4))
    }

    fn holds(&self, when: When) -> bool {
        match when {
            When::Always => true,
            When::IpListed => self.ip_evidence().any(|e| e.listed == Some(true)),
            When::DomainListed => {
                let text = self
                    .report
                    .and_then(|r| r.diagnostic.as_deref())
                    .unwrap_or_default()
                    .to_lowercase();
                DOMAIN_WORDS.iter().any(|w| text.contains(w))
                    || self.evidence.iter().any(|e| {
                        e.listed == Some(true) && e.subject.trim().parse::<IpAddr>().is_err()
                    })
            }
            When::Transient => self.transient(),
        }
    }
}

/// The report the verdict is about: the first one that is not a success.
fn primary(bounce: &Bounce) -> Option<&RecipientReport> {
    bounce
        .recipients
        .iter()
        .find(|r| !matches!(r.action, Action::Delivered | Action::Relayed | Action::Expanded))
        .or_else(|| bounce.recipients.first())
}

/// Gives the verdict.
///
/// The verdict is about the first recipient that failed (or was delayed). Its reason
/// ([`classify`]), the receiving provider, the sender's hosting company and the
/// blocklist `evidence` select a [`Cause`] from a rule table; the summary and actions
/// are then assembled from the message table in `lang`.
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
///
/// let evidence = [Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", Some(false))];
/// let verdict = decide(&bounce, &evidence, &LookupOutcome::Checked, Lang::En);
/// assert_eq!(verdict.cause, Cause::SendingIpBlocklisted);
/// assert!(verdict.summary.contains("Microsoft's own list") || verdict.summary.contains("own list"));
/// assert!(verdict.actions[0].contains("Xserver mail support"));
/// ```
pub fn decide(
    bounce: &Bounce,
    evidence: &[Evidence],
    lookup: &LookupOutcome,
    lang: Lang,
) -> Verdict {
    let report = primary(bounce);
    let reasons: Vec<Reason> = bounce.recipients.iter().map(classify).collect();
    let lookup_plan = plan(bounce);
    // The sending IP: the one this recipient's receiver named, else any named one.
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
        });
    let facts = Facts {
        lang,
        report,
        reason: report.map_or(Reason::Undefined, classify),
        provider: report.and_then(provider_of),
        hosting: hosting_of(bounce),
        ip,
        mentioned: lookup_plan.mentioned_lists,
        evidence,
        lookup,
    };
    let cause = CAUSE_RULES
        .iter()
        .find(|rule| {
            (rule.reasons.is_empty() || rule.reasons.contains(&facts.reason))
                && facts.holds(rule.when)
        })
        .map_or(Cause::Unknown, |rule| rule.cause);

    let (summary, actions) = match cause {
        Cause::SendingIpBlocklisted | Cause::SendingIpReputation => ip_verdict(&facts, cause),
        Cause::SendingDomainBlocklisted => domain_verdict(&facts),
        Cause::RecipientProblem => recipient_verdict(&facts),
        Cause::AuthenticationFailure => auth_verdict(&facts),
        Cause::ContentRejected | Cause::PolicyRejected => content_verdict(&facts),
        Cause::RateLimited => rate_verdict(&facts),
        Cause::TemporaryFailure => temporary_verdict(&facts),
        Cause::Unknown | Cause::NotAFailure => unknown_verdict(&facts),
    };
    let evidence_notes = match cause {
        Cause::SendingIpBlocklisted
        | Cause::SendingIpReputation
        | Cause::SendingDomainBlocklisted
        | Cause::Unknown => evidence.iter().map(|e| evidence_note(e, lang)).collect(),
        _ => Vec::new(),
    };
    Verdict {
        cause,
        summary,
        actions,
        hosting: facts.hosting.clone(),
        provider: facts.provider,
        reason: facts.reason,
        reasons,
        evidence_notes,
    }
}

/// Meanings in parentheses, without a generic "listed:" lead-in. A Japanese
/// verdict given English meanings (a list the catalog has no translation for) keeps
/// only the code before a colon (`SBL: ...` becomes `SBL`), so no English sentence
/// leaks into it.
fn meanings_text(meanings: &[String], lang: Lang) -> String {
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

fn evidence_note(e: &Evidence, lang: Lang) -> String {
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
fn evidence_sentences(f: &Facts<'_>, cause: Cause) -> Vec<String> {
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
    } else if ip_evidence.is_empty() {
        out.push(text(Msg::EvNoEvidence, lang).to_string());
    } else if unknown == 0 {
        // When the refusal already named the provider's own list, say that the public
        // lists agree rather than repeat the conclusion.
        let own_list_named = f.mentioned.iter().any(|m| !m.public);
        let id = if cause == Cause::SendingIpReputation {
            Msg::EvNoneListedRep
        } else if own_list_named {
            Msg::EvNoneListedOwnNamed
        } else {
            Msg::EvNoneListed
        };
        out.push(render(id, lang, &[("owner", &f.owner())]));
    } else if clean == 0 {
        out.push(text(Msg::EvAllUnknown, lang).to_string());
    } else {
        out.push(text(Msg::EvNoneAnswered, lang).to_string());
        out.push(some_unknown);
    }
    out
}

fn mentioned_sentences(f: &Facts<'_>) -> Vec<String> {
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
        out.push(render(Msg::Defunct, f.lang, &[("list", &m.name)]));
    }
    out
}

fn join(lang: Lang, parts: &[String]) -> String {
    let sep = if lang == Lang::Ja { "" } else { " " };
    parts.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join(sep)
}

fn ip_verdict(f: &Facts<'_>, cause: Cause) -> (String, Vec<String>) {
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
    if let Some(p) = f.provider {
        if let Some((_, id)) = PROVIDER_ADVICE.iter().find(|(variant, _)| *variant == p.variant) {
            let url = p.sender_support.unwrap_or_default();
            actions.push(render(*id, lang, &[("url", url), ("ip", &f.ip_text())]));
        }
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
    (summary, actions)
}

fn list_removal(e: &Evidence, lang: Lang) -> String {
    let expiry = match lang {
        Lang::Ja => {
            let zone = e.zone.to_ascii_lowercase();
            LIST_TIMES_JA
                .iter()
                .find(|(key, _)| zone.contains(key))
                .map(|(_, t)| (*t).to_string())
                .or_else(|| e.expiry.clone())
                .unwrap_or_default()
        }
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

fn domain_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
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
    (summary, actions)
}

fn recipient_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
    let rcpt = f.rcpt();
    let provparen = f.provparen();
    let reason = f.describe();
    let values =
        [("rcpt", rcpt.as_str()), ("provparen", provparen.as_str()), ("reason", reason.as_str())];
    let carrier = f.provider.is_some_and(|p| CARRIERS.contains(&p.id));
    let (summary_id, action_ids): (Msg, &[Msg]) = match f.reason {
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
    if carrier && matches!(f.reason, Reason::UserUnknown | Reason::Filtered) {
        actions.insert(1, text(Msg::ActCarrierFilter, lang).to_string());
    }
    (render(summary_id, lang, &values), actions)
}

fn auth_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
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
    let (summary_id, action_ids): (Msg, &[Msg]) = match f.reason {
        Reason::RequirePtr => (Msg::SumPtr, &[Msg::ActPtr, Msg::ActResendAfterFix]),
        Reason::Rejected | Reason::SecurityError => (
            Msg::SumRejectedSender,
            &[Msg::ActSpf, Msg::ActDkim, Msg::ActDmarc, Msg::ActResendAfterFix],
        ),
        _ => (Msg::SumAuth, &[Msg::ActSpf, Msg::ActDkim, Msg::ActDmarc, Msg::ActResendAfterFix]),
    };
    (
        render(summary_id, lang, &values),
        action_ids.iter().map(|id| render(*id, lang, &values)).collect(),
    )
}

fn content_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
    let provider = f.provider_name();
    let reason = f.describe();
    let support = f.support();
    let values = [
        ("provider", provider.as_str()),
        ("reason", reason.as_str()),
        ("support", support.as_str()),
    ];
    let (summary_id, action_ids): (Msg, &[Msg]) = match f.reason {
        Reason::SpamDetected => {
            (Msg::SumSpam, &[Msg::ActSpamContent, Msg::ActAuthBasics, Msg::ActContentAdmin])
        }
        Reason::VirusDetected => (Msg::SumVirus, &[Msg::ActVirus, Msg::ActContentAdmin]),
        Reason::EmailTooLarge => (Msg::SumTooLarge, &[Msg::ActTooLarge]),
        _ => (Msg::SumContentOther, &[Msg::ActContentAdmin]),
    };
    (
        render(summary_id, lang, &values),
        action_ids.iter().map(|id| render(*id, lang, &values)).collect(),
    )
}

fn rate_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
    let lang = f.lang;
    let summary = render(Msg::SumRate, lang, &[("provider", &f.provider_name())]);
    let mut actions =
        vec![text(Msg::ActWaitRetry, lang).to_string(), text(Msg::ActSlowDown, lang).to_string()];
    if f.transient() {
        actions.insert(0, text(Msg::ActWaitRetrying, lang).to_string());
    }
    (summary, actions)
}

fn temporary_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
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

fn unknown_verdict(f: &Facts<'_>) -> (String, Vec<String>) {
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
            (
                join(lang, &parts),
                vec![render(Msg::ActForwardUnknown, lang, &[("support", &support)])],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S3150: &str = "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [TYZPR01CA0000.jpnprd01.prod.outlook.com 2025-06-02T01:02:03.000Z]";

    fn bounce_with(status: &str, diagnostic: &str, remote: &str, rcpt: &str) -> Bounce {
        let mut b = Bounce::default();
        b.reporting_mta = Some("sv12053.xserver.jp".into());
        let mut r = RecipientReport::default();
        r.recipient = Some(rcpt.into());
        r.status = status.parse().ok();
        r.reply_code = Some(550);
        r.remote_mta = Some(remote.into());
        r.remote_ip = Some("198.51.100.20".parse().unwrap());
        r.diagnostic = Some(diagnostic.into());
        b.recipients.push(r);
        b
    }

    fn s3150() -> Bounce {
        bounce_with("5.7.1", S3150, "apc.olc.protection.outlook.com", "hanako@hotmail.co.jp")
    }

    fn spamhaus_listed() -> Evidence {
        let mut e = Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", Some(true));
        e.meanings = vec!["SBL: Spamhaus SBL data (direct spam sources)".into()];
        e.removal_url = Some("https://check.spamhaus.org/".into());
        e.expiry = Some(
            "Self-service removal once the cause is fixed; SBL only through the network owner."
                .into(),
        );
        e
    }

    fn clean(zone: &str, name: &str) -> Evidence {
        Evidence::new("203.0.113.45", zone, name, Some(false))
    }

    fn all_text(v: &Verdict) -> String {
        format!("{}\n{}", v.summary, v.actions.join("\n"))
    }

    #[test]
    fn s3150_xserver_with_a_spamhaus_listing() {
        let evidence = [spamhaus_listed(), clean("b.barracudacentral.org", "Barracuda BRBL")];
        let v = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::En);
        assert_eq!(v.cause, Cause::SendingIpBlocklisted);
        assert_eq!(v.cause.as_str(), "sending_ip_blocklisted");
        assert_eq!(v.provider.map(|p| p.variant), Some("outlook.com"));
        assert_eq!(v.hosting.as_ref().map(|h| h.name.as_str()), Some("Xserver"));
        assert!(v.summary.starts_with("Microsoft (Outlook.com / Hotmail) refused mail from your sending server's IP address 203.0.113.45 because of that address's reputation"), "{}", v.summary);
        assert!(
            v.summary.contains(
                "It is listed on Spamhaus ZEN (SBL: Spamhaus SBL data (direct spam sources))."
            ),
            "{}",
            v.summary
        );
        assert!(v.summary.contains("shared server"));
        assert!(v
            .summary
            .contains("another customer's mail most likely caused the listing, not yours"));
        assert!(!v.summary.contains("none of the public lists"));
        assert!(v.actions[0].contains("Xserver mail support") && v.actions[0].contains("removal"));
        assert!(v.actions[1].contains(
            "https://support.microsoft.com/supportrequestform/8ad563e3-288e-2a61-8122-3ba03d6b8d75"
        ));
        assert!(v.actions[1].contains("1–2 days") && v.actions[1].contains("203.0.113.45"));
        assert!(v.actions[2].starts_with("Spamhaus ZEN: 203.0.113.45 is listed there; ask for removal at https://check.spamhaus.org/."));
        assert!(v.actions[2].contains("Self-service removal"));
        assert!(v.actions[3].contains("5–7 business days"));
        assert!(v.actions[4].contains("Gmail") && v.actions[4].contains("do not keep resending"));
        assert_eq!(v.actions.len(), 5);
        assert_eq!(v.evidence_notes.len(), 2);
        assert!(v.evidence_notes[1].contains("is not listed"));

        let ja = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::Ja);
        assert_eq!(ja.cause, Cause::SendingIpBlocklisted);
        assert!(ja.summary.contains("Microsoft (Outlook.com / Hotmail) は、送信サーバーの IP アドレス 203.0.113.45 の評判"), "{}", ja.summary);
        assert!(
            ja.summary.contains("このアドレスは Spamhaus ZEN に掲載されています（SBL）。"),
            "{}",
            ja.summary
        );
        assert!(
            ja.summary.contains("sv12053.xserver.jp はエックスサーバーの共用サーバー"),
            "{}",
            ja.summary
        );
        assert!(
            ja.actions[0].contains("をエックスサーバーのメールサポートに転送"),
            "{}",
            ja.actions[0]
        );
        assert!(ja.actions[1].contains(
            "https://support.microsoft.com/supportrequestform/8ad563e3-288e-2a61-8122-3ba03d6b8d75"
        ));
        assert!(
            ja.actions[2].contains("https://check.spamhaus.org/")
                && ja.actions[2].contains("SBL の解除")
        );
        assert!(ja.actions[3].contains("5〜7 営業日"));
        assert!(ja.actions[4].contains("別の経路"));
        assert_no_stray_english(&all_text(&ja));
    }

    #[test]
    fn s3150_xserver_without_any_listing() {
        let evidence =
            [clean("zen.spamhaus.org", "Spamhaus ZEN"), clean("bl.spamcop.net", "SpamCop")];
        let v = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::En);
        assert_eq!(v.cause, Cause::SendingIpBlocklisted);
        assert!(
            v.summary.contains(
                "None of the public lists checked lists it either: only Microsoft's own list blocks it."
            ),
            "{}",
            v.summary
        );
        assert!(v.summary.contains("The refusal names Microsoft's own block list."));
        assert!(!v.summary.contains("so the block is"), "said twice: {}", v.summary);
        assert!(v.actions.iter().all(|a| !a.contains("is listed there")));
        assert!(v.actions.iter().any(|a| a.contains("8ad563e3-288e-2a61-8122-3ba03d6b8d75")));
        assert!(v.actions.iter().any(|a| a.contains("5–7 business days")));

        let ja = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::Ja);
        assert!(ja.summary.contains("確認した公開ブロックリストにも載っていません。ブロックしているのは Microsoft 独自のリストだけです。"), "{}", ja.summary);
        assert_no_stray_english(&all_text(&ja));
    }

    #[test]
    fn s3150_xserver_offline_and_unreachable() {
        let v = decide(&s3150(), &[], &LookupOutcome::Offline, Lang::En);
        assert_eq!(v.cause, Cause::SendingIpBlocklisted);
        assert!(v.summary.contains("The public blocklists were not checked, because DNS lookups were turned off (offline mode)."));
        assert!(!v.summary.contains("none of the public lists"));
        assert!(v.actions[0].contains("Xserver mail support"));
        let ja = decide(&s3150(), &[], &LookupOutcome::Offline, Lang::Ja);
        assert!(ja.summary.contains("公開ブロックリストは確認していません"));
        assert_no_stray_english(&all_text(&ja));

        let why = LookupOutcome::Unreachable("no answer from 192.0.2.53:53 within 5 s".into());
        let v = decide(&s3150(), &[], &why, Lang::En);
        assert!(v.summary.contains("could not be checked, because DNS could not be reached (no answer from 192.0.2.53:53 within 5 s)"));
        let ja = decide(&s3150(), &[], &why, Lang::Ja);
        assert!(ja.summary.contains("DNS に接続できなかったため"));
    }

    #[test]
    fn unknown_answers_are_never_called_not_listed() {
        let evidence = [
            Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", None),
            Evidence::new("203.0.113.45", "b.barracudacentral.org", "Barracuda BRBL", None),
        ];
        let v = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::En);
        assert!(
            v.summary.contains("None of the public lists gave a usable answer"),
            "{}",
            v.summary
        );
        assert!(!v.summary.contains("none of the public lists checked"));
        assert!(v
            .evidence_notes
            .iter()
            .all(|n| n.contains("unknown") && !n.contains("not listed")));

        let mixed = [
            clean("zen.spamhaus.org", "Spamhaus ZEN"),
            Evidence::new("203.0.113.45", "b.barracudacentral.org", "Barracuda BRBL", None),
        ];
        let v = decide(&s3150(), &mixed, &LookupOutcome::Checked, Lang::En);
        assert!(
            v.summary.contains("It is on none of the public lists that gave an answer."),
            "{}",
            v.summary
        );
        assert!(
            v.summary.contains("1 of the lists checked gave no usable answer"),
            "{}",
            v.summary
        );
        assert!(!v.summary.contains("own list"));
    }

    #[test]
    fn microsoft_365_gets_the_delist_portal() {
        let text = "550 5.7.606 Access denied, banned sending IP [192.0.2.78]. To request removal from this list please visit https://sender.office.com/ and follow the directions. AS(1430)";
        let b = bounce_with(
            "5.7.606",
            text,
            "example-co-jp.mail.protection.outlook.com",
            "info@example.co.jp",
        );
        let v = decide(&b, &[], &LookupOutcome::Offline, Lang::En);
        assert_eq!(v.cause, Cause::SendingIpBlocklisted);
        assert!(v.actions.iter().any(|a| a.contains("https://sender.office.com")
            && a.contains("24 hours")
            && a.contains("192.0.2.78")));
        assert!(v.actions.iter().all(|a| !a.contains("supportrequestform")));
    }

    #[test]
    fn google_reputation_is_reputation_and_temporary() {
        let text = "421-4.7.0 [203.0.113.45      15] This message is suspicious due to the very low reputation of the sending IP address. Mail from your IP has been temporarily rate limited to protect users. - gsmtp";
        let b = bounce_with("4.7.0", text, "gmail-smtp-in.l.google.com", "taro@gmail.com");
        let evidence = [clean("zen.spamhaus.org", "Spamhaus ZEN")];
        let v = decide(&b, &evidence, &LookupOutcome::Checked, Lang::En);
        assert_eq!(v.cause, Cause::SendingIpReputation);
        assert!(v.summary.contains("Google (Gmail / Google Workspace) refused or slowed down mail from your sending server's IP address 203.0.113.45"));
        assert!(v.summary.contains("the poor rating is Google's own judgement"));
        assert!(v.actions.iter().any(|a| a.contains("Google has no removal form")));
        assert!(v.actions.iter().any(|a| a.contains("no need to send the message again yet")));
        // With a public listing, the reputation refusal becomes a blocklisting.
        let v = decide(&b, &[spamhaus_listed()], &LookupOutcome::Checked, Lang::En);
        assert_eq!(v.cause, Cause::SendingIpBlocklisted);
    }

    #[test]
    fn user_unknown_is_a_recipient_problem_without_blocklist_advice() {
        let text = "550 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table";
        let b = bounce_with("5.1.1", text, "mx.example.jp", "k.suzuki@example.jp");
        for lang in [Lang::En, Lang::Ja] {
            let v = decide(&b, &[spamhaus_listed()], &LookupOutcome::Checked, lang);
            assert_eq!(v.cause, Cause::RecipientProblem);
            assert_eq!(v.reason, Reason::UserUnknown);
            let all = all_text(&v).to_lowercase();
            for word in ["block", "spamhaus", "listed", "delist", "ブロック", "掲載", "解除"]
            {
                assert!(!all.contains(word), "{word} in {all}");
            }
            assert!(v.evidence_notes.is_empty());
            assert!(all.contains("k.suzuki@example.jp"));
        }
        let v = decide(&b, &[], &LookupOutcome::Checked, Lang::En);
        assert!(v.summary.contains("does not exist"));
        assert!(v.actions[0].contains("typing mistakes"));
        assert!(v.actions[1].contains("another way"));
        assert!(v.actions[2].contains("remove it from your address book"));
    }

    #[test]
    fn other_causes() {
        let cases: &[(&str, &str, Cause, &str)] = &[
            ("5.2.2", "552 5.2.2 Mailbox full", Cause::RecipientProblem, "usually temporary"),
            ("5.7.26", "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's DMARC policy. - gsmtp", Cause::AuthenticationFailure, "SPF record"),
            ("5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering", Cause::ContentRejected, "judged the message itself to be spam"),
            ("4.7.0", "452 4.7.0 Too many connections from your host, try again later", Cause::RateLimited, "limiting how fast"),
            ("4.4.1", "connect to mx.example.org[192.0.2.1]:25: No route to host", Cause::TemporaryFailure, "temporary problem"),
            ("5.4.7", "Delivery time expired", Cause::TemporaryFailure, "gave up delivering"),
            ("5.3.4", "552 5.3.4 Error: message file too big", Cause::ContentRejected, "Make the attachments smaller"),
            ("5.7.1", "550 5.7.1 Service unavailable; Client host [203.0.113.45] blocked using dbl.spamhaus.org; domain is listed", Cause::SendingDomainBlocklisted, "check.spamhaus.org"),
            ("", "something odd happened", Cause::Unknown, "does not say clearly"),
        ];
        for (status, text, cause, phrase) in cases {
            let b = bounce_with(status, text, "mx.example.org", "someone@example.org");
            for lang in [Lang::En, Lang::Ja] {
                let v = decide(&b, &[], &LookupOutcome::Offline, lang);
                assert_eq!(v.cause, *cause, "{text}");
                assert!(!v.summary.is_empty() && !v.actions.is_empty());
                if lang == Lang::En {
                    assert!(all_text(&v).contains(phrase), "{phrase} missing: {}", all_text(&v));
                } else {
                    assert_no_stray_english(&all_text(&v));
                }
            }
        }
    }

    #[test]
    fn delayed_is_temporary_and_delivered_is_not_a_failure() {
        let mut b = bounce_with(
            "4.0.0",
            "451 4.3.0 Temporary local problem",
            "mx.example.org",
            "a@example.org",
        );
        b.recipients[0].action = Action::Delayed;
        let v = decide(&b, &[], &LookupOutcome::Offline, Lang::En);
        assert_eq!(v.cause, Cause::TemporaryFailure);
        assert!(
            v.summary.contains("is delayed") && v.actions[0].contains("No action is needed yet")
        );

        b.recipients[0].action = Action::Delivered;
        let v = decide(&b, &[], &LookupOutcome::Offline, Lang::En);
        assert_eq!(v.cause, Cause::Unknown);
        assert!(v.summary.contains("was delivered"));
    }

    #[test]
    fn docomo_unknown_user_mentions_reception_settings() {
        let b = bounce_with(
            "",
            "550 Unknown user taro.yamada.1999@docomo.ne.jp",
            "mfsmax.docomo.ne.jp",
            "taro.yamada.1999@docomo.ne.jp",
        );
        let v = decide(&b, &[], &LookupOutcome::Offline, Lang::Ja);
        assert_eq!(v.cause, Cause::RecipientProblem);
        assert!(v.actions.iter().any(|a| a.contains("受信設定")));
    }

    #[test]
    fn sorbs_mention_is_called_out_as_dead() {
        let text = "554 5.7.1 Service unavailable; Client host [203.0.113.45] blocked using dnsbl.sorbs.net";
        let b = bounce_with("5.7.1", text, "mx.example.org", "a@example.org");
        let v = decide(&b, &[], &LookupOutcome::Offline, Lang::En);
        assert!(v.summary.contains("SORBS shut down on 5 June 2024"), "{}", v.summary);
    }

    /// Japanese output may carry English only in proper names, URLs, addresses and
    /// codes: check that no common English word slipped in.
    fn assert_no_stray_english(text: &str) {
        for word in [" the ", " and ", " your ", " is ", " to ", " of ", "please", " not "] {
            assert!(
                !text.to_lowercase().contains(word),
                "English {word:?} in Japanese output: {text}"
            );
        }
        assert!(text.chars().any(|c| c > '\u{3000}'));
    }
}
