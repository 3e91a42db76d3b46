//! Inputs at volume: directory trees, Maildir folders, mbox files (plain, quoted,
//! gzip-compressed), standard input, files that are not mail, and `--format
//! ndjson` in input order with each report's source.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::{fixture, rebound};

const FIXTURES: [&str; 3] =
    ["postfix-dsn-s3150.eml", "exim-dsn-userunknown.eml", "qmail-three-recipients.eml"];

/// The recipients the binary finds in a fixture read alone: what every other way
/// of reading the same message must give.
fn recipients_alone(name: &str) -> Value {
    let report = rebound(&["diagnose", "--offline", "--format", "json", &fixture(name)]).report();
    report["recipients"].clone()
}

/// An mbox (mboxrd: body lines `From ` and `>From ` quoted with one more `>`) of
/// `count` messages cycling through [`FIXTURES`]; the second message's body also
/// carries a quoted separator followed by a header line.
fn mbox(count: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for index in 0..count {
        let text = std::fs::read(fixture(FIXTURES[index % FIXTURES.len()])).unwrap();
        writeln!(out, "From MAILER-DAEMON Thu Mar  6 10:{:02}:00 2025", index % 60).unwrap();
        for line in text.split_inclusive(|b| *b == b'\n') {
            let quotes = line.iter().take_while(|b| **b == b'>').count();
            if line[quotes..].starts_with(b"From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line);
        }
        if index == 1 {
            out.extend_from_slice(
                b"\nFrom someone Thu Mar  6 10:00:00 2025\nTo: quoted@example.jp\n",
            );
        }
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    // What the loop wrote unquoted for index 1 is quoted here, as an mbox writer would.
    let text = String::from_utf8(out).unwrap();
    text.replace("\nFrom someone ", "\n>From someone ").into_bytes()
}

fn ndjson(run: &crate::util::Run) -> Vec<Value> {
    run.stdout()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_directory_tree_is_read_recursively_in_name_order_skipping_what_is_not_mail() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("b/deep/one.eml"), &std::fs::read(fixture(FIXTURES[0])).unwrap());
    write(&root.join("a.eml"), &std::fs::read(fixture(FIXTURES[1])).unwrap());
    write(&root.join(".hidden.eml"), &std::fs::read(fixture(FIXTURES[2])).unwrap());
    write(&root.join("notes.txt"), b"shopping list: eggs, rice, miso\n");
    let run =
        rebound(&["diagnose", "--offline", "--format", "ndjson", &root.display().to_string()]);
    assert_eq!(run.code(), 1, "a file that is no bounce sets status 1: {}", run.stderr());
    assert!(run.stderr().contains("notes.txt"), "{}", run.stderr());
    let reports = ndjson(&run);
    let paths: Vec<&str> = reports.iter().map(|r| r["source"]["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths[0].ends_with("a.eml") && paths[1].ends_with("b/deep/one.eml"), "{paths:?}");
    assert_eq!(reports[0]["recipients"], recipients_alone(FIXTURES[1]));
    assert_eq!(reports[1]["recipients"], recipients_alone(FIXTURES[0]));
}

#[test]
fn a_maildir_is_read_through_cur_and_new_with_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    write(
        &maildir.join("cur/1700000001.M1P1.host:2,S"),
        &std::fs::read(fixture(FIXTURES[0])).unwrap(),
    );
    write(&maildir.join("new/1700000002.M2P2.host"), &std::fs::read(fixture(FIXTURES[1])).unwrap());
    // A message still being delivered, and a Dovecot index: neither is read.
    write(&maildir.join("tmp/1700000003.M3P3.host"), b"partial");
    write(&maildir.join("dovecot-uidlist"), b"3 V1 N4\n");
    let run =
        rebound(&["diagnose", "--offline", "--format", "ndjson", &maildir.display().to_string()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let reports = ndjson(&run);
    let names: Vec<&str> =
        reports.iter().map(|r| r["source"]["maildir"].as_str().unwrap()).collect();
    assert_eq!(names, ["1700000001.M1P1.host:2,S", "1700000002.M2P2.host"]);
    for report in &reports {
        assert_eq!(report["source"]["path"], maildir.display().to_string());
        assert!(report["source"].get("index").is_none(), "{}", report["source"]);
    }
    assert_eq!(reports[1]["recipients"], recipients_alone(FIXTURES[1]));
}

#[test]
fn an_mbox_with_quoted_from_lines_plain_and_gzip_compressed() {
    use flate2::write::GzEncoder;
    let dir = tempfile::tempdir().unwrap();
    let bytes = mbox(3);
    let plain = dir.path().join("bounces.mbox");
    write(&plain, &bytes);
    // Compressed, and named with no .gz: recognised by its content.
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    let packed = dir.path().join("bounces-packed");
    write(&packed, &gz.finish().unwrap());
    for path in [&plain, &packed] {
        let name = path.display().to_string();
        let run = rebound(&["diagnose", "--offline", "--format", "json", &name]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        let reports = run.json();
        let reports = reports.as_array().unwrap();
        // The quoted separator in the second message starts no message of its own.
        assert_eq!(reports.len(), 3, "{name}");
        for (index, report) in reports.iter().enumerate() {
            assert_eq!(report["input"], format!("{name}#{}", index + 1));
            assert_eq!(report["source"]["path"], name);
            assert_eq!(report["source"]["index"], index + 1);
            assert_eq!(report["recipients"], recipients_alone(FIXTURES[index]), "{name}#{index}");
        }
    }
}

#[test]
fn ndjson_keeps_input_order_over_many_messages_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.mbox");
    write(&big, &mbox(200));
    let tree = dir.path().join("tree");
    for index in 0..40 {
        let text = std::fs::read(fixture(FIXTURES[index % FIXTURES.len()])).unwrap();
        write(&tree.join(format!("{index:03}.eml")), &text);
    }
    let expected: Vec<Value> = FIXTURES.iter().map(|f| recipients_alone(f)).collect();
    let args = ["diagnose", "--offline", "--format", "ndjson"];
    let run =
        rebound(&[&args[..], &[&big.display().to_string(), &tree.display().to_string()]].concat());
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let reports = ndjson(&run);
    assert_eq!(reports.len(), 240);
    for (index, report) in reports[..200].iter().enumerate() {
        assert_eq!(report["source"]["index"], index + 1);
        assert_eq!(report["recipients"], expected[index % FIXTURES.len()], "message {index}");
    }
    for (index, report) in reports[200..].iter().enumerate() {
        let path = report["source"]["path"].as_str().unwrap();
        assert!(path.ends_with(&format!("{index:03}.eml")), "{path} at {index}");
        assert_eq!(report["recipients"], expected[index % FIXTURES.len()]);
    }
}

#[test]
fn an_mbox_on_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .args(["diagnose", "--offline", "--format", "ndjson"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = mbox(4);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let sources: Vec<Value> =
        text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["source"].clone()).collect();
    let expected: Vec<Value> =
        (1..=4).map(|index| serde_json::json!({"path": "-", "index": index})).collect();
    assert_eq!(sources, expected);
}

#[test]
fn binary_and_missing_inputs_are_named_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("logo.png");
    write(&image, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0");
    let missing = dir.path().join("missing.eml");
    let bounce = fixture(FIXTURES[0]);
    let run = rebound(&[
        "diagnose",
        "--offline",
        "--format",
        "json",
        &image.display().to_string(),
        &bounce,
        &missing.display().to_string(),
    ]);
    // Unreadable wins over "not a bounce".
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("logo.png") && run.stderr().contains("missing.eml"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.report()["source"]["path"], bounce);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_reported_not_followed_forever() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    write(&tree.join("one.eml"), &std::fs::read(fixture(FIXTURES[0])).unwrap());
    std::os::unix::fs::symlink(&tree, tree.join("again")).unwrap();
    std::os::unix::fs::symlink("self", tree.join("self")).unwrap();
    let run = rebound(&["diagnose", "--offline", "--format", "json", &tree.display().to_string()]);
    let stderr = run.stderr();
    assert!(stderr.contains("again") && stderr.contains("loop"), "{stderr}");
    assert!(stderr.contains("self"), "{stderr}");
    assert_eq!(run.json().as_array().unwrap().len(), 1, "{stderr}");
    // The dangling self-link cannot be read.
    assert_eq!(run.code(), 2);
}

#[test]
fn with_dns_a_run_of_several_batches_asks_each_name_once() {
    let dns = rebound_tests::TestDns::builder()
        .zone("zen.spamhaus.org")
        .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .zone("dbl.spamhaus.org")
        .zone("b.barracudacentral.org")
        .zone("bl.spamcop.net")
        .zone("dnsbl-1.uceprotect.net")
        .zone("psbl.surriel.com")
        .zone("bl.mailspike.net")
        .a("sv12053.xserver.jp", "203.0.113.46")
        .start();
    let resolver = dns.addr().to_string();
    let dir = tempfile::tempdir().unwrap();
    // The three bounces in one run, so one DNS phase: what the whole run may ask.
    let files: Vec<String> = FIXTURES.iter().map(|f| fixture(f)).collect();
    let args = ["diagnose", "--resolver", &resolver, "--format", "ndjson"];
    let run = rebound(&[&args[..], &files.iter().map(String::as_str).collect::<Vec<_>>()].concat());
    let alone: Vec<Value> = ndjson(&run).iter().map(|r| r["listings"].clone()).collect();
    assert_eq!(alone.len(), 3, "{}", run.stderr());
    let mut asked_once = dns.queries();
    asked_once.sort();
    // More than two batches of messages.
    let big = dir.path().join("big.mbox");
    write(&big, &mbox(2100));
    let before = dns.queries().len();
    let run = rebound(&[&args[..], &[&big.display().to_string()]].concat());
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let reports = ndjson(&run);
    assert_eq!(reports.len(), 2100);
    for (index, report) in reports.iter().enumerate() {
        assert_eq!(report["listings"], alone[index % FIXTURES.len()], "message {index}");
    }
    let mut queries: Vec<String> = dns.queries()[before..].to_vec();
    queries.sort();
    // Later batches asked nothing the first had asked.
    assert_eq!(queries, asked_once);
    assert!(queries.iter().any(|q| q.starts_with("45.113.0.203.zen.spamhaus.org")), "{queries:?}");
}
