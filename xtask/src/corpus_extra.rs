//! Scoring a corpus in the extra corpora's layout (`expected.tsv`: `file recipients
//! status action reason source_assertion`; `details.tsv`: `file replycode
//! upstream_details`), on rebound's `--format json` output.
//!
//! The first three figures are `shared/tools/score-extra`'s, computed the same way:
//! - `recipient_set`: the set of failed recipients equals the expected one; `?` means
//!   "a bounce whose recipient upstream does not name" (any record will do); an empty
//!   set means "not a bounce" (no record);
//! - `status`: on rows with one status, some record has it (exactly);
//! - `reason`: on rows with a reason, some record has it (exactly).
//!
//! The others are scored only where a row asserts them:
//! - `status_each` / `action`: rows naming several recipients give status and action as
//!   lists in the recipients' order; each recipient's record must carry its own (a
//!   single action applies to every record);
//! - `reply_code`: `details.tsv`'s SMTP reply code, on some record;
//! - `permanence`: upstream says the failure is temporary (`temporary=True`,
//!   `TYPE_SOFT_FAIL`) or permanent (`permanent=True`, `TYPE_HARD_FAIL`): a temporary one
//!   must give only class-4 records, none of them a hard bounce; a permanent one a
//!   class-5 record.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::bail;
use serde_json::Value;

use crate::corpus::{corpus_name, list_emails, run_all, CorpusScore, Metric};

/// One row of `expected.tsv`, with its `details.tsv` facts.
#[derive(Debug, Clone, Default)]
struct Row {
    file: String,
    recipients: Vec<String>,
    statuses: Vec<String>,
    actions: Vec<String>,
    reason: String,
    reply_code: String,
    temporary: Option<bool>,
}

/// What rebound said about one recipient.
#[derive(Debug, Clone, Default)]
struct Found {
    recipient: Option<String>,
    status: Option<String>,
    action: String,
    reason: String,
    reply_code: Option<u64>,
    hard_bounce: bool,
}

pub fn score(binary: &Path, dir: &Path, tsv: &str, verbose: bool) -> anyhow::Result<CorpusScore> {
    let details = std::fs::read_to_string(dir.join("details.tsv")).unwrap_or_default();
    let rows = read_rows(tsv, &details)?;
    let present = list_emails(dir)?;
    for row in &rows {
        if !present.contains(&row.file) {
            eprintln!("xtask corpus: {} is in expected.tsv but not under emails/", row.file);
        }
    }
    let files: Vec<String> = rows.iter().map(|r| r.file.clone()).collect();
    let results = run_all(binary, dir, &files, "json");
    let mut errors = Vec::new();
    let mut found = BTreeMap::new();
    for (file, result) in results {
        let records = match result {
            Ok(value) => found_in(&value),
            Err(err) => {
                errors.push(format!("  {file}: {err}"));
                Vec::new()
            }
        };
        found.insert(file, records);
    }
    let (metrics, misses) = tally(&rows, &found);
    let name = corpus_name(dir);
    if verbose {
        for miss in &misses {
            println!("{name}: miss {miss}");
        }
    }
    if !errors.is_empty() {
        println!("{name}: errors:");
        for line in errors.iter().take(20) {
            println!("{line}");
        }
    }
    Ok(CorpusScore { name, metrics, errors: errors.len() })
}

fn read_rows(tsv: &str, details: &str) -> anyhow::Result<Vec<Row>> {
    let mut facts: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for line in details.lines().skip(1) {
        let mut fields = line.splitn(3, '\t');
        if let (Some(file), Some(code)) = (fields.next(), fields.next()) {
            facts.insert(file, (code.trim(), fields.next().unwrap_or_default()));
        }
    }
    let list = |field: &str| -> Vec<String> {
        field.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    };
    let mut rows = Vec::new();
    for (number, line) in tsv.lines().enumerate().skip(1).filter(|(_, l)| !l.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, recipients, status, action, reason, ..] = fields[..] else {
            bail!("expected.tsv:{}: want at least 5 tab-separated columns", number + 1);
        };
        let (reply_code, upstream) = facts.get(file).copied().unwrap_or_default();
        rows.push(Row {
            file: file.to_string(),
            recipients: list(recipients),
            statuses: list(status),
            actions: list(action),
            reason: reason.trim().to_string(),
            reply_code: reply_code.to_string(),
            temporary: temporary_in(upstream),
        });
    }
    anyhow::ensure!(!rows.is_empty(), "expected.tsv has no rows");
    Ok(rows)
}

