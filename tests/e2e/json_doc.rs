//! docs/json.md against the real output of `rebound diagnose --format json`: every key
//! the binary prints (over every fixture offline, and over bounces whose lists answer
//! from an in-process DNS server) is a row of the section of its object, and every
//! documented row is printed; every enumerated value it prints is listed; the `cause`
//! and `reason` lists are the library's; the `generator` list is every name
//! rebound-dsn's source sets; and the example is what the binary prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rebound_tests::TestDns;
use rebound_verdict::{Cause, Reason};
use serde_json::Value;

use crate::util::{example, fixture, rebound, root};

/// A row of a table: its first cell's backquoted name and the whole line.
struct Row {
    name: String,
    line: String,
}

/// docs/json.md, read into its parts.
struct Doc {
    /// Object sections under `## Objects`, keyed by the path of the object they
    /// document: `` for the report, `recipients[]`, `verdict.evidence[] dns` (the
    /// backquoted words of the heading, joined by a space), ...
    objects: BTreeMap<String, Vec<Row>>,
    /// Value sections under `## Values`, keyed by their first backquoted word, with
    /// the rows in the order of the table (the value is the row's name).
    values: BTreeMap<String, Vec<Row>>,
    /// The first `json` block under `## Example`.
    example: Value,
}

impl Doc {
    /// The values listed under `### \`key\`` of `## Values`, in order.
    fn values(&self, key: &str) -> Vec<&str> {
        let rows = self.values.get(key).unwrap_or_else(|| panic!("no values section {key}"));
        rows.iter().map(|r| r.name.as_str()).collect()
    }
}

fn backquoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn read_doc() -> Doc {
    let path = root().join("docs/json.md");
    let text = std::fs::read_to_string(&path).expect("docs/json.md is readable");
    let mut objects: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut values: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let (mut part, mut section) = (String::new(), None::<String>);
    let mut example = None;
    let mut in_block = None::<String>;
    for line in text.lines() {
        if let Some(block) = in_block.as_mut() {
            if line.starts_with("```") {
                if example.is_none() && part == "Example" {
                    example = Some(serde_json::from_str(block).unwrap_or_else(|e| {
                        panic!("the example in docs/json.md is not JSON: {e}")
                    }));
                }
                in_block = None;
            } else {
                block.push_str(line);
                block.push('\n');
            }
            continue;
        }
        if line.starts_with("```") {
            in_block = Some(String::new());
        } else if let Some(title) = line.strip_prefix("## ") {
            part = title.trim().to_string();
            section = None;
        } else if let Some(title) = line.strip_prefix("### ") {
            let key = match part.as_str() {
                "Objects" => backquoted(title).join(" "),
                _ => backquoted(title).first().map_or(title.trim(), |w| w).to_string(),
            };
            match part.as_str() {
                "Objects" => assert!(objects.insert(key.clone(), Vec::new()).is_none(), "{key}"),
                "Values" => assert!(values.insert(key.clone(), Vec::new()).is_none(), "{key}"),
                _ => {}
            }
            section = Some(key);
        } else if let (Some(key), Some(cell)) = (&section, line.strip_prefix("| `")) {
            let name = cell.split('`').next().unwrap_or_default().to_string();
            let row = Row { name, line: line.to_string() };
            match part.as_str() {
                "Objects" => objects.get_mut(key).expect("section").push(row),
                "Values" => values.get_mut(key).expect("section").push(row),
                _ => {}
            }
        }
    }
    let example = example.expect("docs/json.md has a ```json example under ## Example");
    Doc { objects, values, example }
}

/// A row that the output may leave out: it says it is printed only with a flag.
fn optional(row: &Row) -> bool {
    row.line.contains("only with `--")
}

