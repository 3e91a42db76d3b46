//! The corpus floors: `xtask/corpus-floors.toml` holds, per corpus and figure, the
//! accuracy CI must not fall below (in thousandths, rounded down).
//!
//! Floors only go up. `cargo xtask corpus --raise-floors` rewrites the file with
//! today's figures where they are higher and never lowers one; `cargo xtask ci` checks
//! that no floor in the file is lower than the same floor in any committed version of
//! it (`git log`), and that none was removed. A corpus that got worse is fixed, not
//! excused by a lower floor.
//!
//! The file is a small TOML subset written and read here (xtask has no TOML
//! dependency): `[corpus]` sections and `figure = 0.972` lines, `#` comments.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context};

use crate::corpus::CorpusScore;
use crate::project_root;

/// The floors file, relative to the workspace root.
pub const FILE: &str = "xtask/corpus-floors.toml";

const HEADER: &str = "\
# Floors for `cargo xtask corpus`: per corpus, the accuracy (rounded down to
# thousandths) below which `cargo xtask ci` fails. Floors never go down:
# `cargo xtask corpus --raise-floors` raises them to today's figures and never
# lowers one, and `cargo xtask ci` fails when a floor is lower than in any
# committed version of this file, or removed. A corpus missing from the machine
# is skipped; `errors` must always be 0 and has no floor.
";

/// Floors per corpus, per figure, in thousandths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Floors {
    pub corpora: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Floors {
    pub fn path() -> PathBuf {
        project_root().join(FILE)
    }

    /// The checked-in floors; none when the file is not there yet.
    pub fn load() -> anyhow::Result<Self> {
        let path = Self::path();
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).with_context(|| format!("in {}", path.display())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut floors = Self::default();
        let mut section: Option<String> = None;
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let name = name.trim().to_string();
                floors.corpora.entry(name.clone()).or_default();
                section = Some(name);
                continue;
            }
            let (Some(corpus), Some((key, value))) = (&section, line.split_once('=')) else {
                bail!("line {}: want `[corpus]` or `figure = 0.NNN`", number + 1);
            };
            let millis = parse_millis(value.trim())
                .with_context(|| format!("line {}: {value:?} is not 0.NNN", number + 1))?;
            floors
                .corpora
                .entry(corpus.clone())
                .or_default()
                .insert(key.trim().to_string(), millis);
        }
        Ok(floors)
    }

    pub fn render(&self) -> String {
        let mut text = HEADER.to_string();
        for (corpus, figures) in &self.corpora {
            text.push_str(&format!("\n[{corpus}]\n"));
            for (figure, millis) in figures {
                text.push_str(&format!("{figure} = {}.{:03}\n", millis / 1000, millis % 1000));
            }
        }
        text
    }

    pub fn save(&self) -> anyhow::Result<()> {
        let path = Self::path();
        std::fs::write(&path, self.render())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Raises each floor to today's figure where that is higher (a new figure gets its
    /// floor); never lowers one. Returns a line per change.
    pub fn raise(&mut self, scores: &[CorpusScore]) -> Vec<String> {
        let mut changes = Vec::new();
        for score in scores {
            let figures = self.corpora.entry(score.name.clone()).or_default();
            for metric in &score.metrics {
                let now = metric.millis();
                let floor = figures.entry(metric.name.to_string()).or_insert(0);
                if now > *floor {
                    changes.push(format!(
                        "{}.{}: {} -> {}",
                        score.name,
                        metric.name,
                        show(*floor),
                        show(now)
                    ));
                    *floor = now;
                }
            }
        }
        changes
    }

    /// A line per figure below its floor (a figure with a floor that was not computed
    /// at all counts as below).
    pub fn below(&self, scores: &[CorpusScore]) -> Vec<String> {
        let mut below = Vec::new();
        for score in scores {
            let Some(figures) = self.corpora.get(&score.name) else { continue };
            for (figure, floor) in figures {
                match score.metrics.iter().find(|m| m.name == figure) {
                    Some(m) if m.millis() >= *floor => {}
                    Some(m) => below.push(format!(
                        "{}.{figure} = {:.3} ({}/{}) < floor {}",
                        score.name,
                        m.ratio(),
                        m.right,
                        m.total,
                        show(*floor)
                    )),
                    None => below.push(format!(
                        "{}.{figure} was not scored (floor {})",
                        score.name,
                        show(*floor)
                    )),
                }
            }
        }
        below
    }

    /// A line per floor that is lower here than in `earlier`, or missing here.
    pub fn lowered_since(&self, earlier: &Floors) -> Vec<String> {
        let mut lowered = Vec::new();
        for (corpus, figures) in &earlier.corpora {
            for (figure, then) in figures {
                match self.corpora.get(corpus).and_then(|f| f.get(figure)) {
                    Some(now) if now >= then => {}
                    Some(now) => lowered.push(format!(
                        "{corpus}.{figure}: {} < {} committed before",
                        show(*now),
                        show(*then)
                    )),
                    None => {
                        lowered.push(format!("{corpus}.{figure}: removed (was {})", show(*then)))
                    }
                }
            }
        }
        lowered
    }
}

