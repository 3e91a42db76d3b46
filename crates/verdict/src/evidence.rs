//! Blocklist answers as the verdict reads them: each `rebound_rbl::Listing` becomes an
//! [`Evidence`] with the shared catalog's facts in the report's language.

use rebound_rbl::{Catalog, Listing, ListingStatus, ZoneKind};

use crate::decide::Evidence;
use crate::text::Lang;

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

impl Evidence {
    /// One blocklist answer as the verdict reads it, with the catalog's list name,
    /// the meanings of its codes and its expiry in `lang` (English where the catalog
    /// has no translation of a meaning; no expiry where it has none in `lang`), its
    /// removal page, and whether the list refused the resolver.
    ///
    /// ```
    /// use rebound_rbl::{Catalog, Listing, ListingStatus};
    /// use rebound_verdict::{Evidence, Lang};
    ///
    /// let catalog = Catalog::shared();
    /// let mut listing = Listing::new("203.0.113.9", "zen.spamhaus.org", ListingStatus::Listed);
    /// listing.codes = vec!["127.0.0.2".parse().unwrap()];
    /// listing.meanings = vec!["SBL: direct spam source".into()];
    /// let evidence = Evidence::from_listing(&listing, catalog, Lang::Ja);
    /// assert_eq!((evidence.list_name.as_str(), evidence.listed), ("Spamhaus ZEN", Some(true)));
    /// // The meaning and the expiry in Japanese, from the catalog.
    /// assert!(evidence.meanings[0].starts_with("SBL: ") && !evidence.meanings[0].is_ascii());
    /// assert!(evidence.expiry.is_some_and(|e| !e.is_ascii()));
    /// ```
    pub fn from_listing(listing: &Listing, catalog: &Catalog, lang: Lang) -> Evidence {
        let zone = catalog.get(&listing.zone);
        Evidence {
            subject: listing.subject.clone(),
            zone: listing.zone.clone(),
            list_name: zone.map_or_else(|| listing.zone.clone(), |z| z.display_name.clone()),
            listed: listed(listing.status),
            meanings: meanings(listing, catalog, lang),
            removal_url: zone.and_then(|z| z.removal_url.clone()),
            expiry: zone.and_then(|z| match lang {
                Lang::Ja => z.expiry_ja.clone(),
                _ => z.expiry.clone(),
            }),
            codes: listing.codes.iter().map(|c| c.to_string()).collect(),
            txt: listing.txt.clone(),
            error: listing.error.clone(),
            allowlist: zone.is_some_and(|z| z.kind == ZoneKind::Allowlist),
            refused: listing.refusal_code.is_some(),
            unconfirmed: listing.cause.is_some_and(|c| c.unconfirmed()),
        }
    }
}
