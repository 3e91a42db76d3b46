//! `rebound report`: the suppression list agrees with `diagnose`, and blocklist
//! answers from Debian's rbldnsd reach the summary's IP and list tables.

use std::collections::BTreeSet;

use rebound_tests::Rbldnsd;

use crate::util::{eml_fixtures, example, rebound};

/// Splits RFC 4180 CSV into records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the last record ends with CRLF");
    records
}

#[test]
fn csv_is_the_suppression_list_of_diagnose() {
    let inputs = eml_fixtures();
    let mut args = vec!["report", "--offline", "--format", "csv"];
    args.extend(inputs.iter().map(String::as_str));
    let run = rebound(&args);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let csv = run.stdout();
    assert_eq!(csv.matches('\n').count(), csv.matches("\r\n").count(), "CRLF line ends");
    let records = parse_csv(&csv);
    assert_eq!(records[0], ["address", "reason", "suppress_reason", "date", "source"]);
    let rows = &records[1..];
    assert!(rows.iter().all(|r| r.len() == 5), "{rows:?}");

    let mut args = vec!["diagnose", "--offline", "--format", "json"];
    args.extend(inputs.iter().map(String::as_str));
    let reports = rebound(&args).json();
    let mut expected = BTreeSet::new();
    let mut kept = BTreeSet::new();
    for report in reports.as_array().unwrap() {
        for rcpt in report["recipients"].as_array().unwrap() {
            let address = rcpt["recipient"].as_str().unwrap_or_default().to_lowercase();
            if rcpt["suppress"] == true {
                expected.insert(address);
            } else {
                kept.insert(address);
            }
        }
    }
    let listed: BTreeSet<String> = rows.iter().map(|r| r[0].to_lowercase()).collect();
    assert_eq!(listed.len(), rows.len(), "each address once");
    assert_eq!(listed, expected);
    assert!(!expected.is_empty() && !kept.is_empty());
    for row in rows {
        assert!(
            ["address_does_not_exist", "domain_does_not_exist", "address_moved"]
                .contains(&row[2].as_str()),
            "{row:?}"
        );
        assert!(inputs.contains(&row[4]), "{row:?}");
    }
}

#[test]
fn blocklist_answers_reach_the_summary() {
    if !Rbldnsd::available_or_skip("blocklist_answers_reach_the_summary") {
        return;
    }
    let server = Rbldnsd::builder()
        .ip4set("zen.spamhaus.org", ":127.0.0.2:Listed in SBL\n203.0.113.0/24\n")
        .generic("xserver.jp", "sv12053 A 203.0.113.45\n")
        .start()
        .expect("rbldnsd starts");
    let addr = server.addr().to_string();
    let example = example();
    let run = |format: &str| {
        let run = rebound(&["report", "--resolver", &addr, "--format", format, &example]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        run
    };
    let summary = run("json").json();
    let ip = &summary["sending_ips"]["203.0.113.45"];
    assert_eq!(ip["lists"], serde_json::json!(["zen.spamhaus.org"]), "{summary:#}");
    assert_eq!(ip["providers"], serde_json::json!(["microsoft"]), "{summary:#}");
    let zen = &summary["lists"]["zen.spamhaus.org"];
    assert_eq!(zen["listed"], serde_json::json!(["203.0.113.45"]), "{summary:#}");
    assert_eq!(zen["messages"], 1);
    assert_eq!(summary["causes"]["sending_ip_blocklisted"]["recipients"], 1, "{summary:#}");

    let html = run("html").stdout();
    let ips = &html[html.find("<section id=\"sending-ips\"").unwrap()..];
    assert!(ips.contains("<span class=\"tag\">zen.spamhaus.org</span>"), "{ips}");
    let lists = &html[html.find("<section id=\"lists\"").unwrap()..];
    assert!(lists.contains("203.0.113.45"), "{lists}");
    let text = run("text").stdout();
    assert!(text.contains("zen.spamhaus.org"), "{text}");
}
