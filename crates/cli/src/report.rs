//! From the DNS phase's answers to the library's report input (`Findings`); each
//! blocklist answer becomes a `rebound_verdict::Evidence` by `Evidence::from_listing`.
//! The report itself, the stable JSON interface, is `rebound_verdict::Report`.

use rebound_rbl::{Catalog, Listing};
use rebound_verdict::report::ListingOut;
use rebound_verdict::{Evidence, Findings, Lang, SendingIp};

use crate::lookup::Lookups;

/// One blocklist answer as the JSON interface shows it (`diagnose` and `check`).
pub fn listing_out(l: &Listing, catalog: &Catalog, lang: Lang) -> ListingOut {
    ListingOut::from(&Evidence::from_listing(l, catalog, lang))
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
    findings.evidence =
        lookups.listings.iter().map(|l| Evidence::from_listing(l, catalog, lang)).collect();
    findings
}
