//! Bulk lookups for `cargo xtask bench rbl`: many IPs against many zones of one
//! server, with a fresh checker (so a fresh cache), timed.
//!
//! Usage: `bulk SERVER:PORT ZONES IPS_FILE` where ZONES is comma-separated and
//! IPS_FILE has one address per line. Prints how many (IP, zone) checks got an
//! answer and a last line `summary checks=.. answered=.. unknown=.. listed=.. wall_s=..
//! checks_per_s=..`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rebound_rbl::{Catalog, Checker, CheckerConfig, ListingStatus, Subject};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [server, zones, ips] = &args[..] else {
        return Err("usage: bulk SERVER:PORT ZONES IPS_FILE".into());
    };
    let server: SocketAddr = server.parse().map_err(|e| format!("{server}: {e}"))?;
    let zone_names: Vec<&str> = zones.split(',').collect();
    let json = catalog_json(&zone_names);
    let catalog = Catalog::from_json(&json).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(ips).map_err(|e| format!("{ips}: {e}"))?;
    let subjects: Vec<Subject> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().parse().map(Subject::Ip).map_err(|e| format!("{l}: {e}")))
        .collect::<Result<_, _>>()?;

    let mut config = CheckerConfig::default();
    config.nameservers = vec![server];
    config.deadline = Duration::from_secs(60);
    config.query_timeout = Duration::from_millis(500);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let checker = Checker::new(config, catalog.clone()).map_err(|e| e.to_string())?;
    let zones: Vec<_> = catalog.zones().iter().collect();
    let started = Instant::now();
    let listings = runtime.block_on(checker.check(&subjects, &zones));
    let wall = started.elapsed().as_secs_f64();

    let count = |status| listings.iter().filter(|l| l.status == status).count();
    let unknown = count(ListingStatus::Unknown);
    let listed = count(ListingStatus::Listed);
    if let Some(example) = listings.iter().find(|l| l.status == ListingStatus::Unknown) {
        eprintln!("first unknown: {} in {}: {:?}", example.subject, example.zone, example.error);
    }
    println!(
        "summary checks={} answered={} unknown={unknown} listed={listed} wall_s={wall:.4} checks_per_s={:.0}",
        listings.len(),
        listings.len() - unknown,
        listings.len() as f64 / wall
    );
    Ok(())
}

/// A catalog of test zones that list with 127.0.0.2.
fn catalog_json(zones: &[&str]) -> String {
    let entries: Vec<String> = zones
        .iter()
        .map(|zone| {
            format!(
                r#"{{"name": "{zone}", "display_name": "{zone}", "operator": "bench", "kind": "ipv4", "default": true,
                "expiry": "test", "codes": [{{"value": "127.0.0.2", "kind": "listed", "meaning": "listed"}}]}}"#
            )
        })
        .collect();
    format!(r#"{{"zones": [{}]}}"#, entries.join(","))
}
