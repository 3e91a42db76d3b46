//! No DNS: `--offline`, and a resolver that never answers.

use std::time::Duration;

use rebound_tests::{closed_port, TestDns};

use crate::util::{example, rebound};

#[test]
fn offline_makes_no_query_and_still_diagnoses() {
    let dns = TestDns::builder().zone("zen.spamhaus.org").start();
    let addr = dns.addr().to_string();
    let run =
        rebound(&["diagnose", "--offline", "--resolver", &addr, "--format", "json", &example()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.report();
    assert_eq!(dns.query_count(), 0, "--offline sent DNS queries");
    assert_eq!(report["lookup"]["state"], "offline");
    assert_eq!(report["listings"].as_array().unwrap().len(), 0);
    assert_eq!(report["recipients"][0]["reason"], "blocked");
    assert_eq!(report["sending_ips"][0]["ip"], "203.0.113.45");
    assert_eq!(report["verdict"]["cause"], "sending_ip_blocklisted");
    let text = rebound(&["diagnose", "--offline", &example()]).stdout();
    assert!(text.contains("Blocklists: not checked (--offline)"), "{text}");
}

#[test]
fn unreachable_resolver_finishes_within_the_deadline() {
    let port = closed_port();
    let resolver = port.to_string();
    let timeout = Duration::from_secs(2);
    let run = rebound(&[
        "diagnose",
        "--resolver",
        &resolver,
        "--timeout",
        "2",
        "--format",
        "json",
        &example(),
    ]);
    // The deadline bounds the DNS phase; allow for process start-up and output.
    assert!(run.elapsed < timeout + Duration::from_millis(1500), "took {:?}", run.elapsed);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.report();
    assert_eq!(report["lookup"]["state"], "unreachable", "{:#}", report["lookup"]);
    assert!(report["lookup"]["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert_eq!(report["verdict"]["cause"], "sending_ip_blocklisted");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("could not be checked"), "{summary}");

    let text =
        rebound(&["diagnose", "--resolver", &resolver, "--timeout", "2", &example()]).stdout();
    assert!(text.contains("Blocklists: could not be checked"), "{text}");
    let ja = rebound(&[
        "diagnose",
        "--resolver",
        &resolver,
        "--timeout",
        "2",
        "--lang",
        "ja",
        &example(),
    ])
    .stdout();
    assert!(ja.contains("ブロックリスト: 確認できませんでした"), "{ja}");
}
