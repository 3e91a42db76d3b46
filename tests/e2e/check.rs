//! `rebound check` and `rebound lists`: exit codes, formats, zones, bad subjects.

use rebound_tests::{closed_port, TestDns};

use crate::util::rebound;

/// ZEN lists 203.0.113.45 (SBL) and refuses nothing; SpamCop is an empty zone; the
/// Mailspike allowlist lists 192.0.2.20.
fn server() -> TestDns {
    TestDns::builder()
        .zone("zen.spamhaus.org")
        .zone("bl.spamcop.net")
        .zone("wl.mailspike.net")
        .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .txt("45.113.0.203.zen.spamhaus.org", "SBL listing")
        .a("20.2.0.192.wl.mailspike.net", "127.0.0.19")
        .start()
}

#[test]
fn listed_subject_exits_1_with_json_listings() {
    let dns = server();
    let addr = dns.addr().to_string();
    let zones = "zen.spamhaus.org,bl.spamcop.net";
    let run = rebound(&[
        "check",
        "--resolver",
        &addr,
        "--zones",
        zones,
        "--format",
        "json",
        "203.0.113.45",
        "192.0.2.1",
    ]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let report = run.json();
    assert_eq!(report["listed"], true);
    assert_eq!(report["subjects"], serde_json::json!(["203.0.113.45", "192.0.2.1"]));
    let listings = report["listings"].as_array().unwrap();
    assert_eq!(listings.len(), 4);
    let zen = &listings[0];
    assert_eq!(
        (zen["subject"].as_str(), zen["zone"].as_str()),
        (Some("203.0.113.45"), Some("zen.spamhaus.org"))
    );
    assert_eq!(zen["listed"], true);
    assert_eq!(zen["codes"][0], "127.0.0.2");
    assert_eq!(zen["txt"][0], "SBL listing");
    assert!(zen["meanings"][0].as_str().unwrap().starts_with("SBL"));
    assert!(listings[1..].iter().all(|l| l["listed"] == false && l["error"].is_null()));
}

#[test]
fn clean_subject_exits_0_and_allowlist_is_good_news() {
    let dns = server();
    let addr = dns.addr().to_string();
    let run = rebound(&[
        "check",
        "--resolver",
        &addr,
        "--zones",
        "zen.spamhaus.org,wl.mailspike.net",
        "--format",
        "ndjson",
        "192.0.2.20",
    ]);
    assert_eq!(run.code(), 0, "an allowlist listing is not a blocklisting: {}", run.stdout());
    let line: serde_json::Value =
        serde_json::from_str(run.stdout().lines().next().unwrap()).unwrap();
    assert_eq!(line["subject"], "192.0.2.20");
    assert_eq!(line["listed"], false);
    let allow = &line["listings"][1];
    assert_eq!(allow["allowlist"], true);
    assert_eq!(allow["listed"], true);
}

#[test]
fn ndjson_has_one_line_per_subject_and_reads_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dns = server();
    let addr = dns.addr().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .args([
            "check",
            "--resolver",
            &addr,
            "--zones",
            "zen.spamhaus.org",
            "--format",
            "ndjson",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"# servers\n203.0.113.44/31\n192.0.2.1 # mail\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let subjects: Vec<&str> = lines.iter().map(|l| l["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["203.0.113.44", "203.0.113.45", "192.0.2.1"]);
    let listed: Vec<bool> = lines.iter().map(|l| l["listed"] == true).collect();
    assert_eq!(listed, [false, true, false]);
}

#[test]
fn nothing_checkable_exits_3() {
    let port = closed_port().to_string();
    let run = rebound(&["check", "--resolver", &port, "--timeout", "1", "192.0.2.1"]);
    assert_eq!(run.code(), 3, "{}", run.stdout());
    assert!(run.stderr().contains("no blocklist could be checked"));
    let offline =
        rebound(&["check", "--offline", "--format", "ndjson", "192.0.2.1", "example.com"]);
    assert_eq!(offline.code(), 3);
    let subjects: Vec<serde_json::Value> =
        offline.stdout().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(subjects[0]["subject"], "192.0.2.1", "subjects are named even when unchecked");
    assert_eq!(subjects[1]["subject"], "example.com");
    assert!(subjects.iter().all(|s| s["listed"].is_null()));
}

#[test]
fn refused_zone_is_unknown_not_clean() {
    let dns = TestDns::builder().refused_zone("zen.spamhaus.org").zone("bl.spamcop.net").start();
    let addr = dns.addr().to_string();
    let run = rebound(&[
        "check",
        "--resolver",
        &addr,
        "--zones",
        "zen.spamhaus.org,bl.spamcop.net",
        "--format",
        "json",
        "192.0.2.1",
    ]);
    assert_eq!(run.code(), 0, "one list answered clean: {}", run.stdout());
    let report = run.json();
    assert!(report["listings"][0]["listed"].is_null());
    assert!(report["listings"][0]["error"].as_str().unwrap().contains("REFUSED"));
    assert_eq!(report["listings"][1]["listed"], false);
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    let run = rebound(&["check", "--offline", "192.0.2.1", "300.1.2.3"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("300.1.2.3"), "{}", run.stderr());
    let run = rebound(&["check", "--offline", "10.0.0.0/8"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("at most 4096"), "{}", run.stderr());
    let run = rebound(&["check", "--offline", "--zones", "dnsbl.sorbs.net", "192.0.2.1"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("defunct"), "{}", run.stderr());
    let run = rebound(&["check", "--offline", "--zones", "nope.example", "192.0.2.1"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("nope.example"), "{}", run.stderr());
}

#[test]
fn lists_shows_defunct_lists_as_such() {
    let run = rebound(&["lists", "--format", "json"]);
    assert_eq!(run.code(), 0);
    let zones = run.json();
    let zones = zones.as_array().unwrap();
    let sorbs = zones.iter().find(|z| z["zone"] == "dnsbl.sorbs.net").unwrap();
    assert_eq!(sorbs["status"], "defunct");
    assert_eq!(sorbs["default"], false);
    let zen = zones.iter().find(|z| z["zone"] == "zen.spamhaus.org").unwrap();
    assert_eq!(zen["status"], "active");
    assert_eq!(zen["default"], true);
    let text = rebound(&["lists"]).stdout();
    assert!(
        text.lines().any(|l| l.starts_with("dnsbl.sorbs.net") && l.contains("DEFUNCT")),
        "{text}"
    );
}

#[test]
fn a_refused_resolver_is_explained_once_not_reported_as_listed() {
    // Spamhaus answers 127.255.255.254 to every query from a public resolver.
    let dns = TestDns::builder()
        .zone("zen.spamhaus.org")
        .a("*.zen.spamhaus.org", "127.255.255.254")
        .zone("bl.spamcop.net")
        .start();
    let addr = dns.addr().to_string();
    let zones = "zen.spamhaus.org,bl.spamcop.net";
    let run = rebound(&["check", "--resolver", &addr, "--zones", zones, "192.0.2.1", "192.0.2.2"]);
    assert_eq!(run.code(), 0, "a refusal is not a listing: {}", run.stdout());
    let text = run.stdout();
    assert!(!text.contains("LISTED"), "{text}");
    assert_eq!(
        text.matches("note: Spamhaus ZEN refuses the resolver you use").count(),
        1,
        "{text}"
    );
    assert!(text.contains("127.255.255.254"), "{text}");
    assert!(text.contains("DQS"), "{text}");
    let json =
        rebound(&["check", "--resolver", &addr, "--zones", zones, "--format", "json", "192.0.2.1"])
            .json();
    assert!(json["listings"][0]["listed"].is_null());
    assert!(json["listings"][0]["error"].as_str().unwrap().contains("public/open resolver"));
}
