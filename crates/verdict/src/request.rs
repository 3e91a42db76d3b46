//! A ready-to-send support request: a short, polite message to whoever runs the
//! sending server (the hosting company's support desk, else the mail administrator)
//! with the facts they need to act: the sending server and its IP addresses, the
//! receiver's exact refusal, the bounce's date, what the public blocklists said, and
//! one concrete request per cause.
//!
//! It is written from a [`Report`] alone, so it never holds anything the bounce and
//! the blocklist answers do not (no DQS key: the report never sees one), and every
//! sentence comes from the message table in `text.rs`.

use serde::Serialize;

use crate::cause::Cause;
use crate::decide::Claim;
use crate::report::{CauseOut, RecipientOut, Report};
use crate::text::{render, text, Lang, Msg};

/// At most this many refusal lines are quoted: the first few show the problem.
const MAX_LINES: usize = 3;
/// A longer refusal line is cut here (in characters), marked with ` […]`.
const MAX_LINE_CHARS: usize = 600;
/// At most this many recipients are named; the rest are counted.
const MAX_RECIPIENTS: usize = 5;

/// A message asking the people who run the sending server to act on a bounce.
///
/// Built by [`support_request`]; `to` names who to send it to, `subject` and `body`
/// are ready to paste into a mail client, in the language asked for.
///
/// ```
/// use rebound_verdict::{plan, support_request, Findings, Lang, Report};
///
/// let mut bounce = rebound_dsn::parse(b"Reporting-MTA: dns; sv12053.xserver.jp\n\
///     Arrival-Date: Mon, 3 Mar 2025 10:14:58 +0900\n\n\
///     Final-Recipient: rfc822; hanako@hotmail.co.jp\nAction: failed\nStatus: 5.7.1\n\
///     Remote-MTA: dns; hotmail-com.olc.protection.outlook.com\n\
///     Diagnostic-Code: smtp; 550 5.7.1 Unfortunately, messages from [203.0.113.45] \
///     weren't sent. Please contact your Internet service provider since part of their \
///     network is on our block list (S3150).\n").unwrap();
/// let report = Report::build("bounce.eml", &bounce, &Findings::offline(&plan(&bounce)), Lang::En);
/// let request = support_request(&report, Lang::En).unwrap();
/// assert_eq!(request.to, "Xserver mail support");
/// assert!(request.subject.contains("203.0.113.45"));
/// assert!(request.body.contains("Sending server: sv12053.xserver.jp"));
/// assert!(request.body.contains("part of their network is on our block list (S3150)"));
/// assert!(request.body.contains("Mon, 3 Mar 2025 10:14:58 +0900"));
///
/// let ja = support_request(&report, Lang::Ja).unwrap();
/// assert_eq!(ja.to, "エックスサーバーのメールサポート");
/// assert!(ja.body.starts_with("エックスサーバーのメールサポートご担当者様\n\nお世話になっております。"));
/// assert!(ja.body.ends_with("よろしくお願いいたします。"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SupportRequest {
    /// Who to send it to: the hosting company's support desk by name (e.g. `Xserver
    /// mail support`), else the mail server's administrator.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The message, lines separated by `\n`.
    pub body: String,
}

/// What the request asks for, one per sender-side cause; in the order causes rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    IpRemoval,
    IpReputation,
    Domain,
    Auth,
    Ptr,
    SenderDomain,
    Rate,
    Relay,
    Tls,
}

impl Ask {
    fn subject(self) -> Msg {
        match self {
            Ask::IpRemoval => Msg::ReqSubjectIpBlocked,
            Ask::IpReputation => Msg::ReqSubjectIpReputation,
            Ask::Domain => Msg::ReqSubjectDomain,
            Ask::Auth => Msg::ReqSubjectAuth,
            Ask::Ptr => Msg::ReqSubjectPtr,
            Ask::SenderDomain => Msg::ReqSubjectSenderDomain,
            Ask::Rate => Msg::ReqSubjectRate,
            Ask::Relay => Msg::ReqSubjectRelay,
            Ask::Tls => Msg::ReqSubjectTls,
        }
    }

