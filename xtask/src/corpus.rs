//! `cargo xtask corpus [--raise-floors] [-v] [DIR]`: score rebound against every bounce
//! corpus with expected answers, one line per corpus in one format:
//!
//! ```text
//! corpus=crisp recipient_set=0.926 (50/54) status=1.000 (35/35) reason=0.677 (21/31) errors=0
//! ```
//!
//! Two layouts are known, told apart by the header of `expected.tsv`:
//! - Sisimai's (`file index status replycode reason hardbounce`, one row per record;
//!   `../shared/corpus/sisimai`), scored by `corpus_sisimai.rs` as
//!   `shared/tools/score-sisimai` scores it;
//! - the extra corpora's (`file recipients status action reason ...`;
//!   `../shared/corpus/extra/*`), scored by `corpus_extra.rs` as
//!   `shared/tools/score-extra` scores it, plus the reply codes and the temporary or
//!   permanent nature their `details.tsv` asserts.
//!
//! Every email is run through the release `rebound` binary, one process per email (so
//! that a crash or a hang is pinned to its email), two at a time, at most ten seconds
//! each. Without DIR every corpus found under `../shared/corpus` is scored; one that is
//! missing is skipped with a note (a fresh clone elsewhere has none). The floors every
//! figure must stay at or above are in `xtask/corpus-floors.toml` (`floors.rs`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::project_root;

/// How long one email may take before it counts as an error (as the score tools).
const TIMEOUT: Duration = Duration::from_secs(10);

/// Emails run at once: the machine CI runs on has two cores.
const JOBS: usize = 2;

/// Every corpus `cargo xtask corpus` scores by default, relative to the checkout.
pub const KNOWN_CORPORA: &[&str] = &[
    "../shared/corpus/sisimai",
    "../shared/corpus/extra/crisp",
    "../shared/corpus/extra/dadamail",
    "../shared/corpus/extra/bounceemail",
    "../shared/corpus/extra/cws",
];

/// One figure: how many of how many were right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    pub name: &'static str,
    pub right: usize,
    pub total: usize,
}

impl Metric {
    /// The accuracy in thousandths, rounded down, as the floors are written.
    pub fn millis(&self) -> u64 {
        if self.total == 0 {
            return 0;
        }
        (self.right as u64 * 1000) / self.total as u64
    }

    /// The accuracy, as the score tools print it (rounded to three decimals).
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.right as f64 / self.total as f64
        }
    }
}

/// The scores of one corpus.
#[derive(Debug, Clone)]
pub struct CorpusScore {
    /// The corpus directory's name (`sisimai`, `crisp`, ...).
    pub name: String,
    /// The figures, in the order they are printed; one with nothing to score is left out.
    pub metrics: Vec<Metric>,
    /// Emails on which rebound crashed, hung, exited with 2 or more, or printed bad JSON.
    pub errors: usize,
}

impl CorpusScore {
    /// The one-line summary every corpus ends with.
    pub fn line(&self) -> String {
        let mut line = format!("corpus={}", self.name);
        for m in &self.metrics {
            line.push_str(&format!(" {}={:.3} ({}/{})", m.name, m.ratio(), m.right, m.total));
        }
        line.push_str(&format!(" errors={}", self.errors));
        line
    }
}

/// What `cargo xtask corpus` was asked to do.
#[derive(Debug, Default)]
pub struct Options {
    pub dirs: Vec<PathBuf>,
    pub raise_floors: bool,
    pub verbose: bool,
}

impl Options {
    pub fn parse(args: impl Iterator<Item = String>) -> anyhow::Result<Self> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--raise-floors" => options.raise_floors = true,
                "-v" | "--verbose" => options.verbose = true,
                flag if flag.starts_with('-') => bail!("corpus: unknown option {flag}"),
                dir => options.dirs.push(PathBuf::from(dir)),
            }
        }
        Ok(options)
    }
}

/// Whether any known corpus is next to the checkout.
pub fn any_corpus_present() -> bool {
    let root = project_root();
    KNOWN_CORPORA.iter().any(|relative| root.join(relative).join("expected.tsv").is_file())
}

