//! The reason names: the [`Reason`] enum, its Sisimai names and its descriptions.

use std::fmt;
use std::str::FromStr;

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
pub(super) struct ReasonInfo {
    pub(super) reason: Reason,
    pub(super) name: &'static str,
    pub(super) en: &'static str,
    pub(super) ja: &'static str,
}

/// Every reason, with its Sisimai name and descriptions, in declaration order.
#[rustfmt::skip]
pub(super) const REASONS: &[ReasonInfo] = &[
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

#[cfg(test)]
mod tests {
    use super::{Reason, REASONS};

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
}
