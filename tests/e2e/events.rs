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

#[test]
fn a_long_log_is_read_as_it_comes_with_every_record_in_order() {
    // More messages than the log reader keeps open, so records go out while the
    // log is read; one in three a deferral, each message with its sender line.
    let count = 14_000;
    let mut log = String::new();
    for id in 0..count {
        let (dsn, status) = if id % 3 == 0 { ("4.2.2", "deferred") } else { ("5.1.1", "bounced") };
        log.push_str(&format!(
            "Mar  6 10:00:01 mx1 postfix/qmgr[2210]: Q{id:07}: from=<news@example.org>, size=2211, nrcpt=1 (queue active)\n\
             Mar  6 10:00:02 mx1 postfix/smtp[2211]: Q{id:07}: to=<user{id}@example.jp>, \
             relay=mx.example.jp[198.51.100.7]:25, dsn={dsn}, status={status} (host \
             mx.example.jp[198.51.100.7] said: {code} {dsn} No such user here (in reply to RCPT TO command))\n",
            code = if status == "deferred" { 452 } else { 550 },
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.log");
    std::fs::write(&path, log).unwrap();
    let run = rebound(&["diagnose", "--offline", "--format", "ndjson", path.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let reports = lines(&run.stdout());
    assert_eq!(reports.len(), count);
    for (index, report) in reports.iter().enumerate() {
        assert_eq!(report["source"]["index"], index + 1);
        let recipient = &report["recipients"][0];
        assert_eq!(recipient["recipient"], format!("user{index}@example.jp"));
        assert_eq!(report["sender"], "news@example.org");
        // A deferral never makes an address to suppress.
        assert_eq!(recipient["suppress"] == true, index % 3 != 0, "{recipient}");
    }
}

#[test]
fn input_names_the_kind_instead_of_the_content() {
    let log = fixture("inputs/postfix-maillog.log");
    // Recognised by its content, and the same when named.
    let auto = rebound(&["diagnose", "--offline", "--format", "ndjson", &log]);
    let named =
        rebound(&["diagnose", "--offline", "--format", "ndjson", "--input", "postfix", &log]);
    assert_eq!(named.code(), 0, "{}", named.stderr());
    assert_eq!(lines(&named.stdout()), lines(&auto.stdout()));
    // Read as another kind, the log holds no such record: named and skipped.
    let wrong = rebound(&["diagnose", "--offline", "--format", "ndjson", "--input", "ses", &log]);
    assert_eq!(wrong.code(), 1, "{}", wrong.stderr());
    assert!(
        wrong.stderr().contains("postfix-maillog.log") && wrong.stderr().contains("ses"),
        "{}",
        wrong.stderr()
    );
    let unknown = rebound(&["diagnose", "--offline", "--input", "qmail", &log]);
    assert_eq!(unknown.code(), 2);
    assert!(unknown.stderr().contains("possible values"), "{}", unknown.stderr());
}
