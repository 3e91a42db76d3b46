//! The classification rules as data: the TOML files under `crates/verdict/rules/`,
//! their serde types, and their loading and validation.
//!
//! `build.rs` lists every `rules/**/*.toml` file into `RULE_FILES` (path and
//! contents, by `include_str!`), so a new file is registered by dropping it into the
//! directory. The files are read once, on first use ([`RULES`]). A file or a row
//! that does not load is left out and its error kept in [`RuleSet::errors`]: a
//! user's run goes on with the other rules, and the crate's tests, which load every
//! file and require no error, fail. Files a user adds (`user.rs`) are laid over them.
//!
//! | file | rows | tried |
//! |---|---|---|
//! | `provider/<id>.toml` | a receiving provider's or gateway's identity, recognition, links and advice (`provider_file.rs`), and its own codes and wording | first, when the provider is recognised |
//! | `lhost/<family>.toml` | an MTA family's own wording | when the bounce was written by that MTA |
//! | `phrases.toml` | generic phrases, in order | then |
//! | `status.toml` | enhanced status codes, in order | then |
//! | `reply.toml` | SMTP reply codes | then |
//! | `context.toml` | adjustments for the SMTP command, status and action | last |
//! | `autoreply.toml` | automatic replies that say the mailbox is gone | for auto-replies only |

use std::collections::HashSet;
use std::sync::LazyLock;

use rebound_dsn::{Action, RecipientReport, StatusCode};
use serde::Deserialize;

use super::names::Reason;
use super::provider_file::{RawProviderFile, RowLines};
use crate::cause::Cause;
use crate::provider::{domain_matches, ProviderFacts};

include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

/// Every rule, loaded from [`RULE_FILES`] and the files a user added
/// (`crate::add_rules_file`) on first use.
pub(crate) static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    let mut rules = RuleSet::load(RULE_FILES);
    super::user::apply_added(&mut rules);
    rules
});

