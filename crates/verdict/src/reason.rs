//! Bounce reasons (Sisimai's names) and the rules that classify a recipient report.
//!
//! Classification is data: [`PHRASE_RULES`] are tried in order against the lower-cased
//! diagnostic text, then [`STATUS_RULES`] against the enhanced status code, then
//! [`REPLY_RULES`] against the SMTP reply code. The first rule that matches wins, so
//! the specific rules come before the general ones. A later issue raises this to
//! Sisimai parity by adding rows, not code.

use std::fmt;
use std::str::FromStr;

use rebound_dsn::{Action, RecipientReport, StatusCode};

use crate::Lang;

/// Why a recipient failed, named as Sisimai names its reasons.
///
/// ```
/// use rebound_verdict::{Lang, Reason};
/// let reason: Reason = "mailboxfull".parse().unwrap();
/// assert_eq!(reason, Reason::MailboxFull);
/// assert_eq!(reason.as_str(), "mailboxfull");
/// assert!(reason.describe(Lang::En).contains("full"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Reason {
    /// Rejected by SPF, DKIM or DMARC checks.
    AuthFailure,
    /// Rejected because of the sending IP address's reputation.
    BadReputation,
    /// The sending IP address or host name is refused (a block list).
    Blocked,
    /// The message's header or format was not acceptable.
    ContentError,
    /// Not a failure: the message was delivered.
    Delivered,
    /// The message is bigger than the receiver accepts.
    EmailTooLarge,
    /// Delivery gave up after retrying for too long.
    Expired,
    /// Delivery failed because of a STARTTLS problem.
    FailedStartTls,
    /// A complaint / feedback-loop report, not a bounce.
    Feedback,
    /// Refused after DATA by a filter, or because the recipient refuses it.
    Filtered,
    /// The mailbox moved and mail is not forwarded.
    HasMoved,
    /// The recipient domain does not exist or cannot take mail.
    HostUnknown,
    /// The recipient's mailbox is over quota.
    MailboxFull,
    /// A local delivery program failed.
    MailerError,
    /// DNS or network failure, routing loop and the like.
    NetworkError,
    /// The host refused to relay.
    NoRelaying,
    /// The destination accepts no mail at all.
    NotAccept,
    /// The message does not comply with the RFCs.
    NotCompliantRfc,
    /// Too little information to decide.
    OnHold,
    /// Refused by a local policy of the destination.
    PolicyViolation,
    /// Too many messages or connections: sending too fast.
    RateLimited,
    /// The envelope sender was refused.
    Rejected,
    /// The sending IP has no or a wrong PTR record.
    RequirePtr,
    /// A security problem such as authentication or encryption.
    SecurityError,
    /// The message was judged to be spam.
    SpamDetected,
    /// The sending MTA did not try: the address is on its suppression list.
    Suppressed,
    /// The recipient account is disabled or suspended.
    Suspend,
    /// An SMTP command had a syntax error.
    SyntaxError,
    /// An error on the receiving system.
    SystemError,
    /// The receiving system's disk is full.
    SystemFull,
    /// No reason could be detected.
    Undefined,
    /// The recipient mailbox does not exist.
    UserUnknown,
    /// An out-of-office auto-reply, not a bounce.
    Vacation,
    /// A virus was found in the message.
    VirusDetected,
}

/// One row of the reason table: the name and one-line descriptions.
struct ReasonInfo {
    reason: Reason,
    name: &'static str,
    en: &'static str,
    ja: &'static str,
}

