//! Rules files a user adds to the built-in ones (`rebound diagnose --rules FILE`),
//! before the rules are first used.
//!
//! A file added is checked at once against the built-in rules and the files added
//! before it, and refused with the line at fault; the rules, loaded on first use, then
//! take the files in the order they were added.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use serde::Deserialize;

use super::provider_file::{patch_facts, RawProviderFile, RowLines};
use super::rules::{
    Loader, PhraseRule, ProviderRules, RawPhraseFile, RuleError, RuleSet, RULE_FILES,
};

/// Why a rules file given to [`add_rules_file`] was refused.
///
/// ```
/// use rebound_verdict::{add_rules_file, RulesFileError};
///
/// let err = add_rules_file("mine.toml", "[[rule]]\nid = \"x\"\nreason = \"nosuch\"\nsource = \"s\"\n")
///     .unwrap_err();
/// let RulesFileError::Invalid { file, line, message } = &err else { panic!("{err}") };
/// assert_eq!((file.as_str(), *line), ("mine.toml", 1));
/// assert!(message.contains("nosuch"), "{message}");
/// assert!(err.to_string().starts_with("mine.toml:1: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RulesFileError {
    /// The file is not valid TOML, or a row or field in it is wrong.
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// The file's name as the caller gave it.
        file: String,
        /// The line at fault (1-based): the TOML error's, or the first line of the
        /// row at fault, or 1 for the file as a whole.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The rules were already in use: files must be added before the first
    /// classification.
    #[error("{file}: rules files must be added before the first classification")]
    TooLate {
        /// The file's name as the caller gave it.
        file: String,
    },
}

/// The files added so far, and whether the rules were loaded (with them) already.
struct Added {
    loaded: bool,
    files: Vec<(String, String)>,
}

static ADDED: Mutex<Added> = Mutex::new(Added { loaded: false, files: Vec::new() });

/// Adds a rules file to the built-in rules. It must be called before the first
/// classification (or [`crate::provider_of`], or [`crate::decide`]); after, it
/// returns [`RulesFileError::TooLate`]. `path_for_messages` names the file in errors;
/// `text` is its TOML.
///
/// A file has one of two shapes, both those of the built-in files:
///
/// * a **phrases file**, `[[rule]]` rows as in `rules/phrases.toml` (`id`, `reason`,
///   `all`, `any`, `source`): its new rows are tried before the built-in phrases;
/// * a **provider file**, as in `rules/provider/<id>.toml`: an `id`, a `source`, and
///   for a provider the built-in files lack also a `name`, a `company` and `hosts`,
///   `texts` or `recipients` that recognise it; then its `[[status]]` and `[[rule]]`
///   rows (and optionally `name_ja`, `gateway`, links, `advice`, `[[variant]]`s).
///   With the `id` of a built-in provider it adds to that provider: what it names
///   replaces, its hosts, texts and rows come first.
///
/// A row whose `id` is a rule's already replaces that rule where it stands; the other
/// rows come before the rows of their kind, those of a file added later before those
/// of one added earlier. A file with an error is refused whole, with the line at
/// fault: a TOML error's own, else the row's (an unknown reason, field or phrase in
/// upper case), else 1.
///
/// ```
/// use rebound_dsn::RecipientReport;
/// use rebound_verdict::{add_rules_file, classify, provider_of, Reason, RulesFileError};
///
/// // A phrases file.
/// add_rules_file("ours.toml", r#"
/// [[rule]]
/// id = "ours.quota"
/// reason = "mailboxfull"
/// any = ["drawer is full"]
/// source = "our own MTA's message"
/// "#)?;
///
/// // A provider file about a provider the built-in files lack.
/// add_rules_file("example-isp.toml", r#"
/// id = "example-isp"
/// name = "Example ISP"
/// company = "Example"
/// source = "Example ISP's postmaster page"
/// hosts = ["mx.example-isp.net"]
///
/// [[rule]]
/// id = "provider.example-isp.blocked"
/// reason = "blocked"
/// any = ["ex-bl-01"]
/// source = "Example ISP's postmaster page: code EX-BL-01"
/// "#)?;
///
/// // A bad file is refused, naming its line.
/// let err = add_rules_file("bad.toml", "[[rule]]\nid = \"b\"\nreason = \"blocked\"\nsource = \"s\"\nanny = [\"x\"]\n");
/// assert!(err.unwrap_err().to_string().starts_with("bad.toml:5: "));
///
/// let mut report = RecipientReport::default();
/// report.diagnostic = Some("552 Sorry, the drawer is full".into());
/// assert_eq!(classify(&report), Reason::MailboxFull);
/// report.remote_mta = Some("mx.example-isp.net".into());
/// report.diagnostic = Some("554 Refused (EX-BL-01)".into());
/// assert_eq!(classify(&report), Reason::Blocked);
/// assert_eq!(provider_of(&report).unwrap().name, "Example ISP");
///
/// // The rules are in use now.
/// let late = add_rules_file("late.toml", "[[rule]]\nid = \"l\"\nreason = \"blocked\"\nsource = \"s\"\n");
/// assert!(matches!(late, Err(RulesFileError::TooLate { .. })));
/// # Ok::<(), RulesFileError>(())
/// ```
pub fn add_rules_file(path_for_messages: &str, text: &str) -> Result<(), RulesFileError> {
    let mut added = ADDED.lock().unwrap_or_else(PoisonError::into_inner);
    check_against(&added, path_for_messages, text)?;
    added.files.push((path_for_messages.to_string(), text.to_string()));
    Ok(())
}

