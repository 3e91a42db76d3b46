//! `cargo xtask bench [DIR]`: rebound's parse+classify throughput over a corpus, and
//! Sisimai's on the same files in the same run, with the ratio.
//!
//! rebound runs in one process (`crates/cli/examples/throughput.rs`, median of
//! 31 passes); Sisimai through `../shared/tools/sisimai-throughput` (Debian's
//! `libsisimai-perl`, median of five runs: a run is short and its time varies by a
//! quarter from run to run). DIR defaults to the Sisimai corpus.

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
    let single = summary(
        Command::new(&example).args(["--passes", "31", "--threads", "1"]).arg(&dir),
        "rebound (1 thread)",
    )?;
    let ours = summary(Command::new(&example).args(["--passes", "31"]).arg(&dir), "rebound")?;

    let tool = root.join("../shared/tools/sisimai-throughput");
    let theirs = if !tool.is_file() {
        eprintln!("xtask bench: {} is not there; no Sisimai comparison", tool.display());
        None
    } else if !ensure_sisimai() {
        eprintln!(
            "xtask bench: Sisimai (libsisimai-perl) is not installed and cannot be installed here"
        );
        None
    } else {
        Some(summary(Command::new(&tool).args(["--runs", "5"]).arg(&dir), "sisimai")?)
    };

    let get = |s: &BTreeMap<String, f64>, key: &str| s.get(key).copied().unwrap_or(f64::NAN);
    for run in [&single, &ours] {
        println!(
            "rebound  {:>10.1} emails/s  {:>8.3} MB/s  peak RSS {:>5.1} MiB  ({} emails, {} records, {} thread(s))",
            get(run, "emails_per_s"),
            get(run, "mb_per_s"),
            get(run, "peak_rss_mib"),
            get(run, "emails"),
            get(run, "records"),
            get(run, "threads")
        );
    }
    if let Some(theirs) = theirs {
        println!(
            "sisimai  {:>10.1} emails/s  {:>8.3} MB/s  peak RSS {:>5.1} MiB  ({} emails, {} records)",
            get(&theirs, "emails_per_s"),
            get(&theirs, "mb_per_s"),
            get(&theirs, "peak_rss_mib"),
            get(&theirs, "emails"),
            get(&theirs, "records")
        );
        println!(
            "ratio rebound/sisimai: {:.1}x emails/s ({:.1}x on one thread), {:.1}x MB/s",
            get(&ours, "emails_per_s") / get(&theirs, "emails_per_s"),
            get(&single, "emails_per_s") / get(&theirs, "emails_per_s"),
            get(&ours, "mb_per_s") / get(&theirs, "mb_per_s")
        );
    }
    Ok(())
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
fn ensure_sisimai() -> bool {
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