/// Every reason, with its Sisimai name and descriptions, in declaration order.
#[rustfmt::skip]
const REASONS: &[ReasonInfo] = &[
    ReasonInfo { reason: Reason::AuthFailure, name: "authfailure",
        en: "The message failed the receiver's SPF, DKIM or DMARC checks.",
        ja: "受信側の SPF・DKIM・DMARC の検査に通りませんでした。" },
    ReasonInfo { reason: Reason::BadReputation, name: "badreputation",
        en: "The receiver refused the mail because of the sending IP address's reputation.",
        ja: "送信元 IP アドレスの評判（レピュテーション）が悪いため、受信側に拒否されました。" },
    ReasonInfo { reason: Reason::Blocked, name: "blocked",
        en: "The receiver refuses mail from the sending IP address or host (a block list).",
        ja: "送信元の IP アドレスまたはホストが受信側に拒否されています（ブロックリスト）。" },
    ReasonInfo { reason: Reason::ContentError, name: "contenterror",
        en: "The message's headers or format were not acceptable to the receiver.",
        ja: "メールのヘッダーまたは形式が受信側に受け付けられませんでした。" },
    ReasonInfo { reason: Reason::Delivered, name: "delivered",
        en: "Not a failure: the message was delivered.",
        ja: "エラーではありません。メールは配送されました。" },
    ReasonInfo { reason: Reason::EmailTooLarge, name: "emailtoolarge",
        en: "The message is larger than the receiver accepts.",
        ja: "メールのサイズが受信側の上限を超えています。" },
    ReasonInfo { reason: Reason::Expired, name: "expired",
        en: "The sending server gave up after retrying for too long.",
        ja: "送信サーバーが再送を続けた末に配送をあきらめました。" },
    ReasonInfo { reason: Reason::FailedStartTls, name: "failedstarttls",
        en: "Delivery failed because encryption (STARTTLS) could not be set up.",
        ja: "暗号化（STARTTLS）を確立できなかったため配送できませんでした。" },
    ReasonInfo { reason: Reason::Feedback, name: "feedback",
        en: "A complaint report from a mail provider, not a bounce.",
        ja: "メール事業者からの苦情報告で、エラーメールではありません。" },
    ReasonInfo { reason: Reason::Filtered, name: "filtered",
        en: "A filter at the receiver, or the recipient's own settings, refused the message.",
        ja: "受信側のフィルター、または受信者自身の設定によって拒否されました。" },
    ReasonInfo { reason: Reason::HasMoved, name: "hasmoved",
        en: "The recipient's mailbox has moved and mail is not forwarded.",
        ja: "受信者のメールボックスが移転し、転送もされていません。" },
    ReasonInfo { reason: Reason::HostUnknown, name: "hostunknown",
        en: "The recipient's domain does not exist or cannot receive mail.",
        ja: "宛先のドメインが存在しないか、メールを受け取れません。" },
    ReasonInfo { reason: Reason::MailboxFull, name: "mailboxfull",
        en: "The recipient's mailbox is full.",
        ja: "受信者のメールボックスが満杯です。" },
    ReasonInfo { reason: Reason::MailerError, name: "mailererror",
        en: "A delivery program on the receiving side failed.",
        ja: "受信側の配送プログラムでエラーが起きました。" },
    ReasonInfo { reason: Reason::NetworkError, name: "networkerror",
        en: "A DNS or network problem prevented delivery.",
        ja: "DNS またはネットワークの問題で配送できませんでした。" },
    ReasonInfo { reason: Reason::NoRelaying, name: "norelaying",
        en: "The server refused to relay the message.",
        ja: "サーバーがメールの中継を拒否しました。" },
    ReasonInfo { reason: Reason::NotAccept, name: "notaccept",
        en: "The destination accepts no mail at all.",
        ja: "宛先はメールを一切受け付けていません。" },
    ReasonInfo { reason: Reason::NotCompliantRfc, name: "notcompliantrfc",
        en: "The message does not follow the mail standards (RFCs).",
        ja: "メールが規格（RFC）に準拠していません。" },
    ReasonInfo { reason: Reason::OnHold, name: "onhold",
        en: "There is too little information to tell why delivery failed.",
        ja: "情報が少なく、配送失敗の理由を判断できません。" },
    ReasonInfo { reason: Reason::PolicyViolation, name: "policyviolation",
        en: "A policy of the receiving organisation refused the message.",
        ja: "受信側組織のポリシーによって拒否されました。" },
    ReasonInfo { reason: Reason::RateLimited, name: "ratelimited",
        en: "Too many messages or connections: the receiver is limiting the sending rate.",
        ja: "メールや接続が多すぎるため、受信側が送信ペースを制限しています。" },
    ReasonInfo { reason: Reason::Rejected, name: "rejected",
        en: "The receiver refused the sender address.",
        ja: "受信側が送信者アドレスを拒否しました。" },
    ReasonInfo { reason: Reason::RequirePtr, name: "requireptr",
        en: "The sending IP address has no or a wrong reverse DNS (PTR) record.",
        ja: "送信元 IP アドレスの逆引き（PTR レコード）がないか、正しくありません。" },
    ReasonInfo { reason: Reason::SecurityError, name: "securityerror",
        en: "A security problem, such as authentication or encryption, stopped delivery.",
        ja: "認証や暗号化などのセキュリティ上の問題で配送できませんでした。" },
    ReasonInfo { reason: Reason::SpamDetected, name: "spamdetected",
        en: "The receiver judged the message to be spam.",
        ja: "受信側がメールを迷惑メールと判定しました。" },
    ReasonInfo { reason: Reason::Suppressed, name: "suppressed",
        en: "The sending service did not try: the address is on its suppression list.",
        ja: "宛先が送信停止リストに載っているため、送信サービスは送信を試みませんでした。" },
    ReasonInfo { reason: Reason::Suspend, name: "suspend",
        en: "The recipient's account is disabled or suspended.",
        ja: "受信者のアカウントが無効化または停止されています。" },
    ReasonInfo { reason: Reason::SyntaxError, name: "syntaxerror",
        en: "An SMTP command had a syntax error.",
        ja: "SMTP コマンドに構文エラーがありました。" },
    ReasonInfo { reason: Reason::SystemError, name: "systemerror",
        en: "An error on the receiving system stopped delivery.",
        ja: "受信側システムのエラーで配送できませんでした。" },
    ReasonInfo { reason: Reason::SystemFull, name: "systemfull",
        en: "The receiving system's disk is full.",
        ja: "受信側システムのディスクが満杯です。" },
    ReasonInfo { reason: Reason::Undefined, name: "undefined",
        en: "No reason could be detected.",
        ja: "理由を判別できませんでした。" },
    ReasonInfo { reason: Reason::UserUnknown, name: "userunknown",
        en: "The recipient's mailbox does not exist.",
        ja: "宛先のメールアドレス（メールボックス）が存在しません。" },
    ReasonInfo { reason: Reason::Vacation, name: "vacation",
        en: "An out-of-office auto-reply, not a bounce.",
        ja: "不在通知の自動返信で、エラーメールではありません。" },
    ReasonInfo { reason: Reason::VirusDetected, name: "virusdetected",
        en: "A virus was found in the message.",
        ja: "メールからウイルスが検出されました。" },
];