/// The known corpora that are present next to the checkout; a note for each one that is not.
pub fn present_corpora() -> Vec<PathBuf> {
    let root = project_root();
    KNOWN_CORPORA
        .iter()
        .map(|relative| root.join(relative))
        .filter(|dir| {
            let present = dir.join("expected.tsv").is_file();
            if !present {
                eprintln!("xtask corpus: {} is not there; skipped", dir.display());
            }
            present
        })
        .collect()
}

/// `cargo xtask corpus`: scores, prints, and with `--raise-floors` raises the floors.
/// Returns whether every corpus was scored without an error and at or above its floors.
pub fn run(options: &Options) -> anyhow::Result<bool> {
    let dirs = if options.dirs.is_empty() { present_corpora() } else { options.dirs.clone() };
    if dirs.is_empty() {
        eprintln!("xtask corpus: no corpus to score (none under ../shared/corpus)");
        return Ok(true);
    }
    let scores = score_all(&dirs, options.verbose || !options.dirs.is_empty())?;
    let mut floors = crate::floors::Floors::load()?;
    if options.raise_floors {
        let raised = floors.raise(&scores);
        floors.save()?;
        for line in &raised {
            eprintln!("xtask corpus: raised {line}");
        }
        if raised.is_empty() {
            eprintln!("xtask corpus: no figure is above its floor; floors unchanged");
        }
    }
    let below = floors.below(&scores);
    for line in &below {
        eprintln!("xtask corpus: BELOW FLOOR: {line}");
    }
    let lowered = crate::floors::check_history()?.unwrap_or_default();
    for line in &lowered {
        eprintln!("xtask corpus: FLOOR LOWERED: {line}");
    }
    Ok(below.is_empty() && lowered.is_empty() && scores.iter().all(|s| s.errors == 0))
}

/// Builds the binary once, then scores each corpus and prints its line.
pub fn score_all(dirs: &[PathBuf], verbose: bool) -> anyhow::Result<Vec<CorpusScore>> {
    let binary = build_binary()?;
    let mut scores = Vec::new();
    for dir in dirs {
        let score = score_one(&binary, dir, verbose)?;
        println!("{}", score.line());
        scores.push(score);
    }
    Ok(scores)
}

fn score_one(binary: &Path, dir: &Path, verbose: bool) -> anyhow::Result<CorpusScore> {
    let path = dir.join("expected.tsv");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let header = text.lines().next().unwrap_or_default();
    if header.starts_with("file\tindex\t") {
        crate::corpus_sisimai::score(binary, dir, &text, verbose)
    } else if header.starts_with("file\trecipients\t") {
        crate::corpus_extra::score(binary, dir, &text, verbose)
    } else {
        bail!("{}: unknown header {header:?}", path.display())
    }
}

/// The name a corpus is reported under: its directory's name.
pub fn corpus_name(dir: &Path) -> String {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Builds the release binary and returns its path.
pub fn build_binary() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "rebound-cli", "--bin", "rebound"])
        .status()
        .context("cannot run cargo build")?;
    anyhow::ensure!(status.success(), "cargo build -p rebound-cli failed");
    Ok(project_root().join("target/release/rebound"))
}

