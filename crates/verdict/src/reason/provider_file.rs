//! Provider files (`rules/provider/<id>.toml`): one receiving provider or security
//! gateway each, its identity, recognition, links and advice (every fact with its
//! `source`) and its own reply codes and phrases.
//!
//! ```toml
//! id = "example"                          # the file's name; stable, used in JSON
//! name = "Example Mail"                   # shown to people
//! name_ja = "エグザンプル メール"          # in Japanese, when it differs
//! company = "Example"
//! gateway = false                         # true for gateways and reputation services
//! recipients_in_notices = false           # the recipients recognise a notice for the engine too
//! source = "provider-replies.md §0"       # where the facts above come from
//! hosts = ["example.net"]                 # remote MTA host suffixes
//! texts = ["postmaster.example.net"]      # tokens of its replies (lower case)
//! recipients = ["example.com"]            # recipient domain suffixes, looked at last
//! sender_support = { url = "https://postmaster.example.net/contact", source = "..." }
//! delist_url = { url = "https://postmaster.example.net/delist", source = "..." }
//! help_url = { url = "https://postmaster.example.net/errors", source = "..." }
//! advice = { en = "... {ip} ... {url} ...", ja = "... {ip} ... {url} ...", source = "..." }
//!
//! [[variant]]                             # a service whose advice differs
//! id = "example-business"
//! name = "Example Business Mail"
//! source = "..."
//! hosts = ["business.example.net"]        # and texts, recipients, links, advice
//!
//! [[status]]                              # its own enhanced status codes
//! [[rule]]                                # its own phrases
//! ```
//!
//! A variant takes what it does not say (company, links, advice) from the file.
//! The reason engine recognises the provider by every host, token and recipient
//! domain of the file and its variants; [`crate::provider_of`] then picks the variant.

use serde::Deserialize;

use super::rules::{Loader, PhraseRule, ProviderStatus, RawPhrase, RawProviderStatus};
use crate::provider::{Advice, Link, ProviderFacts, Service};

/// A link with its source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLink {
    url: String,
    source: String,
}

/// Advice templates with their source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAdvice {
    en: String,
    ja: String,
    source: String,
}

/// A provider file as written. `name` and `company` may be left out only by a user's
/// file that adds to a provider the built-in files already have.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProviderFile {
    pub(super) id: String,
    name: Option<String>,
    name_ja: Option<String>,
    company: Option<String>,
    gateway: Option<bool>,
    recipients_in_notices: Option<bool>,
    source: String,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    texts: Vec<String>,
    #[serde(default)]
    recipients: Vec<String>,
    sender_support: Option<RawLink>,
    delist_url: Option<RawLink>,
    help_url: Option<RawLink>,
    advice: Option<RawAdvice>,
    #[serde(default)]
    pub(super) variant: Vec<RawVariant>,
    #[serde(default)]
    pub(super) status: Vec<RawProviderStatus>,
    #[serde(default)]
    pub(super) rule: Vec<RawPhrase>,
}

/// One `[[variant]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariant {
    id: String,
    name: String,
    name_ja: Option<String>,
    company: Option<String>,
    source: String,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    texts: Vec<String>,
    #[serde(default)]
    recipients: Vec<String>,
    sender_support: Option<RawLink>,
    delist_url: Option<RawLink>,
    help_url: Option<RawLink>,
    advice: Option<RawAdvice>,
}

/// The lines of a user's file's rows, for its error messages: the `n`th `[[rule]]`,
/// `[[status]]` and `[[variant]]` start on these lines (1-based).
#[derive(Debug, Default)]
pub(super) struct RowLines {
    pub(super) rule: Vec<usize>,
    pub(super) status: Vec<usize>,
    pub(super) variant: Vec<usize>,
}

/// The placeholders an advice may use: the sending IP address and
/// `Provider::advice_url`.
const PLACEHOLDERS: &[&str] = &["ip", "url"];

/// The `{name}` placeholders of a template, sorted, with no repeats.
fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// True when `text` has a kana or kanji: a sentence with none is no Japanese.
pub(super) fn has_japanese(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'))
}

