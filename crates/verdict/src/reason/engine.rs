//! The classifier: the rules files applied to one recipient's report, in order.
//!
//! 1. A feedback report, an automatic reply and a delivered report are named by
//!    their kind (auto-replies through `autoreply.toml`).
//! 2. A receiving provider recognised by its host, its tokens or its notice decides
//!    by its own status codes, then its own phrases (`provider/*.toml`); its word
//!    is final. Those recognised by the remote host go first, and a gateway before
//!    the provider whose reply it may quote.
//! 3. The MTA that wrote the bounce decides by its own phrases (`lhost/*.toml`).
//! 4. Else the first generic phrase rule (`phrases.toml`), else the first status
//!    rule (`status.toml`), else the reply code (`reply.toml`), names a reason...
//! 5. ...which the circumstances may change (`context.toml`): the SMTP command it
//!    answered, the status code's subject, the DSN action.

use std::borrow::Cow;

use rebound_dsn::{Action, Kind, RecipientReport};

use super::index::{CompiledPhrase, CompiledRhost, Found, COMPILED};
use super::names::Reason;
use super::rules::{ProviderRules, RULES};
use super::Classification;
use crate::case::lower_case;
use crate::provider::domain_matches;

/// The engine's own answers, when the report's kind decides or no rule matches:
/// (id, source).
const FEEDBACK: (&str, &str) =
    ("kind.feedback", "RFC 5965 §2: a feedback report (message/feedback-report) is no bounce");
const VACATION: (&str, &str) =
    ("kind.autoreply", "RFC 3834 §3: an automatic reply that says no more is the owner's absence");
const DELIVERED: (&str, &str) =
    ("kind.delivered", "RFC 3464 §2.3.3 Action 'delivered'; RFC 3463 §3.1 class 2 'Success'");
const UNDEFINED: (&str, &str) = ("none", "no rule matched");

/// The classification named by `rule`, one of the compiled phrase rules.
fn by_phrase(rule: &CompiledPhrase, found: &Found) -> Classification {
    Classification {
        reason: rule.reason(),
        rule_id: &rule.rule.id,
        matched: rule.matched(found, &COMPILED.phrases),
        source: &rule.rule.source,
        cause: rule.rule.cause,
    }
}

/// The engine's own classification.
fn builtin(reason: Reason, (rule_id, source): (&'static str, &'static str)) -> Classification {
    Classification { reason, rule_id, matched: None, source, cause: None }
}

/// [`super::classify`] with the generator's name and the envelope sender (`""` when
/// unknown).
pub(super) fn classify_by(
    report: &RecipientReport,
    generator: &str,
    sender: &str,
) -> Classification {
    classify_recognising(report, generator, sender).0
}

/// [`classify_by`], and the provider [`first_recognised`] would give when the
/// classification had to find it (`None` when it returned before looking): the
/// same search of the text answers both, so it is made once.
pub(super) fn classify_recognising(
    report: &RecipientReport,
    generator: &str,
    sender: &str,
) -> (Classification, Option<Option<&'static ProviderRules>>) {
    let (rules, compiled) = (&*RULES, &*COMPILED);
    if matches!(report.kind, Kind::Feedback) {
        return (builtin(Reason::Feedback, FEEDBACK), None);
    }
    let diagnostic = report.diagnostic.as_deref().unwrap_or_default();
    let mut buf = [0; 512];
    // An automatic reply carries no status code; one that has one is a bounce.
    if matches!(report.kind, Kind::AutoReply) && report.status.is_none() {
        let found = compiled.find(&lower_case(diagnostic, &mut buf));
        let reply = compiled
            .autoreply
            .iter()
            .find(|rule| rule.matches(&found))
            .map_or(builtin(Reason::Vacation, VACATION), |rule| by_phrase(rule, &found));
        return (reply, None);
    }
    if report.action == Action::Delivered || report.status.is_some_and(|s| s.class == 2) {
        return (builtin(Reason::Delivered, DELIVERED), None);
    }
    let text = lower_case(diagnostic, &mut buf);
    let text = without_continuations(&text);
    let found = compiled.find(&text);
    let mut command = ascii_cased(report.smtp_command.as_deref().unwrap_or_default().trim(), true);
    if command.is_empty() && names_sender(&text, sender, report.recipient.as_deref()) {
        command = Cow::Borrowed("MAIL");
    }

    let providers = recognised(report, &found);
    let first_provider = Some(providers.first().map(|(_, (provider, _))| *provider));
    if let Some(decided) = by_provider(report, &providers, &found) {
        return (decided, first_provider);
    }
    let generator = generator.trim();
    for (lhost, rules) in rules.lhosts.iter().zip(&compiled.lhost) {
        if lhost.generators.iter().any(|g| g.eq_ignore_ascii_case(generator)) {
            if let Some(rule) = rules.iter().find(|rule| rule.matches(&found)) {
                return (by_phrase(rule, &found), first_provider);
            }
        }
    }

    let by_status = || {
        let status = report.status?;
        let (rule, _) = rules.statuses.iter().zip(&compiled.status).find(|(rule, needs)| {
            rule.matches(status, needs.is_empty() || found.any(needs), &command)
        })?;
        Some(Classification {
            reason: rule.reason,
            rule_id: &rule.id,
            matched: Some(&rule.code),
            source: &rule.source,
            cause: None,
        })
    };
    let by_reply = || {
        let code = report.reply_code?;
        let rule = rules.replies.iter().find(|rule| rule.code == code)?;
        Some(Classification {
            reason: rule.reason,
            rule_id: &rule.id,
            matched: None,
            source: &rule.source,
            cause: None,
        })
    };
    let first = compiled
        .first_phrase_rule(&found)
        .map(|rule| by_phrase(rule, &found))
        .or_else(by_status)
        .or_else(by_reply)
        .unwrap_or(builtin(Reason::Undefined, UNDEFINED));

    let found_reason = first.reason;
    let classification = rules
        .contexts
        .iter()
        .zip(&compiled.context)
        // Most rules are about another reason: they are passed over before their
        // phrases are looked up.
        .filter(|(rule, _)| rule.found == found_reason)
        .find(|(rule, unless)| {
            rule.applies(found_reason, report, &command, &text, found.any(unless))
        })
        .map_or(first, |(rule, _)| Classification {
            reason: rule.becomes,
            rule_id: &rule.id,
            matched: first.matched,
            source: &rule.source,
            cause: None,
        });
    (classification, first_provider)
}

