//! Bounce reasons (Sisimai's names) and the rules that classify a recipient report.
//!
//! Classification is data. A feedback report or an automatic reply is named by its
//! kind ([`AUTOREPLY_RULES`] tell a mailbox that is gone from an owner who is away).
//! For a bounce, a receiving provider's own codes ([`RHOST_RULES`]) are tried first,
//! then the wording of the MTA that wrote the bounce ([`LHOST_RULES`], by
//! `Bounce::generator`, only through [`Reason::classify_in`]), then [`PHRASE_RULES`]
//! in order against the lower-cased diagnostic text, then [`STATUS_RULES`] against
//! the enhanced status code, then [`REPLY_RULES`] against the SMTP reply code. The
//! first rule that matches wins, so the specific rules come before the general ones:
//! a specific phrase beats the status code, and the status code beats the reply code.
//! Last, [`CONTEXT_RULES`] adjust the result for the circumstances: the SMTP command
//! it answered (`User unknown` after `DATA`, or with neither a command nor a status
//! that names the address, is a filter; after `MAIL FROM` it is the sender's
//! address), the status code's subject and the DSN action. Raising accuracy means
//! adding rows, not code.
//!
//! The tables are evaluated in that order, but their phrases are not looked for one
//! at a time: one searcher over every phrase of every table (`search.rs`), built on
//! first use, finds in one pass over the diagnostic the set of phrases it contains,
//! and each rule is then checked against that set.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use rebound_dsn::{Action, Bounce, Kind, RecipientReport, StatusCode};

use crate::case::lower_case;
use crate::provider::domain_matches;
use crate::search::Phrases;
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

/// Diagnostic phrases, tried in order; the first match wins. Each group is worded the
/// way MTAs and providers word that reason in general; groups that must beat a
/// broader group (a URL block list before the IP block lists, the sender's address
/// before the recipient's) come first.
#[rustfmt::skip]
pub(crate) const PHRASE_RULES: &[PhraseRule] = &[
    // A local delivery program (procmail, maildrop, a pipe) failed, whatever it says.
    any(Reason::MailerError, &[
        "mailer error", "procmail:", "bin/maildrop", "command died with status",
        "command failed:", "command output:", "pipe to |", "x-unix;", "exit status",
    ]),
    // The sending service itself did not try: the address is on its suppression list.
    any(Reason::Suppressed, &[
        "suppression list", "has suppressed sending", "address is suppressed",
        "on the account-level suppression", "recipient is suppressed",
    ]),
    // Phrases that name a block list but are about something else.
    any(Reason::HostUnknown, &["the account or domain may not exist"]),
    any(Reason::SpamDetected, &["blacklisted url", "blacklisted link", "uribl", "surbl"]),
    any(Reason::NotCompliantRfc, &[
        "not rfc 5322 compliant", "not rfc5322 compliant", "rfcmessagenoncompliant",
        "multiple addresses in from:", "addresses in from: header", "not compliant with rfc",
    ]),
    // The sending IP or host is on a block list (public or the receiver's own).
    any(Reason::Blocked, &[
        "block list", "blocklist", "blocked using", "blacklisted", "black list", "blacklist",
        "block listed", "black listed", "(s3150)", "(s3140)", "banned sending ip", "dnsbl",
        "rejected due to listing in", "found on one or more rbl", "listed by spamhaus",
        "in spamhaus's list", "spamhaus xbl", "spamhaus sbl", "ip address is block",
        "dnsbl-lookup.cgi", "csi.cloudmark.com", "barracuda reputation", "sender ip banned",
        "spamhaus.org/query", "aup#cdrbl", "esmtp not accepting connections",
        "refused to talk to me", "please use the smtp server of your isp",
        "not currently accepting mail from your ip", "you are not allowed to connect",
        "too many spams from your ip", "your ip address is listed", "sender ip address rejected",
        // The server hung up on the sending host (Sendmail: `Connection refused by
        // mx.example.jp.`), which Sisimai counts as a block of that host.
        "connection refused by", "connection reset by peer", "connection dropped",
        "connection was dropped by remote host",
    ]),
    all(Reason::Blocked, &["listed"], &["rbl", "spamhaus", "spamcop", "uceprotect"]),
    // No or a wrong PTR record, before the generic "client host rejected" below.
    any(Reason::RequirePtr, &[
        "ptr record", "reverse dns", "no rdns", "rdns", "reverse lookup", "no ptr",
        "reverse hostname", "ip name lookup failed", "cannot find your hostname",
        "unresolvable relay host name", "forward dns entry does not point",
        "unverifyable sending ip", "unverifiable sending ip", "mismatches client ip",
    ]),
    all(Reason::Blocked, &["client host"], &["blocked", "rejected", "refused"]),
    // The receiver's own rating of the sending IP.
    any(Reason::BadReputation, &[
        "very low reputation", "low reputation", "poor reputation", "bad reputation",
        "due to ip reputation", "ip reputation", "reputation of the sending", "(nowl)",
        "poor reputation sender",
    ]),
    // The receiver will not relay for the sender.
    any(Reason::NoRelaying, &[
        "relay access denied", "relaying denied", "relay denied", "not permitted to relay",
        "relay not permitted", "unable to relay", "not configured to relay", "no relaying",
        "insecure mail relay", "relaying mail to", "email address is not verified",
        "not in my list of allowed rcpthosts", "isn't in my list of allowed rcpthosts",
        "relaying not allowed", "relay not allowed", "not allowed to relay", "as a relay",
        "not an open relay",
    ]),
    // An unambiguous spam verdict, before the authentication advice that may follow it.
    any(Reason::SpamDetected, &[
        "due to spam", "as spam", "spam classification", "spam detected", "detected spam",
        "spam message rejected", "spam content",
    ]),
    // The sender's authentication and DNS.
    any(Reason::AuthFailure, &[
        "spf", "dkim", "dmarc", "sender policy framework", "unauthenticated",
        "authenticate with", "required authentication level", "authentication checks",
        "does not have authentication information",
    ]),
    any(Reason::SecurityError, &[
        "smtp authentication", "authentication required", "authentication is required",
        "authentication failure", "authentication credentials invalid", "must be authenticated",
        "authentication turned on",
    ]),
    // The envelope sender was refused: before the recipient rules, which share words.
    any(Reason::Rejected, &[
        "sender address rejected", "sender rejected", "domain of sender address",
        "unroutable sender", "unrouteable sender", "sender verify failed",
        "sender domain must exist", "invalid sender", "sender is not allowed",
        "purported responsible address", "from: domain is invalid", "envelope sender",
        "sender address is invalid", "sender domain is invalid", "'send mail as'",
        "sender verification failed", "sender denied", "sender not permitted",
        "bad sender address", "is not a registered gateway user",
        // Mailing lists refusing a post from someone who is not subscribed.
        "not a member of this mailing list", "not a member of this list",
        "posting by non-members", "non-member posting",
    ]),
    // The destination says it takes no mail at all (a null MX, RFC 7505), before the
    // DNS trouble that reports it.
    any(Reason::NotAccept, &[
        "null mx", "doesn't receive email", "does not receive email", "does not accept mail",
        "accepts no mail", "couldn't find a mail exchanger", "no smtp service",
        "not accepting network messages",
    ]),
    // Temporary DNS and routing trouble, before the host rules that share words.
    any(Reason::NetworkError, &[
        "dns error", "host not found, try again", "name server reply", "dns query failed",
        "too many hops", "hop count exceeded", "mail loop", "routing loop", "forwarding loop",
        "message looping", "dns records for the destination", "connection refused",
        "host name lookup failure",
    ]),
    // The recipient side.
    any(Reason::HostUnknown, &[
        "domain does not exist", "host not found", "host or domain name not found",
        "name service error", "domain not found", "no mx record", "unrouteable mail domain",
        "domain name not found", "bad destination system address", "unrouteable address",
        "unroutable address", "host unknown", "unknown host", "illegal host/domain name",
        "name or service not known", "domain must exist", "no such domain",
        "domain is not reachable", "unknown domain",
    ]),
    // The recipient's own filter: worded like "user unknown" but without an address.
    any(Reason::Filtered, &[
        "recipient preferences", "user refuses to receive", "recipient refuses",
        "refuses to accept your mail", "user reject", "is not accepting any mail",
        "only accepting mail from specific", "this account is protected by",
        "resolver.rst.notauthorized", "due to extended inactivity", " : user unknown",
        ": : user unknown",
    ]),
    any(Reason::UserUnknown, &["recipient address rejected: access denied"]),
    all(Reason::UserUnknown, &["recipient address rejected"],
        &["unknown", "not found", "does not exist", "invalid", "no such", "undeliverable"]),
    any(Reason::UserUnknown, &[
        "user unknown", "unknown user", "no such user", "does not exist", "no such mailbox",
        "unknown recipient", "recipient unknown", "recipient not found", "user not found",
        "invalid recipient", "mailbox not found", "not a valid mailbox", "no mailbox here",
        "mailbox does not exist", "nosuchuser", "address unknown",
        "no such recipient", "doesn't have a", "user doesn't exist", "unknown or illegal alias",
        "address wasn't found", "address wasn’t found", "recipientnotfound",
        "not listed in domino directory", "not listed in public name & address book",
        "invalid final delivery userid",
        "invalid mailbox", "mailbox unavailable", "no such account", "user not exist",
        "address does not exist", "not our customer", "no such local user",
        "unknown local part", "is not a valid user", "not a known user", "user is unknown",
        "recipient is not valid", "bad recipient address",
    ]),
    any(Reason::MailboxFull, &[
        "mailbox full", "mailbox is full", "over quota", "quota exceeded", "exceeded storage",
        "overquota", "disk quota", "mailbox quota", "quota full", "too much mail data",
        "mailbox exceeded", "insufficient storage", "exceeded the local limit", "full mailbox",
        "mailfolder is full", "out of storage space", "mailbox size limit", "exceeded quota",
        "exceeds quota", "over its quota", "storage limit", "account is full",
        "not enough storage", "exhausted allowed storage", "mailbox has exceeded",
        "does not have enough space",
    ]),
    any(Reason::Suspend, &[
        "account disabled", "account is disabled", "mailbox is disabled", "disableduser",
        "account has been disabled", "inactive email address", "account inactive",
        "mailbox disabled", "has been disabled", "user or domain is disabled",
        "has been suspended", "account is suspended", "mailbox is suspended", "user is suspended",
        "account suspended", "mailbox suspended", "currently suspended",
        "user suspended", "mailbox is frozen", "account is locked", "account has been locked",
        "temporary locked", "temporarily locked", "account is blocked", "temporarily inactive",
        "no longer accepts mail", "account is inactive", "mailbox is inactive",
        "recipient suspended", "account has been deactivated",
    ]),
    any(Reason::HasMoved, &["has moved", "no longer on server", "user not local"]),
    any(Reason::FailedStartTls, &[
        "starttls", "tls is required", "must issue a starttls", "does not support tls",
    ]),
    // The message itself.
    any(Reason::VirusDetected, &["virus", "malware", "infected"]),
    any(Reason::SpamDetected, &[
        "spam", "unsolicited", "junk mail", "bulk mail", "content was rejected",
        "message content rejected",
    ]),
    any(Reason::EmailTooLarge, &[
        "message too large", "message size exceeds", "too big", "size limit",
        "message is too large", "exceeds the maximum size", "message length exceeds",
        "line limit exceeded", "message file too big",
        "exceeds the size limit", "message larger than", "mail size limit",
    ]),
    // A system fault that the sending MTA kept meeting until it gave up.
    any(Reason::SystemError, &["unable to contact ldap server", "ldap lookup failed"]),
    // Giving up after a long time in the queue (stated outright).
    any(Reason::Expired, &[
        "retry timeout exceeded", "delivery time expired", "message expired",
        "could not be delivered within", "too long in queue", "retry time not reached",
        "queue too long", "failing for a long time", "delivery expired", "envelope expired",
        "not reachable within the allowed queue period", "could not be delivered for",
    ]),
    // Rates and limits.
    any(Reason::RateLimited, &[
        "rate limit", "rate-limit", "ratelimit", "too many", "too fast", "too quickly",
        "temporarily deferred", "unexpected volume", "excessive volume",
        "unusual rate", "exceeded permitted limits", "receiving mail at a rate",
        "frequency limited", "sending rate", "throttl", "sending limit", "rate exceeded",
    ]),
    // Giving up and other transient trouble.
    any(Reason::Expired, &[
        "gave up", "giving up", "timed out", "connect time out", "server did not respond",
        "did not accept our requests to connect", "host not reachable",
        "was not delivered within",
    ]),
    any(Reason::NetworkError, &[
        "network is unreachable", "no route to host", "lost connection",
        "host is unreachable", "could not connect and send",
    ]),
    any(Reason::SystemFull, &[
        "disk full", "out of disk", "insufficient system storage", "insufficient disk space",
        "mail system full", "not enough disk space",
    ]),
    any(Reason::SystemError, &[
        "internal system error", "system error", "internal error", "internal server error",
        "transaction failed", "service currently unavailable", "upstream error",
        "local error in processing", "temporary local problem", "configuration error",
        "config error", "queue file write error", "interrupted system call",
        "service unavailable", "insufficient permission",
    ]),
    any(Reason::PolicyViolation, &[
        "local policy", "policy reasons", "delivery not authorized", "policy violation",
        "denied by policy", "header error", "protocol violation", "content presents a potential",
        "organization policy", "members-only list", "closed mailing list", "illegal attachment",
        "mass mailer",
    ]),
    any(Reason::SyntaxError, &[
        "syntax error", "bad sequence of commands", "improper sequence of commands",
        "command unrecognized", "unrecognized command",
    ]),
    // A bare "address rejected" names the recipient's address.
    any(Reason::UserUnknown, &["address rejected"]),
];

