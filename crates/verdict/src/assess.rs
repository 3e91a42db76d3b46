//! One recipient, judged once: its reason and the rule behind it, the receiving
//! provider, the cause, and whether a list manager may suppress the address.
//!
//! Every other part of the crate (the verdict, the report, its renderers) reads a
//! recipient through its [`Assessment`], so the reason a report shows and the cause
//! the verdict gives can never disagree.

use rebound_dsn::{Action, Bounce, Kind, RecipientReport};

use crate::cause::Cause;
use crate::provider::{provider_given, provider_of, Provider};
use crate::reason::{hard_bounce_of, Classification, Reason};

/// Why an address may be suppressed: the address itself is bad.
///
/// ```
/// assert_eq!(rebound_verdict::SuppressReason::AddressDoesNotExist.as_str(), "address_does_not_exist");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SuppressReason {
    /// The mailbox does not exist (`userunknown`).
    AddressDoesNotExist,
    /// The address's domain does not exist or has no mail server (`hostunknown`).
    DomainDoesNotExist,
    /// The mailbox moved and mail is not forwarded (`hasmoved`).
    AddressMoved,
}

impl SuppressReason {
    /// The JSON name, e.g. `address_does_not_exist`.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressReason::AddressDoesNotExist => "address_does_not_exist",
            SuppressReason::DomainDoesNotExist => "domain_does_not_exist",
            SuppressReason::AddressMoved => "address_moved",
        }
    }
}

/// One recipient's failure, judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Assessment {
    /// The reason, with the rule that decided, what it matched and its source.
    pub why: Classification,
    /// The receiving provider (or the gateway in front of it), when recognised.
    pub provider: Option<Provider>,
    /// The cause from the bounce's own words (blocklist answers may add to it in the
    /// verdict, never change it).
    pub cause: Cause,
    /// The failure is temporary: a 4xx reply, a 4.X.X status or a `delayed` action.
    pub temporary: bool,
    /// Sisimai's hard bounce ([`hard_bounce_of`]), kept for compatibility with
    /// Sisimai's answers. A list manager should act on [`Assessment::suppress`],
    /// which also spares a carrier's "unknown user" that may be a reception filter.
    pub hard_bounce: bool,
    /// `Some` only when the address itself is bad and the failure is permanent: a
    /// list manager may stop mailing it. Never for a sender-side or temporary cause.
    pub suppress: Option<SuppressReason>,
    /// A mobile carrier's "unknown user" that may be the recipient's reception
    /// filter (given after DATA, or with a status that does not name the address):
    /// the address may well exist.
    pub reception_filter_possible: bool,
}

impl Assessment {
    /// The reason.
    pub fn reason(&self) -> Reason {
        self.why.reason
    }
}

/// Mobile carriers whose "unknown user" may be the recipient's own reception filter
/// (provider-replies.md §1.1 rule 3, §9.1–§9.3).
const CARRIERS: &[&str] = &["docomo", "kddi", "softbank"];

/// Words saying that a *domain* (not the IP) is what the receiver refuses
/// (provider-replies.md §1 `IP-DNSBL` "URL/sender domain"). The domain lists a
/// refusal may name come from the catalog (see [`names_a_domain`]).
const DOMAIN_WORDS: &[&str] = &[
    "domain present in",
    "reputation of the sending domain",
    "domain is blacklisted",
    "domain reputation",
    "domain is listed",
    "bad outbound sender",
    "banned sender domain",
];

/// True when the failure is temporary: the receiver or the sending MTA says a later
/// attempt may succeed (RFC 5321 §4.2.1 4yz, RFC 3463 class 4, RFC 3464 `delayed`).
pub(crate) fn is_temporary(report: &RecipientReport) -> bool {
    report.action == Action::Delayed
        || report.status.is_some_and(|s| s.class == 4)
        || report.reply_code.is_some_and(|c| c / 100 == 4)
}

