//! Latency of one check for `cargo xtask bench rbl`: one IP against every default
//! zone of the built-in catalog, served by the in-process test server on 127.0.0.1
//! with a different delay per zone (the slowest 400 ms). With every query in flight
//! at once, the call should take about as long as the slowest zone alone.
//!
//! Usage: `latency [RUNS]` (default 5). Each run uses a fresh checker (fresh cache).
//! The IP is listed nowhere (NXDOMAIN everywhere), so each zone gets exactly one A
//! query: no TXT query and no RFC 5782 self-test. Prints one line per run and a last
//! line `summary zones=.. delay_ms=.. slowest_ms=.. wall_ms=.. ratio=..`: `slowest_ms`
//! is the median time of a check against the slowest zone alone, `wall_ms` the
//! median time of the check against all zones, `ratio` = wall / slowest (target
//! <= 1.3).

use std::time::{Duration, Instant};

use rebound_rbl::{Catalog, Checker, CheckerConfig, ListingStatus, Subject, Zone};
use rebound_tests::TestDns;

/// The subject: listed nowhere.
const IP: &str = "192.0.2.1";

fn main() -> Result<(), String> {
    let runs: usize = match std::env::args().nth(1) {
        Some(n) => n.parse().map_err(|e| format!("RUNS {n:?}: {e}"))?,
        None => 5,
    };
    let catalog = Catalog::builtin();
    let zones: Vec<&Zone> = catalog.default_zones().collect();
    let subject = Subject::parse(IP);
    let asked: Vec<&Zone> = zones.iter().copied().filter(|z| z.accepts(&subject)).collect();
    if asked.is_empty() {
        return Err("no default zone accepts an IPv4 address".into());
    }

    // Delays spread from 50 ms to 400 ms over the zones asked, the slowest last.
    let mut builder = TestDns::builder();
    let mut delays = Vec::new();
    for (i, zone) in asked.iter().enumerate() {
        let step = if asked.len() > 1 { 350 * i as u64 / (asked.len() as u64 - 1) } else { 350 };
        let delay = Duration::from_millis(50 + step);
        builder = builder.delayed_zone(&zone.name, delay);
        delays.push(delay);
    }
    for zone in zones.iter().filter(|z| !z.accepts(&subject)) {
        builder = builder.zone(&zone.name);
    }
    let dns = builder.start();
    let slowest_zone = asked[asked.len() - 1];
    let slowest_delay = delays.iter().max().copied().unwrap_or_default();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let new_checker = || {
        let mut config = CheckerConfig::default();
        config.nameservers = vec![dns.addr()];
        Checker::new(config, catalog.clone()).map_err(|e| e.to_string())
    };
    let time_check = |checker: &Checker, zones: &[&Zone]| -> Result<Duration, String> {
        let started = Instant::now();
        let listings = runtime.block_on(checker.check(std::slice::from_ref(&subject), zones));
        let wall = started.elapsed();
        if let Some(bad) = listings.iter().find(|l| l.status != ListingStatus::NotListed) {
            return Err(format!(
                "{} in {}: {:?} {:?}",
                bad.subject, bad.zone, bad.status, bad.error
            ));
        }
        if listings.len() != zones.len() {
            return Err(format!("{} answers for {} zones", listings.len(), zones.len()));
        }
        Ok(wall)
    };

    let mut slowest = Vec::new();
    let mut walls = Vec::new();
    for run in 1..=runs {
        let alone = time_check(&new_checker()?, &[slowest_zone])?;
        let all = time_check(&new_checker()?, &asked)?;
        println!(
            "run {run}: {} alone {:.1} ms, all {} zones {:.1} ms",
            slowest_zone.name,
            ms(alone),
            asked.len(),
            ms(all)
        );
        slowest.push(alone);
        walls.push(all);
    }
    let slowest_ms = ms(median(slowest));
    let wall_ms = ms(median(walls));
    println!(
        "summary zones={} delay_ms={} slowest_ms={slowest_ms:.1} wall_ms={wall_ms:.1} ratio={:.3}",
        asked.len(),
        slowest_delay.as_millis(),
        wall_ms / slowest_ms
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}