    fn sentence(self) -> Msg {
        match self {
            Ask::IpRemoval => Msg::ReqAskIpRemoval,
            Ask::IpReputation => Msg::ReqAskIpReputation,
            Ask::Domain => Msg::ReqAskDomain,
            Ask::Auth => Msg::ReqAskAuth,
            Ask::Ptr => Msg::ReqAskPtr,
            Ask::SenderDomain => Msg::ReqAskSenderDomain,
            Ask::Rate => Msg::ReqAskRate,
            Ask::Relay => Msg::ReqAskRelay,
            Ask::Tls => Msg::ReqAskTls,
        }
    }

    /// Whether the public blocklists matter to this ask.
    fn about_lists(self) -> bool {
        matches!(self, Ask::IpRemoval | Ask::IpReputation | Ask::Domain)
    }
}

/// Words of a refusal that says the receiver requires TLS.
const TLS_WORDS: &[&str] = &["tls", "encrypt", "secure connection"];

/// What the sending side can be asked to do about `cause`, judged by its recipients'
/// reasons and refusals; empty when nobody on the sending side can act on it.
fn asks_of(cause: &CauseOut, report: &Report) -> Vec<Ask> {
    let members: Vec<_> = report
        .recipients
        .iter()
        .filter(|r| {
            cause.recipients.iter().any(|a| a == r.recipient.as_deref().unwrap_or_default())
        })
        .collect();
    let Ok(kind) = cause.cause.parse::<Cause>() else { return Vec::new() };
    match kind {
        Cause::SendingIpBlocklisted => vec![Ask::IpRemoval],
        Cause::SendingIpReputation => vec![Ask::IpReputation],
        Cause::SendingDomainBlocklisted => vec![Ask::Domain],
        Cause::RateLimited => vec![Ask::Rate],
        // A refusal for want of TLS is read as a security error, and so as an
        // authentication failure: the fix is the server's TLS, not SPF or DKIM. A
        // refused sender address (`rejected`) is most often the receiver's choice (a
        // mailing list's members only, a carrier's reception filter), which the
        // sending side cannot change; but X.1.8, "bad sender's system address" (RFC
        // 3463), is the sender domain's DNS, which it can.
        Cause::AuthenticationFailure => {
            let mut asks = Vec::new();
            for r in &members {
                let bad_sender_domain =
                    r.status.as_deref().is_some_and(|s| s.get(1..) == Some(".1.8"));
                let ask = match r.reason {
                    "requireptr" => Ask::Ptr,
                    _ if bad_sender_domain => Ask::SenderDomain,
                    "rejected" => continue,
                    "securityerror" if wants_tls(r) => Ask::Tls,
                    _ => Ask::Auth,
                };
                if !asks.contains(&ask) {
                    asks.push(ask);
                }
            }
            if members.is_empty() {
                asks.push(Ask::Auth);
            }
            asks
        }
        // The receiver's own policy is for the recipient's side to change; relaying
        // and TLS are how the sending server is set up.
        Cause::PolicyRejected => {
            let mut asks = Vec::new();
            // X.1.8, "bad sender's system address" (RFC 3463): the sender domain's
            // DNS, which the sending side can fix.
            if members
                .iter()
                .any(|r| r.status.as_deref().is_some_and(|s| s.get(1..) == Some(".1.8")))
            {
                asks.push(Ask::SenderDomain);
            }
            if members.iter().any(|r| r.reason == "norelaying") {
                asks.push(Ask::Relay);
            }
            if members.iter().any(|r| wants_tls(r)) {
                asks.push(Ask::Tls);
            }
            asks
        }
        _ => Vec::new(),
    }
}

/// True when the refusal says the receiver requires TLS.
fn wants_tls(r: &RecipientOut) -> bool {
    let text = r.diagnostic.as_deref().unwrap_or_default().to_lowercase();
    TLS_WORDS.iter().any(|w| text.contains(w))
}

/// The domain part of an address such as `Taro <taro@example.jp>`.
fn domain_of(address: &str) -> Option<String> {
    let (_, after) = address.rsplit_once('@')?;
    let domain: String =
        after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    domain.contains('.').then_some(domain)
}

