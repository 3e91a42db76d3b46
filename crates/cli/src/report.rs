//! From the DNS phase's answers to the library's report input: each blocklist
//! answer becomes a `rebound_verdict::Evidence` with the catalog's names, meanings in
//! the user's language, removal page and expiry. The report itself, the stable JSON
//! interface, is `rebound_verdict::Report`.

use rebound_rbl::{Catalog, Listing, ListingStatus, ZoneKind};
use rebound_verdict::report::ListingOut;
use rebound_verdict::{Evidence, Findings, Lang, SendingIp};

use crate::lookup::Lookups;

fn listed(status: ListingStatus) -> Option<bool> {
    match status {
        ListingStatus::Listed => Some(true),
        ListingStatus::NotListed => Some(false),
        ListingStatus::Unknown => None,
    }
}

/// The meanings of a listing's codes in the user's language, falling back to English
/// where the catalog has no translation.
fn meanings(listing: &Listing, catalog: &Catalog, lang: Lang) -> Vec<String> {
    let zone = catalog.get(&listing.zone);
    match (lang, zone) {
        (Lang::Ja, Some(zone)) if listing.meanings.len() == listing.codes.len() => listing
            .codes
            .iter()
            .zip(&listing.meanings)
            .map(|(code, english)| {
                zone.code(*code)
                    .and_then(|c| c.meaning_ja.clone())
                    .unwrap_or_else(|| english.clone())
            })
            .collect(),
        _ => listing.meanings.clone(),
    }
}

/// One blocklist answer as the JSON interface shows it (`diagnose` and `check`).
pub fn listing_out(l: &Listing, catalog: &Catalog, lang: Lang) -> ListingOut {
    ListingOut::from(&evidence(l, catalog, lang))
}

/// The verdict crate's view of one blocklist answer.
pub fn evidence(listing: &Listing, catalog: &Catalog, lang: Lang) -> Evidence {
    let zone = catalog.get(&listing.zone);
    let mut evidence = Evidence::default();
    evidence.subject = listing.subject.clone();
    evidence.zone = listing.zone.clone();
    evidence.list_name = zone.map_or_else(|| listing.zone.clone(), |z| z.display_name.clone());
    evidence.listed = listed(listing.status);
    evidence.meanings = meanings(listing, catalog, lang);
    evidence.removal_url = zone.and_then(|z| z.removal_url.clone());
    evidence.expiry = zone.and_then(|z| match lang {
        Lang::Ja => z.expiry_ja.clone(),
        _ => z.expiry.clone(),
    });
    evidence.codes = listing.codes.iter().map(|c| c.to_string()).collect();
    evidence.txt = listing.txt.clone();
    evidence.error = listing.error.clone();
    evidence.allowlist = zone.is_some_and(|z| z.kind == ZoneKind::Allowlist);
    evidence.refused = listing.refusal_code.is_some();
    evidence
}

/// The library's view of what the DNS phase found for one input.
pub fn findings(lookups: &Lookups, catalog: &Catalog, lang: Lang) -> Findings {
    let sending_ips = lookups
        .sending_ips
        .iter()
        .map(|s| SendingIp::new(s.ip, s.found_in, s.host.clone()))
        .collect();
    let mut findings = Findings::new(lookups.outcome.clone(), sending_ips);
    findings.sending_domains = lookups.sending_domains.clone();
    findings.unresolved = lookups.unresolved.clone();
    findings.evidence = lookups.listings.iter().map(|l| evidence(l, catalog, lang)).collect();
    findings
}
