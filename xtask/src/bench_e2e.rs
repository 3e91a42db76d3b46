//! `cargo xtask bench e2e [--size MB] [--maildir N] [--keep]`: what a user runs, end to
//! end, at volume. It writes an mbox of realistic bounces (the repository's fixtures,
//! each copy with its own recipients and sending IPs) of `--size` MB (default 1024),
//! times `rebound diagnose --offline --format ndjson` over it under GNU time (wall
//! time, peak RSS), and in the same run times Sisimai on a slice of the same messages
//! (`../shared/tools/sisimai-throughput`), printing MB/s for both and the ratio. With
//! `--maildir N` it also writes N messages as a Maildir and times rebound over the
//! folder. With `--dns` it runs the same mbox again against a loopback rbldnsd that
//! serves the default IP lists (a part of the generated IPs listed), and counts the
//! queries rbldnsd logged against the distinct ones. The generated files live in `target/bench-e2e/` and are deleted at the end
//! unless `--keep` is given.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, ensure, Context};

use crate::project_root;

/// What to run.
struct Options {
    size_mb: u64,
    maildir: Option<usize>,
    dns: bool,
    keep: bool,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> anyhow::Result<Options> {
        let mut options = Options { size_mb: 1024, maildir: None, dns: false, keep: false };
        while let Some(arg) = args.next() {
            let mut value =
                |name: &str| args.next().with_context(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--size" => options.size_mb = value("--size")?.parse().context("--size MB")?,
                "--maildir" => {
                    options.maildir = Some(value("--maildir")?.parse().context("--maildir N")?)
                }
                "--keep" => options.keep = true,
                "--dns" => options.dns = true,
                other => {
                    bail!("unknown argument {other:?} (--size MB, --maildir N, --dns, --keep)")
                }
            }
        }
        ensure!(options.size_mb > 0, "--size must be at least 1 MB");
        Ok(options)
    }
}

/// The fixture messages the generated mail is made of (pasted texts left out: an
/// mbox holds mail).
fn fixtures(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for dir in [root.join("tests/fixtures"), root.join("tests/fixtures/mta")] {
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            // Bounces only: the fixture that is deliberately not one stays out.
            .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("not-a-")))
            .collect();
        paths.sort();
        for path in paths {
            let bytes = fs::read(&path)?;
            // The generator varies text, so it keeps to the messages that are UTF-8.
            if let Ok(text) = String::from_utf8(bytes) {
                if text.contains("\nFrom:") || text.starts_with("From:") {
                    out.push(text.replace("\r\n", "\n"));
                }
            }
        }
    }
    ensure!(!out.is_empty(), "no fixture messages found");
    Ok(out)
}

/// Copy number `n` of a fixture: its own recipients (`k.suzuki@example.jp` becomes
/// `k.suzuki.n@example.jp`) and sending IPs (documentation addresses renumbered), so
/// that lookups and reports see many distinct values.
fn vary(message: &str, n: usize) -> String {
    let octet = n % 250 + 1;
    message
        .replace("@example.", &format!(".{n}@example."))
        .replace("203.0.113.45", &format!("203.0.113.{octet}"))
        .replace("192.0.2.1", &format!("192.0.2.{octet}"))
}

/// Writes messages until `limit` bytes, calling `each` with every message's text.
fn generate(
    fixtures: &[String],
    limit: u64,
    mut each: impl FnMut(usize, &str) -> anyhow::Result<()>,
) -> anyhow::Result<(usize, u64)> {
    let (mut count, mut bytes) = (0usize, 0u64);
    while bytes < limit {
        let Some(fixture) = fixtures.get(count % fixtures.len()) else { break };
        let message = vary(fixture, count);
        each(count, &message)?;
        bytes += message.len() as u64;
        count += 1;
    }
    Ok((count, bytes))
}

