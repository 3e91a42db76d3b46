//! Collects every `rules/**/*.toml` file into `$OUT_DIR/rule_files.rs`: a list of
//! (path under `rules/`, the file as JSON, or the TOML error), sorted by path. A new
//! rules file is registered by dropping it into the directory.
//!
//! The TOML is read here, once, and handed to the crate as JSON, which is several
//! times cheaper to read at start-up. A file that is not valid TOML does not stop
//! the build: its error goes in the list, and the crate's tests, which load every
//! file, fail on it (a user's run skips it).

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

/// The file's TOML as JSON, or the TOML error.
fn to_json(text: &str) -> Result<String, String> {
    let value: toml::Value = toml::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_string(&value).map_err(|e| e.to_string())
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
        "/// Every rules file: its path under `rules/` and its contents as JSON (or the\n\
         /// TOML error), sorted by path.\n\
         pub(crate) const RULE_FILES: &[(&str, Result<&str, &str>)] = &[\n",
    );
    for file in &files {
        let name = file.strip_prefix(&rules).unwrap_or(file);
        let name = name.to_string_lossy().replace('\\', "/");
        let json = match to_json(&fs::read_to_string(file)?) {
            Ok(json) => format!("Ok({json:?})"),
            Err(error) => format!("Err({error:?})"),
        };
        out.push_str(&format!("    ({name:?}, {json}),\n"));
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    fs::write(out_dir.join("rule_files.rs"), out)
}
