//! `diagnose --rules FILE`: a user's rules file changes a reason or adds a provider;
//! a broken one is refused before anything is read, naming its line.

use std::fs;
use std::path::Path;

use crate::util::{example, fixture, rebound};

/// Writes `text` to `name` in `dir` and returns the path as a string.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_rules_file_replaces_a_built_in_row() {
    let dir = tempfile::tempdir().unwrap();
    // The example is Outlook.com's S3150 refusal: a block of the sending IP.
    let before = rebound(&["diagnose", "--offline", "--format", "json", &example()]).report();
    assert_eq!(before["recipients"][0]["reason"], "blocked");
    assert_eq!(before["verdict"]["cause"], "sending_ip_blocklisted");

    let rules = write(
        dir.path(),
        "ours.toml",
        r#"# Our postmaster reads S3150 as a matter of reputation.
[[rule]]
id = "provider.microsoft.banned-sending-ip"
reason = "badreputation"
any = ["part of their network is on our block list"]
source = "our postmaster's notes"
"#,
    );
    let run =
        rebound(&["diagnose", "--offline", "--rules", &rules, "--format", "json", &example()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let after = run.report();
    assert_eq!(after["recipients"][0]["reason"], "badreputation");
    assert_eq!(after["verdict"]["cause"], "sending_ip_reputation");
    assert_eq!(after["recipients"][0]["provider"], "microsoft");
}

#[test]
fn rules_files_add_a_provider_and_a_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let provider = write(
        dir.path(),
        "example-net.toml",
        r#"id = "example-net"
name = "Example Net Mail"
company = "Example Net"
source = "Example Net's postmaster page"
hosts = ["mx1.example.net"]

[[rule]]
id = "provider.example-net.virtual-table"
reason = "filtered"
any = ["user unknown in virtual mailbox table"]
source = "Example Net's postmaster page: its filter answers as a missing mailbox"
"#,
    );
    let phrases = write(
        dir.path(),
        "phrases.toml",
        "[[rule]]\nid = \"ours.local-table\"\nreason = \"suspend\"\nany = [\"user unknown in local recipient table\"]\nsource = \"our own Postfix: the local table lists only suspended users\"\n",
    );
    let exim = fixture("exim-dsn-userunknown.eml");
    // A Postfix DSN: no MTA family file of its own, so generic phrases decide, and the
    // file's new phrase comes before them.
    let postfix = fixture("forwarded-postfix-dsn.eml");
    let run = rebound(&[
        "diagnose",
        "--offline",
        "--rules",
        &provider,
        "--rules",
        &phrases,
        "--format",
        "json",
        &exim,
        &postfix,
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let reports = run.json();
    let exim = &reports[0]["recipients"][0];
    assert_eq!((&exim["reason"], &exim["provider"]), (&"filtered".into(), &"example-net".into()));
    assert_eq!(exim["provider_name"], "Example Net Mail");
    assert_eq!(reports[1]["recipients"][0]["reason"], "suspend");
    // Without the files, the built-in rules answer.
    let plain = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "json",
        &fixture("exim-dsn-userunknown.eml"),
        &fixture("forwarded-postfix-dsn.eml"),
    ]);
    let plain = plain.json();
    assert_eq!(plain[0]["recipients"][0]["reason"], "userunknown");
    assert_eq!(plain[0]["recipients"][0]["provider"], serde_json::Value::Null);
    assert_eq!(plain[1]["recipients"][0]["reason"], "userunknown");
}

#[test]
fn a_broken_rules_file_is_an_error_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // An unknown reason: the row's line.
        ("reason.toml", "[[rule]]\nid = \"a\"\nreason = \"blocked\"\nsource = \"s\"\n\n[[rule]]\nid = \"b\"\nreason = \"sunburn\"\nsource = \"s\"\n", 6, "sunburn"),
        // A misspelt field: its own line.
        ("field.toml", "[[rule]]\nid = \"a\"\nreason = \"blocked\"\nanny = [\"x\"]\nsource = \"s\"\n", 4, "anny"),
        // Not TOML: the parser's line.
        ("syntax.toml", "[[rule]]\nid = \"a\"\nreason = blocked\n", 3, ""),
    ];
    for (name, text, line, word) in cases {
        let path = write(dir.path(), name, text);
        let run = rebound(&["diagnose", "--offline", "--rules", &path, &example()]);
        assert_eq!(run.code(), 2, "{name}: {}", run.stderr());
        let stderr = run.stderr();
        assert!(stderr.starts_with(&format!("rebound: {path}:{line}: ")), "{name}: {stderr}");
        assert!(stderr.contains(word), "{name}: {stderr}");
        assert!(run.stdout().is_empty(), "{name}: diagnosed anyway: {}", run.stdout());
    }
    let missing = dir.path().join("missing.toml").display().to_string();
    let run = rebound(&["diagnose", "--offline", "--rules", &missing, &example()]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().starts_with(&format!("rebound: {missing}: ")), "{}", run.stderr());
}