/// Checks a rules file exactly as [`add_rules_file`] would, with the same errors,
/// without adding it: for a program that validates a file before it uses it (and
/// for the fuzz target, which must not pile files up).
///
/// ```
/// use rebound_verdict::{check_rules_file, RulesFileError};
///
/// let good = "[[rule]]\nid = \"ours.quota\"\nreason = \"mailboxfull\"\n\
///     any = [\"drawer is full\"]\nsource = \"our own MTA\"\n";
/// assert_eq!(check_rules_file("ours.toml", good), Ok(()));
/// let err = check_rules_file("bad.toml", "[[rule]]\nid = \"b\"\nreason = \"nosuch\"\n");
/// assert!(matches!(err, Err(RulesFileError::Invalid { line: 1, .. })), "{err:?}");
/// assert!(check_rules_file("broken.toml", "a = [").is_err());
/// ```
///
/// # Errors
/// Those of [`add_rules_file`].
pub fn check_rules_file(path_for_messages: &str, text: &str) -> Result<(), RulesFileError> {
    let added = ADDED.lock().unwrap_or_else(PoisonError::into_inner);
    check_against(&added, path_for_messages, text)
}

fn check_against(added: &Added, path_for_messages: &str, text: &str) -> Result<(), RulesFileError> {
    if added.loaded {
        return Err(RulesFileError::TooLate { file: path_for_messages.to_string() });
    }
    // Checked against what the rules will be when this file's turn comes.
    let mut rules = RuleSet::load(RULE_FILES);
    for (file, text) in &added.files {
        // Each was checked when added: the same steps give the same answer.
        let _ = apply(&mut rules, file, text);
    }
    apply(&mut rules, path_for_messages, text)
}

/// Applies the files added to `rules`, the rules being loaded for use, and refuses any
/// file added from now on.
pub(super) fn apply_added(rules: &mut RuleSet) {
    let mut added = ADDED.lock().unwrap_or_else(PoisonError::into_inner);
    added.loaded = true;
    for (file, text) in &added.files {
        if let Err(error) = apply(rules, file, text) {
            let (line, message) = match error {
                RulesFileError::Invalid { line, message, .. } => (Some(line), message),
                other => (None, other.to_string()),
            };
            rules.errors.push(RuleError { file: file.clone(), line, message });
        }
    }
}

