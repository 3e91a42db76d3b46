//! The builtin catalog's content and `Catalog::from_json` validation.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap freely

use rebound_rbl::{Catalog, CatalogError, CodeKind, RblError, ZoneKind};

#[test]
fn defaults_contain_the_required_zones() {
    let catalog = Catalog::builtin();
    let defaults: Vec<&str> = catalog.default_zones().map(|z| z.name.as_str()).collect();
    for zone in [
        "zen.spamhaus.org",
        "bl.spamcop.net",
        "b.barracudacentral.org",
        "dnsbl-1.uceprotect.net",
        "psbl.surriel.com",
        "bl.mailspike.net",
    ] {
        assert!(defaults.contains(&zone), "{zone} missing from the default set {defaults:?}");
    }
}

#[test]
fn no_defunct_zone_is_default() {
    let catalog = Catalog::builtin();
    for zone in catalog.zones() {
        if zone.defunct.is_some() {
            assert!(!zone.default, "{} is defunct but default", zone.name);
        }
    }
    for dead in ["dnsbl.sorbs.net", "dnsbl.ahbl.org", "dnsbl.njabl.org", "list.dsbl.org"] {
        let zone = catalog.get(dead).unwrap_or_else(|| panic!("{dead} missing"));
        assert!(zone.defunct.is_some(), "{dead} should be marked defunct");
    }
}

#[test]
fn every_zone_has_codes_and_text() {
    let catalog = Catalog::builtin();
    assert!(catalog.zones().len() >= 20);
    for zone in catalog.zones() {
        assert!(
            zone.codes.iter().any(|c| c.kind == CodeKind::Listed),
            "{} has no listing code",
            zone.name
        );
        assert!(!zone.display_name.is_empty() && !zone.operator.is_empty(), "{}", zone.name);
        for code in &zone.codes {
            assert_eq!(code.value.octets()[0], 127, "{} {}", zone.name, code.value);
        }
        if zone.default {
            assert!(zone.expiry.is_some(), "default zone {} needs expiry text", zone.name);
        }
    }
}

#[test]
fn zen_codes() {
    let catalog = Catalog::builtin();
    let zen = catalog.get("zen.spamhaus.org").unwrap();
    assert_eq!(zen.kind, ZoneKind::Ipv4);
    let meaning = |last: u8| zen.code([127, 0, 0, last].into()).unwrap().meaning.clone();
    assert!(meaning(2).starts_with("SBL"));
    assert!(meaning(3).starts_with("CSS"));
    for xbl in 4..=7 {
        assert!(meaning(xbl).starts_with("XBL"));
    }
    assert!(meaning(9).starts_with("DROP"));
    for pbl in [10, 11] {
        let m = meaning(pbl);
        assert!(m.starts_with("PBL") && m.contains("policy") && m.contains("direct-to-MX"), "{m}");
    }
    assert!(meaning(30).starts_with("BCL"));
    for refused in [252, 254, 255] {
        let code = zen.code([127, 255, 255, refused].into()).unwrap();
        assert_eq!(code.kind, CodeKind::Refused);
        assert!(code.meaning.starts_with("query refused"), "{}", code.meaning);
    }
    assert!(zen
        .code([127, 255, 255, 254].into())
        .unwrap()
        .meaning
        .contains("public/open resolver"));
    assert!(zen.removal_url.is_some());
}

#[test]
fn mailspike_codes() {
    let catalog = Catalog::builtin();
    let ms = catalog.get("bl.mailspike.net").unwrap();
    for last in [2, 10, 11, 12, 13] {
        assert!(ms.code([127, 0, 0, last].into()).is_some(), "127.0.0.{last}");
    }
}

const GOOD: &str = r#"{ "zones": [ {
    "name": "bl.example.test", "display_name": "Example", "operator": "Example Org",
    "kind": "ipv4_and_ipv6", "default": true, "removal_url": "https://example.invalid/",
    "codes": [
        { "value": "127.0.0.2", "kind": "listed", "meaning": "listed" },
        { "value": "127.255.255.254", "kind": "refused", "meaning": "query refused: go away" }
    ]
} ] }"#;

