//! Bounce reasons (Sisimai's names) and the rules that classify a recipient report.
//!
//! Classification is data: the rules are TOML files under `crates/verdict/rules/`,
//! one row per rule, each with an id, a reason and a source (see `rules.rs` for the
//! files and their order). A feedback report or an automatic reply is named by its
//! kind (`autoreply.toml` tells a mailbox that is gone from an owner who is away).
//! For a bounce, a receiving provider's own codes (`provider/*.toml`) are tried
//! first, then the wording of the MTA that wrote the bounce (`lhost/*.toml`, by
//! `Bounce::generator`, only through [`Reason::classify_in`]), then `phrases.toml`
//! in order against the lower-cased diagnostic text, then `status.toml` against the
//! enhanced status code, then `reply.toml` against the SMTP reply code. The first
//! rule that matches wins, so the specific rules come before the general ones: a
//! specific phrase beats the status code, and the status code beats the reply code.
//! Last, `context.toml` adjusts the result for the circumstances: the SMTP command
//! it answered (`User unknown` after `DATA`, or with neither a command nor a status
//! that names the address, is a filter; after `MAIL FROM` it is the sender's
//! address), the status code's subject and the DSN action. Raising accuracy means
//! adding rows, not code.
//!
//! The modules: `names.rs` (the [`Reason`] names and descriptions), `rules.rs` (the
//! files' types, loading and checks), `provider_file.rs` (a provider file: the
//! provider's identity, recognition, links and advice as well as its rows),
//! `user.rs` (files a user adds, [`add_rules_file`]), `engine.rs` (the order the
//! rules are tried in), `index.rs` (the rules compiled for speed: one searcher over
//! every phrase of every file, built on first use, finds in one pass over the
//! diagnostic the set of phrases it contains, and each rule is then checked against
//! that set).

use rebound_dsn::{Action, Bounce, RecipientReport, StatusCode};

mod engine;
mod index;
#[cfg(test)]
mod lhost_tests;
mod names;
mod provider_file;
#[cfg(test)]
mod provider_tests;
mod rules;
#[cfg(test)]
mod source_tests;
#[cfg(test)]
mod tests;
mod user;

pub use names::{Reason, UnknownReason};
pub use user::{add_rules_file, check_rules_file, RulesFileError};

/// The facts of the provider whose word the reason engine takes first for `report`,
/// when a provider recognises it (by host, token, or a notice's recipient).
pub(crate) fn recognised_provider(
    report: &RecipientReport,
) -> Option<&'static crate::provider::ProviderFacts> {
    engine::first_recognised(report).map(|provider| &provider.facts)
}

/// [`Reason::explain_in`] and, when the classification had to find it, the
/// [`recognised_provider`] (`None` when it did not look): one search of the text
/// for both.
pub(crate) fn explain_recognising(
    report: &RecipientReport,
    bounce: &Bounce,
) -> (Classification, Option<Option<&'static crate::provider::ProviderFacts>>) {
    let (why, provider) = engine::classify_recognising(
        report,
        bounce.generator.as_deref().unwrap_or_default(),
        bounce.sender.as_deref().unwrap_or_default(),
    );
    (why, provider.map(|found| found.map(|provider| &provider.facts)))
}

/// Every provider file's facts, in the order the engine tries them.
pub(crate) fn provider_facts() -> impl Iterator<Item = &'static crate::provider::ProviderFacts> {
    rules::RULES.providers.iter().map(|provider| &provider.facts)
}

/// Why a recipient's failure was given its reason: the rule that decided, and what
/// it matched. Returned by [`Reason::explain_in`].
///
/// ```
/// use rebound_dsn::{Bounce, RecipientReport};
/// use rebound_verdict::Reason;
///
/// let mut report = RecipientReport::default();
/// report.status = "5.1.1".parse().ok();
/// report.smtp_command = Some("RCPT TO".into());
/// report.diagnostic = Some("550 5.1.1 <taro@example.jp>: Recipient address rejected: \
///     User unknown in local recipient table".into());
/// let why = Reason::explain_in(&report, &Bounce::default());
/// assert_eq!(why.reason, Reason::UserUnknown);
/// assert_eq!(why.rule_id, "phrase.userunknown.recipient-address-rejected");
/// assert_eq!(why.matched, Some("user unknown"));
/// assert!(why.source.contains("Postfix"));
///
/// // No phrase decides: the enhanced status code does.
/// report.diagnostic = None;
/// let why = Reason::explain_in(&report, &Bounce::default());
/// assert_eq!((why.reason, why.rule_id, why.matched), (Reason::UserUnknown, "status.x.1.1", Some("X.1.1")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Classification {
    /// The reason.
    pub reason: Reason,
    /// The id of the rule that decided (`phrase.userunknown.generic`,
    /// `status.x.1.1`, ...), or of the engine's own answer (`kind.feedback`,
    /// `kind.autoreply`, `kind.delivered`; `none` when no rule matched).
    pub rule_id: &'static str,
    /// What the rule matched: the phrase found in the lower-cased diagnostic, or the
    /// status code pattern. When a context rule changed the reason, what the rule it
    /// changed matched.
    pub matched: Option<&'static str>,
    /// Where the rule comes from: a reference section, an RFC, an MTA's message.
    pub source: &'static str,
    /// The cause the deciding rule names, when it names one (a provider's row
    /// carries the category its reference gives); `None` lets the verdict derive the
    /// cause from the reason.
    pub cause: Option<crate::Cause>,
}

