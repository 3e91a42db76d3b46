//! Collects every `rules/**/*.toml` file into `$OUT_DIR/rule_files.rs`, a list of
//! (path under `rules/`, contents via `include_str!`), sorted by path. A new rules
//! file is registered by dropping it into the directory; the crate's tests load
//! every file and fail on a malformed one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules = manifest.join("rules");
    // A directory here makes Cargo rerun this script when any file under it changes.
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files)?;
    files.sort();
    let mut out = String::from(
        "/// Every rules file: its path under `rules/` and its contents, sorted by path.\n\
         pub(crate) const RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let name = file.strip_prefix(&rules).unwrap_or(file);
        let name = name.to_string_lossy().replace('\\', "/");
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", file.to_string_lossy()));
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    fs::write(out_dir.join("rule_files.rs"), out)
}
