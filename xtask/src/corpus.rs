//! `cargo xtask corpus [DIR]`: score rebound against a bounce corpus with expected
//! answers (`emails/` + `expected.tsv`, the layout of `../shared/corpus/sisimai`).
//!
//! Every email is run through the `rebound` binary (`diagnose --offline --format
//! sisimai`), one process per email so a crash is pinned to its email, and its records
//! are compared position by position with the expected rows. The last line is
//! `reason_accuracy=... status_accuracy=... records=... emails=... errors=...`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use anyhow::{bail, Context};
use serde_json::Value;

use crate::project_root;

/// CI fails below these. Raise them as accuracy improves; never lower them to pass.
pub const FLOOR_REASON: f64 = 0.97;
pub const FLOOR_STATUS: f64 = 0.97;
pub const FLOOR_REPLY_CODE: f64 = 0.97;
pub const FLOOR_RECORD_COUNT: f64 = 0.99;

/// One expected record.
#[derive(Debug, Clone)]
struct Expected {
    status: String,
    reply_code: String,
    reason: String,
    hard_bounce: bool,
}

/// What rebound said about one record.
#[derive(Debug, Clone, Default)]
struct Got {
    status: String,
    reply_code: String,
    reason: String,
    hard_bounce: bool,
}

/// The scores of one run.
#[derive(Debug, Default)]
pub struct Score {
    pub reason: f64,
    pub status: f64,
    pub reply_code: f64,
    pub hard_bounce: f64,
    pub count_match: f64,
    pub records: usize,
    pub emails: usize,
    pub errors: usize,
}

/// The default corpus: `../shared/corpus/sisimai` next to the checkout, when present.
pub fn default_dir() -> Option<PathBuf> {
    let dir = project_root().join("../shared/corpus/sisimai");
    dir.join("expected.tsv").is_file().then_some(dir)
}

pub fn run(dir: Option<PathBuf>) -> anyhow::Result<Score> {
    let dir = match dir.or_else(default_dir) {
        Some(dir) => dir,
        None => bail!("no corpus given and ../shared/corpus/sisimai is not there"),
    };
    let expected = read_expected(&dir)?;
    let binary = build_binary()?;
    let emails = list_emails(&dir)?;
    let results = run_all(&binary, &dir, &emails);
    Ok(score(&emails, &expected, &results))
}

fn read_expected(dir: &Path) -> anyhow::Result<BTreeMap<String, Vec<Expected>>> {
    let path = dir.join("expected.tsv");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut expected: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    for (number, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, _index, status, reply_code, reason, hard] = fields[..] else {
            bail!("{}:{}: want 6 tab-separated columns", path.display(), number + 1);
        };
        expected.entry(file.to_string()).or_default().push(Expected {
            status: status.to_string(),
            reply_code: reply_code.to_string(),
            reason: normalise_reason(reason),
            hard_bounce: hard == "1",
        });
    }
    Ok(expected)
}

fn list_emails(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut emails: Vec<String> = std::fs::read_dir(dir.join("emails"))
        .with_context(|| format!("cannot list {}/emails", dir.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| format!("emails/{}", entry.file_name().to_string_lossy()))
        .filter(|name| name.ends_with(".eml"))
        .collect();
    emails.sort();
    Ok(emails)
}

fn build_binary() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "rebound-cli", "--bin", "rebound"])
        .status()
        .context("cannot run cargo build")?;
    anyhow::ensure!(status.success(), "cargo build -p rebound-cli failed");
    Ok(project_root().join("target/release/rebound"))
}