impl Reason {
    /// Every reason, in alphabetical order of its name.
    ///
    /// ```
    /// assert_eq!(rebound_verdict::Reason::all().count(), 34);
    /// ```
    pub fn all() -> impl Iterator<Item = Reason> {
        REASONS.iter().map(|info| info.reason)
    }

    fn info(self) -> Option<&'static ReasonInfo> {
        REASONS.iter().find(|info| info.reason == self)
    }

    /// Sisimai's name for the reason, e.g. `userunknown`.
    ///
    /// ```
    /// assert_eq!(rebound_verdict::Reason::UserUnknown.as_str(), "userunknown");
    /// ```
    pub fn as_str(self) -> &'static str {
        self.info().map_or("undefined", |info| info.name)
    }

    /// A one-line description for people, in the given language.
    ///
    /// ```
    /// use rebound_verdict::{Lang, Reason};
    /// assert_eq!(Reason::UserUnknown.describe(Lang::Ja), "宛先のメールアドレス（メールボックス）が存在しません。");
    /// ```
    pub fn describe(self, lang: Lang) -> &'static str {
        match (self.info(), lang) {
            (Some(info), Lang::Ja) => info.ja,
            (Some(info), _) => info.en,
            (None, _) => "",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not one of Sisimai's reason names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownReason(pub String);

impl fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown bounce reason: {:?}", self.0)
    }
}

impl std::error::Error for UnknownReason {}

impl FromStr for Reason {
    type Err = UnknownReason;

    /// Parses a Sisimai reason name, case-insensitively. The old names `mesgtoobig`,
    /// `exceedlimit`, `toomanyconn` and `speeding` map to their current names.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let name = text.trim().to_ascii_lowercase();
        let name = match name.as_str() {
            "mesgtoobig" | "exceedlimit" => "emailtoolarge",
            "toomanyconn" | "speeding" => "ratelimited",
            other => other,
        };
        REASONS
            .iter()
            .find(|info| info.name == name)
            .map(|info| info.reason)
            .ok_or_else(|| UnknownReason(text.to_string()))
    }
}

