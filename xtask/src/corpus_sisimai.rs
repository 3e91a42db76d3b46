//! Scoring a corpus in Sisimai's layout (`expected.tsv`: `file index status replycode
//! reason hardbounce`, one row per expected record), as `shared/tools/score-sisimai
//! --sisimai-json` scores it: rebound's `--format sisimai` records are compared with the
//! expected rows position by position; an email with no row must give no record.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::bail;
use serde_json::Value;

use crate::corpus::{
    corpus_name, list_emails, normalise_reason, run_all, status_matches, CorpusScore, Metric,
};

/// One record, expected or found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Record {
    status: String,
    reply_code: String,
    reason: String,
    hard_bounce: bool,
}

pub fn score(binary: &Path, dir: &Path, tsv: &str, verbose: bool) -> anyhow::Result<CorpusScore> {
    let expected = read_expected(tsv)?;
    let emails = list_emails(dir)?;
    let results = run_all(binary, dir, &emails, "sisimai");
    let mut found = BTreeMap::new();
    for (email, result) in results {
        found.insert(email, result.and_then(|value| records_of(&value)));
    }
    Ok(tally(&corpus_name(dir), &emails, &expected, &found, verbose))
}

fn read_expected(tsv: &str) -> anyhow::Result<BTreeMap<String, Vec<Record>>> {
    let mut expected: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    for (number, line) in tsv.lines().enumerate().skip(1).filter(|(_, l)| !l.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, _index, status, reply_code, reason, hard] = fields[..] else {
            bail!("expected.tsv:{}: want 6 tab-separated columns", number + 1);
        };
        expected.entry(file.to_string()).or_default().push(Record {
            status: status.to_string(),
            reply_code: normalise_reply(reply_code),
            reason: normalise_reason(reason),
            hard_bounce: hard == "1",
        });
    }
    Ok(expected)
}

/// The records of rebound's `--format sisimai` output.
fn records_of(value: &Value) -> Result<Vec<Record>, String> {
    let records = value.as_array().ok_or("output is not a JSON array")?;
    Ok(records
        .iter()
        .map(|r| Record {
            status: r["deliverystatus"].as_str().unwrap_or_default().to_string(),
            reply_code: match &r["replycode"] {
                Value::String(s) => normalise_reply(s),
                Value::Number(n) => normalise_reply(&n.to_string()),
                _ => String::new(),
            },
            reason: normalise_reason(r["reason"].as_str().unwrap_or_default()),
            hard_bounce: matches!(&r["hardbounce"], Value::Number(n) if n.as_u64() == Some(1))
                || r["hardbounce"] == Value::Bool(true),
        })
        .collect())
}

/// `""` and `"0"` both mean "no reply code".
fn normalise_reply(code: &str) -> String {
    let code = code.trim();
    if code == "0" {
        String::new()
    } else {
        code.to_string()
    }
}