/// The sender's domain: the envelope sender's, else the `From` address's, else the
/// first sending domain checked.
fn our_domain(report: &Report) -> Option<String> {
    report
        .sender
        .as_deref()
        .and_then(domain_of)
        .or_else(|| report.original_message.from.as_deref().and_then(domain_of))
        .or_else(|| report.sending_domains.first().map(|d| d.domain.clone()))
}

/// Everything the request is written from, gathered once.
struct Facts<'a> {
    lang: Lang,
    report: &'a Report,
    /// The sender-side causes, headline order.
    causes: Vec<&'a CauseOut>,
    asks: Vec<Ask>,
    ips: Vec<String>,
    recipients: Vec<String>,
    receiver: String,
    domain: String,
}

impl Facts<'_> {
    fn sep(&self) -> &'static str {
        text(Msg::ListSep, self.lang)
    }

    fn ipphrase(&self) -> String {
        let ips = self.ips.join(self.sep());
        match self.ips.len() {
            0 => text(Msg::ReqIpPhraseUnknown, self.lang).to_string(),
            1 => render(Msg::ReqIpPhrase, self.lang, &[("ips", &ips)]),
            _ => render(Msg::ReqIpsPhrase, self.lang, &[("ips", &ips)]),
        }
    }

    fn values(&self) -> [(&'static str, String); 3] {
        [
            ("receiver", self.receiver.clone()),
            ("ipphrase", self.ipphrase()),
            ("domain", self.domain.clone()),
        ]
    }

    fn say(&self, id: Msg) -> String {
        let values = self.values();
        let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        render(id, self.lang, &pairs)
    }
}

/// Who receives the refused mail: the provider of the first sender-side cause, else
/// the recipients' domains.
fn receiver_of(causes: &[&CauseOut], lang: Lang) -> String {
    let first = causes.first();
    if let Some(provider) = first.and_then(|c| c.provider_detail) {
        return provider.name.to_string();
    }
    let mut domains: Vec<String> = Vec::new();
    for address in first.map(|c| c.recipients.as_slice()).unwrap_or_default() {
        if let Some(domain) = domain_of(address).filter(|d| !domains.contains(d)) {
            domains.push(domain);
        }
    }
    if domains.is_empty() {
        return text(Msg::ReqReceiverUnknown, lang).to_string();
    }
    domains.join(text(Msg::ListSep, lang))
}

/// A refusal line as quoted: cut when very long.
fn quoted(line: &str) -> String {
    if line.chars().count() <= MAX_LINE_CHARS {
        return line.to_string();
    }
    let cut: String = line.chars().take(MAX_LINE_CHARS).collect();
    format!("{} […]", cut.trim_end())
}