/// The section of docs/json.md that documents an object at `path` (see
/// [`Doc::objects`]): evidence items have one section per kind.
fn section_of(path: &str, object: &serde_json::Map<String, Value>) -> String {
    match (path, object.get("kind").and_then(Value::as_str)) {
        ("verdict.evidence[]", Some(kind)) => format!("{path} {kind}"),
        _ => path.to_string(),
    }
}

/// Fields whose string values are enumerated under `## Values`: (object path, key,
/// value section).
const ENUMERATED: &[(&str, &str, &str)] = &[
    ("", "form", "form"),
    ("", "generator", "generator"),
    ("recipients[]", "action", "action"),
    ("recipients[]", "kind", "kind"),
    ("recipients[]", "reason", "reason"),
    ("recipients[]", "cause", "cause"),
    ("recipients[]", "suppress_reason", "suppress_reason"),
    ("recipients[]", "smtp_command", "smtp_command"),
    ("sending_ips[]", "found_in", "found_in"),
    ("sending_domains[]", "found_in", "found_in"),
    ("lookup", "state", "lookup.state"),
    ("verdict", "cause", "cause"),
    ("verdict.causes[]", "cause", "cause"),
    ("verdict.evidence[]", "kind", "verdict.evidence[].kind"),
    ("verdict.evidence[]", "cause", "cause"),
];

/// What the walk over the output found wrong, and which (section, key) it saw.
#[derive(Default)]
struct Walk {
    problems: BTreeSet<String>,
    seen: BTreeSet<(String, String)>,
}

