//! `cargo xtask man [DIR]`: the man pages, generated from the CLI's flag definitions
//! by the binary itself (`rebound man --out-dir DIR`, a hidden command), into
//! `target/man/` by default. Install with `cp target/man/*.1 /usr/local/share/man/man1/`.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{ensure, Context};

use crate::project_root;

pub fn run(out: Option<PathBuf>) -> anyhow::Result<()> {
    let root = project_root();
    let out = out.unwrap_or_else(|| root.join("target").join("man"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args(["run", "-q", "-p", "rebound-cli", "--", "man", "--out-dir"])
        .arg(&out)
        .status()
        .context("cannot run cargo")?;
    ensure!(status.success(), "rebound man failed ({status})");
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .with_context(|| format!("cannot read {}", out.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".1"))
        .collect();
    pages.sort();
    eprintln!("xtask man: {} pages in {}: {}", pages.len(), out.display(), pages.join(" "));
    Ok(())
}