/// A phrase rule: matches when the lower-cased diagnostic contains every phrase of
/// `all` and, unless `any` is empty, at least one phrase of `any`.
pub(crate) struct PhraseRule {
    pub(crate) reason: Reason,
    pub(crate) all: &'static [&'static str],
    pub(crate) any: &'static [&'static str],
}

impl PhraseRule {
    pub(crate) fn matches(&self, text: &str) -> bool {
        self.all.iter().all(|p| text.contains(p))
            && (self.any.is_empty() || self.any.iter().any(|p| text.contains(p)))
    }
}

const fn any(reason: Reason, any: &'static [&'static str]) -> PhraseRule {
    PhraseRule { reason, all: &[], any }
}

const fn all(
    reason: Reason,
    all: &'static [&'static str],
    any: &'static [&'static str],
) -> PhraseRule {
    PhraseRule { reason, all, any }
}

/// Diagnostic phrases, tried in order; the first match wins.
#[rustfmt::skip]
pub(crate) const PHRASE_RULES: &[PhraseRule] = &[
    // The sending IP or host is on a block list (public or the receiver's own).
    any(Reason::Blocked, &[
        "block list", "blocklist", "blocked using", "blacklisted", "black list", "blacklist",
        "block listed", "black listed", "(s3150)", "(s3140)", "banned sending ip", "dnsbl",
        "rejected due to listing in", "found on one or more rbl", "listed by spamhaus",
        "in spamhaus's list", "spamhaus xbl", "spamhaus sbl", "ip address is block",
        "dnsbl-lookup.cgi", "csi.cloudmark.com", "barracuda reputation", "sender ip banned",
    ]),
    all(Reason::Blocked, &["listed"], &["rbl", "spamhaus", "spamcop", "uceprotect"]),
    all(Reason::Blocked, &["client host"], &["blocked", "rejected", "refused"]),
    // The receiver's own rating of the sending IP.
    any(Reason::BadReputation, &[
        "very low reputation", "low reputation", "poor reputation", "bad reputation",
        "due to ip reputation", "ip reputation", "reputation of the sending", "(nowl)",
        "poor reputation sender",
    ]),
    // The recipient side.
    any(Reason::HostUnknown, &[
        "domain does not exist", "host not found", "host or domain name not found",
        "name service error", "domain not found", "no mx record", "unrouteable mail domain",
        "domain name not found",
    ]),
    all(Reason::UserUnknown, &["recipient address rejected"],
        &["unknown", "not found", "does not exist", "invalid", "no such", "undeliverable"]),
    any(Reason::UserUnknown, &[
        "user unknown", "unknown user", "no such user", "does not exist", "no such mailbox",
        "unknown recipient", "recipient unknown", "recipient not found", "user not found",
        "invalid recipient", "mailbox not found", "not a valid mailbox", "no mailbox here",
        "mailbox does not exist", "nosuchuser", "address unknown", "unrouteable address",
        "no such recipient", "doesn't have a", "user doesn't exist", "unknown or illegal alias",
    ]),
    any(Reason::MailboxFull, &[
        "mailbox full", "mailbox is full", "over quota", "quota exceeded", "exceeded storage",
        "overquota", "quota", "too much mail data", "mailbox exceeded", "insufficient storage",
        "exceeded the local limit", "full mailbox",
    ]),
    any(Reason::Suspend, &[
        "account disabled", "account is disabled", "mailbox is disabled", "disableduser",
        "account has been disabled", "suspended", "inactive email address", "account inactive",
    ]),
    any(Reason::HasMoved, &["has moved", "no longer on server", "user not local"]),
    // The sender's authentication and DNS.
    any(Reason::AuthFailure, &[
        "spf", "dkim", "dmarc", "sender policy framework", "unauthenticated",
        "authenticate with", "required authentication level", "authentication checks",
    ]),
    any(Reason::RequirePtr, &[
        "ptr record", "reverse dns", "no rdns", "rdns", "reverse lookup", "no ptr",
        "reverse hostname",
    ]),
    any(Reason::FailedStartTls, &["starttls", "tls is required", "must issue a starttls"]),
    // The message itself.
    any(Reason::VirusDetected, &["virus", "malware", "infected"]),
    any(Reason::SpamDetected, &[
        "spam", "unsolicited", "junk mail", "bulk mail", "content was rejected",
        "message content rejected",
    ]),
    any(Reason::EmailTooLarge, &[
        "message too large", "message size exceeds", "too big", "size limit",
        "message is too large", "exceeds the maximum size", "message length exceeds",
    ]),
    // Rates and limits.
    any(Reason::RateLimited, &[
        "rate limit", "rate-limit", "ratelimit", "too many", "too fast", "too quickly",
        "temporarily deferred", "unexpected volume", "excessive volume", "try again later",
        "unusual rate", "exceeded permitted limits",
    ]),
    // Giving up and other transient trouble.
    any(Reason::Expired, &[
        "retry timeout exceeded", "delivery time expired", "message expired",
        "could not be delivered within", "too long in queue", "retry time not reached",
        "gave up", "giving up",
    ]),
    any(Reason::NetworkError, &[
        "connection timed out", "connection refused", "network is unreachable",
        "no route to host", "mail loop", "routing loop", "too many hops", "lost connection",
    ]),
    any(Reason::SystemFull, &["disk full", "out of disk", "insufficient system storage"]),
    any(Reason::NoRelaying, &["relay access denied", "relaying denied", "not permitted to relay",
        "relay not permitted", "unable to relay"]),
    any(Reason::NotAccept, &["does not accept mail", "null mx", "accepts no mail"]),
    any(Reason::PolicyViolation, &["local policy", "policy reasons", "delivery not authorized",
        "policy violation"]),
    any(Reason::Rejected, &["sender address rejected", "sender rejected",
        "domain of sender address"]),
];