/// The receiver's refusal lines behind the sender-side causes, each once.
fn refusal_lines(report: &Report, causes: &[&CauseOut]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for claim in &report.verdict.evidence {
        let Claim::BounceText { cause, line, .. } = claim else { continue };
        if !causes.iter().any(|c| c.cause == cause.as_str()) || line.trim().is_empty() {
            continue;
        }
        let line = quoted(line.trim());
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines.truncate(MAX_LINES);
    lines
}

/// The sentences about the public blocklists: which list what, or that they were not
/// checked, or that none lists the subjects, and how many gave no answer.
fn list_sentences(f: &Facts<'_>) -> Vec<String> {
    let lang = f.lang;
    match f.report.lookup.state {
        "offline" => return vec![text(Msg::ReqListsOffline, lang).to_string()],
        "unreachable" => return vec![text(Msg::ReqListsUnreachable, lang).to_string()],
        _ => {}
    }
    let listings: Vec<_> = f.report.listings.iter().filter(|l| !l.allowlist).collect();
    if listings.is_empty() {
        return vec![text(Msg::ReqListsNothing, lang).to_string()];
    }
    let mut out = Vec::new();
    for l in listings.iter().filter(|l| l.listed == Some(true)) {
        let codes = l.codes.join(", ");
        let id = if codes.is_empty() { Msg::ReqListedNoCode } else { Msg::ReqListed };
        out.push(render(
            id,
            lang,
            &[("list", &l.list), ("zone", &l.zone), ("subject", &l.subject), ("codes", &codes)],
        ));
    }
    let unknown = listings.iter().filter(|l| l.listed.is_none()).count();
    if out.is_empty() && unknown < listings.len() {
        let mut zones: Vec<&str> = listings.iter().map(|l| l.zone.as_str()).collect();
        zones.sort_unstable();
        zones.dedup();
        let mut subjects: Vec<&str> = Vec::new();
        for l in &listings {
            if !subjects.contains(&l.subject.as_str()) {
                subjects.push(&l.subject);
            }
        }
        out.push(render(
            Msg::ReqListsNone,
            lang,
            &[("count", &zones.len().to_string()), ("subjects", &subjects.join(f.sep()))],
        ));
    }
    if unknown > 0 {
        out.push(render(Msg::ReqListsUnknown, lang, &[("count", &unknown.to_string())]));
    }
    out
}

/// The receiving provider's page for senders, for an IP problem, when it has one.
fn route_sentence(f: &Facts<'_>) -> Option<String> {
    let ip_problem = f.asks.iter().any(|a| matches!(a, Ask::IpRemoval | Ask::IpReputation));
    let provider = f.causes.first().and_then(|c| c.provider_detail).filter(|_| ip_problem)?;
    let url = provider.sender_support?;
    Some(render(Msg::ReqRoute, f.lang, &[("provider", provider.name), ("url", url)]))
}

/// Writes the support request for `report` in `lang`, or `None` when nobody on the
/// sending side can act: the request exists for a blocklisted sending IP or domain, a
/// poor IP reputation, failed authentication (SPF, DKIM, DMARC, PTR, a sender domain
/// the receiver cannot verify), a rate limit, and a refusal about relaying or TLS,
/// which are how the sending server is set up. A recipient problem, a temporary
/// failure, refused content, a receiver's own policy or a sender address the
/// receiver chose to refuse (a members-only list) give `None`;
/// [`no_request_reason`] says why in a sentence.
///
/// The message names the sending server (the reporting MTA) and its IP addresses,
/// quotes the receiver's refusal lines (each once, at most three), gives the bounce's
/// date, says which public blocklists list the IP or domain (or that they were not
/// checked, or that none lists it), points to the receiving provider's page for
/// senders when there is one, and asks for what fixes each cause, then whether
/// another outgoing server should be used meanwhile. See [`SupportRequest`] for an
/// example.
pub fn support_request(report: &Report, lang: Lang) -> Option<SupportRequest> {
    let mut causes = Vec::new();
    let mut asks = Vec::new();
    for cause in &report.verdict.causes {
        let found = asks_of(cause, report);
        if found.is_empty() {
            continue;
        }
        causes.push(cause);
        for ask in found {
            if !asks.contains(&ask) {
                asks.push(ask);
            }
        }
    }
    let first_ask = *asks.first()?;

    let mut ips: Vec<String> = Vec::new();
    for ip in &report.sending_ips {
        if !ips.contains(&ip.ip) {
            ips.push(ip.ip.clone());
        }
    }
    let mut recipients: Vec<String> = Vec::new();
    for address in causes.iter().flat_map(|c| c.recipients.iter()) {
        if !address.is_empty() && !recipients.contains(address) {
            recipients.push(address.clone());
        }
    }
    let domain = match our_domain(report) {
        Some(domain) => render(Msg::ReqOurDomain, lang, &[("domain", &domain)]),
        None => text(Msg::ReqOurDomainUnknown, lang).to_string(),
    };
    let facts = Facts {
        lang,
        report,
        receiver: receiver_of(&causes, lang),
        causes,
        asks,
        ips,
        recipients,
        domain,
    };
    let hosting = report.verdict.hosting.detail.as_ref();
    let to = match hosting {
        Some(h) => h.support_desk(lang),
        None => text(Msg::AdminFallback, lang).to_string(),
    };
    let subject = facts.say(first_ask.subject());
    Some(SupportRequest { to, subject, body: body(&facts) })
}

/// The message itself: greeting, what happened, the facts block, the refusal, the
/// blocklists, the asks, the closing.
fn body(f: &Facts<'_>) -> String {
    let lang = f.lang;
    let report = f.report;
    let greeting = match report.verdict.hosting.detail.as_ref() {
        Some(h) => render(Msg::ReqGreeting, lang, &[("desk", &h.support_desk(lang))]),
        None => text(Msg::ReqGreetingAnyone, lang).to_string(),
    };
    let mut out: Vec<String> = vec![
        greeting,
        String::new(),
        render(Msg::ReqIntro, lang, &[("from", &f.domain), ("receiver", &f.receiver)]),
        String::new(),
    ];

    if let Some(host) = &report.reporting_mta {
        out.push(render(Msg::ReqServer, lang, &[("host", host)]));
    }
    let ips = f.ips.join(f.sep());
    out.push(match f.ips.len() {
        0 => text(Msg::ReqIpUnknown, lang).to_string(),
        1 => render(Msg::ReqIp, lang, &[("ips", &ips)]),
        _ => render(Msg::ReqIps, lang, &[("ips", &ips)]),
    });
    if !f.recipients.is_empty() {
        let named: Vec<&str> =
            f.recipients.iter().take(MAX_RECIPIENTS).map(String::as_str).collect();
        let mut rcpts = named.join(f.sep());
        if f.recipients.len() > MAX_RECIPIENTS {
            let more = (f.recipients.len() - MAX_RECIPIENTS).to_string();
            rcpts.push_str(&render(Msg::ReqMore, lang, &[("count", &more)]));
        }
        let id = if f.recipients.len() == 1 { Msg::ReqRcpt } else { Msg::ReqRcpts };
        out.push(render(id, lang, &[("rcpts", &rcpts)]));
    }
    match (&report.date, &report.original_message.date) {
        (Some(date), _) => out.push(render(Msg::ReqDate, lang, &[("date", date)])),
        (None, Some(date)) => out.push(render(Msg::ReqSent, lang, &[("date", date)])),
        (None, None) => {}
    }

    let lines = refusal_lines(report, &f.causes);
    if !lines.is_empty() {
        out.push(String::new());
        out.push(text(Msg::ReqReplyHead, lang).to_string());
        out.extend(lines.iter().map(|line| format!("  {line}")));
    }

    let mut about = Vec::new();
    if f.asks.iter().any(|a| a.about_lists()) {
        about.extend(list_sentences(f));
    }
    about.extend(route_sentence(f));
    if !about.is_empty() {
        out.push(String::new());
        out.extend(about);
    }

    out.push(String::new());
    out.extend(f.asks.iter().map(|ask| f.say(ask.sentence())));
    out.push(text(Msg::ReqAskMeanwhile, lang).to_string());
    out.push(String::new());
    out.push(text(Msg::ReqClosing, lang).to_string());
    out.join("\n")
}

/// Why [`support_request`] gives nothing for `report`, as one sentence in `lang`: the
/// recipient's side must act, the failure is temporary, or no cause is one the
/// sending side can fix.
///
/// ```
/// use rebound_verdict::{no_request_reason, plan, support_request, Findings, Lang, Report};
///
/// let bounce = rebound_dsn::parse(b"Final-Recipient: rfc822; taro@example.jp\n\
///     Action: failed\nStatus: 5.1.1\n\
///     Diagnostic-Code: smtp; 550 5.1.1 <taro@example.jp>: User unknown\n").unwrap();
/// let report = Report::build("-", &bounce, &Findings::offline(&plan(&bounce)), Lang::En);
/// assert_eq!(support_request(&report, Lang::En), None);
/// assert!(no_request_reason(&report, Lang::En).contains("recipient's address or mailbox"));
/// ```
pub fn no_request_reason(report: &Report, lang: Lang) -> String {
    let id = match report.verdict.cause.parse::<Cause>() {
        Ok(Cause::RecipientProblem) => Msg::NoReqRecipient,
        Ok(Cause::TemporaryFailure) => Msg::NoReqTemporary,
        _ => Msg::NoReqOther,
    };
    text(id, lang).to_string()
}

#[cfg(test)]
mod tests;
