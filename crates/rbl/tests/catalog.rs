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
    assert_eq!(zen.kind, ZoneKind::Ipv4AndIpv6);
    assert!(zen.ipv6);
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
    for refused in [250, 251, 252, 254, 255] {
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

/// The builtin catalog as written, to check where facts are written.
fn raw_builtin() -> serde_json::Value {
    serde_json::from_str(include_str!("../catalog.json")).unwrap()
}

#[test]
fn every_zone_belongs_to_a_list_that_its_name_names() {
    let catalog = Catalog::builtin();
    for zone in catalog.zones() {
        let list = catalog.list_of(zone).unwrap_or_else(|| panic!("{} has no list", zone.name));
        // A bounce that writes the zone is read as naming its list.
        assert_eq!(
            catalog.list_named_in(&zone.name).map(|l| &l.id),
            Some(&list.id),
            "{} is not named by its list's mentions {:?}",
            zone.name,
            list.mentions
        );
    }
    // Every list id is used by a zone, or is a list nobody may query.
    for list in catalog.lists() {
        let has_zone = catalog.zones().iter().any(|z| z.list.as_ref() == Some(&list.id));
        assert!(has_zone || !list.public, "{} is public but has no zone", list.id);
        assert!(!list.mentions.is_empty(), "{} has no mentions", list.id);
        assert!(list.source.is_some(), "{} names no source", list.id);
    }
}

#[test]
fn a_fact_is_written_once_on_the_list_or_on_the_zone() {
    let raw = raw_builtin();
    let lists = raw["lists"].as_array().unwrap();
    for zone in raw["zones"].as_array().unwrap() {
        let list = lists.iter().find(|l| l["id"] == zone["list"]).unwrap();
        for field in ["removal_url", "expiry", "expiry_ja", "defunct"] {
            if !zone[field].is_null() {
                assert_ne!(zone[field], list[field], "{} repeats its list's {field}", zone["name"]);
            }
        }
    }
}

/// Live public zones without a removal page or without an expiry, and why.
const NO_REMOVAL_URL: &[(&str, &str)] = &[(
    "bl.mailspike.net",
    "dnsbl-zones.md §3 found no removal form: the listing decays with the reputation",
)];
const NO_EXPIRY: &[(&str, &str)] = &[
    ("multi.uribl.com", "dnsbl-zones.md §4 gives no removal time for URIBL"),
    ("multi.surbl.org", "dnsbl-zones.md §4 gives no removal time for SURBL"),
];

#[test]
fn live_public_lists_say_where_and_how_long_in_both_languages() {
    let catalog = Catalog::builtin();
    let japanese = |text: &str| text.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c));
    for zone in catalog.zones() {
        let public = catalog.list_of(zone).is_some_and(|l| l.public);
        if !public || zone.defunct.is_some() {
            continue;
        }
        let allowlist = zone.kind == ZoneKind::Allowlist;
        if !allowlist && !NO_REMOVAL_URL.iter().any(|(z, _)| *z == zone.name) {
            assert!(zone.removal_url.is_some(), "{} has no removal URL", zone.name);
        }
        if !NO_EXPIRY.iter().any(|(z, _)| *z == zone.name) {
            let ja = zone.expiry_ja.as_deref().unwrap_or_default();
            assert!(zone.expiry.is_some(), "{} has no expiry", zone.name);
            assert!(japanese(ja), "{} has no Japanese expiry: {ja:?}", zone.name);
        }
    }
    for list in catalog.lists() {
        assert_eq!(list.expiry.is_some(), list.expiry_ja.is_some(), "{}", list.id);
        if list.public && list.defunct.is_none() && list.id != "uribl" && list.id != "surbl" {
            assert!(list.expiry_ja.as_deref().is_some_and(japanese), "{}", list.id);
        }
    }
    for zone in catalog.zones() {
        assert_eq!(zone.expiry.is_some(), zone.expiry_ja.is_some(), "{}", zone.name);
    }
}

#[test]
fn default_zones_explain_every_code_in_japanese() {
    let catalog = Catalog::builtin();
    for zone in catalog.default_zones() {
        for code in &zone.codes {
            assert!(
                code.meaning_ja.is_some(),
                "{} {} has no Japanese meaning",
                zone.name,
                code.value
            );
        }
    }
}