impl Loader<'_> {
    /// A host or recipient suffix: a lower-case domain name without a leading or
    /// trailing dot, or it could never match.
    fn domains(&mut self, id: &str, what: &str, domains: Vec<String>) -> Vec<String> {
        let (good, bad): (Vec<String>, Vec<String>) = domains.into_iter().partition(|d| {
            !d.is_empty()
                && !d.starts_with('.')
                && !d.ends_with('.')
                && d.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b))
        });
        for domain in bad {
            self.error(format!("{id}: {what} {domain:?} is not a lower-case domain name"));
        }
        good
    }

    fn link(&mut self, id: &str, what: &str, raw: Option<RawLink>) -> Option<Link> {
        let raw = raw?;
        if !(raw.url.starts_with("https://") || raw.url.starts_with("http://")) {
            self.error(format!("{id}: {what} {:?} is not an http(s) URL", raw.url));
            return None;
        }
        if raw.source.trim().is_empty() {
            self.error(format!("{id}: {what} has no source"));
            return None;
        }
        Some(Link { url: raw.url })
    }

    /// An advice needs both languages, the same placeholders in both, only known
    /// placeholders, Japanese in its Japanese, and a source.
    fn advice(&mut self, id: &str, raw: Option<RawAdvice>) -> Option<Advice> {
        let raw = raw?;
        let problem = if raw.en.trim().is_empty() || raw.ja.trim().is_empty() {
            Some("advice needs both en and ja".to_string())
        } else if placeholders(&raw.en) != placeholders(&raw.ja) {
            Some(format!(
                "advice placeholders differ: en {:?}, ja {:?}",
                placeholders(&raw.en),
                placeholders(&raw.ja)
            ))
        } else if let Some(name) =
            placeholders(&raw.en).into_iter().find(|name| !PLACEHOLDERS.contains(name))
        {
            Some(format!("advice placeholder {{{name}}} is not one of {{ip}}, {{url}}"))
        } else if !has_japanese(&raw.ja) {
            Some("advice ja has no Japanese".to_string())
        } else if raw.source.trim().is_empty() {
            Some("advice has no source".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            self.error(format!("{id}: {problem}"));
            return None;
        }
        Some(Advice { en: raw.en, ja: raw.ja, source: raw.source })
    }

    fn variant(&mut self, file: &str, raw: RawVariant) -> Option<Service> {
        let id = format!("{file} variant {}", raw.id);
        if raw.id.trim().is_empty() || raw.name.trim().is_empty() || raw.source.trim().is_empty() {
            self.error(format!("{id}: a variant needs an id, a name and a source"));
            return None;
        }
        Some(Service {
            hosts: self.domains(&id, "host", raw.hosts),
            texts: self.phrases(&id, raw.texts).unwrap_or_default(),
            recipients: self.domains(&id, "recipient", raw.recipients),
            sender_support: self.link(&id, "sender_support", raw.sender_support),
            delist_url: self.link(&id, "delist_url", raw.delist_url),
            help_url: self.link(&id, "help_url", raw.help_url),
            advice: self.advice(&id, raw.advice),
            id: raw.id,
            name: raw.name,
            name_ja: raw.name_ja,
            company: raw.company.unwrap_or_default(),
            source: raw.source,
        })
    }

    /// A provider file's facts, statuses and rules, checked; `lines` places its rows
    /// (empty for the built-in files, whose errors need no line).
    pub(super) fn provider_file(
        &mut self,
        raw: RawProviderFile,
        lines: &RowLines,
    ) -> (ProviderFacts, Vec<ProviderStatus>, Vec<PhraseRule>) {
        let id = raw.id;
        if raw.source.trim().is_empty() {
            self.error(format!("{id}: no source"));
        }
        let base = Service {
            id: id.clone(),
            name: raw.name.unwrap_or_default(),
            name_ja: raw.name_ja,
            company: raw.company.unwrap_or_default(),
            source: raw.source,
            hosts: self.domains(&id, "host", raw.hosts),
            texts: self.phrases(&id, raw.texts).unwrap_or_default(),
            recipients: self.domains(&id, "recipient", raw.recipients),
            sender_support: self.link(&id, "sender_support", raw.sender_support),
            delist_url: self.link(&id, "delist_url", raw.delist_url),
            help_url: self.link(&id, "help_url", raw.help_url),
            advice: self.advice(&id, raw.advice),
        };
        let mut variants = Vec::new();
        for (index, variant) in raw.variant.into_iter().enumerate() {
            self.line = lines.variant.get(index).copied();
            variants.extend(self.variant(&id, variant));
        }
        let mut statuses = Vec::new();
        for (index, status) in raw.status.into_iter().enumerate() {
            self.line = lines.status.get(index).copied();
            statuses.extend(self.provider_status(status));
        }
        let rules = self.phrase_rules(raw.rule, &lines.rule);
        self.line = None;
        let facts = ProviderFacts {
            id,
            gateway: raw.gateway.unwrap_or(false),
            recipients_in_notices: raw.recipients_in_notices.unwrap_or(false),
            base,
            variants,
        };
        (facts, statuses, rules)
    }

    /// What a provider's facts must say once complete (a user's file may complete a
    /// built-in provider's): a name, a company, something that recognises it, variants
    /// with distinct ids, and a URL for every advice that has a `{url}`.
    pub(super) fn check_facts(&mut self, facts: &ProviderFacts) {
        let id = &facts.id;
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b))
        {
            self.error(format!("provider id {id:?} is not a lower-case word"));
        }
        if facts.base.name.trim().is_empty() {
            self.error(format!("{id}: no name"));
        }
        if facts.base.company.trim().is_empty() {
            self.error(format!("{id}: no company"));
        }
        let recognised = facts
            .services()
            .any(|s| !(s.hosts.is_empty() && s.texts.is_empty() && s.recipients.is_empty()));
        if !recognised {
            self.error(format!("{id}: no hosts, texts or recipients"));
        }
        if facts.recipients_in_notices && facts.all(|s| &s.recipients).next().is_none() {
            self.error(format!("{id}: recipients_in_notices without recipients"));
        }
        let mut seen = std::collections::HashSet::new();
        for variant in &facts.variants {
            if !seen.insert(variant.id.as_str()) {
                self.error(format!("{id}: variant id {:?} is used twice", variant.id));
            }
        }
        for service in facts.services() {
            let url = [&service.delist_url, &service.sender_support, &service.help_url]
                .into_iter()
                .chain([&facts.base.delist_url, &facts.base.sender_support, &facts.base.help_url])
                .any(Option::is_some);
            let advice = service.advice.as_ref().or(facts.base.advice.as_ref());
            if advice.is_some_and(|a| placeholders(&a.en).contains(&"url")) && !url {
                self.error(format!("{id}: {}'s advice has {{url}} but no URL", service.id));
            }
        }
    }
}