/// Whether upstream calls the failure temporary (`Some(true)`) or permanent.
fn temporary_in(upstream: &str) -> Option<bool> {
    let says = |word: &str| upstream.split([' ', ';']).any(|w| w == word);
    if says("temporary=True") || says("type=TYPE_SOFT_FAIL") {
        Some(true)
    } else if says("permanent=True") || says("type=TYPE_HARD_FAIL") {
        Some(false)
    } else {
        None
    }
}

/// Every recipient record of rebound's JSON output (one object, or an array of them).
fn found_in(value: &Value) -> Vec<Found> {
    let reports = match value {
        Value::Array(reports) => reports.as_slice(),
        other => std::slice::from_ref(other),
    };
    let text = |v: &Value| v.as_str().map(str::to_string);
    reports
        .iter()
        .filter_map(|report| report["recipients"].as_array())
        .flatten()
        .map(|r| Found {
            recipient: text(&r["recipient"]).filter(|s| !s.is_empty()),
            status: text(&r["status"]),
            action: text(&r["action"]).unwrap_or_default(),
            reason: text(&r["reason"]).unwrap_or_default(),
            reply_code: r["reply_code"].as_u64(),
            hard_bounce: r["hard_bounce"] == Value::Bool(true),
        })
        .collect()
}

/// The class (4 or 5) of a record: its status's, else its reply code's, else 4 for
/// `delayed` and 5 for `failed` (RFC 3464: no further attempts will be made).
fn class_of(found: &Found) -> Option<char> {
    let from_status = found.status.as_deref().and_then(|s| s.chars().next());
    let from_reply = found.reply_code.and_then(|c| char::from_digit((c / 100) as u32, 10));
    let from_action = match found.action.as_str() {
        "delayed" => Some('4'),
        "failed" => Some('5'),
        _ => None,
    };
    from_status.or(from_reply).or(from_action).filter(|c| matches!(c, '4' | '5'))
}

