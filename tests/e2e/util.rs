//! Running the binary and finding fixtures.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fixture under `tests/fixtures/`.
pub fn fixture(name: &str) -> String {
    root().join("tests/fixtures").join(name).display().to_string()
}

/// Every `.eml` fixture that is a bounce, sorted.
pub fn eml_fixtures() -> Vec<String> {
    let mut inputs: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".eml") && name != "not-a-bounce.eml")
        .map(|name| fixture(&name))
        .collect();
    inputs.sort();
    inputs
}

/// The example bounce the README runs.
pub fn example() -> String {
    root().join("examples/outlook-s3150-xserver.eml").display().to_string()
}

pub struct Run {
    pub output: Output,
    pub elapsed: Duration,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8(self.output.stdout.clone()).expect("stdout is UTF-8")
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().expect("exited normally")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.output.stdout).unwrap_or_else(|e| {
            panic!("output is not JSON ({e}):\n{}\n{}", self.stdout(), self.stderr())
        })
    }

    /// The one report of a `diagnose --format json` run over one input: the output
    /// is always an array, here of exactly one report.
    pub fn report(&self) -> Value {
        let json = self.json();
        let reports = json.as_array().unwrap_or_else(|| panic!("not an array: {json}"));
        assert_eq!(reports.len(), 1, "one report expected: {json}");
        reports[0].clone()
    }
}

/// Runs `rebound` with these arguments.
pub fn rebound(args: &[&str]) -> Run {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .expect("rebound runs");
    Run { output, elapsed: started.elapsed() }
}

/// The listing of `zone` in a report's `listings`.
pub fn listing<'a>(report: &'a Value, zone: &str) -> &'a Value {
    report["listings"]
        .as_array()
        .expect("listings is an array")
        .iter()
        .find(|l| l["zone"] == zone)
        .unwrap_or_else(|| panic!("no listing for {zone} in {:#}", report["listings"]))
}