/// True when the diagnostic says a domain, not the IP, is what is refused: in so
/// many words, or by naming a domain list of the catalog (its zone, its name such as
/// "Spamhaus DBL", or a list whose zones are all domain lists, such as URIBL).
pub(crate) fn names_a_domain(report: &RecipientReport) -> bool {
    let text = report.diagnostic.as_deref().unwrap_or_default().to_lowercase();
    if DOMAIN_WORDS.iter().any(|w| text.contains(w)) {
        return true;
    }
    let catalog = rebound_rbl::Catalog::shared();
    let domain_zone = |z: &rebound_rbl::Zone| z.kind == rebound_rbl::ZoneKind::Domain;
    catalog
        .zones()
        .iter()
        .filter(|z| domain_zone(z))
        .any(|z| text.contains(&z.name) || text.contains(&z.display_name.to_lowercase()))
        || catalog.lists().iter().any(|list| {
            let mut zones = catalog.zones().iter().filter(|z| z.list.as_deref() == Some(&list.id));
            let mut any = false;
            let all_domain = zones.all(|z| {
                any = true;
                domain_zone(z)
            });
            any && all_domain && list.mentions.iter().any(|m| text.contains(&m.to_lowercase()))
        })
}

/// The cause a reason implies when no rule names one.
fn cause_of_reason(reason: Reason, report: &RecipientReport) -> Cause {
    use Reason as R;
    let domain = || names_a_domain(report);
    match reason {
        R::UserUnknown
        | R::MailboxFull
        | R::HostUnknown
        | R::Suspend
        | R::HasMoved
        | R::Filtered
        | R::NotAccept
        | R::Suppressed => Cause::RecipientProblem,
        R::Delivered | R::Vacation | R::Feedback => Cause::NotAFailure,
        R::Blocked | R::BadReputation | R::SpamDetected if domain() => {
            Cause::SendingDomainBlocklisted
        }
        R::Blocked => Cause::SendingIpBlocklisted,
        R::BadReputation => Cause::SendingIpReputation,
        R::AuthFailure | R::RequirePtr => Cause::AuthenticationFailure,
        // provider-replies.md §1 POLICY: a refused envelope sender, an SMTP AUTH or
        // TLS requirement, a protocol violation (and X.7.1, which `status.toml` reads
        // as `securityerror`, "generic!").
        R::NoRelaying
        | R::PolicyViolation
        | R::Rejected
        | R::SecurityError
        | R::SyntaxError
        | R::FailedStartTls => Cause::PolicyRejected,
        R::SpamDetected
        | R::VirusDetected
        | R::ContentError
        | R::EmailTooLarge
        | R::NotCompliantRfc => Cause::ContentRejected,
        R::RateLimited => Cause::RateLimited,
        R::Expired | R::NetworkError | R::SystemError | R::SystemFull | R::MailerError => {
            Cause::TemporaryFailure
        }
        _ if is_temporary(report) => Cause::TemporaryFailure,
        _ => Cause::Unknown,
    }
}