/// A rules file or row that did not load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rules/{file}: {message}")]
pub(crate) struct RuleError {
    /// The file's path under `rules/` (or as a user gave it).
    pub(crate) file: String,
    /// The line of the row at fault, known for a user's file only.
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

/// A phrase rule: matches when the lower-cased diagnostic contains every phrase of
/// `all` and, unless `any` is empty, at least one phrase of `any`.
#[derive(Debug)]
pub(crate) struct PhraseRule {
    pub(crate) id: String,
    pub(crate) reason: Reason,
    pub(crate) all: Vec<String>,
    pub(crate) any: Vec<String>,
    /// The cause the row names, when its reference category is not what its reason
    /// implies (a domain's reputation, not the IP's; a greylisting that Sisimai calls
    /// `blocked`).
    pub(crate) cause: Option<Cause>,
    pub(crate) source: String,
}

/// An enhanced-status-code rule (`status.toml`).
#[derive(Debug)]
pub(crate) struct StatusRule {
    pub(crate) id: String,
    /// The code pattern as written, e.g. `X.7.606-649`.
    pub(crate) code: String,
    /// `None`: class 4 or 5.
    pub(crate) class: Option<u8>,
    pub(crate) subject: u16,
    /// An inclusive range of details.
    pub(crate) details: (u16, u16),
    /// When not empty, the diagnostic must also contain one of these.
    pub(crate) needs_any: Vec<String>,
    /// When not empty, the SMTP command must start with one of these.
    pub(crate) commands: Vec<String>,
    pub(crate) reason: Reason,
    pub(crate) source: String,
}

impl StatusRule {
    /// `has_needed` says whether the diagnostic contains one of `needs_any` (or
    /// `needs_any` is empty).
    pub(crate) fn matches(&self, status: StatusCode, has_needed: bool, command: &str) -> bool {
        self.class.is_none_or(|class| class == status.class)
            && self.subject == status.subject
            && (self.details.0..=self.details.1).contains(&status.detail)
            && has_needed
            && command_matches(&self.commands, command)
    }
}

/// True when `commands` is empty or `command` starts with one of them.
pub(crate) fn command_matches(commands: &[String], command: &str) -> bool {
    commands.is_empty() || commands.iter().any(|c| command.starts_with(c.as_str()))
}

/// An SMTP reply-code rule (`reply.toml`).
#[derive(Debug)]
pub(crate) struct ReplyRule {
    pub(crate) id: String,
    pub(crate) code: u16,
    pub(crate) reason: Reason,
    pub(crate) source: String,
}

/// A rule about the circumstances of a failure (`context.toml`): when the reason
/// found so far is `found` and the circumstances match, the reason `becomes` another.
#[derive(Debug)]
pub(crate) struct ContextRule {
    pub(crate) id: String,
    pub(crate) found: Reason,
    pub(crate) commands: Vec<String>,
    pub(crate) unless_commands: Vec<String>,
    pub(crate) no_command: bool,
    pub(crate) vague_status: bool,
    pub(crate) subject: Option<u16>,
    pub(crate) unless_subject: Option<u16>,
    pub(crate) action: Option<Action>,
    pub(crate) needs_text: bool,
    /// The receiver's last answer was temporary: a 4xx reply code or a 4.X.X status.
    pub(crate) temporary: bool,
    pub(crate) unless_any: Vec<String>,
    pub(crate) becomes: Reason,
    pub(crate) source: String,
}

impl ContextRule {
    /// `has_unless` says whether the diagnostic contains one of `unless_any`.
    pub(crate) fn applies(
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
            && command_matches(&self.commands, command)
            && !self.unless_commands.iter().any(|c| command.starts_with(c.as_str()))
            && (!self.no_command || command.is_empty())
            && (!self.vague_status || vague)
            && self.subject.is_none_or(|s| subject == Some(s))
            && self.unless_subject.is_none_or(|s| subject != Some(s))
            && self.action.is_none_or(|a| a == report.action)
            && (!self.needs_text || !text.trim().is_empty())
            && (!self.temporary
                || report.status.is_some_and(|s| s.class == 4)
                || report.reply_code.is_some_and(|c| c / 100 == 4))
            && !has_unless
    }
}

/// An MTA family's own wording (`lhost/<family>.toml`).
#[derive(Debug)]
pub(crate) struct LhostRules {
    /// Generator names as `rebound_dsn` gives them (`"domino"`, `"ezweb"`, ...).
    pub(crate) generators: Vec<String>,
    pub(crate) rules: Vec<PhraseRule>,
}

/// A provider's own enhanced status code (or range of codes, as `4.7.850-899`) that
/// says why by itself.
#[derive(Debug)]
pub(crate) struct ProviderStatus {
    pub(crate) id: String,
    /// The code pattern as written.
    pub(crate) code: String,
    pub(crate) class: u8,
    pub(crate) subject: u16,
    /// An inclusive range of details.
    pub(crate) details: (u16, u16),
    pub(crate) reason: Reason,
    /// As [`PhraseRule::cause`].
    pub(crate) cause: Option<Cause>,
    pub(crate) source: String,
}

impl ProviderStatus {
    pub(crate) fn matches(&self, status: StatusCode) -> bool {
        self.class == status.class
            && self.subject == status.subject
            && (self.details.0..=self.details.1).contains(&status.detail)
    }
}

/// A receiving provider's facts and its own codes and wording (`provider/<id>.toml`,
/// read by `provider_file.rs`), recognised by the remote MTA's host name (a domain
/// suffix), by a token of the provider's in the diagnostic, or by the recipient's
/// domain for a notice (no SMTP codes).
#[derive(Debug)]
pub(crate) struct ProviderRules {
    pub(crate) facts: ProviderFacts,
    /// The host suffixes, tokens and recipient suffixes of the file and its variants,
    /// gathered by [`ProviderRules::gather`].
    pub(crate) hosts: Vec<String>,
    pub(crate) texts: Vec<String>,
    /// The recipient domain suffixes, when the file says they recognise a notice (a
    /// report with neither a status nor a reply code) for the engine; else empty.
    pub(crate) notice_recipients: Vec<String>,
    /// Tried first.
    pub(crate) statuses: Vec<ProviderStatus>,
    pub(crate) rules: Vec<PhraseRule>,
}

impl ProviderRules {
    pub(crate) fn new(
        facts: ProviderFacts,
        statuses: Vec<ProviderStatus>,
        rules: Vec<PhraseRule>,
    ) -> ProviderRules {
        let mut provider = ProviderRules {
            facts,
            hosts: Vec::new(),
            texts: Vec::new(),
            notice_recipients: Vec::new(),
            statuses,
            rules,
        };
        provider.gather();
        provider
    }

