//! JSON output: one object for one input, an array for several (`docs/json.md`).

use std::io::Write;

use crate::report::Report;

pub fn write(out: &mut impl Write, reports: &[Report]) -> anyhow::Result<()> {
    match reports {
        [one] => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    writeln!(out)?;
    Ok(())
}