/// Judges one recipient of `bounce`.
///
/// ```
/// use rebound_dsn::{Bounce, RecipientReport};
/// use rebound_verdict::{assess, Cause, Reason, SuppressReason};
///
/// let mut report = RecipientReport::default();
/// report.recipient = Some("taro@example.jp".into());
/// report.status = "5.1.1".parse().ok();
/// report.reply_code = Some(550);
/// report.smtp_command = Some("RCPT TO".into());
/// report.diagnostic = Some("550 5.1.1 <taro@example.jp>: Recipient address rejected: \
///     User unknown in local recipient table".into());
/// let judged = assess(&report, &Bounce::default());
/// assert_eq!(judged.reason(), Reason::UserUnknown);
/// assert_eq!(judged.cause, Cause::RecipientProblem);
/// assert_eq!(judged.suppress, Some(SuppressReason::AddressDoesNotExist));
///
/// // The same words with a temporary code: never suppressed.
/// report.status = "4.1.1".parse().ok();
/// report.reply_code = Some(450);
/// assert_eq!(assess(&report, &Bounce::default()).suppress, None);
///
/// // A refusal of the sending IP says nothing about the address.
/// report.status = "5.7.1".parse().ok();
/// report.reply_code = Some(550);
/// report.diagnostic = Some("550 5.7.1 Service unavailable; Client host [203.0.113.9] \
///     blocked using zen.spamhaus.org".into());
/// let judged = assess(&report, &Bounce::default());
/// assert_eq!(judged.cause, Cause::SendingIpBlocklisted);
/// assert_eq!(judged.suppress, None);
/// ```
pub fn assess(report: &RecipientReport, bounce: &Bounce) -> Assessment {
    let (why, recognised) = crate::reason::explain_recognising(report, bounce);
    let reason = why.reason;
    let provider = match recognised {
        Some(recognised) => provider_given(report, recognised),
        None => provider_of(report),
    };
    let temporary = is_temporary(report);
    let cause = match report.kind {
        Kind::Feedback | Kind::AutoReply => Cause::NotAFailure,
        _ if matches!(report.action, Action::Delivered | Action::Relayed | Action::Expanded) => {
            Cause::NotAFailure
        }
        _ => why.cause.unwrap_or_else(|| cause_of_reason(reason, report)),
    };
    let carrier = provider.is_some_and(|p| CARRIERS.contains(&p.id));
    let after_data = report
        .smtp_command
        .as_deref()
        .is_some_and(|c| c.trim().to_ascii_uppercase().starts_with("DATA"));
    let names_the_address = report.status.is_some_and(|s| s.subject == 1);
    let reception_filter_possible = carrier
        && matches!(reason, Reason::UserUnknown | Reason::Filtered)
        && (after_data || !names_the_address);
    let suppress = match reason {
        _ if temporary || cause != Cause::RecipientProblem || reception_filter_possible => None,
        Reason::UserUnknown => Some(SuppressReason::AddressDoesNotExist),
        Reason::HostUnknown => Some(SuppressReason::DomainDoesNotExist),
        Reason::HasMoved => Some(SuppressReason::AddressMoved),
        _ => None,
    };
    Assessment {
        why,
        provider,
        cause,
        temporary,
        hard_bounce: hard_bounce_of(report, reason),
        suppress,
        reception_filter_possible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(status: &str, reply: u16, command: &str, text: &str, rcpt: &str) -> RecipientReport {
        let mut r = RecipientReport::default();
        r.recipient = Some(rcpt.into());
        r.status = status.parse().ok();
        r.reply_code = Some(reply);
        r.smtp_command = (!command.is_empty()).then(|| command.to_string());
        r.diagnostic = Some(text.into());
        r
    }

    #[test]
    fn only_a_bad_address_is_suppressed() {
        let bounce = Bounce::default();
        let cases: &[(&str, u16, &str, &str, Option<SuppressReason>)] = &[
            ("5.1.1", 550, "RCPT TO", "550 5.1.1 User unknown", Some(SuppressReason::AddressDoesNotExist)),
            ("5.1.2", 550, "RCPT TO", "550 5.1.2 Host unknown, domain name not found", Some(SuppressReason::DomainDoesNotExist)),
            ("4.2.0", 450, "RCPT TO", "450 4.2.0 <a@example.org>: Recipient address rejected: Greylisted", None),
            ("4.1.1", 450, "RCPT TO", "450 4.1.1 <a@example.org>: Recipient address rejected: unverified address: verification in progress", None),
            ("5.2.2", 552, "RCPT TO", "552 5.2.2 Mailbox full", None),
            ("5.7.1", 550, "RCPT TO", "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", None),
            ("5.7.26", 550, "DATA", "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's DMARC policy", None),
            ("4.7.0", 421, "RCPT TO", "421 4.7.0 Too many connections, try again later", None),
        ];
        for (status, reply, command, text, want) in cases {
            let r = report(status, *reply, command, text, "a@example.org");
            assert_eq!(assess(&r, &bounce).suppress, *want, "{text}");
        }
    }

    #[test]
    fn a_delayed_notice_is_never_suppressed() {
        let mut r = report("5.1.1", 550, "RCPT TO", "550 5.1.1 User unknown", "a@example.org");
        r.action = Action::Delayed;
        let judged = assess(&r, &Bounce::default());
        assert!(judged.temporary);
        assert_eq!(judged.suppress, None);
    }

    #[test]
    fn carrier_unknown_user_after_data_may_be_a_filter() {
        let mut r =
            report("", 550, "DATA", "550 Unknown user taro@docomo.ne.jp", "taro@docomo.ne.jp");
        r.remote_mta = Some("mfsmax.docomo.ne.jp".into());
        r.status = None;
        let judged = assess(&r, &Bounce::default());
        assert!(judged.reception_filter_possible);
        assert_eq!(judged.suppress, None);
        assert_eq!(judged.cause, Cause::RecipientProblem);
    }
}
