//! `cargo xtask ci`: the whole check, as CI runs it.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::Context;

use crate::project_root;

/// The outcome of the checks so far.
#[derive(Debug, Default)]
struct Tally {
    passed: u64,
    failed: u64,
    failures: Vec<String>,
}

pub fn run() -> anyhow::Result<ExitCode> {
    let root = project_root();
    std::env::set_current_dir(&root).with_context(|| format!("cannot enter {}", root.display()))?;
    let started = Instant::now();
    let mut tally = Tally::default();

    // Once rbldnsd is there, its tests must run: a skip would hide a broken install.
    if ensure_debian_package("rbldnsd", "/usr/sbin/rbldnsd") {
        std::env::set_var("REBOUND_REQUIRE_RBLDNSD", "1");
    }
    // Chromium renders the HTML report in tests/e2e/report_html.rs; the same rule.
    if ensure_debian_package("chromium", "/usr/bin/chromium") {
        std::env::set_var("REBOUND_REQUIRE_CHROMIUM", "1");
    }

    // Each static check counts as one test in the final tally.
    step(&mut tally, "cargo fmt --check", cargo(&["fmt", "--all", "--", "--check"]))?;
    step(
        &mut tally,
        "cargo clippy -D warnings",
        cargo(&["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"]),
    )?;
    tests(&mut tally)?;
    fuzz_smoke(&mut tally);
    corpus(&mut tally);

    eprintln!("xtask ci: finished in {:.0} s", started.elapsed().as_secs_f64());
    for failure in &tally.failures {
        eprintln!("FAILED: {failure}");
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(if tally.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Each fuzz target for a few seconds (`cargo xtask fuzz` for longer): one check
/// per target, failed by a crash, a timeout or an input over the memory limit; and
/// one failed check when they cannot be built or run at all.
fn fuzz_smoke(tally: &mut Tally) {
    const SECS: u64 = 20;
    eprintln!("xtask ci: each fuzz target for {SECS} s");
    match crate::fuzz::smoke(SECS) {
        Ok(outcomes) => {
            for outcome in outcomes {
                match outcome.failure {
                    None => tally.passed += 1,
                    Some(failure) => {
                        tally.failed += 1;
                        tally.failures.push(format!("fuzz {}: {failure}", outcome.target));
                    }
                }
            }
        }
        Err(err) => {
            tally.failed += 1;
            tally.failures.push(format!("fuzz smoke: {err:#}"));
        }
    }
}

/// The corpus scores, for the corpora next to the checkout: one check that fails on
/// any error or any figure below its floor (`xtask/corpus-floors.toml`), and one that
/// fails when a floor is lower than in a committed version of that file.
fn corpus(tally: &mut Tally) {
    let name = format!("corpus floors never go down ({})", crate::floors::FILE);
    match crate::floors::check_history() {
        Ok(Some(lowered)) if lowered.is_empty() => tally.passed += 1,
        Ok(Some(lowered)) => {
            tally.failed += 1;
            tally.failures.push(format!("{name}: {}", lowered.join("; ")));
        }
        Ok(None) => eprintln!("xtask ci: no git history here; {name} not checked"),
        Err(err) => {
            tally.failed += 1;
            tally.failures.push(format!("{name}: {err:#}"));
        }
    }
    if !crate::corpus::any_corpus_present() {
        eprintln!("xtask ci: no corpus under ../shared/corpus; corpus scores skipped");
        return;
    }
    eprintln!("xtask ci: cargo xtask corpus");
    let name = format!("corpus scores at or above {} with no errors", crate::floors::FILE);
    match crate::corpus::run(&crate::corpus::Options::default()) {
        Ok(true) => tally.passed += 1,
        Ok(false) => {
            tally.failed += 1;
            tally.failures.push(name);
        }
        Err(err) => {
            tally.failed += 1;
            tally.failures.push(format!("{name}: {err:#}"));
        }
    }
}

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    command
}

fn step(tally: &mut Tally, name: &str, mut command: Command) -> anyhow::Result<()> {
    eprintln!("xtask ci: {name}");
    let status = command.status().with_context(|| format!("cannot run {name}"))?;
    if status.success() {
        tally.passed += 1;
    } else {
        tally.failed += 1;
        tally.failures.push(name.to_string());
    }
    Ok(())
}

/// Runs every test (unit, integration, end-to-end, doc) and adds up cargo's
/// `test result:` lines.
fn tests(tally: &mut Tally) -> anyhow::Result<()> {
    eprintln!("xtask ci: cargo test --workspace");
    let mut command = cargo(&["test", "--workspace", "--no-fail-fast"]);
    command.stdout(Stdio::piped());
    let output = command.spawn().context("cannot run cargo test")?.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    let (mut passed, mut failed) = (0, 0);
    for line in stdout.lines() {
        let Some(rest) = line.trim().strip_prefix("test result: ") else { continue };
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            match (words.next().and_then(|n| n.parse::<u64>().ok()), words.next()) {
                (Some(n), Some("passed")) => passed += n,
                (Some(n), Some("failed")) => failed += n,
                _ => {}
            }
        }
    }
    for name in stdout.lines().filter_map(|l| l.strip_suffix(" ... FAILED")) {
        tally.failures.push(name.trim_start_matches("test ").to_string());
    }
    tally.passed += passed;
    tally.failed += failed;
    // A build failure produces no `test result` line for the failing target: count it.
    if !output.status.success() && failed == 0 {
        tally.failed += 1;
        tally.failures.push("cargo test (build or harness failure)".to_string());
    }
    Ok(())
}

/// Some end-to-end tests need a Debian package: rbldnsd (a real blocklist server),
/// chromium (to render the HTML report). Install `package` when `binary` is missing
/// and we may (root with apt); otherwise those tests print a notice and skip. Returns
/// whether it is installed now.
fn ensure_debian_package(package: &str, binary: &str) -> bool {
    let installed = || Path::new(binary).exists();
    if installed() {
        return true;
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !is_root || !Path::new("/usr/bin/apt-get").exists() {
        eprintln!("xtask ci: {package} is missing and cannot be installed here (needs root and apt-get); its tests will be skipped");
        return false;
    }
    eprintln!("xtask ci: installing {package} with apt-get");
    let quiet = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !quiet(&["install", "-y", "-q", package]) {
        let _ = quiet(&["update", "-q"]);
        if !quiet(&["install", "-y", "-q", package]) {
            eprintln!("xtask ci: apt-get install {package} failed; its tests will be skipped");
        }
    }
    installed()
}