/// A status-code rule: `class` (`None` = 4 or 5), the subject, and an inclusive range
/// of details. When `needs_any` is not empty, the diagnostic must also contain one of
/// its phrases.
pub(crate) struct StatusRule {
    pub(crate) class: Option<u8>,
    pub(crate) subject: u16,
    pub(crate) details: (u16, u16),
    pub(crate) needs_any: &'static [&'static str],
    pub(crate) reason: Reason,
}

impl StatusRule {
    fn matches(&self, status: StatusCode, text: &str) -> bool {
        self.class.is_none_or(|class| class == status.class)
            && self.subject == status.subject
            && (self.details.0..=self.details.1).contains(&status.detail)
            && (self.needs_any.is_empty() || self.needs_any.iter().any(|p| text.contains(p)))
    }
}

const fn st(class: Option<u8>, subject: u16, detail: u16, reason: Reason) -> StatusRule {
    StatusRule { class, subject, details: (detail, detail), needs_any: &[], reason }
}

const BLOCK_WORDS: &[&str] = &["block", "black", "banned", "denied", "listed", "refused"];

/// Enhanced status codes, tried in order after the phrases.
#[rustfmt::skip]
pub(crate) const STATUS_RULES: &[StatusRule] = &[
    st(None, 1, 1, Reason::UserUnknown),
    st(None, 1, 2, Reason::HostUnknown),
    st(None, 1, 3, Reason::UserUnknown),
    st(None, 1, 6, Reason::HasMoved),
    st(None, 1, 7, Reason::Rejected),
    st(None, 1, 8, Reason::Rejected),
    st(None, 1, 10, Reason::UserUnknown),
    st(None, 2, 1, Reason::Suspend),
    st(None, 2, 2, Reason::MailboxFull),
    st(None, 2, 3, Reason::EmailTooLarge),
    st(None, 3, 1, Reason::SystemFull),
    st(None, 3, 2, Reason::NotAccept),
    st(None, 3, 4, Reason::EmailTooLarge),
    st(None, 3, 5, Reason::SystemError),
    st(None, 4, 1, Reason::NetworkError),
    st(None, 4, 2, Reason::NetworkError),
    st(None, 4, 3, Reason::SystemError),
    st(None, 4, 4, Reason::HostUnknown),
    st(None, 4, 6, Reason::NetworkError),
    st(None, 4, 7, Reason::Expired),
    st(None, 5, 2, Reason::SyntaxError),
    st(None, 5, 4, Reason::SyntaxError),
    StatusRule { class: None, subject: 6, details: (0, 999), needs_any: &[], reason: Reason::ContentError },
    StatusRule { class: None, subject: 7, details: (1, 1), needs_any: BLOCK_WORDS, reason: Reason::Blocked },
    st(None, 7, 1, Reason::PolicyViolation),
    st(None, 7, 11, Reason::FailedStartTls),
    st(None, 7, 23, Reason::AuthFailure),
    st(None, 7, 25, Reason::RequirePtr),
    st(None, 7, 26, Reason::AuthFailure),
    st(None, 7, 27, Reason::AuthFailure),
    st(Some(4), 7, 28, Reason::RateLimited),
    st(Some(5), 7, 28, Reason::BadReputation),
    st(None, 7, 509, Reason::AuthFailure),
    st(None, 7, 511, Reason::Blocked),
    st(None, 7, 515, Reason::AuthFailure),
    StatusRule { class: Some(5), subject: 7, details: (606, 649), needs_any: &[], reason: Reason::Blocked },
    StatusRule { class: Some(4), subject: 7, details: (500, 699), needs_any: &[], reason: Reason::RateLimited },
    st(None, 7, 708, Reason::BadReputation),
    st(None, 7, 7, Reason::SecurityError),
    st(None, 7, 0, Reason::SecurityError),
];