/// Runs every email on two threads; an error is kept per email.
fn run_all(
    binary: &Path,
    dir: &Path,
    emails: &[String],
) -> BTreeMap<String, Result<Vec<Got>, String>> {
    let results = Mutex::new(BTreeMap::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let index = {
                    let Ok(mut next) = next.lock() else { return };
                    let index = *next;
                    *next += 1;
                    index
                };
                let Some(email) = emails.get(index) else { return };
                let result = run_one(binary, &dir.join(email));
                if let Ok(mut results) = results.lock() {
                    results.insert(email.clone(), result);
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

fn run_one(binary: &Path, email: &Path) -> Result<Vec<Got>, String> {
    let output = Command::new(binary)
        .args(["diagnose", "--offline", "--format", "sisimai"])
        .arg(email)
        .output()
        .map_err(|e| format!("cannot run: {e}"))?;
    match output.status.code() {
        Some(0 | 1) => {}
        Some(code) => {
            return Err(format!("exit {code}: {}", String::from_utf8_lossy(&output.stderr).trim()))
        }
        None => return Err("killed by a signal (crash)".to_string()),
    }
    let value: Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("bad JSON: {e}"))?;
    let records = value.as_array().ok_or("output is not a JSON array")?;
    Ok(records
        .iter()
        .map(|r| Got {
            status: r["deliverystatus"].as_str().unwrap_or_default().to_string(),
            reply_code: match &r["replycode"] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => String::new(),
            },
            reason: normalise_reason(r["reason"].as_str().unwrap_or_default()),
            hard_bounce: matches!(&r["hardbounce"], Value::Number(n) if n.as_u64() == Some(1))
                || r["hardbounce"] == Value::Bool(true),
        })
        .collect())
}

/// Sisimai merged some reasons in 2025; the old names count as the new ones.
fn normalise_reason(reason: &str) -> String {
    let reason = reason.trim().to_ascii_lowercase();
    match reason.as_str() {
        "exceedlimit" | "mesgtoobig" => "emailtoolarge".to_string(),
        "toomanyconn" | "speeding" => "ratelimited".to_string(),
        _ => reason,
    }
}

/// Sisimai's invented codes (X.0.9NN, X.9.NNN) say only the class; any two of the
/// same class match.
fn status_matches(expected: &str, got: &str) -> bool {
    match (pseudo_class(expected), pseudo_class(got)) {
        (Some(a), Some(b)) => a == b,
        _ => expected == got,
    }
}

/// The class of a Sisimai pseudo status code, `None` for a real RFC 3463 code.
fn pseudo_class(code: &str) -> Option<&str> {
    let mut parts = code.split('.');
    let (class, subject, detail) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !matches!(class, "2" | "4" | "5") {
        return None;
    }
    let digits = !detail.is_empty() && detail.bytes().all(|b| b.is_ascii_digit());
    let pseudo = digits
        && ((subject == "9" && detail.len() <= 3)
            || (subject == "0" && detail.len() == 3 && detail.starts_with('9')));
    pseudo.then_some(class)
}

fn score(
    emails: &[String],
    expected: &BTreeMap<String, Vec<Expected>>,
    results: &BTreeMap<String, Result<Vec<Got>, String>>,
) -> Score {
    let (mut reason, mut status, mut reply, mut hard, mut count_ok, mut errors) =
        (0, 0, 0, 0, 0, 0);
    let mut records = 0;
    let mut per_module: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut error_lines = Vec::new();
    for email in emails {
        let want = expected.get(email).map(Vec::as_slice).unwrap_or_default();
        let got = match results.get(email) {
            Some(Ok(got)) => got.as_slice(),
            Some(Err(err)) => {
                errors += 1;
                error_lines.push(format!("  {email}: {err}"));
                &[]
            }
            None => &[],
        };
        records += want.len();
        if want.len() == got.len() {
            count_ok += 1;
        }
        let module = module_of(email);
        for (index, w) in want.iter().enumerate() {
            let g = got.get(index).cloned().unwrap_or_default();
            let ok_reason = g.reason == w.reason;
            reason += usize::from(ok_reason);
            status += usize::from(got.get(index).is_some() && status_matches(&w.status, &g.status));
            reply += usize::from(got.get(index).is_some() && w.reply_code == g.reply_code);
            hard += usize::from(got.get(index).is_some() && w.hard_bounce == g.hard_bounce);
            let entry = per_module.entry(module.clone()).or_default();
            entry.0 += usize::from(ok_reason);
            entry.1 += 1;
        }
    }
    let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let result = Score {
        reason: ratio(reason, records),
        status: ratio(status, records),
        reply_code: ratio(reply, records),
        hard_bounce: ratio(hard, records),
        count_match: ratio(count_ok, emails.len()),
        records,
        emails: emails.len(),
        errors,
    };
    println!("per-field accuracy over {records} expected records:");
    println!("  reason       {:.3}  ({reason}/{records})", result.reason);
    println!("  status       {:.3}  ({status}/{records})", result.status);
    println!("  reply code   {:.3}  ({reply}/{records})", result.reply_code);
    println!("  hard bounce  {:.3}  ({hard}/{records})", result.hard_bounce);
    println!(
        "  record count exact on {:.3} of emails ({count_ok}/{})",
        result.count_match,
        emails.len()
    );
    let mut worst: Vec<_> = per_module.iter().collect();
    worst.sort_by(|a, b| {
        ratio(a.1 .0, a.1 .1).total_cmp(&ratio(b.1 .0, b.1 .1)).then(b.1 .1.cmp(&a.1 .1))
    });
    println!("worst modules by reason accuracy:");
    for (module, (ok, total)) in worst.iter().take(12) {
        println!("  {module:<28} {:.3}  ({ok}/{total})", ratio(*ok, *total));
    }
    if !error_lines.is_empty() {
        println!("errors:");
        for line in error_lines.iter().take(20) {
            println!("{line}");
        }
    }
    println!(
        "reason_accuracy={:.3} status_accuracy={:.3} records={} emails={} errors={}",
        result.reason, result.status, result.records, result.emails, result.errors
    );
    result
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

    #[test]
    fn pseudo_status_codes_match_by_class() {
        assert!(status_matches("5.9.132", "5.0.910"));
        assert!(status_matches("5.1.1", "5.1.1"));
        assert!(!status_matches("5.9.132", "4.9.132"));
        assert!(!status_matches("5.1.1", "5.1.2"));
        assert!(!status_matches("5.0.0", "5.9.1"));
    }

    #[test]
    fn modules_and_reasons() {
        assert_eq!(module_of("emails/lhost-postfix-01.eml"), "lhost-postfix");
        assert_eq!(module_of("emails/notbounce-01.eml"), "notbounce");
        assert_eq!(normalise_reason("MesgTooBig"), "emailtoolarge");
    }
}