#[test]
fn shutdowns_have_their_dates() {
    let catalog = Catalog::builtin();
    let since = |id: &str| catalog.list(id).unwrap().defunct_since.clone();
    assert_eq!(since("sorbs").as_deref(), Some("2024-06-05"));
    assert_eq!(since("nixspam").as_deref(), Some("2025-01-16"));
    assert_eq!(since("ahbl").as_deref(), Some("2015-01-01"));
    assert_eq!(since("dsbl").as_deref(), Some("2008"));
    // Dead, but nobody recorded the day.
    assert!(catalog.list("cbl").unwrap().defunct.is_some() && since("cbl").is_none());
    assert!(since("spamhaus").is_none() && catalog.list("spamhaus").unwrap().defunct.is_none());
    // Zones take their list's shutdown.
    for zone in ["dnsbl.sorbs.net", "spam.dnsbl.sorbs.net"] {
        let zone = catalog.get(zone).unwrap();
        assert_eq!(zone.defunct_since.as_deref(), Some("2024-06-05"));
        assert!(zone.defunct.as_deref().unwrap().starts_with("since 2024-06-05: "), "{zone:?}");
    }
}

#[test]
fn ipv6_only_where_the_list_takes_it() {
    let catalog = Catalog::builtin();
    let mut ipv6: Vec<&str> =
        catalog.zones().iter().filter(|z| z.ipv6).map(|z| z.name.as_str()).collect();
    ipv6.sort_unstable();
    // dnsbl-zones.md §2 (Spamhaus IP zones), §3 (s5h.net), §5 (DNSWL).
    assert_eq!(
        ipv6,
        [
            "all.s5h.net",
            "list.dnswl.org",
            "pbl.spamhaus.org",
            "sbl.spamhaus.org",
            "xbl.spamhaus.org",
            "zen.spamhaus.org"
        ]
    );
}

#[test]
fn spamhaus_zones_have_dqs_twins_and_refusal_codes() {
    let catalog = Catalog::builtin();
    for name in ["zen", "sbl", "xbl", "pbl", "dbl"] {
        let zone = catalog.get(&format!("{name}.spamhaus.org")).unwrap();
        assert_eq!(zone.dqs.as_deref(), Some(format!("{name}.dq.spamhaus.net").as_str()));
        for last in [250, 251, 252, 254, 255] {
            let code = zone.code([127, 255, 255, last].into()).unwrap();
            assert_eq!(code.kind, CodeKind::Refused, "{name} 127.255.255.{last}");
        }
    }
    let with_dqs: Vec<&str> =
        catalog.zones().iter().filter(|z| z.dqs.is_some()).map(|z| z.operator.as_str()).collect();
    assert!(with_dqs.iter().all(|op| *op == "Spamhaus"), "{with_dqs:?}");
}

#[test]
fn lists_named_in_bounce_words() {
    let catalog = Catalog::builtin();
    let named = |text: &str| catalog.list_named_in(text).map(|l| l.id.as_str());
    assert_eq!(named("blocked using zen.spamhaus.org"), Some("spamhaus"));
    assert_eq!(named("Blocked using Barracuda Reputation"), Some("barracuda"));
    assert_eq!(named("listed on Cloudmark CSI-Global"), Some("cloudmark"));
    assert_eq!(named("refused by rbl-plus.mail-abuse.org"), Some("trendmicro"));
    assert_eq!(
        named("part of their network is on our block list (S3150)"),
        Some("microsoft-internal")
    );
    assert_eq!(named("listed at cbl.abuseat.org"), Some("cbl"));
    assert_eq!(named("blocked using ix.dnsbl.manitu.net"), Some("nixspam"));
    assert_eq!(named("550 5.7.1 rejected"), None);
}