/// The providers that recognise the report, each with its group, in the order their
/// word is taken. The host that answered refused the mail: a gateway in front of
/// another provider (Proofpoint or Mimecast before Microsoft 365 or Gmail) speaks for
/// itself, and may quote the provider behind it, whose token is then in the text
/// (provider-replies.md §1.1 rule 8). So the providers recognised by the remote host
/// come first (group 0 and 1), then those recognised only by a token or a notice's
/// recipient (group 2 and 3); in each, a gateway (the even group) before the others,
/// whose reply it may quote; the files' order otherwise. Empty, without allocating,
/// for most reports, which come from no such provider.
fn recognised(report: &RecipientReport, found: &Found) -> Vec<(u8, Recognised)> {
    let (rules, compiled) = (&*RULES, &*COMPILED);
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
    let mut providers: Vec<(u8, Recognised)> = rules
        .providers
        .iter()
        .zip(&compiled.rhost)
        .filter(|(p, c)| p.recognises(&host, found.any(&c.texts), &notice_domain))
        .map(|(p, c)| {
            let by_host = p.hosts.iter().any(|s| domain_matches(&host, s));
            (u8::from(!by_host) * 2 + u8::from(!p.facts.gateway), (p, c))
        })
        .collect();
    providers.sort_by_key(|(group, _)| *group);
    providers
}

/// A recognised provider: its rules as written and as compiled.
type Recognised = (&'static ProviderRules, &'static CompiledRhost);

/// The receiving provider's own word, when one recognises the report: in the order of
/// [`recognised`], group by group, its status codes first, then its phrases.
fn by_provider(
    report: &RecipientReport,
    providers: &[(u8, Recognised)],
    found: &Found,
) -> Option<Classification> {
    if providers.is_empty() {
        return None;
    }
    (0..4).find_map(|group| {
        let members = || providers.iter().filter(move |(g, _)| *g == group).map(|(_, p)| p);
        let status = report.status.and_then(|status| {
            members().flat_map(|(provider, _)| &provider.statuses).find(|rule| rule.matches(status))
        });
        if let Some(rule) = status {
            return Some(Classification {
                reason: rule.reason,
                rule_id: &rule.id,
                matched: Some(&rule.code),
                source: &rule.source,
                cause: rule.cause,
            });
        }
        let rule = members().flat_map(|(_, c)| &c.rules).find(|rule| rule.matches(found))?;
        Some(by_phrase(rule, found))
    })
}

/// The provider whose word [`classify_by`] takes first for `report` (whether or not
/// one of its rules decides).
pub(super) fn first_recognised(report: &RecipientReport) -> Option<&'static ProviderRules> {
    let diagnostic = report.diagnostic.as_deref().unwrap_or_default();
    let mut buf = [0; 512];
    let text = lower_case(diagnostic, &mut buf);
    let found = COMPILED.find(&without_continuations(&text));
    recognised(report, &found).first().map(|(_, (provider, _))| *provider)
}

