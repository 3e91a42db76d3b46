//! What a verdict rests on, as claims a person can check: the line of the bounce
//! that decided each recipient's cause (with the rule and its source), each
//! blocklist answer (zone and answer), and the hosting company recognised from the
//! reporting host name. In JSON each is an object tagged by `kind` (`bounce_text`,
//! `dns`, `hosting`).

use rebound_dsn::Bounce;
use serde::Serialize;

use super::{is_ip, CauseGroup, Evidence};
use crate::assess::Assessment;
use crate::cause::Cause;
use crate::hosting::Hosting;

/// One checkable claim behind a verdict.
///
/// ```
/// use rebound_dsn::{Bounce, RecipientReport};
/// use rebound_verdict::{decide, Claim, Lang, LookupOutcome};
///
/// let mut bounce = Bounce::default();
/// let mut report = RecipientReport::default();
/// report.recipient = Some("taro@example.jp".into());
/// report.status = "5.1.1".parse().ok();
/// report.diagnostic = Some("550 5.1.1 <taro@example.jp>: Recipient address rejected: \
///     User unknown in local recipient table".into());
/// bounce.recipients.push(report);
/// let verdict = decide(&bounce, &[], &LookupOutcome::Offline, Lang::En);
/// match &verdict.claims[0] {
///     Claim::BounceText { line, matched, rule, .. } => {
///         assert!(line.contains("User unknown"));
///         assert_eq!(*matched, Some("user unknown"));
///         assert_eq!(*rule, "phrase.userunknown.recipient-address-rejected");
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Claim {
    /// A line of the bounce and the rule that read it.
    BounceText {
        /// The cause the line supports.
        cause: Cause,
        /// The recipient it is about.
        recipient: Option<String>,
        /// The line of the diagnostic that holds the matched words (the whole
        /// diagnostic when it is one line).
        line: String,
        /// The id of the rule that decided.
        rule: &'static str,
        /// What the rule matched.
        matched: Option<&'static str>,
        /// Where the rule comes from.
        source: &'static str,
    },
    /// A blocklist answer.
    Dns {
        /// The IP address or domain asked about.
        subject: String,
        /// The zone asked.
        zone: String,
        /// The list's name.
        list: String,
        /// `Some(true)` listed, `Some(false)` not listed, `None` unknown.
        listed: Option<bool>,
        /// The return codes (empty when not listed or unknown).
        answer: Vec<String>,
        /// Why the answer is unknown, when it is.
        error: Option<String>,
    },
    /// The reporting host belongs to a known hosting company.
    Hosting {
        /// The host name the bounce names.
        host: String,
        /// The hosting company.
        name: String,
        /// A shared server: many customers send from its IP addresses.
        shared: bool,
    },
}

/// The line of `diagnostic` that contains `matched` (compared case-insensitively),
/// else its first non-empty line.
fn line_with(diagnostic: &str, matched: Option<&str>) -> String {
    let lines = || diagnostic.lines().map(str::trim).filter(|l| !l.is_empty());
    matched
        .and_then(|m| lines().find(|line| line.to_lowercase().contains(m)))
        .or_else(|| lines().next())
        .unwrap_or_default()
        .to_string()
}

/// Every claim behind the verdict, in order: bounce lines (one per recipient of a
/// group that the bounce itself decided), blocklist answers, the hosting company.
pub(super) fn collect(
    bounce: &Bounce,
    assessments: &[Assessment],
    groups: &[CauseGroup],
    evidence: &[Evidence],
    hosting: Option<&Hosting>,
) -> Vec<Claim> {
    let mut claims = Vec::new();
    for group in groups.iter().filter(|g| !g.from_dns) {
        for &index in &group.recipients {
            let (Some(report), Some(judged)) =
                (bounce.recipients.get(index), assessments.get(index))
            else {
                continue;
            };
            let why = judged.why;
            let line = report
                .diagnostic
                .as_deref()
                .map(|d| line_with(d, why.matched))
                .or_else(|| report.status.map(|s| s.to_string()))
                .unwrap_or_default();
            claims.push(Claim::BounceText {
                cause: group.cause,
                recipient: report.recipient.clone(),
                line,
                rule: why.rule_id,
                matched: why.matched,
                source: why.source,
            });
        }
    }
    // IP answers first, then domain answers, as the text output shows them.
    let ips_first =
        evidence.iter().filter(|e| is_ip(e)).chain(evidence.iter().filter(|e| !is_ip(e)));
    for e in ips_first {
        claims.push(Claim::Dns {
            subject: e.subject.clone(),
            zone: e.zone.clone(),
            list: e.list_name.clone(),
            listed: e.listed,
            answer: if e.listed == Some(true) { e.codes.clone() } else { Vec::new() },
            error: e.error.clone(),
        });
    }
    if let Some(h) = hosting {
        claims.push(Claim::Hosting {
            host: h.host.clone(),
            name: h.name.clone(),
            shared: h.shared,
        });
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_line_with_the_matched_words() {
        let text = "host mx.example.org said:\n550-5.7.1 [203.0.113.9] Our system has detected\n550 5.7.1 an unusual rate of unsolicited mail";
        assert_eq!(
            line_with(text, Some("unusual rate")),
            "550 5.7.1 an unusual rate of unsolicited mail"
        );
        assert_eq!(line_with(text, Some("absent")), "host mx.example.org said:");
        assert_eq!(line_with("", None), "");
    }
}