/// SMTP reply codes, used only when neither phrases nor the status code decide.
pub(crate) const REPLY_RULES: &[(u16, Reason)] =
    &[(551, Reason::HasMoved), (552, Reason::MailboxFull), (553, Reason::Rejected)];

/// Classifies one recipient's failure.
///
/// A delivered report is [`Reason::Delivered`]. Otherwise the diagnostic's phrases
/// decide first, then the enhanced status code, then the SMTP reply code.
///
/// ```
/// use rebound_dsn::RecipientReport;
/// use rebound_verdict::{classify, Reason};
///
/// let mut report = RecipientReport::default();
/// report.status = Some("5.7.1".parse().unwrap());
/// report.diagnostic = Some("550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't \
///     sent. Please contact your Internet service provider since part of their network is \
///     on our block list (S3150).".into());
/// assert_eq!(classify(&report), Reason::Blocked);
///
/// let mut report = RecipientReport::default();
/// report.status = Some("5.1.1".parse().unwrap());
/// assert_eq!(classify(&report), Reason::UserUnknown);
/// ```
pub fn classify(report: &RecipientReport) -> Reason {
    if report.action == Action::Delivered {
        return Reason::Delivered;
    }
    let text = report.diagnostic.as_deref().unwrap_or_default().to_lowercase();
    if let Some(rule) = PHRASE_RULES.iter().find(|rule| rule.matches(&text)) {
        return rule.reason;
    }
    if let Some(status) = report.status {
        if let Some(rule) = STATUS_RULES.iter().find(|rule| rule.matches(status, &text)) {
            return rule.reason;
        }
    }
    if let Some(code) = report.reply_code {
        if let Some((_, reason)) = REPLY_RULES.iter().find(|(c, _)| *c == code) {
            return *reason;
        }
    }
    Reason::Undefined
}