fn show(millis: u64) -> String {
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// `0.972` as 972; at most three decimals, at most 1.
fn parse_millis(value: &str) -> Option<u64> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let fraction: u64 = format!("{fraction:0<3}").parse().ok()?;
    let millis = whole * 1000 + fraction;
    (millis <= 1000).then_some(millis)
}

/// Checks the floors file against every committed version of it. `Ok(None)` when git
/// or the history is not there (a source tarball), with nothing to compare.
pub fn check_history() -> anyhow::Result<Option<Vec<String>>> {
    let root = project_root();
    let git = |args: &[&str]| Command::new("git").current_dir(&root).args(args).output();
    let Ok(log) = git(&["log", "--format=%H", "--", FILE]) else { return Ok(None) };
    if !log.status.success() {
        return Ok(None);
    }
    let current = Floors::load()?;
    let mut lowered = Vec::new();
    for commit in String::from_utf8_lossy(&log.stdout).lines() {
        let Ok(shown) = git(&["show", &format!("{commit}:{FILE}")]) else { continue };
        if !shown.status.success() {
            continue; // the commit that deleted the file, if any
        }
        let earlier = Floors::parse(&String::from_utf8_lossy(&shown.stdout))
            .with_context(|| format!("{FILE} at {commit}"))?;
        for line in current.lowered_since(&earlier) {
            let line = format!("{line} (commit {})", &commit[..commit.len().min(10)]);
            if !lowered.contains(&line) {
                lowered.push(line);
            }
        }
    }
    Ok(Some(lowered))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Metric;

    fn score(name: &str, right: usize, total: usize) -> CorpusScore {
        CorpusScore {
            name: name.into(),
            metrics: vec![Metric { name: "reason", right, total }],
            errors: 0,
        }
    }

    #[test]
    fn the_file_reads_back_what_it_writes() {
        let text =
            "# c\n[crisp]\nreason = 0.677 # today\nrecipient_set = 1\n[sisimai]\nstatus = 0.97\n";
        let floors = Floors::parse(text).unwrap();
        assert_eq!(floors.corpora["crisp"]["reason"], 677);
        assert_eq!(floors.corpora["crisp"]["recipient_set"], 1000);
        assert_eq!(floors.corpora["sisimai"]["status"], 970);
        assert_eq!(Floors::parse(&floors.render()).unwrap(), floors);
        assert!(Floors::parse("[a]\nreason = 1.5\n").is_err());
        assert!(Floors::parse("reason = 0.5\n").is_err(), "a figure outside a section");
    }

    #[test]
    fn raising_never_lowers_a_floor() {
        let mut floors = Floors::parse("[crisp]\nreason = 0.700\n").unwrap();
        assert!(floors.raise(&[score("crisp", 60, 100)]).is_empty());
        assert_eq!(floors.corpora["crisp"]["reason"], 700);
        assert_eq!(floors.raise(&[score("crisp", 71, 100)]).len(), 1);
        assert_eq!(floors.corpora["crisp"]["reason"], 710);
        floors.raise(&[score("cws", 2, 3)]);
        assert_eq!(floors.corpora["cws"]["reason"], 666, "rounded down, so today passes");
        assert!(floors.below(&[score("cws", 2, 3)]).is_empty());
    }

    #[test]
    fn below_a_floor_or_lower_than_before_is_reported() {
        let floors = Floors::parse("[crisp]\nreason = 0.700\n").unwrap();
        assert_eq!(floors.below(&[score("crisp", 69, 100)]).len(), 1);
        assert!(floors.below(&[score("crisp", 70, 100)]).is_empty());
        assert!(floors.below(&[score("other", 0, 100)]).is_empty(), "no floor, no failure");
        let lower = Floors::parse("[crisp]\nreason = 0.690\n").unwrap();
        assert_eq!(lower.lowered_since(&floors).len(), 1);
        assert!(floors.lowered_since(&lower).is_empty());
        assert_eq!(Floors::default().lowered_since(&floors).len(), 1, "a removed floor");
    }
}
