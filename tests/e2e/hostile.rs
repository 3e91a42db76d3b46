//! Hostile bounces (issue 12): inputs built at test time to make the parser nest,
//! count, allocate or print without bound, and a Maildir with symbolic links and
//! unreadable files. Each must end in a clear error or a correct diagnosis, within
//! the limits of `docs/limits.md`, and no terminal control from a bounce may reach
//! standard output in text mode. Each run's time and peak memory are printed
//! (`hostile: NAME ...`, seen with `--nocapture`; GNU time measures them when
//! `/usr/bin/time` is there); they are not asserted, since a debug build on a
//! shared machine says little, but a run that hangs fails after a generous timeout.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A run that takes longer than this has hung.
const HANG: Duration = Duration::from_secs(180);

struct Outcome {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Outcome {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.stdout)))
    }

    fn report(&self) -> Value {
        let json = self.json();
        assert_eq!(json.as_array().map(Vec::len), Some(1), "one report: {}", self.stderr);
        json[0].clone()
    }

    fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("text output is UTF-8")
    }
}

/// Runs `rebound ARGS` under GNU time when there is one, with a hang guard; prints
/// its time and peak memory.
fn run(label: &str, args: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let timing = dir.path().join("time");
    let gnu_time = Path::new("/usr/bin/time").exists();
    // `REBOUND_BIN=target/release/rebound` measures a release build.
    let binary =
        std::env::var_os("REBOUND_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_rebound").into());
    let mut command = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f").arg("%e %M").arg("-o").arg(&timing).arg(&binary);
        c
    } else {
        Command::new(&binary)
    };
    let stdout_path = dir.path().join("stdout");
    let stderr_path = dir.path().join("stderr");
    let started = Instant::now();
    let mut child = command
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("rebound runs");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("{label}: no answer after {HANG:?}: rebound hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let measured = std::fs::read_to_string(&timing).unwrap_or_default();
    let (secs, rss) = match measured.lines().last().and_then(|l| l.split_once(' ')) {
        Some((secs, kib)) => (secs.to_string(), kib.trim().parse::<u64>().unwrap_or(0) / 1024),
        None => (format!("{:.2}", elapsed.as_secs_f64()), 0),
    };
    println!("hostile: {label:<28} secs={secs:<6} max_rss_mib={rss}");
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let code = match status.code() {
        Some(code) => code,
        None => panic!("{label}: killed by a signal: {stderr}"),
    };
    Outcome { code, stdout: std::fs::read(&stdout_path).unwrap(), stderr }
}

/// Fails when a byte that controls a terminal (ESC, BEL, a C1 control, or a
/// bidirectional override) is in text output.
fn assert_inert(label: &str, text: &[u8]) {
    let shown = String::from_utf8_lossy(text);
    for (at, c) in shown.char_indices() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}');
        assert!(!bad, "{label}: {c:?} at byte {at} reaches the terminal");
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    path.display().to_string()
}

/// A DSN with one report part holding `groups`, from `mta`, with `extra` parts
/// (each a whole part: header, blank line, body) after the report.
fn dsn(mta: &[u8], groups: &[u8], extra: &[u8]) -> Vec<u8> {
    let mut m = b"From: MAILER-DAEMON@mx.example.jp\r\nSubject: Undelivered Mail\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n\
--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; "
        .to_vec();
    m.extend_from_slice(mta);
    m.extend_from_slice(b"\r\n\r\n");
    m.extend_from_slice(groups);
    if !extra.is_empty() {
        m.extend_from_slice(b"--b\r\n");
        m.extend_from_slice(extra);
        m.extend_from_slice(b"\r\n");
    }
    m.extend_from_slice(b"--b--\r\n");
    m
}

fn group(address: &[u8], diagnostic: &[u8]) -> Vec<u8> {
    [
        b"Final-Recipient: rfc822; ".as_slice(),
        address,
        b"\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; ",
        diagnostic,
        b"\r\n\r\n",
    ]
    .concat()
}

fn truncated(report: &Value) -> Vec<String> {
    report["truncated"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().into()).collect()
}

