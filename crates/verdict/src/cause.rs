//! The causes a verdict can name, and how they rank against each other.

use std::fmt;
use std::str::FromStr;

use crate::text::{text, Lang, Msg};

/// The overall cause of a failure: what went wrong, in terms of who must act.
///
/// A rule row may name a cause directly (`cause = "sending_ip_reputation"` in a
/// provider file, from the category column of `provider-replies.md`); otherwise the
/// verdict derives it from the recipient's [`crate::Reason`].
///
/// ```
/// use rebound_verdict::Cause;
/// assert_eq!(Cause::SendingIpBlocklisted.as_str(), "sending_ip_blocklisted");
/// assert_eq!("rate_limited".parse::<Cause>(), Ok(Cause::RateLimited));
/// assert!(Cause::SendingIpBlocklisted.sender_side());
/// assert!(!Cause::RecipientProblem.sender_side());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Cause {
    /// The sending server's IP address is on a block list (public or the receiver's own).
    SendingIpBlocklisted,
    /// The sender's domain (or a domain in the message) is on a domain block list.
    SendingDomainBlocklisted,
    /// The receiver rates the sending IP address's reputation as poor, without a list.
    SendingIpReputation,
    /// SPF, DKIM, DMARC or reverse DNS checks failed.
    AuthenticationFailure,
    /// The receiver's policy refused the mail: relaying denied, TLS required, a
    /// restriction set by the recipient's side, a protocol requirement.
    PolicyRejected,
    /// The message's content was refused (spam, virus, size, format).
    ContentRejected,
    /// The receiver limits how fast it accepts mail.
    RateLimited,
    /// The recipient's side: unknown address, full or disabled mailbox.
    RecipientProblem,
    /// A temporary failure: delayed, greylisted, or expired after retrying.
    TemporaryFailure,
    /// Not a failure: a delivery notice, an automatic reply or a complaint report.
    NotAFailure,
    /// No cause could be determined.
    Unknown,
}

/// A cause name that is not one of [`Cause::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown cause {0:?}")]
pub struct UnknownCause(pub String);

impl Cause {
    /// Every cause, headline order first: when a bounce has several, the earlier one
    /// blocks more mail (a sender-side block stops everything sent to that receiver).
    pub const ALL: [Cause; 11] = [
        Cause::SendingIpBlocklisted,
        Cause::SendingDomainBlocklisted,
        Cause::SendingIpReputation,
        Cause::AuthenticationFailure,
        Cause::PolicyRejected,
        Cause::ContentRejected,
        Cause::RateLimited,
        Cause::RecipientProblem,
        Cause::TemporaryFailure,
        Cause::Unknown,
        Cause::NotAFailure,
    ];

    /// The JSON name, e.g. `sending_ip_blocklisted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::SendingIpBlocklisted => "sending_ip_blocklisted",
            Cause::SendingDomainBlocklisted => "sending_domain_blocklisted",
            Cause::SendingIpReputation => "sending_ip_reputation",
            Cause::AuthenticationFailure => "authentication_failure",
            Cause::PolicyRejected => "policy_rejected",
            Cause::ContentRejected => "content_rejected",
            Cause::RateLimited => "rate_limited",
            Cause::RecipientProblem => "recipient_problem",
            Cause::TemporaryFailure => "temporary_failure",
            Cause::NotAFailure => "not_a_failure",
            Cause::Unknown => "unknown",
        }
    }

    /// True for a cause on the sender's side (its IP, domain, authentication,
    /// content or sending rate): it never says anything about the recipient's address.
    pub fn sender_side(self) -> bool {
        matches!(
            self,
            Cause::SendingIpBlocklisted
                | Cause::SendingDomainBlocklisted
                | Cause::SendingIpReputation
                | Cause::AuthenticationFailure
                | Cause::ContentRejected
                | Cause::RateLimited
        )
    }

    /// The cause in a few words, for headings and lists.
    ///
    /// ```
    /// use rebound_verdict::{Cause, Lang};
    /// assert_eq!(Cause::RateLimited.describe(Lang::En), "sending too fast");
    /// assert_eq!(Cause::RateLimited.describe(Lang::Ja), "送信ペースの制限");
    /// ```
    pub fn describe(self, lang: Lang) -> &'static str {
        let id = match self {
            Cause::SendingIpBlocklisted => Msg::CauseSendingIpBlocklisted,
            Cause::SendingDomainBlocklisted => Msg::CauseSendingDomainBlocklisted,
            Cause::SendingIpReputation => Msg::CauseSendingIpReputation,
            Cause::AuthenticationFailure => Msg::CauseAuthenticationFailure,
            Cause::PolicyRejected => Msg::CausePolicyRejected,
            Cause::ContentRejected => Msg::CauseContentRejected,
            Cause::RateLimited => Msg::CauseRateLimited,
            Cause::RecipientProblem => Msg::CauseRecipientProblem,
            Cause::TemporaryFailure => Msg::CauseTemporaryFailure,
            Cause::NotAFailure => Msg::CauseNotAFailure,
            Cause::Unknown => Msg::CauseUnknown,
        };
        text(id, lang)
    }

    /// The cause as a heading: one sentence.
    ///
    /// ```
    /// use rebound_verdict::{Cause, Lang};
    /// assert_eq!(Cause::NotAFailure.heading(Lang::En), "Not a delivery failure");
    /// ```
    pub fn heading(self, lang: Lang) -> &'static str {
        let id = match self {
            Cause::SendingIpBlocklisted => Msg::HeadSendingIpBlocklisted,
            Cause::SendingDomainBlocklisted => Msg::HeadSendingDomainBlocklisted,
            Cause::SendingIpReputation => Msg::HeadSendingIpReputation,
            Cause::AuthenticationFailure => Msg::HeadAuthenticationFailure,
            Cause::PolicyRejected => Msg::HeadPolicyRejected,
            Cause::ContentRejected => Msg::HeadContentRejected,
            Cause::RateLimited => Msg::HeadRateLimited,
            Cause::RecipientProblem => Msg::HeadRecipientProblem,
            Cause::TemporaryFailure => Msg::HeadTemporaryFailure,
            Cause::NotAFailure => Msg::HeadNotAFailure,
            Cause::Unknown => Msg::HeadUnknown,
        };
        text(id, lang)
    }

    /// The position in [`Cause::ALL`]: lower blocks more mail.
    pub fn rank(self) -> usize {
        Cause::ALL.iter().position(|c| *c == self).unwrap_or(Cause::ALL.len())
    }
}

impl FromStr for Cause {
    type Err = UnknownCause;

    fn from_str(name: &str) -> Result<Cause, UnknownCause> {
        Cause::ALL
            .into_iter()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| UnknownCause(name.to_string()))
    }
}

impl serde::Serialize for Cause {
    /// Serialises as [`Cause::as_str`].
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Cause {
    /// Writes [`Cause::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for cause in Cause::ALL {
            assert_eq!(cause.as_str().parse::<Cause>(), Ok(cause));
            assert_eq!(cause.rank(), Cause::ALL.iter().position(|c| *c == cause).unwrap());
        }
        assert!("spam".parse::<Cause>().is_err());
    }
}