    /// Gathers the lists the engine matches from the facts (again, after a user's
    /// file changed them).
    pub(crate) fn gather(&mut self) {
        let facts = &self.facts;
        self.hosts = facts.all(|s| &s.hosts).cloned().collect();
        self.texts = facts.all(|s| &s.texts).cloned().collect();
        self.notice_recipients = match facts.recipients_in_notices {
            true => facts.all(|s| &s.recipients).cloned().collect(),
            false => Vec::new(),
        };
    }

    /// `notice_domain` is the recipient's domain when the report is a notice (no
    /// status, no reply code), else empty. `has_text` says whether the diagnostic
    /// contains one of `texts`.
    pub(crate) fn recognises(&self, host: &str, has_text: bool, notice_domain: &str) -> bool {
        self.hosts.iter().any(|s| domain_matches(host, s))
            || has_text
            || self.notice_recipients.iter().any(|s| domain_matches(notice_domain, s))
    }
}

/// Every rule, in the order tried.
#[derive(Debug, Default)]
pub(crate) struct RuleSet {
    pub(crate) providers: Vec<ProviderRules>,
    pub(crate) lhosts: Vec<LhostRules>,
    pub(crate) phrases: Vec<PhraseRule>,
    pub(crate) statuses: Vec<StatusRule>,
    pub(crate) replies: Vec<ReplyRule>,
    pub(crate) contexts: Vec<ContextRule>,
    pub(crate) autoreplies: Vec<PhraseRule>,
    /// What did not load; empty when every file is well formed.
    pub(crate) errors: Vec<RuleError>,
}

// The files' serde types. Unknown fields are errors, so that a misspelt matcher
// fails the tests instead of being silently ignored.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPhrase {
    id: String,
    reason: String,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: Vec<String>,
    cause: Option<String>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPhraseFile {
    #[serde(default)]
    pub(super) rule: Vec<RawPhrase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    id: String,
    code: String,
    reason: String,
    #[serde(default)]
    needs_any: Vec<String>,
    #[serde(default)]
    commands: Vec<String>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatusFile {
    #[serde(default)]
    rule: Vec<RawStatus>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReply {
    id: String,
    code: u16,
    reason: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReplyFile {
    #[serde(default)]
    rule: Vec<RawReply>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    id: String,
    found: String,
    #[serde(default)]
    commands: Vec<String>,
    #[serde(default)]
    unless_commands: Vec<String>,
    #[serde(default)]
    no_command: bool,
    #[serde(default)]
    vague_status: bool,
    subject: Option<u16>,
    unless_subject: Option<u16>,
    action: Option<String>,
    #[serde(default)]
    needs_text: bool,
    #[serde(default)]
    temporary: bool,
    #[serde(default)]
    unless_any: Vec<String>,
    becomes: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContextFile {
    #[serde(default)]
    rule: Vec<RawContext>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLhostFile {
    generators: Vec<String>,
    #[serde(default)]
    rule: Vec<RawPhrase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProviderStatus {
    id: String,
    code: String,
    reason: String,
    cause: Option<String>,
    source: String,
}

/// Loads one file's rows, checking each; the rows that fail are reported to
/// `errors` and left out.
pub(super) struct Loader<'a> {
    pub(super) file: &'a str,
    pub(super) errors: &'a mut Vec<RuleError>,
    /// The line of the row being read, when known (a user's file).
    pub(super) line: Option<usize>,
}

impl Loader<'_> {
    pub(super) fn error(&mut self, message: String) {
        let (file, line) = (self.file.to_string(), self.line);
        self.errors.push(RuleError { file, line, message });
    }

    /// Reads a file as `build.rs` hands it over: its TOML as JSON.
    fn parse<T: serde::de::DeserializeOwned>(&mut self, json: &str) -> Option<T> {
        serde_json::from_str(json).map_err(|e| self.error(e.to_string())).ok()
    }

    fn reason(&mut self, id: &str, name: &str) -> Option<Reason> {
        name.parse().map_err(|e| self.error(format!("{id}: {e}"))).ok()
    }

    /// A row's `cause`, when it names one: `Some(None)` when it names none, `None`
    /// when the name is no cause.
    fn cause(&mut self, id: &str, name: Option<&str>) -> Option<Option<Cause>> {
        match name {
            None => Some(None),
            Some(name) => name.parse().map(Some).map_err(|e| self.error(format!("{id}: {e}"))).ok(),
        }
    }

    /// The row's id and source must not be empty.
    fn named(&mut self, id: &str, source: &str) -> bool {
        if id.trim().is_empty() {
            self.error(format!("a row has no id (source {source:?})"));
            return false;
        }
        if source.trim().is_empty() {
            self.error(format!("{id}: no source"));
            return false;
        }
        true
    }

    /// Phrases are matched against the lower-cased diagnostic: each must be
    /// non-empty and lower case, or it could never match.
    pub(super) fn phrases(&mut self, id: &str, phrases: Vec<String>) -> Option<Vec<String>> {
        for phrase in &phrases {
            if phrase.is_empty() {
                self.error(format!("{id}: an empty phrase"));
                return None;
            }
            if phrase.to_lowercase() != *phrase {
                self.error(format!("{id}: phrase {phrase:?} is not lower case"));
                return None;
            }
        }
        Some(phrases)
    }

    /// SMTP commands are compared upper-cased.
    fn commands(&mut self, id: &str, commands: Vec<String>) -> Option<Vec<String>> {
        for command in &commands {
            if command.is_empty() || command.to_ascii_uppercase() != *command {
                self.error(format!("{id}: command {command:?} is not an upper-case word"));
                return None;
            }
        }
        Some(commands)
    }

    fn phrase_rule(&mut self, raw: RawPhrase) -> Option<PhraseRule> {
        if !self.named(&raw.id, &raw.source) {
            return None;
        }
        Some(PhraseRule {
            reason: self.reason(&raw.id, &raw.reason)?,
            cause: self.cause(&raw.id, raw.cause.as_deref())?,
            all: self.phrases(&raw.id, raw.all)?,
            any: self.phrases(&raw.id, raw.any)?,
            id: raw.id,
            source: raw.source,
        })
    }

    /// The rows of one table; `lines` places them (empty when unknown).
    pub(super) fn phrase_rules(
        &mut self,
        raws: Vec<RawPhrase>,
        lines: &[usize],
    ) -> Vec<PhraseRule> {
        let rules = raws
            .into_iter()
            .enumerate()
            .filter_map(|(index, raw)| {
                self.line = lines.get(index).copied();
                self.phrase_rule(raw)
            })
            .collect();
        self.line = None;
        rules
    }

    fn status_rule(&mut self, raw: RawStatus) -> Option<StatusRule> {
        if !self.named(&raw.id, &raw.source) {
            return None;
        }
        let Some((class, subject, details)) = parse_code_pattern(&raw.code) else {
            self.error(format!("{}: status code pattern {:?} is not valid", raw.id, raw.code));
            return None;
        };
        Some(StatusRule {
            class,
            subject,
            details,
            reason: self.reason(&raw.id, &raw.reason)?,
            needs_any: self.phrases(&raw.id, raw.needs_any)?,
            commands: self.commands(&raw.id, raw.commands)?,
            code: raw.code,
            id: raw.id,
            source: raw.source,
        })
    }

    fn reply_rule(&mut self, raw: RawReply) -> Option<ReplyRule> {
        if !self.named(&raw.id, &raw.source) {
            return None;
        }
        if !(200..600).contains(&raw.code) {
            self.error(format!("{}: reply code {} is not an SMTP reply code", raw.id, raw.code));
            return None;
        }
        Some(ReplyRule {
            reason: self.reason(&raw.id, &raw.reason)?,
            code: raw.code,
            id: raw.id,
            source: raw.source,
        })
    }

    fn context_rule(&mut self, raw: RawContext) -> Option<ContextRule> {
        if !self.named(&raw.id, &raw.source) {
            return None;
        }
        let action = match raw.action.as_deref() {
            None => None,
            Some(name) => match parse_action(name) {
                Some(action) => Some(action),
                None => {
                    self.error(format!("{}: {name:?} is not a DSN action", raw.id));
                    return None;
                }
            },
        };
        Some(ContextRule {
            found: self.reason(&raw.id, &raw.found)?,
            becomes: self.reason(&raw.id, &raw.becomes)?,
            commands: self.commands(&raw.id, raw.commands)?,
            unless_commands: self.commands(&raw.id, raw.unless_commands)?,
            unless_any: self.phrases(&raw.id, raw.unless_any)?,
            no_command: raw.no_command,
            vague_status: raw.vague_status,
            subject: raw.subject,
            unless_subject: raw.unless_subject,
            action,
            needs_text: raw.needs_text,
            temporary: raw.temporary,
            id: raw.id,
            source: raw.source,
        })
    }

    pub(super) fn provider_status(&mut self, raw: RawProviderStatus) -> Option<ProviderStatus> {
        if !self.named(&raw.id, &raw.source) {
            return None;
        }
        // A provider's code has its class: `X` (4 or 5) is for the registry's rows.
        let Some((Some(class), subject, details)) = parse_code_pattern(&raw.code) else {
            self.error(format!("{}: {:?} is not a status code or range", raw.id, raw.code));
            return None;
        };
        Some(ProviderStatus {
            class,
            subject,
            details,
            reason: self.reason(&raw.id, &raw.reason)?,
            cause: self.cause(&raw.id, raw.cause.as_deref())?,
            code: raw.code,
            id: raw.id,
            source: raw.source,
        })
    }
}

/// Reads a status code pattern: `CLASS.SUBJECT.DETAIL`, CLASS `X` (4 or 5), `4` or
/// `5`; DETAIL a number, an inclusive range `A-B`, or `*` (any).
fn parse_code_pattern(pattern: &str) -> Option<(Option<u8>, u16, (u16, u16))> {
    let mut parts = pattern.trim().split('.');
    let class = match parts.next()? {
        "X" | "x" => None,
        "4" => Some(4),
        "5" => Some(5),
        _ => return None,
    };
    let subject = parts.next()?.parse().ok()?;
    let detail = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let details = match detail.split_once('-') {
        _ if detail == "*" => (0, u16::MAX),
        Some((low, high)) => (low.parse().ok()?, high.parse().ok()?),
        None => {
            let detail = detail.parse().ok()?;
            (detail, detail)
        }
    };
    (details.0 <= details.1).then_some((class, subject, details))
}

/// A DSN action's name (RFC 3464 §2.3.3).
fn parse_action(name: &str) -> Option<Action> {
    match name {
        "failed" => Some(Action::Failed),
        "delayed" => Some(Action::Delayed),
        "delivered" => Some(Action::Delivered),
        "relayed" => Some(Action::Relayed),
        "expanded" => Some(Action::Expanded),
        _ => None,
    }
}

impl RuleSet {
    /// Loads `files` (path under `rules/`, the file's TOML as JSON or the TOML
    /// error), in the order given.
    pub(crate) fn load(files: &[(&str, Result<&str, &str>)]) -> RuleSet {
        let mut set = RuleSet::default();
        let mut errors = Vec::new();
        for &(file, json) in files {
            let mut loader = Loader { file, errors: &mut errors, line: None };
            match json {
                Ok(json) => set.load_file(&mut loader, json),
                Err(error) => loader.error(format!("not valid TOML: {error}")),
            }
        }
        set.errors = errors;
        set.check_ids();
        set
    }

    fn load_file(&mut self, loader: &mut Loader<'_>, text: &str) {
        let file = loader.file;
        if let Some(name) = file.strip_prefix("provider/") {
            let Some(raw) = loader.parse::<RawProviderFile>(text) else { return };
            if name.strip_suffix(".toml") != Some(raw.id.as_str()) {
                loader.error(format!("id {:?} is not the file's name", raw.id));
            }
            let (facts, statuses, rules) = loader.provider_file(raw, &RowLines::default());
            loader.check_facts(&facts);
            self.providers.push(ProviderRules::new(facts, statuses, rules));
        } else if file.starts_with("lhost/") {
            let Some(raw) = loader.parse::<RawLhostFile>(text) else { return };
            if raw.generators.is_empty() {
                loader.error("no generators".to_string());
                return;
            }
            let rules = loader.phrase_rules(raw.rule, &[]);
            self.lhosts.push(LhostRules { generators: raw.generators, rules });
        } else {
            match file {
                "phrases.toml" => {
                    let Some(raw) = loader.parse::<RawPhraseFile>(text) else { return };
                    self.phrases = loader.phrase_rules(raw.rule, &[]);
                }
                "autoreply.toml" => {
                    let Some(raw) = loader.parse::<RawPhraseFile>(text) else { return };
                    self.autoreplies = loader.phrase_rules(raw.rule, &[]);
                }
                "status.toml" => {
                    let Some(raw) = loader.parse::<RawStatusFile>(text) else { return };
                    self.statuses =
                        raw.rule.into_iter().filter_map(|r| loader.status_rule(r)).collect();
                }
                "reply.toml" => {
                    let Some(raw) = loader.parse::<RawReplyFile>(text) else { return };
                    self.replies =
                        raw.rule.into_iter().filter_map(|r| loader.reply_rule(r)).collect();
                }
                "context.toml" => {
                    let Some(raw) = loader.parse::<RawContextFile>(text) else { return };
                    self.contexts =
                        raw.rule.into_iter().filter_map(|r| loader.context_rule(r)).collect();
                }
                _ => loader.error("not a known rules file".to_string()),
            }
        }
    }

    /// Every rule's id and source, in the order tried.
    pub(crate) fn ids(&self) -> impl Iterator<Item = (&str, &str)> {
        fn phrase(rule: &PhraseRule) -> (&str, &str) {
            (&rule.id, &rule.source)
        }
        let providers = self.providers.iter().flat_map(move |p| {
            p.statuses
                .iter()
                .map(|s| (s.id.as_str(), s.source.as_str()))
                .chain(p.rules.iter().map(phrase))
        });
        providers
            .chain(self.lhosts.iter().flat_map(move |l| l.rules.iter().map(phrase)))
            .chain(self.phrases.iter().map(phrase))
            .chain(self.statuses.iter().map(|r| (r.id.as_str(), r.source.as_str())))
            .chain(self.replies.iter().map(|r| (r.id.as_str(), r.source.as_str())))
            .chain(self.contexts.iter().map(|r| (r.id.as_str(), r.source.as_str())))
            .chain(self.autoreplies.iter().map(phrase))
    }

    /// Every id must be unique: it names the rule in an explanation.
    fn check_ids(&mut self) {
        let mut seen = HashSet::new();
        let duplicates: Vec<String> =
            self.ids().filter(|(id, _)| !seen.insert(*id)).map(|(id, _)| id.to_string()).collect();
        for id in duplicates {
            let message = format!("id {id} is used twice");
            self.errors.push(RuleError { file: String::new(), line: None, message });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{command_matches, RuleSet};

    /// A made-up file's TOML as `build.rs` hands it over: as JSON, or the error.
    fn toml_as_json(text: &str) -> Result<String, String> {
        let value: toml::Value = toml::from_str(text).map_err(|e| e.to_string())?;
        serde_json::to_string(&value).map_err(|e| e.to_string())
    }

    /// Loads one made-up file.
    fn load(file: &str, text: &str) -> RuleSet {
        let json = toml_as_json(text);
        RuleSet::load(&[(file, json.as_deref().map_err(String::as_str))])
    }

    /// A made-up provider file `x`: `identity` (its name and source, or not), then
    /// `rest`.
    fn provider(identity: &str, rest: &str) -> String {
        format!("id = \"x\"\ncompany = \"X\"\n{identity}{rest}")
    }

    /// A made-up provider file whose advice is `advice`, then `rest`.
    fn advice(advice: &str, rest: &str) -> String {
        let advice = format!("[advice]\n{advice}\nsource = \"s\"\n");
        provider(
            "name = \"X\"\nsource = \"s\"\nrecipients = [\"x.example\"]\n",
            &format!("{rest}\n{advice}"),
        )
    }

    /// Loads one made-up file and returns its errors.
    fn errors_of(file: &str, text: &str) -> Vec<String> {
        load(file, text).errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_malformed_rules_file_is_an_error_not_a_panic() {
        let row =
            |extra: &str| format!("[[rule]]\nid = \"phrase.x\"\nreason = \"userunknown\"\n{extra}");
        // Well formed: no error.
        assert_eq!(
            errors_of("phrases.toml", &row("any = [\"x\"]\nsource = \"RFC 5321\"")),
            Vec::<String>::new()
        );
        let bad: &[(&str, String, &str)] = &[
            ("phrases.toml", row("any = [\"x\"]\nsource = \"\""), "no source"),
            ("phrases.toml", row("any = [\"x\"]"), "missing field `source`"),
            ("phrases.toml", row("any = [\"\"]\nsource = \"s\""), "empty phrase"),
            ("phrases.toml", row("any = [\"User\"]\nsource = \"s\""), "not lower case"),
            ("phrases.toml", row("anny = [\"x\"]\nsource = \"s\""), "unknown field"),
            ("phrases.toml", "[[rule]]\nid = \"a\"\nreason = \"nosuchreason\"\nsource = \"s\"".into(), "unknown bounce reason"),
            ("phrases.toml", row("any = [\"x\"]\ncause = \"spam\"\nsource = \"s\""), "unknown cause"),
            ("provider/x.toml", "id = \"x\"\nname = \"X\"\ncompany = \"X\"\nsource = \"s\"\nhosts = [\"x.example\"]\n[[status]]\nid = \"p\"\ncode = \"X.7.1\"\nreason = \"blocked\"\nsource = \"s\"".into(), "not a status code or range"),
            ("provider/x.toml", "id = \"x\"\nname = \"X\"\ncompany = \"X\"\nsource = \"s\"\nhosts = [\"x.example\"]\n[[status]]\nid = \"p\"\ncode = \"5.7.1\"\nreason = \"blocked\"\ncause = \"ip\"\nsource = \"s\"".into(), "unknown cause"),
            ("phrases.toml", "[[rule]\n".into(), "not valid TOML"),
            ("phrases.toml", format!("{}\n{}", row("source = \"s\""), row("source = \"s\"")), "used twice"),
            ("status.toml", "[[rule]]\nid = \"s\"\ncode = \"2.1.1\"\nreason = \"userunknown\"\nsource = \"s\"".into(), "not valid"),
            ("status.toml", "[[rule]]\nid = \"s\"\ncode = \"X.1.9-2\"\nreason = \"userunknown\"\nsource = \"s\"".into(), "not valid"),
            ("context.toml", "[[rule]]\nid = \"c\"\nfound = \"undefined\"\naction = \"late\"\nbecomes = \"expired\"\nsource = \"s\"".into(), "not a DSN action"),
            ("context.toml", "[[rule]]\nid = \"c\"\nfound = \"undefined\"\ncommands = [\"data\"]\nbecomes = \"expired\"\nsource = \"s\"".into(), "upper-case"),
            ("provider/x.toml", "[[rule]]\nid = \"p\"\nreason = \"blocked\"\nsource = \"s\"".into(), "missing field `id`"),
            ("provider/x.toml", provider("name = \"X\"\n", "recipients = [\"x.example\"]"), "missing field `source`"),
            ("provider/x.toml", provider("source = \"s\"\n", "recipients = [\"x.example\"]"), "no name"),
            ("provider/x.toml", provider("name = \"X\"\nsource = \"s\"\n", ""), "no hosts"),
            ("provider/y.toml", provider("name = \"X\"\nsource = \"s\"\n", "recipients = [\"x.example\"]"), "not the file's name"),
            ("provider/x.toml", provider("name = \"X\"\nsource = \"s\"\n", "hosts = [\"MX.Example\"]"), "not a lower-case domain"),
            ("provider/x.toml", provider("name = \"X\"\nsource = \"s\"\n", "recipients = [\"x.example\"]\nhelp_url = { url = \"ftp://x\", source = \"s\" }"), "not an http(s) URL"),
            ("provider/x.toml", advice("en = \"Ask {url}.\"\nja = \"{url} に依頼してください。\"", "help_url = { url = \"https://x.example\" }"), "missing field `source`"),
            ("provider/x.toml", advice("en = \"Ask about {ip}.\"", ""), "missing field `ja`"),
            ("provider/x.toml", advice("ja = \"依頼してください。\"", ""), "missing field `en`"),
            ("provider/x.toml", advice("en = \"\"\nja = \"依頼してください。\"", ""), "both en and ja"),
            ("provider/x.toml", advice("en = \"Ask about {ip}.\"\nja = \"依頼してください。\"", ""), "placeholders differ"),
            ("provider/x.toml", advice("en = \"Ask about {ipp}.\"\nja = \"{ipp} を依頼してください。\"", ""), "not one of"),
            ("provider/x.toml", advice("en = \"Ask about {ip}.\"\nja = \"Ask about {ip}.\"", ""), "no Japanese"),
            ("provider/x.toml", advice("en = \"Ask {url}.\"\nja = \"{url} に依頼してください。\"", ""), "no URL"),
            ("provider/x.toml", provider("name = \"X\"\nsource = \"s\"\n", "recipients = [\"x.example\"]\n[[variant]]\nid = \"v\"\nname = \"V\"\nsource = \"s\"\n[[variant]]\nid = \"v\"\nname = \"W\"\nsource = \"s\""), "used twice"),
            ("lhost/x.toml", "generators = []".into(), "no generators"),
            ("elsewhere.toml", String::new(), "not a known rules file"),
        ];
        for (file, text, want) in bad {
            let errors = errors_of(file, text);
            assert!(
                errors.iter().any(|e| e.contains(want)),
                "{file} {text:?}: {errors:?} lacks {want:?}"
            );
        }
    }

    #[test]
    fn a_provider_row_names_its_cause_and_a_range_of_codes() {
        let rules = load(
            "provider/x.toml",
            "id = \"x\"\nname = \"X\"\ncompany = \"X\"\nsource = \"s\"\nhosts = [\"x.example\"]\n\
             [[status]]\nid = \"s\"\ncode = \"4.7.850-899\"\nreason = \"badreputation\"\nsource = \"s\"\n\
             [[rule]]\nid = \"r\"\nreason = \"badreputation\"\ncause = \"sending_domain_blocklisted\"\n\
             any = [\"domain\"]\nsource = \"s\"",
        );
        assert!(rules.errors.is_empty(), "{:?}", rules.errors);
        let [provider] = &rules.providers[..] else { panic!("one provider") };
        let [status] = &provider.statuses[..] else { panic!("one status row") };
        let code = |text: &str| text.parse().unwrap();
        assert!(status.matches(code("4.7.850")) && status.matches(code("4.7.899")));
        assert!(!status.matches(code("5.7.850")) && !status.matches(code("4.7.900")));
        assert_eq!(status.cause, None);
        assert_eq!(provider.rules[0].cause, Some(crate::Cause::SendingDomainBlocklisted));
    }

    #[test]
    fn status_patterns_match_their_codes() {
        let rules = load(
            "status.toml",
            "[[rule]]\nid = \"a\"\ncode = \"4.7.500-699\"\nreason = \"ratelimited\"\nsource = \"s\"\n\
             [[rule]]\nid = \"b\"\ncode = \"X.6.*\"\nreason = \"contenterror\"\nsource = \"s\"\n\
             [[rule]]\nid = \"c\"\ncode = \"X.7.1\"\ncommands = [\"MAIL\"]\nreason = \"rejected\"\nsource = \"s\"",
        );
        assert!(rules.errors.is_empty(), "{:?}", rules.errors);
        let [a, b, c] = &rules.statuses[..] else { panic!("three rules") };
        let code = |text: &str| text.parse().unwrap();
        assert!(a.matches(code("4.7.500"), true, "") && a.matches(code("4.7.699"), true, ""));
        assert!(!a.matches(code("5.7.500"), true, "") && !a.matches(code("4.7.700"), true, ""));
        assert!(b.matches(code("5.6.0"), true, "") && b.matches(code("4.6.255"), true, ""));
        assert!(!b.matches(code("5.6.0"), false, ""), "needs_any not found");
        assert!(
            c.matches(code("5.7.1"), true, "MAIL FROM")
                && !c.matches(code("5.7.1"), true, "RCPT TO")
        );
        assert!(command_matches(&[], "") && !command_matches(&["DATA".into()], ""));
    }
}