fn tally(
    name: &str,
    emails: &[String],
    expected: &BTreeMap<String, Vec<Record>>,
    found: &BTreeMap<String, Result<Vec<Record>, String>>,
    verbose: bool,
) -> CorpusScore {
    let (mut reason, mut status, mut reply, mut hard, mut count_ok) = (0, 0, 0, 0, 0);
    let mut records = 0;
    let mut per_module: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut errors = Vec::new();
    for email in emails {
        let want = expected.get(email).map(Vec::as_slice).unwrap_or_default();
        let got = match found.get(email) {
            Some(Ok(got)) => Some(got.as_slice()),
            Some(Err(err)) => {
                errors.push(format!("  {email}: {err}"));
                None
            }
            None => None,
        };
        records += want.len();
        count_ok += usize::from(got.is_some_and(|got| got.len() == want.len()));
        let module = module_of(email);
        for (index, w) in want.iter().enumerate() {
            let g = got.and_then(|got| got.get(index));
            let ok_reason = g.is_some_and(|g| g.reason == w.reason);
            reason += usize::from(ok_reason);
            status += usize::from(g.is_some_and(|g| status_matches(&w.status, &g.status)));
            reply += usize::from(g.is_some_and(|g| g.reply_code == w.reply_code));
            hard += usize::from(g.is_some_and(|g| g.hard_bounce == w.hard_bounce));
            let entry = per_module.entry(module.clone()).or_default();
            entry.0 += usize::from(ok_reason);
            entry.1 += 1;
        }
    }
    let metric = |name, right| Metric { name, right, total: records };
    let score = CorpusScore {
        name: name.to_string(),
        metrics: vec![
            metric("reason", reason),
            metric("status", status),
            metric("reply_code", reply),
            metric("hard_bounce", hard),
            Metric { name: "record_count", right: count_ok, total: emails.len() },
        ],
        errors: errors.len(),
    };
    if verbose {
        let mut worst: Vec<_> = per_module.iter().collect();
        let ratio = |(ok, total): &(usize, usize)| *ok as f64 / (*total).max(1) as f64;
        worst.sort_by(|a, b| ratio(a.1).total_cmp(&ratio(b.1)).then(b.1 .1.cmp(&a.1 .1)));
        println!("{name}: worst modules by reason accuracy:");
        for (module, (ok, total)) in worst.iter().take(12) {
            println!("  {module:<28} {:.3}  ({ok}/{total})", ratio(&(*ok, *total)));
        }
    }
    if !errors.is_empty() {
        println!("{name}: errors:");
        for line in errors.iter().take(20) {
            println!("{line}");
        }
    }
    score
}

/// `emails/lhost-postfix-01.eml` belongs to module `lhost-postfix`.
fn module_of(email: &str) -> String {
    let name = email.trim_start_matches("emails/").trim_end_matches(".eml");
    match name.rsplit_once('-') {
        Some((module, number)) if number.bytes().all(|b| b.is_ascii_digit()) => module.to_string(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: &str, reply: &str, reason: &str, hard: bool) -> Record {
        Record {
            status: status.into(),
            reply_code: reply.into(),
            reason: reason.into(),
            hard_bounce: hard,
        }
    }

    #[test]
    fn modules() {
        assert_eq!(module_of("emails/lhost-postfix-01.eml"), "lhost-postfix");
        assert_eq!(module_of("emails/notbounce-01.eml"), "notbounce");
    }

    #[test]
    fn records_are_compared_in_order_and_errors_count_as_wrong() {
        let tsv = "file\tindex\tstatus\treplycode\treason\thardbounce\n\
                   emails/a.eml\t0\t5.1.1\t550\tuserunknown\t1\n\
                   emails/a.eml\t1\t5.2.2\t0\tmailboxfull\t0\n\
                   emails/b.eml\t0\t5.9.213\t\tuserunknown\t1\n";
        let expected = read_expected(tsv).unwrap();
        let emails: Vec<String> =
            ["emails/a.eml", "emails/b.eml", "emails/c.eml"].map(String::from).to_vec();
        let mut found = BTreeMap::new();
        found.insert(
            emails[0].clone(),
            Ok(vec![
                record("5.1.1", "550", "userunknown", true),
                record("5.2.2", "", "mailboxfull", true),
            ]),
        );
        found.insert(emails[1].clone(), Err("killed by a signal (crash)".to_string()));
        found.insert(emails[2].clone(), Ok(Vec::new()));
        let score = tally("t", &emails, &expected, &found, false);
        let figures: Vec<(usize, usize)> =
            score.metrics.iter().map(|m| (m.right, m.total)).collect();
        // reason, status, reply code, hard bounce over 3 records; record count over 3 emails.
        assert_eq!(figures, vec![(2, 3), (2, 3), (2, 3), (1, 3), (2, 3)]);
        assert_eq!(score.errors, 1);
    }

    #[test]
    fn reads_sisimai_output_keys() {
        let value: Value = serde_json::from_str(
            r#"[{"deliverystatus":"5.1.1","replycode":"550","reason":"MesgTooBig","hardbounce":1}]"#,
        )
        .unwrap();
        assert_eq!(
            records_of(&value).unwrap(),
            vec![record("5.1.1", "550", "emailtoolarge", true)]
        );
    }
}
