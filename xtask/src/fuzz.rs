//! `cargo xtask fuzz [TARGET] [--time SECS] [--asan]`: the cargo-fuzz targets of
//! `fuzz/`, one after another, each with seeds from the repository's fixtures, under
//! the limits the project holds every input to (1 s and 256 MiB); and the short
//! smoke run of each that `cargo xtask ci` makes.
//!
//! The targets are the `[[bin]]` entries of `fuzz/Cargo.toml`, so a target added
//! there is run without a change here. Its seeds and dictionary are in its table
//! `[package.metadata.rebound-fuzz.TARGET]` of the same file. Everything the runs
//! write is under `target/fuzz/`: the build, the seeds (linked from the fixtures,
//! never committed), the corpus each run grows, the crash artifacts and the logs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};

use crate::project_root;

/// Limits every input is held to: libFuzzer reports a slower or bigger one as a
/// timeout or an out-of-memory crash.
const TIMEOUT_SECS: u32 = 1;
const RSS_LIMIT_MB: u32 = 256;
/// The default length of a run of one target when `--time` is not given.
const DEFAULT_SECS: u64 = 60;

/// What the command line asked for.
#[derive(Debug, Default)]
pub struct Options {
    target: Option<String>,
    secs: Option<u64>,
    asan: bool,
}

impl Options {
    pub fn parse(args: impl Iterator<Item = String>) -> anyhow::Result<Options> {
        let mut options = Options::default();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--time" => {
                    let value = args.next().context("--time needs a number of seconds")?;
                    let secs = value.parse().with_context(|| format!("--time {value:?}"))?;
                    options.secs = Some(secs);
                }
                "--asan" => options.asan = true,
                flag if flag.starts_with('-') => bail!("unknown flag {flag:?}"),
                target if options.target.is_none() => options.target = Some(target.to_string()),
                extra => bail!("one target at most (got {extra:?} too)"),
            }
        }
        Ok(options)
    }
}

/// One target's run, as libFuzzer's last lines told it.
#[derive(Debug, Default)]
pub struct Outcome {
    pub target: String,
    pub execs: Option<u64>,
    pub execs_per_sec: Option<u64>,
    pub cov: Option<u64>,
    pub ft: Option<u64>,
    pub corpus: Option<u64>,
    pub peak_rss_mb: Option<u64>,
    /// What went wrong (a panic, a timeout, out of memory) and the input that did it.
    pub failure: Option<String>,
    pub log: PathBuf,
}

impl Outcome {
    fn line(&self) -> String {
        let n = |v: Option<u64>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
        format!(
            "{:<12} {:>10} execs {:>7} execs/s  cov {:>6}  ft {:>7}  corpus {:>6}  rss {:>4} MB  {}",
            self.target,
            n(self.execs),
            n(self.execs_per_sec),
            n(self.cov),
            n(self.ft),
            n(self.corpus),
            n(self.peak_rss_mb),
            self.failure.as_deref().unwrap_or("ok"),
        )
    }
}