fn catalog_error(json: &str) -> CatalogError {
    match Catalog::from_json(json) {
        Err(RblError::Catalog(e)) => e,
        other => panic!("expected a catalog error, got {other:?}"),
    }
}

#[test]
fn from_json_reads_a_good_catalog() {
    let catalog = Catalog::from_json(GOOD).unwrap();
    let zone = catalog.get("BL.example.test").unwrap();
    assert_eq!(zone.kind, ZoneKind::Ipv4AndIpv6);
    assert_eq!(zone.codes.len(), 2);
    assert!(zone.defunct.is_none() && zone.expiry.is_none());
}

#[test]
fn from_json_names_what_is_wrong() {
    assert!(matches!(catalog_error("{"), CatalogError::Syntax { line: 1, .. }));
    assert!(matches!(catalog_error(r#"{"zones": []}"#), CatalogError::NoZones));
    assert!(matches!(
        catalog_error(&GOOD.replace("ipv4_and_ipv6", "ipv5")),
        CatalogError::Syntax { .. }
    ));
    assert!(matches!(
        catalog_error(&GOOD.replace("\"operator\"", "\"operatr\"")),
        CatalogError::Syntax { .. }
    ));
    assert_eq!(
        catalog_error(&GOOD.replace("127.0.0.2", "10.0.0.2")),
        CatalogError::CodeOutsideLoopback {
            zone: "bl.example.test".into(),
            value: [10, 0, 0, 2].into()
        }
    );
    assert!(matches!(
        catalog_error(&GOOD.replace("127.255.255.254", "127.0.0.2")),
        CatalogError::DuplicateCode { .. }
    ));
    assert!(matches!(
        catalog_error(&GOOD.replace("bl.example.test", "bl..test")),
        CatalogError::BadZoneName { .. }
    ));
    assert!(matches!(
        catalog_error(&GOOD.replace("Example Org", " ")),
        CatalogError::EmptyField { field: "operator", .. }
    ));
    let no_codes = r#"{ "zones": [ { "name": "a.test", "display_name": "A", "operator": "A", "kind": "ipv4", "codes": [] } ] }"#;
    assert_eq!(catalog_error(no_codes), CatalogError::NoCodes("a.test".into()));
    let defunct_default = GOOD.replace(
        "\"default\": true",
        "\"default\": true, \"defunct\": { \"since\": \"2020\", \"note\": \"dead\" }",
    );
    assert_eq!(
        catalog_error(&defunct_default),
        CatalogError::DefunctDefault("bl.example.test".into())
    );
    let zone = &GOOD[GOOD.find('[').unwrap() + 1..GOOD.rfind(']').unwrap()];
    let twice = format!(r#"{{ "zones": [ {zone}, {zone} ] }}"#);
    assert_eq!(catalog_error(&twice), CatalogError::DuplicateZone("bl.example.test".into()));
    // The Display text names the zone and the problem.
    let text = RblError::from(catalog_error(&GOOD.replace("127.0.0.2", "10.0.0.2"))).to_string();
    assert!(text.contains("bl.example.test") && text.contains("10.0.0.2"), "{text}");
}

#[test]
fn dnswl_is_an_allowlist_and_its_abuse_codes_are_refusals() {
    use rebound_rbl::{interpret, ListingStatus, ZoneKind};
    let catalog = Catalog::builtin();
    let dnswl = catalog.get("list.dnswl.org").expect("DNSWL is in the catalog");
    assert_eq!(dnswl.kind, ZoneKind::Allowlist);
    let trusted = interpret(dnswl, &["127.0.3.3".parse().unwrap()]);
    assert_eq!(trusted.status, ListingStatus::Listed);
    assert!(trusted.meanings[0].contains("email service providers, high trust"), "{trusted:?}");
    // Over quota, and the "punishment" answer that imitates a listing: never a listing.
    for refusal in ["127.0.0.255", "127.0.10.2"] {
        let answer = interpret(dnswl, &[refusal.parse().unwrap()]);
        assert_eq!(answer.status, ListingStatus::Unknown, "{refusal}: {answer:?}");
        assert!(answer.error.is_some());
    }
}