/// A status-code rule: `class` (`None` = 4 or 5), the subject, and an inclusive range
/// of details. When `needs_any` is not empty, the diagnostic must also contain one of
/// its phrases.
pub(crate) struct StatusRule {
    pub(crate) class: Option<u8>,
    pub(crate) subject: u16,
    pub(crate) details: (u16, u16),
    pub(crate) needs_any: &'static [&'static str],
    /// When not empty, the SMTP command the failure answered must start with one of
    /// these (`MAIL` matches `MAIL FROM`).
    pub(crate) commands: &'static [&'static str],
    pub(crate) reason: Reason,
}

impl StatusRule {
    /// `has_needed` says whether the diagnostic contains one of `needs_any` (or
    /// `needs_any` is empty).
    fn matches(&self, status: StatusCode, has_needed: bool, command: &str) -> bool {
        self.class.is_none_or(|class| class == status.class)
            && self.subject == status.subject
            && (self.details.0..=self.details.1).contains(&status.detail)
            && has_needed
            && command_matches(self.commands, command)
    }
}

/// True when `commands` is empty or `command` starts with one of them.
fn command_matches(commands: &[&str], command: &str) -> bool {
    commands.is_empty() || commands.iter().any(|c| command.starts_with(c))
}

/// A status rule matching nothing yet, for `..ST` in the table.
const ST: StatusRule = StatusRule {
    class: None,
    subject: 0,
    details: (0, 0),
    needs_any: &[],
    commands: &[],
    reason: Reason::Undefined,
};

const fn st(class: Option<u8>, subject: u16, detail: u16, reason: Reason) -> StatusRule {
    StatusRule { class, subject, details: (detail, detail), needs_any: &[], commands: &[], reason }
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
    st(None, 1, 10, Reason::NotAccept),
    st(None, 2, 1, Reason::Suspend),
    st(None, 2, 2, Reason::MailboxFull),
    st(None, 2, 3, Reason::EmailTooLarge),
    st(None, 3, 0, Reason::SystemError),
    st(None, 3, 1, Reason::SystemFull),
    st(None, 3, 2, Reason::NotAccept),
    st(None, 3, 4, Reason::EmailTooLarge),
    st(None, 3, 5, Reason::SystemError),
    st(Some(4), 4, 1, Reason::Expired),
    st(None, 4, 1, Reason::NetworkError),
    st(None, 4, 2, Reason::NetworkError),
    st(None, 4, 3, Reason::SystemError),
    st(None, 4, 4, Reason::HostUnknown),
    st(None, 4, 5, Reason::SystemFull),
    st(None, 4, 6, Reason::NetworkError),
    st(None, 4, 7, Reason::Expired),
    st(None, 5, 2, Reason::SyntaxError),
    st(None, 5, 4, Reason::SyntaxError),
    StatusRule { subject: 6, details: (0, 999), reason: Reason::ContentError, ..ST },
    // X.7.1 in answer to MAIL FROM refuses the sender, not the sending host.
    StatusRule { subject: 7, details: (1, 1), commands: &["MAIL"], reason: Reason::Rejected, ..ST },
    StatusRule { subject: 7, details: (1, 1), needs_any: BLOCK_WORDS, reason: Reason::Blocked, ..ST },
    st(None, 7, 1, Reason::PolicyViolation),
    st(None, 7, 11, Reason::FailedStartTls),
    st(None, 7, 23, Reason::AuthFailure),
    st(None, 7, 25, Reason::RequirePtr),
    st(None, 7, 26, Reason::AuthFailure),
    st(None, 7, 27, Reason::NotAccept),
    st(Some(4), 7, 28, Reason::RateLimited),
    st(Some(5), 7, 28, Reason::BadReputation),
    st(None, 7, 509, Reason::AuthFailure),
    st(None, 7, 511, Reason::Blocked),
    st(None, 7, 515, Reason::AuthFailure),
    StatusRule { class: Some(5), subject: 7, details: (606, 649), reason: Reason::Blocked, ..ST },
    StatusRule { class: Some(4), subject: 7, details: (500, 699), reason: Reason::RateLimited, ..ST },
    st(None, 7, 708, Reason::BadReputation),
    st(None, 7, 7, Reason::SecurityError),
    st(None, 7, 0, Reason::SecurityError),
    // Any other security or policy status.
    StatusRule { subject: 7, details: (0, 999), reason: Reason::SecurityError, ..ST },
];

/// SMTP reply codes, used only when neither phrases nor the status code decide.
pub(crate) const REPLY_RULES: &[(u16, Reason)] =
    &[(551, Reason::HasMoved), (552, Reason::MailboxFull), (553, Reason::Rejected)];

/// A receiving provider's own wording, recognised by the remote MTA's host name (a
/// domain suffix), by a token of the provider's in the diagnostic, or by the
/// recipient's domain for a provider that writes its own notices (no SMTP codes).
pub(crate) struct RhostRules {
    pub(crate) hosts: &'static [&'static str],
    pub(crate) texts: &'static [&'static str],
    /// Recipient domain suffixes; they recognise only a notice, a report with neither
    /// a status nor a reply code.
    pub(crate) notice_recipients: &'static [&'static str],
    /// Enhanced status codes (`"5.2.0"`) that say why by themselves, tried first.
    pub(crate) statuses: &'static [(&'static str, Reason)],
    pub(crate) rules: &'static [PhraseRule],
}

impl RhostRules {
    /// `notice_domain` is the recipient's domain when the report is a notice (no
    /// status, no reply code), else empty.
    /// `has_text` says whether the diagnostic contains one of `texts`.
    fn recognises(&self, host: &str, has_text: bool, notice_domain: &str) -> bool {
        self.hosts.iter().any(|s| domain_matches(host, s))
            || has_text
            || self.notice_recipients.iter().any(|s| domain_matches(notice_domain, s))
    }
}