/// The files under `DIR/emails`, as `emails/NAME`, sorted (dot files left out).
pub fn list_emails(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut emails: Vec<String> = std::fs::read_dir(dir.join("emails"))
        .with_context(|| format!("cannot list {}/emails", dir.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .map(|name| format!("emails/{name}"))
        .collect();
    emails.sort();
    Ok(emails)
}

/// Runs `rebound diagnose --offline --format FORMAT` on every email, two at a time;
/// the parsed JSON or the error is kept per email.
pub fn run_all(
    binary: &Path,
    dir: &Path,
    emails: &[String],
    format: &str,
) -> BTreeMap<String, Result<serde_json::Value, String>> {
    let results = Mutex::new(BTreeMap::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..JOBS {
            scope.spawn(|| loop {
                let index = {
                    let Ok(mut next) = next.lock() else { return };
                    let index = *next;
                    *next += 1;
                    index
                };
                let Some(email) = emails.get(index) else { return };
                let result = run_one(binary, &dir.join(email), format);
                if let Ok(mut results) = results.lock() {
                    results.insert(email.clone(), result);
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

/// One run: exit 0 and 1 are answers; 2 or more, a signal, a timeout or output that is
/// not JSON are errors. Empty output is no record.
fn run_one(binary: &Path, email: &Path, format: &str) -> Result<serde_json::Value, String> {
    let mut child = Command::new(binary)
        .args(["diagnose", "--offline", "--format", format])
        .arg(email)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run: {e}"))?;
    // Read both pipes while waiting, so that a large output cannot block the child.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let (out, err, status) = std::thread::scope(|scope| {
        let out = scope.spawn(move || read_all(stdout.as_mut()));
        let err = scope.spawn(move || read_all(stderr.as_mut()));
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if started.elapsed() > TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(format!("timeout (> {} s)", TIMEOUT.as_secs()));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                Err(e) => break Err(format!("cannot wait: {e}")),
            }
        };
        (out.join().unwrap_or_default(), err.join().unwrap_or_default(), status)
    });
    let status = status?;
    match status.code() {
        Some(0 | 1) => {}
        Some(code) => return Err(format!("exit {code}: {}", String::from_utf8_lossy(&err).trim())),
        None => return Err("killed by a signal (crash)".to_string()),
    }
    if out.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Array(Vec::new()));
    }
    serde_json::from_slice(&out).map_err(|e| format!("bad JSON: {e}"))
}

fn read_all(pipe: Option<&mut impl Read>) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Some(pipe) = pipe {
        let _ = pipe.read_to_end(&mut bytes);
    }
    bytes
}

/// Sisimai merged some reasons in 2025; the old names count as the new ones.
pub fn normalise_reason(reason: &str) -> String {
    let reason = reason.trim().to_ascii_lowercase();
    match reason.as_str() {
        "exceedlimit" | "mesgtoobig" => "emailtoolarge".to_string(),
        "toomanyconn" | "speeding" => "ratelimited".to_string(),
        _ => reason,
    }
}

/// Sisimai's invented codes (X.0.9NN, X.9.NNN) say only the class; any two of the
/// same class match.
pub fn status_matches(expected: &str, got: &str) -> bool {
    match (pseudo_class(expected), pseudo_class(got)) {
        (Some(a), Some(b)) => a == b,
        _ => expected == got,
    }
}

/// The class of a Sisimai pseudo status code, `None` for a real RFC 3463 code.
fn pseudo_class(code: &str) -> Option<&str> {
    let mut parts = code.split('.');
    let (class, subject, detail) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !matches!(class, "2" | "4" | "5") {
        return None;
    }
    let digits = !detail.is_empty() && detail.bytes().all(|b| b.is_ascii_digit());
    let pseudo = digits
        && ((subject == "9" && detail.len() <= 3)
            || (subject == "0" && detail.len() == 3 && detail.starts_with('9')));
    pseudo.then_some(class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_status_codes_match_by_class() {
        assert!(status_matches("5.9.132", "5.0.910"));
        assert!(status_matches("5.1.1", "5.1.1"));
        assert!(!status_matches("5.9.132", "4.9.132"));
        assert!(!status_matches("5.1.1", "5.1.2"));
        assert!(!status_matches("5.0.0", "5.9.1"));
    }

    #[test]
    fn legacy_reasons_take_their_new_names() {
        assert_eq!(normalise_reason("MesgTooBig"), "emailtoolarge");
        assert_eq!(normalise_reason("speeding"), "ratelimited");
        assert_eq!(normalise_reason("userunknown"), "userunknown");
    }

    #[test]
    fn summary_line_has_every_metric_and_the_errors() {
        let score = CorpusScore {
            name: "crisp".into(),
            metrics: vec![
                Metric { name: "recipient_set", right: 50, total: 54 },
                Metric { name: "reason", right: 21, total: 31 },
            ],
            errors: 0,
        };
        assert_eq!(
            score.line(),
            "corpus=crisp recipient_set=0.926 (50/54) reason=0.677 (21/31) errors=0"
        );
        assert_eq!(score.metrics[0].millis(), 925);
    }

    #[test]
    fn options_take_dirs_and_flags() {
        let args = ["--raise-floors", "a", "-v"].map(String::from);
        let options = Options::parse(args.into_iter()).unwrap();
        assert!(options.raise_floors && options.verbose);
        assert_eq!(options.dirs, vec![PathBuf::from("a")]);
        assert!(Options::parse(["--nope".to_string()].into_iter()).is_err());
    }
}