/// Lays `patch`, a user's file about a provider the rules have already, over `facts`:
/// what it names replaces, its hosts, texts and recipients come first, and its
/// variants replace those with their ids or come first.
pub(super) fn patch_facts(facts: &mut ProviderFacts, patch: ProviderFacts, given: Given) {
    let base = &mut facts.base;
    let new = patch.base;
    if given.name {
        base.name = new.name;
    }
    if new.name_ja.is_some() {
        base.name_ja = new.name_ja;
    }
    if given.company {
        base.company = new.company;
    }
    if given.gateway {
        facts.gateway = patch.gateway;
    }
    if given.recipients_in_notices {
        facts.recipients_in_notices = patch.recipients_in_notices;
    }
    base.source = format!("{}; {}", new.source, base.source);
    for (list, added) in [
        (&mut base.hosts, new.hosts),
        (&mut base.texts, new.texts),
        (&mut base.recipients, new.recipients),
    ] {
        list.splice(0..0, added);
    }
    for (slot, link) in [
        (&mut base.sender_support, new.sender_support),
        (&mut base.delist_url, new.delist_url),
        (&mut base.help_url, new.help_url),
    ] {
        if link.is_some() {
            *slot = link;
        }
    }
    if new.advice.is_some() {
        base.advice = new.advice;
    }
    let mut front = Vec::new();
    for variant in patch.variants {
        match facts.variants.iter_mut().find(|v| v.id == variant.id) {
            Some(slot) => *slot = variant,
            None => front.push(variant),
        }
    }
    facts.variants.splice(0..0, front);
}

/// Which of the optional identity fields a user's file gave.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Given {
    pub(super) name: bool,
    pub(super) company: bool,
    pub(super) gateway: bool,
    pub(super) recipients_in_notices: bool,
}

impl RawProviderFile {
    pub(super) fn given(&self) -> Given {
        Given {
            name: self.name.is_some(),
            company: self.company.is_some(),
            gateway: self.gateway.is_some(),
            recipients_in_notices: self.recipients_in_notices.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{has_japanese, placeholders};

    #[test]
    fn placeholders_are_the_names_in_braces() {
        assert_eq!(placeholders("Ask {url} about {ip}, then {ip} again."), ["ip", "url"]);
        assert_eq!(placeholders("no placeholder"), Vec::<&str>::new());
        assert_eq!(placeholders("{unclosed"), Vec::<&str>::new());
    }

    #[test]
    fn japanese_needs_kana_or_kanji() {
        assert!(has_japanese("解除を依頼してください。"));
        assert!(has_japanese("メール"));
        assert!(!has_japanese("Please ask {url}."));
        assert!(!has_japanese("（）、。"));
    }
}