/// Provider rules, tried before [`PHRASE_RULES`]: a provider's own error codes say
/// more than the generic words around them.
#[rustfmt::skip]
pub(crate) const RHOST_RULES: &[RhostRules] = &[
    // Orange, Wanadoo and La Poste end a refusal with a code such as `OFR_506` or
    // `LPN006_107`; its last three digits say why.
    RhostRules { hosts: &["orange.fr", "wanadoo.fr", "laposte.net"],
        texts: &["ofr_", "ofr0", "lpn0"], notice_recipients: &[], statuses: &[],
        rules: &[
            any(Reason::Blocked, &["_102"]),
            any(Reason::RequirePtr, &["_107"]),
            any(Reason::UserUnknown, &["_416"]),
            any(Reason::Suspend, &["_426"]),
            any(Reason::SystemError, &["_505"]),
            any(Reason::SpamDetected, &["_506"]),
            any(Reason::PolicyViolation, &["_630"]),
        ] },
    // Mimecast refuses networks its customer's policy does not allow.
    RhostRules { hosts: &["mimecast.com"], texts: &["community.mimecast.com"],
        notice_recipients: &[], statuses: &[],
        rules: &[any(Reason::PolicyViolation, &["host network not allowed"])] },
    // Google Groups' own notice, in the sender's language: the group does not exist
    // or the sender may not post to it. Either way the sender is refused.
    RhostRules { hosts: &[], texts: &[], notice_recipients: &["googlegroups.com"],
        statuses: &[], rules: &[any(Reason::Rejected, &[])] },
    // Spectrum (Charter) ends a refusal with a code, `AUP#In-1310` or `AUP#Out-...`;
    // its 13xx codes are limits on connections, recipients and messages.
    RhostRules { hosts: &["charter.net", "spectrum.net", "rr.com"], texts: &["aup#in-", "aup#out-"],
        notice_recipients: &[], statuses: &[], rules: &[
            any(Reason::RateLimited, &["aup#in-13", "aup#out-13"]),
        ] },
    // au (KDDI) answers "550 <address>: User unknown" for a mailbox that does not
    // exist and "550 : User unknown", without the address, when the recipient's own
    // filter (domain or address designation) refuses the sender.
    RhostRules { hosts: &["ezweb.ne.jp", "au.com"], texts: &["@ezweb.ne.jp>", "@au.com>"],
        notice_recipients: &[],
        statuses: &[], rules: &[
            any(Reason::UserUnknown, &[">: user unknown"]),
            any(Reason::Filtered, &[" : user unknown"]),
        ] },
    // NTT docomo answers "550 Unknown user" both at RCPT TO, for a mailbox that does not
    // exist, and after DATA with status 5.2.0, when the recipient's reception settings
    // (designated senders, spoofing filter) refuse the message.
    RhostRules { hosts: &["docomo.ne.jp"], texts: &[], notice_recipients: &[],
        statuses: &[("5.2.0", Reason::Filtered), ("5.1.1", Reason::UserUnknown)], rules: &[
            any(Reason::MailboxFull, &["552 too much mail data"]),
            any(Reason::RateLimited, &["552 too many recipients"]),
            any(Reason::UserUnknown, &["unknown user", "user unknown"]),
        ] },
];

/// What the MTA that wrote the bounce (`Bounce::generator`, Sisimai's Lhost) means by
/// its own words. Some MTAs and gateways word only one failure one way: for them a
/// phrase decides, before [`PHRASE_RULES`], and the context rules do not apply.
pub(crate) struct LhostRules {
    /// Generator names as `rebound_dsn` gives them (`"domino"`, `"ezweb"`, ...).
    pub(crate) generators: &'static [&'static str],
    pub(crate) rules: &'static [PhraseRule],
}

/// Generator rules, tried after [`RHOST_RULES`] and before [`PHRASE_RULES`].
#[rustfmt::skip]
pub(crate) const LHOST_RULES: &[LhostRules] = &[
    // Lotus Notes / Domino look the address up in their directory: a miss is a
    // mailbox that does not exist.
    LhostRules { generators: &["domino", "notes"], rules: &[
        any(Reason::UserUnknown, &[
            "not listed in domino directory", "not listed in public name & address book",
            "no such user", "user unknown",
        ]),
    ] },
    // Exchange 2000/2003 name an unknown recipient with their own code.
    LhostRules { generators: &["exchange2003"], rules: &[
        any(Reason::UserUnknown, &[
            "recipient name is not recognized", "unknown recipient", "000c05a6",
        ]),
    ] },
    // Ipswitch IMail.
    LhostRules { generators: &["imail"], rules: &[
        any(Reason::UserUnknown, &["unknown user", "invalid final delivery userid", "user not found"]),
        any(Reason::MailboxFull, &["mailbox exceeds allowed size", "over quota"]),
    ] },
    // au's EZweb gateway: its own notices, and a refusal it relays for its mailboxes.
    LhostRules { generators: &["ezweb", "kddi"], rules: &[
        any(Reason::UserUnknown, &[">: user unknown"]),
        any(Reason::Filtered, &[
            "each of the following recipients was rejected by a remote mail server",
            " : user unknown",
        ]),
        any(Reason::Suspend, &[
            "the user(s) account is disabled", "the user(s) account is temporarily limited",
        ]),
        any(Reason::MailboxFull, &["the user(s) account is temporarily over quota"]),
        any(Reason::Expired, &["your message was not delivered within", "is not responding"]),
    ] },
    // Trend Micro InterScan MSS reports a recipient it could not hand on as missing.
    LhostRules { generators: &["interscan"], rules: &[
        any(Reason::UserUnknown, &["unable to deliver message to", "no such user", "user unknown"]),
    ] },
    // Verizon's MMS gateway.
    LhostRules { generators: &["verizon"], rules: &[
        any(Reason::UserUnknown, &["no valid recipients"]),
    ] },
];

/// A rule about the circumstances of a failure: when the reason found so far is
/// `found` and the circumstances match, the reason `becomes` another.
pub(crate) struct ContextRule {
    pub(crate) found: Reason,
    /// The SMTP command must start with one of these (empty: any command, or none).
    pub(crate) commands: &'static [&'static str],
    /// Does not apply when the SMTP command starts with one of these.
    pub(crate) unless_commands: &'static [&'static str],
    /// The SMTP command must be unknown (the report does not say which it answered).
    pub(crate) no_command: bool,
    /// The enhanced status code must be missing or say nothing specific (`X.0.0`).
    pub(crate) vague_status: bool,
    /// The enhanced status code must have this subject.
    pub(crate) subject: Option<u16>,
    /// Does not apply when the enhanced status code has this subject.
    pub(crate) unless_subject: Option<u16>,
    /// The DSN action must be this one.
    pub(crate) action: Option<Action>,
    /// The diagnostic must say something.
    pub(crate) needs_text: bool,
    /// Does not apply when the diagnostic contains one of these.
    pub(crate) unless_any: &'static [&'static str],
    pub(crate) becomes: Reason,
}

impl ContextRule {
    /// `has_unless` says whether the diagnostic contains one of `unless_any`.
    fn applies(
        &self,
        found: Reason,
        report: &RecipientReport,
        command: &str,
        text: &str,
        has_unless: bool,
    ) -> bool {
        let subject = report.status.map(|status| status.subject);
        let vague = report.status.is_none_or(|s| s.subject == 0 && s.detail == 0);
        self.found == found
            && command_matches(self.commands, command)
            && !self.unless_commands.iter().any(|c| command.starts_with(c))
            && (!self.no_command || command.is_empty())
            && (!self.vague_status || vague)
            && self.subject.is_none_or(|s| subject == Some(s))
            && self.unless_subject.is_none_or(|s| subject != Some(s))
            && self.action.is_none_or(|a| a == report.action)
            && (!self.needs_text || !text.trim().is_empty())
            && !has_unless
    }
}

/// A context rule with no conditions beyond `found`, for `..CTX` in the table.
const CTX: ContextRule = ContextRule {
    found: Reason::Undefined,
    commands: &[],
    unless_commands: &[],
    no_command: false,
    vague_status: false,
    subject: None,
    unless_subject: None,
    action: None,
    needs_text: false,
    unless_any: &[],
    becomes: Reason::Undefined,
};

/// Circumstances, applied in order to the reason the tables found; the first match
/// wins.
#[rustfmt::skip]
pub(crate) const CONTEXT_RULES: &[ContextRule] = &[
    // "User unknown" in answer to DATA, after the address was accepted, is the
    // recipient's filter speaking, unless the status code names the address (X.1.x)
    // or the text says outright that there is no such account.
    ContextRule { found: Reason::UserUnknown, commands: &["DATA"], unless_subject: Some(1),
        unless_any: &["does not exist", "doesn't have a"], becomes: Reason::Filtered, ..CTX },
    // So is "user unknown" under a security or policy status (X.7.x), unless it
    // answered RCPT TO.
    ContextRule { found: Reason::UserUnknown, subject: Some(7), unless_commands: &["RCPT"],
        becomes: Reason::Filtered, ..CTX },
    // So is "user unknown" that names neither the command it answered nor a status
    // that points at the address (none, or X.0.0): filtering appliances and gateways
    // (McAfee, MXLogic, SurfControl, ...) answer so for mail their rules refuse, as
    // Sisimai reads it. MTAs that say "user unknown" only of a missing mailbox are
    // told apart by their own wording (below) or by `LHOST_RULES`.
    ContextRule { found: Reason::UserUnknown, no_command: true, vague_status: true,
        unless_any: &[
            "not listed in domino directory", "not listed in public name & address book",
            "recipient name is not recognized", "invalid final delivery userid",
        ],
        becomes: Reason::Filtered, ..CTX },
    // An address that does not exist, in answer to MAIL FROM, is the sender's.
    ContextRule { found: Reason::UserUnknown, commands: &["MAIL"], becomes: Reason::Rejected,
        ..CTX },
    ContextRule { found: Reason::HostUnknown, commands: &["MAIL"], becomes: Reason::Rejected,
        ..CTX },
    // Nothing matched: a delay that went on is expiry, a refusal before any envelope
    // is a block, and a diagnostic we cannot read leaves the failure on hold.
    ContextRule { action: Some(Action::Delayed), becomes: Reason::Expired, ..CTX },
    ContextRule { commands: &["CONNECT", "EHLO", "HELO"], becomes: Reason::Blocked, ..CTX },
    // An MTA's stock preamble ("This is the mail system at host ...") is no answer at
    // all: without one the reason stays undefined.
    ContextRule { needs_text: true, becomes: Reason::OnHold,
        unless_any: &[
            "this is the mail system at host", "i'm sorry to have to inform you",
            "this message was created automatically by mail delivery software",
        ],
        ..CTX },
];

