//! `cargo xtask bench [DIR]`: rebound's parse+classify throughput over a corpus, and
//! Sisimai's on the same files in the same run, with the ratio.
//!
//! rebound runs in one process (`crates/cli/examples/throughput.rs`, median of
//! 31 passes); Sisimai through `../shared/tools/sisimai-throughput` (Debian's
//! `libsisimai-perl`). The two are compared in paired rounds, each a rebound run
//! right before a Sisimai run, and the ratio is the median of the rounds' ratios:
//! this machine's load drifts by a quarter within a minute, and a ratio of two runs
//! taken side by side drifts much less than either run. DIR defaults to the
//! Sisimai corpus.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::project_root;

pub fn run(dir: Option<PathBuf>) -> anyhow::Result<()> {
    let root = project_root();
    let dir = match dir {
        Some(dir) => dir,
        None => root.join("../shared/corpus/sisimai/emails"),
    };
    anyhow::ensure!(dir.is_dir(), "{} is not a directory of bounce files", dir.display());

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "rebound-cli", "--example", "throughput"])
        .status()
        .context("cannot run cargo build")?;
    anyhow::ensure!(status.success(), "building the throughput example failed");

    let example = root.join("target/release/examples/throughput");
    let rebound = |threads: Option<&str>| {
        let mut command = Command::new(&example);
        command.args(["--passes", "31"]);
        if let Some(threads) = threads {
            command.args(["--threads", threads]);
        }
        command.arg(&dir);
        command
    };
    let single = summary(&mut rebound(Some("1")), "rebound (1 thread)")?;

    let tool = root.join("../shared/tools/sisimai-throughput");
    let compare = if !tool.is_file() {
        eprintln!("xtask bench: {} is not there; no Sisimai comparison", tool.display());
        false
    } else if !ensure_sisimai() {
        eprintln!(
            "xtask bench: Sisimai (libsisimai-perl) is not installed and cannot be installed here"
        );
        false
    } else {
        true
    };
    let mut rounds = Vec::new();
    for _ in 0..if compare { ROUNDS } else { 1 } {
        let ours = summary(&mut rebound(None), "rebound")?;
        let theirs = if compare {
            Some(summary(Command::new(&tool).args(["--runs", "1"]).arg(&dir), "sisimai")?)
        } else {
            None
        };
        rounds.push((ours, theirs));
    }

    let get = |s: &BTreeMap<String, f64>, key: &str| s.get(key).copied().unwrap_or(f64::NAN);
    println!();
    for (round, (ours, theirs)) in rounds.iter().enumerate() {
        let Some(theirs) = theirs else { continue };
        println!(
            "round {:>2}: rebound {:>9.1} emails/s, sisimai {:>7.1} emails/s, ratio {:>6.1}x",
            round + 1,
            get(ours, "emails_per_s"),
            get(theirs, "emails_per_s"),
            get(ours, "emails_per_s") / get(theirs, "emails_per_s")
        );
    }
    let median_of = |values: Vec<f64>| median(values).unwrap_or(f64::NAN);
    let ours = |key: &str| median_of(rounds.iter().map(|(o, _)| get(o, key)).collect());
    let theirs = |key: &str| {
        median_of(rounds.iter().filter_map(|(_, t)| t.as_ref()).map(|t| get(t, key)).collect())
    };
    let line = |name: &str, emails: f64, mb: f64, rss: f64, threads: f64| {
        println!(
            "{name:<8} {emails:>10.1} emails/s  {mb:>8.3} MB/s  peak RSS {rss:>5.1} MiB  ({} emails, {} records, {threads} thread(s))",
            get(&single, "emails"),
            get(&single, "records"),
        );
    };
    let per_s = |s: &BTreeMap<String, f64>| get(s, "emails_per_s");
    line("rebound", per_s(&single), get(&single, "mb_per_s"), get(&single, "peak_rss_mib"), 1.0);
    line("rebound", ours("emails_per_s"), ours("mb_per_s"), ours("peak_rss_mib"), ours("threads"));
    if compare {
        println!(
            "sisimai  {:>10.1} emails/s  {:>8.3} MB/s  peak RSS {:>5.1} MiB  ({} records)",
            theirs("emails_per_s"),
            theirs("mb_per_s"),
            theirs("peak_rss_mib"),
            theirs("records"),
        );
        let ratios = |key: &str| {
            median_of(
                rounds
                    .iter()
                    .filter_map(|(o, t)| t.as_ref().map(|t| get(o, key) / get(t, key)))
                    .collect(),
            )
        };
        println!(
            "ratio rebound/sisimai, median of {ROUNDS} paired rounds: {:.1}x emails/s ({:.1}x on one thread), {:.1}x MB/s",
            ratios("emails_per_s"),
            per_s(&single) / theirs("emails_per_s"),
            ratios("mb_per_s")
        );
    }
    Ok(())
}

/// How many paired rounds (a rebound run, then a Sisimai run) the comparison takes
/// the median of. Odd, so that the median is one round's ratio.
const ROUNDS: usize = 9;

/// The median of `values`, `None` when there are none (or one is NaN).
fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.iter().any(|v| v.is_nan()) {
        return None;
    }
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// Runs a measuring command and reads its `summary key=value ...` line.
fn summary(command: &mut Command, name: &str) -> anyhow::Result<BTreeMap<String, f64>> {
    let output = command.output().with_context(|| format!("cannot run the {name} measurement"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("{name} measurement failed: {}{}", stdout, String::from_utf8_lossy(&output.stderr));
    }
    let Some(line) = stdout.lines().rev().find(|l| l.starts_with("summary ")) else {
        bail!("{name} measurement printed no summary line:\n{stdout}");
    };
    eprint!("{stdout}");
    Ok(line
        .split_whitespace()
        .skip(1)
        .filter_map(|pair| pair.split_once('='))
        .filter_map(|(k, v)| v.parse().ok().map(|v| (k.to_string(), v)))
        .collect())
}

/// Sisimai and GNU time, from Debian, installed when missing and we are root.
pub(crate) fn ensure_sisimai() -> bool {
    let present =
        || Path::new("/usr/share/perl5/Sisimai.pm").exists() && Path::new("/usr/bin/time").exists();
    if present() {
        return true;
    }
    eprintln!("xtask bench: installing libsisimai-perl and time with apt-get");
    let _ = Command::new("apt-get")
        .args(["install", "-y", "-q", "libsisimai-perl", "time"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    present()
}