pub fn run(options: &Options) -> anyhow::Result<ExitCode> {
    let root = project_root();
    let targets = select(&root, options.target.as_deref())?;
    ensure_cargo_fuzz()?;
    build(&root, options.asan)?;
    let secs = options.secs.unwrap_or(DEFAULT_SECS);
    let mut outcomes = Vec::new();
    for target in &targets {
        outcomes.push(run_target(&root, target, secs, options.asan)?);
    }
    println!("\nfuzz: {secs} s per target{}", if options.asan { ", AddressSanitizer" } else { "" });
    for outcome in &outcomes {
        println!("{}", outcome.line());
    }
    let crashed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    for outcome in &crashed {
        eprintln!("fuzz: {} failed; its log is {}", outcome.target, outcome.log.display());
    }
    Ok(if crashed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The smoke run `cargo xtask ci` makes: every target for `secs` seconds, without
/// a sanitizer. Returns one outcome per target, or the reason none could run.
pub fn smoke(secs: u64) -> anyhow::Result<Vec<Outcome>> {
    let root = project_root();
    let targets = select(&root, None)?;
    ensure_cargo_fuzz()?;
    build(&root, false)?;
    targets.iter().map(|target| run_target(&root, target, secs, false)).collect()
}

/// The targets to run: every `[[bin]]` of `fuzz/Cargo.toml`, or the one named.
fn select(root: &Path, wanted: Option<&str>) -> anyhow::Result<Vec<Target>> {
    let manifest = root.join("fuzz/Cargo.toml");
    let text = fs::read_to_string(&manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let targets = targets_of(&text);
    if targets.is_empty() {
        bail!("{} lists no [[bin]] target", manifest.display());
    }
    match wanted {
        None => Ok(targets),
        Some(name) => match targets.into_iter().find(|t| t.name == name) {
            Some(target) => Ok(vec![target]),
            None => bail!(
                "no fuzz target {name:?}; the targets are the [[bin]] entries of {}",
                manifest.display()
            ),
        },
    }
}

/// A fuzz target and where its seeds and dictionary come from.
#[derive(Debug, Default, PartialEq, Eq)]
struct Target {
    name: String,
    /// Patterns of paths under the repository root.
    seeds: Vec<String>,
    /// A dictionary, relative to `fuzz/`.
    dict: Option<String>,
}

/// The targets of a cargo-fuzz manifest, read line by line (xtask has no TOML
/// parser, and these entries are simple): each `[[bin]]`'s `name`, and from
/// `[package.metadata.rebound-fuzz.NAME]` its `seeds` (a list of strings, on one
/// line or several) and `dict`.
fn targets_of(manifest: &str) -> Vec<Target> {
    let mut targets: Vec<Target> = Vec::new();
    let mut metadata: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
    enum Section {
        Bin,
        Meta,
        Other,
    }
    let mut section = Section::Other;
    let mut lines = manifest.lines();
    while let Some(line) = lines.next() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.starts_with('[') {
            section = if line == "[[bin]]" {
                Section::Bin
            } else if let Some(name) = line
                .strip_prefix("[package.metadata.rebound-fuzz.")
                .and_then(|rest| rest.strip_suffix(']'))
            {
                metadata.push((name.trim_matches('"').to_string(), Vec::new(), None));
                Section::Meta
            } else {
                Section::Other
            };
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let (key, value) = (key.trim(), value.trim());
        match (&section, key) {
            (Section::Bin, "name") => {
                targets.push(Target {
                    name: quoted(value).into_iter().next().unwrap_or_default(),
                    ..Target::default()
                });
            }
            (Section::Meta, "seeds") => {
                let mut list = value.to_string();
                while !list.contains(']') {
                    let Some(next) = lines.next() else { break };
                    list.push_str(next.split('#').next().unwrap_or_default());
                }
                if let Some(entry) = metadata.last_mut() {
                    entry.1 = quoted(&list);
                }
            }
            (Section::Meta, "dict") => {
                if let Some(entry) = metadata.last_mut() {
                    entry.2 = quoted(value).into_iter().next();
                }
            }
            _ => {}
        }
    }
    for (name, seeds, dict) in metadata {
        if let Some(target) = targets.iter_mut().find(|t| t.name == name) {
            target.seeds = seeds;
            target.dict = dict;
        }
    }
    targets.retain(|t| !t.name.is_empty());
    targets
}

/// The strings between double quotes in `text` (no escapes: these are paths).
fn quoted(text: &str) -> Vec<String> {
    text.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

/// Installs cargo-fuzz when `cargo fuzz` is not there.
fn ensure_cargo_fuzz() -> anyhow::Result<()> {
    let present = cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    eprintln!("fuzz: installing cargo-fuzz (cargo install cargo-fuzz --locked)");
    let started = Instant::now();
    let status = cargo().args(["install", "cargo-fuzz", "--locked"]).status()?;
    if !status.success() {
        bail!("cargo install cargo-fuzz --locked failed");
    }
    eprintln!("fuzz: cargo-fuzz installed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `cargo fuzz` with the flags of a build without sanitizer (stable Rust) or with
/// AddressSanitizer (`RUSTC_BOOTSTRAP=1` lets stable take `-Zsanitizer`), each in
/// its own target directory so that switching does not rebuild the other.
fn cargo_fuzz(root: &Path, subcommand: &str, asan: bool) -> Command {
    let mut command = cargo();
    command.current_dir(root).args(["fuzz", subcommand]);
    if asan {
        command.env("RUSTC_BOOTSTRAP", "1").args(["--sanitizer", "address"]);
        command.arg("--target-dir").arg(root.join("target/fuzz/build-asan"));
    } else {
        command.args(["--sanitizer", "none"]);
        command.arg("--target-dir").arg(root.join("target/fuzz/build"));
    }
    command
}

/// Builds every target once, up front, so that the time limit of each run is spent
/// fuzzing and the build time is seen.
fn build(root: &Path, asan: bool) -> anyhow::Result<()> {
    eprintln!("fuzz: building the targets{}", if asan { " with AddressSanitizer" } else { "" });
    let started = Instant::now();
    let status = cargo_fuzz(root, "build", asan).status().context("cannot run cargo fuzz build")?;
    if !status.success() {
        bail!("cargo fuzz build failed");
    }
    eprintln!("fuzz: targets built in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn run_target(root: &Path, target: &Target, secs: u64, asan: bool) -> anyhow::Result<Outcome> {
    let base = root.join("target/fuzz");
    let seeds = base.join("seeds").join(&target.name);
    let corpus = base.join("corpus").join(&target.name);
    let artifacts = base.join("artifacts").join(&target.name);
    let logs = base.join("logs");
    let count = link_seeds(root, &target.seeds, &seeds)?;
    for dir in [&corpus, &artifacts, &logs] {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let log = logs.join(format!("{}{}.log", target.name, if asan { "-asan" } else { "" }));
    eprintln!("fuzz: {} for {secs} s from {count} seeds (log: {})", target.name, log.display());
    let mut command = cargo_fuzz(root, "run", asan);
    command.arg(&target.name).arg(&corpus).arg(&seeds).arg("--");
    command.arg(format!("-max_total_time={secs}"));
    command.arg(format!("-timeout={TIMEOUT_SECS}"));
    command.arg(format!("-rss_limit_mb={RSS_LIMIT_MB}"));
    command.arg(format!("-malloc_limit_mb={RSS_LIMIT_MB}"));
    command.arg("-print_final_stats=1");
    command.arg(format!("-artifact_prefix={}/", artifacts.display()));
    if let Some(dict) = &target.dict {
        command.arg(format!("-dict={}", root.join("fuzz").join(dict).display()));
    }
    if asan {
        // ASan's quarantine of freed memory would count against the RSS limit
        // that is meant for the code under test.
        command.env("ASAN_OPTIONS", "quarantine_size_mb=16:detect_leaks=0");
    }
    let file =
        fs::File::create(&log).with_context(|| format!("cannot create {}", log.display()))?;
    let status = command
        .stdout(file.try_clone()?)
        .stderr(file)
        .status()
        .context("cannot run cargo fuzz run")?;
    let text = fs::read_to_string(&log).unwrap_or_default();
    let mut outcome = outcome_of(&target.name, &text);
    outcome.log = log;
    if !status.success() && outcome.failure.is_none() {
        outcome.failure = Some(format!("cargo fuzz run exited with {status}"));
    }
    eprintln!("{}", outcome.line());
    Ok(outcome)
}

/// Reads libFuzzer's output: the last status line (`cov:`, `ft:`, `corp:`,
/// `exec/s:`), the final statistics (`-print_final_stats=1`) and, after a crash,
/// what kind it was and where the input was written.
fn outcome_of(target: &str, log: &str) -> Outcome {
    let mut outcome = Outcome { target: target.to_string(), ..Outcome::default() };
    let field = |line: &str, name: &str| -> Option<u64> {
        let rest = line.split(name).nth(1)?;
        let word = rest.split_whitespace().next()?;
        word.split('/').next()?.trim_end_matches("Mb").parse().ok()
    };
    let mut kind = None;
    let mut artifact = None;
    for line in log.lines() {
        if line.starts_with('#') && line.contains(" cov: ") {
            outcome.cov = field(line, " cov: ").or(outcome.cov);
            outcome.ft = field(line, " ft: ").or(outcome.ft);
            outcome.corpus = field(line, " corp: ").or(outcome.corpus);
        }
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            outcome.execs = n.trim().parse().ok();
        } else if let Some(n) = line.strip_prefix("stat::average_exec_per_sec:") {
            outcome.execs_per_sec = n.trim().parse().ok();
        } else if let Some(n) = line.strip_prefix("stat::peak_rss_mb:") {
            outcome.peak_rss_mb = n.trim().parse().ok();
        }
        if let Some(at) = line.find("ERROR: libFuzzer: ") {
            kind.get_or_insert_with(|| line[at + "ERROR: libFuzzer: ".len()..].trim().to_string());
        } else if line.contains("ERROR: AddressSanitizer") {
            kind.get_or_insert_with(|| line.trim().to_string());
        } else if line.contains("panicked at") {
            kind = Some(line.trim().to_string());
        }
        if let Some((_, path)) = line.split_once("Test unit written to ") {
            artifact = Some(path.trim().to_string());
        }
    }
    if let Some(path) = artifact {
        outcome.failure = Some(format!("FAILED ({}): {path}", kind.as_deref().unwrap_or("crash")));
    } else if let Some(kind) = kind {
        outcome.failure = Some(format!("FAILED: {kind}"));
    }
    outcome
}

/// Links (or copies) the files under `root` that match `patterns` into `dir`,
/// emptied first, named after their path so that two fixtures of one name do not
/// collide. Returns how many.
fn link_seeds(root: &Path, patterns: &[String], dir: &Path) -> anyhow::Result<usize> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("cannot empty {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut files = Vec::new();
    for pattern in patterns {
        let segments: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        matching(root, &segments, &mut files);
    }
    files.sort();
    files.dedup();
    for file in &files {
        let relative = file.strip_prefix(root).unwrap_or(file);
        let name = relative.to_string_lossy().replace(['/', '\\'], "__");
        let to = dir.join(name);
        if fs::hard_link(file, &to).is_err() {
            fs::copy(file, &to).with_context(|| format!("cannot copy {}", file.display()))?;
        }
    }
    Ok(files.len())
}

/// The files under `dir` whose path matches `segments`: `**` is any number of
/// folders, `*` in a segment any part of a name.
fn matching(dir: &Path, segments: &[&str], out: &mut Vec<PathBuf>) {
    let Some((first, rest)) = segments.split_first() else { return };
    let Ok(entries) = fs::read_dir(dir) else { return };
    let entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    if *first == "**" {
        matching(dir, rest, out);
        for sub in entries.iter().filter(|p| p.is_dir()) {
            matching(sub, segments, out);
        }
        return;
    }
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !wildcard(first, &name) {
            continue;
        }
        if rest.is_empty() {
            if path.is_file() {
                out.push(path);
            }
        } else if path.is_dir() {
            matching(&path, rest, out);
        }
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
fn wildcard(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(head) = parts.next() else { return true };
    let Some(mut rest) = name.strip_prefix(head) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_come_from_the_bin_entries_with_their_metadata() {
        let manifest = r#"
[package]
name = "x"
[package.metadata]
cargo-fuzz = true

[[bin]]
name = "one"
path = "fuzz_targets/one.rs"

[package.metadata.rebound-fuzz.one]
seeds = ["tests/fixtures/**/*.eml", # mail
    "a/*.txt"]
dict = "dicts/dsn.dict"

[[bin]]
name = "two" # no seeds
path = "fuzz_targets/two.rs"
"#;
        assert_eq!(
            targets_of(manifest),
            vec![
                Target {
                    name: "one".into(),
                    seeds: vec!["tests/fixtures/**/*.eml".into(), "a/*.txt".into()],
                    dict: Some("dicts/dsn.dict".into()),
                },
                Target { name: "two".into(), seeds: vec![], dict: None },
            ]
        );
    }

    #[test]
    fn wildcards_match_parts_of_names() {
        assert!(wildcard("*.eml", "a.eml"));
        assert!(wildcard("*", "anything"));
        assert!(wildcard("ses-*.json", "ses-bounce.json"));
        assert!(!wildcard("*.eml", "a.eml.txt"));
        assert!(!wildcard("a*b*c", "abx"));
        assert!(wildcard("a*b*c", "aXbYc"));
        assert!(!wildcard("*.json", ".jso"));
        assert!(wildcard("exact", "exact"));
        assert!(!wildcard("exact", "exactly"));
    }

    #[test]
    fn the_final_lines_of_libfuzzer_give_the_figures() {
        let log = "#1024\tpulse  cov: 10 ft: 20 corp: 5/1Kb exec/s: 512 rss: 40Mb\n\
                   #2048\tNEW    cov: 15657 ft: 46877 corp: 2926/5370Kb lim: 18177 exec/s: 582 rss: 56Mb L: 310/18177 MS: 1 EraseBytes-\n\
                   Done 2048 runs in 4 second(s)\n\
                   stat::number_of_executed_units: 2048\n\
                   stat::average_exec_per_sec:     512\n\
                   stat::new_units_added:          3\n\
                   stat::peak_rss_mb:              56\n";
        let outcome = outcome_of("t", log);
        assert_eq!(
            (outcome.execs, outcome.execs_per_sec, outcome.cov, outcome.ft, outcome.corpus),
            (Some(2048), Some(512), Some(15657), Some(46877), Some(2926))
        );
        assert_eq!(outcome.peak_rss_mb, Some(56));
        assert_eq!(outcome.failure, None);

        let crash = "thread '<unnamed>' panicked at fuzz_targets/x.rs:3:5:\nboom\n\
                     ==12== ERROR: libFuzzer: deadly signal\n\
                     artifact_prefix='target/fuzz/artifacts/t/'; Test unit written to target/fuzz/artifacts/t/crash-abc\n";
        let failure = outcome_of("t", crash).failure.unwrap_or_default();
        assert!(failure.contains("target/fuzz/artifacts/t/crash-abc"), "{failure}");
        assert!(failure.contains("panicked at fuzz_targets/x.rs:3:5"), "{failure}");

        let timeout = "==7== ERROR: libFuzzer: timeout after 1 seconds\n\
                       artifact_prefix='a/'; Test unit written to a/timeout-1\n";
        let failure = outcome_of("t", timeout).failure.unwrap_or_default();
        assert_eq!(failure, "FAILED (timeout after 1 seconds): a/timeout-1");
    }
}