/// Automatic replies that say the mailbox is gone rather than its owner away; any
/// other automatic reply is [`Reason::Vacation`].
#[rustfmt::skip]
pub(crate) const AUTOREPLY_RULES: &[PhraseRule] = &[
    any(Reason::Suspend, &[
        "is no longer in use", "is no longer active", "no longer monitored",
        "has been deactivated", "has been closed", "is no longer available",
    ]),
];

/// Classifies one recipient's failure.
///
/// A feedback report is [`Reason::Feedback`] and an automatic reply
/// [`Reason::Vacation`] (or [`Reason::Suspend`] when it says the mailbox is no
/// longer in use). A delivered report (or a 2.X.X status) is [`Reason::Delivered`]. Otherwise the
/// receiving provider's own codes (`RHOST_RULES`) decide first and finally. Else
/// the diagnostic's phrases decide, then the enhanced status code, then the SMTP
/// reply code; last, `CONTEXT_RULES` adjust the result for the SMTP command it
/// answered, the status code's subject and the DSN action.
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
    classify_by(report, "", "")
}

impl Reason {
    /// Classifies one recipient's failure as [`classify`] does, knowing also the MTA
    /// that wrote the bounce ([`Bounce::generator`]): some MTAs and gateways word a
    /// failure their own way, as Sisimai's per-MTA (Lhost) modules read them. And
    /// knowing the envelope sender ([`Bounce::sender`]), a reply that names the
    /// sender's address (`<sender>... Access denied`) and not the recipient's is read
    /// as the answer to `MAIL FROM` when the report does not say which command it was.
    ///
    /// ```
    /// use rebound_dsn::{Bounce, RecipientReport};
    /// use rebound_verdict::{classify, Reason};
    ///
    /// let mut report = RecipientReport::default();
    /// report.diagnostic = Some("Error: No valid recipients for this MM".into());
    /// let mut bounce = Bounce::default();
    /// bounce.generator = Some("verizon".into());
    /// assert_eq!(Reason::classify_in(&report, &bounce), Reason::UserUnknown);
    /// assert_eq!(classify(&report), Reason::OnHold);
    /// ```
    pub fn classify_in(report: &RecipientReport, bounce: &Bounce) -> Reason {
        classify_by(
            report,
            bounce.generator.as_deref().unwrap_or_default(),
            bounce.sender.as_deref().unwrap_or_default(),
        )
    }
}

/// True when the lower-cased diagnostic names the envelope sender's address in angle
/// brackets and does not name the recipient's.
fn names_sender(text: &str, sender: &str, recipient: Option<&str>) -> bool {
    let sender = sender.trim();
    // Lower-casing neither adds nor removes an `@`, so most reports stop here.
    if !sender.contains('@') {
        return false;
    }
    let recipient = recipient.unwrap_or_default().trim();
    if sender.is_ascii() && recipient.is_ascii() {
        // ASCII addresses lower-case as ASCII: compare in place, without copies.
        let (text, sender) = (text.as_bytes(), sender.as_bytes());
        let bracketed = text.windows(sender.len() + 2).any(|w| {
            w.first() == Some(&b'<')
                && w.last() == Some(&b'>')
                && w[1..w.len() - 1].eq_ignore_ascii_case(sender)
        });
        // The recipient is looked for only when the sender is named: most texts name
        // neither, and comparing every window with the recipient was the costly part.
        return bracketed
            && (recipient.is_empty()
                || !text
                    .windows(recipient.len())
                    .any(|w| w.eq_ignore_ascii_case(recipient.as_bytes())));
    }
    let sender = sender.to_lowercase();
    let recipient = recipient.to_lowercase();
    text.contains(&format!("<{sender}>")) && (recipient.is_empty() || !text.contains(&recipient))
}

/// `text` with its ASCII letters in upper (or lower) case; borrowed when they already
/// are, as they usually are.
fn ascii_cased(text: &str, upper: bool) -> Cow<'_, str> {
    let wrong = |b: &u8| if upper { b.is_ascii_lowercase() } else { b.is_ascii_uppercase() };
    match (text.bytes().any(|b| wrong(&b)), upper) {
        (false, _) => Cow::Borrowed(text),
        (true, true) => Cow::Owned(text.to_ascii_uppercase()),
        (true, false) => Cow::Owned(text.to_ascii_lowercase()),
    }
}

/// Every phrase of every table, found in one pass over the diagnostic: one
/// [`Phrases`] searcher over all the phrases, built once, and each table mirrored
/// with its phrases as ids into the set of phrases found. The rules are evaluated
/// against that set in the tables' order, as they would be with `str::contains`.
struct Compiled {
    searcher: Option<Phrases>,
    /// Every distinct phrase, by id.
    phrases: Vec<&'static str>,
    rhost: Vec<CompiledRhost>,
    lhost: Vec<Vec<CompiledPhrase>>,
    phrase: Vec<CompiledPhrase>,
    /// For each phrase id, the [`PHRASE_RULES`] (by index) that name it.
    phrase_rules_of: Vec<Box<[u16]>>,
    /// The [`PHRASE_RULES`] (by index) that name no phrase, and so always match.
    phrase_rules_always: Box<[u16]>,
    status: Vec<Ids>,
    context: Vec<Ids>,
    autoreply: Vec<CompiledPhrase>,
}

type Ids = Box<[usize]>;

/// A [`PhraseRule`] with its phrases as ids.
struct CompiledPhrase {
    reason: Reason,
    all: Ids,
    any: Ids,
    /// `all` and `any` folded as [`Found::folded`] is: a diagnostic holds a few of
    /// the hundreds of phrases, so one test on these rules out most rules.
    all_folded: u128,
    any_folded: u128,
}

/// A [`RhostRules`]'s text tokens and phrase rules as ids.
struct CompiledRhost {
    texts: Ids,
    rules: Vec<CompiledPhrase>,
}

/// The phrases found in one diagnostic, by id: bit `id % 64` of word `id / 64`, the
/// first words inline (every phrase today), any further ones in `more`, which stays
/// empty, and so unallocated, unless a phrase with so high an id is found.
#[derive(Default)]
struct Found {
    words: [u64; 16],
    more: Vec<u64>,
    /// The words folded into one: bit `id % 128` is set when a phrase with such an id
    /// was found. A clear bit proves the phrases are missing; a set one proves nothing.
    folded: u128,
    /// Bit `w` is set when inline word `w` is not zero: a diagnostic holds a few
    /// phrases, so [`Found::ids`] reads a word or two, not all of them.
    filled: u16,
}

/// Bit `id % 128` of [`Found::folded`].
fn fold(id: usize) -> u128 {
    1 << (id % 128)
}

/// The positions of the bits set in `word`, lowest first.
fn set_bits(mut word: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let bit = word.trailing_zeros();
        word &= word.wrapping_sub(1);
        (bit < 64).then_some(bit as usize)
    })
}

/// Bit `id % 64` of word `id / 64` of [`Found`].
fn bit(id: usize) -> u64 {
    1 << (id % 64)
}

impl Found {
    fn has(&self, id: usize) -> bool {
        let word = match self.words.get(id / 64) {
            Some(word) => Some(word),
            None => self.more.get(id / 64 - self.words.len()),
        };
        word.is_some_and(|word| word & bit(id) != 0)
    }

    fn set(&mut self, id: usize) {
        self.folded |= fold(id);
        let word = match id.checked_sub(self.words.len() * 64) {
            None => {
                self.filled |= 1 << (id / 64);
                self.words.get_mut(id / 64)
            }
            Some(beyond) => {
                if self.more.len() <= beyond / 64 {
                    self.more.resize(beyond / 64 + 1, 0);
                }
                self.more.get_mut(beyond / 64)
            }
        };
        if let Some(word) = word {
            *word |= bit(id);
        }
    }

    fn any(&self, ids: &[usize]) -> bool {
        ids.iter().any(|&id| self.has(id))
    }

    /// The ids found, in ascending order.
    fn ids(&self) -> impl Iterator<Item = usize> + '_ {
        let inline = set_bits(u64::from(self.filled))
            .map(|w| (w, self.words.get(w).copied().unwrap_or_default()));
        let more = self.more.iter().enumerate().map(|(w, &word)| (self.words.len() + w, word));
        inline.chain(more).flat_map(|(w, word)| set_bits(word).map(move |b| w * 64 + b))
    }
}

impl CompiledPhrase {
    fn new(rule: &PhraseRule, all: Ids, any: Ids) -> CompiledPhrase {
        let folded = |ids: &[usize]| ids.iter().fold(0, |bits, &id| bits | fold(id));
        let (all_folded, any_folded) = (folded(&all), folded(&any));
        CompiledPhrase { reason: rule.reason, all, any, all_folded, any_folded }
    }

    fn matches(&self, found: &Found) -> bool {
        self.all_folded & !found.folded == 0
            && (self.any.is_empty() || self.any_folded & found.folded != 0)
            && self.all.iter().all(|&id| found.has(id))
            && (self.any.is_empty() || found.any(&self.any))
    }
}

/// Builds [`Compiled`], giving each distinct phrase one id.
#[derive(Default)]
struct Interner {
    ids: HashMap<&'static str, usize>,
    phrases: Vec<&'static str>,
}

impl Interner {
    fn ids(&mut self, phrases: &'static [&'static str]) -> Ids {
        phrases
            .iter()
            .map(|&phrase| {
                *self.ids.entry(phrase).or_insert_with(|| {
                    self.phrases.push(phrase);
                    self.phrases.len() - 1
                })
            })
            .collect()
    }

    fn rules(&mut self, rules: &'static [PhraseRule]) -> Vec<CompiledPhrase> {
        rules
            .iter()
            .map(|rule| CompiledPhrase::new(rule, self.ids(rule.all), self.ids(rule.any)))
            .collect()
    }
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut interner = Interner::default();
    let rhost = RHOST_RULES
        .iter()
        .map(|p| CompiledRhost { texts: interner.ids(p.texts), rules: interner.rules(p.rules) })
        .collect();
    let lhost = LHOST_RULES.iter().map(|l| interner.rules(l.rules)).collect();
    let phrase = interner.rules(PHRASE_RULES);
    let status = STATUS_RULES.iter().map(|r| interner.ids(r.needs_any)).collect();
    let context = CONTEXT_RULES.iter().map(|r| interner.ids(r.unless_any)).collect();
    let autoreply = interner.rules(AUTOREPLY_RULES);
    let phrases = interner.phrases;
    let mut phrase_rules_of = vec![Vec::new(); phrases.len()];
    let mut always = Vec::new();
    for (index, rule) in phrase.iter().enumerate() {
        let Ok(index) = u16::try_from(index) else { break };
        if rule.all.is_empty() && rule.any.is_empty() {
            always.push(index);
        }
        for &id in rule.all.iter().chain(&rule.any) {
            if let Some(rules) = phrase_rules_of.get_mut(id) {
                rules.push(index);
            }
        }
    }
    let phrase_rules_of = phrase_rules_of.into_iter().map(Vec::into_boxed_slice).collect();
    let phrase_rules_always = always.into_boxed_slice();
    // Should the searcher not build, each phrase is looked for on its own: slower,
    // the same answers.
    let searcher = Phrases::new(&phrases, false);
    Compiled {
        searcher,
        phrases,
        rhost,
        lhost,
        phrase,
        phrase_rules_of,
        phrase_rules_always,
        status,
        context,
        autoreply,
    }
});

