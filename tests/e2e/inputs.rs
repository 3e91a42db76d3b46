//! Every input form through the binary, and bad inputs.

use crate::util::{fixture, rebound};

#[test]
fn pasted_text_is_diagnosed() {
    let report =
        rebound(&["diagnose", "--offline", "--format", "json", &fixture("pasted-s3150.txt")])
            .json();
    assert_eq!(report["form"], "pasted_text");
    let recipient = &report["recipients"][0];
    assert_eq!(recipient["recipient"], "k.suzuki@infoseek.jp");
    assert_eq!(recipient["status"], "5.7.1");
    assert_eq!(recipient["reply_code"], 550);
    assert_eq!(recipient["reason"], "blocked");
    assert_eq!(recipient["smtp_command"], "MAIL FROM");
    assert_eq!(report["sending_ips"][0]["ip"], "203.0.113.45");
    assert_eq!(report["verdict"]["cause"], "sending_ip_blocklisted");
}

#[test]
fn pasted_text_from_standard_input() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let text = std::fs::read(fixture("pasted-s3150.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .args(["diagnose", "--offline", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["input"], "-");
    assert_eq!(report["recipients"][0]["reason"], "blocked");
}

#[test]
fn user_unknown_gets_a_recipient_verdict() {
    let report = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "json",
        &fixture("exim-dsn-userunknown.eml"),
    ])
    .json();
    assert_eq!(report["recipients"][0]["reason"], "userunknown");
    assert_eq!(report["recipients"][0]["status"], "5.1.1");
    assert_eq!(report["verdict"]["cause"], "recipient_problem");
    let advice =
        format!("{} {}", report["verdict"]["summary"], report["verdict"]["actions"]).to_lowercase();
    assert!(!advice.contains("blocklist") && !advice.contains("block list"), "{advice}");
}

#[test]
fn sendmail_mailbox_full_reports_both_recipients() {
    let report = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "json",
        &fixture("sendmail-dsn-mailboxfull.eml"),
    ])
    .json();
    let recipients = report["recipients"].as_array().unwrap();
    assert_eq!(recipients.len(), 2);
    assert!(recipients.iter().all(|r| r["reason"] == "mailboxfull"), "{recipients:?}");
    assert_eq!(report["verdict"]["cause"], "recipient_problem");
}

#[test]
fn postfix_human_readable_only_with_spamhaus() {
    let report = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "json",
        &fixture("postfix-human-only-spamhaus.eml"),
    ])
    .json();
    assert_eq!(report["form"], "human_readable");
    assert_eq!(report["recipients"][0]["reason"], "blocked");
    assert_eq!(report["recipients"][0]["smtp_command"], "RCPT TO");
    assert_eq!(report["sending_ips"][0]["ip"], "203.0.113.45");
    assert_eq!(report["verdict"]["cause"], "sending_ip_blocklisted");
    assert_eq!(report["verdict"]["hosting"]["name"], "Sakura Internet");
}

#[test]
fn several_inputs_give_an_array_in_order() {
    let json = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "json",
        &fixture("pasted-s3150.txt"),
        &fixture("exim-dsn-userunknown.eml"),
    ])
    .json();
    let reports = json.as_array().unwrap();
    assert_eq!(reports.len(), 2);
    assert!(reports[0]["input"].as_str().unwrap().ends_with("pasted-s3150.txt"));
    assert!(reports[1]["input"].as_str().unwrap().ends_with("exim-dsn-userunknown.eml"));
}

#[test]
fn not_a_bounce_exits_1_and_names_the_input() {
    let run = rebound(&["diagnose", "--offline", &fixture("not-a-bounce.eml")]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("not-a-bounce.eml"), "{}", run.stderr());
    assert!(run.stderr().contains("does not look like a bounce"), "{}", run.stderr());
}

#[test]
fn missing_file_exits_2_and_names_it() {
    let run = rebound(&["diagnose", "--offline", "/nonexistent/bounce.eml"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("/nonexistent/bounce.eml"), "{}", run.stderr());
}

#[test]
fn bad_flag_values_exit_2() {
    assert_eq!(rebound(&["diagnose", "--timeout", "0", &fixture("pasted-s3150.txt")]).code(), 2);
    let run = rebound(&["diagnose", "--resolver", "dns.example", &fixture("pasted-s3150.txt")]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("dns.example"));
}