/// The figures, in print order, and one line per recipient-set miss.
fn tally(rows: &[Row], found: &BTreeMap<String, Vec<Found>>) -> (Vec<Metric>, Vec<String>) {
    let names =
        ["recipient_set", "status", "reason", "status_each", "action", "reply_code", "permanence"];
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut count = |name: &'static str, right: bool| {
        let entry = counts.entry(name).or_default();
        entry.0 += usize::from(right);
        entry.1 += 1;
    };
    let mut misses = Vec::new();
    let none = Vec::new();
    for row in rows {
        let recs = found.get(&row.file).unwrap_or(&none);
        let mut got: Vec<String> =
            recs.iter().filter_map(|r| r.recipient.as_deref()).map(str::to_lowercase).collect();
        got.sort();
        got.dedup();
        let mut want = row.recipients.clone();
        want.sort();
        let set_ok = if want == ["?"] { !recs.is_empty() } else { got == want };
        count("recipient_set", set_ok);
        if !set_ok {
            misses.push(format!("{} want {want:?} got {got:?}", row.file));
        }
        if let [status] = row.statuses.as_slice() {
            count("status", recs.iter().any(|r| r.status.as_deref() == Some(status)));
        }
        if !row.reason.is_empty() {
            count("reason", recs.iter().any(|r| r.reason == row.reason));
        }
        // Lists align with the recipients as written.
        let record_of = |recipient: &str| {
            recs.iter()
                .find(|r| r.recipient.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(recipient)))
        };
        if row.statuses.len() > 1 && row.statuses.len() == row.recipients.len() {
            for (recipient, status) in row.recipients.iter().zip(&row.statuses) {
                let ok = record_of(recipient).is_some_and(|r| r.status.as_deref() == Some(status));
                count("status_each", ok);
            }
        }
        match row.actions.as_slice() {
            [] => {}
            [action] => {
                count("action", !recs.is_empty() && recs.iter().all(|r| &r.action == action))
            }
            actions if actions.len() == row.recipients.len() => {
                for (recipient, action) in row.recipients.iter().zip(actions) {
                    count("action", record_of(recipient).is_some_and(|r| &r.action == action));
                }
            }
            _ => {}
        }
        if !row.reply_code.is_empty() {
            let ok = recs
                .iter()
                .any(|r| r.reply_code.map(|c| c.to_string()) == Some(row.reply_code.clone()));
            count("reply_code", ok);
        }
        match row.temporary {
            Some(true) => count(
                "permanence",
                !recs.is_empty() && recs.iter().all(|r| class_of(r) == Some('4') && !r.hard_bounce),
            ),
            Some(false) => count("permanence", recs.iter().any(|r| class_of(r) == Some('5'))),
            None => {}
        }
    }
    let metrics = names
        .iter()
        .filter_map(|name| {
            let (right, total) = *counts.get(name)?;
            Some(Metric { name, right, total })
        })
        .collect();
    (metrics, misses)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "file\trecipients\tstatus\taction\treason\tsource_assertion\n\
        emails/one.txt\ta@x.example\t5.1.1\t\tuserunknown\tt\n\
        emails/any.txt\t?\t4.4.2\t\t\tt\n\
        emails/not.txt\t\t\t\t\tt\n\
        emails/two.txt\tb@x.example,c@x.example\t5.1.1,4.2.2\tfailed,delayed\t\tt\n";
    const DETAILS: &str = "file\treplycode\tupstream_details\n\
        emails/one.txt\t550\ttype=no_such_recipient temporary=False permanent=True\n\
        emails/any.txt\t421\ttemporary=True permanent=False\n";

    fn found(recipient: &str, status: &str, action: &str, reason: &str, code: u64) -> Found {
        Found {
            recipient: Some(recipient.into()),
            status: Some(status.into()),
            action: action.into(),
            reason: reason.into(),
            reply_code: Some(code),
            hard_bounce: status.starts_with('5'),
        }
    }

    fn figures(found: &BTreeMap<String, Vec<Found>>) -> Vec<(&'static str, usize, usize)> {
        let rows = read_rows(TSV, DETAILS).unwrap();
        tally(&rows, found).0.iter().map(|m| (m.name, m.right, m.total)).collect()
    }

    #[test]
    fn every_asserted_fact_is_scored() {
        let mut all = BTreeMap::new();
        all.insert(
            "emails/one.txt".to_string(),
            vec![found("A@x.example", "5.1.1", "failed", "userunknown", 550)],
        );
        all.insert(
            "emails/any.txt".to_string(),
            vec![found("z@y.example", "4.4.2", "delayed", "expired", 421)],
        );
        all.insert(
            "emails/two.txt".to_string(),
            vec![
                found("c@x.example", "4.2.2", "delayed", "mailboxfull", 452),
                found("b@x.example", "5.1.1", "failed", "userunknown", 550),
            ],
        );
        assert_eq!(
            figures(&all),
            vec![
                ("recipient_set", 4, 4),
                ("status", 2, 2),
                ("reason", 1, 1),
                ("status_each", 2, 2),
                ("action", 2, 2),
                ("reply_code", 2, 2),
                ("permanence", 2, 2),
            ]
        );
    }

    #[test]
    fn a_made_up_record_or_a_hard_temporary_failure_is_wrong() {
        let mut all = BTreeMap::new();
        all.insert(
            "emails/not.txt".to_string(),
            vec![found("q@x.example", "5.0.0", "failed", "undefined", 550)],
        );
        let mut hard = found("z@y.example", "4.4.2", "failed", "expired", 421);
        hard.hard_bounce = true;
        all.insert("emails/any.txt".to_string(), vec![hard]);
        let got = figures(&all);
        assert_eq!(got[0], ("recipient_set", 1, 4), "only the `?` row is right");
        assert!(got.contains(&("permanence", 0, 2)), "{got:?}");
        assert!(got.contains(&("status_each", 0, 2)), "{got:?}");
    }

    #[test]
    fn upstream_temporary_and_permanent_words() {
        assert_eq!(temporary_in("type=x temporary=True permanent=False"), Some(true));
        assert_eq!(
            temporary_in("is_bounce=true type=TYPE_HARD_FAIL (line 106); same"),
            Some(false)
        );
        assert_eq!(temporary_in("temporary=False permanent=False"), None);
    }

    #[test]
    fn reads_one_report_or_an_array() {
        let one: Value = serde_json::from_str(
            r#"{"recipients":[{"recipient":"a@b.example","status":null,"action":"delayed","reason":"expired","reply_code":null,"hard_bounce":false}]}"#,
        )
        .unwrap();
        let records = found_in(&one);
        assert_eq!(records.len(), 1);
        assert_eq!(class_of(&records[0]), Some('4'));
        let failed = Found { action: "failed".into(), ..Found::default() };
        assert_eq!(class_of(&failed), Some('5'), "given up, with no code");
        assert_eq!(found_in(&Value::Array(vec![one.clone(), one])).len(), 2);
    }
}