const LISTED: &str = r#"{
  "lists": [ { "id": "ex", "name": "Ex", "public": true, "mentions": ["ex.test"],
      "removal_url": "https://ex.invalid/", "expiry": "a week", "expiry_ja": "一週間" } ],
  "zones": [ {
    "name": "bl.ex.test", "list": "ex", "display_name": "Ex", "operator": "Ex",
    "kind": "ipv4",
    "codes": [ { "value": "127.0.0.2", "kind": "listed", "meaning": "listed" } ]
  } ] }"#;

#[test]
fn zones_take_what_their_list_says_unless_they_say_it_themselves() {
    let catalog = Catalog::from_json(LISTED).unwrap();
    let zone = catalog.get("bl.ex.test").unwrap();
    assert_eq!(zone.list.as_deref(), Some("ex"));
    assert_eq!(zone.removal_url.as_deref(), Some("https://ex.invalid/"));
    assert_eq!(
        (zone.expiry.as_deref(), zone.expiry_ja.as_deref()),
        (Some("a week"), Some("一週間"))
    );
    assert!(!zone.ipv6 && zone.defunct.is_none());
    // The zone's own expiry comes with its own Japanese, never half from the list.
    let own = LISTED.replace(
        r#""kind": "ipv4","#,
        r#""kind": "ipv4", "expiry": "a day", "removal_url": "https://bl.ex.invalid/","#,
    );
    let catalog = Catalog::from_json(&own).unwrap();
    let zone = catalog.get("bl.ex.test").unwrap();
    assert_eq!((zone.expiry.as_deref(), zone.expiry_ja.as_deref()), (Some("a day"), None));
    assert_eq!(zone.removal_url.as_deref(), Some("https://bl.ex.invalid/"));
    // A dead list makes its zones dead, and a dead zone cannot be a default.
    let dead = LISTED.replace(
        r#""expiry_ja": "一週間""#,
        r#""expiry_ja": "一週間", "defunct": { "note": "gone" }"#,
    );
    let catalog = Catalog::from_json(&dead).unwrap();
    let zone = catalog.get("bl.ex.test").unwrap();
    assert_eq!((zone.defunct.as_deref(), zone.defunct_since.as_deref()), (Some("gone"), None));
    let dead_default = dead.replace(r#""kind": "ipv4","#, r#""kind": "ipv4", "default": true,"#);
    assert_eq!(catalog_error(&dead_default), CatalogError::DefunctDefault("bl.ex.test".into()));
}

#[test]
fn from_json_names_what_is_wrong_with_lists() {
    assert_eq!(
        catalog_error(&LISTED.replace(r#""list": "ex""#, r#""list": "why""#)),
        CatalogError::UnknownList { zone: "bl.ex.test".into(), list: "why".into() }
    );
    assert_eq!(
        catalog_error(&LISTED.replace(r#""id": "ex""#, r#""id": "Ex List""#)),
        CatalogError::BadListId("Ex List".into())
    );
    let list = &LISTED[LISTED.find("{ \"id\"").unwrap()..LISTED.find(" ],").unwrap()];
    let twice = LISTED.replacen(list, &format!("{list}, {list}"), 1);
    assert_eq!(catalog_error(&twice), CatalogError::DuplicateList("ex".into()));
    let bad_date = LISTED.replace(
        r#""expiry_ja": "一週間""#,
        r#""expiry_ja": "一週間", "defunct": { "since": "by 2025-07", "note": "gone" }"#,
    );
    assert_eq!(
        catalog_error(&bad_date),
        CatalogError::BadDate { entry: "ex".into(), value: "by 2025-07".into() }
    );
    assert_eq!(
        catalog_error(&LISTED.replace(r#""kind": "ipv4","#, r#""kind": "ipv4", "ipv6": true,"#)),
        CatalogError::Ipv6Flag("bl.ex.test".into())
    );
    assert!(matches!(
        catalog_error(&LISTED.replace(r#""kind": "ipv4","#, r#""kind": "ipv4", "dqs": "a..b","#)),
        CatalogError::BadZoneName { .. }
    ));
    // An allowlist says whether it takes IPv6.
    let allow = LISTED.replace(r#""kind": "ipv4","#, r#""kind": "allowlist", "ipv6": true,"#);
    assert!(Catalog::from_json(&allow).unwrap().get("bl.ex.test").unwrap().ipv6);
}
