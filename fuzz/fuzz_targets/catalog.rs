//! A blocklist catalog from JSON text (`rebound --catalog FILE`): arbitrary text
//! into `Catalog::from_json`, then every lookup a run makes over what it accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rebound_rbl::{interpret, query_name, Catalog, Subject};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(catalog) = Catalog::from_json(text) else { return };
    let subjects = [
        Subject::parse("203.0.113.45"),
        Subject::parse("2001:db8::1"),
        Subject::parse("example.com"),
    ];
    for zone in catalog.zones() {
        assert!(catalog.get(&zone.name).is_some(), "zone {:?} not found by name", zone.name);
        let _ = catalog.list_of(zone);
        let _ = zone.query_zone(None);
        for subject in subjects.iter().filter(|s| zone.accepts(s)) {
            let _ = query_name(subject, &zone.name);
        }
        for code in &zone.codes {
            let _ = interpret(zone, &[code.value]);
        }
        let _ = interpret(zone, &[std::net::Ipv4Addr::new(127, 0, 0, 2)]);
    }
    for list in catalog.lists() {
        assert!(catalog.list(&list.id).is_some());
    }
    let _ = catalog.list_named_in(text);
    let _ = catalog.default_zones().count();
});