/// Whether a failure is a hard bounce as Sisimai defines it: retrying will not help
/// because the address itself is wrong (`userunknown`, `hostunknown`, `hasmoved`), or
/// the destination accepts no mail at all and said so permanently (`notaccept` with a
/// 5xx code). Everything else, blocks and full mailboxes included, is soft: it can
/// clear up without changing the address.
///
/// ```
/// use rebound_verdict::{hard_bounce, Reason};
/// let permanent = "5.1.1".parse().ok();
/// assert!(hard_bounce(Reason::UserUnknown, permanent, Some(550)));
/// assert!(!hard_bounce(Reason::Blocked, "5.7.1".parse().ok(), Some(550)));
/// assert!(!hard_bounce(Reason::NotAccept, "4.3.2".parse().ok(), Some(421)));
/// ```
pub fn hard_bounce(reason: Reason, status: Option<StatusCode>, reply_code: Option<u16>) -> bool {
    match reason {
        Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => true,
        Reason::NotAccept => {
            let transient = status.map(|s| s.class == 4).or(reply_code.map(|c| c / 100 == 4));
            transient != Some(true)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(status: &str, diagnostic: &str) -> RecipientReport {
        let mut r = RecipientReport::default();
        r.status = status.parse().ok();
        r.diagnostic = Some(diagnostic.to_string());
        r
    }

    #[test]
    fn table_has_every_reason_once_and_names_round_trip() {
        assert_eq!(REASONS.len(), 34);
        for (i, info) in REASONS.iter().enumerate() {
            assert_eq!(REASONS.iter().filter(|o| o.reason == info.reason).count(), 1);
            assert_eq!(info.name.parse::<Reason>().unwrap(), info.reason);
            assert_eq!(info.reason.as_str(), info.name);
            assert!(!info.en.is_empty() && !info.ja.is_empty());
            assert!(info.ja.chars().any(|c| c > '\u{3000}'), "{} has no Japanese", info.name);
            if i > 0 {
                assert!(REASONS[i - 1].name < info.name, "sorted");
            }
        }
        assert_eq!("MESGTOOBIG".parse::<Reason>().unwrap(), Reason::EmailTooLarge);
        assert_eq!("speeding".parse::<Reason>().unwrap(), Reason::RateLimited);
        assert!("nonsense".parse::<Reason>().is_err());
    }

    #[test]
    fn classifies_realistic_diagnostics() {
        let cases: &[(&str, &str, Reason)] = &[
            ("5.7.1", "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [TYZPR01CA0000.jpnprd01.prod.outlook.com 2025-06-02T01:02:03.000Z]", Reason::Blocked),
            ("5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.85", Reason::Blocked),
            ("5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using b.barracudacentral.org; http://www.barracudanetworks.com/reputation/?r=1&ip=192.0.2.85", Reason::Blocked),
            ("5.7.606", "550 5.7.606 Access denied, banned sending IP [192.0.2.78]. To request removal from this list please visit https://sender.office.com/", Reason::Blocked),
            ("", "554 resimta comcast 192.0.2.82 found on one or more RBLs (Spamhaus ZEN) BL000001", Reason::Blocked),
            ("5.1.1", "550 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table", Reason::UserUnknown),
            ("5.1.1", "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos - gsmtp", Reason::UserUnknown),
            ("", "550 Unknown user taro.yamada.1999@docomo.ne.jp", Reason::UserUnknown),
            ("5.0.0", "550 5.0.0 <x@example.org>... No such user", Reason::UserUnknown),
            ("5.2.2", "552 5.2.2 <x@example.org>: Mailbox full", Reason::MailboxFull),
            ("4.2.2", "452-4.2.2 The email account that you tried to reach is over quota. - gsmtp", Reason::MailboxFull),
            ("4.7.0", "421-4.7.0 [192.0.2.79      15] This message is suspicious due to the very low reputation of the sending IP address. Mail from your IP has been temporarily rate limited to protect users. - gsmtp", Reason::BadReputation),
            ("5.7.26", "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. - gsmtp", Reason::AuthFailure),
            ("5.7.23", "550 5.7.23 The message was rejected because of Sender Policy Framework violation", Reason::AuthFailure),
            ("4.7.0", "421 4.7.0 [TSS04] Messages from 192.0.2.80 temporarily deferred due to unexpected volume or user complaints", Reason::RateLimited),
            ("4.7.0", "452 4.7.0 Too many connections from your host", Reason::RateLimited),
            ("4.4.7", "Delivery time expired", Reason::Expired),
            ("5.4.7", "", Reason::Expired),
            ("5.3.4", "552 5.3.4 Error: message file too big", Reason::EmailTooLarge),
            ("5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering", Reason::SpamDetected),
            ("5.1.2", "", Reason::HostUnknown),
            ("5.7.25", "550-5.7.25 The IP address sending this message does not have a PTR record setup", Reason::RequirePtr),
        ];
        for (status, text, want) in cases {
            assert_eq!(classify(&report(status, text)), *want, "{status} {text}");
        }
    }

    #[test]
    fn status_and_reply_fallbacks_and_delivered() {
        assert_eq!(
            classify(&report("5.7.1", "550 5.7.1 Delivery not authorized")),
            Reason::PolicyViolation
        );
        assert_eq!(classify(&report("5.7.1", "550 5.7.1 access denied")), Reason::Blocked);
        assert_eq!(classify(&report("5.7.25", "")), Reason::RequirePtr);
        assert_eq!(classify(&report("5.6.0", "")), Reason::ContentError);
        let mut r = RecipientReport::default();
        r.reply_code = Some(552);
        assert_eq!(classify(&r), Reason::MailboxFull);
        assert_eq!(classify(&RecipientReport::default()), Reason::Undefined);
        r.action = Action::Delivered;
        assert_eq!(classify(&r), Reason::Delivered);
    }
}
