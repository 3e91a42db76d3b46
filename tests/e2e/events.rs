//! Mail logs and sending-service events are read by their content, each record
//! classified from the remote reply, beside mail in the same run.

use crate::util::{fixture, rebound};

fn lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn logs_and_events_become_reports_with_their_source() {
    let run = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "ndjson",
        &fixture("inputs/postfix-maillog.log"),
        &fixture("inputs/ses-bounce-sns.json"),
        &fixture("exim-dsn-userunknown.eml"),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let reports = lines(&run.stdout());
    let log: Vec<_> = reports.iter().filter(|r| r["form"] == "mta_log").collect();
    assert!(log.len() >= 2, "{reports:?}");
    assert_eq!(log[0]["generator"], "postfix");
    assert_eq!(log[0]["source"]["index"], 1);
    assert!(log[0]["input"].as_str().unwrap().ends_with("postfix-maillog.log#1"));
    // A deferral in the log is never an address to suppress.
    for report in &log {
        for r in report["recipients"].as_array().unwrap() {
            if r["action"] == "delayed" {
                assert_eq!(r["suppress"], false, "{r}");
            }
        }
    }
    let ses: Vec<_> = reports.iter().filter(|r| r["form"] == "service_event").collect();
    assert_eq!(ses.len(), 1);
    let rcpts = ses[0]["recipients"].as_array().unwrap();
    assert_eq!(rcpts[0]["reason"], "userunknown");
    assert_eq!(rcpts[0]["suppress"], true);
    // The mail input is still read as mail, after the others, in input order.
    assert_eq!(reports.last().unwrap()["form"], "delivery_status_report");
}

#[test]
fn a_json_file_that_is_no_known_event_is_named_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("events.json");
    std::fs::write(&bad, r#"{"notificationType": "Bounce", "bounce": 42}"#).unwrap();
    let run = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "ndjson",
        bad.to_str().unwrap(),
        &fixture("exim-dsn-userunknown.eml"),
    ]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("events.json"), "{}", run.stderr());
    assert_eq!(lines(&run.stdout()).len(), 1);
}