/// How many [`PHRASE_RULES`] [`Compiled::first_phrase_rule`] reads through the index;
/// a longer table is read rule by rule.
const INDEXED_RULES: usize = 256;

impl Compiled {
    /// The first of [`PHRASE_RULES`] that `found` matches. A rule matches only when
    /// one of its phrases was found (or it names none), so only the rules that name a
    /// found phrase are tried, in table order: a diagnostic holds a few phrases, and a
    /// rule names many, so most rules are never looked at.
    fn first_phrase_rule(&self, found: &Found) -> Option<&CompiledPhrase> {
        if self.phrase.len() > INDEXED_RULES {
            return self.phrase.iter().find(|rule| rule.matches(found));
        }
        let mut candidates = [0u64; INDEXED_RULES / 64];
        let mut add = |index: u16| {
            let index = usize::from(index);
            if let Some(word) = candidates.get_mut(index / 64) {
                *word |= bit(index);
            }
        };
        self.phrase_rules_always.iter().copied().for_each(&mut add);
        for id in found.ids() {
            self.phrase_rules_of.get(id).into_iter().flatten().copied().for_each(&mut add);
        }
        candidates
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| set_bits(word).map(move |b| w * 64 + b))
            .filter_map(|index| self.phrase.get(index))
            .find(|rule| rule.matches(found))
    }

    /// The phrases that `text` (lower-cased) contains.
    fn find(&self, text: &str) -> Found {
        let mut found = Found::default();
        let mut set = |id: usize| found.set(id);
        match &self.searcher {
            Some(searcher) => searcher.for_each(text.as_bytes(), |id, _| set(id)),
            None => {
                (0..self.phrases.len()).filter(|&id| text.contains(self.phrases[id])).for_each(set)
            }
        }
        found
    }
}