/// Runs a file in JSON and in text; the text must be inert.
fn both(label: &str, path: &str, extra: &[&str]) -> (Outcome, Outcome) {
    let mut args = vec!["diagnose", "--offline", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(path);
    let json = run(&format!("{label} (json)"), &args);
    let mut args = vec!["diagnose", "--offline"];
    args.extend_from_slice(extra);
    args.push(path);
    let text = run(&format!("{label} (text)"), &args);
    assert_inert(label, &text.stdout);
    assert_eq!(json.code, text.code, "{label}: {}", text.stderr);
    (json, text)
}

#[test]
fn multiparts_nested_10000_deep_are_followed_to_the_depth_limit() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 10_000;
    let mut m = b"From: MAILER-DAEMON@mx.example.jp\r\nSubject: Undelivered Mail\r\n\
Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"
        .to_vec();
    for i in 1..depth {
        m.extend(
            format!("--b{}\r\nContent-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n", i - 1)
                .bytes(),
        );
    }
    m.extend(format!("--b{}\r\nContent-Type: text/plain\r\n\r\n", depth - 1).bytes());
    m.extend_from_slice(b"<taro@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)\r\n");
    for i in (0..depth).rev() {
        m.extend(format!("--b{i}--\r\n").bytes());
    }
    let path = write(dir.path(), "nested.eml", &m);
    let (json, _) = both("nested 10000 multiparts", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.report();
    assert_eq!(report["recipients"][0]["recipient"], "taro@example.com");
    assert_eq!(report["recipients"][0]["status"], "5.1.1");
    assert_eq!(truncated(&report), vec!["mime-depth"]);
    // The deepest setting there is still stops the walk in time; a deeper one is a
    // usage error, not a stack overflow.
    let deep = run(
        "nested, mime-depth=64",
        &["diagnose", "--offline", "--format", "json", "--limit", "mime-depth=64", &path],
    );
    assert_eq!(deep.code, 0, "{}", deep.stderr);
    assert_eq!(deep.report()["recipients"][0]["recipient"], "taro@example.com");
    let deeper = run(
        "nested, mime-depth=5000",
        &["diagnose", "--offline", "--limit", "mime-depth=5000", &path],
    );
    assert_eq!(deeper.code, 2);
    assert!(deeper.stderr.contains("at most 64"), "{}", deeper.stderr);
}

#[test]
fn a_hundred_thousand_recipients_keep_the_first_ten_thousand_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let groups: Vec<u8> = (0..100_000)
        .flat_map(|i| group(format!("user{i}@example.com").as_bytes(), b"550 5.1.1 User unknown"))
        .collect();
    let path = write(dir.path(), "recipients.eml", &dsn(b"mx.example.jp", &groups, b""));
    let (json, text) = both("100000 recipients", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.report();
    let recipients = report["recipients"].as_array().unwrap();
    assert_eq!(recipients.len(), 10_000);
    assert_eq!(recipients[9_999]["recipient"], "user9999@example.com");
    assert_eq!(truncated(&report), vec!["recipients"]);
    assert!(text.text().contains("Read only up to these limits"), "the text says so");
    let summary =
        run("100000 recipients, report", &["report", "--offline", "--format", "json", &path]);
    assert_eq!(
        (summary.json()["messages"].as_u64(), summary.json()["truncated"].as_u64()),
        (Some(1), Some(1))
    );
    let summary = run("100000 recipients, report text", &["report", "--offline", &path]);
    assert!(String::from_utf8_lossy(&summary.stdout)
        .contains("Read only up to a limit (see docs/limits.md): 1"));
    let few = run(
        "100000 recipients, limit 5",
        &["diagnose", "--offline", "--format", "json", "--limit", "recipients=5", &path],
    );
    assert_eq!(few.report()["recipients"].as_array().unwrap().len(), 5);
}

#[test]
fn a_100_mb_header_line_is_refused_by_size_or_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = b"From: MAILER-DAEMON@mx.example.jp\r\nSubject: ".to_vec();
    m.resize(m.len() + 100 * 1024 * 1024, b'A');
    m.extend_from_slice(b"\r\n\r\n<taro@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown\r\n");
    let path = write(dir.path(), "header.eml", &m);
    drop(m);
    let over = run("100 MB header line", &["diagnose", "--offline", &path]);
    assert_eq!(over.code, 2, "an input over the size limit cannot be read");
    assert!(
        over.stderr.contains("message-size limit") && over.stderr.contains("--limit message-size"),
        "{}",
        over.stderr
    );
    assert!(over.stdout.is_empty());
    let (json, _) = both("100 MB header line, size 128M", &path, &["--limit", "message-size=128M"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.report();
    assert_eq!(report["recipients"][0]["recipient"], "taro@example.com");
}

#[test]
fn a_50_mb_diagnostic_is_kept_to_the_limit_and_capped_in_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut diagnostic = b"550 5.7.1 ".to_vec();
    diagnostic.resize(50 * 1024 * 1024, b'x');
    let path = write(
        dir.path(),
        "diagnostic.eml",
        &dsn(b"mx.example.jp", &group(b"taro@example.com", &diagnostic), b""),
    );
    drop(diagnostic);
    let (json, text) = both("50 MB diagnostic", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.report();
    assert_eq!(report["recipients"][0]["diagnostic"].as_str().unwrap().len(), 16 * 1024);
    assert!(truncated(&report).contains(&"diagnostic-length".to_string()), "{report}");
    let text = text.text();
    assert!(text.len() < 16 * 1024, "text output is capped: {} bytes", text.len());
    assert!(text.contains(" more bytes]"), "{text}");
    // Pasted, on one line, without a message around it.
    let mut pasted =
        b"<taro@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 ".to_vec();
    pasted.resize(50 * 1024 * 1024, b'y');
    let path = write(dir.path(), "pasted.txt", &pasted);
    let (json, _) = both("50 MB pasted line", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(json.report()["recipients"][0]["recipient"], "taro@example.com");
}

#[test]
fn a_base64_bomb_and_many_parts_are_read_to_their_limits() {
    let dir = tempfile::tempdir().unwrap();
    // 40 MiB of zeros in base64 (76 characters a line), as a text part.
    let line = "A".repeat(76);
    let mut bomb =
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    for _ in 0..(40 * 1024 * 1024 / 57) {
        bomb.extend_from_slice(line.as_bytes());
        bomb.extend_from_slice(b"\r\n");
    }
    let groups = group(b"taro@example.com", b"550 5.1.1 User unknown");
    let path = write(dir.path(), "bomb.eml", &dsn(b"mx.example.jp", &groups, &bomb));
    drop(bomb);
    let (json, _) = both("base64 bomb", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.report();
    assert_eq!(report["recipients"][0]["recipient"], "taro@example.com");
    // The zeros decode to one long line, too.
    assert_eq!(truncated(&report), vec!["decoded-size", "line-length"]);

    let parts: Vec<u8> = (0..200_000)
        .flat_map(|_| b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n".to_vec())
        .collect();
    let path = write(dir.path(), "parts.eml", &dsn(b"mx.example.jp", &groups, &parts[5..]));
    let (json, _) = both("200000 parts", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.report();
    assert_eq!(report["recipients"][0]["recipient"], "taro@example.com");
    assert_eq!(truncated(&report), vec!["mime-parts"]);
}

#[test]
fn ip_literals_many_private_or_reserved_are_bounded_and_never_senders() {
    let dir = tempfile::tempdir().unwrap();
    let many: Vec<String> = (0..100_000)
        .map(|i| format!("Client host [203.0.{}.{}] blocked", i / 250, i % 250))
        .collect();
    let path = write(
        dir.path(),
        "ips.eml",
        &dsn(b"mx.example.jp", &group(b"taro@example.com", many.join("; ").as_bytes()), b""),
    );
    let (json, _) = both("100000 IPs", &path, &[]);
    let report = json.report();
    assert_eq!(report["sending_ips"].as_array().unwrap().len(), 16);
    assert!(truncated(&report).contains(&"ips".to_string()), "{}", report["truncated"]);

    let private = [
        "10.1.2.3",
        "127.0.0.1",
        "192.168.1.1",
        "169.254.1.1",
        "0.0.0.0",
        "255.255.255.255",
        "240.0.0.1",
        "224.0.0.1",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:10.0.0.1",
    ];
    let groups: Vec<u8> = private
        .iter()
        .enumerate()
        .flat_map(|(i, ip)| group(format!("u{i}@example.com").as_bytes(), format!("554 5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org").as_bytes()))
        .collect();
    let path = write(dir.path(), "private.eml", &dsn(b"[10.0.0.1]", &groups, b""));
    let (json, _) = both("private and reserved IPs", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.report();
    assert_eq!(report["recipients"].as_array().unwrap().len(), private.len());
    assert_eq!(
        report["sending_ips"],
        serde_json::json!([]),
        "no private or reserved IP is a sender"
    );
    assert_eq!(report["recipients"][0]["cause"], "sending_ip_blocklisted");
}

#[test]
fn invalid_utf8_unknown_charsets_and_nul_bytes_are_read() {
    let dir = tempfile::tempdir().unwrap();
    // A part in a charset nobody knows, with bytes that are no text in any.
    let mut m = dsn(
        b"mx.example.jp",
        &group(b"taro@example.com", b"550 5.1.1 User unknown"),
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\
Content-Transfer-Encoding: 8bit\r\n\r\n\xff\xfe\x80\x9b31m \xed\xa0\x80",
    );
    m.splice(0..0, b"X-Odd: =?x-unknown?B?AAAA?=\r\n".iter().copied());
    let mut raw = dsn(
        b"mx.example.jp",
        &group(b"taro@example.com", b"550 5.1.1 \xff\xfe\xc3\x28 unknown \xed\xa0\x80 user"),
        b"",
    );
    raw.splice(0..0, b"X-Odd: =?utf-8?Q?=FF=FE?=\r\n".iter().copied());
    let path = write(dir.path(), "utf8.eml", &raw);
    let (json, _) = both("invalid UTF-8", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(json.report()["recipients"][0]["reply_code"], 550);
    let path = write(dir.path(), "charset.eml", &m);
    let (json, _) = both("unknown charset", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(json.report()["recipients"][0]["recipient"], "taro@example.com");

    let nul =
        dsn(b"mx.exa\0mple.jp", &group(b"ta\0ro@example.com", b"550 5.1.1 us\0er unknown"), b"");
    let path = write(dir.path(), "nul.eml", &nul);
    let (json, text) = both("NUL bytes", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(text.text().contains("<U+0000>"), "{}", text.text());
    // Binary data with NULs is no bounce, said so.
    let path = write(dir.path(), "binary.bin", &[0u8, 1, 2, 0, 0xff, 0x1b, 0x07].repeat(1000));
    let (json, _) = both("binary", &path, &[]);
    assert_eq!(json.code, 1);
    assert!(json.stderr.contains("not look like a bounce"), "{}", json.stderr);
}

/// ESC [ sequences, an OSC 8 hyperlink, an OSC title, BEL, a C1 CSI and a
/// right-to-left override.
const ESCAPES: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}]8;;http://evil.example/\u{1b}\\click\u{1b}]8;;\u{1b}\\\u{7}\u{9b}31m\u{202e}gnp.exe";

#[test]
fn terminal_escapes_in_every_field_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let e = ESCAPES;
    let original = format!(
        "Content-Type: message/rfc822\r\n\r\nFrom: Taro {e} <taro@example.jp>\r\nTo: hanako{e}@example.com\r\n\
Subject: hello {e}\r\nDate: Mon, 1 Jan 2024 {e}\r\nMessage-ID: <{e}@example.jp>\r\n\
Return-Path: <taro@example.jp>\r\n\r\nbody {e}\r\n"
    );
    let groups = format!(
        "Final-Recipient: rfc822; hanako{e}@example.com\r\nAction: failed\r\nStatus: 5.7.1\r\n\
Remote-MTA: dns; mx{e}.example.com\r\nDiagnostic-Code: smtp; 550 5.7.1 Service unavailable; \
Client host [198.51.100.7] blocked using zen.spamhaus.org {e}\r\nLast-Attempt-Date: {e}\r\n\r\n"
    );
    let m = dsn(
        format!("mx.example.jp{e}; forged.example").as_bytes(),
        groups.as_bytes(),
        original.as_bytes(),
    );
    let path = write(dir.path(), &format!("escapes{}.eml", "\u{1b}[31m"), &m);
    let (json, text) = both("terminal escapes", &path, &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.report();
    // JSON is exact.
    assert_eq!(report["recipients"][0]["recipient"], format!("hanako{e}@example.com"));
    assert!(report["original_message"]["subject"].as_str().unwrap().contains(e));
    let text = text.text();
    assert!(text.contains("<U+001B>[2J") && text.contains("<U+202E>"), "{text}");
    // A file name is shown on standard error the same way.
    let note = write(dir.path(), "note\u{1b}]0;x\u{7}.txt", b"See you at noon.");
    let out = run("escapes in a file name", &["diagnose", "--offline", &note]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("note<U+001B>]0;x<U+0007>.txt"), "{}", out.stderr);
    assert_inert("escapes stderr", out.stderr.as_bytes());
    // Also the request, Japanese text, and the summary.
    for (label, args) in [
        ("escapes --request", vec!["diagnose", "--offline", "--request", &path]),
        ("escapes --lang ja", vec!["diagnose", "--offline", "--lang", "ja", &path]),
        ("escapes report", vec!["report", "--offline", &path]),
        ("escapes report ja", vec!["report", "--offline", "--lang", "ja", &path]),
    ] {
        let out = run(label, &args);
        assert_eq!(out.code, 0, "{label}: {}", out.stderr);
        assert!(!out.stdout.is_empty(), "{label}");
        assert_inert(label, &out.stdout);
    }
}

#[test]
fn a_forged_reporting_mta_is_shown_as_written_and_never_a_sender() {
    let dir = tempfile::tempdir().unwrap();
    let groups = group(b"taro@example.com", b"550 5.1.1 User unknown");
    for (name, mta) in [
        ("forged-google", "mx.google.com\u{1b}[31m; evil.example"),
        ("forged-ip", "[127.0.0.1]"),
        ("forged-spaces", "mx.google.com (really evil.example)"),
    ] {
        let path = write(dir.path(), &format!("{name}.eml"), &dsn(mta.as_bytes(), &groups, b""));
        let (json, _) = both(name, &path, &[]);
        assert_eq!(json.code, 0, "{}", json.stderr);
        let report = json.report();
        assert_eq!(report["recipients"][0]["reason"], "userunknown");
        assert_eq!(report["sending_ips"], serde_json::json!([]), "{name}");
    }
}

#[test]
fn a_maildir_with_symbolic_links_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let bounce = dsn(b"mx.example.jp", &group(b"taro@example.com", b"550 5.1.1 User unknown"), b"");
    write(&maildir.join("cur"), "1.eml", &bounce);
    let outside = write(dir.path(), "outside.eml", &bounce);
    let cur = maildir.join("cur");
    std::os::unix::fs::symlink(&outside, cur.join("2-out.eml")).unwrap();
    std::os::unix::fs::symlink(cur.join("3-loop.eml"), cur.join("3-loop.eml")).unwrap();
    std::os::unix::fs::symlink(&maildir, maildir.join("new/loop-dir")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("Maildir/.Loop")).unwrap();
    let locked = write(&maildir.join("new"), "4-locked.eml", &bounce);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // As root, mode 000 does not stop reading: the file is then diagnosed.
    let readable = std::fs::File::open(&locked).is_ok();

    let path = maildir.display().to_string();
    let out = run("maildir with links", &["diagnose", "--offline", "--format", "json", &path]);
    let reports = out.json();
    let inputs: Vec<&str> =
        reports.as_array().unwrap().iter().map(|r| r["input"].as_str().unwrap()).collect();
    assert!(inputs.iter().any(|i| i.ends_with("cur/1.eml")), "{inputs:?}");
    assert!(
        !inputs.iter().any(|i| i.contains("2-out")),
        "a link out of the folder is not followed"
    );
    assert!(
        out.stderr.contains("2-out.eml: skipped: a symbolic link out of the Maildir folder"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("3-loop.eml: cannot open"), "{}", out.stderr);
    if readable {
        assert!(inputs.iter().any(|i| i.ends_with("4-locked.eml")), "{inputs:?}");
    } else {
        assert!(out.stderr.contains("4-locked.eml: cannot open"), "{}", out.stderr);
    }
    assert_eq!(out.code, 2, "an input could not be read: {}", out.stderr);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn a_forged_txt_answer_never_reaches_the_terminal() {
    let dns = rebound_tests::TestDns::builder()
        .zone("zen.spamhaus.org")
        .a("45.113.0.203.zen.spamhaus.org", "127.0.0.2")
        .txt("45.113.0.203.zen.spamhaus.org", &format!("SBL {ESCAPES}"))
        .start();
    let addr = dns.addr().to_string();
    let out = run(
        "forged TXT answer",
        &["check", "--resolver", &addr, "--zones", "zen.spamhaus.org", "203.0.113.45"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let text = out.text();
    assert!(text.contains("\"SBL <U+001B>[2J"), "{text}");
    assert_inert("forged TXT answer", &out.stdout);
}
