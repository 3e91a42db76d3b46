//! `tests/fixtures/mta/expected.toml`: one `[[fixture]]` table per generated bounce,
//! with the case's true answer. `known_wrong` marks (added by hand while rebound still
//! gets a row wrong) are carried over from the file being replaced.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::Generated;

pub fn write(path: &Path, generated: &[Generated]) -> anyhow::Result<()> {
    let marks =
        std::fs::read_to_string(path).map(|old| known_wrong_marks(&old)).unwrap_or_default();
    let mut out = String::from(
        "# Expected answers for the MTA-generated bounces beside this file.
# Written by `cargo xtask mta-bounces` from its case table (xtask/src/mta_bounces/cases.rs):
# the TRUTH of each scripted case, not what rebound prints. `reply_code` is absent when
# the remote host never replied. A row may carry `known_wrong = \"why\"` while rebound
# still gets it wrong: the e2e test (tests/e2e/mta_fixtures.rs) then reports the row
# instead of failing; regenerating keeps these marks. `not_in_bounce` lists the fields
# that this MTA's bounce does not carry at all (written by the xtask, see
# `not_in_bounce` in xtask/src/mta_bounces.rs): the test reports rebound's answer for
# them but cannot assert it.
",
    );
    for g in generated {
        let e = &g.case.expect;
        let _ = write!(
            out,
            "\n[[fixture]]\nfile = {}\nmta = {}\ncase = {}\nsource = {}\nrecipient = {}\nstatus = {}\n",
            quote(&g.file),
            quote(&g.mta_version),
            quote(g.case.name),
            quote(&format!("provider-replies.md {}", g.case.source)),
            quote(g.case.recipient),
            quote(e.status),
        );
        if let Some(code) = e.reply_code {
            let _ = writeln!(out, "reply_code = {code}");
        }
        let _ = write!(
            out,
            "smtp_command = {}\nreason = {}\nhard_bounce = {}\n",
            quote(e.smtp_command),
            quote(e.reason),
            e.hard_bounce
        );
        if !g.not_in_bounce.is_empty() {
            let _ = writeln!(out, "not_in_bounce = {}", quote(&g.not_in_bounce.join(" ")));
        }
        if let Some(why) = marks.get(&g.file) {
            let _ = writeln!(out, "known_wrong = {}", quote(why));
        }
    }
    std::fs::write(path, out)?;
    Ok(())
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// file name -> `known_wrong` text, from the subset of TOML this module writes.
fn known_wrong_marks(toml: &str) -> BTreeMap<String, String> {
    let mut marks = BTreeMap::new();
    let mut file = None;
    for line in toml.lines() {
        let Some((key, value)) = line.split_once(" = ") else { continue };
        let value = unquote(value.trim());
        match key.trim() {
            "file" => file = Some(value),
            "known_wrong" => {
                if let Some(file) = file.clone() {
                    marks.insert(file, value);
                }
            }
            _ => {}
        }
    }
    marks
}

fn unquote(value: &str) -> String {
    let inner = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
    inner.replace("\\\"", "\"").replace("\\\\", "\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_survive_a_round_trip_through_the_written_form() {
        let toml = format!(
            "[[fixture]]\nfile = {}\nknown_wrong = {}\n\n[[fixture]]\nfile = \"b.eml\"\n",
            quote("a.eml"),
            quote("says \"x\" \\ y")
        );
        let marks = known_wrong_marks(&toml);
        assert_eq!(marks.len(), 1);
        assert_eq!(marks["a.eml"], "says \"x\" \\ y");
    }
}