/// Classifies one recipient's failure.
///
/// A feedback report is [`Reason::Feedback`] and an automatic reply
/// [`Reason::Vacation`] (or [`Reason::Suspend`] when it says the mailbox is no
/// longer in use). A delivered report (or a 2.X.X status) is [`Reason::Delivered`].
/// Otherwise the receiving provider's own codes (`provider/*.toml`) decide first and
/// finally. Else the diagnostic's phrases decide, then the enhanced status code, then
/// the SMTP reply code; last, `context.toml` adjusts the result for the SMTP command
/// it answered, the status code's subject and the DSN action.
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
    engine::classify_by(report, "", "").reason
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
        Reason::explain_in(report, bounce).reason
    }

    /// Classifies as [`Reason::classify_in`] does, and says why: the rule that
    /// decided, what it matched, and the rule's source.
    ///
    /// ```
    /// use rebound_dsn::{Bounce, RecipientReport};
    /// use rebound_verdict::Reason;
    ///
    /// let mut report = RecipientReport::default();
    /// report.diagnostic = Some("Error: No valid recipients for this MM".into());
    /// let mut bounce = Bounce::default();
    /// bounce.generator = Some("verizon".into());
    /// let why = Reason::explain_in(&report, &bounce);
    /// assert_eq!(why.reason, Reason::UserUnknown);
    /// assert_eq!(why.rule_id, "lhost.verizon.userunknown");
    /// assert_eq!(why.matched, Some("no valid recipients"));
    /// assert!(!why.source.is_empty());
    /// ```
    pub fn explain_in(report: &RecipientReport, bounce: &Bounce) -> Classification {
        engine::classify_by(
            report,
            bounce.generator.as_deref().unwrap_or_default(),
            bounce.sender.as_deref().unwrap_or_default(),
        )
    }
}

/// Whether a failure is a hard bounce as Sisimai defines it: retrying will not help
/// because the address itself is wrong (`userunknown`, `hostunknown`, `hasmoved`), or
/// the destination accepts no mail at all (`notaccept`). Everything else, blocks and
/// full mailboxes included, is soft: it can clear up without changing the address.
///
/// A temporary failure is never hard, whatever its reason: a 4xx reply code or a
/// 4.X.X status (RFC 5321 §4.2.1, RFC 3463 §3.1: "a later attempt may succeed")
/// means the receiver itself says it may take the mail later, and deleting the
/// address then would lose a good one. [`hard_bounce_of`] also knows the DSN action
/// (`delayed`).
///
/// ```
/// use rebound_verdict::{hard_bounce, Reason};
/// let permanent = "5.1.1".parse().ok();
/// assert!(hard_bounce(Reason::UserUnknown, permanent, Some(550)));
/// assert!(!hard_bounce(Reason::Blocked, "5.7.1".parse().ok(), Some(550)));
/// assert!(!hard_bounce(Reason::NotAccept, "4.3.2".parse().ok(), Some(421)));
/// // "450 4.1.1 ... verification in progress": temporary, so never hard.
/// assert!(!hard_bounce(Reason::UserUnknown, "4.1.1".parse().ok(), Some(450)));
/// assert!(!hard_bounce(Reason::UserUnknown, "5.1.1".parse().ok(), Some(450)));
/// ```
pub fn hard_bounce(reason: Reason, status: Option<StatusCode>, reply_code: Option<u16>) -> bool {
    let temporary =
        status.is_some_and(|s| s.class == 4) || reply_code.is_some_and(|c| c / 100 == 4);
    !temporary
        && matches!(
            reason,
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved | Reason::NotAccept
        )
}

/// [`hard_bounce`] for one recipient's report: also never hard when the DSN action
/// is `delayed` (RFC 3464 §2.3.3: the sending MTA is still trying).
///
/// ```
/// use rebound_dsn::{Action, RecipientReport};
/// use rebound_verdict::{hard_bounce_of, Reason};
///
/// let mut report = RecipientReport::default();
/// report.status = "5.1.1".parse().ok();
/// report.reply_code = Some(550);
/// assert!(hard_bounce_of(&report, Reason::UserUnknown));
/// report.action = Action::Delayed;
/// assert!(!hard_bounce_of(&report, Reason::UserUnknown));
/// ```
pub fn hard_bounce_of(report: &RecipientReport, reason: Reason) -> bool {
    report.action != Action::Delayed && hard_bounce(reason, report.status, report.reply_code)
}