/// [`classify`] with the generator's name and the envelope sender (`""` when unknown).
fn classify_by(report: &RecipientReport, generator: &str, sender: &str) -> Reason {
    if matches!(report.kind, Kind::Feedback) {
        return Reason::Feedback;
    }
    let diagnostic = report.diagnostic.as_deref().unwrap_or_default();
    let mut buf = [0; 512];
    let compiled = &*COMPILED;
    // An automatic reply carries no status code; one that has one is a bounce.
    if matches!(report.kind, Kind::AutoReply) && report.status.is_none() {
        let found = compiled.find(&lower_case(diagnostic, &mut buf));
        return compiled
            .autoreply
            .iter()
            .find(|rule| rule.matches(&found))
            .map_or(Reason::Vacation, |rule| rule.reason);
    }
    if report.action == Action::Delivered || report.status.is_some_and(|s| s.class == 2) {
        return Reason::Delivered;
    }
    let text = lower_case(diagnostic, &mut buf);
    let found = compiled.find(&text);
    let mut command = ascii_cased(report.smtp_command.as_deref().unwrap_or_default().trim(), true);
    if command.is_empty() && names_sender(&text, sender, report.recipient.as_deref()) {
        command = Cow::Borrowed("MAIL");
    }
    let host = report.remote_mta.as_deref().unwrap_or_default();
    let host = ascii_cased(host.trim().trim_end_matches('.'), false);
    let notice = report.status.is_none() && report.reply_code.is_none();
    // Looked for only in a notice: most reports are not.
    let notice_domain = report
        .recipient
        .as_deref()
        .filter(|_| notice)
        .and_then(|recipient| recipient.rsplit_once('@'))
        .map_or(Cow::Borrowed(""), |(_, domain)| ascii_cased(domain.trim(), false));
    // A provider's own code is its final word; the context rules do not apply.
    let mut recognised = [false; RHOST_RULES.len()];
    for ((provider, compiled), recognised) in
        RHOST_RULES.iter().zip(&compiled.rhost).zip(&mut recognised)
    {
        *recognised = provider.recognises(&host, found.any(&compiled.texts), &notice_domain);
    }
    let providers = || {
        RHOST_RULES.iter().zip(&compiled.rhost).zip(recognised).filter_map(|(p, r)| r.then_some(p))
    };
    // Most reports come from no such provider: its tables are not walked for them.
    if recognised.contains(&true) {
        if let Some((_, reason)) = providers()
            .flat_map(|(provider, _)| provider.statuses)
            .find(|(code, _)| report.status.is_some_and(|s| code.parse() == Ok(s)))
        {
            return *reason;
        }
        let rule = providers().flat_map(|(_, c)| &c.rules).find(|rule| rule.matches(&found));
        if let Some(rule) = rule {
            return rule.reason;
        }
    }
    let generator = generator.trim();
    for (lhost, rules) in LHOST_RULES.iter().zip(&compiled.lhost) {
        if lhost.generators.iter().any(|g| g.eq_ignore_ascii_case(generator)) {
            if let Some(rule) = rules.iter().find(|rule| rule.matches(&found)) {
                return rule.reason;
            }
        }
    }
    let found_reason = compiled
        .first_phrase_rule(&found)
        .map(|rule| rule.reason)
        .or_else(|| {
            let status = report.status?;
            STATUS_RULES
                .iter()
                .zip(&compiled.status)
                .find(|(rule, needs)| {
                    rule.matches(status, found.any(needs) || needs.is_empty(), &command)
                })
                .map(|(r, _)| r.reason)
        })
        .or_else(|| {
            let code = report.reply_code?;
            REPLY_RULES.iter().find(|(c, _)| *c == code).map(|(_, reason)| *reason)
        })
        .unwrap_or(Reason::Undefined);
    CONTEXT_RULES
        .iter()
        .zip(&compiled.context)
        // Most rules are about another reason: they are passed over before their
        // phrases are looked up.
        .filter(|(rule, _)| rule.found == found_reason)
        .find(|(rule, unless)| {
            rule.applies(found_reason, report, &command, &text, found.any(unless))
        })
        .map_or(found_reason, |(rule, _)| rule.becomes)
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
            ("5.1.1", "550 5.1.1 <x@example.org>... No such user", Reason::UserUnknown),
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

    fn full(status: &str, text: &str, command: &str, host: &str) -> RecipientReport {
        let mut r = report(status, text);
        r.smtp_command = (!command.is_empty()).then(|| command.to_string());
        r.remote_mta = (!host.is_empty()).then(|| host.to_string());
        r
    }

    #[test]
    fn classifies_phrase_groups() {
        let cases: &[(&str, &str, Reason)] = &[
            // MailerError: a local delivery program failed, whatever it goes on to say.
            ("5.3.0", "procmail: Error while writing to \"/var/mail/hanako\"", Reason::MailerError),
            ("5.0.0", "Command died with status 75: \"/usr/bin/maildrop\"", Reason::MailerError),
            ("5.3.0", "554 5.3.0 Mailer error while delivering", Reason::MailerError),
            // Lists of URLs are about the content, not the sending IP.
            ("", "550 Blacklisted URL in message (shop.example) listed by multi.uribl.com", Reason::SpamDetected),
            ("5.7.1", "550-5.7.1 This message is not RFC 5322 compliant: there are multiple Date headers", Reason::NotCompliantRfc),
            // Blocked at the door.
            ("", "553 See http://www.spamhaus.org/query/bl?ip=198.51.100.7", Reason::Blocked),
            ("", "554 mx3.example.net ESMTP not accepting connections", Reason::Blocked),
            ("", "server refused to talk to me: 554 Service unavailable", Reason::Blocked),
            ("5.7.0", "550 5.7.0 Please use the SMTP server of your ISP", Reason::Blocked),
            // RequirePtr, also when phrased as a "client host rejected".
            ("4.7.1", "450 4.7.1 Client host rejected: cannot find your hostname, [198.51.100.7]", Reason::RequirePtr),
            ("4.7.1", "450 4.7.1 Access denied. IP name lookup failed [198.51.100.7]", Reason::RequirePtr),
            // NoRelaying.
            ("5.7.1", "550 5.7.1 This system is not configured to relay mail for 198.51.100.7", Reason::NoRelaying),
            ("", "550 Insecure Mail Relay", Reason::NoRelaying),
            ("", "553 Relaying not allowed from your host (Remote protocol error)", Reason::NoRelaying),
            ("", "554 Message rejected: Email address is not verified.", Reason::NoRelaying),
            // A spam verdict beats the SPF advice after it.
            ("5.0.0", "Your message was rejected due to spam classification. Please set up SPF for your domain.", Reason::SpamDetected),
            ("5.7.1", "550-5.7.1 This message does not have authentication information or fails to pass authentication checks", Reason::AuthFailure),
            ("", "530 Please turn on SMTP Authentication in your mail client", Reason::SecurityError),
            // Rejected: the envelope sender, before the recipient rules sharing words.
            ("5.1.8", "553 5.1.8 <info@old.example>... Domain of sender address info@old.example does not exist", Reason::Rejected),
            ("", "550 Unroutable sender address", Reason::Rejected),
            ("5.7.1", "550 5.7.1 Can't determine Purported Responsible Address", Reason::Rejected),
            // NotAccept (null MX) before the DNS error that reports it.
            ("4.0.0", "DNS Error: DNS type 'mx' lookup of shop.example responded with code NOERROR The domain shop.example doesn't receive email according to the administrator: returned Null MX", Reason::NotAccept),
            ("5.4.4", "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", Reason::NotAccept),
            // NetworkError: temporary DNS trouble, loops.
            ("4.0.0", "DNS Error: DNS type 'mx' lookup of shop.example responded with code SERVFAIL", Reason::NetworkError),
            ("5.4.4", "Name service error for name=shop.example type=MX: Malformed or unexpected name server reply", Reason::NetworkError),
            ("5.4.6", "554 5.4.6 Too many hops", Reason::NetworkError),
            ("4.4.7", "<taro@example.co.jp>... Deferred: Name server: example.co.jp.: host name lookup failure Message could not be delivered for 5 days", Reason::NetworkError),
            ("5.4.312", "550 5.4.312 Message expired, DNS query failed", Reason::NetworkError),
            // HostUnknown.
            ("5.1.2", "550 5.1.2 Recipient address rejected: Bad destination system address", Reason::HostUnknown),
            ("", "Unrouteable address", Reason::HostUnknown),
            ("5.5.0", "554 The mail could not be delivered because the domain is not reachable.", Reason::HostUnknown),
            ("", "The account or domain may not exist, they may be blacklisted, or missing the proper dns entries.", Reason::HostUnknown),
            // Filtered: the recipient's own choice, or au's address-less "user unknown".
            ("5.1.1", "550 5.1.1 RCP-P2 Refused due to recipient preferences", Reason::Filtered),
            ("5.0.0", "550 : User unknown", Reason::Filtered),
            // UserUnknown.
            ("5.4.1", "550 5.4.1 Recipient address rejected: Access denied. [AM0PR01MB0000.eurprd01.prod.outlook.com]", Reason::UserUnknown),
            ("5.1.0", "550 #5.1.0 Address rejected.", Reason::UserUnknown),
            ("5.1.10", "The email address wasn’t found at the destination domain. RESOLVER.ADR.RecipientNotFound", Reason::UserUnknown),
            ("", "User hanako.sato (hanako@example.jp) not listed in Domino Directory", Reason::UserUnknown),
            ("", "Invalid final delivery userid: hanako@example.jp", Reason::UserUnknown),
            ("", "Envelope expired", Reason::Expired),
            ("4.4.3", "Unable to contact LDAP server. (#4.4.3) I'm not going to try again; this message has been in the queue too long.", Reason::SystemError),
            ("5.1.1", "550 5.1.1 <taro@example.jp>: unknown local part", Reason::UserUnknown),
            // Suppressed: the sending service did not try.
            ("5.1.1", "Amazon SES has suppressed sending to this address because it is on the account-level suppression list.", Reason::Suppressed),
            // Sender refused, in other words.
            ("5.7.1", "550 5.7.1 Sender verification failed for <news@shop.example>", Reason::Rejected),
            ("4.7.0", "421 4.7.0 Connection throttled, slow down", Reason::RateLimited),
            ("5.3.4", "552 5.3.4 Message exceeds the size limit of this server", Reason::EmailTooLarge),
            ("5.6.0", "552 5.6.0 Headers too large (32 max)", Reason::ContentError),
            ("4.4.1", "connect to mx.example.org[192.0.2.1]:25: Connection refused", Reason::NetworkError),
            ("4.4.7", "<a@example.jp>... Deferred: Connection refused by mx.example.jp.", Reason::Blocked),
            ("", "Remote protocol error: Connection reset by peer during result wait", Reason::Blocked),
            // MailboxFull, SystemFull.
            ("5.2.2", "552 5.2.2 This account is full and cannot take more mail", Reason::MailboxFull),
            ("4.2.2", "452 4.2.2 Mailbox has exceeded its storage limit", Reason::MailboxFull),
            ("", "552 Error: disk quota exceeded", Reason::MailboxFull),
            ("", "The e-mail message could not be delivered because the user's mailfolder is full.", Reason::MailboxFull),
            ("4.4.5", "452 4.4.5 Insufficient disk space; try again later", Reason::SystemFull),
            // Suspend.
            ("5.0.0", "550 Mailbox is frozen.", Reason::Suspend),
            ("5.7.1", "550 5.7.1 <taro@example.jp>: Recipient address rejected: User taro@example.jp temporary locked. Please try again later!", Reason::Suspend),
            ("", "vdelivermail: account is locked email bounced", Reason::Suspend),
            ("5.5.0", "550 5.5.0 The recipient account is blocked.", Reason::Suspend),
            // FailedStartTls, EmailTooLarge.
            ("", "500 Remote server does not support TLS", Reason::FailedStartTls),
            ("", "500 Line limit exceeded", Reason::EmailTooLarge),
            // Expired, stated outright or by timing out; not rate limiting.
            ("4.1.9", "Resources temporarily unavailable, please try again later. I'm not going to try again; this message has been in the queue too long.", Reason::Expired),
            ("", "all hosts have been failing for a long time and were last tried after this message arrived", Reason::Expired),
            ("4.4.1", "connect to mx.example.org[192.0.2.1]:25: Connection timed out", Reason::Expired),
            // RateLimited.
            ("5.2.1", "550-5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.", Reason::RateLimited),
            ("", "550 Ip frequency limited", Reason::RateLimited),
            // SystemError, PolicyViolation, SyntaxError.
            ("5.3.0", "554 5.3.0 Internal system error", Reason::SystemError),
            ("5.0.0", "554 Transaction failed", Reason::SystemError),
            ("4.3.0", "421 4.3.0 Upstream error, please try again", Reason::SystemError),
            ("5.0.0", "550 Denied by policy", Reason::PolicyViolation),
            ("5.7.0", "554 5.7.0 Header error", Reason::PolicyViolation),
            ("5.0.0", "550 Protocol violation", Reason::PolicyViolation),
            ("5.7.0", "552-5.7.0 This message was blocked because its content presents a potential security issue.", Reason::PolicyViolation),
            ("5.5.0", "503 Improper sequence of commands", Reason::SyntaxError),
        ];
        for (status, text, want) in cases {
            assert_eq!(classify(&report(status, text)), *want, "{status} {text}");
        }
    }

    #[test]
    fn classifies_by_status_command_and_provider() {
        let cases: &[(&str, &str, &str, &str, Reason)] = &[
            // Status codes.
            ("5.1.10", "", "", "", Reason::NotAccept),
            ("5.7.6", "550 5.7.6 Failed to deliver", "", "", Reason::SecurityError),
            ("5.7.27", "", "", "", Reason::NotAccept),
            ("4.4.5", "", "", "", Reason::SystemFull),
            ("4.4.1", "", "", "", Reason::Expired),
            ("5.4.1", "", "", "", Reason::NetworkError),
            ("2.1.5", "250 2.1.5 Ok", "", "", Reason::Delivered),
            // "User unknown" after DATA is a filter, unless the code or text says the
            // address itself is wrong.
            ("5.0.0", "550 Unknown user taro@example.jp", "DATA", "", Reason::Filtered),
            (
                "5.1.1",
                "550 5.1.1 <taro@example.jp>... User Unknown",
                "DATA",
                "",
                Reason::UserUnknown,
            ),
            (
                "5.0.0",
                "554 This user doesn't have a example.com account",
                "DATA",
                "",
                Reason::UserUnknown,
            ),
            ("5.0.0", "550 Unknown user taro@example.jp", "RCPT TO", "", Reason::UserUnknown),
            (
                "5.0.0",
                "550 <taro@example.jp>: Recipient address rejected.",
                "RCPT TO",
                "",
                Reason::UserUnknown,
            ),
            // "User unknown" with no command and a status that names nothing is a
            // filtering gateway's answer, unless the wording is a directory's own.
            ("", "550 unknown user <taro@example.com>", "", "", Reason::Filtered),
            ("5.0.0", "550 taro@example.com... No such user", "", "", Reason::Filtered),
            ("", "550 - Requested action not taken: no such user here", "", "", Reason::Filtered),
            (
                "",
                "User hanako.sato (hanako@example.jp) not listed in Domino Directory",
                "",
                "",
                Reason::UserUnknown,
            ),
            ("", "Invalid final delivery userid: hanako@example.jp", "", "", Reason::UserUnknown),
            ("5.1.1", "550 5.1.1 taro@example.com... No such user", "", "", Reason::UserUnknown),
            ("5.0.0", "550 taro@example.com... No such user", "RCPT TO", "", Reason::UserUnknown),
            // au (KDDI) and NTT docomo tell a missing mailbox from the recipient's filter.
            (
                "5.0.0",
                "550 <taro@ezweb.ne.jp>: User unknown",
                "",
                "lsean.ezweb.ne.jp",
                Reason::UserUnknown,
            ),
            ("5.0.0", "550 : User unknown", "RCPT TO", "lsean.ezweb.ne.jp", Reason::Filtered),
            ("", "550 <taro@ezweb.ne.jp>: User unknown", "", "", Reason::UserUnknown),
            (
                "5.0.0",
                "550 <taro@au.com>: User unknown",
                "DATA",
                "msmx.au.com",
                Reason::UserUnknown,
            ),
            (
                "5.0.0",
                "550 Unknown user taro.yamada.1999@docomo.ne.jp",
                "RCPT TO",
                "mfsmax.docomo.ne.jp",
                Reason::UserUnknown,
            ),
            (
                "5.0.0",
                "550 Unknown user taro.yamada.1999@docomo.ne.jp",
                "DATA",
                "mfsmax.docomo.ne.jp",
                Reason::UserUnknown,
            ),
            (
                "5.2.0",
                "550 Unknown user taro.yamada.1999@docomo.ne.jp",
                "DATA",
                "mfsmax.docomo.ne.jp",
                Reason::Filtered,
            ),
            ("5.0.0", "552 Too much mail data", "DATA", "mfsmax.docomo.ne.jp", Reason::MailboxFull),
            // "User unknown" under a policy status is a filter, except at RCPT TO.
            ("5.7.1", "550 5.7.1 User unknown: taro@example.jp", "", "", Reason::Filtered),
            ("5.7.1", "553 Invalid recipient taro@example.jp", "RCPT TO", "", Reason::UserUnknown),
            // Address errors and 5.7.1 in answer to MAIL FROM are about the sender.
            (
                "5.1.0",
                "553 5.1.0 info@old.example does not exist",
                "MAIL FROM",
                "",
                Reason::Rejected,
            ),
            ("5.1.7", "550 5.1.7 No such domain old.example", "MAIL FROM", "", Reason::Rejected),
            ("5.7.1", "550 5.7.1 Access denied", "MAIL FROM", "", Reason::Rejected),
            ("5.7.1", "550 5.7.1 Access denied", "RCPT TO", "", Reason::Blocked),
            // Nothing matched: refused at connection is a block; unreadable text is on hold.
            ("", "550 Access denied...0123abcd", "CONNECT", "", Reason::Blocked),
            ("4.0.0", "450 4.0.0 Temporary failure", "", "", Reason::OnHold),
            (
                "",
                "This is the mail system at host mx.example.net. I'm sorry to have to inform you that your message could not be delivered to one or more recipients.",
                "",
                "",
                Reason::Undefined,
            ),
            // Orange / La Poste codes.
            (
                "5.2.0",
                "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]",
                "DATA",
                "smtp.wanadoo.fr",
                Reason::SpamDetected,
            ),
            (
                "4.2.1",
                "421 4.2.1 Service refuse. Service refused, please try later. LPN006_107",
                "CONNECT",
                "smtpz4.laposte.net",
                Reason::RequirePtr,
            ),
            (
                "4.2.0",
                "421 4.2.0 Service refused, please try later. OFR005_505 [505]",
                "DATA",
                "smtp-in.orange.fr",
                Reason::SystemError,
            ),
            (
                "5.7.1",
                "554 5.7.1 <mx.example.net[192.0.2.1]>: Client host rejected: LPN000_630",
                "RCPT TO",
                "smtpz4.laposte.net",
                Reason::PolicyViolation,
            ),
            (
                "5.5.0",
                "550 5.5.0 Adresse destinataire invalide. Invalid recipient. LPN007_416",
                "DATA",
                "smtpz4.laposte.net",
                Reason::UserUnknown,
            ),
            // The same code number means nothing from another provider.
            ("5.2.0", "550 5.2.0 Rejected [506]", "DATA", "mx.example.net", Reason::OnHold),
            (
                "5.0.0",
                "554 Host network not allowed",
                "RCPT TO",
                "eu-smtp-inbound-1.mimecast.com",
                Reason::PolicyViolation,
            ),
        ];
        for (status, text, command, host, want) in cases {
            let got = classify(&full(status, text, command, host));
            assert_eq!(got, *want, "{status} {text} {command} {host}");
        }
        let mut reply =
            report("", "I am out of the office until Monday and will reply on my return.");
        reply.kind = Kind::AutoReply;
        assert_eq!(classify(&reply), Reason::Vacation);
        reply.diagnostic =
            Some("This inbox is no longer in use. Please write to info@example.com.".into());
        assert_eq!(classify(&reply), Reason::Suspend);
        // A report with a status code is a bounce, whatever its headers said.
        reply.status = "5.1.1".parse().ok();
        assert_eq!(classify(&reply), Reason::UserUnknown);
        reply.status = None;
        reply.kind = Kind::Feedback;
        assert_eq!(classify(&reply), Reason::Feedback);
        // Google Groups' notice, whatever its language; an SMTP answer is read as usual.
        let mut group = report("", "Hallo, die Gruppe ist möglicherweise nicht vorhanden.");
        group.recipient = Some("team@googlegroups.com".into());
        assert_eq!(classify(&group), Reason::Rejected);
        group.status = "5.3.4".parse().ok();
        group.diagnostic = Some("552 5.3.4 Message too big".into());
        assert_eq!(classify(&group), Reason::EmailTooLarge);
        let mut delayed = RecipientReport::default();
        delayed.action = Action::Delayed;
        assert_eq!(classify(&delayed), Reason::Expired);
    }

    fn bounce(generator: &str, sender: &str) -> Bounce {
        let mut b = Bounce::default();
        b.generator = (!generator.is_empty()).then(|| generator.to_string());
        b.sender = (!sender.is_empty()).then(|| sender.to_string());
        b
    }

    #[test]
    fn classifies_by_generating_mta() {
        // (generator, status, diagnostic, reason with the generator, reason without)
        let cases: &[(&str, &str, &str, Reason, Reason)] = &[
            ("domino", "", "User Taro Yamada (taro@example.jp) not listed in Domino Directory", Reason::UserUnknown, Reason::UserUnknown),
            ("notes", "", "User not listed in public Name & Address Book", Reason::UserUnknown, Reason::UserUnknown),
            ("exchange2003", "", "The recipient name is not recognized MSEXCH:IMS:EXAMPLE:JP:MAIL1 0 (000C05A6) Unknown Recipient", Reason::UserUnknown, Reason::UserUnknown),
            ("imail", "", "Unknown user: hanako@example.com", Reason::UserUnknown, Reason::Filtered),
            ("ezweb", "", "550 <hanako@ezweb.ne.jp>: User unknown", Reason::UserUnknown, Reason::UserUnknown),
            ("ezweb", "", "550 <hanako@example.jp>: User unknown", Reason::UserUnknown, Reason::Filtered),
            ("ezweb", "", "Each of the following recipients was rejected by a remote mail server.", Reason::Filtered, Reason::OnHold),
            ("ezweb", "", "Your message was not delivered within 2 days and 0 hours. Remote host is not responding.", Reason::Expired, Reason::Expired),
            ("ezweb", "", "The user(s) account is temporarily over quota.", Reason::MailboxFull, Reason::MailboxFull),
            ("ezweb", "", "The user(s) account is disabled.", Reason::Suspend, Reason::Suspend),
            ("interscan", "", "Unable to deliver message to <taro@example.jp> (and other recipients in the same domain).", Reason::UserUnknown, Reason::OnHold),
            ("verizon", "", "Error: No valid recipients for this MM", Reason::UserUnknown, Reason::OnHold),
            // A filtering gateway, whatever generator, says "user unknown" of mail it refuses.
            ("x1", "", "User unknown", Reason::Filtered, Reason::Filtered),
            ("postfix", "", "550 unknown user <taro@example.co.jp>", Reason::Filtered, Reason::Filtered),
            // A generator's words decide only for that generator.
            ("postfix", "", "Error: No valid recipients for this MM", Reason::OnHold, Reason::OnHold),
        ];
        for (generator, status, text, with, without) in cases {
            let r = report(status, text);
            assert_eq!(
                Reason::classify_in(&r, &bounce(generator, "")),
                *with,
                "{generator}: {text}"
            );
            assert_eq!(classify(&r), *without, "no generator: {text}");
        }
    }

    #[test]
    fn a_reply_naming_the_sender_answered_mail_from() {
        let sender = "news@shop.example";
        // (status, diagnostic, command, reason with the sender known)
        let cases: &[(&str, &str, &str, Reason)] = &[
            ("5.7.1", "550 5.7.1 <news@shop.example>... Access denied", "", Reason::Rejected),
            ("5.0.0", "550 <News@Shop.example>... User unknown", "", Reason::Rejected),
            // The command is known, or the recipient is named too: read as usual.
            ("5.7.1", "550 5.7.1 <news@shop.example>... Access denied", "RCPT TO", Reason::Blocked),
            (
                "5.7.1",
                "550 5.7.1 <news@shop.example> to <taro@example.jp>... Access denied",
                "",
                Reason::Blocked,
            ),
            ("5.7.1", "550 5.7.1 <someone@else.example>... Access denied", "", Reason::Blocked),
        ];
        for (status, text, command, want) in cases {
            let mut r = full(status, text, command, "");
            r.recipient = Some("taro@example.jp".into());
            assert_eq!(Reason::classify_in(&r, &bounce("", sender)), *want, "{text} {command}");
        }
        let r = report("5.7.1", "550 5.7.1 <news@shop.example>... Access denied");
        assert_eq!(classify(&r), Reason::Blocked);
    }

    #[test]
    fn classifies_gateway_provider_and_system_phrases() {
        let cases: &[(&str, &str, &str, &str, Reason)] = &[
            ("5.0.0", "550 'taro@example.net' is not a registered gateway user", "", "", Reason::Rejected),
            ("", "You are not a member of this mailing list <staff@lists.example.org>.", "", "", Reason::Rejected),
            ("5.7.1", "550 5.7.1 Posting by non-members to staff@lists.example.org is not allowed", "", "", Reason::Rejected),
            ("", "421, ERROR_CODE :, Host not reachable.", "", "", Reason::Expired),
            ("5.5.0", "554 \"|/usr/local/bin/filter taro\"... Service unavailable", "", "", Reason::SystemError),
            ("5.3.0", "550 5.0.0 <taro@example.jp>... Insufficient permission", "", "", Reason::SystemError),
            ("5.3.0", "", "", "", Reason::SystemError),
            // Spectrum's own codes: 13xx are limits.
            ("5.1.0", "550 5.1.0 <bounce@mail.example.com> sender rejected. Please see https://www.spectrum.net/support/internet/understanding-email-error-codes for more information. AUP#In-1310", "", "", Reason::RateLimited),
            ("5.1.0", "550 5.1.0 <bounce@mail.example.com> sender rejected. AUP#In-1000", "", "", Reason::Rejected),
        ];
        for (status, text, command, host, want) in cases {
            assert_eq!(classify(&full(status, text, command, host)), *want, "{status} {text}");
        }
    }

    #[test]
    fn names_sender_compares_as_lower_case_copies_would() {
        fn reference(text: &str, sender: &str, recipient: Option<&str>) -> bool {
            let sender = sender.trim().to_lowercase();
            let recipient = recipient.unwrap_or_default().trim().to_lowercase();
            sender.contains('@')
                && text.contains(&format!("<{sender}>"))
                && (recipient.is_empty() || !text.contains(&recipient))
        }
        let texts = [
            "550 <news@shop.example>... access denied",
            "550 <news@shop.example> to <taro@example.jp>... denied",
            "550 <news@shop.example to taro@example.jp",
            "<news@shop.example>",
            "<>",
            "550 <ニュース@shop.example>... denied",
            "550 <news@shop.example\u{212a}>... denied",
            "550 <news@shop.examplek>... denied",
            "",
        ];
        let senders = [
            "news@shop.example",
            " NEWS@Shop.Example ",
            "news",
            "",
            "@",
            "ニュース@shop.example",
            "news@shop.example\u{212A}",
            "news@shop.exampleK",
            "news@shop.examplek",
        ];
        let recipients = [
            None,
            Some(""),
            Some("taro@example.jp"),
            Some(" TARO@EXAMPLE.JP"),
            Some("タロ@example.jp"),
        ];
        for text in texts {
            let text = text.to_lowercase();
            for sender in senders {
                for recipient in recipients {
                    assert_eq!(
                        names_sender(&text, sender, recipient),
                        reference(&text, sender, recipient),
                        "{text:?} {sender:?} {recipient:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn found_holds_ids_past_its_inline_words() {
        let ids = [0, 63, 64, 1023, 1024, 1100, 5000];
        let mut found = Found::default();
        for id in ids {
            found.set(id);
        }
        for id in 0..6000 {
            assert_eq!(found.has(id), ids.contains(&id), "{id}");
        }
        assert!(Found::default().more.is_empty());
    }

    /// The phrase rules as they read, one `str::contains` per phrase.
    fn reference_matches(rule: &PhraseRule, text: &str) -> bool {
        rule.all.iter().all(|p| text.contains(p))
            && (rule.any.is_empty() || rule.any.iter().any(|p| text.contains(p)))
    }

    fn contains_any(text: &str, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| text.contains(p))
    }

    /// `classify_by` evaluated straightforwardly: every table in order, each phrase
    /// looked for on its own in the lower-cased diagnostic.
    fn reference_classify(report: &RecipientReport, generator: &str, sender: &str) -> Reason {
        let text = report.diagnostic.as_deref().unwrap_or_default().to_lowercase();
        match report.kind {
            Kind::Feedback => return Reason::Feedback,
            Kind::AutoReply if report.status.is_none() => {
                return AUTOREPLY_RULES
                    .iter()
                    .find(|rule| reference_matches(rule, &text))
                    .map_or(Reason::Vacation, |rule| rule.reason)
            }
            _ => {}
        }
        if report.action == Action::Delivered || report.status.is_some_and(|s| s.class == 2) {
            return Reason::Delivered;
        }
        let mut command =
            report.smtp_command.as_deref().unwrap_or_default().trim().to_ascii_uppercase();
        if command.is_empty() && names_sender(&text, sender, report.recipient.as_deref()) {
            command = "MAIL".to_string();
        }
        let host = report.remote_mta.as_deref().unwrap_or_default();
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        let notice = report.status.is_none() && report.reply_code.is_none();
        let notice_domain =
            match (notice, report.recipient.as_deref().and_then(|r| r.rsplit_once('@'))) {
                (true, Some((_, domain))) => domain.trim().to_ascii_lowercase(),
                _ => String::new(),
            };
        let providers = || {
            RHOST_RULES
                .iter()
                .filter(|p| p.recognises(&host, contains_any(&text, p.texts), &notice_domain))
        };
        if let Some((_, reason)) = providers()
            .flat_map(|provider| provider.statuses)
            .find(|(code, _)| report.status.is_some_and(|s| code.parse() == Ok(s)))
        {
            return *reason;
        }
        if let Some(rule) = providers()
            .flat_map(|provider| provider.rules)
            .find(|rule| reference_matches(rule, &text))
        {
            return rule.reason;
        }
        let generator = generator.trim();
        if let Some(rule) = LHOST_RULES
            .iter()
            .filter(|lhost| lhost.generators.iter().any(|g| g.eq_ignore_ascii_case(generator)))
            .flat_map(|lhost| lhost.rules)
            .find(|rule| reference_matches(rule, &text))
        {
            return rule.reason;
        }
        let found = PHRASE_RULES
            .iter()
            .find(|rule| reference_matches(rule, &text))
            .map(|rule| rule.reason)
            .or_else(|| {
                let status = report.status?;
                STATUS_RULES
                    .iter()
                    .find(|rule| {
                        let needed =
                            rule.needs_any.is_empty() || contains_any(&text, rule.needs_any);
                        rule.matches(status, needed, &command)
                    })
                    .map(|r| r.reason)
            })
            .or_else(|| {
                let code = report.reply_code?;
                REPLY_RULES.iter().find(|(c, _)| *c == code).map(|(_, reason)| *reason)
            })
            .unwrap_or(Reason::Undefined);
        CONTEXT_RULES
            .iter()
            .find(|rule| {
                rule.applies(found, report, &command, &text, contains_any(&text, rule.unless_any))
            })
            .map_or(found, |rule| rule.becomes)
    }

    /// Every phrase of every table.
    fn every_phrase() -> Vec<&'static str> {
        let rules = |rules: &'static [PhraseRule]| {
            rules.iter().flat_map(|r| r.all.iter().chain(r.any)).copied().collect::<Vec<_>>()
        };
        let mut phrases = rules(PHRASE_RULES);
        phrases.extend(rules(AUTOREPLY_RULES));
        for provider in RHOST_RULES {
            phrases.extend(provider.texts);
            phrases.extend(rules(provider.rules));
        }
        for lhost in LHOST_RULES {
            phrases.extend(rules(lhost.rules));
        }
        phrases.extend(STATUS_RULES.iter().flat_map(|r| r.needs_any));
        phrases.extend(CONTEXT_RULES.iter().flat_map(|r| r.unless_any));
        phrases
    }

    /// Varied diagnostics: every phrase alone, upper-cased, inside other words and
    /// beside its neighbours (overlapping phrases), and texts with non-ASCII letters.
    fn varied_texts() -> Vec<String> {
        let phrases = every_phrase();
        let mut texts: Vec<String> = [
            "",
            " ",
            "\u{212A}NOWN",
            "User un\u{212A}nown",
            "The e-mail address wasn\u{2019}t found",
            "THE E-MAIL ADDRESS WASN\u{2019}T FOUND",
            "Ünknown Üser, mailbox İs full",
            "Benutzer unbekannt: Postfach voll (über Quota)",
            "用户不存在 user unknown 邮箱已满",
            "550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org",
            "550 <hanako@ezweb.ne.jp>: User unknown",
            "550 : User unknown",
            "550 5.1.0 <b@mail.example.com> sender rejected. AUP#In-1310",
            "550 mwinf5c04 ME Adresse IP source bloquée. OFR_506 [506]",
            "552 too much mail data",
            "listed on rbl spamhaus",
            "recipient address rejected: user unknown in virtual mailbox table",
            "spamspamspam blacklistedblacklist block listed",
            "This is the mail system at host mx.example.jp. I'm sorry to have to inform you",
            "<news@shop.example>... Access denied",
            "<NEWS@SHOP.EXAMPLE> to <taro@example.jp>... does not exist",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        for (i, phrase) in phrases.iter().enumerate() {
            let next = phrases[(i + 1) % phrases.len()];
            texts.push(phrase.to_string());
            texts.push(phrase.to_uppercase());
            texts.push(format!("550 5.0.0 x{phrase}x; {next}"));
            let half: String = phrase.chars().take(phrase.chars().count() / 2).collect();
            texts.push(format!("{half}{next}"));
        }
        texts
    }

    #[test]
    fn the_searcher_finds_exactly_the_phrases_a_text_contains() {
        let compiled = &*COMPILED;
        assert!(compiled.searcher.is_some());
        for text in varied_texts() {
            let text = text.to_lowercase();
            let found = compiled.find(&text);
            for (id, phrase) in compiled.phrases.iter().enumerate() {
                assert_eq!(found.has(id), text.contains(phrase), "{phrase:?} in {text:?}");
            }
        }
    }

    #[test]
    fn the_rule_index_finds_the_first_matching_phrase_rule() {
        let compiled = &*COMPILED;
        for text in varied_texts() {
            let found = compiled.find(&text.to_lowercase());
            let indexed = compiled.first_phrase_rule(&found).map(std::ptr::from_ref);
            let linear = compiled.phrase.iter().find(|rule| rule.matches(&found));
            assert_eq!(indexed, linear.map(std::ptr::from_ref), "{text:?}");
        }
    }

    #[test]
    fn classifies_as_the_tables_read_one_phrase_at_a_time() {
        // (kind, status, reply code, command, remote MTA, generator, action)
        type Context =
            (Kind, &'static str, Option<u16>, &'static str, &'static str, &'static str, Action);
        let contexts: &[Context] = &[
            (Kind::Delivery, "", None, "", "", "", Action::Failed),
            (Kind::Delivery, "5.0.0", Some(550), "", "", "", Action::Failed),
            (Kind::Delivery, "5.1.1", Some(550), "RCPT TO", "", "", Action::Failed),
            (Kind::Delivery, "5.7.1", Some(554), "DATA", "", "", Action::Failed),
            (Kind::Delivery, "5.7.1", None, "", "mx.orange.fr.", "", Action::Failed),
            (Kind::Delivery, "5.2.0", None, "DATA", "docomo.ne.jp", "", Action::Failed),
            (Kind::Delivery, "4.7.500", Some(451), "MAIL FROM", "", "", Action::Delayed),
            (Kind::Delivery, "", Some(553), "EHLO", "", "domino", Action::Failed),
            (Kind::Delivery, "", None, "", "", "ezweb", Action::Failed),
            (Kind::Delivery, "2.0.0", None, "", "", "", Action::Delivered),
            (Kind::AutoReply, "", None, "", "", "", Action::Failed),
            (Kind::Feedback, "", None, "", "", "", Action::Failed),
        ];
        let mut compared = 0;
        for text in varied_texts() {
            for (kind, status, reply, command, host, generator, action) in contexts {
                let mut r = full(status, &text, command, host);
                r.kind = *kind;
                r.reply_code = *reply;
                r.action = *action;
                r.recipient = Some("taro@example.jp".into());
                let b = bounce(generator, "news@shop.example");
                let want = reference_classify(&r, generator, "news@shop.example");
                assert_eq!(Reason::classify_in(&r, &b), want, "{text:?} {status} {command}");
                compared += 1;
            }
        }
        assert!(compared > 10_000, "{compared}");
    }
}