/// The line (1-based) of byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// Where each row of a table array starts.
#[derive(Deserialize, Default)]
struct Spans {
    #[serde(default)]
    rule: Vec<toml::Spanned<toml::Value>>,
    #[serde(default)]
    status: Vec<toml::Spanned<toml::Value>>,
    #[serde(default)]
    variant: Vec<toml::Spanned<toml::Value>>,
}

fn row_lines(text: &str) -> RowLines {
    let spans: Spans = toml::from_str(text).unwrap_or_default();
    let lines = |rows: &[toml::Spanned<toml::Value>]| {
        rows.iter().map(|row| line_of(text, row.span().start)).collect()
    };
    RowLines {
        rule: lines(&spans.rule),
        status: lines(&spans.status),
        variant: lines(&spans.variant),
    }
}

/// What kind of rule an id names: the kinds a user's row may replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A `[[rule]]` of any file.
    Phrase,
    /// A provider's `[[status]]`.
    ProviderStatus,
    /// A row of `status.toml`, `reply.toml` or `context.toml`.
    Other,
}

fn kinds(rules: &RuleSet) -> HashMap<&str, Kind> {
    let phrases = rules
        .providers
        .iter()
        .flat_map(|p| &p.rules)
        .chain(rules.lhosts.iter().flat_map(|l| &l.rules))
        .chain(&rules.phrases)
        .chain(&rules.autoreplies)
        .map(|r| (r.id.as_str(), Kind::Phrase));
    let statuses = rules
        .providers
        .iter()
        .flat_map(|p| &p.statuses)
        .map(|r| (r.id.as_str(), Kind::ProviderStatus));
    let others = rules
        .statuses
        .iter()
        .map(|r| r.id.as_str())
        .chain(rules.replies.iter().map(|r| r.id.as_str()))
        .chain(rules.contexts.iter().map(|r| r.id.as_str()))
        .map(|id| (id, Kind::Other));
    phrases.chain(statuses).chain(others).collect()
}

/// Puts `rule` in the place of the phrase rule with its id; gives it back when there
/// is none.
fn replace_phrase(rules: &mut RuleSet, rule: PhraseRule) -> Option<PhraseRule> {
    let slot = rules
        .providers
        .iter_mut()
        .flat_map(|p| p.rules.iter_mut())
        .chain(rules.lhosts.iter_mut().flat_map(|l| l.rules.iter_mut()))
        .chain(rules.phrases.iter_mut())
        .chain(rules.autoreplies.iter_mut())
        .find(|r| r.id == rule.id);
    match slot {
        Some(slot) => {
            *slot = rule;
            None
        }
        None => Some(rule),
    }
}