/// Writes the mbox: a `From ` line before each message, body lines that start with
/// `From ` quoted as `>From ` (mboxrd).
fn write_mbox(path: &Path, fixtures: &[String], limit: u64) -> anyhow::Result<(usize, u64)> {
    let mut out = BufWriter::new(File::create(path)?);
    let counts = generate(fixtures, limit, |_, message| {
        writeln!(out, "From MAILER-DAEMON Tue Dec  8 00:00:00 2026")?;
        for line in message.lines() {
            if line.starts_with("From ") || line.starts_with(">From ") {
                out.write_all(b">")?;
            }
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.write_all(b"\n")?;
        Ok(())
    })?;
    out.flush()?;
    Ok(counts)
}

/// Wall seconds and peak RSS (MiB) of a command, from GNU time.
fn timed(command: Command) -> anyhow::Result<(f64, f64)> {
    let report = std::env::temp_dir().join(format!("rebound-bench-time-{}", std::process::id()));
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let started = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-v")
        .arg("-o")
        .arg(&report)
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("cannot run /usr/bin/time (apt-get install time)")?;
    let wall = started.elapsed().as_secs_f64();
    let text = fs::read_to_string(&report).unwrap_or_default();
    let _ = fs::remove_file(&report);
    ensure!(status.success() || status.code() == Some(1), "the measured command failed: {status}");
    let rss_kib: f64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    Ok((wall, rss_kib / 1024.0))
}

pub fn run(args: impl Iterator<Item = String>) -> anyhow::Result<()> {
    let options = Options::parse(args)?;
    let root = project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "rebound-cli"])
        .status()
        .context("cannot run cargo build")?;
    ensure!(status.success(), "building rebound failed");
    let rebound = root.join("target/release/rebound");
    let work = root.join("target/bench-e2e");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work)?;
    let fixtures = fixtures(&root)?;

    let mbox = work.join("bounces.mbox");
    let (count, bytes) = write_mbox(&mbox, &fixtures, options.size_mb * 1_000_000)?;
    let file_bytes = fs::metadata(&mbox)?.len() as f64;
    eprintln!("xtask bench e2e: {count} messages, {:.0} MB mbox", file_bytes / 1e6);
    let mut ours = Command::new(&rebound);
    ours.args(["diagnose", "--offline", "--format", "ndjson"]).arg(&mbox);
    let (wall, rss) = timed(ours)?;
    let ours_mb_s = file_bytes / 1e6 / wall;
    println!(
        "rebound  {ours_mb_s:>8.1} MB/s  {:>9.0} messages/s  peak RSS {rss:>6.1} MiB  ({count} messages, {:.0} MB, {wall:.1} s)",
        count as f64 / wall,
        file_bytes / 1e6
    );

    // Sisimai on a slice of the same messages: it reads one file per message.
    let tool = root.join("../shared/tools/sisimai-throughput");
    if tool.is_file() && crate::bench::ensure_sisimai() {
        let slice = work.join("sisimai-slice");
        fs::create_dir_all(&slice)?;
        let slice_limit = (bytes / 50).clamp(2_000_000, 20_000_000);
        generate(&fixtures, slice_limit, |n, message| {
            fs::write(slice.join(format!("{n:07}.eml")), message)?;
            Ok(())
        })?;
        let output = Command::new(&tool).args(["--runs", "1"]).arg(&slice).output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        let theirs = text
            .lines()
            .rev()
            .find(|l| l.starts_with("summary "))
            .and_then(|l| l.split_whitespace().find_map(|kv| kv.strip_prefix("mb_per_s=")))
            .and_then(|v| v.parse::<f64>().ok());
        match theirs {
            Some(theirs) => {
                println!(
                    "sisimai  {theirs:>8.3} MB/s  (a {:.0} MB slice)",
                    slice_limit as f64 / 1e6
                );
                println!("ratio rebound/sisimai: {:.1}x MB/s", ours_mb_s / theirs);
            }
            None => eprintln!("xtask bench e2e: Sisimai printed no summary:\n{text}"),
        }
    } else {
        eprintln!("xtask bench e2e: no Sisimai here (libsisimai-perl, ../shared/tools); no ratio");
    }

    if options.dns {
        dns_run(&rebound, &work, &mbox, file_bytes, wall)?;
    }

    if let Some(n) = options.maildir {
        let maildir = work.join("Maildir");
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(maildir.join(sub))?;
        }
        let mut written = 0usize;
        generate(&fixtures, u64::MAX, |i, message| {
            if i >= n {
                bail!("done");
            }
            fs::write(maildir.join("cur").join(format!("{i}.bench:2,S")), message)?;
            written += 1;
            Ok(())
        })
        .or_else(|e| if written >= n { Ok((n, 0)) } else { Err(e) })?;
        let folder_bytes: u64 = fs::read_dir(maildir.join("cur"))?
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        let mut ours = Command::new(&rebound);
        ours.args(["diagnose", "--offline", "--format", "ndjson"]).arg(&maildir);
        let (wall, rss) = timed(ours)?;
        println!(
            "maildir  {:>8.1} MB/s  {:>9.0} messages/s  peak RSS {rss:>6.1} MiB  ({n} files, {wall:.1} s)",
            folder_bytes as f64 / 1e6 / wall,
            n as f64 / wall
        );
    }

    if !options.keep {
        fs::remove_dir_all(&work)?;
    }
    Ok(())
}

