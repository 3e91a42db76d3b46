//! Bounces made by real MTAs (`cargo xtask mta-bounces`, tests/fixtures/mta/): every
//! fixture is diagnosed offline and each field of its row in expected.toml is asserted.
//! A row marked `known_wrong` is reported, not failed, until the rules are fixed; the
//! fields a row lists in `not_in_bounce` are absent from that MTA's bounce and skipped.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::util::{rebound, root};

fn mta_dir() -> PathBuf {
    root().join("tests/fixtures/mta")
}

/// A scalar of the TOML subset expected.toml is written in.
#[derive(Clone, Debug, PartialEq)]
enum Scalar {
    Text(String),
    Integer(i64),
    Bool(bool),
}

type Row = BTreeMap<String, Scalar>;

/// Reads `[[fixture]]` tables of `key = "text" | integer | true/false` lines; anything
/// else is an error, so that a hand edit that this reader would misread fails loudly.
fn parse_expected(toml: &str) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for (number, line) in toml.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[fixture]]" {
            rows.push(Row::new());
            continue;
        }
        let (key, value) = line
            .split_once(" = ")
            .unwrap_or_else(|| panic!("expected.toml:{}: not `key = value`: {line}", number + 1));
        let value = if let Some(text) = value.strip_prefix('"') {
            let text = text
                .strip_suffix('"')
                .unwrap_or_else(|| panic!("expected.toml:{}: unterminated string", number + 1));
            Scalar::Text(unescape(text))
        } else if let Ok(flag) = value.parse::<bool>() {
            Scalar::Bool(flag)
        } else {
            Scalar::Integer(value.parse().unwrap_or_else(|_| {
                panic!("expected.toml:{}: not a string, integer or boolean: {value}", number + 1)
            }))
        };
        let row = rows
            .last_mut()
            .unwrap_or_else(|| panic!("expected.toml:{}: key before [[fixture]]", number + 1));
        assert!(
            row.insert(key.to_string(), value).is_none(),
            "expected.toml:{}: repeated key",
            number + 1
        );
    }
    rows
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(escaped @ ('"' | '\\')) => out.push(escaped),
                other => panic!("unsupported escape \\{other:?} in expected.toml"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn text<'a>(row: &'a Row, key: &str) -> &'a str {
    match row.get(key) {
        Some(Scalar::Text(text)) => text,
        other => panic!("{key} is not a string in {row:?}: {other:?}"),
    }
}

/// What differs between one row and rebound's answer, as `field: expected X, got Y`.
fn mismatches(row: &Row, report: &Value) -> Vec<String> {
    let records = report["recipients"].as_array().cloned().unwrap_or_default();
    let expected_recipient = text(row, "recipient");
    let got: Vec<&str> = records.iter().filter_map(|r| r["recipient"].as_str()).collect();
    if got != [expected_recipient] {
        return vec![format!("recipients: expected [{expected_recipient}], got {got:?}")];
    }
    let record = &records[0];
    let unknowable: Vec<&str> = match row.get("not_in_bounce") {
        Some(Scalar::Text(fields)) => fields.split_whitespace().collect(),
        None => Vec::new(),
        other => panic!("not_in_bounce is not a string: {other:?}"),
    };
    let mut wrong = Vec::new();
    let mut check = |field: &str, expected: Value| {
        if unknowable.contains(&field) {
            return;
        }
        if record[field] != expected {
            wrong.push(format!("{field}: expected {expected}, got {}", record[field]));
        }
    };
    check("status", Value::from(text(row, "status")));
    check(
        "reply_code",
        match row.get("reply_code") {
            Some(Scalar::Integer(code)) => Value::from(*code),
            None => Value::Null,
            other => panic!("reply_code is not an integer: {other:?}"),
        },
    );
    check("smtp_command", Value::from(text(row, "smtp_command")));
    check("reason", Value::from(text(row, "reason")));
    check(
        "hard_bounce",
        match row.get("hard_bounce") {
            Some(Scalar::Bool(hard)) => Value::from(*hard),
            other => panic!("hard_bounce is not a boolean: {other:?}"),
        },
    );
    if !wrong.is_empty() {
        wrong.push(format!("diagnostic: {}", record["diagnostic"]));
    }
    wrong
}

#[test]
fn every_mta_fixture_has_one_expected_row() {
    let rows = parse_expected(&std::fs::read_to_string(mta_dir().join("expected.toml")).unwrap());
    let mut listed: Vec<String> = rows.iter().map(|r| text(r, "file").to_string()).collect();
    listed.sort();
    let mut on_disk: Vec<String> = std::fs::read_dir(mta_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".eml"))
        .collect();
    on_disk.sort();
    assert_eq!(listed, on_disk, "expected.toml and the .eml files differ");
    // The xtask must have produced the bounces of every MTA it runs.
    for mta in ["postfix-", "exim-", "opensmtpd-"] {
        assert!(on_disk.iter().filter(|f| f.starts_with(mta)).count() >= 12, "too few {mta}*");
    }
}

#[test]
fn mta_fixtures_diagnose_as_scripted() {
    let rows = parse_expected(&std::fs::read_to_string(mta_dir().join("expected.toml")).unwrap());
    assert!(!rows.is_empty());
    let mut failures = Vec::new();
    for row in &rows {
        let file = text(row, "file");
        let path = mta_dir().join(file).display().to_string();
        let run = rebound(&["diagnose", "--offline", "--format", "json", &path]);
        assert_eq!(run.code(), 0, "{file}: {}", run.stderr());
        let wrong = mismatches(row, &run.report());
        match (row.get("known_wrong"), wrong.is_empty()) {
            (Some(Scalar::Text(why)), true) => {
                eprintln!("{file}: marked known_wrong ({why}) but now right: remove the mark")
            }
            (Some(Scalar::Text(why)), false) => {
                eprintln!("{file}: known wrong ({why}):\n    {}", wrong.join("\n    "))
            }
            (Some(other), _) => panic!("{file}: known_wrong is not a string: {other:?}"),
            (None, true) => {}
            (None, false) => failures.push(format!("{file}:\n    {}", wrong.join("\n    "))),
        }
    }
    assert!(failures.is_empty(), "MTA fixtures diagnosed wrongly:\n{}", failures.join("\n"));
}

#[test]
fn the_expected_file_reader_reads_what_the_xtask_writes() {
    let rows = parse_expected(
        "# comment\n[[fixture]]\nfile = \"a \\\"b\\\".eml\"\nreply_code = 550\nhard_bounce = false\n",
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["file"], Scalar::Text("a \"b\".eml".into()));
    assert_eq!(rows[0]["reply_code"], Scalar::Integer(550));
    assert_eq!(rows[0]["hard_bounce"], Scalar::Bool(false));
}
