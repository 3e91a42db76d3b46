//! Every input form through the binary, and bad inputs.

use crate::util::{fixture, rebound};

#[test]
fn pasted_text_is_diagnosed() {
    let report =
        rebound(&["diagnose", "--offline", "--format", "json", &fixture("pasted-s3150.txt")])
            .report();
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
    let reports: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let report = &reports[0];
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
    .report();
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
    .report();
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
    .report();
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

#[test]
fn complaint_reports_and_auto_replies_are_not_failures() {
    let report =
        rebound(&["diagnose", "--offline", "--format", "json", &fixture("arf-abuse-report.eml")])
            .report();
    assert_eq!(report["form"], "feedback_report");
    let recipients = report["recipients"].as_array().unwrap();
    assert!(recipients.iter().all(|r| r["kind"] == "feedback" && r["reason"] == "feedback"));
    assert_eq!(recipients[0]["feedback_type"], "abuse");
    assert!(report["verdict"]["actions"][0].as_str().unwrap().contains("Stop sending"));
    let text = rebound(&["diagnose", "--offline", &fixture("arf-abuse-report.eml")]).stdout();
    assert!(text.contains("Verdict: Not a delivery failure"), "{text}");
    assert!(text.contains("complaint (feedback-loop report) (abuse)"), "{text}");

    let sisimai = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "sisimai",
        &fixture("autoreply-vacation.eml"),
    ])
    .json();
    assert_eq!(sisimai[0]["reason"], "vacation");
    assert_eq!(sisimai[0]["deliverystatus"], "", "no invented status for an auto-reply");
}

#[test]
fn sisimai_format_has_sisimais_keys_and_values() {
    let records =
        rebound(&["diagnose", "--offline", "--format", "sisimai", &crate::util::example()]).json();
    let record = records[0].as_object().unwrap();
    let keys: Vec<&str> = record.keys().map(String::as_str).collect();
    let mut expected = [
        "action",
        "addresser",
        "alias",
        "catch",
        "deliverystatus",
        "destination",
        "diagnosticcode",
        "diagnostictype",
        "feedbacktype",
        "hardbounce",
        "lhost",
        "listid",
        "messageid",
        "origin",
        "reason",
        "recipient",
        "replycode",
        "rhost",
        "senderdomain",
        "smtpagent",
        "smtpcommand",
        "subject",
        "timestamp",
        "timezoneoffset",
        "token",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(record["action"], "failed");
    assert_eq!(record["addresser"], "info@yamada-shoten.example");
    assert_eq!(record["senderdomain"], "yamada-shoten.example");
    assert_eq!(record["recipient"], "k.suzuki@infoseek.jp");
    assert_eq!(record["destination"], "infoseek.jp");
    assert_eq!(record["deliverystatus"], "5.7.1");
    assert_eq!(record["replycode"], "550");
    assert_eq!(record["reason"], "blocked");
    assert_eq!(record["hardbounce"], 0);
    assert_eq!(record["lhost"], "sv12053.xserver.jp");
    assert_eq!(record["rhost"], "infoseek-jp.olc.pamx1.hotmail.com");
    assert_eq!(record["smtpcommand"], "MAIL", "Sisimai writes the verb alone");
    assert_eq!(record["smtpagent"], "postfix");
    assert_eq!(record["diagnostictype"], "SMTP");
    assert_eq!(record["messageid"], "b7d1c2e0-5a4f-4c1e-9f3a-2d8e6b0c1a77@yamada-shoten.example");
    assert_eq!(record["subject"], "【ご確認】11月分の請求書送付のご案内");
    // Arrival-Date: Fri, 27 Nov 2026 10:14:01 +0900 (JST)
    assert_eq!(record["timestamp"], 1_795_742_041);
    assert_eq!(record["timezoneoffset"], "+0900");
    assert_eq!(record["token"].as_str().unwrap().len(), 40);
    assert!(record["catch"].is_null());

    let unknown = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "sisimai",
        &fixture("exim-dsn-userunknown.eml"),
    ])
    .json();
    assert_eq!(unknown[0]["reason"], "userunknown");
    assert_eq!(unknown[0]["hardbounce"], 1);
}

/// A bounce whose diagnostic carries terminal control sequences: clear screen, an
/// OSC window title, a C1 CSI and a right-to-left override.
const HOSTILE: &str = "Final-Recipient: rfc822; taro@example.jp\nAction: failed\nStatus: 5.1.1\n\
Diagnostic-Code: smtp; 550 5.1.1 <taro@example.jp>: User unknown \u{1b}[2J\u{1b}]0;owned\u{7} \u{9b}31m \u{202e}gpj.exe\n";

#[test]
fn no_control_sequence_from_a_bounce_reaches_the_terminal() {
    let path = std::env::temp_dir().join(format!("rebound-hostile-{}.txt", std::process::id()));
    std::fs::write(&path, HOSTILE).unwrap();
    let name = path.to_str().unwrap();
    for lang in ["en", "ja"] {
        let text = rebound(&["diagnose", "--offline", "--lang", lang, name]).stdout();
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!text.contains(bad), "{bad:?} reached the terminal:\n{text}");
        }
        assert!(text.contains("<U+001B>[2J"), "{text}");
    }
    // JSON stays exact: the characters are there, escaped as JSON escapes them.
    let report = rebound(&["diagnose", "--offline", "--format", "json", name]).report();
    let diagnostic = report["recipients"][0]["diagnostic"].as_str().unwrap();
    assert!(diagnostic.contains('\u{1b}') && diagnostic.contains('\u{202e}'));
    std::fs::remove_file(&path).ok();
}

#[test]
fn json_says_why_whether_to_suppress_and_what_the_verdict_rests_on() {
    let report = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "json",
        &fixture("exim-dsn-userunknown.eml"),
    ])
    .report();
    let rcpt = &report["recipients"][0];
    assert_eq!(rcpt["suppress"], true);
    assert_eq!(rcpt["suppress_reason"], "address_does_not_exist");
    assert_eq!(rcpt["cause"], "recipient_problem");
    assert!(!rcpt["why"]["rule"].as_str().unwrap().is_empty());
    assert!(!rcpt["why"]["source"].as_str().unwrap().is_empty());
    let verdict = &report["verdict"];
    assert_eq!(verdict["causes"][0]["cause"], "recipient_problem");
    assert_eq!(verdict["causes"][0]["recipients"][0], rcpt["recipient"]);
    let evidence = &verdict["evidence"][0];
    assert_eq!(evidence["kind"], "bounce_text");
    assert_eq!(evidence["rule"], rcpt["why"]["rule"]);
    assert!(rcpt["diagnostic"].as_str().unwrap().contains(evidence["line"].as_str().unwrap()));

    // An IP block: the address is never suppressed.
    let report =
        rebound(&["diagnose", "--offline", "--format", "json", &fixture("pasted-s3150.txt")])
            .report();
    assert_eq!(report["recipients"][0]["suppress"], false);
    assert!(report["recipients"][0]["suppress_reason"].is_null());
}