/// The mbox again, with DNS on: a loopback rbldnsd serving the catalog's default IP
/// zones (the RFC 5782 test entry and a tenth of the generated IPs listed). Prints
/// the time against the offline run and how many queries were asked more than once.
fn dns_run(
    rebound: &Path,
    work: &Path,
    mbox: &Path,
    file_bytes: f64,
    offline_wall: f64,
) -> anyhow::Result<()> {
    crate::bench_rbl::ensure_tools()?;
    let zones = [
        "zen.spamhaus.org",
        "bl.spamcop.net",
        "b.barracudacentral.org",
        "dnsbl-1.uceprotect.net",
        "psbl.surriel.com",
        "bl.mailspike.net",
    ];
    let zones: Vec<String> = zones.iter().map(|z| z.to_string()).collect();
    let data = work.join("rbldnsd");
    fs::create_dir_all(&data)?;
    for zone in &zones {
        let mut text = String::from(
            "$SOA 60 ns.test.invalid. hostmaster.test.invalid. 0 600 300 86400 60\n:127.0.0.2:listed $\n127.0.0.2\n",
        );
        for octet in (1..=250).step_by(10) {
            text.push_str(&format!("203.0.113.{octet}\n"));
        }
        fs::write(data.join(format!("{zone}.txt")), text)?;
    }
    let log = data.join("queries.log");
    let _ = Command::new("chmod").args(["-R", "a+rwX"]).arg(&data).status();
    let server = crate::bench_rbl::Rbldnsd::start(&data, &zones, Some(&log))?;
    let mut ours = Command::new(rebound);
    ours.args(["diagnose", "--format", "ndjson", "--timeout", "30", "--resolver"])
        .arg(format!("127.0.0.1:{}", server.port))
        .arg(mbox);
    let (wall, rss) = timed(ours)?;
    drop(server);
    let logged = fs::read_to_string(&log).unwrap_or_default();
    // rbldnsd logs `time client name type class: answer`. Blocklist lookups are the
    // names under the served zones; the rest are the resolver's host-name queries
    // (which hickory's resolver may send again when refused).
    let lookups: Vec<(&str, &str)> = logged
        .lines()
        .filter_map(|l| {
            let mut fields = l.split_whitespace().skip(2);
            Some((fields.next()?, fields.next()?))
        })
        .filter(|(name, _)| zones.iter().any(|z| name.ends_with(z.as_str())))
        .collect();
    let mut distinct = lookups.clone();
    distinct.sort_unstable();
    distinct.dedup();
    println!(
        "with DNS {:>8.1} MB/s  peak RSS {rss:>6.1} MiB  ({wall:.1} s, {:.2}x the offline time); {} blocklist queries, {} distinct (name, type)",
        file_bytes / 1e6 / wall,
        wall / offline_wall,
        lookups.len(),
        distinct.len()
    );
    Ok(())
}