impl Walk {
    fn object(&mut self, doc: &Doc, path: &str, value: &Value) {
        let Some(object) = value.as_object() else {
            return;
        };
        let section = section_of(path, object);
        if !doc.objects.contains_key(&section) {
            self.problems.insert(format!(
                "no heading \"### `{section}`\" under ## Objects documents {value}"
            ));
        }
        // An evidence item's `kind` is documented in the section common to all kinds.
        let common = doc.objects.get(path).filter(|_| section != path);
        for (key, child) in object {
            let documents =
                |rows: Option<&Vec<Row>>| rows.is_some_and(|r| r.iter().any(|r| r.name == *key));
            if documents(doc.objects.get(&section)) {
                self.seen.insert((section.clone(), key.clone()));
            } else if documents(common) {
                self.seen.insert((path.to_string(), key.clone()));
            } else {
                self.problems.insert(format!("key `{key}` of `{section}` is not documented"));
            }
            for (at, field, values) in ENUMERATED {
                if *at == path && field == key {
                    if let Some(text) = child.as_str() {
                        if !doc
                            .values
                            .get(*values)
                            .is_some_and(|v| v.iter().any(|v| v.name == text))
                        {
                            self.problems.insert(format!(
                                "value {text:?} of `{path}` `{key}` is not under ### `{values}`"
                            ));
                        }
                    }
                }
            }
            if key == "rule" && matches!(path, "recipients[].why" | "verdict.evidence[]") {
                let rule = child.as_str().unwrap_or_default();
                let known = doc.values("Rule ids").iter().any(|prefix| {
                    let fixed = prefix.split('<').next().unwrap_or_default();
                    rule == *prefix || (fixed.ends_with('.') && rule.starts_with(fixed))
                });
                if !known {
                    self.problems
                        .insert(format!("rule id {rule:?} has no prefix under ### Rule ids"));
                }
            }
            let child_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            match child {
                Value::Object(_) => self.object(doc, &child_path, child),
                Value::Array(items) => {
                    for item in items {
                        self.object(doc, &format!("{child_path}[]"), item);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Every file under tests/fixtures that may be a bounce (the READMEs and the
/// expectations table are not inputs).
fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixtures are readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            fixture_files(&path, out);
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("md" | "toml")) {
            out.push(path);
        }
    }
}

/// Every fixture's path, as an argument.
fn fixture_inputs() -> Vec<String> {
    let mut files = Vec::new();
    fixture_files(&root().join("tests/fixtures"), &mut files);
    assert!(files.len() > 100, "{} fixtures", files.len());
    files.iter().map(|p| p.display().to_string()).collect()
}

/// The reports of `diagnose --format json` with `args` before the inputs.
fn reports(args: &[&str], inputs: &[String]) -> Vec<Value> {
    let mut all: Vec<&str> = vec!["diagnose", "--format", "json"];
    all.extend(args);
    all.extend(inputs.iter().map(String::as_str));
    let run = rebound(&all);
    // 1: some fixtures are deliberately not bounces; 2 would be an unreadable file.
    assert!(matches!(run.code(), 0 | 1), "{}", run.stderr());
    let json = run.json();
    let reports = json.as_array().unwrap_or_else(|| panic!("not an array: {json}"));
    assert!(!reports.is_empty());
    reports.clone()
}

/// Offline over every fixture, in both languages, and with blocklists that answer:
/// an IP listed on ZEN, the sender's domain listed on DBL, a list that refuses, a
/// reporting server that resolves and one that does not.
fn all_reports() -> Vec<Value> {
    let inputs = fixture_inputs();
    let mut all = reports(&["--offline"], &inputs);
    // A Maildir, for `source.maildir`.
    let maildir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(maildir.path().join("cur")).unwrap();
    std::fs::create_dir_all(maildir.path().join("new")).unwrap();
    std::fs::copy(fixture("postfix-dsn-s3150.eml"), maildir.path().join("new/1700000000.M1.host"))
        .unwrap();
    all.extend(reports(&["--offline"], &[maildir.path().display().to_string()]));
    all.extend(reports(&["--offline", "--lang", "ja"], &inputs[..20]));

    let dns = TestDns::builder()
        .zone("zen.spamhaus.org")
        .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .txt("45.113.0.203.zen.spamhaus.org", "https://check.spamhaus.org/sbl/query/SBL999999")
        .zone("dbl.spamhaus.org")
        .a("yamada-shoten.example.dbl.spamhaus.org", "127.0.1.2")
        .refused_zone("bl.spamcop.net")
        .zone("b.barracudacentral.org")
        .zone("dnsbl-1.uceprotect.net")
        .zone("psbl.surriel.com")
        .zone("bl.mailspike.net")
        .a("sv12053.xserver.jp", "203.0.113.46")
        .start();
    let resolver = dns.addr().to_string();
    let with_dns =
        reports(&["--resolver", &resolver], &[example(), fixture("qmail-three-recipients.eml")]);
    // The scenario must show what it is here for, or the keys it would check go
    // unchecked.
    let text = serde_json::to_string(&with_dns).expect("JSON");
    for shown in [
        "\"listed\":true",
        "\"listed\":null",
        "\"kind\":\"dns\"",
        "\"kind\":\"hosting\"",
        "\"found_in\":\"reporting_mta\"",
        "\"from_dns\":true",
        "\"host\":\"mail.example.ne.jp\"",
    ] {
        assert!(text.contains(shown), "the DNS scenario lacks {shown}: {text}");
    }
    all.extend(with_dns);
    all
}

#[test]
fn every_key_and_enumerated_value_printed_is_documented_and_every_row_is_printed() {
    let doc = read_doc();
    let mut walk = Walk::default();
    for report in all_reports() {
        walk.object(&doc, "", &report);
    }
    assert!(
        walk.problems.is_empty(),
        "docs/json.md does not document what `rebound diagnose --format json` prints:\n{}",
        walk.problems.iter().cloned().collect::<Vec<_>>().join("\n")
    );
    // The other way: a documented field that is never printed is stale, unless its
    // row says it comes only with a flag (and so do the sections of its object).
    let optional_paths: Vec<String> = doc
        .objects
        .iter()
        .flat_map(|(path, rows)| {
            rows.iter().filter(|r| optional(r)).map(move |r| {
                if path.is_empty() {
                    r.name.clone()
                } else {
                    format!("{path}.{}", r.name)
                }
            })
        })
        .collect();
    let mut stale = Vec::new();
    for (path, rows) in &doc.objects {
        if optional_paths.iter().any(|o| path == o || path.starts_with(&format!("{o}."))) {
            continue;
        }
        for row in rows.iter().filter(|r| !optional(r)) {
            if !walk.seen.contains(&(path.clone(), row.name.clone())) {
                stale.push(format!("`{}` of `{path}`", row.name));
            }
        }
    }
    assert!(stale.is_empty(), "docs/json.md documents fields never printed: {stale:?}");
}

#[test]
fn cause_and_reason_tables_are_the_librarys_lists() {
    let doc = read_doc();
    let causes: Vec<&str> = Cause::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(doc.values("cause"), causes, "the `cause` table, in headline order");
    let mut reasons: Vec<&str> = Reason::all().map(Reason::as_str).collect();
    reasons.sort_unstable();
    let mut documented = doc.values("reason");
    documented.sort_unstable();
    assert_eq!(documented, reasons, "the `reason` table");
}

/// The cause column of the `reason` table: the reason's row and the cause it names
/// (none for a reason without a cause of its own), and whether it is marked
/// "(domain)".
fn reason_causes() -> BTreeMap<String, (Option<String>, bool)> {
    read_doc().values["reason"]
        .iter()
        .map(|row| {
            let column = row.line.trim_end_matches('|').rsplit('|').next().unwrap_or_default();
            let named = backquoted(column);
            assert!(
                named.len() == 1 || column.trim() == "none",
                "the cause column of {}",
                row.line
            );
            let cause = named.first().map(|c| c.to_string());
            (row.name.clone(), (cause, column.contains("(domain)")))
        })
        .collect()
}

#[test]
fn reason_table_names_the_cause_each_reason_gives() {
    let columns = reason_causes();
    let mut checked = 0;
    for report in reports(&["--offline"], &fixture_inputs()) {
        for r in report["recipients"].as_array().expect("recipients") {
            let failed = r["kind"] == "delivery"
                && matches!(r["action"].as_str(), Some("failed" | "delayed"));
            // A provider's row may name a cause of its own (docs/json.md says so).
            let rule = r["why"]["rule"].as_str().unwrap_or_default();
            if !failed || rule.starts_with("provider.") {
                continue;
            }
            let (named, domain) = &columns[r["reason"].as_str().expect("reason")];
            let cause = r["cause"].as_str().expect("cause");
            let expected = match named {
                Some(named) => cause == named || (*domain && cause == "sending_domain_blocklisted"),
                None if r["temporary"] == true => cause == "temporary_failure",
                None => cause == "unknown",
            };
            assert!(expected, "docs/json.md's reason table says {named:?} for {r:#}");
            checked += 1;
        }
    }
    assert!(checked > 150, "{checked} recipients checked");
}

/// Every generator name a family of rebound-dsn sets: the string literals given to
/// a `generator` field or variable, or as the first argument of a pattern `row(`.
fn generators_in_source() -> BTreeSet<String> {
    let mut files = Vec::new();
    let mut dirs = vec![root().join("crates/dsn/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("dsn sources") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let literals = |text: &str| -> Vec<String> {
        text.split('"').skip(1).step_by(2).map(str::to_string).collect()
    };
    let mut names = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable source");
        // Unit tests name made-up generators.
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        let lines: Vec<&str> =
            code.lines().map(str::trim).filter(|l| !l.starts_with("//")).collect();
        for (i, line) in lines.iter().enumerate() {
            for (at, _) in line.match_indices("generator") {
                let before = line[..at].chars().next_back();
                let rest = &line[at + "generator".len()..];
                let after = rest.trim_start();
                let assigned = (after.starts_with(':') && !after.starts_with("::"))
                    || (after.starts_with('=') && !after.starts_with("=="))
                    || after.starts_with(".get_or_insert(");
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    || rest.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    || !assigned
                {
                    continue;
                }
                let value = after.split([',', ';']).next().unwrap_or_default();
                names.extend(literals(value));
            }
            // The event readers name theirs when they make a record:
            // `bounce(Form::ServiceEvent, "sendgrid")`.
            if let Some(args) = line.split("bounce(Form::").nth(1) {
                names.extend(literals(args).into_iter().take(1));
            }
            if line.ends_with("row(") {
                if let Some(next) = lines.get(i + 1) {
                    names.extend(literals(next).into_iter().take(1));
                }
            } else if let Some(args) = line.split("row(").nth(1) {
                names.extend(literals(args).into_iter().take(1));
            }
        }
    }
    names
}

#[test]
fn generator_table_lists_every_name_rebound_dsn_sets() {
    let doc = read_doc();
    let source = generators_in_source();
    for expected in ["postfix", "exim", "ezweb", "netscape", "smail", "messageswitch"] {
        assert!(source.contains(expected), "the source scan missed {expected}: {source:?}");
    }
    let listed = doc.values("generator");
    let documented: BTreeSet<String> = listed.iter().map(|g| g.to_string()).collect();
    assert_eq!(documented.len(), listed.len(), "a generator row twice");
    let missing: Vec<_> = source.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&source).collect();
    assert!(
        missing.is_empty(),
        "generators set in crates/dsn/src but not in docs/json.md: {missing:?}"
    );
    assert!(stale.is_empty(), "generators in docs/json.md that no code sets: {stale:?}");
}

/// Fields whose text is prose (sentences, rule sources): their wording may change
/// from version to version, so the example keeps only their type.
const PROSE: &[&str] = &["summary", "actions", "reason_text", "source"];

fn same_as_printed(doc: &Value, printed: &Value, at: &str, problems: &mut Vec<String>) {
    let key = at.rsplit(['.', '[']).next().unwrap_or_default();
    match (doc, printed) {
        (Value::Object(d), Value::Object(p)) => {
            let (dk, pk): (BTreeSet<_>, BTreeSet<_>) = (d.keys().collect(), p.keys().collect());
            if dk != pk {
                problems.push(format!("{at}: keys {dk:?} in the doc, {pk:?} printed"));
            }
            for (k, v) in d {
                if let Some(pv) = p.get(k) {
                    same_as_printed(v, pv, &format!("{at}.{k}"), problems);
                }
            }
        }
        (Value::Array(d), Value::Array(p)) if PROSE.contains(&key) => {
            if !d.iter().chain(p).all(Value::is_string) {
                problems.push(format!("{at}: sentences expected"));
            }
        }
        (Value::Array(d), Value::Array(p)) => {
            if d.len() != p.len() {
                problems.push(format!("{at}: {} items in the doc, {} printed", d.len(), p.len()));
            }
            for (i, (dv, pv)) in d.iter().zip(p).enumerate() {
                same_as_printed(dv, pv, &format!("{at}[{i}]"), problems);
            }
        }
        (Value::String(_), Value::String(_)) if PROSE.contains(&key) => {}
        // The binary is given an absolute path; the doc shows the relative one.
        (Value::String(d), Value::String(p))
            if (key == "input" || key == "path") && p.ends_with(d.as_str()) => {}
        (d, p) if d == p => {}
        (d, p) => problems.push(format!("{at}: {d} in the doc, {p} printed")),
    }
}

#[test]
fn example_is_what_the_binary_prints() {
    let doc = read_doc();
    let printed = reports(&["--offline"], &[fixture("qmail-three-recipients.eml")]);
    let mut problems = Vec::new();
    same_as_printed(&doc.example, &Value::Array(printed), "", &mut problems);
    assert!(
        problems.is_empty(),
        "the example in docs/json.md is stale; rerun `cargo run -q -p rebound-cli -- diagnose \
         --offline --format json tests/fixtures/qmail-three-recipients.eml` and update it:\n{}",
        problems.join("\n")
    );
}
