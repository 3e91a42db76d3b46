//! The provider files as data: every provider the issue names has one, every file
//! names itself with its source, and every advice reads in both languages.

use super::provider_file::has_japanese;
use super::rules::RULES;
use crate::provider::{ProviderFacts, Service};

/// The stable ids a user can rely on in JSON (issue 10, "One provider, one file").
const REQUIRED: &[&str] = &[
    "microsoft",
    "google",
    "yahoo",
    "apple",
    "comcast",
    "att",
    "proofpoint",
    "mimecast",
    "barracuda",
    "cisco",
    "cloudmark",
    "trendmicro",
    "gmx",
    "t-online",
    "orange",
    "docomo",
    "kddi",
    "softbank",
    "ocn",
    "biglobe",
];

/// The gateways and reputation services of provider-replies.md §7 that have a file.
const GATEWAYS: &[&str] =
    &["proofpoint", "mimecast", "barracuda", "cisco", "trendmicro", "cloudmark", "messagelabs"];

fn providers() -> impl Iterator<Item = &'static ProviderFacts> {
    RULES.providers.iter().map(|p| &p.facts)
}

fn services() -> impl Iterator<Item = (&'static ProviderFacts, &'static Service)> {
    providers().flat_map(|f| f.services().map(move |s| (f, s)))
}

#[test]
fn every_required_provider_has_a_file() {
    assert_eq!(RULES.errors, Vec::new(), "{:#?}", RULES.errors);
    for id in REQUIRED {
        let facts = providers().find(|f| f.id == *id);
        assert!(facts.is_some(), "no rules/provider/{id}.toml");
    }
    for facts in providers() {
        assert_eq!(facts.gateway, GATEWAYS.contains(&facts.id.as_str()), "{}", facts.id);
    }
}

#[test]
fn every_file_and_variant_names_itself_with_a_source() {
    for (facts, service) in services() {
        let what = format!("{} {}", facts.id, service.id);
        assert!(!service.name.trim().is_empty(), "{what}: no name");
        assert!(!service.source.trim().is_empty(), "{what}: no source");
        assert!(
            service.source.contains("provider-replies.md §")
                || service.source.contains("provider-block-codes.md §")
                || service.source.contains("Sisimai"),
            "{what}: the source names no reference section: {}",
            service.source
        );
        if let Some(name) = &service.name_ja {
            assert!(name != &service.name, "{what}: name_ja is the same as name");
        }
    }
    for facts in providers() {
        assert!(!facts.base.company.is_empty(), "{}: no company", facts.id);
        assert_eq!(facts.base.id, facts.id);
        let lowercase =
            facts.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        assert!(lowercase, "{}", facts.id);
    }
}

/// Placeholders of a template, sorted.
fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(n, _)| n))
        .collect();
    names.sort_unstable();
    names
}

/// English words that have no business in a Japanese sentence: what is left of the
/// Japanese advice once quoted reply text (「...」), URLs, addresses and codes are set
/// aside must not hold one.
const ENGLISH: &[&str] = &[
    "the", "and", "your", "you", "please", "ask", "send", "with", "for", "from", "to", "is", "are",
    "has", "been", "of", "or", "if", "at", "in", "on", "by", "an", "a", "it", "be",
];

fn stray_english(japanese: &str) -> Vec<String> {
    let mut text = String::new();
    let mut quoted = false;
    for c in japanese.chars() {
        match c {
            '「' => quoted = true,
            '」' => quoted = false,
            _ if !quoted => text.push(c),
            _ => {}
        }
    }
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "./@:_#-{}".contains(c)))
        .filter(|word| word.chars().all(|c| c.is_ascii_alphabetic()))
        // Lower case only: a capital starts a name (AT&T, Sender Support Request).
        .filter(|word| ENGLISH.contains(word))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_advice_reads_in_both_languages() {
    let mut advised = 0;
    for (facts, service) in services() {
        let Some(advice) = &service.advice else { continue };
        let what = format!("{} {}", facts.id, service.id);
        assert!(!advice.en.trim().is_empty() && !advice.ja.trim().is_empty(), "{what}");
        assert_eq!(placeholders(&advice.en), placeholders(&advice.ja), "{what}");
        assert!(has_japanese(&advice.ja), "{what}: no Japanese in {:?}", advice.ja);
        assert!(!has_japanese(&advice.en), "{what}: Japanese in the English");
        assert_eq!(stray_english(&advice.ja), Vec::<String>::new(), "{what}: {}", advice.ja);
        assert!(advice.source.contains(".md §"), "{what}: {}", advice.source);
        advised += 1;
    }
    assert!(advised >= 25, "{advised} advices");
    let names = "{url} から Yahoo に Sender Support Request を送ってください。";
    assert_eq!(stray_english(names), Vec::<String>::new());
    assert_eq!(stray_english("解除を please ask してください"), ["please", "ask"]);
    assert_eq!(stray_english("「has been blocked」と書かれた拒否"), Vec::<String>::new());
}

#[test]
fn every_provider_with_a_delisting_route_in_the_reference_advises() {
    // provider-replies.md §2-§9 give a route for these; Seznam, Rambler, SFR, BIGLOBE
    // and Google Groups have none there.
    let advised = [
        "google",
        "yahoo",
        "apple",
        "comcast",
        "att",
        "cox",
        "spectrum",
        "godaddy",
        "proofpoint",
        "mimecast",
        "barracuda",
        "cisco",
        "trendmicro",
        "cloudmark",
        "messagelabs",
        "gmx",
        "t-online",
        "orange",
        "free",
        "mailru",
        "yandex",
        "docomo",
        "kddi",
        "softbank",
        "ocn",
        "nifty",
    ];
    for id in advised {
        let facts = providers().find(|f| f.id == id).unwrap_or_else(|| panic!("{id}"));
        for service in facts.services().skip(usize::from(!facts.variants.is_empty())) {
            let advice = service.advice.as_ref().or(facts.base.advice.as_ref());
            assert!(advice.is_some(), "{id} {} gives no advice", service.id);
        }
    }
    let microsoft = providers().find(|f| f.id == "microsoft").unwrap();
    let variants: Vec<&str> = microsoft.variants.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(variants, ["microsoft365", "outlook.com"]);
    assert!(microsoft.variants.iter().all(|v| v.advice.is_some()));
}

#[test]
fn the_engine_recognises_a_provider_by_every_list_of_its_file() {
    for provider in &RULES.providers {
        let facts = &provider.facts;
        for service in facts.services() {
            for host in &service.hosts {
                assert!(provider.hosts.contains(host), "{} {host}", facts.id);
            }
            for text in &service.texts {
                assert!(provider.texts.contains(text), "{} {text}", facts.id);
            }
        }
        let notice = !provider.notice_recipients.is_empty();
        assert_eq!(notice, facts.recipients_in_notices, "{}", facts.id);
    }
}