/// Checks one user's file against `rules` and applies it; on an error, `rules` may be
/// half changed (the caller drops it).
fn apply(rules: &mut RuleSet, file: &str, text: &str) -> Result<(), RulesFileError> {
    let invalid = |line: usize, message: String| RulesFileError::Invalid {
        file: file.to_string(),
        line,
        message,
    };
    let toml_error = |error: toml::de::Error| {
        let line = error.span().map_or(1, |span| line_of(text, span.start));
        invalid(line, error.message().to_string())
    };
    let table: toml::Table = toml::from_str(text).map_err(toml_error)?;
    let lines = row_lines(text);
    let mut errors = Vec::new();
    let first_error = |errors: Vec<RuleError>| match errors.into_iter().next() {
        Some(error) => Err(invalid(error.line.unwrap_or(1), error.message)),
        None => Ok(()),
    };
    let mut loader = Loader { file, errors: &mut errors, line: None };

    let (provider, statuses, phrases) = if table.contains_key("id") {
        let raw: RawProviderFile = toml::from_str(text).map_err(toml_error)?;
        let given = raw.given();
        let (facts, statuses, phrases) = loader.provider_file(raw, &lines);
        (Some((facts, given)), statuses, phrases)
    } else {
        let raw: RawPhraseFile = toml::from_str(text).map_err(toml_error)?;
        if raw.rule.is_empty() {
            return Err(invalid(1, "neither [[rule]] rows nor a provider's id".to_string()));
        }
        (None, Vec::new(), loader.phrase_rules(raw.rule, &lines.rule))
    };
    first_error(errors)?;

    // An id may replace a rule of its own kind, and appear once in the file.
    let existing = kinds(rules);
    let mut seen = HashSet::new();
    let rows = phrases
        .iter()
        .map(|r| (r.id.as_str(), Kind::Phrase))
        .zip(lines.rule.iter().copied())
        .chain(
            statuses
                .iter()
                .map(|r| (r.id.as_str(), Kind::ProviderStatus))
                .zip(lines.status.iter().copied()),
        );
    for ((id, kind), line) in rows {
        if !seen.insert(id) {
            return Err(invalid(line, format!("id {id} is used twice")));
        }
        if let Some(theirs) = existing.get(id).filter(|theirs| **theirs != kind) {
            let what = match theirs {
                Kind::Phrase => "a [[rule]]",
                Kind::ProviderStatus => "a provider's [[status]]",
                Kind::Other => "a status, reply or context rule",
            };
            return Err(invalid(line, format!("id {id} is {what}'s: this row cannot replace it")));
        }
    }
    drop(existing);

    let mut new_phrases = Vec::new();
    for rule in phrases {
        new_phrases.extend(replace_phrase(rules, rule));
    }
    let Some((facts, given)) = provider else {
        rules.phrases.splice(0..0, new_phrases);
        return Ok(());
    };
    let mut new_statuses = Vec::new();
    for status in statuses {
        let slot = rules
            .providers
            .iter_mut()
            .flat_map(|p| p.statuses.iter_mut())
            .find(|s| s.id == status.id);
        match slot {
            Some(slot) => *slot = status,
            None => new_statuses.push(status),
        }
    }
    let mut errors = Vec::new();
    let mut loader = Loader { file, errors: &mut errors, line: None };
    match rules.providers.iter_mut().find(|p| p.facts.id == facts.id) {
        Some(provider) => {
            patch_facts(&mut provider.facts, facts, given);
            loader.check_facts(&provider.facts);
            provider.gather();
            provider.statuses.splice(0..0, new_statuses);
            provider.rules.splice(0..0, new_phrases);
        }
        None => {
            loader.check_facts(&facts);
            rules.providers.insert(0, ProviderRules::new(facts, new_statuses, new_phrases));
        }
    }
    first_error(errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::rules::RULE_FILES;

    fn built_in() -> RuleSet {
        RuleSet::load(RULE_FILES)
    }

    fn error_of(text: &str) -> (usize, String) {
        match apply(&mut built_in(), "mine.toml", text) {
            Err(RulesFileError::Invalid { line, message, .. }) => (line, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bad_file_names_its_line() {
        let row =
            "[[rule]]\nid = \"mine.a\"\nreason = \"blocked\"\nany = [\"abc\"]\nsource = \"s\"\n";
        assert_eq!(error_of("[[rule]\nid = 1\n").0, 1, "a TOML syntax error");
        assert_eq!(
            error_of(&format!(
                "{row}\n[[rule]]\nid = \"mine.b\"\nreason = \"nosuch\"\nsource = \"s\"\n"
            ))
            .0,
            7
        );
        let (line, message) =
            error_of(&format!("{row}\n[[rule]]\nid = \"mine.b\"\nreason = \"blocked\"\nsource = \"s\"\nanny = [\"x\"]\n"));
        assert_eq!(line, 11, "{message}");
        assert!(message.contains("anny"), "{message}");
        let (line, message) = error_of(&format!("{row}{}", row.replace("blocked", "expired")));
        assert_eq!(line, 6, "{message}");
        assert!(message.contains("used twice"), "{message}");
        let (line, message) = error_of("\n[[rule]]\nid = \"mine.c\"\nreason = \"blocked\"\nany = [\"Upper\"]\nsource = \"s\"\n");
        assert_eq!(line, 2, "{message}");
        assert!(message.contains("lower case"), "{message}");
        // A phrase row may not take the id of a status rule.
        let (line, message) =
            error_of("[[rule]]\nid = \"status.x.1.1\"\nreason = \"blocked\"\nsource = \"s\"\n");
        assert_eq!(line, 1);
        assert!(message.contains("cannot replace"), "{message}");
        // A new provider needs a name, a company and something that recognises it.
        let (_, message) =
            error_of("id = \"newisp\"\nsource = \"s\"\nhosts = [\"newisp.example\"]\n");
        assert!(message.contains("no name"), "{message}");
        let (_, message) =
            error_of("id = \"newisp\"\nname = \"N\"\ncompany = \"N\"\nsource = \"s\"\n");
        assert!(message.contains("no hosts"), "{message}");
        let (line, message) = error_of("id = \"google\"\nsource = \"s\"\n\n[[status]]\nid = \"g\"\ncode = \"5.9.9.9\"\nreason = \"blocked\"\nsource = \"s\"\n");
        assert_eq!(line, 4, "{message}");
        assert_eq!(error_of("").1, "neither [[rule]] rows nor a provider's id");
    }

    #[test]
    fn rows_replace_by_id_or_come_first() {
        let mut rules = built_in();
        let before = rules.phrases.len();
        let second = rules.phrases[1].id.clone();
        let text = format!(
            "[[rule]]\nid = \"mine.new\"\nreason = \"expired\"\nany = [\"abc\"]\nsource = \"s\"\n\n\
             [[rule]]\nid = \"{second}\"\nreason = \"expired\"\nany = [\"xyz\"]\nsource = \"s\"\n"
        );
        apply(&mut rules, "mine.toml", &text).unwrap();
        assert_eq!(rules.phrases.len(), before + 1);
        assert_eq!(rules.phrases[0].id, "mine.new");
        assert_eq!(
            (rules.phrases[2].id.as_str(), rules.phrases[2].any.as_slice()),
            (second.as_str(), ["xyz".to_string()].as_slice())
        );

        // More for a built-in provider: its lists and rows come first, its name stays.
        let google = "id = \"google\"\nsource = \"s\"\ntexts = [\"gmail-special\"]\n\
            [[rule]]\nid = \"mine.google\"\nreason = \"blocked\"\nany = [\"abc\"]\nsource = \"s\"\n\
            [[rule]]\nid = \"provider.google.no-such-account\"\nreason = \"expired\"\nany = [\"abc\"]\nsource = \"s\"\n";
        apply(&mut rules, "google.toml", google).unwrap();
        let provider = rules.providers.iter().find(|p| p.facts.id == "google").unwrap();
        assert_eq!(provider.facts.base.name, "Google (Gmail / Google Workspace)");
        assert_eq!(provider.texts[0], "gmail-special");
        assert_eq!(provider.rules[0].id, "mine.google");
        let replaced =
            provider.rules.iter().find(|r| r.id == "provider.google.no-such-account").unwrap();
        assert_eq!(replaced.reason, crate::Reason::Expired);
        assert!(rules.errors.is_empty(), "{:?}", rules.errors);

        // A new provider is tried before the built-in ones.
        let new = "id = \"newisp\"\nname = \"New ISP\"\ncompany = \"New\"\nsource = \"s\"\nhosts = [\"newisp.example\"]\n";
        apply(&mut rules, "new.toml", new).unwrap();
        assert_eq!(rules.providers[0].facts.id, "newisp");
        assert_eq!(rules.providers[0].hosts, ["newisp.example"]);
    }

    #[test]
    fn a_file_is_too_late_once_the_rules_are_in_use() {
        let _ = &*crate::reason::rules::RULES;
        let err = add_rules_file(
            "late.toml",
            "[[rule]]\nid = \"l\"\nreason = \"blocked\"\nsource = \"s\"\n",
        );
        assert_eq!(err, Err(RulesFileError::TooLate { file: "late.toml".into() }));
    }
}