/// True when the lower-cased diagnostic names the envelope sender's address in angle
/// brackets and does not name the recipient's.
pub(super) fn names_sender(text: &str, sender: &str, recipient: Option<&str>) -> bool {
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
pub(super) fn ascii_cased(text: &str, upper: bool) -> Cow<'_, str> {
    let wrong = |b: &u8| if upper { b.is_ascii_lowercase() } else { b.is_ascii_uppercase() };
    match (text.bytes().any(|b| wrong(&b)), upper) {
        (false, _) => Cow::Borrowed(text),
        (true, true) => Cow::Owned(text.to_ascii_uppercase()),
        (true, false) => Cow::Owned(text.to_ascii_lowercase()),
    }
}

/// The lower-cased diagnostic without the continuation prefixes of a multi-line
/// reply, for matching: an SMTP reply of several lines repeats its code on each
/// (`550-5.7.25 ...`, the last `550 5.7.25 ...`; RFC 5321 §4.2.1, RFC 2034 §3), and
/// a report joins the lines, so that a sentence broken across two lines reads
/// `does not have a 550-5.7.25 ptr record`. Every `NNN-X.Y.Z `, `NNN-` or
/// `NNN X.Y.Z ` that repeats the first reply's code after it, at the start of a
/// word, is removed; and when the reply starts as one of several lines (`NNN-`),
/// the first bare `NNN ` after it too, the prefix of its last line (a reply without
/// status codes, as GMX and Yahoo send, or with them only in the text, as Cisco's
/// `550-#5.7.1`). Borrowed, without a copy, when there is none, as for most
/// replies: only the first code is looked for again.
pub(super) fn without_continuations(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let Some((code, first_end)) = first_reply_code(bytes) else {
        return Cow::Borrowed(text);
    };
    let mut several_lines = bytes.get(first_end) == Some(&b'-');
    let mut kept = String::new();
    let mut copied = 0;
    let mut from = first_end;
    while let Some(at) = text.get(from..).and_then(|rest| rest.find(code)).map(|at| from + at) {
        from = at + code.len();
        let starts_word = bytes.get(at.wrapping_sub(1)).is_some_and(u8::is_ascii_whitespace);
        let rest = bytes.get(at + code.len()..).unwrap_or_default();
        let Some((prefix, last)) = continuation_len(rest, several_lines) else {
            continue;
        };
        if !starts_word {
            continue;
        }
        // Only one line is the last: a later bare `NNN ` belongs to the text.
        several_lines &= !last;
        kept.push_str(text.get(copied..at).unwrap_or_default());
        copied = at + code.len() + prefix;
        from = copied;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    kept.push_str(text.get(copied..).unwrap_or_default());
    Cow::Owned(kept)
}

/// The first reply code of `text` (`2xx` to `5xx`, a word of its own followed by
/// `-` or a space), and where it ends.
fn first_reply_code(text: &[u8]) -> Option<(&str, usize)> {
    let at = (0..text.len().saturating_sub(3)).find(|&at| {
        let word = at == 0 || !text[at - 1].is_ascii_alphanumeric() && text[at - 1] != b'.';
        word && matches!(text[at], b'2'..=b'5')
            && text[at + 1].is_ascii_digit()
            && text[at + 2].is_ascii_digit()
            && matches!(text[at + 3], b'-' | b' ')
    })?;
    let code = std::str::from_utf8(text.get(at..at + 3)?).ok()?;
    Some((code, at + 3))
}

/// How many bytes of `rest` (what follows a repeated reply code) belong to a
/// continuation prefix: `-X.Y.Z `, `-` or ` X.Y.Z `, or a bare ` ` when `bare_last`
/// (the last line of a reply of several lines); `None` when it is none. The flag
/// says the prefix was a last line's (` `, with a status code or without).
fn continuation_len(rest: &[u8], bare_last: bool) -> Option<(usize, bool)> {
    match rest.first()? {
        b'-' => Some((1 + status_len(rest.get(1..).unwrap_or_default()).unwrap_or(0), false)),
        b' ' => match status_len(rest.get(1..).unwrap_or_default()) {
            Some(len) => Some((len + 1, true)),
            None => bare_last.then_some((1, true)),
        },
        _ => None,
    }
}

/// The length of an enhanced status code and the space after it at the start of
/// `text` (`5.7.25 `), if it starts with one.
fn status_len(text: &[u8]) -> Option<usize> {
    let digits = |from: usize| text.iter().skip(from).take_while(|b| b.is_ascii_digit()).count();
    if !matches!(text.first(), Some(b'2' | b'4' | b'5')) || text.get(1) != Some(&b'.') {
        return None;
    }
    let subject = digits(2);
    if !(1..=3).contains(&subject) || text.get(2 + subject) != Some(&b'.') {
        return None;
    }
    let detail = digits(3 + subject);
    let end = 3 + subject + detail;
    ((1..=3).contains(&detail) && text.get(end) == Some(&b' ')).then_some(end + 1)
}
